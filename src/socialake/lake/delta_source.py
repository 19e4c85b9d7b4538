"""A Spark Python Data Source that writes Delta tables with delta-rs.

Executors write Parquet files straight into the table directory (one file per task and
partition value) and return Delta `add` actions; the driver commits all of them as ONE Delta
transaction with `deltalake`, carrying the job's run id and a commit token in the commit info.
Files from failed or speculative task attempts are never committed (Spark only hands the
successful tasks' messages to `commit`); `abort` deletes what a failed job wrote, and
vacuum removes any leftovers.

Options: path, mode-independent settings as JSON strings (partition_by, storage_options),
run_id, operation, commit_token; optional conditions read_version (commit only on top of that
version, -1: only as the table's creation) and expected_rows (commit only that many rows),
checked on the driver before anything is committed.
"""

from __future__ import annotations

import json
import math
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyspark.sql.datasource import DataSource, DataSourceArrowWriter, WriterCommitMessage
from pyspark.sql.types import StructType

from socialake.lake.base import spark_to_arrow_schema
from socialake.lake.protocol import CDF_PROPERTY, CHECK_MARKER, CONCURRENT_MARKER, NEW_TABLE

SOURCE_NAME = "socialake_delta"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
_SAFE_PARTITION_CHARS = "-_.~"
_STATS_TYPES = (pa.types.is_integer, pa.types.is_floating, pa.types.is_timestamp, pa.types.is_date)


@dataclass
class DeltaFilesMessage(WriterCommitMessage):
    """The add actions (as plain dicts) of the files one task wrote."""

    actions: list[dict[str, Any]]


class DeltaDataSource(DataSource):
    @classmethod
    def name(cls) -> str:
        return SOURCE_NAME

    def writer(self, schema: StructType, overwrite: bool) -> "DeltaArrowWriter":
        return DeltaArrowWriter(self.options, schema, overwrite)


