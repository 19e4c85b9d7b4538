"""Fixtures shared by the integration modules: one gold run over generated sample data, built
once per test run (it costs minutes) and read by the gold, serving and dashboard tests."""

from __future__ import annotations

import pytest

from socialake.bronze import ingest
from socialake.gold import runner
from socialake.lake.embedded import EmbeddedLake
from socialake.sample import CSV_COLUMN_MAPPING, generate
from socialake.silver import job as silver_job
from socialake.silver.pseudonymise import PseudonymKey

GOLD_KEY = PseudonymKey(b"gold-integration-secret-0123456789abcdef")


@pytest.fixture(scope="session")
def gold_run(spark, cfg, tmp_path_factory):
    sample = tmp_path_factory.mktemp("gold_sample")
    generate(sample, 6000, 5)
    root = tmp_path_factory.mktemp("gold_lake")
    run_cfg = cfg.model_copy(update={
        "lake": cfg.lake.model_copy(update={"root": str(root)}),
        "ingest": cfg.ingest.model_copy(update={"column_mapping": dict(CSV_COLUMN_MAPPING)})})
    lake = EmbeddedLake(spark, run_cfg.lake)
    ingest.run(spark, run_cfg, lake, inputs=[(sample / "landing").as_uri()], run_id="bronze-1")
    silver_job.run(spark, run_cfg, lake, run_id="silver-1", key=GOLD_KEY)
    report = runner.run(spark, run_cfg, lake, run_id="gold-1")
    return run_cfg, lake, report, sample
