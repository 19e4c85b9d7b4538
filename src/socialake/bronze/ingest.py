"""Bronze ingest: platform files -> bronze.posts and bronze.quarantine, losing nothing.

Flow of `run()`:
  list input files (any Hadoop/pyarrow filesystem) -> parse each file on an executor with the
  platform parsers (mapInArrow) -> split parsed rows from quarantined records ->
  insert-only merge by payload hash / quarantine id (re-ingesting the same input adds nothing)
  -> reconcile: records read = rows added + quarantined + already present, checked, not assumed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator, Sequence

import pyarrow as pa
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from socialake.config import Config
from socialake.lake import Lake, spark_to_arrow_schema
from socialake.schemas import (
    BRONZE_POSTS,
    BRONZE_POSTS_SCHEMA,
    BRONZE_QUARANTINE,
    BRONZE_QUARANTINE_SCHEMA,
    PAYLOAD_SHA256,
    PLATFORM,
    QUARANTINE_ID,
    RAW_PAYLOAD,
    REASON,
    REASON_CODE,
    REASON_FAILED_EXPECTATION,
    REASON_READ_ERROR,
    SOURCE_FORMAT,
)
from socialake.quality.suites import bronze_posts_suite
from socialake.quality.validate import FAILED_CHECK, ValidationOutcome, split_by_quarantine, validate
from socialake.sources.base import KIND_POST, KIND_QUARANTINE, ReadContext
from socialake.timing import Stopwatch

log = logging.getLogger(__name__)

KIND = "_kind"
ROWS_PER_BATCH = 4096

# Parsed records of both kinds travel in one DataFrame: every bronze column, the quarantine-only
# columns, and the kind. All nullable, since each kind leaves the other's columns empty.
_QUARANTINE_ONLY = [f for f in BRONZE_QUARANTINE_SCHEMA.fields if f.name not in BRONZE_POSTS_SCHEMA.fieldNames()]
STAGED_SCHEMA = StructType(
    [StructField(KIND, StringType(), False)]
    + [StructField(f.name, f.dataType, True) for f in BRONZE_POSTS_SCHEMA.fields + _QUARANTINE_ONLY]
)


class ReconciliationError(RuntimeError):
    """The counts do not add up: records would have been lost or double counted."""


@dataclass(frozen=True)
class IngestReport:
    run_id: str
    files: int
    records_read: int
    posts_read: int
    posts_added: int
    posts_already_present: int
    quarantine_read: int
    quarantine_added: int
    quarantine_already_present: int
    posts_version: int | None
    quarantine_version: int | None
    by_format: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)
    quality: ValidationOutcome | None = None
    timings: str = ""

    @property
    def already_present(self) -> int:
        return self.posts_already_present + self.quarantine_already_present

    @property
    def balanced(self) -> bool:
        return self.records_read == self.posts_added + self.quarantine_added + self.already_present

    def render(self) -> str:
        """The reconciliation as a person reads it."""
        lines = [
            f"bronze ingest, run {self.run_id}: {self.files} file(s)",
            f"  records read        {self.records_read:>12,}",
            f"  rows added          {self.posts_added:>12,}   -> {BRONZE_POSTS} (version {self.posts_version})",
            f"  quarantined         {self.quarantine_added:>12,}   -> {BRONZE_QUARANTINE} (version {self.quarantine_version})",
            f"  already present     {self.already_present:>12,}   (same payload ingested before or twice in this input)",
            f"  reconciled: {self.records_read:,} = {self.posts_added:,} + {self.quarantine_added:,} + "
            f"{self.already_present:,}  {'OK' if self.balanced else 'MISMATCH'}",
        ]
        if self.by_format:
            lines.append("  parsed by format:   " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_format.items())))
        if self.by_reason:
            lines.append("  quarantine reasons: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_reason.items())))
        if self.quality:
            lines.append(self.quality.render())
        if self.timings:
            lines.append(self.timings)
        return "\n".join(lines)


# --- listing ---------------------------------------------------------------------------------

def list_input_files(spark: SparkSession, inputs: Sequence[str], *, extensions: Sequence[str]) -> DataFrame:
    """One row per input file (path, size, modification time) under `inputs` (files or
    directories, recursively, any filesystem Spark can list), keeping the given endings.
    Spark's binaryFile source lists without reading file contents."""
    listed = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(list(inputs))
        .select("path", "length", "modificationTime")
    )
    lowered = F.lower(F.col("path"))
    wanted = None
    for ending in extensions:
        cond = lowered.endswith(ending.lower())
        wanted = cond if wanted is None else wanted | cond
    return listed.where(wanted) if wanted is not None else listed


# --- parsing (runs on executors) -------------------------------------------------------------

def parse_files(files: DataFrame, *, context: ReadContext, partitions: int) -> DataFrame:
    """Parse every listed file with the platform parsers on the executors. Returns rows of
    STAGED_SCHEMA: `_kind` says whether a row is a bronze post or a quarantined record."""
    spread = files.repartition(max(1, partitions))

    def parse_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield from _parse_batches(batches, context)

    return spread.mapInArrow(parse_partition, STAGED_SCHEMA)


