"""The silver stage: new bronze rows -> silver.posts, silver.tombstones, silver.edges.

Incremental: silver.posts records, in its own commit, the bronze.posts version it consumed
(and the pseudonym key id). A run reads only bronze rows added since then, prepares them
(pseudonyms, PII redaction, minimisation, language), folds them with the current silver rows
(newest version wins, deletions remove), re-marks duplicates over the whole table and writes
everything back in one commit per table. With no new bronze version it does nothing at all.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.config import Config, ConfigError, NearDuplicatesConfig
from socialake.lake import Lake
from socialake.quality.suites import silver_edges_suite, silver_posts_suite
from socialake.quality.validate import FAILED_CHECK, ValidationOutcome, split_by_quarantine, validate
from socialake.silver.near_duplicates import near_duplicate_clusters
from socialake.silver.pseudonymise import PseudonymKey
from socialake.silver.transforms import (
    SILVER_POSTS_SCHEMA,
    LanguagePolicy,
    MinimisationPolicy,
    build_edges,
    mark_exact_duplicates,
    prepare_rows,
    resolve_versions,
)
from socialake.timing import Stopwatch

log = logging.getLogger(__name__)

SOURCE_VERSION_KEY = "socialake.source.bronze.posts"
KEY_ID_KEY = "socialake.pseudonym_key_id"
_VERSION_ORDER = "_version_time"
TOMBSTONE_COLUMNS = [S.POST_KEY, S.DELETED_AT, S.SILVER_RUN_ID]


@dataclass(frozen=True)
class SilverReport:
    run_id: str
    bronze_version: int
    previous_bronze_version: int | None
    bronze_rows_read: int
    posts: int
    deleted: int
    exact_duplicates: int
    near_dup_clusters: int
    near_dup_posts: int
    edges: int
    changed: bool
    quarantined: int = 0
    quality: tuple[ValidationOutcome, ...] = ()
    timings: str = ""

    def render(self) -> str:
        if not self.changed:
            return (f"silver, run {self.run_id}: bronze.posts is still at version {self.bronze_version}, "
                    "already processed: nothing to do")
        since = "the start" if self.previous_bronze_version is None else f"version {self.previous_bronze_version}"
        return "\n".join([
            f"silver, run {self.run_id}: bronze.posts {since} -> version {self.bronze_version}",
            f"  new bronze rows read   {self.bronze_rows_read:>12,}",
            f"  silver.posts           {self.posts:>12,}   (one row per live post, newest version)",
            f"  deleted posts          {self.deleted:>12,}   (silver.tombstones)",
            f"  exact duplicates       {self.exact_duplicates:>12,}   posts whose text another post repeats",
            f"  near-duplicate         {self.near_dup_posts:>12,}   posts in {self.near_dup_clusters:,} clusters",
            f"  silver.edges           {self.edges:>12,}   reply / mention / repost / quote",
            f"  quarantined by checks  {self.quarantined:>12,}   (silver.quarantine: post keys and the check)",
            *[outcome.render() for outcome in self.quality],
            *([self.timings] if self.timings else []),
        ])


def policies(cfg: Config) -> tuple[MinimisationPolicy, LanguagePolicy, NearDuplicatesConfig]:
    silver = cfg.silver
    return (
        MinimisationPolicy(followers=silver.followers, geo_decimals=silver.geo_decimals, place=silver.place,
                           media=silver.media),
        LanguagePolicy(languages=silver.languages, min_confidence=silver.min_lang_confidence),
        silver.near_duplicates,
    )


def run(spark: SparkSession, cfg: Config, lake: Lake, *, run_id: str, key: PseudonymKey) -> SilverReport:
    lake.require(S.BRONZE_POSTS)
    bronze_version = lake.version(S.BRONZE_POSTS)
    consumed = lake.last_commit_metadata(S.SILVER_POSTS, SOURCE_VERSION_KEY)
    previous = int(consumed) if consumed is not None else None
    _check_key_unchanged(lake, key)
    if previous is not None and previous >= bronze_version:
        return _unchanged_report(lake, run_id, bronze_version)

    minimise, language, near_dup = policies(cfg)
    watch = Stopwatch()
    new_rows = lake.read_changes(S.BRONZE_POSTS, since_version=previous, keys=[S.PAYLOAD_SHA256])
    candidates = prepare_rows(new_rows, key=key, minimise=minimise, language=language).persist(
        StorageLevel.MEMORY_AND_DISK
    )
    cached: list[DataFrame] = [candidates]  # released in `finally`: a session may run many jobs
    try:
        with watch.step("pseudonymise, redact, language"):
            bronze_rows_read = candidates.count()
        combined = candidates.unionByName(_existing_as_candidates(lake), allowMissingColumns=True)
        posts, new_tombstones = resolve_versions(combined)
        tombstones = _all_tombstones(lake, new_tombstones, run_id)
        posts = posts.join(tombstones.select(S.POST_KEY), on=S.POST_KEY, how="left_anti")
        posts = mark_exact_duplicates(posts).persist(StorageLevel.MEMORY_AND_DISK)
        cached.append(posts)
        with watch.step("versions, duplicates"):
            posts.count()
        with watch.step("near-duplicates"):
            clusters = near_duplicate_clusters(posts, params=near_dup)
            final = (
                posts.drop(S.NEAR_DUP_CLUSTER)
                .join(clusters, on=S.POST_KEY, how="left")
                .withColumn(S.BRONZE_VERSION, F.coalesce(F.col(S.BRONZE_VERSION), F.lit(bronze_version)).cast("long"))
                .withColumn(S.SILVER_RUN_ID, F.coalesce(F.col(S.SILVER_RUN_ID), F.lit(run_id)))
                .select(*SILVER_POSTS_SCHEMA.fieldNames())
            ).persist(StorageLevel.MEMORY_AND_DISK)
            cached.append(final)
            final.count()

        with watch.step("quality checks"):
            suite = silver_posts_suite(datetime.now(timezone.utc)).with_actions(cfg.quality.actions)
            posts_quality = validate(lake, final, suite, run_id=run_id)  # raises before any write on `fail`
            final, failed_checks = split_by_quarantine(final, suite, posts_quality)
            edges = build_edges(final).persist(StorageLevel.MEMORY_AND_DISK)
            cached.append(edges)
            edges_quality = validate(lake, edges, silver_edges_suite().with_actions(cfg.quality.actions), run_id=run_id)

        with watch.step("write"):
            lake.merge_insert(S.SILVER_TOMBSTONES, tombstones.select(*TOMBSTONE_COLUMNS), keys=[S.POST_KEY], run_id=run_id)
            # Quarantined silver rows are kept by reference only: their content may hold what failed.
            lake.merge_insert(S.SILVER_QUARANTINE, failed_checks.select(
                S.POST_KEY, F.col(FAILED_CHECK).alias("failed_check"), S.PAYLOAD_SHA256,
                F.lit(run_id).alias(S.SILVER_RUN_ID), F.current_timestamp().alias("quarantined_at"),
            ), keys=[S.POST_KEY, "failed_check"], run_id=run_id)
            lake.write(S.SILVER_POSTS, final, mode="overwrite", run_id=run_id, operation="SILVER",
                       commit_metadata={SOURCE_VERSION_KEY: str(bronze_version), KEY_ID_KEY: key.key_id})
            lake.write(S.SILVER_EDGES, edges, mode="overwrite", run_id=run_id, operation="SILVER",
                       commit_metadata={SOURCE_VERSION_KEY: str(bronze_version)})
        report = _report(lake, run_id, bronze_version, previous, bronze_rows_read, (posts_quality, edges_quality))
        report = dataclasses.replace(report, timings=watch.render())
    finally:
        for frame in cached:
            frame.unpersist()
    return report


def _check_key_unchanged(lake: Lake, key: PseudonymKey) -> None:
    recorded = lake.last_commit_metadata(S.SILVER_POSTS, KEY_ID_KEY)
    if recorded is not None and recorded != key.key_id:
        raise ConfigError(
            f"the pseudonymisation key changed since silver was written (key id {recorded} -> {key.key_id}): "
            "restore the old key, or rebuild silver for the new one (README, 'Key rotation')"
        )


def _existing_as_candidates(lake: Lake) -> DataFrame:
    """Current silver rows, shaped like freshly prepared candidates (event 'post')."""
    if not lake.exists(S.SILVER_POSTS):
        return lake.spark.createDataFrame([], SILVER_POSTS_SCHEMA).withColumn(S.EVENT_TYPE, F.lit(S.EVENT_POST)) \
            .withColumn(_VERSION_ORDER, F.lit(None).cast("timestamp"))
    existing = lake.read(S.SILVER_POSTS)
    return existing.withColumn(S.EVENT_TYPE, F.lit(S.EVENT_POST)).withColumn(
        _VERSION_ORDER, F.coalesce(S.EDITED_AT, S.CREATED_AT)
    )


def _all_tombstones(lake: Lake, new_tombstones: DataFrame, run_id: str) -> DataFrame:
    fresh = new_tombstones.withColumn(S.SILVER_RUN_ID, F.lit(run_id))
    if not lake.exists(S.SILVER_TOMBSTONES):
        return fresh
    return fresh.unionByName(lake.read(S.SILVER_TOMBSTONES)).dropDuplicates([S.POST_KEY])


def _report(lake: Lake, run_id: str, bronze_version: int, previous: int | None, rows_read: int,
            quality: tuple[ValidationOutcome, ...]) -> SilverReport:
    posts = lake.read(S.SILVER_POSTS)
    stats = posts.agg(
        F.count(F.lit(1)).alias("posts"),
        F.sum(F.when(F.col(S.EXACT_DUP_COUNT) > 1, 1).otherwise(0)).alias("exact"),
        F.countDistinct(S.NEAR_DUP_CLUSTER).alias("clusters"),
        F.count(S.NEAR_DUP_CLUSTER).alias("near"),
    ).collect()[0]
    return SilverReport(
        run_id=run_id,
        bronze_version=bronze_version,
        previous_bronze_version=previous,
        bronze_rows_read=rows_read,
        posts=stats["posts"],
        deleted=lake.read(S.SILVER_TOMBSTONES).count(),
        exact_duplicates=stats["exact"] or 0,
        near_dup_clusters=stats["clusters"],
        near_dup_posts=stats["near"],
        edges=lake.read(S.SILVER_EDGES).count(),
        changed=True,
        quarantined=lake.read(S.SILVER_QUARANTINE).where(F.col(S.SILVER_RUN_ID) == run_id).count(),
        quality=quality,
    )


def _unchanged_report(lake: Lake, run_id: str, bronze_version: int) -> SilverReport:
    return SilverReport(run_id=run_id, bronze_version=bronze_version, previous_bronze_version=bronze_version,
                        bronze_rows_read=0, posts=0, deleted=0, exact_duplicates=0, near_dup_clusters=0,
                        near_dup_posts=0, edges=0, changed=False)
