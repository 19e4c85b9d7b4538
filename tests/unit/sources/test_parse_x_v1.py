"""X API v1.1 parser on real statuses (tweepy cassettes), plus hand-built quote/extended cases.

Expected values were read off the fixture JSON by hand.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from socialake.sources.x_v1 import parse_created_at


def test_single_status(read_fixture):
    result = read_fixture("twitter_v1.1/testgetstatus__0.json")
    status = result.post("266367358078169089")
    assert status["source_format"] == "x_v1.1" and status["api_version"] == "1.1"
    assert status["source_offset"] == "document"
    assert status["author_id"] == "783214"
    assert status["author_handle"] == "Twitter"
    assert status["author_location"] == "Everywhere"
    assert status["author_followers"] == 56335782
    assert status["created_at"] == datetime(2012, 11, 8, 2, 31, 41, tzinfo=timezone.utc)
    assert status["text"].startswith("RT @TwitterEng: Bolstering our infrastructure.")
    assert status["like_count"] == 144
    assert status["repost_count"] == 211
    assert status["mentions"] == [{"author_id": "6844292", "handle": "TwitterEng"}]
    assert status["urls"] == [
        "https://engineering.twitter.com/2012/11/bolstering-our-infrastructure.html"]
    assert status["repost_of_post_id"] is None  # a hand-typed "RT", no retweeted_status


def test_retweet_emits_the_original_too(read_fixture):
    result = read_fixture("twitter_v1.1/testhometimeline__0.json")
    retweet = result.post("1144426235763802112")
    assert retweet["repost_of_post_id"] == "1144039018356719616"
    assert retweet["source_offset"] == "$[15]"
    original = result.post("1144039018356719616")
    assert original["source_offset"] == "$[15].retweeted_status"
    assert original["author_handle"] == "kingushbal"
    assert original["like_count"] == 215038
    assert original["text"].startswith("i just found out you can like 2 tweets at the same time")


def test_reply_fields(read_fixture):
    reply = read_fixture("twitter_v1.1/testhometimeline__0.json").post("1149016022558683136")
    assert reply["reply_to_post_id"] == "1143624280401502208"
    assert reply["reply_to_author_id"] == "783214"


def test_timeline_and_search_counts(read_fixture):
    # 19 statuses of which 3 are retweets; search: 15 statuses of which 6 are retweets
    assert len(read_fixture("twitter_v1.1/testhometimeline__0.json").posts) == 19 + 3
    search = read_fixture("twitter_v1.1/testsearchtweets__0.json")
    assert len(search.posts) == 15 + 6
    assert search.post("1149557488447975429")["source_offset"] == "$.statuses[14]"
    assert search.quarantine == []


def test_extended_tweet_and_quoted_status(read_bytes):
    quoted = {"id": 20, "id_str": "20", "text": "just setting up my twttr",
              "user": {"id_str": "12", "screen_name": "jack"},
              "created_at": "Tue Mar 21 20:50:14 +0000 2006"}
    status = {
        "id_str": "1500000000000000000", "text": "short version…", "truncated": True,
        "created_at": "Sat Mar 05 10:00:00 +0100 2022",
        "user": {"id_str": "7", "screen_name": "someone", "followers_count": 3},
        "quoted_status_id_str": "20", "quoted_status": quoted, "is_quote_status": True,
        "extended_tweet": {"full_text": "the full long text #tag",
                           "entities": {"hashtags": [{"text": "tag"}]}},
        "coordinates": {"type": "Point", "coordinates": [-73.99, 40.73]},
        "place": {"full_name": "Manhattan, NY", "country_code": "US"},
    }
    result = read_bytes(json.dumps(status).encode(), "status.json")
    outer = result.post("1500000000000000000")
    assert outer["text"] == "the full long text #tag"
    assert outer["hashtags"] == ["tag"]
    assert outer["quote_of_post_id"] == "20"
    assert outer["created_at"] == datetime(2022, 3, 5, 9, 0, tzinfo=timezone.utc)
    assert (outer["geo_lat"], outer["geo_lon"]) == (40.73, -73.99)
    assert (outer["place_name"], outer["place_country"]) == ("Manhattan, NY", "US")
    inner = result.post("20")
    assert inner["author_handle"] == "jack"
    assert inner["source_offset"] == "$.quoted_status"


def test_streaming_delete_notice(read_bytes):
    notice = b'{"delete":{"status":{"id":1,"id_str":"1234","user_id":3,"user_id_str":"3"}}}'
    [row] = read_bytes(notice + b"\n", "stream.ndjson").posts
    assert (row["event_type"], row["post_id"], row["author_id"]) == ("delete", "1234", "3")


def test_created_at_parser_is_locale_free():
    assert parse_created_at("Thu Nov 08 02:31:41 +0000 2012") == datetime(
        2012, 11, 8, 2, 31, 41, tzinfo=timezone.utc)
    assert parse_created_at(None) is None
