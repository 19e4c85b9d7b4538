"""The lake interface's contract, on both engines (each_lake: embedded and delta-spark).

Expectations are written from the Delta protocol and the inputs, and cross-checked with two
independent readers (delta-rs and Polars), never with the engine's own read alone.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
import pytest
from deltalake import DeltaTable
from pyspark.sql import Row
from pyspark.testing import assertDataFrameEqual

from socialake.lake import LakeError, TableNotFoundError, table_path

SCHEMA = "id long, name string, ts timestamp, tags array<string>, ref struct<kind:string,n:long>"
T0 = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)


def rows(ids, name="a"):
    return [(i, f"{name}{i}", T0, [f"t{i}", "x"], ("k", i * 10)) for i in ids]


def test_table_names_map_to_layer_directories():
    assert table_path("/data/lake", "bronze.posts") == "/data/lake/bronze/posts"
    assert table_path("s3a://bucket/lake/", "gold.alerts") == "s3a://bucket/lake/gold/alerts"
    for bad in ("posts", "Bronze.posts", "bronze.posts.x", "bronze.p-1", "../x.y"):
        with pytest.raises(LakeError, match="layer.entity"):
            table_path("/lake", bad)


def test_write_creates_a_delta_table_that_other_readers_open(spark, each_lake, table_name):
    frame = spark.createDataFrame(rows(range(5)), SCHEMA)
    result = each_lake.write(table_name, frame, run_id="run-1")

    assert (result.version, result.rows) == (0, 5)
    assertDataFrameEqual(each_lake.read(table_name), frame)
    path = each_lake.path(table_name)
    assert (Path(path) / "_delta_log" / "00000000000000000000.json").is_file()
    by_delta_rs = DeltaTable(path).to_pyarrow_table().sort_by("id")
    assert by_delta_rs.column("id").to_pylist() == [0, 1, 2, 3, 4]
    assert by_delta_rs.column("ts").to_pylist()[0] == T0  # microseconds, UTC, unchanged
    by_polars = pl.read_delta(path).sort("id")
    assert by_polars["name"].to_list() == ["a0", "a1", "a2", "a3", "a4"]
    assert by_polars["tags"].to_list()[3] == ["t3", "x"]
    assert by_polars["ref"].struct.field("n").to_list() == [0, 10, 20, 30, 40]


def test_each_write_is_one_history_entry_with_the_run_id(spark, each_lake, table_name):
    each_lake.write(table_name, spark.createDataFrame(rows(range(3)), SCHEMA).repartition(3), run_id="run-a")
    each_lake.write(table_name, spark.createDataFrame(rows(range(3, 6)), SCHEMA).repartition(2), run_id="run-b")

    history = each_lake.history(table_name)
    assert [(h.version, h.run_id) for h in history] == [(1, "run-b"), (0, "run-a")]
    delta_rs_history = DeltaTable(each_lake.path(table_name)).history()
    assert len(delta_rs_history) == 2  # three tasks wrote files, but one commit per job write


def test_read_as_of_a_version_and_overwrite_never_resurrects_removed_files(spark, each_lake, table_name):
    each_lake.write(table_name, spark.createDataFrame(rows(range(4)), SCHEMA), run_id="r0")
    each_lake.write(table_name, spark.createDataFrame(rows(range(10, 12), "b"), SCHEMA), mode="overwrite", run_id="r1")

    assert sorted(r.id for r in each_lake.read(table_name).collect()) == [10, 11]
    assert sorted(r.id for r in each_lake.read(table_name, version=0).collect()) == [0, 1, 2, 3]
    parquet_files = list(Path(each_lake.path(table_name)).glob("*.parquet"))
    assert len(parquet_files) >= 2  # the old files are still on disk, just not in the snapshot
    with pytest.raises(LakeError, match="version 7"):
        each_lake.read(table_name, version=7)


def test_partitioned_write_round_trips_awkward_partition_values(spark, each_lake, table_name):
    frame = spark.createDataFrame(
        [(1, "x"), (2, "a b/c"), (3, None), (4, "x"), (5, "ü%=")], "id long, platform string"
    )
    each_lake.write(table_name, frame, partition_by=["platform"], run_id="r")

    assert each_lake.partition_columns(table_name) == ["platform"]
    assertDataFrameEqual(each_lake.read(table_name), frame)
    by_delta_rs = DeltaTable(each_lake.path(table_name)).to_pyarrow_table()
    assert sorted(zip(by_delta_rs["id"].to_pylist(), by_delta_rs["platform"].to_pylist())) == [
        (1, "x"), (2, "a b/c"), (3, None), (4, "x"), (5, "ü%=")
    ]
    assert (Path(each_lake.path(table_name)) / "platform=x").is_dir()


def test_append_aligns_columns_and_refuses_unknown_ones(spark, each_lake, table_name):
    each_lake.write(table_name, spark.createDataFrame([(1, "a")], "id long, name string"), run_id="r")
    each_lake.write(table_name, spark.createDataFrame([("b", 2)], "name string, id long"), run_id="r")
    each_lake.write(table_name, spark.createDataFrame([(3,)], "id long"), run_id="r")

    assertDataFrameEqual(each_lake.read(table_name), [Row(id=1, name="a"), Row(id=2, name="b"), Row(id=3, name=None)])
    with pytest.raises(LakeError, match="'extra' is not in"):
        each_lake.write(table_name, spark.createDataFrame([(4, "d", 1)], "id long, name string, extra int"), run_id="r")
    with pytest.raises(LakeError, match="write mode 'upsert'"):
        each_lake.write(table_name, spark.createDataFrame([(4, "d")], "id long, name string"), mode="upsert", run_id="r")


def test_merge_insert_adds_only_new_keys_once(spark, each_lake, table_name):
    each_lake.write(table_name, spark.createDataFrame([(1, "old"), (2, "old")], "k long, v string"), run_id="r0")
    incoming = spark.createDataFrame([(2, "new"), (3, "new"), (3, "new"), (4, "new")], "k long, v string")

    result = each_lake.merge_insert(table_name, incoming, keys=["k"], run_id="r1")

    assert result.rows == 2
    assertDataFrameEqual(
        each_lake.read(table_name),
        [Row(k=1, v="old"), Row(k=2, v="old"), Row(k=3, v="new"), Row(k=4, v="new")],
    )
    again = each_lake.merge_insert(table_name, incoming, keys=["k"], run_id="r2")
    assert (again.version, again.rows) == (None, 0)
    assert len(each_lake.history(table_name)) == 2  # nothing new, no empty commit


def test_merge_insert_creates_the_table_even_when_empty(spark, each_lake, table_name):
    result = each_lake.merge_insert(table_name, spark.createDataFrame([], "k long, v string"), keys=["k"], run_id="r")

    assert result.rows == 0 and each_lake.exists(table_name)
    assert each_lake.read(table_name).count() == 0
    assert [f.name for f in each_lake.schema(table_name).fields] == ["k", "v"]


def test_delete_where_then_vacuum_makes_the_rows_unrecoverable(spark, each_lake, table_name):
    each_lake.write(table_name, spark.createDataFrame(rows(range(6)), SCHEMA), run_id="r0")

    deleted = each_lake.delete(table_name, "id >= 4", run_id="erase")

    assert deleted.rows == 2
    assert sorted(r.id for r in each_lake.read(table_name).collect()) == [0, 1, 2, 3]
    assert each_lake.read(table_name, version=0).count() == 6  # still recoverable before vacuum
    before = {p.name for p in Path(each_lake.path(table_name)).rglob("*.parquet")}
    removed = each_lake.vacuum(table_name, retention_hours=0, run_id="vac")
    live = set(DeltaTable(each_lake.path(table_name)).file_uris())
    on_disk = {str(p) for p in Path(each_lake.path(table_name)).rglob("*.parquet")}
    assert on_disk == live
    # vacuum reports exactly the files it removed
    assert {r.rsplit("/", 1)[-1] for r in removed} == before - {p.rsplit("/", 1)[-1] for p in on_disk} != set()
    with pytest.raises(LakeError):
        each_lake.read(table_name, version=0).collect()


def test_optimize_compacts_small_files_without_changing_rows(spark, each_lake, table_name):
    for start in range(0, 12, 3):
        each_lake.write(table_name, spark.createDataFrame(rows(range(start, start + 3)), SCHEMA).repartition(3), run_id="r")
    files_before = len(DeltaTable(each_lake.path(table_name)).file_uris())

    metrics = each_lake.optimize(table_name, run_id="opt")

    files_after = len(DeltaTable(each_lake.path(table_name)).file_uris())
    assert files_before >= 8 and files_after == 1
    assert metrics["numFilesRemoved"] == files_before
    assert sorted(r.id for r in each_lake.read(table_name).collect()) == list(range(12))


def test_missing_table_is_a_clear_error(each_lake):
    assert not each_lake.exists("test.never_written")
    with pytest.raises(TableNotFoundError, match="run the job that writes it first"):
        each_lake.read("test.never_written")


def test_commit_metadata_is_stored_with_the_data_and_read_back(spark, each_lake, table_name):
    frame = spark.createDataFrame([(1, "a")], "k long, v string")
    each_lake.write(table_name, frame, run_id="r0", commit_metadata={"socialake.source.bronze.posts": "4"})
    each_lake.write(table_name, frame, run_id="r1")  # a commit without the key does not hide the older value

    assert each_lake.last_commit_metadata(table_name, "socialake.source.bronze.posts") == "4"
    first_commit = DeltaTable(each_lake.path(table_name)).history()[-1]   # read by delta-rs, not the engine
    assert json.loads(first_commit["userMetadata"])["socialake.source.bronze.posts"] == "4"
    assert each_lake.last_commit_metadata("test.absent_table", "socialake.source.bronze.posts") is None
    with pytest.raises(LakeError, match="must start with 'socialake.'"):
        each_lake.write(table_name, frame, run_id="r2", commit_metadata={"source": "x"})


def test_read_changes_returns_rows_added_since_a_version(spark, each_lake, table_name):
    each_lake.write(table_name, spark.createDataFrame([(1, "a"), (2, "b")], "k long, v string"), run_id="r0")
    each_lake.merge_insert(table_name, spark.createDataFrame([(2, "b"), (3, "c")], "k long, v string"), keys=["k"], run_id="r1")
    each_lake.optimize(table_name, run_id="compact")  # rewrites files: changes must still be by key

    assertDataFrameEqual(each_lake.read_changes(table_name, since_version=0, keys=["k"]), [Row(k=3, v="c")])
    assert each_lake.read_changes(table_name, since_version=None, keys=["k"]).count() == 3


@pytest.mark.parametrize("broadcast_limit", [200_000, 0])   # few repeated keys (broadcast) / many (window)
def test_first_per_key_keeps_one_row_per_key(spark, monkeypatch, broadcast_limit):
    from socialake.lake import base

    monkeypatch.setattr(base, "BROADCAST_DUPLICATE_KEYS", broadcast_limit)
    rows = spark.createDataFrame([(1, "a"), (2, "b"), (2, "b"), (3, "c"), (3, "c"), (3, "c"), (4, "d")],
                                 "k long, v string")
    assert sorted(tuple(r) for r in base.first_per_key(rows, ["k"]).collect()) == [(1, "a"), (2, "b"), (3, "c"),
                                                                                  (4, "d")]
    unique = spark.createDataFrame([(1, "a"), (2, "b")], "k long, v string")
    assert base.first_per_key(unique, ["k"]) is unique   # nothing repeated: rows pass through untouched


def test_update_sets_columns_on_the_matching_rows_only(spark, each_lake, table_name):
    each_lake.write(table_name, spark.createDataFrame([(1, "a", 10), (2, "b", 20), (3, "c", 30)], "k long, v string, n long"),
                    run_id="r0")

    result = each_lake.update(table_name, "k >= 2", {"n": "n + 1", "v": "'z'"}, run_id="upd")

    assert result.rows == 2 and result.version == 1
    assertDataFrameEqual(each_lake.read(table_name), [Row(k=1, v="a", n=10), Row(k=2, v="z", n=21), Row(k=3, v="z", n=31)])
    assert each_lake.history(table_name)[0].run_id == "upd"


def test_zorder_keeps_the_rows_and_records_its_columns(spark, each_lake, table_name):
    for start in range(0, 40, 10):
        each_lake.write(table_name, spark.createDataFrame([(i, i % 7) for i in range(start, start + 10)],
                                                          "id long, g long").repartition(2), run_id="r")

    each_lake.optimize(table_name, run_id="z", zorder_by=["g", "id"])

    assert sorted(tuple(r) for r in each_lake.read(table_name).collect()) == [(i, i % 7) for i in range(40)]
    log = sorted((Path(each_lake.path(table_name)) / "_delta_log").glob("*.json"))[-1]
    commit = next(json.loads(line)["commitInfo"] for line in log.read_text().splitlines() if "commitInfo" in line)
    assert commit["operation"] == "OPTIMIZE" and "g" in str(commit["operationParameters"])


def test_change_feed_lists_inserts_deletes_and_updates_after_a_version(spark, each_lake, table_name):
    each_lake.write(table_name, spark.createDataFrame([(1, "a"), (2, "b"), (3, "c")], "k long, v string"), run_id="r0")
    each_lake.merge_insert(table_name, spark.createDataFrame([(3, "x"), (4, "d")], "k long, v string"), keys=["k"], run_id="r1")
    each_lake.delete(table_name, "k = 1", run_id="r2")
    each_lake.update(table_name, "k = 2", {"v": "'B'"}, run_id="r3")

    changes = each_lake.read_change_feed(table_name, since_version=0)

    got = sorted((r["_change_type"], r["_commit_version"], r["k"], r["v"]) for r in changes.collect())
    assert got == sorted([("insert", 1, 4, "d"), ("delete", 2, 1, "a"),
                          ("update_preimage", 3, 2, "b"), ("update_postimage", 3, 2, "B")])
    assert each_lake.read_change_feed(table_name, since_version=3).count() == 0
    assert {"_change_type", "_commit_version", "_commit_timestamp"} <= set(changes.columns)


def test_a_commit_on_a_stale_snapshot_is_refused_and_leaves_nothing(spark, each_lake, table_name):
    from socialake.lake.base import ConcurrentWriteError

    each_lake.write(table_name, spark.createDataFrame([(1, "a")], "k long, v string"), run_id="r0")
    each_lake.write(table_name, spark.createDataFrame([(2, "b")], "k long, v string"), run_id="other-writer")
    files_before = sorted(p.name for p in Path(each_lake.path(table_name)).rglob("*.parquet"))

    with pytest.raises(ConcurrentWriteError, match="retry"):
        each_lake.merge_insert(table_name, spark.createDataFrame([(3, "c")], "k long, v string"), keys=["k"],
                               run_id="late", read_version=0)

    assert each_lake.version(table_name) == 1
    assert sorted(p.name for p in Path(each_lake.path(table_name)).rglob("*.parquet")) == files_before
    retried = each_lake.merge_insert(table_name, spark.createDataFrame([(3, "c")], "k long, v string"), keys=["k"],
                                     run_id="late", read_version=1)
    assert (retried.version, retried.rows) == (2, 1)


def test_a_commit_whose_row_count_differs_from_the_check_is_refused(spark, each_lake, table_name):
    from socialake.lake.base import CommitCheckError

    each_lake.write(table_name, spark.createDataFrame([(1, "a")], "k long, v string"), run_id="r0")
    files_before = sorted(p.name for p in Path(each_lake.path(table_name)).rglob("*.parquet"))
    incoming = spark.createDataFrame([(1, "a"), (2, "b"), (3, "c")], "k long, v string")   # 2 new

    with pytest.raises(CommitCheckError, match="nothing was committed"):
        each_lake.merge_insert(table_name, incoming, keys=["k"], run_id="r1", read_version=0, expected_rows=3)

    assert each_lake.version(table_name) == 0
    assert sorted(p.name for p in Path(each_lake.path(table_name)).rglob("*.parquet")) == files_before
    assert each_lake.merge_insert(table_name, incoming, keys=["k"], run_id="r1", read_version=0, expected_rows=2).rows == 2


def test_tables_written_by_one_engine_are_merged_and_deleted_by_the_other(spark, cfg, table_name, engine_lake):
    embedded, delta_spark = engine_lake("embedded", spark, cfg), engine_lake("delta-spark", spark, cfg)
    for first, second, name in ((embedded, delta_spark, table_name + "_a"), (delta_spark, embedded, table_name + "_b")):
        first.write(name, spark.createDataFrame([(1, "a"), (2, "b")], "k long, v string"), run_id="w-" + first.engine_name)
        second.merge_insert(name, spark.createDataFrame([(2, "x"), (3, "c")], "k long, v string"), keys=["k"],
                            run_id="m-" + second.engine_name)
        second.delete(name, "k = 1", run_id="d-" + second.engine_name)
        first.merge_insert(name, spark.createDataFrame([(4, "d")], "k long, v string"), keys=["k"],
                           run_id="m2-" + first.engine_name)

        expected = [Row(k=2, v="b"), Row(k=3, v="c"), Row(k=4, v="d")]
        assertDataFrameEqual(first.read(name), expected)
        assertDataFrameEqual(second.read(name), expected)
        assert sorted(DeltaTable(first.path(name)).to_pyarrow_table()["k"].to_pylist()) == [2, 3, 4]
        runs = ["m2-" + first.engine_name, "d-" + second.engine_name, "m-" + second.engine_name, "w-" + first.engine_name]
        assert [h.run_id for h in first.history(name)] == runs
        assert [h.run_id for h in second.history(name)] == runs
        assert [h.version for h in second.history(name)] == [3, 2, 1, 0]


def test_extreme_values_are_written_with_valid_statistics_and_read_back_exactly(spark, each_lake, table_name):
    """The embedded engine's file statistics once overflowed on 9999-12-31 and killed the write."""
    import math

    edge_times = [datetime(1000, 1, 1, tzinfo=timezone.utc), datetime(1899, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
                  datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)]
    values = [(1, edge_times[0], float("nan"), "nul\x00byte"), (2, edge_times[1], float("inf"), "x" * 10_000_000),
              (3, edge_times[2], float("-inf"), "ok")]
    each_lake.write(table_name, spark.createDataFrame(values, "id long, ts timestamp, f double, s string"), run_id="r")

    back = sorted(each_lake.read(table_name).collect(), key=lambda r: r.id)
    assert [r.ts.replace(tzinfo=timezone.utc) for r in back] == edge_times   # Spark returns naive UTC
    assert math.isnan(back[0].f) and back[1].f == float("inf") and back[2].f == float("-inf")
    assert back[0].s == "nul\x00byte" and len(back[1].s) == 10_000_000
    assert each_lake.read(table_name).where("ts > TIMESTAMP '9999-12-31 23:59:59'").count() == 1  # stats do not skip it
    by_delta_rs = DeltaTable(each_lake.path(table_name)).to_pyarrow_table(columns=["ts"])["ts"].to_pylist()
    assert sorted(by_delta_rs) == edge_times
    for log in (Path(each_lake.path(table_name)) / "_delta_log").glob("*.json"):
        for line in log.read_text().splitlines():   # NaN or Infinity would make the log invalid JSON
            json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in the Delta log"))
            stats = json.loads(line).get("add", {}).get("stats")
            if stats:
                json.loads(stats, parse_constant=lambda name: pytest.fail(f"{name} in file statistics"))


def test_commit_logs_hold_no_string_values(spark, each_lake, table_name):
    """Erasure vacuums data files, but commit files stay: they must not copy values that can
    name a person (Delta's min/max statistics of string columns would)."""
    frame = spark.createDataFrame([(1, "aaaa_leaky_handle", ["zzzz_leaky_list"]), (2, "zzzz_leaky_handle", [])],
                                  "id long, handle string, tags array<string>")
    each_lake.write(table_name, frame, run_id="r1")
    each_lake.merge_insert(table_name, spark.createDataFrame([(3, "mmmm_leaky_handle", [])], frame.schema),
                           keys=["id"], run_id="r2")
    each_lake.write(table_name, frame, mode="overwrite", run_id="r3")
    log = "\n".join(p.read_text() for p in Path(each_lake.path(table_name), "_delta_log").glob("*.json"))
    assert "leaky" not in log
    actions = [json.loads(line) for line in log.splitlines() if line.strip()]
    adds = [a["add"] for a in actions if "add" in a]
    stats = [json.loads(a["stats"]) for a in adds if a.get("stats")]
    assert any("id" in s.get("maxValues", {}) for s in stats)   # numbers keep their statistics
