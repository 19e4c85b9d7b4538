"""Great Expectations gates: verdicts, routing by action, kept results and Data Docs."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pyspark.sql import Row
from pyspark.testing import assertDataFrameEqual

from socialake.lake.embedded import EmbeddedLake
from socialake.quality.suites import Check, Suite, silver_edges_suite, silver_posts_suite
from socialake.quality.validate import (
    FAILED_CHECK,
    OPS_VALIDATION_RESULTS,
    QualityGateError,
    redact_message,
    split_by_quarantine,
    validate,
)

SUITE = Suite("demo", "test.rows", (
    Check("kind_known", "ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": ["a", "b"]}, "quarantine"),
    Check("no_email", "ExpectColumnValuesToNotMatchRegex", {"column": "text", "regex": "@example"}, "warn"),
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
    with pytest.raises(ValueError, match="silver.edges has no quarantine"):
        silver_edges_suite().with_actions({"kind_known": "quarantine"})


LEAKY_HANDLE = "leaky_handle_zq"
LEAKY_TEXT = "call leaky_text_zq on 555-0100"
LEAKY_SUITE = Suite("leaky", "test.leaky", (
    Check("handle_is_pseudonym", "ExpectColumnValuesToMatchRegex", {"column": "handle", "regex": "^u_[0-9a-f]{8}$"},
          "warn"),
    Check("handle_unique", "ExpectColumnValuesToBeUnique", {"column": "handle"}, "warn"),
    Check("no_phone_in_text", "ExpectColumnValuesToNotMatchRegex", {"column": "text", "regex": r"\d{3}-\d{4}"},
          "warn"),
    Check("common_handle_known", "ExpectColumnMostCommonValueToBeInSet",  # its observed value is a value
          {"column": "handle", "value_set": ["u_0123abcd"]}, "warn"),
    Check("text_is_a_date", "ExpectColumnValuesToBeBetween",  # a string column against timestamps: an error
          {"column": "text", "min_value": datetime(2006, 3, 21), "max_value": datetime(2030, 1, 1)}, "warn"),
))


def _strings_in_parquet(path: Path) -> str:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return " ".join(str(value) for column in table.columns for value in column.to_pylist())


def test_no_raw_value_is_persisted_by_the_checks(spark, quality_lake, tmp_path):
    """Validation results, GX stores and Data Docs keep verdicts and counts, never a failing value."""
    rows = spark.createDataFrame(
        [(1, LEAKY_HANDLE, LEAKY_TEXT), (2, LEAKY_HANDLE, LEAKY_TEXT), (3, "u_0123abcd", "fine")],
        "id int, handle string, text string")

    validate(quality_lake, rows, LEAKY_SUITE, run_id="leak0")
    for kept in (Path(tmp_path) / "_quality" / "validations").rglob("*.json"):  # as earlier versions kept them
        earlier = json.loads(kept.read_text())
        for check_result in earlier["results"]:
            check_result["result"]["partial_unexpected_list"] = [LEAKY_HANDLE]
        kept.write_text(json.dumps(earlier))
    outcome = validate(quality_lake, rows, LEAKY_SUITE, run_id="leak1")

    verdicts = {r.check: (r.success, r.unexpected_count) for r in outcome.results}
    assert verdicts["handle_is_pseudonym"] == (False, 2) and verdicts["no_phone_in_text"] == (False, 2)
    assert verdicts["handle_unique"] == (False, 2) and not verdicts["common_handle_known"][0]
    errored = next(r for r in outcome.results if r.check == "text_is_a_date")
    assert errored.error and not errored.success  # an error is still recorded, as text
    secrets = (LEAKY_HANDLE, "leaky_text_zq")
    recorded = quality_lake.read(OPS_VALIDATION_RESULTS).where("run_id LIKE 'leak%'").collect()
    assert len(recorded) == 2 * len(LEAKY_SUITE.checks)
    assert not [row for row in recorded if any(s in str(row) for s in secrets)]
    files = [path for path in Path(tmp_path).rglob("*") if path.is_file()]
    assert any(path.name == "index.html" for path in files) and any(path.suffix == ".json" for path in files)
    for path in files:
        content = path.read_bytes()
        if path.suffix == ".gz":
            content = gzip.decompress(content)
        if path.suffix == ".parquet":
            content = _strings_in_parquet(path).encode()
        assert not [s for s in secrets if s.encode() in content], f"a raw value is in {path}"


def test_error_messages_lose_the_values_spark_quotes():
    message = ('[CAST_INVALID_INPUT] The value \'leaky_handle_zq\' of the type "STRING" cannot be cast to '
               '"TIMESTAMP" because it is malformed. Correct the value in `author_handle`.')
    assert redact_message(message) == ('[CAST_INVALID_INPUT] The value \'…\' of the type "STRING" cannot be cast to '
                                       '"TIMESTAMP" because it is malformed. Correct the value in `author_handle`.')
