"""The embedded Delta engine: delta-rs for the protocol, Spark for the data.

Writes go through the `socialake_delta` Python Data Source (executors write Parquet, the driver
commits once). Reads resolve the table snapshot with delta-rs and hand Spark exactly the files
of that snapshot, never a directory glob (which would resurrect removed files). Deletes,
vacuum, optimize and history are delta-rs operations run from the driver.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from functools import reduce
from urllib.parse import unquote
from typing import Any, Mapping, Sequence

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from socialake.config import LakeConfig
from socialake.lake.base import (
    OPERATION_KEY,
    ROWS_KEY,
    RUN_ID_KEY,
    TOKEN_KEY,
    CommitCheckError,
    CommitResult,
    ConcurrentWriteError,
    HistoryEntry,
    Lake,
    LakeError,
    commit_tags,
)
from socialake.lake.protocol import CHANGE_COLUMNS, CHECK_MARKER, CONCURRENT_MARKER
from socialake.lake.delta_source import SOURCE_NAME, DeltaDataSource

# Reader features this engine cannot honour: reading such a table through a plain file list
# would return wrong rows, so it is refused instead.
UNSUPPORTED_READER_FEATURES = {"deletionVectors", "columnMapping"}


class EmbeddedLake(Lake):
    engine_name = "embedded"

    def __init__(self, spark: SparkSession, cfg: LakeConfig) -> None:
        super().__init__(spark, cfg)
        spark.dataSource.register(DeltaDataSource)
        self._storage_options = dict(cfg.storage_options)

    # --- reads ----------------------------------------------------------------------------
    def exists(self, table: str) -> bool:
        from deltalake import DeltaTable

        return DeltaTable.is_deltatable(self.path(table), storage_options=self._storage_options)

    def _table(self, table: str, version: int | None = None) -> Any:
        from deltalake import DeltaTable
        from deltalake.exceptions import TableNotFoundError as DeltaRsNotFound

        self.require(table)
        try:
            return DeltaTable(self.path(table), version=version, storage_options=self._storage_options)
        except DeltaRsNotFound as exc:
            raise LakeError(f"{table} has no version {version}: read a version listed by history()") from exc
        except Exception as exc:  # delta-rs raises generic errors for missing/expired versions
            if version is not None:
                raise LakeError(
                    f"cannot read {table} as of version {version} ({exc}): pick a version listed by "
                    "history() that vacuum has not removed"
                ) from exc
            raise

    def schema(self, table: str) -> StructType:
        return _spark_schema(self._table(table))

    def partition_columns(self, table: str) -> list[str]:
        return list(self._table(table).metadata().partition_columns)

    def read(self, table: str, *, version: int | None = None) -> DataFrame:
        delta_table = self._table(table, version)
        protocol = delta_table.protocol()
        unsupported = UNSUPPORTED_READER_FEATURES & set(protocol.reader_features or [])
        if unsupported:
            raise LakeError(
                f"{table} uses Delta reader feature {sorted(unsupported)[0]}, which the embedded engine "
                "cannot read: run with the delta-spark engine (lake.engine=delta-spark) for this table"
            )
        schema = _spark_schema(delta_table)
        partitions = list(delta_table.metadata().partition_columns)
        files_by_partition = _files_by_partition(delta_table, partitions)
        if not files_by_partition:
            return self.spark.createDataFrame([], schema)
        data_schema = StructType([f for f in schema.fields if f.name not in partitions])
        parts = []
        try:
            for values, files in files_by_partition.items():
                part = self.spark.read.schema(data_schema).parquet(*files)
                # Partition values come from the Delta log, never from directory names:
                # writers escape those differently, the log is the truth.
                for column, value in zip(partitions, values):
                    part = part.withColumn(column, F.lit(value).cast(schema[column].dataType))
                parts.append(part.select(*schema.fieldNames()))
        except AnalysisException as exc:
            if "PATH_NOT_FOUND" in str(exc):
                raise LakeError(
                    f"{table} version {version if version is not None else 'current'} refers to files that are "
                    "gone (removed by vacuum): read a newer version"
                ) from None
            raise
        return reduce(DataFrame.unionByName, parts)

    def version(self, table: str) -> int:
        return self._table(table).version()

    def snapshot_files(self, table: str) -> tuple[int, StructType, list[str], dict[tuple, list[str]]]:
        """(version, schema, partition columns, data file URIs by partition values) of the
        table's current snapshot: what a reader of exactly this version must read."""
        delta_table = self._table(table)
        partitions = list(delta_table.metadata().partition_columns)
        return (delta_table.version(), _spark_schema(delta_table), partitions,
                _files_by_partition(delta_table, partitions))

    def history(self, table: str, *, limit: int | None = None) -> list[HistoryEntry]:
        entries = []
        for commit in self._table(table).history(limit):
            # delta-rs commits carry the keys top-level and in userMetadata; delta-spark's only
            # in userMetadata: read both so the history is the same whichever engine wrote it.
            tags = {**commit_tags(commit.get("userMetadata")),
                    **{k: str(v) for k, v in commit.items() if k.startswith("socialake.")}}
            entries.append(
                HistoryEntry(
                    version=int(commit["version"]),
                    timestamp_ms=int(commit.get("timestamp", 0)),
                    operation=str(tags.get(OPERATION_KEY) or commit.get("operation", "")),
                    run_id=tags.get(RUN_ID_KEY),
                    parameters={k: v for k, v in commit.items() if k not in ("version", "timestamp")},
                    metadata=tags,
                )
            )
        return entries

    # --- writes ---------------------------------------------------------------------------
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
        token = uuid.uuid4().hex
        before = self.version(table) if self.exists(table) else None
        writer = (
            rows.write.format(SOURCE_NAME)
            .mode(mode)
            .option("path", self.path(table))
            .option("partition_by", json.dumps(list(partition_by)))
            .option("storage_options", json.dumps(self._storage_options))
            .option("run_id", run_id)
            .option("operation", operation)
            .option("commit_token", token)
            .option("commit_metadata", json.dumps(dict(commit_metadata)))
            .option("read_version", "" if read_version is None else str(read_version))
            .option("expected_rows", "" if expected_rows is None else str(expected_rows))
        )
        try:
            writer.save()
        except Exception as exc:  # the driver-side commit's refusal arrives wrapped by Spark
            text = str(exc)
            for marker, error in ((CONCURRENT_MARKER, ConcurrentWriteError), (CHECK_MARKER, CommitCheckError)):
                if marker in text:
                    line = next(l for l in text.splitlines() if marker in l)
                    raise error(f"{table}: {line.split(marker + ': ', 1)[-1].strip()}") from None
            raise
        return self._committed(table, token, before)

    def _committed(self, table: str, token: str, before: int | None) -> CommitResult:
        """Find our commit by its token (the data source commits in another process)."""
        current = self.version(table)
        if before is not None and current == before:
            return CommitResult(table=table, version=None, rows=0)
        for commit in self._table(table).history(current - (before if before is not None else -1)):
            if commit.get(TOKEN_KEY) == token:
                return CommitResult(table=table, version=int(commit["version"]), rows=int(commit.get(ROWS_KEY, 0)))
        raise LakeError(
            f"the write to {table} finished but its commit is not in the table's history: "
            "another writer may have overwritten it; re-run the job"
        )

    def timestamp_literal(self, moment: datetime) -> str:
        utc = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return f"arrow_cast('{utc}', 'Timestamp(Microsecond, Some(\"UTC\"))')"  # DataFusion SQL

    def delete(self, table: str, predicate: str, *, run_id: str) -> CommitResult:
        delta_table = self._table(table)
        metrics = delta_table.delete(predicate, commit_properties=_properties(run_id, "DELETE"))
        deleted = int(metrics.get("num_deleted_rows", 0) or 0)
        version = delta_table.version() if deleted or metrics.get("num_removed_files") else None
        return CommitResult(table=table, version=version, rows=deleted, metrics=metrics)

    def vacuum(self, table: str, *, retention_hours: int | None = None, run_id: str) -> list[str]:
        hours = self.cfg.vacuum_retention_hours if retention_hours is None else retention_hours
        return self._table(table).vacuum(
            retention_hours=hours,
            dry_run=False,
            enforce_retention_duration=False,
            full=True,
            commit_properties=_properties(run_id, "VACUUM"),
        )

    def optimize(self, table: str, *, run_id: str, zorder_by: Sequence[str] = ()) -> Mapping[str, Any]:
        delta_table = self._table(table)
        if zorder_by:
            return delta_table.optimize.z_order(list(zorder_by), commit_properties=_properties(run_id, "OPTIMIZE"))
        return delta_table.optimize.compact(commit_properties=_properties(run_id, "OPTIMIZE"))

    def update(self, table: str, predicate: str | None, assignments: Mapping[str, str], *, run_id: str) -> CommitResult:
        delta_table = self._table(table)
        metrics = delta_table.update(updates=dict(assignments), predicate=predicate,
                                     commit_properties=_properties(run_id, "UPDATE"))
        updated = int(metrics.get("num_updated_rows", 0) or 0)
        return CommitResult(table=table, version=delta_table.version() if updated else None, rows=updated, metrics=metrics)

    def read_change_feed(self, table: str, *, since_version: int) -> DataFrame:
        """delta-rs reads the feed on the driver (CDC files for deletes and updates, add
        actions for appends): fine for increments, bounded by the driver's memory."""
        import pyarrow as pa

        delta_table = self._table(table)
        if since_version >= delta_table.version():
            return self.spark.createDataFrame([], _change_schema(_spark_schema(delta_table)))
        try:
            changes = pa.table(delta_table.load_cdf(starting_version=since_version + 1).read_all())
        except Exception as exc:
            raise LakeError(f"cannot read {table}'s change feed after version {since_version} ({exc}): "
                            "read the whole table instead") from exc
        schema = _change_schema(_spark_schema(delta_table))
        changes = changes.select(schema.fieldNames())
        return self.spark.createDataFrame(changes.to_pandas(), schema) if changes.num_rows else \
            self.spark.createDataFrame([], schema)


