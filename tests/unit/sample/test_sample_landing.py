"""Every landing file is valid in its format (checked with stdlib parsers), except exactly the
planted malformed records, and every landing record matches its truth row."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path


def test_every_landing_record_is_one_truth_row(sample, native) -> None:
    truth_keys = {(r["file"], r["location"]) for r in sample.posts}
    assert len(native) == sample.n_posts
    assert set(native) == truth_keys
    assert len(sample.posts) == sample.n_posts == sample.summary["counts"]["records"]


def test_counts_add_up(sample) -> None:
    counts = sample.summary["counts"]
    events = Counter(r["event_type"] for r in sample.posts)
    malformed = sum(r["is_malformed"] for r in sample.posts)
    assert counts["malformed"] == malformed == round(sample.n_posts * 0.005)
    assert events["edit"] == counts["edits"] and events["delete"] == counts["deletes"]
    assert counts["posts"] + counts["edits"] + counts["deletes"] + counts["malformed"] \
        == sample.n_posts
    # documented tolerance: edits, deletion markers and malformed records are a few % of N
    assert 0 < counts["edits"] + counts["deletes"] + counts["malformed"] < 0.06 * sample.n_posts
    per_format = sample.summary["formats"]
    assert sum(f["records"] for f in per_format.values()) == sample.n_posts
    assert Counter(r["source_format"] for r in sample.posts) == {
        fmt: f["records"] for fmt, f in per_format.items()}
    top3 = sorted(per_format, key=lambda f: -per_format[f]["records"])[:3]
    assert set(top3) == {"x_v2", "pushshift", "mastodon"}


def _stamp(fmt: str, raw: dict) -> object:
    if fmt == "pushshift":
        return raw["created_utc"]
    if fmt == "jetstream":
        return raw["commit"]["record"]["createdAt"]
    return raw["created_at"]


def _valid_stamp(fmt: str, value: object) -> bool:
    """Does the timestamp parse as a real date in the format's documented form?"""
    if fmt == "pushshift":
        return isinstance(value, int)
    pattern = {"x_v1.1": "%a %b %d %H:%M:%S %z %Y", "csv": "%Y-%m-%dT%H:%M:%SZ"}.get(
        fmt, "%Y-%m-%dT%H:%M:%S.%fZ")
    try:
        datetime.strptime(str(value), pattern)
    except ValueError:
        return False
    return True


def test_only_planted_records_are_malformed(sample, native) -> None:
    planted = {(m["file"], m["location"]): m for m in sample.summary["malformed"]["records"]}
    assert len(planted) == sample.summary["malformed"]["count"] > 0
    for row in sample.posts:
        key = (row["file"], row["location"])
        record = native[key]
        fmt = row["source_format"]
        if not row["is_malformed"]:
            assert key not in planted
            assert record["kind"] != "unparsable", key
            if not row["is_deleted"] or fmt == "pushshift":
                assert _valid_stamp(fmt, _stamp(fmt, record["raw"])), key
            if fmt in ("x_v2", "x_v1.1", "mastodon") and record["kind"] == "post":
                assert record["id"].isdigit(), key
            continue
        assert key in planted
        kind = row["malformed_kind"]
        if kind in ("truncated_json", "invalid_utf8"):
            assert record["kind"] == "unparsable", key
        elif kind == "non_numeric_id":
            assert not record["id"].isdigit(), key
        elif kind == "missing_id":
            assert record["id"] in ("", None), key
        elif kind == "bad_timestamp":
            assert not _valid_stamp(fmt, _stamp(fmt, record["raw"])), key
        else:
            raise AssertionError(f"undocumented malformed kind {kind}")
    for m in sample.summary["malformed"]["records"]:
        fmt = m["file"].split("/")[1]
        assert (m["line"] is not None) == (fmt in ("pushshift", "jetstream", "csv"))
        if fmt == "csv":
            assert m["location"] == f"row {m['line'] - 1}"  # line 1 is the header
        elif m["line"] is not None:
            assert m["location"] == f"line {m['line']}"


def test_native_ids_and_text_match_truth(sample, native) -> None:
    for row in sample.posts:
        if row["is_malformed"]:
            continue
        record = native[(row["file"], row["location"])]
        where = (row["file"], row["location"])
        assert record["id"] == row["native_id"], where
        # bronze keys an X edit by its original tweet id; every other record by its own id
        if row["is_edit"] and row["source_format"] == "x_v2":
            assert row["post_id"] == row["edit_of_post_id"] != row["native_id"]
        else:
            assert row["post_id"] == row["native_id"], where
        if row["is_deleted"]:
            assert row["text"] is None
            if row["source_format"] == "pushshift":
                assert record["text"] in ("[deleted]", "[removed]"), where
            else:
                assert record["kind"] == "delete", where
            continue
        assert record["kind"] == "post", where
        assert record["text"] == row["text"], where


