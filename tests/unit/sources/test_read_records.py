"""read_records: file modes, quarantine paths, provenance and payload hashing."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from datetime import datetime, timedelta, timezone

import pytest

from socialake.schemas import BRONZE_POSTS_SCHEMA, BRONZE_QUARANTINE_SCHEMA

POST_KEYS = [f.name for f in BRONZE_POSTS_SCHEMA.fields]
QUARANTINE_KEYS = [f.name for f in BRONZE_QUARANTINE_SCHEMA.fields]
STATUS = "mastodon/test_status__1.json"


def jetstream_line(rkey: str, text: str = "hi") -> bytes:
    """A minimal Jetstream post-create event as one NDJSON line."""
    event = {"did": "did:plc:abc", "time_us": 1725911162329308, "kind": "commit",
             "commit": {"rev": "r", "operation": "create", "collection": "app.bsky.feed.post",
                        "rkey": rkey, "cid": "c",
                        "record": {"text": text, "createdAt": "2024-09-09T19:46:02.102Z"}}}
    return json.dumps(event).encode()


def test_rows_have_exactly_the_schema_keys(read_bytes):
    data = b"\n".join([jetstream_line("a"), b"{broken"])
    result = read_bytes(data, "x.ndjson")
    assert list(result.posts[0]) == POST_KEYS
    assert list(result.quarantine[0]) == QUARANTINE_KEYS


def test_provenance(read_bytes, context):
    mtime = datetime(2024, 4, 2, 8, 0)  # naive: taken as UTC
    [row] = read_bytes(jetstream_line("a"), "in/x.ndjson", file_mtime=mtime).posts
    assert row["source_name"] == "test" and row["run_id"] == "run-1"
    assert row["source_file"] == "in/x.ndjson" and row["source_offset"] == "line 1"
    assert row["collected_at"] == mtime.replace(tzinfo=timezone.utc)
    assert row["ingested_at"] == datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    collected = datetime(2024, 4, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    [row] = read_bytes(jetstream_line("a"), "x.ndjson", context(collected_at=collected),
                       file_mtime=mtime).posts
    assert row["collected_at"] == datetime(2024, 4, 1, 8, 0, tzinfo=timezone.utc)
    assert row["collected_at"].tzinfo == timezone.utc


def test_payload_is_canonical_json_and_hash_is_its_sha256(read_bytes, fixture_bytes):
    original = json.loads(fixture_bytes(STATUS))
    [row] = read_bytes(fixture_bytes(STATUS), "status.json").posts
    assert row["raw_payload"] == json.dumps(original, sort_keys=True, separators=(",", ":"),
                                            ensure_ascii=False)
    assert row["payload_sha256"] == hashlib.sha256(row["raw_payload"].encode()).hexdigest()


def test_same_content_same_key_whatever_the_layout(read_bytes, fixture_bytes):
    pretty = fixture_bytes(STATUS)
    reordered = json.dumps(dict(reversed(list(json.loads(pretty).items())))).encode()
    keys = {read_bytes(pretty, "a.json").posts[0]["payload_sha256"],
            read_bytes(pretty, "a.json").posts[0]["payload_sha256"],
            read_bytes(reordered + b"\n", "b.ndjson").posts[0]["payload_sha256"],
            read_bytes(gzip.compress(pretty), "c.json.gz").posts[0]["payload_sha256"]}
    assert len(keys) == 1


def test_bad_utf8_line(read_bytes):
    bad = b'{"text": "caf\xe9"}'
    result = read_bytes(b"\n".join([jetstream_line("a"), bad, jetstream_line("b")]), "x.ndjson")
    assert len(result.posts) == 2
    [row] = result.quarantine
    assert row["reason_code"] == "bad_utf8"
    assert row["source_offset"] == "line 2"
    assert row["raw_bytes"] == bad
    assert row["raw_preview"] == '{"text": "caf\ufffd"}'
    assert row["quarantine_id"] == hashlib.sha256(b"bad_utf8\0" + bad).hexdigest()


def test_truncated_json_document(read_bytes, fixture_bytes):
    data = fixture_bytes(STATUS)[:500]
    result = read_bytes(data, "status.json")
    assert result.posts == []
    [row] = result.quarantine
    assert (row["reason_code"], row["source_offset"]) == ("bad_json", "document")
    assert row["raw_bytes"] == data
    assert row["quarantine_id"] == hashlib.sha256(b"bad_json\0" + data).hexdigest()


def test_quarantine_id_is_stable_across_files_and_runs(read_bytes, context):
    first = read_bytes(b"{nope\n", "a.ndjson").quarantine[0]
    second = read_bytes(b"{nope\n", "b.ndjson", context(run_id="run-2")).quarantine[0]
    assert first["quarantine_id"] == second["quarantine_id"]


def test_json_file_holding_ndjson_falls_back_to_lines(read_bytes):
    data = b"\n".join([jetstream_line("a"), jetstream_line("b"), b"{broken"]) + b"\n"
    result = read_bytes(data, "events.json")
    assert [row["source_offset"] for row in result.posts] == ["line 1", "line 2"]
    assert result.reasons() == ["bad_json"]


def test_json_file_of_ndjson_with_bad_utf8(read_bytes):
    data = b"\n".join([jetstream_line("a"), b'{"x": "\xff"}'])
    result = read_bytes(data, "events.json")
    assert len(result.posts) == 1 and result.reasons() == ["bad_utf8"]


def test_whole_document_bad_utf8(read_bytes):
    result = read_bytes(b'{\n "text": "\xff"\n}', "doc.json")
    assert result.reasons() == ["bad_utf8"]
    assert result.quarantine[0]["source_offset"] == "document"


def test_gzip_matches_plain(read_bytes, fixture_bytes):
    data = fixture_bytes("reddit/TestSubredditListings.test_new__1.json")
    plain = read_bytes(data, "new.json")
    zipped = read_bytes(gzip.compress(data), "new.json.gz")
    assert len(plain.posts) == 100
    assert [r["payload_sha256"] for r in zipped.posts] == [r["payload_sha256"] for r in plain.posts]


def test_truncated_gzip_keeps_what_was_read(read_bytes):
    lines = b"\n".join(jetstream_line(f"k{i}", hashlib.sha256(b"%d" % i).hexdigest())
                       for i in range(3000)) + b"\n"
    compressed = gzip.compress(lines)
    result = read_bytes(compressed[: len(compressed) // 2], "events.ndjson.gz")
    assert 0 < len(result.posts) < 3000
    [row] = result.quarantine
    assert row["reason_code"] == "read_error"
    assert row["source_offset"] == f"line {len(result.posts) + 1}"
    other = read_bytes(compressed[: len(compressed) // 2], "other.ndjson.gz").quarantine[0]
    assert other["quarantine_id"] != row["quarantine_id"]  # two broken files stay two rows


def test_gzip_is_recognised_by_its_bytes(read_bytes):
    line = jetstream_line("a") + b"\n"
    # a file system that already decompressed "x.ndjson.gz" (pyarrow does, by extension)
    assert len(read_bytes(line, "x.ndjson.gz").posts) == 1
    assert len(read_bytes(gzip.compress(line), "mislabelled.ndjson").posts) == 1


def test_corrupt_gzip(read_bytes):
    data = bytearray(gzip.compress(jetstream_line("a")))
    data[3] = 0xFF  # reserved flag bits set: not a valid gzip header
    assert read_bytes(bytes(data), "x.ndjson.gz").reasons() == ["read_error"]


def test_csv_missing_id_value(read_bytes):
    data = b"post_id,text\n1,first\n,no id here\n3,third\n"
    result = read_bytes(data, "posts.csv")
    assert [row["post_id"] for row in result.posts] == ["1", "3"]
    [row] = result.quarantine
    assert (row["reason_code"], row["source_offset"]) == ("missing_field", "row 2")
    assert row["raw_bytes"] == b",no id here"
    assert row["platform"] == "generic" and row["source_format"] == "csv"


def test_csv_malformed_rows(read_bytes):
    data = b'post_id,text\n1,"bad"quote\n2,too,many\n3,caf\xe9\n4,fine\n'
    result = read_bytes(data, "posts.csv")
    assert [row["post_id"] for row in result.posts] == ["4"]
    assert result.reasons() == ["bad_csv", "bad_csv", "bad_utf8"]
    assert [row["raw_bytes"] for row in result.quarantine] == [
        b'1,"bad"quote', b"2,too,many", b"3,caf\xe9"]


def test_csv_with_bom_and_crlf(read_bytes):
    result = read_bytes(b"\xef\xbb\xbfpost_id,text\r\n1,one\r\n", "posts.csv")
    assert [(row["post_id"], row["text"]) for row in result.posts] == [("1", "one")]


def test_api_error_body(read_bytes):
    result = read_bytes(b'{"error": "Record not found"}', "status.json")
    assert result.reasons() == ["api_error"]


def test_unknown_document(read_bytes):
    result = read_bytes(b'{"hello": "world"}', "x.json")
    assert result.reasons() == ["unknown_format"]
    assert result.quarantine[0]["platform"] is None


def test_nan_is_not_json(read_bytes):
    assert read_bytes(b'{"did": NaN}\n', "x.ndjson").reasons() == ["bad_json"]


def test_unpaired_surrogate_escape(read_bytes):
    line = jetstream_line("a", "x").replace(b'"x"', b'"\\ud83d"')
    result = read_bytes(line, "x.ndjson")
    assert result.posts == [] and result.reasons() == ["bad_value"]


def test_wrongly_typed_fields(read_bytes):
    event = json.loads(jetstream_line("a"))
    event["commit"]["record"]["createdAt"] = 12
    missing = json.loads(jetstream_line("b"))
    del missing["commit"]["rkey"]
    data = json.dumps(event).encode() + b"\n" + json.dumps(missing).encode()
    assert read_bytes(data, "x.ndjson").reasons() == ["bad_value", "missing_field"]


def test_one_bad_tweet_does_not_cost_its_neighbours(read_bytes):
    doc = {"data": [{"id": "1", "text": "a"}, {"text": "no id"}, {"id": ["x"], "text": "c"}]}
    result = read_bytes(json.dumps(doc).encode(), "page.json")
    assert [row["post_id"] for row in result.posts] == ["1"]
    assert result.reasons() == ["missing_field", "bad_value"]
    assert [row["source_offset"] for row in result.quarantine] == ["$.data[1]", "$.data[2]"]
    assert json.loads(result.quarantine[0]["raw_bytes"]) == {"text": "no id"}


def test_forced_format(read_bytes, context, load_fixture):
    flat = load_fixture("reddit/TestComment.test_refresh__removed_comment__1.json")
    line = json.dumps(flat["data"]["children"][0]["data"]).encode()
    [row] = read_bytes(line, "x.jsonl", context(forced_format="pushshift")).posts
    assert row["source_format"] == "pushshift" and row["post_id"] == "t1_dma3mi5"
    forced_wrong = read_bytes(line, "x.jsonl", context(forced_format="jetstream"))
    assert forced_wrong.reasons() == ["not_a_post"]
    with pytest.raises(ValueError, match="forced_format"):
        read_bytes(line, "x.jsonl", context(forced_format="tiktok"))


def test_garbage_never_raises(read_bytes):
    inputs = [b"\x00\x01\x02", b"[" * 5000 + b"]" * 5000, b"[1, 2, null]", b'"just a string"',
              b"{}", b"[]", b"", b"\n\n", b'{"data": 5}', b'{"kind": "Listing", "data": {}}',
              b'{"statuses": "no"}', b'{"did": "d", "time_us": 1, "kind": "commit", "commit": 3}']
    for data in inputs:
        for name in ("x.json", "x.ndjson", "x.csv"):
            read_bytes(data, name)  # must not raise


def test_bad_context_is_a_configuration_error(read_bytes, context):
    with pytest.raises(ValueError, match="unknown: txt"):
        read_bytes(b"post_id\n1\n", "x.csv", context(column_mapping={"txt": "body"}))
    with pytest.raises(ValueError, match="csv_delimiter"):
        read_bytes(b"post_id\n1\n", "x.csv", context(csv_delimiter=";;"))


def test_retyped_fields_never_raise(read_bytes, load_fixture):
    """Seeded fuzz: any value of a real document replaced by another JSON type."""
    rng = random.Random(20240501)
    documents = [load_fixture(name) for name in (
        "twitter_v2_docs_examples/Search_Tweets_Recent_search_200_Success_Request_Tweet_Fields_with_Expanded_User_Fields.json",
        "twitter_v1.1/testgetstatus__0.json", "mastodon/test_notifications__1.json",
        "reddit/TestComment.test_refresh__deleted_comment__2.json")]
    replacements = [None, 0, -1, 2**70, 1.5, True, "", "text", [], [1, "a"], {}, {"id": 1}]

    def locations(node, path=()):
        yield path
        children = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else ()
        for key, child in children:
            yield from locations(child, (*path, key))

    for _ in range(300):
        document = json.loads(json.dumps(rng.choice(documents)))
        path = rng.choice(list(locations(document))[1:])
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = json.loads(json.dumps(rng.choice(replacements)))
        result = read_bytes(json.dumps(document).encode(), "fuzz.json")
        assert all(row["post_id"] for row in result.posts)


def test_non_numeric_x_ids_are_quarantined_as_bad_values():
    import io
    import json
    from datetime import datetime, timezone

    from socialake.sources.base import ReadContext
    from socialake.sources.reader import read_records

    page = {"data": [{"id": "12345", "text": "fine", "edit_history_tweet_ids": ["12345"]},
                     {"id": "12x45", "text": "not an X id", "edit_history_tweet_ids": ["12x45"]}]}
    context = ReadContext(source_name="t", run_id="r", ingested_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    rows = list(read_records(io.BytesIO(json.dumps(page).encode()), context, source_file="p.json", file_mtime=None))

    assert [(kind, row.get("post_id") or row.get("reason_code")) for kind, row in rows] == [
        ("post", "12345"), ("quarantine", "bad_value")]
