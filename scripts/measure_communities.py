"""Compare community detection methods on graphs whose communities are known; print a markdown table.

    python scripts/measure_communities.py --data ../shared/data [--sample /tmp/comm-sample/truth]
        [--seeds 5] [--big] [--out docs/measurements/communities.md]

Graphs: karate and football (--data graphs/), the sample generator's planted communities
(--sample: the truth folder of `socialake generate`, its interaction graph rebuilt in pandas the
way silver.build_edges does), and seeded synthetic ones: many small planted groups (uniform and
heavy-tailed degrees, two mixing levels) and two camps (two dense halves, sparse between; uniform,
heavy-tailed, heavy-tailed and sparse). --big adds a 100k-node / 1M-edge planted graph (the
default, old default, infomap and label propagation only, 2 seeds). Each method runs through
socialake.analytics.graph.partition, the step gold runs; AMI (sklearn) beside NMI, because NMI
rewards splitting into many small communities. No Spark.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

from socialake.analytics import graph


# --- graphs --------------------------------------------------------------------------------

def public_graph(data: Path, name: str, label_column: str) -> tuple[pd.DataFrame, dict[str, str]]:
    folder = data / "graphs" / name
    nodes = pd.read_csv(folder / f"{name}_nodes.tsv", sep="\t", dtype=str)
    edges = pd.read_csv(folder / f"{name}_edges.tsv", sep="\t", dtype=str)
    weight = edges["weight"].astype(float) if "weight" in edges else 1.0
    pairs = pd.DataFrame({"src": edges.iloc[:, 0], "dst": edges.iloc[:, 1], "weight": weight})
    return pairs, dict(zip(nodes["id"], nodes[label_column]))


def sample_graph(truth: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The sample's author interaction graph as silver.edges would hold it: reply (the reply-to
    author, else the replied post's author), repost and quote (the referenced post's author) and
    mention edges between (platform, author_id) accounts, self-loops dropped, one edge per
    (src, dst, kind, post); then weighted pairs as gold counts them. Posts as silver keeps them:
    not malformed, not deleted, the newest version of an edited post."""
    posts = pd.read_parquet(truth / "posts.parquet", columns=[
        "platform", "post_id", "event_type", "is_malformed", "is_deleted", "edited_at", "author_id",
        "reply_to_post_id", "reply_to_author_id", "repost_of_post_id", "quote_of_post_id", "mention_author_ids"])
    posts = posts[~posts.is_malformed & (posts.event_type != "delete")]
    deleted = set(zip(*[pd.read_parquet(truth / "posts.parquet", columns=["platform", "post_id", "event_type"])
                        .query("event_type == 'delete'")[c] for c in ("platform", "post_id")]))
    posts = posts[[(p, i) not in deleted for p, i in zip(posts.platform, posts.post_id)]]
    posts = posts.sort_values("edited_at", na_position="first").drop_duplicates(["platform", "post_id"], keep="last")
    posts = posts[posts.author_id.notna()]
    account = lambda p, a: f"{p}:{a}"  # noqa: E731
    author_of = {(p, i): account(p, a) for p, i, a in zip(posts.platform, posts.post_id, posts.author_id)}
    rows = []
    for r in posts.itertuples(index=False):
        src = account(r.platform, r.author_id)
        if isinstance(r.reply_to_post_id, str):
            dst = account(r.platform, r.reply_to_author_id) if isinstance(r.reply_to_author_id, str) \
                else author_of.get((r.platform, r.reply_to_post_id))
            rows.append((src, dst, "reply", r.post_id))
        for column, kind in ((r.repost_of_post_id, "repost"), (r.quote_of_post_id, "quote")):
            if isinstance(column, str):
                rows.append((src, author_of.get((r.platform, column)), kind, r.post_id))
        for mentioned in (r.mention_author_ids if r.mention_author_ids is not None else []):
            rows.append((src, account(r.platform, mentioned), "mention", r.post_id))
    edges = pd.DataFrame(rows, columns=["src", "dst", "kind", "post"]).dropna()
    edges = edges[edges.src != edges.dst].drop_duplicates()
    pairs = edges.groupby(["src", "dst"]).size().rename("weight").reset_index()
    authors = pd.read_parquet(truth / "authors.parquet", columns=["platform", "author_id", "community"])
    return pairs, {account(p, a): c for p, a, c in zip(authors.platform, authors.author_id, authors.community)}


