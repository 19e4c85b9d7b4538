"""The lake interface: the only code in socialake that touches storage.

Tables are addressed by name (`bronze.posts`) and live at `<lake root>/<layer>/<entity>` as
Delta tables. Two engines implement the same contract:
- `EmbeddedLake` (delta-rs + Spark's Python Data Source API) runs anywhere pip runs;
- `DeltaSparkLake` (delta-spark) is used when the Delta jars are on the classpath.
Both write real Delta tables: anything here can be opened by delta-spark, delta-rs, Polars or
Trino, and every job commit is one history entry carrying the job's run id.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Sequence

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from socialake.config import LakeConfig
from socialake.lake.protocol import CHANGE_COLUMNS, CHECK_MARKER, CONCURRENT_MARKER, NEW_TABLE  # noqa: F401

TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
WRITE_MODES = ("append", "overwrite")
RUN_ID_KEY = "socialake.run_id"
OPERATION_KEY = "socialake.operation"
ROWS_KEY = "socialake.rows"
TOKEN_KEY = "socialake.commit_token"


class LakeError(RuntimeError):
    """A lake operation could not be done; the message says what to do about it."""


class TableNotFoundError(LakeError):
    pass


class ConcurrentWriteError(LakeError):
    """Another writer committed to the table after this write read it. Retryable: nothing of
    this write was committed (embedded), or what was committed is correct but the caller's
    counts were made on an older snapshot (delta-spark MERGE); re-read and write again."""


class CommitCheckError(LakeError):
    """The rows about to be committed differ from the number the caller checked beforehand;
    nothing was committed."""




@dataclass(frozen=True)
class CommitResult:
    """What one lake operation committed: the new table version (None when nothing was
    committed, e.g. an append of zero rows to an existing table) and the rows it affected."""

    table: str
    version: int | None
    rows: int
    metrics: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    timestamp_ms: int
    operation: str
    run_id: str | None
    parameters: Mapping[str, Any]
    metadata: Mapping[str, str] = field(default_factory=dict)  # the socialake.* keys of the commit


def commit_tags(user_metadata: str | None) -> dict[str, str]:
    """The socialake.* keys of a commit's userMetadata (JSON written by either engine)."""
    import json

    try:
        parsed = json.loads(user_metadata) if user_metadata else {}
    except ValueError:
        return {}
    return {k: str(v) for k, v in parsed.items() if k.startswith("socialake.")} if isinstance(parsed, dict) else {}


def table_path(root: str, table: str) -> str:
    """`bronze.posts` -> `<root>/bronze/posts`. Raises LakeError on a malformed name."""
    if not TABLE_NAME.match(table):
        raise LakeError(f"bad table name {table!r}: use layer.entity in lower case, e.g. bronze.posts")
    layer, entity = table.split(".")
    return f"{root.rstrip('/')}/{layer}/{entity}"


def spark_to_arrow_schema(schema: StructType) -> pa.Schema:
    """Arrow schema of a Spark schema, with timestamps as microseconds UTC (Delta's
    `timestamp` type) and nullability kept: what record batches bound for a table (or for
    Spark's mapInArrow on the way to one) are built with."""
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow = to_arrow_schema(schema, timezone="UTC", prefers_large_types=False)
    return pa.schema([pa.field(f.name, _utc_micros(f.type), f.nullable) for f in arrow])


def _utc_micros(dtype: pa.DataType) -> pa.DataType:
    if pa.types.is_timestamp(dtype):
        return pa.timestamp("us", tz="UTC")
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return pa.list_(pa.field(dtype.value_field.name, _utc_micros(dtype.value_type), dtype.value_field.nullable))
    if pa.types.is_struct(dtype):
        return pa.struct([pa.field(f.name, _utc_micros(f.type), f.nullable) for f in dtype])
    if pa.types.is_map(dtype):
        return pa.map_(_utc_micros(dtype.key_type), _utc_micros(dtype.item_type))
    return dtype


