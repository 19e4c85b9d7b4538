"""The cluster Delta engine: delta-spark, used when the Delta jars are on the classpath.

Same contract as the embedded engine. The run id travels in each commit's userMetadata
(spark.databricks.delta.commitInfo.userMetadata) so history() can attribute commits to jobs.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import StructType

from socialake.config import LakeConfig
from socialake.lake.base import CommitResult, HistoryEntry, Lake

USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata"


class DeltaSparkLake(Lake):
    engine_name = "delta-spark"

    def __init__(self, spark: SparkSession, cfg: LakeConfig) -> None:
        super().__init__(spark, cfg)
        from delta.tables import DeltaTable  # the Python half of delta-spark (pure Python)

        self._delta_table = DeltaTable

    def _tagged(self, run_id: str, operation: str, extra: Mapping[str, str] | None = None) -> "_CommitTag":
        payload = {**(extra or {}), "socialake.run_id": run_id, "socialake.operation": operation}
        return _CommitTag(self.spark, json.dumps(payload))

    def exists(self, table: str) -> bool:
        return self._delta_table.isDeltaTable(self.spark, self.path(table))

    def read(self, table: str, *, version: int | None = None) -> DataFrame:
        self.require(table)
        reader = self.spark.read.format("delta")
        if version is not None:
            reader = reader.option("versionAsOf", version)
        return reader.load(self.path(table))

    def schema(self, table: str) -> StructType:
        return self.read(table).schema

    def partition_columns(self, table: str) -> list[str]:
        self.require(table)
        detail = self._delta_table.forPath(self.spark, self.path(table)).detail().collect()[0]
        return list(detail["partitionColumns"])

    def version(self, table: str) -> int:
        return self.history(table, limit=1)[0].version

    def history(self, table: str, *, limit: int | None = None) -> list[HistoryEntry]:
        self.require(table)
        delta_table = self._delta_table.forPath(self.spark, self.path(table))
        rows = (delta_table.history(limit) if limit else delta_table.history()).collect()
        entries = []
        for row in rows:
            meta = _parse_user_metadata(row["userMetadata"])
            entries.append(
                HistoryEntry(
                    version=int(row["version"]),
                    timestamp_ms=int(row["timestamp"].timestamp() * 1000),
                    operation=meta.get("socialake.operation") or row["operation"],
                    run_id=meta.get("socialake.run_id"),
                    parameters=dict(row["operationParameters"] or {}) | {"operationMetrics": dict(row["operationMetrics"] or {})},
                    metadata={k: str(v) for k, v in meta.items() if k.startswith("socialake.")},
                )
            )
        return entries

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
    ) -> CommitResult:
        before = self.version(table) if self.exists(table) else None
        writer = rows.write.format("delta").mode(mode)
        if partition_by:
            writer = writer.partitionBy(*partition_by)
        with self._tagged(run_id, operation, commit_metadata):
            writer.save(self.path(table))
        latest = self.history(table, limit=1)[0]
        if before is not None and latest.version == before:
            return CommitResult(table=table, version=None, rows=0)
        metrics = latest.parameters.get("operationMetrics", {})
        return CommitResult(table=table, version=latest.version, rows=int(metrics.get("numOutputRows", 0)), metrics=metrics)

    def timestamp_literal(self, moment: datetime) -> str:
        return f"TIMESTAMP '{moment.astimezone(timezone.utc).strftime('%Y-%m-%d %H:%M:%S.%f')}+00:00'"

    def delete(self, table: str, predicate: str, *, run_id: str) -> CommitResult:
        self.require(table)
        with self._tagged(run_id, "DELETE"):
            self._delta_table.forPath(self.spark, self.path(table)).delete(predicate)
        latest = self.history(table, limit=1)[0]
        metrics = latest.parameters.get("operationMetrics", {})
        return CommitResult(table=table, version=latest.version, rows=int(metrics.get("numDeletedRows", 0)), metrics=metrics)

    def vacuum(self, table: str, *, retention_hours: int | None = None, run_id: str) -> list[str]:
        self.require(table)
        hours = self.cfg.vacuum_retention_hours if retention_hours is None else retention_hours
        check = "spark.databricks.delta.retentionDurationCheck.enabled"
        previous = self.spark.conf.get(check, "true")
        self.spark.conf.set(check, "false")
        try:
            with self._tagged(run_id, "VACUUM"):
                self._delta_table.forPath(self.spark, self.path(table)).vacuum(hours)
        finally:
            self.spark.conf.set(check, previous)
        return []  # delta-spark does not return the list of removed files

    def optimize(self, table: str, *, run_id: str) -> Mapping[str, Any]:
        self.require(table)
        with self._tagged(run_id, "OPTIMIZE"):
            result = self._delta_table.forPath(self.spark, self.path(table)).optimize().executeCompaction()
        return result.collect()[0].asDict(recursive=True)


class _CommitTag:
    """Sets the commit's userMetadata for the duration of one operation."""

    def __init__(self, spark: SparkSession, value: str) -> None:
        self.spark, self.value = spark, value

    def __enter__(self) -> None:
        self.spark.conf.set(USER_METADATA, self.value)

    def __exit__(self, *exc: object) -> None:
        self.spark.conf.unset(USER_METADATA)


def _parse_user_metadata(value: str | None) -> dict[str, Any]:
    try:
        return json.loads(value) if value else {}
    except ValueError:
        return {}