def test_x_v2_pages(sample, landing) -> None:
    pages = [p for p in landing.files(sample.out) if "/x_v2/" in p.as_posix()]
    assert pages
    for path in pages:
        page = json.loads(path.read_text(encoding="utf-8"))
        assert set(page) <= {"data", "includes", "errors", "meta"}
        data = page.get("data", [])
        assert 0 < len(data) + len(page.get("errors", [])) <= 100
        assert page["meta"]["result_count"] == len(data)
        users = {u["id"] for u in page["includes"]["users"]}
        for tweet in data:
            assert tweet["author_id"] in users
            if tweet["id"].isdigit():  # planted malformed records carry a non-numeric id
                assert tweet["edit_history_tweet_ids"][-1] == tweet["id"]
            assert {"retweet_count", "reply_count", "like_count", "quote_count",
                    "impression_count"} <= set(tweet["public_metrics"])
            for ref in tweet.get("referenced_tweets", []):
                assert ref["type"] in ("replied_to", "quoted", "retweeted")
            text = tweet["text"]
            entities = tweet.get("entities", {})
            for ent in entities.get("mentions", []):
                assert text[ent["start"]:ent["end"]] == "@" + ent["username"]
                assert ent["id"] in users
            for ent in entities.get("hashtags", []):
                assert text[ent["start"]:ent["end"]] == "#" + ent["tag"]
            for ent in entities.get("urls", []):
                assert text[ent["start"]:ent["end"]] == ent["url"]
                assert ent["url"].startswith("https://t.co/")
        for err in page.get("errors", []):
            assert err["title"] == "Not Found Error" and err["resource_type"] == "tweet"
            assert err["parameter"] == "ids" and err["value"] == err["resource_id"]


def test_x_v1_statuses(sample, native) -> None:
    seen = Counter()
    for (file, _), record in native.items():
        if "/x_v1.1/" not in file:
            continue
        status = record["raw"]
        assert {"screen_name", "id_str", "followers_count"} <= set(status["user"])
        text = record["text"]
        entities = status.get("extended_tweet", {}).get("entities") or status["entities"]
        for ent in entities["user_mentions"]:
            start, end = ent["indices"]
            assert text[start:end] == "@" + ent["screen_name"]
        for ent in entities["hashtags"]:
            start, end = ent["indices"]
            assert text[start:end] == "#" + ent["text"]
        seen["full_text" if "full_text" in status else "text"] += 1
        if "retweeted_status" in status:
            seen["retweet"] += 1
            assert text.startswith("RT @" + status["retweeted_status"]["user"]["screen_name"])
        if status.get("is_quote_status"):
            seen["quote"] += 1
            assert status["quoted_status_id_str"]
    assert seen["full_text"] and seen["retweet"]


def test_jetstream_facets_use_utf8_byte_offsets(sample, landing) -> None:
    checked = 0
    for path in landing.files(sample.out):
        if "/jetstream/" not in path.as_posix():
            continue
        for raw in landing.read_lines(path):
            try:
                event = landing.parse_line_json(raw)
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            assert event["kind"] == "commit" and isinstance(event["time_us"], int)
            commit = event["commit"]
            assert commit["collection"] == "app.bsky.feed.post" and len(commit["rkey"]) == 13
            record = commit.get("record")
            if record is None:
                assert commit["operation"] == "delete"
                continue
            assert commit["operation"] == "create" and commit["cid"].startswith("bafyrei")
            data = record["text"].encode("utf-8")
            for facet in record.get("facets", []):
                piece = data[facet["index"]["byteStart"]:facet["index"]["byteEnd"]]
                feature = facet["features"][0]
                if feature["$type"].endswith("#tag"):
                    assert piece.decode("utf-8") == "#" + feature["tag"]
                elif feature["$type"].endswith("#link"):
                    assert piece.decode("utf-8") == feature["uri"]
                else:
                    assert piece.startswith(b"@") and feature["did"].startswith("did:plc:")
                checked += 1
    assert checked > 0


def test_reddit_and_mastodon_shapes(native) -> None:
    kinds = Counter()
    for (file, _), record in native.items():
        raw = record["raw"]
        if "/pushshift/" in file and record["kind"] == "post":
            prefix = "t3_" if Path(file).name.startswith("RS_") else "t1_"
            assert raw["name"] == prefix + raw["id"]
            if prefix == "t1_":
                assert raw["link_id"].startswith("t3_")
                assert raw["parent_id"][:3] in ("t1_", "t3_")
            else:
                assert raw["title"]
            kinds[prefix] += 1
        elif "/mastodon/" in file:
            assert raw["content"].startswith("<p>") and raw["content"].endswith("</p>")
            assert {"id", "username", "acct", "display_name", "note", "followers_count"} \
                <= set(raw["account"])
            for mention in raw["mentions"]:
                assert "@" + mention["username"] in record["text"]
            for tag in raw["tags"]:
                assert "#" + tag["name"] in record["text"].lower()
            kinds["mastodon"] += 1
    assert kinds["t1_"] > kinds["t3_"] > 0 and kinds["mastodon"] > 0


def test_csv_rows(sample, landing) -> None:
    paths = [p for p in landing.files(sample.out) if p.suffix == ".csv"]
    assert paths
    mapping = sample.summary["csv"]["column_mapping"]
    assert mapping == {"post_id": "id", "author_id": "user_id", "author_handle": "user_name",
                       "created_at": "created_at", "text": "text", "lang": "lang"}
    for path in paths:
        header, rows = landing.parse_csv(path)
        assert header == sample.summary["csv"]["columns"]
        assert set(mapping.values()) <= set(header)
        for _, fields in rows:
            assert fields is None or len(fields) == len(header)
