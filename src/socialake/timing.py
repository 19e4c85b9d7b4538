"""Where a job's time goes: named steps timed on the driver, printed with the job's report.

Spark evaluates lazily, so a step's time is that of the actions run inside it (the work of a
frame persisted in one step and reused later counts where it was first computed). The
benchmark (scripts/benchmark.py) collects these lines from every stage.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

PREFIX = "  time by step:"


class Stopwatch:
    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self._started = self._last = time.perf_counter()

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self._last = time.perf_counter()
            self.steps.append((name, self._last - start))

    def lap(self, name: str) -> None:
        """Record the time since the previous step or lap ended (or since the start) as `name`."""
        now = time.perf_counter()
        self.steps.append((name, now - self._last))
        self._last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self._started

    def render(self) -> str:
        """One line: each step's seconds, then the whole run's."""
        parts = "; ".join(f"{name} {seconds:.1f}" for name, seconds in self.steps)
        return f"{PREFIX} {parts} (total {self.total:.1f} s)"


def parse_steps(line: str) -> dict[str, float]:
    """The steps of a rendered line, back as {name: seconds} (for the benchmark)."""
    body = line.split(PREFIX, 1)[1].rsplit(" (total", 1)[0]
    steps = {}
    for part in body.split("; "):
        name, _, seconds = part.strip().rpartition(" ")
        if name:
            steps[name] = float(seconds)
    return steps
