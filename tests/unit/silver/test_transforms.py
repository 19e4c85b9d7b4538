"""Set-based silver transforms on tiny hand-made rows."""

from __future__ import annotations

from datetime import datetime, timezone

from pyspark.sql import Row
from pyspark.sql import functions as F
from pyspark.testing import assertDataFrameEqual

from socialake.config import NearDuplicatesConfig
from socialake.silver.near_duplicates import near_duplicate_clusters
from socialake.silver.transforms import build_edges, content_hash, mark_exact_duplicates, resolve_versions

CANDIDATES = ("post_key string, event_type string, _version_time timestamp, collected_at timestamp, "
              "ingested_at timestamp, payload_sha256 string, text string, versions_seen long")


def t(hour: int) -> datetime:
    return datetime(2026, 11, 1, hour, tzinfo=timezone.utc)


def test_newest_version_wins_and_deletions_remove_the_post(spark):
    candidates = spark.createDataFrame(
        [
            ("x:1", "post", t(1), t(2), t(2), "h1", "first", None),
            ("x:1", "edit", t(3), t(4), t(4), "h2", "edited", None),
            ("x:1", "post", t(1), t(9), t(9), "h3", "first, recollected later", None),  # older version, newer crawl
            ("x:2", "post", t(1), t(2), t(2), "h4", "to be deleted", None),
            ("x:2", "delete", None, t(5), t(5), "h5", None, None),
            ("x:3", "post", t(1), t(1), t(1), "h6", "same time a", None),
            ("x:3", "post", t(1), t(2), t(2), "h7", "same time, newer crawl", 3),
        ],
        CANDIDATES,
    )

    posts, tombstones = resolve_versions(candidates)

    assertDataFrameEqual(
        posts.select("post_key", "text", "versions_seen"),
        [Row(post_key="x:1", text="edited", versions_seen=3), Row(post_key="x:3", text="same time, newer crawl", versions_seen=4)],
    )
    assertDataFrameEqual(tombstones, [Row(post_key="x:2", deleted_at=t(5).replace(tzinfo=None))])  # session tz is UTC


def test_exact_duplicates_are_counted_and_reposts_ignored(spark):
    posts = spark.createDataFrame(
        [("a", "Buy NOW  cheap", None), ("b", "buy now cheap", None), ("c", "buy now cheap", "x:9"), ("d", "other", None),
         ("e", "", None)],
        "post_key string, text string, repost_of_post_key string",
    ).withColumn("content_hash", content_hash(F.col("text")))

    marked = mark_exact_duplicates(posts).select("post_key", "exact_dup_count")

    assertDataFrameEqual(marked, [Row(post_key="a", exact_dup_count=2), Row(post_key="b", exact_dup_count=2),
                                  Row(post_key="c", exact_dup_count=None), Row(post_key="d", exact_dup_count=1),
                                  Row(post_key="e", exact_dup_count=None)])


def test_near_duplicates_cluster_copies_and_light_edits_only(spark):
    base = "limited offer get the new phone today at half price with free shipping"
    posts = spark.createDataFrame(
        [("x:5", base, None), ("x:2", base.replace("shipping", "delivery"), None), ("x:9", base + " !!", None),
         ("x:3", base, None), ("x:7", "a completely different post about the football final tonight", None),
         ("x:8", base, "x:5")],
        "post_key string, text string, repost_of_post_key string",
    ).withColumn("content_hash", content_hash(F.col("text")))

    clusters = near_duplicate_clusters(posts, params=NearDuplicatesConfig(threshold=0.7))

    # x:2 changes the last of 13 words: 11 of 13 distinct word bigrams shared (Jaccard 0.85);
    # x:9 only adds punctuation (Jaccard 1); x:7 is unrelated; the repost x:8 is ignored
    assertDataFrameEqual(clusters, [Row(post_key=k, near_dup_cluster="x:2") for k in ("x:2", "x:3", "x:5", "x:9")])


def test_edges_resolve_targets_and_skip_self_interactions(spark):
    posts = spark.createDataFrame(
        [
            ("p1", "x", "ann", None, None, None, None, [], t(1)),
            ("p2", "x", "bob", "p1", None, None, None, ["cat", "bob"], t(2)),  # reply via referenced post; self-mention
            ("p3", "x", "cat", "p9", "dan", None, None, [], t(3)),  # reply target from the platform field
            ("p4", "x", "dan", None, None, "p1", None, [], t(4)),  # repost
            ("p5", "x", "ann", None, None, None, "p1", [], t(5)),  # self-quote: left out
        ],
        "post_key string, platform string, author_pseudonym string, reply_to_post_key string, "
        "reply_to_author_pseudonym string, repost_of_post_key string, quote_of_post_key string, "
        "mention_pseudonyms array<string>, created_at timestamp",
    )

    edges = build_edges(posts).select("src", "dst", "kind", "post_key")

    assertDataFrameEqual(edges, [
        Row(src="bob", dst="ann", kind="reply", post_key="p2"),
        Row(src="bob", dst="cat", kind="mention", post_key="p2"),
        Row(src="cat", dst="dan", kind="reply", post_key="p3"),
        Row(src="dan", dst="ann", kind="repost", post_key="p4"),
    ])
