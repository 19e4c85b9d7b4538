"""Every API fixture file reads without raising into bronze or quarantine rows.

Expected counts come from the fixture README / by counting the JSON independently, not from
the parser's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socialake.schemas import BRONZE_POSTS_SCHEMA, BRONZE_QUARANTINE_SCHEMA, EVENT_TYPES

API_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "api"
DATA_FILES = sorted(p for p in API_FIXTURES.rglob("*")
                    if p.suffix in (".json", ".ndjson") and p.name != "MANIFEST.jsonl")
POST_KEYS = [f.name for f in BRONZE_POSTS_SCHEMA.fields]
QUARANTINE_KEYS = [f.name for f in BRONZE_QUARANTINE_SCHEMA.fields]


def test_the_corpus_is_there():
    folders = {p.parent.name for p in DATA_FILES}
    assert folders == {"twitter_v2", "twitter_v2_docs_examples", "twitter_v1.1", "reddit",
                       "mastodon", "bluesky"}
    assert len(DATA_FILES) == 87 + 1  # README: 87 JSON files, plus the Jetstream sample
    for folder in API_FIXTURES.iterdir():
        if folder.is_dir() and folder.name != "bluesky":
            assert (folder / "MANIFEST.jsonl").exists()
            assert list(folder.glob("LICENSE*")), folder


def test_manifests_list_every_file():
    for manifest in API_FIXTURES.glob("*/MANIFEST.jsonl"):
        listed = {json.loads(line)["file"] for line in manifest.read_text().splitlines()}
        present = {p.name for p in manifest.parent.glob("*.json")}
        assert listed == present, manifest.parent.name


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_yields_valid_rows(path, read_fixture):
    result = read_fixture(str(path.relative_to(API_FIXTURES)))
    for row in result.posts:
        assert list(row) == POST_KEYS
        assert row["post_id"] and row["event_type"] in EVENT_TYPES
        assert row["created_at"] is None or row["created_at"].utcoffset().total_seconds() == 0
    for row in result.quarantine:
        assert list(row) == QUARANTINE_KEYS
        assert isinstance(row["raw_bytes"], bytes) and row["reason"]


def count_reddit(node, counts):
    """Count t1/t3/more things anywhere in a decoded Reddit response."""
    if isinstance(node, dict):
        if node.get("kind") in ("t1", "t3", "more"):
            counts[node["kind"]] = counts.get(node["kind"], 0) + 1
        for value in node.values():
            count_reddit(value, counts)
    elif isinstance(node, list):
        for value in node:
            count_reddit(value, counts)
    return counts


@pytest.mark.parametrize("path", sorted(API_FIXTURES.glob("reddit/*.json")), ids=lambda p: p.name)
def test_reddit_records_reconcile(path, read_fixture, load_fixture):
    relative = f"reddit/{path.name}"
    counts = count_reddit(load_fixture(relative), {})
    result = read_fixture(relative)
    assert len(result.posts) == counts.get("t1", 0) + counts.get("t3", 0)
    assert len(result.quarantine) == counts.get("more", 0)


@pytest.mark.parametrize("name, tweets", [
    ("test_client_get_home_timeline__0.json", 98),   # README counts
    ("test_client_get_liked_tweets__0.json", 96),
    ("test_client_get_list_tweets__0.json", 97),
    ("test_client_get_quote_tweets__0.json", 9),
    ("test_client_search_all_tweets__0.json", 10),
])
def test_x_v2_tweet_counts(name, tweets, read_fixture):
    result = read_fixture(f"twitter_v2/{name}")
    assert len(result.posts) == tweets and result.quarantine == []


def test_folder_totals(read_fixture):
    """Per-folder (posts, quarantine) totals over the whole corpus, for the record."""
    totals = {}
    for path in DATA_FILES:
        result = read_fixture(str(path.relative_to(API_FIXTURES)))
        posts, quarantined = totals.get(path.parent.name, (0, 0))
        totals[path.parent.name] = (posts + len(result.posts),
                                    quarantined + len(result.quarantine))
    assert totals["reddit"] == (1282, 210)        # 1 + 476 ... t1/t3; 18 + 192 "more" stubs
    assert totals["twitter_v1.1"] == (44, 0)      # 1 + (19 + 3 RT) + (15 + 6 RT)
    assert totals["bluesky"] == (6, 3)
    assert totals["twitter_v2"] == (335, 4)       # users x3 and counts are not posts
    # 10+10+10+(4+2 from includes)+(1+1 deleted)+2x(58+1 deleted)+6 single lookups;
    # quarantine: 3 "too many ids" + 2 user-not-found api errors, 10 user documents
    assert totals["twitter_v2_docs_examples"] == (162, 15)
    # 11 home + 3x8 public + 1 tag + 3 notifications + status, card, edited status;
    # quarantine: 5 instance, 3 account, 2 poll, 2 accounts-only search, 4 edit-history /
    # source entries, and the {"count": 1} unread-count body (unknown_format)
    assert totals["mastodon"] == (42, 17)


def test_corpus_rows_convert_to_arrow(read_fixture):
    """The bronze writer builds Arrow batches from these rows with the tables' schemas."""
    pa = pytest.importorskip("pyarrow")
    to_arrow_schema = pytest.importorskip("pyspark.sql.pandas.types").to_arrow_schema
    posts, quarantine = [], []
    for path in DATA_FILES:
        result = read_fixture(str(path.relative_to(API_FIXTURES)))
        posts += result.posts
        quarantine += result.quarantine
    post_batch = pa.RecordBatch.from_pylist(
        posts, schema=to_arrow_schema(BRONZE_POSTS_SCHEMA, timezone="UTC"))
    quarantine_batch = pa.RecordBatch.from_pylist(
        quarantine, schema=to_arrow_schema(BRONZE_QUARANTINE_SCHEMA, timezone="UTC"))
    assert (post_batch.num_rows, quarantine_batch.num_rows) == (len(posts), len(quarantine))
