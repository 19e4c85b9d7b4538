"""Generic CSV / JSONL parsing through ReadContext.column_mapping."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from socialake.sources.generic import parse_time

MAPPING = {"post_id": "id", "text": "body", "author_handle": "user", "created_at": "time",
           "like_count": "likes", "hashtags": "tags", "platform": "network"}


def test_csv_with_column_mapping(read_bytes, context):
    data = (b"id,body,user,time,likes,tags,network\n"
            b'1,"hello, world",ann,2024-03-01T10:00:00Z,7,#a|b,x\n'
            b"2,second,bob,2024-03-01T11:00:00+02:00,12.0,,\n")
    result = read_bytes(data, "export.csv", context(column_mapping=MAPPING))
    first, second = result.posts
    assert first["post_id"] == "1" and first["text"] == "hello, world"
    assert first["author_handle"] == "ann"
    assert first["created_at"] == datetime(2024, 3, 1, 10, tzinfo=timezone.utc)
    assert first["like_count"] == 7
    assert first["hashtags"] == ["a", "b"]
    assert first["platform"] == "x"
    assert first["source_format"] == "csv" and first["source_offset"] == "row 1"
    assert json.loads(first["raw_payload"])["body"] == "hello, world"
    assert second["created_at"] == datetime(2024, 3, 1, 9, tzinfo=timezone.utc)
    assert second["like_count"] == 12 and second["hashtags"] == []
    assert second["platform"] == "generic"


def test_csv_quoted_newline_and_delimiter(read_bytes, context):
    data = b'post_id;text\n1;"two\nlines"\n'
    [row] = read_bytes(data, "x.csv", context(csv_delimiter=";")).posts
    assert row["text"] == "two\nlines"


def test_csv_custom_timestamp_format(read_bytes, context):
    ctx = context(timestamp_format="%d/%m/%Y %H:%M")
    [row] = read_bytes(b"post_id,created_at\n9,05/03/2024 14:30\n", "x.csv", ctx).posts
    assert row["created_at"] == datetime(2024, 3, 5, 14, 30, tzinfo=timezone.utc)


def test_csv_bad_values(read_bytes):
    data = (b"post_id,like_count,created_at\n1,many,\n2,3,not a time\n3,4,1700000000\n"
            b"4,99999999999999999999,\n")
    result = read_bytes(data, "x.csv")
    assert result.reasons() == ["bad_value", "bad_value", "bad_value"]
    assert [row["source_offset"] for row in result.quarantine] == ["row 1", "row 2", "row 4"]
    assert result.quarantine[0]["raw_bytes"] == b"1,many,"
    [good] = result.posts
    assert good["created_at"] == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)


def test_jsonl_with_dotted_paths(read_bytes, context):
    ctx = context(column_mapping={"post_id": "id", "author_handle": "user.name",
                                  "urls": "links", "like_count": "stats.likes"})
    line = {"id": 42, "user": {"name": "ann"}, "links": ["https://a.example"],
            "stats": {"likes": 3}, "text": "hi"}
    [row] = read_bytes(json.dumps(line).encode(), "dump.jsonl", ctx).posts
    assert (row["post_id"], row["author_handle"], row["like_count"]) == ("42", "ann", 3)
    assert row["urls"] == ["https://a.example"]
    assert row["text"] == "hi"
    assert row["source_format"] == "jsonl" and row["platform"] == "generic"


def test_jsonl_without_id_column_is_unknown(read_bytes):
    result = read_bytes(b'{"something": 1}\n', "dump.jsonl")
    assert result.reasons() == ["unknown_format"]


def test_epoch_magnitudes():
    expected = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    for value in (1700000000, 1700000000000, "1700000000000000", 1700000000000000000):
        assert parse_time(value, "t", None) == expected
