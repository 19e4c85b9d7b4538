"""Measure `socialake serve` on an existing lake: seconds from the process start to the JDBC
endpoint answering, and the latency of the README's example queries over PyHive (median of
--repeat runs after one warm-up), on each engine.

    python scripts/measure_serve.py --lake-root ./lake [--engines embedded delta-spark] [--repeat 5]

Prints a Markdown table (docs/measurements/serving.md records one run).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_queries() -> dict[str, str]:
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(), flags=re.S)
    return {b.splitlines()[0].split(":", 1)[1].strip(): b.strip() for b in blocks if b.startswith("-- name:")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure(root: str, engine: str, repeat: int) -> dict[str, float]:
    from pyhive import hive

    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "socialake.cli", "serve", "--lake-root", root, "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "SOCIALAKE__LAKE__ENGINE": engine})
    try:
        for line in process.stdout:
            if "on jdbc:hive2://" in line:
                break
        else:
            raise SystemExit(f"socialake serve ({engine}) exited with {process.wait()}")
        timings = {"ready_s": time.monotonic() - started}
        with hive.connect(host="127.0.0.1", port=port, username="bench") as connection:
            cursor = connection.cursor()
            for name, sql in readme_queries().items():
                runs = []
                for attempt in range(repeat + 1):
                    t0 = time.monotonic()
                    cursor.execute(sql)
                    cursor.fetchall()
                    if attempt:   # the first run is the warm-up
                        runs.append(time.monotonic() - t0)
                timings[name] = statistics.median(runs)
        return timings
    finally:
        process.terminate()
        process.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake-root", required=True)
    parser.add_argument("--engines", nargs="+", default=["embedded", "delta-spark"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    results = {engine: measure(str(Path(args.lake_root).resolve()), engine, args.repeat) for engine in args.engines}
    names = list(next(iter(results.values())))
    print("| engine | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for engine, timings in results.items():
        print(f"| {engine} | " + " | ".join(f"{timings[n]:.2f}" for n in names) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
