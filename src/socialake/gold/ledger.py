"""ops.runs, the run ledger: one row per job run and one per product in it (succeeded, failed or
skipped), with the input versions read, the versions written and their row counts, the config
fingerprint, the model versions used, metrics, MLflow run id and timings. The runner decides
"already done" and "resume after a crash" from it; people read it to see what ran on what.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Mapping

from pyspark.sql import functions as F
from pyspark.sql.window import Window

from socialake import catalog
from socialake.lake import Lake

OPS_RUNS = "ops.runs"
JOB_ROW = "*"   # the product column of a job's own row
SUCCEEDED, FAILED, SKIPPED = "succeeded", "failed", "skipped"


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


@dataclass(frozen=True)
class LedgerRow:
    run_id: str
    job: str
    product: str
    status: str
    started_at: float
    finished_at: float
    inputs: Mapping[str, int]
    config_hash: str | None = None
    model_versions: Mapping[str, str] = field(default_factory=dict)
    model_labels: Mapping[str, str] = field(default_factory=dict)
    outputs: Mapping[str, tuple[int | None, int]] = field(default_factory=dict)
    metrics: Mapping[str, float] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    mlflow_run_id: str | None = None
    note: str | None = None

    @classmethod
    def succeeded(cls, run_id: str, job: str, product: str, inputs: Mapping[str, int], config_hash: str,
                  model_versions: Mapping[str, str], mlflow_run_id: str, *, started_at: float,
                  outputs: Mapping[str, tuple[int | None, int]], metrics: Mapping[str, float],
                  labels: Mapping[str, str], params: Mapping[str, str], files: list[str],
                  note: str | None = None) -> "LedgerRow":
        return cls(run_id, job, product, SUCCEEDED, started_at, time.time(), dict(inputs), config_hash,
                   dict(model_versions), dict(labels), dict(outputs), dict(metrics), dict(params), tuple(files),
                   mlflow_run_id, note)

    @classmethod
    def skipped(cls, run_id: str, job: str, product: str, inputs: Mapping[str, int], config_hash: str,
                model_versions: Mapping[str, str], mlflow_run_id: str, *, note: str) -> "LedgerRow":
        now = time.time()
        return cls(run_id, job, product, SKIPPED, now, now, dict(inputs), config_hash, dict(model_versions),
                   mlflow_run_id=mlflow_run_id, note=note)

    @classmethod
    def failed(cls, run_id: str, job: str, product: str, inputs: Mapping[str, int], config_hash: str,
               mlflow_run_id: str, *, started_at: float, error: BaseException) -> "LedgerRow":
        from socialake.quality.validate import redact_message   # Spark quotes row values in some errors

        message = redact_message(f"{type(error).__name__}: {error}".splitlines()[0])[:500]
        return cls(run_id, job, product, FAILED, started_at, time.time(), dict(inputs), config_hash,
                   mlflow_run_id=mlflow_run_id, note=message)

    @classmethod
    def for_job(cls, run_id: str, job: str, inputs: Mapping[str, int], mlflow_run_id: str, *, started_at: float,
            products: list[str]) -> "LedgerRow":
        return cls(run_id, job, JOB_ROW, SUCCEEDED, started_at, time.time(), dict(inputs),
                   mlflow_run_id=mlflow_run_id, note="products: " + ", ".join(products))

    def as_tuple(self) -> tuple:
        return (self.run_id, self.job, self.product, self.status, _moment(self.started_at), _moment(self.finished_at),
                round(self.finished_at - self.started_at, 3),
                [(t, int(v)) for t, v in sorted(self.inputs.items())],
                [(t, v, int(n)) for t, (v, n) in sorted(self.outputs.items())],
                self.config_hash,
                [(k, self.model_versions.get(k, ""), self.model_labels.get(k, "")) for k in sorted(self.model_versions)],
                [(k, float(v)) for k, v in sorted(self.metrics.items())],
                [(k, v) for k, v in sorted(self.params.items())],
                list(self.files), self.mlflow_run_id, self.note)


class Ledger:
    def __init__(self, lake: Lake) -> None:
        self.lake = lake

    def append(self, row: LedgerRow) -> None:
        frame = self.lake.spark.createDataFrame([row.as_tuple()], catalog.table(OPS_RUNS).schema)
        self.lake.write(OPS_RUNS, frame, mode="append", run_id=row.run_id, operation="LEDGER")

    def latest_successes(self, job: str) -> dict[str, LedgerRow]:
        """product -> its most recent succeeded row for `job`."""
        if not self.lake.exists(OPS_RUNS):
            return {}
        newest = Window.partitionBy("product").orderBy(F.desc("finished_at"))
        rows = (self.lake.read(OPS_RUNS).where((F.col("job") == job) & (F.col("status") == SUCCEEDED)
                                               & (F.col("product") != JOB_ROW))
                .withColumn("_newest", F.row_number().over(newest)).where("_newest = 1").collect())
        latest: dict[str, LedgerRow] = {}
        for r in rows:
            latest[r.product] = LedgerRow(
                r.run_id, r.job, r.product, r.status, r.started_at.timestamp(), r.finished_at.timestamp(),
                {i.table_name: i.version for i in r.inputs}, r.config_hash,
                {m.kind: m.version for m in r.models}, {m.kind: m.label for m in r.models},
                {o.table_name: (o.version, o.rows) for o in r.outputs}, {m.name: m.value for m in r.metrics},
                {p.name: p.value for p in r.params}, tuple(r.files), r.mlflow_run_id, r.note)
        return latest
