"""Near-duplicate recall of silver on the sample generator's planted duplicate clusters.

    python scripts/evaluate_near_duplicates.py --lake ./lake --truth ./data/sample/truth

A planted pair (two live posts of the same planted exact- or near-duplicate cluster) counts as
found when silver puts both in the same near_dup_cluster. Also prints how many silver clusters
mix posts from different planted clusters (a precision signal).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl


def pair_recall(lake: Path, truth_dir: Path) -> dict[str, int]:
    """planted_clusters, pairs, hits (pairs silver clusters together), clusters, impure."""
    silver = pl.read_delta(str(lake / "silver" / "posts")).select("post_key", "near_dup_cluster")
    found = dict(zip(silver["post_key"].to_list(), silver["near_dup_cluster"].to_list()))
    truth = pl.read_parquet(truth_dir / "posts.parquet").filter(pl.col("event_type") == "post")
    planted: dict[str, list[str]] = {}
    for row in truth.iter_rows(named=True):
        cluster = row["near_dup_cluster"] or row["dup_cluster"]
        key = f"{row['platform']}:{row['post_id']}"
        if cluster and key in found:
            planted.setdefault(cluster, []).append(key)
    pairs = [(a, b) for members in planted.values() for i, a in enumerate(members) for b in members[i + 1:]]
    hits = sum(1 for a, b in pairs if found[a] is not None and found[a] == found[b])
    planted_of = {key: cluster for cluster, members in planted.items() for key in members}
    clusters: dict[str, set[str]] = {}
    for key, cluster in found.items():
        if cluster is not None:
            clusters.setdefault(cluster, set()).add(planted_of.get(key, "unplanted"))
    impure = sum(1 for labels in clusters.values() if len(labels) > 1)
    return {"planted_clusters": sum(len(m) > 1 for m in planted.values()), "pairs": len(pairs), "hits": hits,
            "clusters": len(clusters), "impure": impure}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", required=True, type=Path)
    parser.add_argument("--truth", required=True, type=Path, help="the generator's truth/ folder")
    args = parser.parse_args(argv)
    r = pair_recall(args.lake, args.truth)
    pairs, hits, clusters, impure = r["pairs"], r["hits"], r["clusters"], r["impure"]
    print(f"planted clusters with >= 2 live posts: {r['planted_clusters']}, pairs: {pairs:,}")
    print(f"pair recall: {hits / pairs:.4f} ({hits:,} of {pairs:,})" if pairs else "no planted pairs")
    print(f"silver clusters: {clusters:,}, of which mix planted clusters or unplanted posts: {impure:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
