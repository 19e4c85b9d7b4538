"""Silver end to end on generated sample data, checked against the generator's planted truth."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType

from socialake.bronze import ingest
from socialake.lake.embedded import EmbeddedLake
from socialake.sample import CSV_COLUMN_MAPPING, generate
from socialake.schemas import PSEUDONYM_PATTERN, SILVER_EDGES, SILVER_POSTS, SILVER_TOMBSTONES
from socialake.silver import job as silver_job
from socialake.silver.pseudonymise import PseudonymKey

pytestmark = pytest.mark.slow
KEY = PseudonymKey(b"integration-test-secret-0123456789abcdef")
LINEAGE = ["bronze_version", "silver_run_id"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out, 2000, 11)
    return out


@pytest.fixture(scope="module")
def sample_cfg(cfg):
    return cfg.model_copy(update={"ingest": cfg.ingest.model_copy(update={"column_mapping": dict(CSV_COLUMN_MAPPING)})})


def lake_at(spark, cfg, root: Path) -> EmbeddedLake:
    return EmbeddedLake(spark, cfg.lake.model_copy(update={"root": str(root)}))


@pytest.fixture(scope="module")
def silver_lake(spark, sample_cfg, sample, tmp_path_factory):
    lake = lake_at(spark, sample_cfg, tmp_path_factory.mktemp("silver_lake"))
    ingest.run(spark, sample_cfg, lake, inputs=[(sample / "landing").as_uri()], run_id="bronze-1")
    report = silver_job.run(spark, sample_cfg, lake, run_id="silver-1", key=KEY)
    return lake, report


def string_values(frame) -> list[str]:
    """Every string, and every string inside an array of strings, of a DataFrame."""
    columns = []
    for field in frame.schema.fields:
        if isinstance(field.dataType, StringType):
            columns.append(F.array(F.col(field.name)))
        elif isinstance(field.dataType, ArrayType) and isinstance(field.dataType.elementType, StringType):
            columns.append(F.col(field.name))
    exploded = frame.select(F.explode(F.flatten(F.array(*[F.coalesce(c, F.array().cast("array<string>")) for c in columns]))).alias("v"))
    return [r.v for r in exploded.where(F.col("v").isNotNull()).distinct().collect()]


def test_no_raw_identity_or_pii_anywhere_in_silver(silver_lake, sample):
    lake, _ = silver_lake
    values = string_values(lake.read(SILVER_POSTS)) + string_values(lake.read(SILVER_EDGES)) \
        + string_values(lake.read(SILVER_TOMBSTONES))
    blob = "\n".join(values)
    authors = pq.read_table(sample / "truth" / "authors.parquet").to_pylist()
    truth = pq.read_table(sample / "truth" / "posts.parquet").to_pylist()

    leaked_handles = [a["handle"] for a in authors
                      if re.search(rf"(?<![\w]){re.escape(a['handle'])}(?![\w])", blob, re.IGNORECASE)]
    leaked_ids = [a["author_id"] for a in authors if len(a["author_id"]) >= 6 and a["author_id"] in blob]
    planted = [span["value"] for post in truth for span in json.loads(post["pii_spans"])]
    leaked_pii = [value for value in planted if value in blob]

    assert planted, "the sample should contain planted PII"
    assert leaked_handles == [] and leaked_ids == [] and leaked_pii == []
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", blob), "an email address survived"


def test_pseudonyms_have_the_documented_form(silver_lake):
    lake, _ = silver_lake
    posts = lake.read(SILVER_POSTS)
    bad = posts.where(F.col("author_pseudonym").isNotNull() & ~F.col("author_pseudonym").rlike(PSEUDONYM_PATTERN))
    assert bad.count() == 0
    edges = lake.read(SILVER_EDGES)
    assert edges.where(~F.col("src").rlike(PSEUDONYM_PATTERN) | ~F.col("dst").rlike(PSEUDONYM_PATTERN)).count() == 0


def test_one_row_per_post_deletions_gone_newest_edit_wins(silver_lake, sample):
    lake, report = silver_lake
    posts = lake.read(SILVER_POSTS)
    truth = pq.read_table(sample / "truth" / "posts.parquet").to_pylist()

    assert posts.count() == posts.select("post_key").distinct().count() == report.posts
    live = {r.post_key for r in posts.select("post_key").collect()}
    deleted = {f"{t['platform']}:{t['post_id']}" for t in truth if t["event_type"] == "delete"}
    assert deleted and not (deleted & live)
    # Mastodon and Reddit edits re-emit the same id with new text: silver must hold the edit.
    edits = {f"{t['platform']}:{t['post_id']}": t for t in truth
             if t["event_type"] == "edit" and t["platform"] in ("mastodon", "reddit")}
    by_key = {r.post_key: r for r in posts.where(F.col("post_key").isin(list(edits))).collect()}
    assert len(by_key) >= len(edits) * 0.9  # a few edited posts are later deleted
    for post_key, row in by_key.items():
        assert row.versions_seen >= 2, post_key
        assert row.edited_at is not None, post_key


def test_near_duplicate_recall_on_planted_clusters(silver_lake, sample):
    lake, _ = silver_lake
    truth = pq.read_table(sample / "truth" / "posts.parquet").to_pylist()
    clusters = {r.post_key: r.near_dup_cluster for r in lake.read(SILVER_POSTS).select("post_key", "near_dup_cluster").collect()}
    planted: dict[str, list[str]] = {}
    for t in truth:
        cluster = t["near_dup_cluster"] or t["dup_cluster"]
        key = f"{t['platform']}:{t['post_id']}"
        if cluster and t["event_type"] == "post" and key in clusters:
            planted.setdefault(cluster, []).append(key)
    pairs = [(a, b) for members in planted.values() for i, a in enumerate(members) for b in members[i + 1:]]
    found = sum(1 for a, b in pairs if clusters[a] is not None and clusters[a] == clusters[b])

    assert len(pairs) >= 20
    assert found / len(pairs) >= 0.9


def test_running_again_on_the_same_bronze_changes_nothing(spark, sample_cfg, silver_lake):
    lake, _ = silver_lake
    versions = [lake.version(t) for t in (SILVER_POSTS, SILVER_EDGES, SILVER_TOMBSTONES)]

    again = silver_job.run(spark, sample_cfg, lake, run_id="silver-2", key=KEY)

    assert not again.changed
    assert [lake.version(t) for t in (SILVER_POSTS, SILVER_EDGES, SILVER_TOMBSTONES)] == versions


def test_same_bronze_gives_the_same_silver_incrementally_or_at_once(spark, sample_cfg, sample, silver_lake, tmp_path):
    lake, _ = silver_lake
    landing = sample / "landing"
    first_half, second_half = tmp_path / "a", tmp_path / "b"
    for target, formats in ((first_half, ("x_v2", "csv", "jetstream")), (second_half, ("x_v1.1", "pushshift", "mastodon"))):
        for fmt in formats:
            shutil.copytree(landing / fmt, target / fmt)
    incremental = lake_at(spark, sample_cfg, tmp_path / "lake")
    ingest.run(spark, sample_cfg, incremental, inputs=[first_half.as_uri()], run_id="b1")
    silver_job.run(spark, sample_cfg, incremental, run_id="s1", key=KEY)
    ingest.run(spark, sample_cfg, incremental, inputs=[second_half.as_uri()], run_id="b2")
    report = silver_job.run(spark, sample_cfg, incremental, run_id="s2", key=KEY)

    assert report.previous_bronze_version == 0 and report.bronze_version == 1
    columns = [c for c in lake.read(SILVER_POSTS).columns if c not in LINEAGE]
    at_once = lake.read(SILVER_POSTS).select(*columns)
    in_two_steps = incremental.read(SILVER_POSTS).select(*columns)
    assert at_once.exceptAll(in_two_steps).count() == 0 and in_two_steps.exceptAll(at_once).count() == 0


def test_a_changed_key_is_refused(spark, sample_cfg, silver_lake):
    from socialake.config import ConfigError

    lake, _ = silver_lake
    with pytest.raises(ConfigError, match="pseudonymisation key changed"):
        silver_job.run(spark, sample_cfg, lake, run_id="x", key=PseudonymKey(b"another-secret-0123456789abcdef0"))