def _parse_batches(batches: Iterator[pa.RecordBatch], context: ReadContext) -> Iterator[pa.RecordBatch]:
    from socialake.sources.reader import read_records

    arrow_schema = spark_to_arrow_schema(STAGED_SCHEMA)
    buffer: list[dict] = []
    for batch in batches:
        for item in batch.to_pylist():
            path, mtime = item["path"], item["modificationTime"]
            if mtime is not None and mtime.tzinfo is None:
                mtime = mtime.replace(tzinfo=timezone.utc)
            for kind, row in _records_of_file(path, mtime, context, read_records):
                row[KIND] = kind
                buffer.append(row)
                if len(buffer) >= ROWS_PER_BATCH:
                    yield pa.RecordBatch.from_pylist(buffer, schema=arrow_schema)
                    buffer = []
    if buffer:
        yield pa.RecordBatch.from_pylist(buffer, schema=arrow_schema)


def _records_of_file(path: str, mtime: datetime | None, context: ReadContext, read_records) -> Iterator[tuple[str, dict]]:
    """All records of one file; a file that cannot even be opened becomes one quarantine row."""
    try:
        stream = _open_input(path)
    except OSError as exc:
        yield KIND_QUARANTINE, _unreadable_file_row(path, mtime, context, exc)
        return
    with stream:
        yield from read_records(stream, context, source_file=path, file_mtime=mtime)


def _open_input(path: str):
    """Open a listed path for binary reading: local files directly, other schemes via pyarrow."""
    if path.startswith("file:"):
        from urllib.parse import unquote, urlparse

        return open(unquote(urlparse(path).path), "rb")
    from pyarrow import fs

    filesystem, inner = fs.FileSystem.from_uri(path.replace("s3a://", "s3://", 1))
    return filesystem.open_input_stream(inner)


def _unreadable_file_row(path: str, mtime: datetime | None, context: ReadContext, exc: Exception) -> dict:
    import hashlib

    reason = f"cannot open file: {exc}"
    return {
        "quarantine_id": hashlib.sha256(f"{REASON_READ_ERROR}\0{path}".encode()).hexdigest(),
        "reason_code": REASON_READ_ERROR,
        "reason": reason,
        "platform": None,
        "source_format": None,
        "source_name": context.source_name,
        "source_file": path,
        "source_offset": "file",
        "collected_at": context.collected_at or mtime,
        "ingested_at": context.ingested_at,
        "run_id": context.run_id,
        "raw_bytes": b"",
        "raw_preview": None,
    }


# --- pure transforms -------------------------------------------------------------------------

def select_posts(staged: DataFrame) -> DataFrame:
    """The parsed posts of a staged frame, in bronze.posts' columns."""
    return staged.where(F.col(KIND) == KIND_POST).select(*BRONZE_POSTS_SCHEMA.fieldNames())


def failed_expectation_rows(posts: DataFrame) -> DataFrame:
    """Parsed posts that a quality check routed away, as bronze.quarantine rows (the raw
    payload kept as bytes, the check named in the reason)."""
    return posts.select(
        F.sha2(F.concat(F.lit(REASON_FAILED_EXPECTATION + "\x00"), F.col(RAW_PAYLOAD)), 256).alias(QUARANTINE_ID),
        F.lit(REASON_FAILED_EXPECTATION).alias(REASON_CODE),
        F.concat(F.lit("failed quality check "), F.col(FAILED_CHECK)).alias(REASON),
        PLATFORM, SOURCE_FORMAT, "source_name", "source_file", "source_offset", "collected_at", "ingested_at",
        "run_id",
        F.encode(F.col(RAW_PAYLOAD), "UTF-8").alias("raw_bytes"),
        F.substring(F.col(RAW_PAYLOAD), 1, 2000).alias("raw_preview"),
    )


def select_quarantine(staged: DataFrame) -> DataFrame:
    """The quarantined records of a staged frame, in bronze.quarantine's columns."""
    return staged.where(F.col(KIND) == KIND_QUARANTINE).select(*BRONZE_QUARANTINE_SCHEMA.fieldNames())


# --- the stage -------------------------------------------------------------------------------