class Lake(ABC):
    """One interface over Delta tables. Engines differ in how they move bytes, never in what
    a table contains."""

    engine_name: str = "abstract"

    def __init__(self, spark: SparkSession, cfg: LakeConfig) -> None:
        self.spark = spark
        self.cfg = cfg

    def path(self, table: str) -> str:
        return table_path(self.cfg.root, table)

    @abstractmethod
    def exists(self, table: str) -> bool:
        """True when `table` is a Delta table (has a transaction log)."""

    @abstractmethod
    def read(self, table: str, *, version: int | None = None) -> DataFrame:
        """The table's current snapshot, or the snapshot as of `version` (time travel)."""

    @abstractmethod
    def schema(self, table: str) -> StructType:
        """The table's current schema."""

    @abstractmethod
    def _write(
        self,
        table: str,
        rows: DataFrame,
        *,
        mode: str,
        partition_by: Sequence[str],
        run_id: str,
        operation: str,
        commit_metadata: Mapping[str, str],
        read_version: int | None = None,
        expected_rows: int | None = None,
    ) -> CommitResult:
        """Commit `rows` as one transaction (engine-specific), with `commit_metadata` recorded
        in the commit info. With `read_version`, commit only if the table is still at that
        version, or still absent for NEW_TABLE (else ConcurrentWriteError); with `expected_rows`, only if exactly that many
        rows are about to be committed (else CommitCheckError)."""

    @abstractmethod
    def timestamp_literal(self, moment: datetime) -> str:
        """A UTC timestamp literal for this engine's delete predicates."""

    @abstractmethod
    def delete(self, table: str, predicate: str, *, run_id: str) -> CommitResult:
        """Delete the rows matching the SQL `predicate` in one commit."""

    @abstractmethod
    def vacuum(self, table: str, *, retention_hours: int | None = None, run_id: str) -> list[str]:
        """Physically remove files no longer referenced by versions within the retention
        (and files never committed). Returns the removed paths. retention_hours=0 makes the
        current version the only one that can be read afterwards (used by erasure)."""

    @abstractmethod
    def optimize(self, table: str, *, run_id: str, zorder_by: Sequence[str] = ()) -> Mapping[str, Any]:
        """Compact small files into larger ones (one commit, no data change); with `zorder_by`,
        cluster the rows by those columns (Z-order) so filters on them skip files."""

    @abstractmethod
    def update(self, table: str, predicate: str | None, assignments: Mapping[str, str], *, run_id: str) -> CommitResult:
        """Set columns to SQL expressions (`{"v": "v + 1"}`) on the rows matching `predicate`
        (all rows when None), in one commit."""

    @abstractmethod
    def read_change_feed(self, table: str, *, since_version: int) -> DataFrame:
        """Delta's change data feed: the rows inserted, deleted and updated by the commits after
        `since_version`, with `_change_type` (insert, delete, update_preimage,
        update_postimage), `_commit_version` and `_commit_timestamp`. Tables are created with
        the feed enabled; LakeError when `since_version` is older than the feed retains."""

    @abstractmethod
    def history(self, table: str, *, limit: int | None = None) -> list[HistoryEntry]:
        """Commits, newest first."""

    @abstractmethod
    def version(self, table: str) -> int:
        """The current version number."""

    # --- shared behaviour ----------------------------------------------------------------

    def write(
        self,
        table: str,
        rows: DataFrame,
        *,
        mode: str = "append",
        partition_by: Sequence[str] = (),
        run_id: str,
        operation: str = "WRITE",
        commit_metadata: Mapping[str, str] | None = None,
        _conditions: Mapping[str, Any] | None = None,
    ) -> CommitResult:
        """Append to or overwrite `table` in one commit; creates it on first write.
        `commit_metadata` (keys starting with "socialake.") is stored atomically with the data,
        e.g. which source version a derived table was computed from.

        Appends must match the table's columns (order is aligned, missing nullable columns
        become null); anything else is refused rather than silently evolving the schema.
        """
        if mode not in WRITE_MODES:
            raise LakeError(f"write mode {mode!r} is not supported: use one of {', '.join(WRITE_MODES)}")
        missing_partitions = [c for c in partition_by if c not in rows.columns]
        if missing_partitions:
            raise LakeError(f"partition column {missing_partitions[0]!r} is not a column of the rows written to {table}")
        if self.exists(table):
            if mode == "append":
                rows = align_to_schema(rows, self.schema(table), table)
            existing_partitions = self.partition_columns(table)
            if partition_by and list(partition_by) != existing_partitions:
                raise LakeError(
                    f"{table} is partitioned by {existing_partitions}, not {list(partition_by)}: "
                    "keep the table's partitioning or overwrite it into a new table"
                )
            partition_by = existing_partitions
        metadata = dict(commit_metadata or {})
        conditions = {k: v for k, v in (_conditions or {}).items() if k in ("read_version", "expected_rows")}
        bad_keys = [k for k in metadata if not k.startswith("socialake.")]
        if bad_keys:
            raise LakeError(f"commit metadata key {bad_keys[0]!r} must start with 'socialake.'")
        return self._write(table, rows, mode=mode, partition_by=tuple(partition_by), run_id=run_id,
                           operation=operation, commit_metadata=metadata, **conditions)

    def merge_insert(
        self,
        table: str,
        rows: DataFrame,
        *,
        keys: Sequence[str],
        run_id: str,
        read_version: int | None = None,
        expected_rows: int | None = None,
    ) -> CommitResult:
        """Insert the rows whose `keys` are not yet in `table` (and only the first of rows that
        share a key); existing rows are never changed. One commit, or none when nothing is new.

        Safe under concurrent writers: the keys are compared with the snapshot `read_version`
        (the current one when None) and the commit only lands if no other commit came after
        it; otherwise ConcurrentWriteError, and the caller re-reads and retries. `expected_rows`
        (counted by the caller from that snapshot) must equal the rows inserted, checked before
        the commit. This engine-neutral version appends the anti-joined rows; delta-spark
        overrides it with a Delta MERGE."""
        if not keys:
            raise LakeError("merge_insert needs at least one key column")
        new_rows = first_per_key(rows, list(keys))
        exists = self.exists(table)
        if exists and read_version == NEW_TABLE:
            raise ConcurrentWriteError(f"{table} was created by another writer after this one looked: retry")
        if exists:
            if read_version is None:
                read_version = self.version(table)
            present = self.read(table, version=read_version).select(*keys)
            new_rows = new_rows.join(present, on=list(keys), how="left_anti")
        elif read_version not in (None, NEW_TABLE):
            raise ConcurrentWriteError(f"{table} was expected at version {read_version} but does not exist: retry")
        else:
            read_version = NEW_TABLE  # the commit must create the table: another creator wins, we retry
        return self.write(table, new_rows, mode="append", run_id=run_id, operation="MERGE INSERT",
                          _conditions={"read_version": read_version, "expected_rows": expected_rows})

    def read_changes(self, table: str, *, since_version: int | None, keys: Sequence[str]) -> DataFrame:
        """Rows present now that were not present at `since_version` (all rows when None, or
        when that version can no longer be read). Compared by key, so it stays right after
        compaction or deletes; callers must tolerate re-delivery of rows they have seen."""
        current = self.read(table)
        if since_version is None:
            return current
        try:
            previous = self.read(table, version=since_version).select(*keys)
        except LakeError:
            return current
        return current.join(previous, on=list(keys), how="left_anti")

    def merge_insert_with_retry(
        self,
        table: str,
        rows: DataFrame,
        *,
        keys: Sequence[str],
        run_id: str,
        total: int | None = None,
        count_present: Any = None,
        attempts: int = 4,
    ) -> tuple[CommitResult, int]:
        """merge_insert, retried on ConcurrentWriteError with a fresh snapshot each time.
        With `total` (the number of `rows`, known to the caller) and `count_present(version)`
        (how many of them will not be inserted against that snapshot, counted independently of
        the merge), the commit is conditional on inserting exactly the rest. Returns the commit
        and the count used."""
        import random
        import time

        if (total is None) != (count_present is None):
            raise LakeError("merge_insert_with_retry needs both total and count_present, or neither")
        for attempt in range(1, attempts + 1):
            snapshot = self.version(table) if self.exists(table) else None
            present = count_present(snapshot) if count_present is not None else 0
            try:
                result = self.merge_insert(
                    table, rows, keys=keys, run_id=run_id, read_version=NEW_TABLE if snapshot is None else snapshot,
                    expected_rows=None if total is None else total - present,
                )
                return result, present
            except ConcurrentWriteError:
                if attempt == attempts:
                    raise
                time.sleep(random.uniform(0.2, 1.0) * attempt)  # de-synchronise the competing writers
        raise AssertionError("unreachable")

    def last_commit_metadata(self, table: str, key: str) -> str | None:
        """The newest value of commit metadata `key` in `table`'s history (None if never set
        or the table does not exist)."""
        if not self.exists(table):
            return None
        for entry in self.history(table):
            if key in entry.metadata:
                return entry.metadata[key]
        return None

    @abstractmethod
    def partition_columns(self, table: str) -> list[str]:
        """The table's partition columns, in order."""

    def require(self, table: str) -> None:
        if not self.exists(table):
            raise TableNotFoundError(f"table {table} does not exist at {self.path(table)}: run the job that writes it first")