class DeltaArrowWriter(DataSourceArrowWriter):
    def __init__(self, options: Any, schema: StructType, overwrite: bool) -> None:
        self.table_uri = options["path"]
        self.partition_by: list[str] = json.loads(options.get("partition_by", "[]"))
        self.storage_options: dict[str, str] = json.loads(options.get("storage_options", "{}"))
        self.run_id = options.get("run_id", "")
        self.operation = options.get("operation", "WRITE")
        self.commit_token = options.get("commit_token", "")
        self.commit_metadata: dict[str, str] = json.loads(options.get("commit_metadata", "{}"))
        self.read_version = int(options["read_version"]) if options.get("read_version", "") != "" else None
        self.expected_rows = int(options["expected_rows"]) if options.get("expected_rows", "") != "" else None
        self.overwrite = overwrite
        self.arrow_schema = spark_to_arrow_schema(schema)

    # --- executors ----------------------------------------------------------------------
    def write(self, iterator: Iterator[pa.RecordBatch]) -> DeltaFilesMessage:
        from pyspark import TaskContext

        task = TaskContext.get()
        task_tag = f"{task.partitionId():05d}-{task.attemptNumber()}" if task else "00000-0"
        data_fields = [f for f in self.arrow_schema if f.name not in self.partition_by]
        data_schema = pa.schema(data_fields)
        filesystem, root = _filesystem(self.table_uri, self.storage_options)
        open_files: dict[tuple, tuple[pq.ParquetWriter, str, dict[str, str | None]]] = {}
        counts: dict[tuple, list[pa.Table]] = {}
        try:
            for batch in iterator:
                if batch.num_rows == 0:
                    continue
                table = pa.Table.from_batches([batch]).cast(self.arrow_schema)
                for key, values, part in self._split_by_partition(table):
                    if key not in open_files:
                        relative = _relative_dir(self.partition_by, values)
                        name = f"{relative}part-{task_tag}-{uuid.uuid4()}.c000.snappy.parquet"
                        filesystem.create_dir(f"{root}/{relative}".rstrip("/"), recursive=True)
                        sink = filesystem.open_output_stream(f"{root}/{name}")
                        writer = pq.ParquetWriter(sink, data_schema, compression="snappy")
                        open_files[key] = (writer, name, values)
                        counts[key] = []
                    data = part.select([f.name for f in data_fields])
                    open_files[key][0].write_table(data)
                    counts[key].append(_column_stats_table(data))
        finally:
            for writer, _, _ in open_files.values():
                writer.close()
        actions = []
        for key, (_, name, values) in open_files.items():
            info = filesystem.get_file_info(f"{root}/{name}")
            actions.append(
                {
                    "path": name,  # delta-rs URI-encodes it in the log itself
                    "size": info.size,
                    "partition_values": values,
                    "modification_time": int(time.time() * 1000),
                    "data_change": True,
                    "stats": json.dumps(_merge_stats(counts[key])),
                }
            )
        return DeltaFilesMessage(actions=actions)

    def _split_by_partition(self, table: pa.Table) -> Iterator[tuple[tuple, dict[str, str | None], pa.Table]]:
        if not self.partition_by:
            yield (), {}, table
            return
        keys = table.select(self.partition_by).group_by(self.partition_by).aggregate([])
        for row in keys.to_pylist():
            mask = None
            for column in self.partition_by:
                value = row[column]
                cond = pc.is_null(table[column]) if value is None else pc.equal(table[column], value)
                mask = cond if mask is None else pc.and_(mask, cond)
            values = {c: _partition_string(row[c]) for c in self.partition_by}
            yield tuple(values[c] for c in self.partition_by), values, table.filter(mask)

    # --- driver -------------------------------------------------------------------------
    def commit(self, messages: list[DeltaFilesMessage | None]) -> None:
        from deltalake import CommitProperties, DeltaTable
        from deltalake.exceptions import CommitFailedError
        from deltalake.schema import Schema
        from deltalake.transaction import AddAction, create_table_with_add_actions

        actions = [AddAction(**a) for m in messages if m is not None for a in m.actions]
        rows = sum(json.loads(a.stats)["numRecords"] for a in actions)
        if self.expected_rows is not None and rows != self.expected_rows:
            self.abort(messages)
            raise RuntimeError(f"{CHECK_MARKER}: {rows:,} rows were staged for {self.table_uri} but "
                               f"{self.expected_rows:,} were counted beforehand; nothing was committed")
        tags = {
            **self.commit_metadata,
            "socialake.run_id": self.run_id,
            "socialake.operation": self.operation,
            "socialake.rows": str(rows),
            "socialake.commit_token": self.commit_token,
        }
        # The keys twice: top-level for delta-rs readers, and as the commit's userMetadata,
        # which is where delta-spark (and Spark SQL's DESCRIBE HISTORY) shows them.
        strict = self.read_version is not None
        properties = CommitProperties(custom_metadata={**tags, "userMetadata": json.dumps(tags)},
                                      max_commit_retries=0 if strict else None)
        delta_schema = Schema.from_arrow(self.arrow_schema)
        exists = DeltaTable.is_deltatable(self.table_uri, storage_options=self.storage_options)
        if exists and self.read_version == NEW_TABLE:
            self._refuse(messages, "was created by another writer while this one prepared its rows")
        if not exists:
            if strict and self.read_version != NEW_TABLE:
                self._refuse(messages, "disappeared while this writer prepared its rows")
            try:
                create_table_with_add_actions(
                    self.table_uri,
                    delta_schema,
                    actions,
                    mode="error",
                    partition_by=self.partition_by or None,
                    configuration={CDF_PROPERTY: "true"},
                    storage_options=self.storage_options,
                    commit_properties=properties,
                )
                return
            except Exception as exc:  # another creator committed version 0 first
                if not DeltaTable.is_deltatable(self.table_uri, storage_options=self.storage_options):
                    raise
                if strict:
                    self._refuse(messages, f"was created by another writer at the same time ({exc})")
                # a plain append (e.g. two jobs' quality results): append to the table the other made
        if not actions and not self.overwrite:
            return  # nothing new: no empty commit in the history
        table = DeltaTable(self.table_uri, version=self.read_version if strict else None,
                           storage_options=self.storage_options)
        try:
            table.create_write_transaction(
                actions,
                mode="overwrite" if self.overwrite else "append",
                schema=delta_schema,
                partition_by=self.partition_by or None,
                commit_properties=properties,
            )
        except CommitFailedError as exc:
            if strict:
                self._refuse(messages, f"received a commit from another writer after version {self.read_version} ({exc})")
            raise

    def _refuse(self, messages: list[DeltaFilesMessage | None], why: str) -> None:
        self.abort(messages)
        raise RuntimeError(f"{CONCURRENT_MARKER}: {self.table_uri} {why}; nothing of this write was committed, retry it")

    def abort(self, messages: list[DeltaFilesMessage | None]) -> None:
        filesystem, root = _filesystem(self.table_uri, self.storage_options)
        for message in messages:
            for action in (message.actions if message else []):
                try:
                    filesystem.delete_file(f"{root}/{action['path']}")
                except OSError:
                    pass  # already gone; vacuum removes anything left


