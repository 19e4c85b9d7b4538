"""Bronze ingest end to end: files on disk -> Delta tables, counted back independently."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from deltalake import DeltaTable

from socialake.bronze import ingest
from socialake.lake.embedded import EmbeddedLake
from socialake.schemas import BRONZE_POSTS, BRONZE_QUARANTINE

FIXTURES = Path(__file__).parents[1] / "fixtures" / "api"


def fresh_lake(spark, cfg, root: Path) -> EmbeddedLake:
    return EmbeddedLake(spark, cfg.lake.model_copy(update={"root": str(root)}))


@pytest.fixture(scope="module")
def fixture_ingest(spark, cfg, tmp_path_factory):
    """The whole recorded-API fixture tree ingested once into its own lake."""
    lake = fresh_lake(spark, cfg, tmp_path_factory.mktemp("fixture_lake"))
    report = ingest.run(spark, cfg, lake, inputs=[FIXTURES.resolve().as_uri()], run_id="fixtures-1")
    return lake, report


def test_every_fixture_record_lands_in_bronze_or_quarantine(fixture_ingest):
    lake, report = fixture_ingest
    posts = lake.read(BRONZE_POSTS)
    quarantine = lake.read(BRONZE_QUARANTINE)

    assert report.balanced
    assert posts.count() == report.posts_added > 0
    assert quarantine.count() == report.quarantine_added
    assert report.records_read == posts.count() + quarantine.count() + report.already_present
    # Documents that hold users, not posts, are kept in quarantine rather than dropped.
    user_lookups = {Path(r.source_file).name: r.reason_code for r in quarantine.collect()
                    if "User_Lookup_Users_by_ID_200" in r.source_file}
    assert user_lookups and set(user_lookups.values()) == {"not_a_post"}
    assert not [r for r in posts.select("source_file").collect() if "User_Lookup" in r.source_file]


def test_fixture_posts_match_the_recorded_responses(fixture_ingest):
    """Ids read straight from the JSON; counts as stated in the fixtures' README when recorded.
    (A tweet in two files is stored once, so ids are compared, not per-file row counts.)"""
    lake, _ = fixture_ingest
    bronze_ids = {r.post_id for r in lake.read(BRONZE_POSTS).select("post_id").collect()}

    def x_ids(name):
        # An edited tweet is filed under its original id (X: the first of edit_history_tweet_ids).
        tweets = json.loads((FIXTURES / "twitter_v2" / name).read_text())["data"]
        return {t.get("edit_history_tweet_ids", [t["id"]])[0] for t in tweets}

    def reddit_ids(name):
        listing = json.loads((FIXTURES / "reddit" / name).read_text())
        return {child["data"]["name"] for child in listing["data"]["children"]}

    expected = {
        "home timeline": (x_ids("test_client_get_home_timeline__0.json"), 98),
        "liked": (x_ids("test_client_get_liked_tweets__0.json"), 96),
        "askreddit comments": (reddit_ids("TestSubredditListings.test_comments__1.json"), 100),
        "askreddit new": (reddit_ids("TestSubredditListings.test_new__1.json"), 100),
    }
    for what, (ids, count) in expected.items():
        assert len(ids) == count, what
        assert ids <= bronze_ids, what


def test_reingesting_the_same_input_adds_nothing(spark, cfg, fixture_ingest):
    lake, first = fixture_ingest
    versions = (lake.version(BRONZE_POSTS), lake.version(BRONZE_QUARANTINE))

    again = ingest.run(spark, cfg, lake, inputs=[FIXTURES.resolve().as_uri()], run_id="fixtures-2")

    assert (again.posts_added, again.quarantine_added) == (0, 0)
    assert again.already_present == again.records_read == first.records_read
    assert (lake.version(BRONZE_POSTS), lake.version(BRONZE_QUARANTINE)) == versions


def test_bronze_tables_open_unchanged_with_delta_rs_and_polars(fixture_ingest):
    lake, report = fixture_ingest
    path = lake.path(BRONZE_POSTS)

    by_polars = pl.read_delta(path)
    by_delta_rs = DeltaTable(path).to_pyarrow_table()
    assert by_polars.height == by_delta_rs.num_rows == report.posts_added
    assert by_polars["payload_sha256"].n_unique() == by_polars.height
    history = DeltaTable(path).history()
    assert [h.get("socialake.run_id") for h in history] == ["fixtures-1"]  # one commit per job


def write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_bad_records_are_quarantined_with_their_reason_and_bytes(spark, cfg, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    good = {"id": "c1", "name": "t1_c1", "body": "great match today", "author": "ann", "author_fullname": "t2_a",
            "subreddit": "soccer", "link_id": "t3_l1", "parent_id": "t3_l1", "created_utc": 1767225600}
    second = dict(good, id="c2", name="t1_c2", body="what a goal")
    bad_utf8 = b'{"id": "c3", "body": "caf\xe9", "subreddit": "x"}'
    write_lines(landing / "comments.ndjson", [json.dumps(good).encode(), b'{"id": "c9", "body": "trunc', bad_utf8,
                                              json.dumps(second).encode()])
    with gzip.open(landing / "more.ndjson.gz", "wb") as handle:
        handle.write(json.dumps(good).encode() + b"\n")  # the same record again: already present
    lake = fresh_lake(spark, cfg, tmp_path / "lake")

    report = ingest.run(spark, cfg, lake, inputs=[landing.as_uri()], run_id="bad-1")

    assert (report.records_read, report.posts_added, report.quarantine_added, report.already_present) == (5, 2, 2, 1)
    quarantined = {r.reason_code: r for r in lake.read(BRONZE_QUARANTINE).collect()}
    assert set(quarantined) == {"bad_json", "bad_utf8"}
    assert quarantined["bad_utf8"].raw_bytes == bad_utf8
    assert quarantined["bad_json"].source_offset == "line 2"
    posts = {r.post_id: r for r in lake.read(BRONZE_POSTS).collect()}
    assert set(posts) == {"t1_c1", "t1_c2"}
    assert posts["t1_c2"].text == "what a goal" and posts["t1_c2"].channel == "soccer"


def test_missing_input_is_a_one_line_usage_error(capsys, tmp_path):
    from socialake.cli import main

    code = main(["ingest", "--env", "test", "--input", str(tmp_path / "nowhere")])

    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("socialake ingest: --input") and "does not exist" in err and "\n" not in err
