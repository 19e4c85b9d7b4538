"""`generate()`: plan the dataset, run the shards (in worker processes when large), then merge
the per-shard truth parts into truth/posts.parquet, truth/authors.parquet and truth/truth.json."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable

from socialake.sample import ids
from socialake.sample.authors import author_rows
from socialake.sample.config import (
    CSV_COLUMN_MAPPING,
    CSV_COLUMNS,
    CSV_TIMESTAMP_FORMAT,
    DEFAULT_CONFIG,
    DEFAULT_SHARD_SIZE,
    FORMAT_PLATFORM,
    MAX_POSTS,
    MAX_SHARD_SIZE,
    MIN_POSTS,
    MIN_SHARD_SIZE,
    GeneratorConfig,
)
from socialake.sample.plan import US_PER_HOUR, Plan, World, plan_dataset
from socialake.sample.shard import run_shard
from socialake.sample.truth import AUTHORS_SCHEMA, POSTS_SCHEMA, concat_parts, write_table
from socialake.sample.vocab import COORDINATED_CAMPAIGNS

PARALLEL_FROM_POSTS = 50_000
AUTHOR_CHUNK = 100_000
LANDING = "landing"
TRUTH = "truth"

# How each format's truth `text` relates to its native fields (PII offsets index into `text`).
TEXT_CONVENTIONS = {
    "x_v2": "data[].text as is (links appear as t.co; entities give expanded_url).",
    "x_v1.1": "full_text (REST files) or extended_tweet.full_text, else text (streaming files).",
    "pushshift": "t1: body. t3: title, or title + '\\n\\n' + selftext when selftext is not empty.",
    "mastodon": "content with the HTML tags removed and entities unescaped (one <p>).",
    "jetstream": "commit.record.text (facets use UTF-8 byte offsets of the same text).",
    "csv": "the text column.",
}


class SampleArgumentError(ValueError):
    """A bad argument to `generate` (the CLI prints it on one line and exits with 2)."""


def validate_arguments(out_dir: Path, n_posts: int, seed: int, force: bool,
                       shard_size: int, workers: int | None) -> None:
    if not isinstance(n_posts, int) or not MIN_POSTS <= n_posts <= MAX_POSTS:
        raise SampleArgumentError(
            f"--posts must be between {MIN_POSTS:,} and {MAX_POSTS:,} (got {n_posts})")
    if not isinstance(seed, int) or not 0 <= seed < 2 ** 63:
        raise SampleArgumentError(f"--seed must be an integer in [0, 2**63) (got {seed})")
    if not MIN_SHARD_SIZE <= shard_size <= MAX_SHARD_SIZE:
        raise SampleArgumentError(
            f"--shard-size must be between {MIN_SHARD_SIZE:,} and {MAX_SHARD_SIZE:,} "
            f"(got {shard_size})")
    if workers is not None and workers < 1:
        raise SampleArgumentError(f"--workers must be at least 1 (got {workers})")
    if out_dir.exists() and not out_dir.is_dir():
        raise SampleArgumentError(f"--out {out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise SampleArgumentError(
            f"--out {out_dir} exists and is not empty; pass --force to replace its "
            f"{LANDING}/ and {TRUTH}/ folders")


def _author_task(args: tuple) -> str:
    world, platform, start, end, part = args
    cols = author_rows(world.seed, world.layouts[platform], range(start, end),
                       world.config.language_weights, world.start_us)
    import pyarrow as pa

    write_table(pa.Table.from_pydict(cols, schema=AUTHORS_SCHEMA), Path(part))
    return part


def _run_task(task: tuple) -> Any:
    kind, payload = task
    return run_shard(payload) if kind == "shard" else _author_task(payload)


def _map(tasks: list, workers: int) -> list:
    if workers <= 1:
        return [_run_task(t) for t in tasks]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_run_task, tasks, chunksize=1))


def generate(
    out_dir: str | os.PathLike,
    n_posts: int,
    seed: int,
    *,
    force: bool = False,
    workers: int | None = None,
    shard_size: int = DEFAULT_SHARD_SIZE,
    config: GeneratorConfig = DEFAULT_CONFIG,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write a seeded sample dataset under `out_dir` and return the truth.json summary.

    landing/<format>/... holds native-format shard files; truth/ holds posts.parquet,
    authors.parquet and truth.json. Same (n_posts, seed, shard_size, config) -> byte-identical
    files, whatever `workers` is. Raises SampleArgumentError for bad arguments. The returned
    dict also carries `elapsed_seconds` and `workers` (not written to truth.json).
    """
    started = time.perf_counter()
    out = Path(out_dir)
    validate_arguments(out, n_posts, seed, force, shard_size, workers)
    for sub in (LANDING, TRUTH):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    (out / TRUTH).mkdir(parents=True, exist_ok=True)
    plan = plan_dataset(n_posts, seed, str(out), config, shard_size)
    if workers is None:
        workers = 1 if n_posts < PARALLEL_FROM_POSTS else min(os.cpu_count() or 1,
                                                              len(plan.shards))
    parts_dir = out / TRUTH / "_parts"
    author_tasks = []
    for platform, layout in plan.world.layouts.items():
        for k, start in enumerate(range(0, layout.n_authors, AUTHOR_CHUNK)):
            end = min(layout.n_authors, start + AUTHOR_CHUNK)
            part = str(parts_dir / f"authors-{platform}-{k:04d}.parquet")
            author_tasks.append(("authors", (plan.world, platform, start, end, part)))
    # largest shards first keeps the pool busy; results come back in task order
    shard_tasks = [("shard", spec) for spec in plan.shards]
    order = sorted(range(len(shard_tasks)), key=lambda i: -plan.shards[i].n_slots)
    results = _map([shard_tasks[i] for i in order] + author_tasks, workers)
    shard_results: list[dict] = [{}] * len(shard_tasks)
    for i, result in zip(order, results[: len(shard_tasks)]):
        shard_results[i] = result
    author_parts = [Path(p) for p in results[len(shard_tasks):]]
    if progress:
        progress(f"shards done in {time.perf_counter() - started:.1f}s, merging truth")

    n_rows = concat_parts((Path(r["truth_part"]) for r in shard_results),
                          out / TRUTH / "posts.parquet", POSTS_SCHEMA)
    concat_parts(author_parts, out / TRUTH / "authors.parquet", AUTHORS_SCHEMA)
    shutil.rmtree(parts_dir)
    summary = build_summary(plan, shard_results, shard_size)
    if n_rows != summary["counts"]["records"]:
        raise RuntimeError(f"truth rows {n_rows} != records {summary['counts']['records']}")
    (out / TRUTH / "truth.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    result = dict(summary)
    result["elapsed_seconds"] = round(time.perf_counter() - started, 3)
    result["workers"] = workers
    return result


def _sum_hourly(results: Iterable[dict], key: str, hours: int) -> list[int]:
    total = [0] * hours
    for r in results:
        for i, v in enumerate(r[key]):
            total[i] += v
    return total


def _spike_observed(hourly: list[int], world: World) -> dict:
    spike = world.spike
    first = (spike.start_us - world.start_us) // US_PER_HOUR
    last = (spike.end_us - world.start_us) // US_PER_HOUR
    window = hourly[first:last]
    # baseline: the same hours of day on the other days (the diurnal cycle cancels out)
    same_hours = [hourly[d * 24 + (first % 24) + h] for d in range(world.config.days)
                  for h in range(last - first) if d != first // 24]
    baseline = sum(same_hours) / max(1, len(same_hours))
    mean_window = sum(window) / max(1, len(window))
    return {
        "window_hourly_counts": window,
        "baseline_hourly_mean_same_hours": round(baseline, 3),
        "ratio": round(mean_window / baseline, 3) if baseline else None,
    }


def build_summary(plan: Plan, results: list[dict], shard_size: int) -> dict:
    world = plan.world
    cfg = world.config
    totals: Counter = Counter()
    per_format: dict[str, Counter] = {}
    files_per_format: Counter = Counter()
    embedded: Counter = Counter()
    malformed: list[dict] = []
    coordinated_members: dict[str, list] = {}
    for r in results:
        c = Counter(r["counters"])
        totals.update(c)
        per_format.setdefault(r["source_format"], Counter()).update(c)
        files_per_format[r["source_format"]] += len(r["files"])
        embedded[r["source_format"]] += r["embedded_statuses"]
        malformed.extend(r["malformed"])
        for cluster_id, members in r["coordinated"].items():
            coordinated_members.setdefault(cluster_id, []).extend(members)

    def prefixed(counter: Counter, prefix: str) -> dict:
        return {k[len(prefix):]: v for k, v in sorted(counter.items()) if k.startswith(prefix)}

    hours = cfg.days * 24
    hourly_topic = _sum_hourly(results, "hourly_spike_topic", hours)
    hourly_tag = _sum_hourly(results, "hourly_spike_hashtag", hours)
    spike = world.spike
    formats_out = {}
    for fmt, c in per_format.items():
        formats_out[fmt] = {
            "platform": FORMAT_PLATFORM[fmt],
            "files": files_per_format[fmt],
            "records": c["records"],
            "posts": c["posts"],
            "edits": c["edits"],
            "deletes": c["deletes"],
            "malformed": c["malformed"],
            "text": TEXT_CONVENTIONS[fmt],
        }
        if embedded[fmt]:
            # bronze may also emit these nested objects as post rows ($[i].retweeted_status)
            formats_out[fmt]["embedded_statuses"] = embedded[fmt]
    coord_out = []
    for p in plan.coordinated:
        members = coordinated_members.get(p.cluster_id, [])
        topic, sentiment, _, _ = COORDINATED_CAMPAIGNS[p.campaign]
        coord_out.append({
            "cluster_id": p.cluster_id,
            "source_format": "x_v2",
            "platform": "x",
            "topic": topic,
            "sentiment": sentiment,
            "url": p.url,
            "hashtag": p.hashtag,
            "window_start": ids.iso_ms(p.t0_us),
            "window_end": ids.iso_ms(p.t0_us + 120_000_000),
            "size": len(members),
            "distinct_authors": len({m["author_id"] for m in members}),
            "post_ids": [m["post_id"] for m in members],
            "members": members,
        })
    hubs = {}
    for platform, layout in world.layouts.items():
        hubs[platform] = {"authors": layout.n_authors, "hubs": layout.n_hubs}
    return {
        "generator": "socialake.sample",
        "format_version": 1,
        "seed": world.seed,
        "n_posts": world.n_posts,
        "shard_size": shard_size,
        "window": {"start": ids.iso_ms(world.start_us), "end": ids.iso_ms(world.end_us),
                   "days": cfg.days},
        "counts": {
            "records": totals["records"],
            "posts": totals["posts"],
            "edits": totals["edits"],
            "deletes": totals["deletes"],
            "malformed": totals["malformed"],
            "parsable_records": totals["records"] - totals["malformed"],
            "note": "records == n_posts exactly (one landing record per truth row); bronze "
                    "should parse records - malformed rows: posts + edits + deletes (plus "
                    "formats[x_v1.1][embedded_statuses] if it emits nested retweeted/quoted "
                    "statuses as rows).",
        },
        "formats": formats_out,
        "languages": {"configured": dict(cfg.language_weights),
                      "observed": prefixed(totals, "lang:")},
        "topics": {"configured": dict(cfg.topic_weights), "observed": prefixed(totals, "topic:")},
        "sentiments": prefixed(totals, "sentiment:"),
        "kinds": prefixed(totals, "kind:"),
        "pii": {"configured_rate": cfg.pii_rate, "posts": totals["pii_posts"],
                "by_kind": prefixed(totals, "pii:"),
                "offsets": "pii_spans in posts.parquet: [start, end) Python str (code point) "
                           "offsets into the `text` column"},
        "communities": {"count": world.n_communities,
                        "favourite_topics": {f"c{i:02d}": t for i, t in
                                             enumerate(world.community_topics)}},
        "authors": hubs,
        "spike": {
            "topic": spike.topic,
            "hashtag": spike.hashtag,
            "window_start": ids.iso_ms(spike.start_us),
            "window_end": ids.iso_ms(spike.end_us),
            "factor_target": spike.factor,
            "extra_posts_planted": spike.extra_posts,
            "topic_observed": _spike_observed(hourly_topic, world),
            "hashtag_observed": _spike_observed(hourly_tag, world),
            "hourly_topic_counts": hourly_topic,
            "hourly_hashtag_counts": hourly_tag,
        },
        "coordinated_clusters": coord_out,
        "duplicates": {
            "exact_clusters": plan.n_exact_clusters,
            "exact_members": totals["exact_dup_members"],
            "near_clusters": plan.n_near_clusters,
            "near_members": totals["near_dup_members"],
            "note": "dup_cluster: identical text by distinct authors; near_dup_cluster: 1-2 word "
                    "edits (coordinated posts also carry their coord cluster id there)",
        },
        "malformed": {
            "count": len(malformed),
            "by_reason": dict(sorted(Counter(m["expected_reason_code"] for m in malformed)
                                     .items())),
            "by_kind": dict(sorted(Counter(m["kind"] for m in malformed).items())),
            "records": sorted(malformed, key=lambda m: m["record_no"]),
        },
        "csv": {
            "columns": list(CSV_COLUMNS),
            "column_mapping": dict(CSV_COLUMN_MAPPING),
            "timestamp_format": CSV_TIMESTAMP_FORMAT,
            "delimiter": ",",
            "encoding": "utf-8",
            "header": True,
        },
        "files": {"posts": "truth/posts.parquet", "authors": "truth/authors.parquet",
                  "landing": {fmt: f"landing/{fmt}/" for fmt in per_format}},
    }
