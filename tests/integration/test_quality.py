"""Great Expectations gates: verdicts, routing by action, kept results and Data Docs."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from pyspark.sql import Row
from pyspark.testing import assertDataFrameEqual

from socialake.lake.embedded import EmbeddedLake
from socialake.quality.suites import Check, Suite, _in_set, _not_matches, silver_posts_suite
from socialake.quality.validate import (
    FAILED_CHECK,
    OPS_VALIDATION_RESULTS,
    QualityGateError,
    split_by_quarantine,
    validate,
)

SUITE = Suite("demo", "test.rows", (
    Check("kind_known", "ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": ["a", "b"]}, "quarantine",
          _in_set("kind", ("a", "b"))),
    Check("no_email", "ExpectColumnValuesToNotMatchRegex", {"column": "text", "regex": "@example"}, "warn",
          _not_matches("text", "@example")),
    Check("enough_rows", "ExpectTableRowCountToBeBetween", {"min_value": 2}, "fail"),
))


@pytest.fixture
def quality_lake(spark, cfg, tmp_path) -> EmbeddedLake:
    return EmbeddedLake(spark, cfg.lake.model_copy(update={"root": str(tmp_path)}))


def test_actions_route_rows_and_results_are_kept(spark, quality_lake, tmp_path):
    rows = spark.createDataFrame(
        [(1, "a", "hi"), (2, "z", "mail me at x@example.org"), (3, "b", "ok"), (4, None, "ok")],
        "id int, kind string, text string").persist()

    outcome = validate(quality_lake, rows, SUITE, run_id="q1")
    keep, routed = split_by_quarantine(rows, SUITE, outcome)

    verdicts = {r.check: (r.success, r.unexpected_count) for r in outcome.results}
    assert verdicts == {"kind_known": (False, 1), "no_email": (False, 1), "enough_rows": (True, None)}
    assertDataFrameEqual(keep.select("id"), [Row(id=1), Row(id=3), Row(id=4)])  # null kind is not "unknown"
    assertDataFrameEqual(routed.select("id", FAILED_CHECK), [Row(id=2, _failed_check="kind_known")])
    recorded = quality_lake.read(OPS_VALIDATION_RESULTS).where("run_id = 'q1'")
    assert recorded.count() == 3 and recorded.where("check_name = 'kind_known' AND NOT success").count() == 1
    assert (Path(tmp_path) / "_quality" / "data_docs" / "index.html").is_file()


def test_a_failing_fail_check_stops_the_job_and_is_still_recorded(spark, quality_lake):
    rows = spark.createDataFrame([(1, "a", "hi")], "id int, kind string, text string")

    with pytest.raises(QualityGateError, match="enough_rows"):
        validate(quality_lake, rows, SUITE, run_id="q2")
    assert quality_lake.read(OPS_VALIDATION_RESULTS).where("run_id = 'q2' AND check_name = 'enough_rows'").count() == 1


def test_actions_can_be_overridden_from_config():
    suite = silver_posts_suite(datetime.now(timezone.utc)).with_actions(
        {"no_raw_card_in_text": "quarantine", "silver_posts.lang_code": "fail", "bronze_posts.post_id_present": "warn"})
    actions = {c.name: c.action for c in suite.checks}
    assert actions["no_raw_card_in_text"] == "quarantine" and actions["lang_code"] == "fail"
    with pytest.raises(ValueError, match="table-level check can only warn or fail"):
        suite.with_actions({"post_key_unique": "quarantine"})
