"""Bluesky Jetstream parser on the hand-written sample (tests/fixtures/api/bluesky/).

Expected values were read off the sample by hand (see its README for what each line is).
"""

from __future__ import annotations

from datetime import datetime, timezone

SAMPLE = "bluesky/jetstream_sample.ndjson"
AUTHOR = "did:plc:4n7gzk3vvyuvy3mr4fcdjbpb"
ALICE = "did:plc:qv3bn6ztkxlw5rmgyeh2ajcf"
QUOTER = "did:plc:z72i7hdynmk6r22z27h6tvur"
FIRST_POST = f"at://{AUTHOR}/app.bsky.feed.post/3l3qo2vuowo2b"
REPLY = f"at://{ALICE}/app.bsky.feed.post/3l3qo3bpxkk2c"


def test_line_counts(read_fixture):
    result = read_fixture(SAMPLE)
    # lines 1-6 are posts (4 creates, a repost, a delete); 7 like, 8 identity, 9 malformed
    assert [row["source_offset"] for row in result.posts] == [f"line {n}" for n in range(1, 7)]
    assert result.reasons() == ["not_a_post", "not_a_post", "bad_json"]
    assert [row["source_offset"] for row in result.quarantine] == ["line 7", "line 8", "line 9"]


def test_create_with_facets(read_fixture):
    row = read_fixture(SAMPLE).post(FIRST_POST)
    assert row["platform"] == "bluesky" and row["source_format"] == "jetstream"
    assert row["event_type"] == "post"
    assert row["author_id"] == AUTHOR
    assert row["author_handle"] is None  # Jetstream carries no handle for the author
    assert row["text"] == "Hi @alice.bsky.social 🦋 see https://example.com/x #atproto"
    assert row["created_at"] == datetime(2024, 9, 9, 19, 46, 2, 102000, tzinfo=timezone.utc)
    assert row["lang"] == "en"
    assert row["mentions"] == [{"author_id": ALICE, "handle": "alice.bsky.social"}]
    assert row["urls"] == ["https://example.com/x"]
    assert row["hashtags"] == ["atproto"]
    assert row["conversation_id"] == FIRST_POST
    assert row["post_url"] == f"https://bsky.app/profile/{AUTHOR}/post/3l3qo2vuowo2b"


def test_reply(read_fixture):
    row = read_fixture(SAMPLE).post(REPLY, "post")
    assert row["reply_to_post_id"] == FIRST_POST
    assert row["reply_to_author_id"] == AUTHOR
    assert row["conversation_id"] == FIRST_POST
    assert row["lang"] == "en"


def test_quotes(read_fixture):
    result = read_fixture(SAMPLE)
    plain = result.post(f"at://{QUOTER}/app.bsky.feed.post/3l3qo3qnnmt2s")
    assert plain["quote_of_post_id"] == FIRST_POST
    with_image = result.post(f"at://{QUOTER}/app.bsky.feed.post/3l3qo4dh5ox2k")
    assert with_image["quote_of_post_id"] == FIRST_POST
    [image] = with_image["media"]
    assert image["media_id"] == "bafkreihxltzy5t2qvd3b4jrcyvhsa3cq7lylkgrtcq5ukeiuhjlm5mmjey"
    assert image["type"] == "image"
    assert image["alt_text"] == "A butterfly on a keyboard"


def test_repost(read_fixture):
    row = read_fixture(SAMPLE).post(f"at://{ALICE}/app.bsky.feed.repost/3l3qo4kx7vr2a")
    assert row["repost_of_post_id"] == FIRST_POST
    assert row["created_at"] == datetime(2024, 9, 9, 19, 46, 24, 512000, tzinfo=timezone.utc)


def test_delete(read_fixture):
    row = read_fixture(SAMPLE).post(REPLY, "delete")
    assert row["author_id"] == ALICE
    assert row["text"] is None and row["created_at"] is None
    assert row["source_offset"] == "line 6"


def test_like_and_malformed_line_are_quarantined(read_fixture, fixture_bytes):
    result = read_fixture(SAMPLE)
    like, _, broken = result.quarantine
    assert "app.bsky.feed.like" in like["reason"]
    assert like["platform"] == "bluesky"
    last_line = fixture_bytes(SAMPLE).rstrip(b"\n").rsplit(b"\n", 1)[1]
    assert broken["raw_bytes"] == last_line
