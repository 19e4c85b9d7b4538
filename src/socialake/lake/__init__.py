"""Delta tables by name, behind one interface with an embedded and a cluster engine."""

from __future__ import annotations

from pyspark.sql import SparkSession

from socialake.config import Config
from socialake.lake.base import (
    CommitResult,
    ConcurrentWriteError,
    HistoryEntry,
    Lake,
    LakeError,
    TableNotFoundError,
    spark_to_arrow_schema,
    table_path,
)
from socialake.session import engines_for

__all__ = ["CommitResult", "ConcurrentWriteError", "HistoryEntry", "Lake", "LakeError", "TableNotFoundError", "open_lake",
           "spark_to_arrow_schema", "table_path"]


def open_lake(spark: SparkSession, cfg: Config) -> Lake:
    """The lake for this session: delta-spark when chosen (jars present and lake.engine allows
    it), otherwise the embedded delta-rs engine."""
    if engines_for(spark, cfg).lake == "delta-spark":
        from socialake.lake.delta_spark import DeltaSparkLake

        return DeltaSparkLake(spark, cfg.lake)
    from socialake.lake.embedded import EmbeddedLake

    return EmbeddedLake(spark, cfg.lake)
