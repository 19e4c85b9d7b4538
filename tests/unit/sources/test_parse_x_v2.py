"""X API v2 parser on real responses (tweepy cassettes and X's Postman examples).

Expected values were read off the fixture JSON by hand.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from socialake.sources.x_v2 import snowflake_time

DOCS = "twitter_v2_docs_examples/"
EXPANDED_USERS = DOCS + "Search_Tweets_Recent_search_200_Success_Request_Tweet_Fields_with_Expanded_User_Fields.json"


def test_tweet_with_user_expansion(read_fixture):
    result = read_fixture(EXPANDED_USERS)
    tweet = result.post("1276035977375477760")
    assert tweet["platform"] == "x" and tweet["source_format"] == "x_v2"
    assert tweet["api_version"] == "2"
    assert tweet["source_offset"] == "$.data[0]"
    assert tweet["event_type"] == "post"
    assert tweet["author_id"] == "63046977"
    assert tweet["author_handle"] == "happycamper"
    assert tweet["author_display_name"] == "Emily Waligoske 🏕"
    assert tweet["author_bio"].startswith("Part-time fiddler, wanderer, yogi")
    assert tweet["created_at"] == datetime(2020, 6, 25, 6, 14, 19, tzinfo=timezone.utc)
    assert tweet["text"].startswith("@snowman Ooo, thanks error message")
    assert tweet["lang"] == "en"
    assert tweet["reply_to_post_id"] == "1275653067283759104"
    assert tweet["reply_to_author_id"] == "17200003"
    # the mention carries only a username; its id comes from includes.users (snowman)
    assert tweet["mentions"] == [{"author_id": "17200003", "handle": "snowman"}]
    assert tweet["urls"] == ["https://twitter.com/happycamper/status/1276035977375477760/photo/1"]
    assert [m["media_id"] for m in tweet["media"]] == ["16_1276035971193044992"]
    assert tweet["post_url"] == "https://x.com/happycamper/status/1276035977375477760"


def test_raw_payload_keeps_the_includes_it_used(read_fixture):
    tweet = read_fixture(EXPANDED_USERS).post("1276035977375477760")
    payload = json.loads(tweet["raw_payload"])
    assert payload["data"]["id"] == "1276035977375477760"
    assert {u["username"] for u in payload["includes"]["users"]} == {"happycamper", "snowman"}
    assert [t["id"] for t in payload["includes"]["tweets"]] == ["1275653067283759104"]
    assert "jellybeanjones" not in tweet["raw_payload"]  # an unrelated include stays out


def test_referenced_tweets_in_includes_are_posts_too(read_fixture):
    result = read_fixture(EXPANDED_USERS)
    # 4 tweets in data + 3 in includes.tweets, one of which (1275653067283759104) is in data
    assert len(result.posts) == 6
    included = result.post("1274086728471461889")
    assert included["source_offset"] == "$.includes.tweets[2]"
    assert included["hashtags"] == ["fresh"]
    assert included["author_handle"] == "happycamper"


def test_retweet_and_quote_references(read_fixture):
    result = read_fixture(DOCS + "Search_Tweets_Recent_search_200_Success_Request_Tweet_Fields.json")
    assert result.post("1275840892285399041")["repost_of_post_id"] == "1275809336988557314"
    both = result.post("1275840875466305542")
    assert both["quote_of_post_id"] == "1275622383555133440"
    assert both["repost_of_post_id"] == "1275837188715020290"


def test_hashtags_and_media_from_includes(read_fixture):
    result = read_fixture(DOCS + "Search_Tweets_Recent_search_200_Success_Request_Expanded_Media_Fields.json")
    tweet = result.post("1278020251041570816")
    assert tweet["hashtags"] == ["TLOU2", "TheLastofUsPart2"]
    assert tweet["mentions"] == [{"author_id": None, "handle": "CritterOfHabit"}]
    assert tweet["media"] == [{"media_id": "3_1277604962361462785", "type": "photo",
                               "url": "https://pbs.twimg.com/media/Ebr28bjU0AEasL0.jpg",
                               "alt_text": None}]


def test_video_media_uses_preview_image(read_fixture):
    tweet = read_fixture(DOCS + "Tweet_Lookup_Single_Tweet_200_Success_Request_Media_Fields.json").post(
        "1263145271946551300")
    assert tweet["source_offset"] == "$.data"
    assert tweet["media"][0]["type"] == "video"
    assert tweet["media"][0]["url"] == "https://pbs.twimg.com/media/EYeX7akWsAIP1_1.jpg"
    assert tweet["urls"] == ["https://twitter.com/Twitter/status/1263145271946551300/video/1"]


def test_expanded_url_wins_over_tco(read_fixture):
    tweet = read_fixture(DOCS + "Tweet_Lookup_Single_Tweet_200_Success_Request_Tweet_fields.json").post(
        "1275828087666679809")
    assert tweet["urls"] == ["https://blog.twitter.com/developer/en_us/topics/tips/2020/"
                             "how-to-analyze-the-sentiment-of-your-own-tweets.html"]
    assert tweet["author_id"] == "2244994945"


def test_place_from_includes(read_fixture):
    tweet = read_fixture(DOCS + "Tweet_Lookup_Single_Tweet_200_Success_Request_Place_Fields.json").post(
        "1136017751028449283")
    assert tweet["place_name"] == "Manhattan, NY"
    assert tweet["place_country"] == "US"
    assert tweet["geo_lat"] is None  # a place, not an exact point
    assert "01a9a39529b27f36" in tweet["raw_payload"]


def test_snowflake_time_matches_the_api_created_at():
    # ids and created_at pairs from the Media Fields and Tweet fields examples
    pairs = {"1263145271946551300": datetime(2020, 5, 20, 16, 31, 15, tzinfo=timezone.utc),
             "1275828087666679809": datetime(2020, 6, 24, 16, 28, 14, tzinfo=timezone.utc)}
    for tweet_id, created_at in pairs.items():
        assert abs((snowflake_time(tweet_id) - created_at).total_seconds()) < 1
    assert snowflake_time("20") is None  # pre-Snowflake ids carry no time


def test_default_fields_tweet_gets_created_at_from_its_id(read_fixture):
    tweet = read_fixture("twitter_v2/test_client_get_tweet__0.json").post("1293593516040269825")
    assert tweet["created_at"] == snowflake_time("1293593516040269825")
    assert tweet["created_at"].tzinfo is not None


def test_edited_tweet_is_an_edit_of_its_first_version(read_fixture):
    result = read_fixture("twitter_v2/test_client_get_home_timeline__0.json")
    assert len(result.posts) == 98
    edit = result.post("1577158996984987648")
    assert edit["event_type"] == "edit"
    assert edit["text"] == "I hope I’m not mistaken. Fixed it. https://t.co/6o0rdokH3t"
    assert json.loads(edit["raw_payload"])["data"]["id"] == "1577162244978139137"
    assert edit["edited_at"] == snowflake_time("1577162244978139137")
    assert edit["created_at"] == snowflake_time("1577158996984987648")


def test_not_found_errors_are_delete_events(read_fixture):
    result = read_fixture(DOCS + "Tweet_Lookup_Multiple_Tweets_200_Success_1_Deleted_1_Valid_Tweet.json")
    assert result.post("20")["text"] == "just setting up my twttr"
    deleted = result.post("1276230436478386177")
    assert deleted["event_type"] == "delete"
    assert deleted["source_offset"] == "$.errors[0]"
    assert deleted["text"] is None
    assert result.quarantine == []


def test_single_deleted_tweet(read_fixture):
    result = read_fixture(DOCS + "Tweet_Lookup_Single_Tweet_200_Success_Deleted_Tweet.json")
    assert [(p["post_id"], p["event_type"]) for p in result.posts] == [
        ("1276230436478386177", "delete")]


def test_too_many_ids_is_an_api_error_with_the_exact_bytes(read_fixture, fixture_bytes):
    name = DOCS + "Tweet_Lookup_Multiple_Tweets_400_Bad_Request_Too_Many_Tweets.json"
    result = read_fixture(name)
    assert result.posts == []
    [row] = result.quarantine
    assert row["reason_code"] == "api_error"
    assert row["source_offset"] == "document"
    assert row["raw_bytes"] == fixture_bytes(name)
    assert row["platform"] == "x"


def test_user_not_found_is_an_api_error(read_fixture):
    result = read_fixture(DOCS + "User_Lookup_User_by_ID_200_Success_User_Not_Found.json")
    assert result.posts == []
    assert result.reasons() == ["api_error"]
    assert result.quarantine[0]["source_offset"] == "$.errors[0]"


def test_users_and_counts_are_not_posts(read_fixture):
    for name in ("twitter_v2/test_client_get_users_followers__0.json",
                 "twitter_v2/test_client_get_all_tweets_count__0.json",
                 DOCS + "User_Lookup_Users_by_ID_200_Success_Request_User_and_Expanded_Pinned_Tweet_Fields.json"):
        result = read_fixture(name)
        assert result.posts == [], name
        assert result.reasons() == ["not_a_post"], name
        assert result.quarantine[0]["source_offset"] == "document"
