"""Erasure and retention: gone from every layer, every readable version and every file on disk."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.sql import functions as F

from socialake.bronze import ingest
from socialake.lake import LakeError
from socialake.lake.embedded import EmbeddedLake
from socialake.privacy import ERASED, apply_retention, erase_subject, subject_pseudonyms
from socialake.sample import CSV_COLUMN_MAPPING, generate
from socialake.schemas import BRONZE_POSTS, SILVER_EDGES, SILVER_POSTS
from socialake.silver import job as silver_job
from socialake.silver.pseudonymise import PseudonymKey

pytestmark = pytest.mark.slow
KEY = PseudonymKey(b"privacy-test-secret-0123456789abcdef")


@pytest.fixture(scope="module")
def built(spark, cfg, tmp_path_factory):
    sample = tmp_path_factory.mktemp("privacy_sample")
    generate(sample, 1500, 5)
    run_cfg = cfg.model_copy(update={"ingest": cfg.ingest.model_copy(update={"column_mapping": dict(CSV_COLUMN_MAPPING)})})
    root = tmp_path_factory.mktemp("privacy_lake")
    lake = EmbeddedLake(spark, cfg.lake.model_copy(update={"root": str(root)}))
    ingest.run(spark, run_cfg, lake, inputs=[(sample / "landing").as_uri()], run_id="b1")
    silver_job.run(spark, run_cfg, lake, run_id="s1", key=KEY)
    return lake, root, sample, run_cfg


def every_string_on_disk(root: Path) -> str:
    """All string and binary values of every Parquet file under the lake, referenced or not."""
    values = []
    for path in root.rglob("*.parquet"):
        table = pq.read_table(path)
        for column in table.columns:
            values.extend(str(v) for v in column.to_pylist() if v is not None)
    return "\n".join(values)


def test_erased_subject_is_gone_from_every_layer_version_and_file(spark, built):
    lake, root, sample, run_cfg = built
    posts = lake.read(BRONZE_POSTS)
    # the most mentioned X account: it has posts of its own and appears in other people's
    subject = (posts.where("platform = 'x'").select(F.explode("mentions").alias("m"))
               .groupBy("m.author_id", "m.handle").count().orderBy(F.desc("count")).first())
    author_id, handle = subject["author_id"], subject["handle"]
    pseudonyms = subject_pseudonyms(KEY, "x", author_id, handle)
    before = every_string_on_disk(root)
    assert author_id in before and any(p in before for p in pseudonyms)
    old_version = lake.version(SILVER_POSTS)

    report = erase_subject(lake, key=KEY, platform="x", author_id=author_id, handle=handle, run_id="erase-1")

    assert report.deleted[BRONZE_POSTS] > 0 and report.vacuumed_files > 0
    after = every_string_on_disk(root)
    for secret in [author_id, *pseudonyms]:
        assert secret not in after, secret
    assert handle.lower() not in after.lower()
    with pytest.raises(LakeError):
        lake.read(SILVER_POSTS, version=old_version).count()
    assert lake.read(SILVER_POSTS).where(F.array_contains("mention_pseudonyms", ERASED)).count() > 0
    assert lake.read(SILVER_EDGES).where(F.col("src").isin(pseudonyms) | F.col("dst").isin(pseudonyms)).count() == 0

    # the next silver run rebuilds from what bronze still holds and does not bring the subject back
    silver_job.run(spark, run_cfg, lake, run_id="s2", key=KEY)
    again = every_string_on_disk(root)
    assert not any(p in again for p in pseudonyms) and author_id not in again


def test_retention_deletes_old_rows_in_each_layer(spark, built):
    lake, root, _, _ = built
    newest = lake.read(SILVER_POSTS).agg(F.max("created_at")).first()[0]
    now = newest.replace(tzinfo=__import__("datetime").timezone.utc) + timedelta(days=3)
    keep_from = now - timedelta(days=7)
    before = lake.read(SILVER_POSTS).where(F.col("created_at") >= keep_from.replace(tzinfo=None)).count()

    report = apply_retention(lake, days_by_layer={"bronze": 7, "silver": 7}, run_id="ret-1", now=now)

    assert report.deleted[SILVER_POSTS] > 0 and report.deleted[BRONZE_POSTS] > 0
    oldest = lake.read(SILVER_POSTS).agg(F.min("created_at")).first()[0]
    assert oldest >= keep_from.replace(tzinfo=None)
    assert lake.read(SILVER_POSTS).count() == before
    assert lake.read(BRONZE_POSTS).where(F.col("created_at") < keep_from.replace(tzinfo=None)).count() == 0