def _properties(run_id: str, operation: str) -> Any:
    """Commit properties carrying the run id and operation (top-level and as userMetadata)."""
    from deltalake import CommitProperties

    tags = {RUN_ID_KEY: run_id, OPERATION_KEY: operation}
    return CommitProperties(custom_metadata={**tags, "userMetadata": json.dumps(tags)})


def _change_schema(schema: StructType) -> StructType:
    from pyspark.sql.types import LongType, StringType, StructField, TimestampType

    extra = dict(zip(CHANGE_COLUMNS, (StringType(), LongType(), TimestampType())))
    return StructType(list(schema.fields) + [StructField(name, dtype, True) for name, dtype in extra.items()])


def _files_by_partition(delta_table: Any, partitions: list[str]) -> dict[tuple, list[str]]:
    """The snapshot's data files grouped by their partition values (as logged)."""
    files = delta_table.file_uris()
    if not partitions:
        return {(): files} if files else {}
    import pyarrow as pa

    actions = pa.table(delta_table.get_add_actions(flatten=True)).to_pydict()
    # Data file names are unique (writers put a UUID in them); the log's paths are URI-encoded.
    uri_by_name = {uri.rsplit("/", 1)[-1]: uri for uri in files}
    grouped: dict[tuple, list[str]] = {}
    for index, logged_path in enumerate(actions["path"]):
        values = tuple(actions[f"partition.{c}"][index] for c in partitions)
        grouped.setdefault(values, []).append(uri_by_name[unquote(logged_path).rsplit("/", 1)[-1]])
    return grouped


def _spark_schema(delta_table: Any) -> StructType:
    """Spark schema of a delta-rs table (through Arrow), keeping nullability."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema

    arrow_schema = pa.schema(delta_table.schema().to_arrow())
    return from_arrow_schema(arrow_schema, prefer_timestamp_ntz=False)


def latest_version(path: str, storage_options: dict[str, str] | None = None) -> int | None:
    """The newest version of the Delta table at `path` (from its log, whichever engine wrote
    it), or None when there is no table there yet. Cheap: lists the log, reads no data."""
    from deltalake import DeltaTable

    if not DeltaTable.is_deltatable(path, storage_options=storage_options or {}):
        return None
    return DeltaTable(path, storage_options=storage_options or {}).version()
