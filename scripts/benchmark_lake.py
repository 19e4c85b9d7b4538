"""The two lake engines side by side: write, insert-only merge and read at 100k and 1M rows.

    python scripts/benchmark_lake.py [--sizes 100000 1000000] [--dir /tmp/lake-bench]

One local session with the Delta jars (set-up fetched them). Rows look like bronze's: a 64-hex
key, a ~300-character payload, a timestamp, a platform, two numbers. Per engine and size:
- write: a new table of N rows (one commit);
- merge: N/10 incoming rows, half of them already present, inserted by key (one commit);
- read: the whole table read back and aggregated (count + sum).
Each timing is the best of --repeat runs on a fresh table; results are printed as a markdown
table for docs/measurements/engines.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def rows_frame(spark, start: int, count: int):
    from pyspark.sql import functions as F

    ids = spark.range(start, start + count)
    return ids.select(
        F.sha2(F.col("id").cast("string"), 256).alias("payload_sha256"),
        F.concat(F.lit('{"text": "'), F.repeat(F.md5(F.col("id").cast("string")), 9), F.lit('"}')).alias("raw_payload"),
        (F.lit(1_767_225_600) + F.col("id")).cast("timestamp").alias("created_at"),
        F.element_at(F.array(*[F.lit(p) for p in ("x", "reddit", "mastodon", "bluesky")]),
                     (F.col("id") % 4 + 1).cast("int")).alias("platform"),
        (F.col("id") % 1000).alias("like_count"),
        (F.rand(seed=7) * 10).alias("score"),
    )


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/socialake-lake-bench"))
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from socialake.config import load_config
    from socialake.lake.delta_spark import DeltaSparkLake
    from socialake.lake.embedded import EmbeddedLake
    from socialake.session import build_session, detect_jars

    cfg = load_config("local", overrides={"lake": {"root": str(args.dir)}})
    spark = build_session(cfg)
    if not detect_jars(spark.sparkContext._jvm).delta:
        raise SystemExit("the Delta jars are not on the classpath: run scripts/setup.sh where Maven Central is reachable")
    engines = {"embedded": EmbeddedLake(spark, cfg.lake), "delta-spark": DeltaSparkLake(spark, cfg.lake)}
    results = []
    for size in args.sizes:
        base = rows_frame(spark, 0, size).persist()
        incoming = rows_frame(spark, size - size // 20, size // 10).persist()   # half overlaps
        base.count(), incoming.count()
        for name, lake in engines.items():
            best = {"write": float("inf"), "merge": float("inf"), "read": float("inf")}
            for attempt in range(args.repeat):
                table = f"bench.{name.replace('-', '_')}_{size}_{attempt}"
                shutil.rmtree(lake.path(table), ignore_errors=True)
                best["write"] = min(best["write"], timed(lambda: lake.write(table, base, run_id="bench")))
                merged = []
                best["merge"] = min(best["merge"], timed(
                    lambda: merged.append(lake.merge_insert(table, incoming, keys=["payload_sha256"], run_id="bench"))))
                assert merged[0].rows == size // 20, merged[0]
                best["read"] = min(best["read"], timed(
                    lambda: lake.read(table).selectExpr("count(*)", "sum(like_count)").collect()))
                shutil.rmtree(lake.path(table), ignore_errors=True)
            results.append((size, name, best))
            print(f"{size:>9,} {name:<12} write {best['write']:6.1f} s  merge {best['merge']:6.1f} s  "
                  f"read {best['read']:6.1f} s", flush=True)
        base.unpersist(), incoming.unpersist()
    print("\n| rows | engine | write | merge (10% in, half new) | read + aggregate |\n|---|---|---|---|---|")
    for size, name, best in results:
        print(f"| {size:,} | {name} | {best['write']:.1f} s | {best['merge']:.1f} s | {best['read']:.1f} s |")
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
