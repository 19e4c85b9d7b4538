"""CLI: python -m socialake.sample --out DIR --posts N --seed S [--force] [--workers W]."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn, Sequence

from socialake.sample.config import DEFAULT_SHARD_SIZE
from socialake.sample.generator import SampleArgumentError, generate


class _OneLineParser(argparse.ArgumentParser):
    """Argument errors as a single 'error: ...' line and exit code 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see --help)\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = _OneLineParser(
        prog="python -m socialake.sample",
        description="Write seeded sample social posts in native platform formats plus the "
                    "planted ground truth.")
    parser.add_argument("--out", required=True, help="output folder (landing/ and truth/)")
    parser.add_argument("--posts", type=int, required=True,
                        help="number of records, 1,000 to 10,000,000")
    parser.add_argument("--seed", type=int, required=True, help="random seed (>= 0)")
    parser.add_argument("--force", action="store_true",
                        help="replace landing/ and truth/ in a non-empty --out")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: all cores from 50,000 posts)")
    parser.add_argument("--shard-size", type=int, default=DEFAULT_SHARD_SIZE,
                        help="max records per shard (changes the output layout)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        summary = generate(args.out, args.posts, args.seed, force=args.force,
                           workers=args.workers, shard_size=args.shard_size)
    except SampleArgumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = summary["counts"]
    files = sum(f["files"] for f in summary["formats"].values())
    print(f"wrote {counts['records']:,} records ({counts['malformed']:,} malformed, "
          f"{counts['edits']:,} edits, {counts['deletes']:,} deletes) in {files:,} files "
          f"to {args.out} in {summary['elapsed_seconds']:.1f}s with {summary['workers']} "
          f"worker(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
