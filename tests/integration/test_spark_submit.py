"""The jobs/ entry points under a real spark-submit: the session joins spark-submit's JVM
(PYSPARK_GATEWAY_PORT) instead of launching its own, and the master comes from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]


@pytest.mark.slow
def test_bronze_job_runs_under_spark_submit(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    rows = [{"id": f"c{i}", "name": f"t1_c{i}", "body": f"comment {i}", "author": "ann", "subreddit": "x",
             "link_id": "t3_l", "parent_id": "t3_l", "created_utc": 1767225600 + i} for i in range(3)]
    (landing / "dump.ndjson").write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")
    spark_submit = Path(sys.executable).parent / "spark-submit"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable,
               SPARK_LOCAL_IP="127.0.0.1", SOCIALAKE_CONF_DIR=str(REPO / "conf"))

    done = subprocess.run(
        [str(spark_submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
         str(REPO / "jobs" / "bronze_ingest.py"), "--env", "cluster", "--lake-root", str(tmp_path / "lake"),
         "--input", str(landing)],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    assert "reconciled: 4 = 3 + 1 + 0  OK" in done.stdout
    assert (tmp_path / "lake" / "bronze" / "posts" / "_delta_log").is_dir()
