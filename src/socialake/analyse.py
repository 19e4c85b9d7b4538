"""Analyses on a user's own files, the way researchers run VADER or a language detector on a
text file: `socialake analyse <analysis> --input F --output G`. No lake, no Spark session.

Formats (UTF-8, `\\n` line ends; a `\\r` before it is dropped):
- language: one text per line in; one line out per input line, `lang<TAB>confidence`
  (`und` with its confidence when below silver.language.min_confidence or too little text).
- communities: `src<TAB>dst[<TAB>weight]` per line (an optional header `src dst [weight]`);
  out: a header `node<TAB>community` and one line per node, communities numbered by size
  (c0000 the largest), with the settings of gold.graph.

A line that cannot be read (not UTF-8; for edges: a wrong number of fields, an empty node, a
weight that is not a positive number) is never dropped silently: it is reported on stderr with
its line number, an input line keeps its output line (`invalid<TAB>` and the reason), and the
command exits with 1 after writing everything it could.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, TextIO

INVALID = "invalid"
MAX_REPORTED = 20  # bad lines printed one by one; the rest are counted


@dataclass
class Problems:
    """Bad input lines: (line number, reason)."""

    lines: list[tuple[int, str]] = field(default_factory=list)

    def add(self, number: int, reason: str) -> None:
        self.lines.append((number, reason))

    def report(self, source: Path, out: TextIO = sys.stderr) -> None:
        for number, reason in self.lines[:MAX_REPORTED]:
            print(f"{source}:{number}: {reason}", file=out)
        if len(self.lines) > MAX_REPORTED:
            print(f"{source}: {len(self.lines) - MAX_REPORTED} more bad lines", file=out)


def read_lines(path: Path, problems: Problems) -> Iterator[tuple[int, str | None]]:
    """(line number from 1, text or None when the line is not UTF-8) for every line of `path`."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            raw = raw.removesuffix(b"\n").removesuffix(b"\r")
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.add(number, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
                yield number, None


def _clean_reason(reason: str) -> str:
    return reason.replace("\t", " ").replace("\n", " ")


@dataclass(frozen=True)
class Summary:
    lines_in: int
    lines_out: int
    bad: int

    def render(self, analysis: str, output: Path, *, marked: bool = True) -> str:
        where = f"marked `{INVALID}` in the output" if marked else "left out of the graph"
        bad = f"; {self.bad} bad line(s), reported above and {where}" if self.bad else ""
        return f"analyse {analysis}: {self.lines_in:,} lines in, {self.lines_out:,} lines out to {output}{bad}"


def languages(input_path: Path, output_path: Path, *, languages: tuple[str, ...], min_confidence: float,
              problems: Problems, block: int = 10_000) -> Summary:
    """Language of each line (silver's detector: URLs, mentions and placeholders removed first)."""
    from socialake.silver.language import detect_languages

    count = 0
    with open(output_path, "w", encoding="utf-8", newline="\n") as out:
        pending: list[tuple[int, str | None]] = []

        def flush() -> None:
            texts = [text for _, text in pending if text is not None]
            found = iter(detect_languages(texts, languages=languages, min_confidence=min_confidence))
            reasons = dict(problems.lines) if len(texts) < len(pending) else {}
            for number, text in pending:
                if text is None:
                    out.write(f"{INVALID}\t{_clean_reason(reasons[number])}\n")
                else:
                    lang, confidence = next(found)
                    out.write(f"{lang}\t{confidence:.4f}\n")
            pending.clear()

        for number, text in read_lines(input_path, problems):
            pending.append((number, text))
            count += 1
            if len(pending) >= block:
                flush()
        flush()
    return Summary(count, count, len(problems.lines))


@dataclass(frozen=True)
class Edges:
    src: list[str]
    dst: list[str]
    weight: list[float]
    lines: int


def read_edges(path: Path, problems: Problems) -> Edges:
    src, dst, weight, count = [], [], [], 0
    for number, text in read_lines(path, problems):
        count = number
        if text is None or not text.strip():
            if text is not None:
                problems.add(number, "empty line: expected src<TAB>dst[<TAB>weight]")
            continue
        fields = text.split("\t")
        if number == 1 and [f.strip().lower() for f in fields][:2] == ["src", "dst"]:
            continue  # header
        if len(fields) not in (2, 3):
            problems.add(number, f"{len(fields)} tab-separated fields: expected src<TAB>dst[<TAB>weight]")
            continue
        a, b = fields[0].strip(), fields[1].strip()
        if not a or not b:
            problems.add(number, "an empty node name")
            continue
        w = 1.0
        if len(fields) == 3:
            try:
                w = float(fields[2])
            except ValueError:
                w = math.nan
            if not (w > 0 and math.isfinite(w)):
                problems.add(number, f"weight {fields[2].strip()!r} is not a positive number")
                continue
        src.append(a)
        dst.append(b)
        weight.append(w)
    return Edges(src, dst, weight, count)


def communities(input_path: Path, output_path: Path, *, method: str, resolution: float | None, seed: int,
                problems: Problems) -> tuple[Summary, int]:
    """Communities of the graph in `input_path` with gold's driver engine (igraph); returns the
    summary and the number of communities."""
    import pandas as pd

    from socialake.analytics import graph

    edges = read_edges(input_path, problems)
    pairs = pd.DataFrame({"src": edges.src, "dst": edges.dst, "weight": edges.weight})
    pairs = pairs.groupby(["src", "dst"], as_index=False)["weight"].sum()
    found = graph.communities_on_driver(pairs, method=method, resolution=resolution, seed=seed)
    members = found.communities.sort_values([graph.COMMUNITY, graph.NODE])
    with open(output_path, "w", encoding="utf-8", newline="\n") as out:
        out.write("node\tcommunity\n")
        for node, community in zip(members[graph.NODE], members[graph.COMMUNITY]):
            out.write(f"{node}\t{community}\n")
    return Summary(edges.lines, len(members) + 1, len(problems.lines)), int(members[graph.COMMUNITY].nunique())