def _filesystem(uri: str, storage_options: dict[str, str]) -> tuple[Any, str]:
    """pyarrow filesystem and root path for a table URI (local path, file://, s3a://, ...)."""
    from pyarrow import fs

    if "://" not in uri:
        local = fs.LocalFileSystem()
        return local, uri.rstrip("/")
    normalised = uri.replace("s3a://", "s3://", 1)
    filesystem, path = fs.FileSystem.from_uri(normalised)
    return filesystem, path.rstrip("/")


def _partition_string(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def _relative_dir(partition_by: list[str], values: dict[str, str | None]) -> str:
    parts = []
    for column in partition_by:
        value = values[column]
        shown = HIVE_NULL if value is None else urllib.parse.quote(value, safe=_SAFE_PARTITION_CHARS)
        parts.append(f"{column}={shown}/")
    return "".join(parts)


def _column_stats_table(data: pa.Table) -> dict[str, Any]:
    """numRecords, nullCount and (for numbers, dates and timestamps) min/max of one chunk."""
    stats: dict[str, Any] = {"numRecords": data.num_rows, "minValues": {}, "maxValues": {}, "nullCount": {}}
    for field_ in data.schema:
        column = data[field_.name]
        if pa.types.is_struct(field_.type) or pa.types.is_list(field_.type) or pa.types.is_map(field_.type):
            continue
        stats["nullCount"][field_.name] = column.null_count
        if any(check(field_.type) for check in _STATS_TYPES) and column.null_count < len(column):
            bounds = pc.min_max(column)
            stats["minValues"][field_.name] = bounds["min"].as_py()
            stats["maxValues"][field_.name] = bounds["max"].as_py()
    return stats


def _merge_stats(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {"numRecords": 0, "minValues": {}, "maxValues": {}, "nullCount": {}}
    for chunk in chunks:
        merged["numRecords"] += chunk["numRecords"]
        for name, count in chunk["nullCount"].items():
            merged["nullCount"][name] = merged["nullCount"].get(name, 0) + count
        for name, value in chunk["minValues"].items():
            current = merged["minValues"].get(name)
            merged["minValues"][name] = value if current is None else min(current, value)
        for name, value in chunk["maxValues"].items():
            current = merged["maxValues"].get(name)
            merged["maxValues"][name] = value if current is None else max(current, value)
    for side, round_up in (("minValues", False), ("maxValues", True)):
        values = {k: _json_value(v, round_up=round_up) for k, v in merged[side].items()}
        merged[side] = {k: v for k, v in values.items() if v is not None}
    return merged


def _json_value(value: Any, *, round_up: bool) -> Any:
    """A min/max statistic as Delta writes it, or None when it cannot be written exactly
    (a max at the last representable microsecond, NaN or infinity): the statistic is then left
    out, which only means readers cannot skip the file."""
    if hasattr(value, "hour"):
        # Delta stats hold timestamps to the millisecond; a max rounded down would let a
        # reader skip a file that holds the value, so the max is rounded up.
        if round_up and value.microsecond % 1000:
            try:
                value = value + timedelta(microseconds=1000 - value.microsecond % 1000)
            except OverflowError:   # 9999-12-31T23:59:59.999xxx, a platform's "never"
                return None
        return (f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:"
                f"{value.second:02d}.{value.microsecond // 1000:03d}Z")
    if hasattr(value, "isoformat"):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
