"""The cluster Delta engine: delta-spark, used when the Delta jars are on the classpath.

Same contract as the embedded engine. The run id travels in each commit's userMetadata
(spark.databricks.delta.commitInfo.userMetadata) so history() can attribute commits to jobs.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping, Sequence

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import ArrayType, BinaryType, MapType, StringType, StructType

from socialake.config import LakeConfig
from socialake.lake.base import (
    OPERATION_KEY,
    RUN_ID_KEY,
    TOKEN_KEY,
    CommitCheckError,
    CommitResult,
    ConcurrentWriteError,
    HistoryEntry,
    Lake,
    LakeError,
    align_to_schema,
    commit_tags,
    first_per_key,
)
from socialake.lake.protocol import NEW_TABLE

USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata"
CDF_DEFAULT = "spark.databricks.delta.properties.defaults.enableChangeDataFeed"
STATS_COLUMNS_DEFAULT = "spark.databricks.delta.properties.defaults.dataSkippingStatsColumns"
INDEXED_COLUMNS_DEFAULT = "spark.databricks.delta.properties.defaults.dataSkippingNumIndexedCols"
CONFLICT_NAMES = ("ConcurrentAppendException", "ConcurrentDeleteReadException", "ConcurrentDeleteDeleteException",
                  "ConcurrentTransactionException", "ConcurrentWriteException", "MetadataChangedException",
                  "ProtocolChangedException", "DELTA_CONCURRENT", "FileAlreadyExistsException",
                  "DELTA_PROTOCOL_CHANGED", "DELTA_METADATA_CHANGED")


class DeltaSparkLake(Lake):
    engine_name = "delta-spark"

    def __init__(self, spark: SparkSession, cfg: LakeConfig) -> None:
        super().__init__(spark, cfg)
        from delta.tables import DeltaTable  # the Python half of delta-spark (pure Python)

        self._delta_table = DeltaTable
        # Tables this engine creates record their change feed, like the embedded engine's.
        spark.conf.set(CDF_DEFAULT, "true")

    def _tagged(self, run_id: str, operation: str, extra: Mapping[str, str] | None = None) -> "_CommitTag":
        payload = {**(extra or {}), "socialake.run_id": run_id, "socialake.operation": operation}
        return _CommitTag(self.spark, json.dumps(payload))

    @contextlib.contextmanager
    def _created_without_string_stats(self, schema: StructType) -> Iterator[None]:
        """Create tables whose log keeps min/max statistics for numbers, dates and timestamps
        only, as the embedded engine does: string statistics would copy handles, pseudonyms and
        text prefixes into commit files that vacuum never removes, so an erased person would
        survive in the log."""
        stats_columns = [f.name for f in schema.fields if not isinstance(
            f.dataType, (StringType, BinaryType, ArrayType, MapType, StructType))]
        settings = ({STATS_COLUMNS_DEFAULT: ",".join(f"`{c}`" for c in stats_columns)} if stats_columns
                    else {INDEXED_COLUMNS_DEFAULT: "0"})
        previous = {k: self.spark.conf.get(k, None) for k in settings}
        for key, value in settings.items():
            self.spark.conf.set(key, value)
        try:
            yield
        finally:
            for key, value in previous.items():
                if value is None:
                    self.spark.conf.unset(key)
                else:
                    self.spark.conf.set(key, value)

    def _forpath(self, table: str) -> Any:
        self.require(table)
        return self._delta_table.forPath(self.spark, self.path(table))

    def exists(self, table: str) -> bool:
        """Asked of the file system each time: DeltaTable.isDeltaTable answers from a cached
        DeltaLog and kept saying "no" after another process created the table."""
        jvm = self.spark.sparkContext._jvm
        log = jvm.org.apache.hadoop.fs.Path(self.path(table) + "/_delta_log")
        fs = log.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration())
        if not fs.exists(log):
            return False
        return any(str(status.getPath().getName()).endswith((".json", ".parquet")) for status in fs.listStatus(log))

    def read(self, table: str, *, version: int | None = None) -> DataFrame:
        self.require(table)
        reader = self.spark.read.format("delta")
        if version is not None:
            if version > self.version(table) or version < 0:
                raise LakeError(f"{table} has no version {version}: read a version listed by history()")
            reader = reader.option("versionAsOf", version)
        try:
            frame = reader.load(self.path(table))
            if version is not None:
                missing = self._missing_files(frame)
                if missing:
                    raise LakeError(f"{table} version {version} refers to files that are gone (removed by vacuum, "
                                    f"e.g. {missing}): read a newer version")
            return frame
        except LakeError:
            raise
        except Exception as exc:
            if version is not None:
                raise LakeError(f"cannot read {table} as of version {version} ({_first_line(exc)}): "
                                "pick a version listed by history() that vacuum has not removed") from None
            raise

    def _missing_files(self, frame: DataFrame) -> str | None:
        """The first data file of `frame`'s snapshot that no longer exists (time travel only:
        Delta keeps an old version's log after vacuum removed its files)."""
        jvm = self.spark.sparkContext._jvm
        hadoop_conf = self.spark.sparkContext._jsc.hadoopConfiguration()
        for uri in frame.inputFiles():
            path = jvm.org.apache.hadoop.fs.Path(uri)
            if not path.getFileSystem(hadoop_conf).exists(path):
                return uri
        return None

    def schema(self, table: str) -> StructType:
        return self.read(table).schema

    def partition_columns(self, table: str) -> list[str]:
        detail = self._forpath(table).detail().collect()[0]
        return list(detail["partitionColumns"])

    def version(self, table: str) -> int:
        return self.history(table, limit=1)[0].version

    def history(self, table: str, *, limit: int | None = None) -> list[HistoryEntry]:
        delta_table = self._forpath(table)
        rows = (delta_table.history(limit) if limit else delta_table.history()).collect()
        entries = []
        for row in rows:
            meta = commit_tags(row["userMetadata"])
            entries.append(
                HistoryEntry(
                    version=int(row["version"]),
                    timestamp_ms=int(row["timestamp"].timestamp() * 1000),
                    operation=meta.get(OPERATION_KEY) or row["operation"],
                    run_id=meta.get(RUN_ID_KEY),
                    parameters=dict(row["operationParameters"] or {})
                    | {"operationMetrics": dict(row["operationMetrics"] or {}), "readVersion": row["readVersion"]},
                    metadata=meta,
                )
            )
        return entries

    def _own_commit(self, table: str, token: str, before: int | None, *, required: bool = True) -> HistoryEntry | None:
        """Our commit, found by its token among those made since `before`."""
        # Other writers may have committed after us, so look further back than our own commit;
        # the full history only when the window does not hold it.
        entries = self.history(table, limit=50)
        if before is not None and entries and entries[0].version == before:
            return None
        if not any(e.metadata.get(TOKEN_KEY) == token for e in entries) and len(entries) == 50:
            entries = self.history(table)
        for entry in entries:
            if before is not None and entry.version <= before:
                break
            if entry.metadata.get(TOKEN_KEY) == token:
                return entry
        if not required:
            return None   # e.g. a MERGE that found nothing to insert commits nothing
        raise LakeError(f"the write to {table} finished but its commit is not in the table's history: re-run the job")

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
        if read_version is not None or expected_rows is not None:
            # this engine's merge_insert is a Delta MERGE, checked by Delta itself
            raise LakeError("delta-spark takes conditional commits through merge_insert only")
        exists = self.exists(table)
        before = self.version(table) if exists else None
        token = uuid.uuid4().hex
        writer = rows.write.format("delta").mode(mode)
        if partition_by:
            writer = writer.partitionBy(*partition_by)
        with self._tagged(run_id, operation, {**commit_metadata, TOKEN_KEY: token}), \
                self._created_without_string_stats(rows.schema):
            try:
                writer.save(self.path(table))
            except Exception as exc:
                if not _is_conflict(exc):
                    raise
                if mode != "append" or exists:
                    raise ConcurrentWriteError(f"{table}: another writer committed first ({_first_line(exc)}); "
                                               "nothing of this write was committed, retry it") from None
                # two plain appends both creating the table: the other one made it, append to it
                writer.save(self.path(table))
        entry = self._own_commit(table, token, before)
        if entry is None:
            return CommitResult(table=table, version=None, rows=0)
        metrics = entry.parameters.get("operationMetrics", {})
        return CommitResult(table=table, version=entry.version, rows=int(metrics.get("numOutputRows", 0)), metrics=metrics)

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
        """A Delta MERGE ... WHEN NOT MATCHED THEN INSERT *: Delta's own conflict detection
        refuses it when another writer added files while it ran (ConcurrentWriteError, nothing
        committed); a commit between `read_version` and the MERGE's start is refused before it
        runs. `expected_rows` is checked against the snapshot before the MERGE, and against the
        MERGE's own insert count after it."""
        if not keys:
            raise LakeError("merge_insert needs at least one key column")
        exists = self.exists(table)
        if exists and read_version == NEW_TABLE:
            raise ConcurrentWriteError(f"{table} was created by another writer after this one looked: retry")
        if not exists:
            if read_version not in (None, NEW_TABLE):
                raise ConcurrentWriteError(f"{table} was expected at version {read_version} but does not exist: retry")
            # Delta lets a second writer's blind append to a just-created table succeed, which
            # would insert the same keys twice; so the table is created empty first (concurrent
            # empty creations are harmless) and the rows go in by MERGE, which Delta does check.
            with self._tagged(run_id, "CREATE"), self._created_without_string_stats(rows.schema):
                try:
                    rows.limit(0).write.format("delta").mode("append").save(self.path(table))
                except Exception as exc:
                    if not _is_conflict(exc):
                        raise   # a conflict here means another writer created the table first: fine
            read_version = self.version(table)
            if self.read(table, version=read_version).limit(1).count():
                raise ConcurrentWriteError(f"{table} received rows from another writer while this one created it: retry")
        current = self.version(table)
        if read_version is None or read_version == NEW_TABLE:
            read_version = current
        elif read_version != current:
            raise ConcurrentWriteError(f"{table} moved from version {read_version} to {current} before the MERGE: retry")
        source = align_to_schema(first_per_key(rows, list(keys)), self.schema(table), table)
        if expected_rows is not None:
            present = self.read(table, version=read_version).select(*keys)
            inserting = source.join(present, on=list(keys), how="left_anti").count()
            if inserting != expected_rows:
                raise CommitCheckError(f"{table}: the MERGE would insert {inserting:,} rows but {expected_rows:,} were "
                                       "counted beforehand; nothing was committed")
        condition = " AND ".join(f"target.`{k}` <=> source.`{k}`" for k in keys)
        token = uuid.uuid4().hex
        with self._tagged(run_id, "MERGE INSERT", {TOKEN_KEY: token}):
            try:
                (self._forpath(table).alias("target").merge(source.alias("source"), condition)
                 .whenNotMatchedInsertAll().execute())
            except Exception as exc:
                if _is_conflict(exc):
                    raise ConcurrentWriteError(f"{table}: a concurrent commit conflicts with this MERGE "
                                               f"({_first_line(exc)}); nothing was committed, retry it") from None
                raise
        entry = self._own_commit(table, token, current, required=False)
        if entry is None:
            if expected_rows:
                raise ConcurrentWriteError(f"{table}: the MERGE found nothing to insert where {expected_rows:,} rows "
                                           "were counted: another writer inserted them first; recount and retry")
            return CommitResult(table=table, version=None, rows=0)
        metrics = entry.parameters.get("operationMetrics", {})
        inserted = int(metrics.get("numTargetRowsInserted", 0))
        if entry.parameters.get("readVersion") != read_version:
            raise ConcurrentWriteError(f"{table}: the MERGE read version {entry.parameters.get('readVersion')}, not "
                                       f"{read_version}; its rows are in exactly once, recount and retry")
        if expected_rows is not None and inserted != expected_rows:
            raise LakeError(f"{table}: the MERGE inserted {inserted:,} rows where {expected_rows:,} were counted on the "
                            "same snapshot: report this as a bug")
        return CommitResult(table=table, version=entry.version, rows=inserted, metrics=metrics)

    def timestamp_literal(self, moment: datetime) -> str:
        return f"TIMESTAMP '{moment.astimezone(timezone.utc).strftime('%Y-%m-%d %H:%M:%S.%f')}+00:00'"

    def delete(self, table: str, predicate: str, *, run_id: str) -> CommitResult:
        delta_table = self._forpath(table)
        before, token = self.version(table), uuid.uuid4().hex
        with self._tagged(run_id, "DELETE", {TOKEN_KEY: token}):
            delta_table.delete(predicate)
        latest = self._own_commit(table, token, before)
        if latest is None:
            return CommitResult(table=table, version=None, rows=0)
        metrics = latest.parameters.get("operationMetrics", {})
        deleted = int(metrics.get("numDeletedRows", 0))
        return CommitResult(table=table, version=latest.version if deleted or metrics.get("numRemovedFiles") else None,
                            rows=deleted, metrics=metrics)

    def update(self, table: str, predicate: str | None, assignments: Mapping[str, str], *, run_id: str) -> CommitResult:
        from pyspark.sql import functions as F

        delta_table = self._forpath(table)
        before, token = self.version(table), uuid.uuid4().hex
        with self._tagged(run_id, "UPDATE", {TOKEN_KEY: token}):
            delta_table.update(condition=predicate, set={k: F.expr(v) for k, v in assignments.items()})
        latest = self._own_commit(table, token, before)
        if latest is None:
            return CommitResult(table=table, version=None, rows=0)
        metrics = latest.parameters.get("operationMetrics", {})
        updated = int(metrics.get("numUpdatedRows", 0))
        return CommitResult(table=table, version=latest.version if updated else None, rows=updated, metrics=metrics)

    def vacuum(self, table: str, *, retention_hours: int | None = None, run_id: str) -> list[str]:
        """Delta's VACUUM; the paths it removes are listed by a DRY RUN just before it."""
        self.require(table)
        hours = self.cfg.vacuum_retention_hours if retention_hours is None else retention_hours
        check = "spark.databricks.delta.retentionDurationCheck.enabled"
        previous = self.spark.conf.get(check, "true")
        self.spark.conf.set(check, "false")
        quoted = self.path(table).replace("`", "``")
        try:
            doomed = [r["path"] for r in self.spark.sql(f"VACUUM delta.`{quoted}` RETAIN {int(hours)} HOURS DRY RUN").collect()]
            with self._tagged(run_id, "VACUUM"):
                self._forpath(table).vacuum(float(hours))
        finally:
            self.spark.conf.set(check, previous)
        return doomed

    def optimize(self, table: str, *, run_id: str, zorder_by: Sequence[str] = ()) -> Mapping[str, Any]:
        with self._tagged(run_id, "OPTIMIZE"):
            builder = self._forpath(table).optimize()
            result = builder.executeZOrderBy(*zorder_by) if zorder_by else builder.executeCompaction()
        return dict(result.collect()[0].asDict(recursive=True)["metrics"])  # numFilesAdded/Removed, like delta-rs

    def read_change_feed(self, table: str, *, since_version: int) -> DataFrame:
        current = self.version(table)
        reader = self.spark.read.format("delta").option("readChangeFeed", "true")
        if since_version >= current:
            # nothing after it: an empty frame of the feed's shape
            return reader.option("startingVersion", current).load(self.path(table)).limit(0)
        try:
            frame = reader.option("startingVersion", since_version + 1).load(self.path(table))
            frame.schema
            return frame
        except Exception as exc:
            raise LakeError(f"cannot read {table}'s change feed after version {since_version} ({_first_line(exc)}): "
                            "read the whole table instead") from None


def _is_conflict(exc: BaseException) -> bool:
    """Delta's optimistic-concurrency failures (ConcurrentAppendException and friends, or a
    commit file another writer created first)."""
    text = str(exc)
    return any(name in text for name in CONFLICT_NAMES)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


class _CommitTag:
    """Sets the commit's userMetadata for the duration of one operation."""

    def __init__(self, spark: SparkSession, value: str) -> None:
        self.spark, self.value = spark, value

    def __enter__(self) -> None:
        self.spark.conf.set(USER_METADATA, self.value)

    def __exit__(self, *exc: object) -> None:
        self.spark.conf.unset(USER_METADATA)