BROADCAST_DUPLICATE_KEYS = 200_000


def first_per_key(rows: DataFrame, keys: list[str]) -> DataFrame:
    """One row per key. Which keys repeat is found from the keys alone, and only the rows of
    those keys are de-duplicated (a broadcast join while they are few), so wide rows such as
    bronze's raw payloads are not shuffled or aggregated in memory (dropDuplicates on a million
    raw posts ran the local driver out of heap). Of repeated rows the one kept is arbitrary, as
    with dropDuplicates: callers key on content (a payload hash) so the repeats are equal."""
    repeated = rows.groupBy(*keys).count().where(F.col("count") > 1).select(*keys).localCheckpoint()
    n_repeated = repeated.count()
    if n_repeated == 0:
        return rows
    if n_repeated > BROADCAST_DUPLICATE_KEYS:
        first = Window.partitionBy(*keys).orderBy(*keys)   # sort-based: spills instead of failing
        return rows.withColumn("_first", F.row_number().over(first)).where("_first = 1").drop("_first")
    once = rows.join(F.broadcast(repeated), on=keys, how="left_anti")
    again = rows.join(F.broadcast(repeated), on=keys, how="left_semi").dropDuplicates(keys)
    return once.unionByName(again)


def align_to_schema(rows: DataFrame, target: StructType, table: str) -> DataFrame:
    """Select `rows`' columns in `target`'s order, casting to the target types; a missing
    nullable column becomes null. Raises LakeError on extra or missing required columns."""
    from pyspark.sql import functions as F

    target_names = [f.name for f in target.fields]
    extra = sorted(set(rows.columns) - set(target_names))
    if extra:
        raise LakeError(
            f"column {extra[0]!r} is not in {table}'s schema: drop it before writing, or overwrite the table"
        )
    columns = []
    for target_field in target.fields:
        if target_field.name in rows.columns:
            columns.append(F.col(target_field.name).cast(target_field.dataType).alias(target_field.name))
        elif target_field.nullable:
            columns.append(F.lit(None).cast(target_field.dataType).alias(target_field.name))
        else:
            raise LakeError(f"column {target_field.name!r} of {table} is required but missing from the rows written")
    return rows.select(*columns)