def run(
    spark: SparkSession,
    cfg: Config,
    lake: Lake,
    *,
    inputs: Sequence[str],
    run_id: str,
    source_name: str | None = None,
    source_format: str | None = None,
    collected_at: datetime | None = None,
) -> IngestReport:
    """Ingest `inputs` into bronze and return the checked reconciliation."""
    ingest = cfg.ingest
    fmt = source_format or ingest.format
    context = ReadContext(
        source_name=source_name or ingest.source_name,
        run_id=run_id,
        ingested_at=datetime.now(timezone.utc),
        collected_at=collected_at,
        forced_format=None if fmt == "auto" else fmt,
        column_mapping=dict(ingest.column_mapping),
        csv_delimiter=ingest.csv_delimiter,
        timestamp_format=ingest.timestamp_format,
    )
    watch = Stopwatch()
    with watch.step("list files"):
        files = list_input_files(spark, inputs, extensions=ingest.extensions).persist()
        file_count = files.count()
    if file_count == 0:
        files.unpersist()
        raise FileNotFoundError(
            f"no input files ending in {', '.join(ingest.extensions)} under {', '.join(inputs)}: "
            "check --input or ingest.extensions"
        )
    partitions = min(file_count, spark.sparkContext.defaultParallelism * 4)
    # On disk, not in the heap: staged rows carry the raw payloads (about 2.5 GB per million posts),
    # and the local driver's heap is also the executors' (the OS page cache keeps re-reads fast).
    staged = parse_files(files, context=context, partitions=partitions).persist(StorageLevel.DISK_ONLY)
    try:
        # One pass over the staged rows gives every count the report needs.
        with watch.step("parse"):
            tallies = staged.groupBy(KIND, SOURCE_FORMAT, REASON_CODE).count().collect()
        counts: dict[str, int] = {}
        by_format: dict[str, int] = {}
        by_reason: dict[str, int] = {}
        for row in tallies:
            counts[row[KIND]] = counts.get(row[KIND], 0) + row["count"]
            if row[KIND] == KIND_POST:
                by_format[row[SOURCE_FORMAT]] = by_format.get(row[SOURCE_FORMAT], 0) + row["count"]
            else:
                by_reason[row[REASON_CODE]] = by_reason.get(row[REASON_CODE], 0) + row["count"]
        posts, quarantine = select_posts(staged), select_quarantine(staged)
        suite = bronze_posts_suite(context.ingested_at).with_actions(cfg.quality.actions)
        with watch.step("quality checks"):
            quality = validate(lake, posts, suite, run_id=run_id)
            posts, failed_checks = split_by_quarantine(posts, suite, quality)
            routed = failed_checks.count() if quality.failed else 0
        if routed:
            quarantine = quarantine.unionByName(failed_expectation_rows(failed_checks))
        # Counted independently of the merge, on the snapshot the merge then inserts against;
        # the commit only lands if it adds exactly the rest (checked before committing), and if
        # another writer got in first the count and merge are redone on the new snapshot.
        with watch.step("write"):
            posts_total = counts.get(KIND_POST, 0) - routed   # from the tallies: no pass over the rows
            quarantine_total = counts.get(KIND_QUARANTINE, 0) + routed
            posts_commit, posts_present = lake.merge_insert_with_retry(
                BRONZE_POSTS, posts, keys=[PAYLOAD_SHA256], run_id=run_id, total=posts_total,
                count_present=lambda v: _count_already_present(lake, BRONZE_POSTS, posts, PAYLOAD_SHA256,
                                                               total=posts_total, version=v),
            )
            quarantine_commit, quarantine_present = lake.merge_insert_with_retry(
                BRONZE_QUARANTINE, quarantine, keys=[QUARANTINE_ID], run_id=run_id, total=quarantine_total,
                count_present=lambda v: _count_already_present(lake, BRONZE_QUARANTINE, quarantine, QUARANTINE_ID,
                                                               total=quarantine_total, version=v),
            )
    finally:
        staged.unpersist()
        files.unpersist()
    report = IngestReport(
        run_id=run_id,
        files=file_count,
        records_read=sum(counts.values()),
        posts_read=counts.get(KIND_POST, 0) - routed,
        posts_added=posts_commit.rows,
        posts_already_present=posts_present,
        quarantine_read=counts.get(KIND_QUARANTINE, 0) + routed,
        quarantine_added=quarantine_commit.rows,
        quarantine_already_present=quarantine_present,
        posts_version=posts_commit.version if posts_commit.version is not None else _version_or_none(lake, BRONZE_POSTS),
        quarantine_version=quarantine_commit.version
        if quarantine_commit.version is not None
        else _version_or_none(lake, BRONZE_QUARANTINE),
        by_format=by_format,
        by_reason={**by_reason, **({REASON_FAILED_EXPECTATION: routed} if routed else {})},
        quality=quality,
        timings=watch.render(),
    )
    if not report.balanced or report.posts_read != report.posts_added + report.posts_already_present:
        raise ReconciliationError(
            "bronze counts do not reconcile, nothing should be trusted from this run:\n" + report.render()
        )
    log.info("bronze ingest reconciled: %s", json.dumps(report.__dict__, default=str))
    return report


def _count_already_present(lake: Lake, table: str, rows: DataFrame, key: str, *, total: int,
                           version: int | None) -> int:
    """Rows that will not be inserted: duplicates of a key within `rows` (of which there are
    `total`), plus keys the table held at `version` (None: the table does not exist). Counted
    from the data, independently of what the merge reports."""
    distinct_keys = rows.select(key).distinct()
    distinct = distinct_keys.count()
    in_table = 0
    if version is not None:
        in_table = distinct_keys.join(lake.read(table, version=version).select(key), on=key, how="left_semi").count()
    return (total - distinct) + in_table


def _version_or_none(lake: Lake, table: str) -> int | None:
    return lake.version(table) if lake.exists(table) else None