def planted_graph(sizes: list[int], *, mean_degree: float, mixing: float, seed: int
                  ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Groups of the given sizes: each node has about mean_degree*(1-mixing) edges inside its group
    and mean_degree*mixing to uniformly random nodes anywhere (duplicates and loops dropped)."""
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    group = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    k_in = mean_degree * (1 - mixing)
    src, dst = [], []
    for start, size in zip(starts, sizes):
        m = int(round(size * min(k_in, size - 1) / 2))
        src.append(rng.integers(start, start + size, m))
        dst.append(rng.integers(start, start + size, m))
    m_out = int(round(n * mean_degree * mixing / 2))
    src.append(rng.integers(0, n, m_out))
    dst.append(rng.integers(0, n, m_out))
    s, d = np.concatenate(src), np.concatenate(dst)
    keep = s != d
    s, d = np.minimum(s[keep], d[keep]), np.maximum(s[keep], d[keep])
    unique = np.unique(np.stack([s, d], axis=1), axis=0)
    pairs = pd.DataFrame({"src": unique[:, 0].astype(str), "dst": unique[:, 1].astype(str), "weight": 1.0})
    return pairs, {str(i): str(g) for i, g in enumerate(group)}


def heavy_tailed_graph(sizes: list[int], *, mean_degree: float, mixing: float, exponent: float, seed: int
                       ) -> tuple[pd.DataFrame, dict[str, str]]:
    """A degree-corrected planted partition: node weights from a Pareto law (tail exponent
    `exponent`, like follower counts), n*mean_degree/2 edges whose first end is drawn by weight;
    the other end by weight inside the same group with probability 1-mixing, else anywhere.
    Duplicate edges count as weight, loops are dropped."""
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    group = np.repeat(np.arange(len(sizes)), sizes)
    theta = np.minimum(rng.pareto(exponent - 1, n) + 1, np.sqrt(n))
    m = int(round(n * mean_degree / 2))
    src = rng.choice(n, m, p=theta / theta.sum())
    dst = np.empty(m, dtype=np.int64)
    outside = rng.random(m) < mixing
    dst[outside] = rng.choice(n, outside.sum(), p=theta / theta.sum())
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for g in np.unique(group[src[~outside]]):
        chosen = ~outside & (group[src] == g)
        members = theta[starts[g]:starts[g + 1]]
        dst[chosen] = starts[g] + rng.choice(len(members), chosen.sum(), p=members / members.sum())
    keep = src != dst
    pairs = pd.DataFrame({"src": np.minimum(src, dst)[keep].astype(str), "dst": np.maximum(src, dst)[keep].astype(str)})
    pairs = pairs.groupby(["src", "dst"]).size().rename("weight").astype(float).reset_index()
    return pairs, {str(i): str(g) for i, g in enumerate(group)}


def many_small_sizes(n: int, low: int, high: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(low, high + 1)))
    sizes[-1] -= sum(sizes) - n
    return [s for s in sizes if s > 0]


# --- measuring -----------------------------------------------------------------------------

CANDIDATES: list[tuple[str, dict]] = [
    ("leiden resolution 1", {"method": "leiden", "resolution": 1.0}),
    ("leiden resolution 2", {"method": "leiden", "resolution": 2.0}),
    ("leiden resolution 5", {"method": "leiden", "resolution": 5.0}),
    ("leiden resolution 10 (old default)", {"method": "leiden", "resolution": 10.0}),
    ("leiden, resolution fitted per graph (Newman 2016)", {"method": "leiden-fitted"}),
    ("leiden CPM, resolution = density", {"method": "leiden-cpm-density"}),
    ("louvain resolution 1", {"method": "louvain", "resolution": 1.0}),
    ("infomap", {"method": "infomap"}),
    ("label propagation", {"method": "label-propagation"}),
]


def measure(pairs: pd.DataFrame, truth: dict[str, str], *, seeds: int, candidates) -> list[dict]:
    """Score each candidate's partition (graph.partition, the step communities_on_driver runs)
    against the truth over `seeds` seeds; time the partition step alone."""
    names, _, undirected = graph.author_graphs(pairs)
    labelled = [i for i, n in enumerate(names) if n in truth]
    true = [truth[names[i]] for i in labelled]
    results = []
    for label, kwargs in candidates:
        nmis, amis, counts, seconds, gammas = [], [], [], [], []
        for seed in range(seeds):
            started = time.perf_counter()
            membership, used = graph.partition(undirected, seed=seed, resolution=kwargs.get("resolution"),
                                               method=kwargs["method"])
            seconds.append(time.perf_counter() - started)
            found = [membership[i] for i in labelled]
            nmis.append(normalized_mutual_info_score(true, found))
            amis.append(adjusted_mutual_info_score(true, found))
            counts.append(len(set(membership)))
            gammas.append(used)
        results.append({"method": label, "nmi": float(np.mean(nmis)), "nmi_sd": float(np.std(nmis)),
                        "ami": float(np.mean(amis)), "ami_sd": float(np.std(amis)),
                        "found": f"{min(counts)}-{max(counts)}" if min(counts) != max(counts) else str(counts[0]),
                        "seconds": float(np.median(seconds)),
                        "gamma": float(np.mean(gammas)) if gammas[0] is not None else None})
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--sample", type=Path, help="truth folder of `socialake generate --posts 20000`")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--big", action="store_true", help="also the 100k-node / 1M-edge planted graph")
    parser.add_argument("--only", default="", help="comma-separated graph names to run (default all)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)

    graphs: dict[str, tuple[pd.DataFrame, dict[str, str]]] = {
        "karate": public_graph(args.data, "karate", "club"),
        "football": public_graph(args.data, "football", "conference"),
    }
    if args.sample:
        graphs["sample 20k"] = sample_graph(args.sample)
    graphs["many small (5k nodes, groups 8-40, degree 10, mixing 0.3)"] = planted_graph(
        many_small_sizes(5000, 8, 40, seed=1), mean_degree=10, mixing=0.3, seed=1)
    graphs["many small, noisier (5k nodes, groups 8-40, degree 10, mixing 0.5)"] = planted_graph(
        many_small_sizes(5000, 8, 40, seed=6), mean_degree=10, mixing=0.5, seed=6)
    graphs["two camps (2 x 600, degree 20, 10% between)"] = planted_graph(
        [600, 600], mean_degree=20, mixing=0.1, seed=2)
    graphs["two camps, heavy-tailed degrees (2 x 600, degree 20, 10% between, exponent 2.5)"] = \
        heavy_tailed_graph([600, 600], mean_degree=20, mixing=0.1, exponent=2.5, seed=4)
    graphs["two camps, heavy-tailed and sparse (2 x 600, degree 8, 10% between, exponent 2.5)"] = \
        heavy_tailed_graph([600, 600], mean_degree=8, mixing=0.1, exponent=2.5, seed=7)
    graphs["many small, heavy-tailed degrees (5k nodes, groups 8-40, degree 10, mixing 0.3, exponent 2.5)"] = \
        heavy_tailed_graph(many_small_sizes(5000, 8, 40, seed=5), mean_degree=10, mixing=0.3, exponent=2.5, seed=5)
    if args.big:
        graphs["big (100k nodes, 1M edges, groups 20-260)"] = planted_graph(
            many_small_sizes(100_000, 20, 260, seed=3), mean_degree=20, mixing=0.2, seed=3)
    only = [o for o in args.only.split(",") if o]
    summary: dict[str, list[float]] = {}
    lines = [f"Measured {datetime.now(timezone.utc):%Y-%m-%d} on {platform.node() or 'this machine'} "
             f"({platform.processor() or platform.machine()}, python-igraph {ig.__version__}), "
             f"{args.seeds} seeds each (mean ± sd; time is the median of the community step alone).", ""]
    for name, (pairs, truth) in graphs.items():
        if only and not any(o in name for o in only):
            continue
        n_nodes = len(set(pairs.src) | set(pairs.dst))
        n_true = len({truth[n] for n in set(pairs.src) | set(pairs.dst) if n in truth})
        candidates = CANDIDATES if not name.startswith("big") else [
            c for c in CANDIDATES if c[1]["method"] in ("leiden", "leiden-fitted", "label-propagation", "infomap")
            and c[1].get("resolution") in (None, 10.0)]
        seeds = args.seeds if not name.startswith("big") else 2
        results = measure(pairs, truth, seeds=seeds, candidates=candidates)
        lines += [f"### {name}: {n_nodes:,} nodes, {len(pairs):,} weighted pairs, {n_true} true communities", "",
                  "| method | AMI | NMI | communities found | resolution used | s per run |", "|---|---|---|---|---|---|"]
        for r in results:
            gamma = f"{r['gamma']:.2f}" if r["gamma"] is not None else "-"
            lines.append(f"| {r['method']} | {r['ami']:.3f} ± {r['ami_sd']:.3f} | {r['nmi']:.3f} ± {r['nmi_sd']:.3f} "
                         f"| {r['found']} | {gamma} | {r['seconds']:.2f} |")
        if not name.startswith("big"):
            for r in results:
                summary.setdefault(r["method"], []).append(r["ami"])
        lines.append("")
        print("\n".join(lines[-len(results) - 4:]), flush=True)
    if summary:
        n_graphs = max(len(v) for v in summary.values())
        lines += [f"### Across the {n_graphs} graphs above (big one excluded)", "",
                  "| method | mean AMI | worst AMI | graphs with AMI < 0.5 |", "|---|---|---|---|"]
        for method, amis in sorted(summary.items(), key=lambda kv: -np.mean(kv[1])):
            lines.append(f"| {method} | {np.mean(amis):.3f} | {min(amis):.3f} | {sum(a < 0.5 for a in amis)} |")
        lines.append("")
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
