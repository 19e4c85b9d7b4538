"""A real Spark standalone cluster (one master, two workers on 127.0.0.1, from the pip-installed
pyspark): ingest, silver and gold spark-submitted as one application (jobs/pipeline.py) with the
package shipped to the executors and the Delta jars on, against the same pipeline run locally by
`socialake run` on the same input.

Expected, independently of either run: the same rows by key in every bronze and silver table
and in gold's per-post tables; deterministic outputs equal (VADER sentiment labels, the star
schema's post keys); the seeded LDA fits on rows laid out by a hash of their text, so its
dominant topics agree with the local run to NMI >= 0.99 (float sums may break a tie otherwise).
Both runs use the test profile (2 shuffle partitions; under spark-submit its master is ignored).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from deltalake import DeltaTable

REPO = Path(__file__).parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import local_cluster  # noqa: E402

POSTS = 1000
KEYED = {
    "bronze/posts": ["payload_sha256"],
    "bronze/quarantine": ["quarantine_id"],
    "silver/posts": ["post_key"],
    "silver/edges": ["src", "dst", "kind", "post_key"],
    "silver/tombstones": ["post_key"],
    "gold/post_sentiment": ["post_key", "sentiment_label"],
    "gold/fact_posts": ["post_key", "sentiment_label"],
    "gold/post_embeddings": ["post_key"],
}


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, SOCIALAKE_PSEUDONYM_SECRET="cluster-test-secret-0123456789abcdef",
                SOCIALAKE__GOLD__SENTIMENT__MODEL="vader", SOCIALAKE__TRACKING__URI=f"sqlite:///{tmp_path}/mlflow.db",
                SOCIALAKE_CONF_DIR=str(REPO / "conf"), SOCIALAKE_SPARK_LOG_LEVEL="ERROR",
                PYSPARK_PYTHON=sys.executable)


def _rows(lake: Path, table: str, columns: list[str]) -> list[tuple]:
    path = lake / table
    if not (path / "_delta_log").is_dir():
        return []
    data = DeltaTable(str(path)).to_pyarrow_table(columns=[c for c in columns if c])
    return sorted(zip(*(data.column(c).to_pylist() for c in columns)), key=repr)


def _engine_of(lake: Path, table: str) -> str:
    log = sorted((lake / table / "_delta_log").glob("*.json"))[0]
    commit = next(json.loads(l)["commitInfo"] for l in log.read_text().splitlines() if "commitInfo" in l)
    return commit.get("engineInfo", "")


@pytest.mark.slow
@pytest.mark.cluster
# Two drivers and the cluster's JVMs, each stage run twice with its quality checks: 13.6 min
# measured on a 2-core machine with one JVM per stage, over the suite's 15 min default.
@pytest.mark.timeout(1800)
def test_pipeline_on_a_two_worker_standalone_cluster_equals_a_local_run(delta_jars, tmp_path):
    env = _env(tmp_path)
    sample, local_lake, cluster_lake = tmp_path / "sample", tmp_path / "local-lake", tmp_path / "cluster-lake"
    subprocess.run([sys.executable, "-m", "socialake.cli", "generate", "--out", str(sample), "--posts", str(POSTS)],
                   check=True, env=env, capture_output=True)
    # The local reference: `socialake run`, the three stages in one session.
    done = subprocess.run([sys.executable, "-m", "socialake.cli", "run", "--env", "test", "--lake-root",
                           str(local_lake), "--input", str(sample)], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]

    cluster_dir = tmp_path / "cluster"
    old_env = dict(os.environ)
    os.environ.update(env)
    try:
        state = local_cluster.start(cluster_dir, workers=2, cores=1, memory="2g")
        assert local_cluster._alive_workers(state["web_port"]) == 2
        code = local_cluster.main(["pipeline", "--dir", str(cluster_dir), "--input", str(sample),
                                   "--lake-root", str(cluster_lake), "--env", "test", "--executor-memory", "1g",
                                   "--", ])
    finally:
        if (cluster_dir / "cluster.json").exists():
            local_cluster.stop(cluster_dir)
        os.environ.clear()
        os.environ.update(old_env)
    assert code == 0
    # The executors ran on the workers (their work dirs hold the application's logs).
    assert list(cluster_dir.glob("worker-0/app-*")) and list(cluster_dir.glob("worker-1/app-*"))
    assert "Delta-Lake" in _engine_of(cluster_lake, "bronze/posts")
    assert "Delta-Lake" in _engine_of(cluster_lake, "gold/fact_posts")

    for table, columns in KEYED.items():
        local_rows, cluster_rows = _rows(local_lake, table, columns), _rows(cluster_lake, table, columns)
        assert local_rows == cluster_rows, f"{table}: {len(local_rows)} local rows vs {len(cluster_rows)} on the cluster"
    assert len(_rows(local_lake, "silver/posts", ["post_key"])) > POSTS * 0.8

    from sklearn.metrics import normalized_mutual_info_score

    local_topics = dict(_rows(local_lake, "gold/post_topics", ["post_key", "topic_id"]))
    cluster_topics = dict(_rows(cluster_lake, "gold/post_topics", ["post_key", "topic_id"]))
    assert local_topics.keys() == cluster_topics.keys()
    keys = sorted(local_topics)
    agreement = normalized_mutual_info_score([local_topics[k] for k in keys], [cluster_topics[k] for k in keys])
    assert agreement >= 0.99, f"dominant topics agree to NMI {agreement:.3f} only"
