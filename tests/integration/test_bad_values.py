"""Out-of-range and hostile values never kill a batch, on either engine.

Measured before the fix: one post dated 9999-12-31 (a platform's "never" sentinel) made the
embedded engine's file statistics overflow, so none of the run's good records landed. Each
record below must end in bronze.posts with its value intact, or in bronze.quarantine with a
reason; the good records land either way, and the counts reconcile.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from deltalake import DeltaTable

from socialake.bronze import ingest
from socialake.schemas import BRONZE_POSTS, BRONZE_QUARANTINE

BIG_TEXT = "x" * (10 * 1024 * 1024)
NEVER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def _post(post_id: str, created_utc, body: str = "plain words") -> dict:
    return {"id": post_id, "name": f"t1_{post_id}", "body": body, "author": "ann", "subreddit": "x",
            "link_id": "t3_l", "parent_id": "t3_l", "created_utc": created_utc}


def _lines() -> list[str]:
    deep = "[" * 100_000 + "]" * 100_000
    return [
        json.dumps(_post("good1", 1767225600)),
        json.dumps(_post("never", 253402300799)),                # 9999-12-31T23:59:59Z
        json.dumps(_post("never_us", 253402300799.9995)),        # the last milliseconds of 9999
        json.dumps(_post("old", -2208988801)),                   # 1899-12-31T23:59:59Z
        json.dumps(_post("nul", 1767225601, "before\x00after")),
        json.dumps(_post("big", 1767225602, BIG_TEXT)),
        json.dumps(_post("good2", 1767225603)),
        '{"id": "nan", "name": "t1_nan", "body": "b", "author": "a", "subreddit": "x", "created_utc": NaN}',
        '{"id": "inf", "name": "t1_inf", "body": "b", "author": "a", "subreddit": "x", "created_utc": Infinity}',
        '{"id": "huge", "name": "t1_huge", "body": "b", "author": "a", "subreddit": "x", "created_utc": 1e400}',
        '{"id": "deep", "body": ' + deep + "}",
        json.dumps({**_post("score", 1767225604), "score": 2 ** 70}),   # a like count beyond a long
    ]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["embedded", "delta-spark"])
def test_hostile_values_land_or_are_quarantined_and_the_good_records_land(engine, spark, cfg, tmp_path, engine_lake):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "hostile.ndjson").write_text("\n".join(_lines()) + "\n")
    lake = engine_lake(engine, spark, cfg.model_copy(update={"lake": cfg.lake.model_copy(update={"root": str(tmp_path / "lake")})}))

    report = ingest.run(spark, cfg, lake, inputs=[landing.as_uri()], run_id=f"hostile-{engine}")

    assert report.balanced and report.records_read == 12
    posts = {r.post_id: r for r in lake.read(BRONZE_POSTS).collect()}
    quarantined = lake.read(BRONZE_QUARANTINE).collect()
    assert len(posts) + len(quarantined) == 12
    assert set(posts) == {"t1_good1", "t1_good2", "t1_nul", "t1_big"}
    # Values that are representable are kept exactly, in the engine's read and in delta-rs's.
    assert posts["t1_nul"].text == "before\x00after"
    assert len(posts["t1_big"].text) == len(BIG_TEXT)
    by_delta_rs = DeltaTable(lake.path(BRONZE_POSTS)).to_pyarrow_table(columns=["post_id", "text"]).to_pylist()
    assert {r["post_id"]: r["text"] for r in by_delta_rs}["t1_nul"] == "before\x00after"
    # What cannot be a post is quarantined with a reason, never dropped: dates outside the
    # plausible range by the bronze quality gate, NaN / infinite / overflowing times and
    # nesting too deep to parse by the reader.
    reason_by_id = {}
    for row in quarantined:
        raw = bytes(row.raw_bytes).decode("utf-8", "replace")
        reason_by_id[re.search(r'"id":\s*"([^"]+)"', raw).group(1)] = (row.reason_code, row.reason)
    assert {k: v[0] for k, v in reason_by_id.items() if k in ("never", "never_us", "old")} == \
        {"never": "failed_expectation", "never_us": "failed_expectation", "old": "failed_expectation"}
    assert all("created_at" in reason_by_id[k][1] for k in ("never", "never_us", "old"))
    assert set(reason_by_id) == {"never", "never_us", "old", "nan", "inf", "huge", "deep", "score"}
    assert reason_by_id["score"][0] == "bad_value"   # a like count beyond a 64-bit integer
    assert all(reason for _, reason in reason_by_id.values())
    for log in (Path(lake.path(BRONZE_POSTS)) / "_delta_log").glob("*.json"):
        for line in log.read_text().splitlines():
            json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in the Delta log"))
