"""Score the gold tables against the sample generator's truth: did the pipeline recover what was
planted? Topics and communities by NMI (normalised mutual information), sentiment by macro
recall, the planted spike as an alert, each planted coordinated cluster as a coordination group.

Truth rows are matched to silver through the same keyed pseudonyms silver uses, so the demo's
key is needed (the scorer never sees raw ids in the lake).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark.sql import functions as F
from sklearn.metrics import normalized_mutual_info_score

from socialake import schemas as S
from socialake.analytics.sentiment import macro_recall
from socialake.lake import Lake
from socialake.silver.pseudonymise import PseudonymKey, account_pseudonym, pseudonymise_post_id

MIN_COORD_OVERLAP = 0.8  # a planted cluster counts as found when one group holds >= 80% of its posts


@dataclass
class TruthScore:
    topic_nmi: float
    topic_posts: int
    community_nmi: float
    community_authors: int
    sentiment_macro_recall: float
    sentiment_macro_recall_en: float
    sentiment_posts: int
    spike_found: bool
    spike_alert: str
    coordinated_found: int
    coordinated_planted: int
    details: dict[str, Any] = field(default_factory=dict)

    def as_metrics(self) -> dict[str, float]:
        return {"truth_topic_nmi": self.topic_nmi, "truth_community_nmi": self.community_nmi,
                "truth_sentiment_macro_recall": self.sentiment_macro_recall,
                "truth_sentiment_macro_recall_en": self.sentiment_macro_recall_en,
                "truth_spike_found": float(self.spike_found),
                "truth_coordinated_recall": self.coordinated_found / max(self.coordinated_planted, 1)}

    def render(self) -> str:
        return "\n".join([
            "scored against the generator's planted truth:",
            f"  topics         NMI {self.topic_nmi:.3f} (dominant topic vs planted topic, {self.topic_posts:,} posts)",
            f"  communities    NMI {self.community_nmi:.3f} (vs planted communities, {self.community_authors:,} "
            "authors in the interaction graph)",
            f"  sentiment      macro recall {self.sentiment_macro_recall:.3f} all languages, "
            f"{self.sentiment_macro_recall_en:.3f} English ({self.sentiment_posts:,} posts)",
            f"  spike          {'raised: ' + self.spike_alert if self.spike_found else 'NOT raised'}",
            f"  coordination   {self.coordinated_found}/{self.coordinated_planted} planted clusters found",
        ])


def score(lake: Lake, truth_dir: str | Path, key: PseudonymKey) -> TruthScore:
    truth_dir = Path(truth_dir)
    truth = json.loads((truth_dir / "truth.json").read_text())
    posts = pd.read_parquet(truth_dir / "posts.parquet", columns=[
        "platform", "post_id", "event_type", "is_malformed", "is_deleted", "topic", "sentiment", "lang",
        "author_id", "author_handle"])
    posts = posts[(posts.event_type == "post") & ~posts.is_malformed & ~posts.is_deleted].drop_duplicates(
        ["platform", "post_id"])
    posts["post_key"] = [f"{p}:{pseudonymise_post_id(key, p, i)}" for p, i in zip(posts.platform, posts.post_id)]

    fact = lake.read(S.GOLD_FACT_POSTS).select(S.POST_KEY, "topic_id", "sentiment_label").toPandas()
    joined = posts.merge(fact, on="post_key")
    with_topic = joined.dropna(subset=["topic_id"])
    topic_nmi = normalized_mutual_info_score(with_topic.topic, with_topic.topic_id.astype(int))
    labels = {"negative": 0, "neutral": 1, "positive": 2}
    truth_s, pred_s = joined.sentiment.map(labels), joined.sentiment_label.map(labels)
    english = joined.lang == "en"

    authors = pd.read_parquet(truth_dir / "authors.parquet", columns=["platform", "author_id", "handle", "community"])
    authors["author_pseudonym"] = [account_pseudonym(key, p, a, h) for p, a, h in
                                   zip(authors.platform, authors.author_id, authors.handle)]
    found = lake.read(S.GOLD_DIM_AUTHOR).where(F.col("community_id").isNotNull()).select(
        "author_pseudonym", "community_id").toPandas().merge(authors, on="author_pseudonym")
    community_nmi = normalized_mutual_info_score(found.community, found.community_id) if len(found) else 0.0

    spike = truth["spike"]
    start, end = pd.Timestamp(spike["window_start"]), pd.Timestamp(spike["window_end"])
    alerts = lake.read(S.GOLD_ALERTS).select("dimension", "value", "bucket_start", "posts", "robust_z").toPandas()
    alerts["bucket_start"] = pd.to_datetime(alerts["bucket_start"]).dt.tz_localize("UTC") \
        if len(alerts) and alerts["bucket_start"].dt.tz is None else alerts["bucket_start"]
    in_window = alerts[(alerts.bucket_start >= start) & (alerts.bucket_start < end)]
    spike_topic_ids = with_topic[with_topic.topic == spike["topic"]].topic_id.astype(int).mode()
    spike_labels = {f"t{int(t)}" for t in spike_topic_ids}
    match = in_window[((in_window.dimension == "hashtag") & (in_window.value == spike["hashtag"].lower()))
                      | ((in_window.dimension == "topic") & in_window.value.isin(spike_labels))]
    spike_alert = "" if match.empty else ", ".join(
        f"{r.dimension}={r.value} at {r.bucket_start:%Y-%m-%d %H:00} ({r.posts} posts, z {r.robust_z:.1f})"
        for r in match.itertuples())

    groups = lake.read(S.GOLD_COORDINATION).select("signal", "group_key", F.col("evidence.post_key").alias("keys")) \
        .toPandas()
    found_clusters = 0
    for cluster in truth["coordinated_clusters"]:
        planted = {f"{cluster['platform']}:{pid}" for pid in cluster["post_ids"]}
        best = max((len(planted & set(keys)) / len(planted) for keys in groups["keys"]), default=0.0)
        found_clusters += best >= MIN_COORD_OVERLAP
    return TruthScore(
        topic_nmi=float(topic_nmi), topic_posts=len(with_topic),
        community_nmi=float(community_nmi), community_authors=len(found),
        sentiment_macro_recall=macro_recall(truth_s, pred_s),
        sentiment_macro_recall_en=macro_recall(truth_s[english], pred_s[english]) if english.any() else float("nan"),
        sentiment_posts=len(joined),
        spike_found=not match.empty, spike_alert=spike_alert,
        coordinated_found=int(found_clusters), coordinated_planted=len(truth["coordinated_clusters"]),
    )
