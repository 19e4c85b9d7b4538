"""Two `socialake ingest` processes on the same input at the same time, on each engine.

Measured before the fix: both committed, leaving every record twice in bronze.posts. Now each
payload must end up exactly once, and each process either reconciles (exit 0) or says that
another writer kept winning (exit 75, safe to re-run). (That a re-run adds nothing is tested in
test_bronze_ingest.)
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
RECORDS = 400


def _write_dump(folder: Path, start: int, count: int, files: int = 4) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    per_file = count // files
    for f in range(files):
        rows = [{"id": f"c{i}", "name": f"t1_c{i}", "body": f"comment number {i} about things",
                 "author": f"user{i % 37}", "subreddit": "x", "link_id": "t3_l", "parent_id": "t3_l",
                 "created_utc": 1767225600 + i}
                for i in range(start + f * per_file, start + (f + 1) * per_file)]
        (folder / f"dump-{start}-{f}.ndjson").write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")


def _start_ingest(engine: str, lake_root: Path, landing: Path, run_id: str) -> subprocess.Popen:
    env = dict(os.environ, SOCIALAKE__LAKE__ENGINE=engine, SOCIALAKE__SPARK__MASTER="local[1]",
               SOCIALAKE_SPARK_LOG_LEVEL="ERROR", PYSPARK_PYTHON=sys.executable)
    return subprocess.Popen(
        [sys.executable, "-m", "socialake.cli", "ingest", "--env", "test", "--lake-root", str(lake_root),
         "--input", str(landing), "--run-id", run_id],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )


def _race(engine: str, lake_root: Path, landing: Path, tag: str) -> list[tuple[int, str, str]]:
    procs = [_start_ingest(engine, lake_root, landing, f"{tag}-{n}") for n in (1, 2)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=400)
        results.append((proc.returncode, out, err))
    return results


def _payload_counts(lake_root: Path) -> tuple[int, int]:
    keys = DeltaTable(str(lake_root / "bronze" / "posts")).to_pyarrow_table(columns=["payload_sha256"])
    column = keys.column("payload_sha256").to_pylist()
    return len(column), len(set(column))


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["embedded", "delta-spark"])
def test_two_concurrent_ingests_store_every_record_once(engine, request, tmp_path):
    if engine == "delta-spark":
        request.getfixturevalue("delta_jars")
    lake_root, first, second = tmp_path / "lake", tmp_path / "first", tmp_path / "second"
    _write_dump(first, 0, RECORDS)
    _write_dump(second, RECORDS // 2, RECORDS)   # half of it overlaps the first input

    # Race 1: both create bronze.posts. Race 2: both MERGE into the existing table.
    for landing, tag, distinct in ((first, "create", RECORDS), (second, "merge", RECORDS + RECORDS // 2)):
        results = _race(engine, lake_root, landing, tag)
        for code, out, err in results:
            assert code in (0, 75), f"exit {code}:\n{out[-2000:]}\n{err[-3000:]}"
            if code == 0:
                assert "OK" in out and "MISMATCH" not in out
            else:
                assert "run the command again" in err
        assert any(code == 0 for code, _, _ in results)
        rows, unique = _payload_counts(lake_root)
        assert rows == unique == distinct, f"{rows} rows, {unique} distinct payloads, {distinct} expected ({engine})"
