"""Coordination signals: groups of accounts acting together, with a score and the evidence.

- near_duplicate: a near-duplicate cluster (silver) posted by at least `min_accounts` distinct
  accounts within `window_seconds`.
- shared_url: the same URL posted by at least `min_accounts` distinct accounts within
  `url_window_seconds`.
- bursty_account: one account posting at least `burst_posts` times within `burst_seconds`.

Score: accounts (or posts, for bursts) per minute in the densest window that meets the rule, so
twenty accounts in two minutes (10/min) outranks six accounts in ten minutes (0.6/min).
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from socialake.config import CoordinationConfig

SIGNAL = "signal"
GROUP = "group_key"
MAX_EVIDENCE = 50


def _dense_groups(rows: DataFrame, *, signal: str, window_seconds: int, threshold: int, count_accounts: bool
                  ) -> DataFrame:
    """rows: group_key, post_key, author_pseudonym, created_at, text. For each group, the densest
    window starting at one of its posts; groups reaching `threshold` are returned with evidence."""
    t = F.col("created_at").cast("long")
    ahead = Window.partitionBy(GROUP).orderBy(t).rangeBetween(0, window_seconds)
    measured = rows.withColumn("_t", t).withColumn(
        "_accounts", F.size(F.collect_set("author_pseudonym").over(ahead))).withColumn(
        "_posts", F.count(F.lit(1)).over(ahead)).withColumn(
        "_last", F.max("_t").over(ahead))
    amount = "_accounts" if count_accounts else "_posts"
    best = Window.partitionBy(GROUP).orderBy(F.desc(amount), "_t")
    densest = (measured.withColumn("_r", F.row_number().over(best)).where("_r = 1")
               .where(F.col(amount) >= threshold)
               .select(GROUP, F.col("_t").alias("_start"), F.col("_last").alias("_end"),
                       F.col("_accounts").alias("accounts"), F.col("_posts").alias("posts")))
    evidence = (rows.withColumn("_t", t).join(densest, GROUP)
                .where((F.col("_t") >= F.col("_start")) & (F.col("_t") <= F.col("_end")))
                .groupBy(GROUP).agg(F.slice(F.sort_array(F.collect_list(F.struct(
                    "created_at", "post_key", "author_pseudonym", "text"))), 1, MAX_EVIDENCE).alias("evidence")))
    span = F.greatest(F.col("_end") - F.col("_start"), F.lit(0))
    return (densest.join(evidence, GROUP)
            .select(F.lit(signal).alias(SIGNAL), GROUP, "accounts", "posts",
                    F.timestamp_seconds("_start").alias("first_at"), F.timestamp_seconds("_end").alias("last_at"),
                    span.alias("span_seconds"),
                    (F.col("accounts" if count_accounts else "posts") / F.greatest(span / 60.0, F.lit(1.0)))
                    .alias("score"),
                    "evidence"))


def coordination_signals(posts: DataFrame, *, params: CoordinationConfig) -> DataFrame:
    """posts: post_key, author_pseudonym, created_at, text, near_dup_cluster, urls ->
    signal, group_key, accounts, posts, first_at, last_at, span_seconds, score, evidence."""
    base = posts.where(F.col("author_pseudonym").isNotNull() & F.col("created_at").isNotNull())
    near = base.where(F.col("near_dup_cluster").isNotNull()).select(
        F.col("near_dup_cluster").alias(GROUP), "post_key", "author_pseudonym", "created_at", "text")
    urls = base.select(F.explode(F.array_distinct("urls")).alias(GROUP), "post_key", "author_pseudonym",
                       "created_at", "text")
    authors = base.select(F.col("author_pseudonym").alias(GROUP), "post_key", "author_pseudonym", "created_at", "text")
    return (_dense_groups(near, signal="near_duplicate", window_seconds=params.window_seconds,
                          threshold=params.min_accounts, count_accounts=True)
            .unionByName(_dense_groups(urls, signal="shared_url", window_seconds=params.url_window_seconds,
                                       threshold=params.min_accounts, count_accounts=True))
            .unionByName(_dense_groups(authors, signal="bursty_account", window_seconds=params.burst_seconds,
                                       threshold=params.burst_posts, count_accounts=False)))
