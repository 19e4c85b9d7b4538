"""The single-process baseline the benchmark compares socialake with.

What a data scientist would write instead of a Spark pipeline, on one core with the usual
libraries: the same landing files parsed in a loop (socialake's own parsers, so both sides do
the same parsing work), pandas for the tabular steps, keyed HMAC pseudonyms with hashlib,
the same PII redaction and py3langid language ID, exact de-duplication, VADER sentiment,
scikit-learn LDA (online, the same k, vocabulary, document-frequency limits and fit sample as
gold), networkx PageRank and Louvain communities over the same interactions (replies, reposts,
quotes, mentions), hourly trends with pandas, and Parquet outputs.

It does less than the pipeline on purpose, so the ratio the benchmark prints is conservative:
no near-duplicate clustering, no embeddings, no coordination signals, no quality gates, no
MLflow, no Delta transactions or incremental bookkeeping.

    python scripts/baseline.py --input DATA/landing --out DIR [--k 8] [--json RESULT.json]

Prints, and writes with --json, the wall time of each step.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import hmac
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

EXTENSIONS = (".json", ".json.gz", ".ndjson", ".ndjson.gz", ".jsonl", ".jsonl.gz", ".csv", ".csv.gz")


def _files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.rglob("*") if p.is_file() and p.name.endswith(EXTENSIONS))


def parse(landing: Path):
    import pandas as pd

    from socialake.sample import CSV_COLUMN_MAPPING
    from socialake.sources.base import ReadContext
    from socialake.sources.reader import read_records

    ctx = ReadContext(source_name="baseline", run_id="baseline", ingested_at=datetime.now(timezone.utc),
                      column_mapping=dict(CSV_COLUMN_MAPPING))
    keep = ("platform", "post_id", "event_type", "author_id", "author_handle", "created_at", "text", "hashtags",
            "reply_to_post_id", "reply_to_author_id", "repost_of_post_id", "quote_of_post_id", "mentions")
    rows, quarantined = [], 0
    for path in _files(landing):
        mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        with open(path, "rb") as stream:
            for kind, row in read_records(stream, ctx, source_file=path.as_uri(), file_mtime=mtime):
                if kind == "post":
                    rows.append({k: row[k] for k in keep})
                else:
                    quarantined += 1
    return pd.DataFrame(rows), quarantined


def prepare(posts, secret: bytes):
    """Pseudonymise authors and mentions, redact PII, detect language, fold edits and deletions,
    mark exact duplicates."""
    import py3langid

    from socialake.silver.pii import redact_pii

    def pseudonym(platform: str, value) -> str | None:
        if value is None:
            return None
        return "u_" + hmac.new(secret, f"{platform}\0{value}".encode(), hashlib.sha256).hexdigest()[:32]

    posts["author"] = [pseudonym(p, a if a is not None else h) for p, a, h in
                       zip(posts["platform"], posts["author_id"], posts["author_handle"])]
    posts["mentioned"] = [[pseudonym(p, m["author_id"] if m["author_id"] is not None else m["handle"])
                           for m in mentions] if mentions is not None else []
                          for p, mentions in zip(posts["platform"], posts["mentions"])]
    texts, langs = [], []
    for text in posts["text"]:
        redacted, _ = redact_pii(text)
        texts.append(redacted)
        langs.append(py3langid.classify(redacted)[0] if redacted else "und")
    posts["text"], posts["lang"] = texts, langs
    posts = posts.drop(columns=["author_id", "author_handle", "mentions"])
    deleted = set(zip(posts.loc[posts["event_type"] == "delete", "platform"],
                      posts.loc[posts["event_type"] == "delete", "post_id"]))
    live = posts[posts["event_type"] != "delete"]
    live = live[[k not in deleted for k in zip(live["platform"], live["post_id"])]]
    live = live.sort_values("created_at").drop_duplicates(["platform", "post_id"], keep="last")
    normalised = live["text"].fillna("").str.lower().str.split().str.join(" ")
    live = live.assign(exact_dup_count=normalised.map(normalised.value_counts()))
    return live.reset_index(drop=True)


def sentiment(posts):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compound = [analyzer.polarity_scores(t)["compound"] if t else 0.0 for t in posts["text"]]
    posts["sentiment_score"] = compound
    posts["sentiment"] = ["positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral" for c in compound]
    return posts


def topics(posts, k: int, seed: int, fit_sample: int = 100_000):
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(max_features=5000, min_df=5, max_df=0.3, stop_words="english")
    counts = vectorizer.fit_transform(posts["text"].fillna(""))
    # as gold does: fit on a seeded sample of at most 100,000 posts (10 passes, like gold's 50 online
    # steps over 20% each), then infer the topic mix of every post
    import numpy as np

    rows = counts.shape[0]
    fit_rows = np.random.default_rng(seed).choice(rows, size=min(rows, fit_sample), replace=False)
    lda = LatentDirichletAllocation(n_components=k, learning_method="online", max_iter=10, batch_size=4096,
                                    random_state=seed)
    lda.fit(counts[np.sort(fit_rows)])
    distribution = lda.transform(counts)
    posts["topic_id"] = distribution.argmax(axis=1)
    return posts


def graph(posts):
    import networkx as nx
    import pandas as pd

    authors = dict(zip(zip(posts["platform"], posts["post_id"]), posts["author"]))
    pairs = []
    for row in posts.itertuples(index=False):
        targets = [authors.get((row.platform, getattr(row, column)))
                   for column in ("reply_to_post_id", "repost_of_post_id", "quote_of_post_id")]
        targets += list(row.mentioned) if row.mentioned is not None else []
        for target in targets:
            if target is not None and target != row.author:
                pairs.append((row.author, target))
    g = nx.DiGraph()
    for src, dst in pairs:
        weight = g.get_edge_data(src, dst, {"weight": 0})["weight"]
        g.add_edge(src, dst, weight=weight + 1)
    ranks = nx.pagerank(g, weight="weight") if g.number_of_nodes() else {}
    communities = nx.community.louvain_communities(g.to_undirected(), weight="weight", seed=42) if g.number_of_nodes() else []
    membership = {node: i for i, members in enumerate(communities) for node in members}
    return pd.DataFrame({"author": list(ranks), "pagerank": list(ranks.values()),
                         "community": [membership.get(a) for a in ranks]}), len(pairs)


def trends(posts):
    hourly = posts.assign(hour=posts["created_at"].dt.floor("h"))
    volume = hourly.groupby(["hour", "topic_id"]).agg(posts=("post_id", "size"), sentiment=("sentiment_score", "mean"))
    tags = hourly.explode("hashtags").dropna(subset=["hashtags"])
    by_tag = tags.groupby(["hour", "hashtags"]).size().rename("posts")
    return volume.reset_index(), by_tag.reset_index()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="landing directory of the sample generator")
    parser.add_argument("--out", required=True, help="where the Parquet outputs go")
    parser.add_argument("--k", type=int, default=8, help="LDA topics (gold.topics.k)")
    parser.add_argument("--json", help="write the step timings here")
    args = parser.parse_args(argv)
    landing, out = Path(args.input), Path(args.out)
    if not landing.is_dir():
        print(f"baseline: --input {landing} is not a directory: pass the generator's landing/ folder", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    steps: dict[str, float] = {}

    def timed(name, fn, *a):
        start = time.perf_counter()
        result = fn(*a)
        steps[name] = time.perf_counter() - start
        print(f"baseline {name:<10} {steps[name]:8.1f} s", flush=True)
        return result

    raw, quarantined = timed("parse", parse, landing)
    records = len(raw) + quarantined
    posts = timed("prepare", prepare, raw, b"benchmark-baseline-key")
    posts = timed("sentiment", sentiment, posts)
    posts = timed("topics", topics, posts, args.k, 42)
    authors, interactions = timed("graph", graph, posts)
    volume, by_tag = timed("trends", trends, posts)

    def write():
        posts.drop(columns=["mentioned"]).to_parquet(out / "posts.parquet")
        authors.to_parquet(out / "authors.parquet")
        volume.to_parquet(out / "trends.parquet")
        by_tag.to_parquet(out / "hashtags.parquet")

    timed("write", write)
    total = sum(steps.values())
    print(f"baseline total {total:.1f} s for {records:,} records -> {len(posts):,} posts, "
          f"{interactions:,} interactions, {authors['community'].nunique():,} communities")
    if args.json:
        Path(args.json).write_text(json.dumps({"steps": steps, "total_s": total, "records": records,
                                               "posts": len(posts), "interactions": interactions}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
