"""Reddit parser on real API Listings (PRAW cassettes) and on Pushshift-style lines made
from them (as the fixture README suggests: one child["data"] per line).

Expected values were read off the fixture JSON by hand.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

TREE = "reddit/TestMore.test_comments__2.json"


def test_submission_fields(read_fixture):
    result = read_fixture("reddit/TestSubredditListings.test_hot__1.json")
    assert len(result.posts) == 102
    post = result.post("t3_46c00m")
    assert post["platform"] == "reddit" and post["source_format"] == "reddit_api"
    assert post["source_offset"] == "$.data.children[0]"
    assert post["channel"] == "AskReddit"
    assert post["author_id"] == post["author_handle"] == "orangejulius"
    assert post["text"].startswith("THE ASKREDDIT MOBILE DESIGN EXTRAVAGANZA CONTEST!\n\n"
                                   "Hi everybody! (Hi Doctor Nick!)")
    assert post["like_count"] == 1382
    assert post["reply_count"] == 433
    assert post["created_at"] == datetime(2016, 2, 18, 0, 30, 45, tzinfo=timezone.utc)
    # "edited": 1456012265.0 -> an edit event
    assert post["event_type"] == "edit"
    assert post["edited_at"] == datetime(2016, 2, 20, 23, 51, 5, tzinfo=timezone.utc)
    assert post["conversation_id"] == "t3_46c00m"
    assert post["post_url"] == ("https://www.reddit.com/r/AskReddit/comments/46c00m/"
                                "the_askreddit_mobile_design_extravaganza_contest/")
    assert {"author_id": "drunken_economist", "handle": "drunken_economist"} in post["mentions"]


def test_link_post_url(read_fixture):
    post = read_fixture(TREE).post("t3_3hahrw")
    assert post["text"] == "Ba Dum Tsss"
    assert post["urls"] == ["http://i.imgur.com/eoF76hj.gifv"]
    assert post["channel"] == "funny"


def test_comment_tree_is_walked(read_fixture):
    result = read_fixture(TREE)
    # README: 1 t3 + 476 t1 + 18 "more" stubs, nested Listings
    assert len(result.posts) == 1 + 476
    assert result.reasons() == ["not_a_post"] * 18
    assert all("'more' stub" in row["reason"] for row in result.quarantine)
    top = result.post("t1_cu5pebp")
    assert top["reply_to_post_id"] == "t3_3hahrw"
    assert top["conversation_id"] == "t3_3hahrw"
    assert top["author_handle"] == "johnnwho"
    assert top["like_count"] == 1135
    reply = result.post("t1_cu5sye5")
    assert reply["reply_to_post_id"] == "t1_cu5pebp"
    assert reply["author_handle"] == "Lommo97"
    assert reply["source_offset"] == "$[1].data.children[0].data.replies.data.children[0]"


def test_comment_payload_leaves_out_the_reply_tree(read_fixture):
    top = read_fixture(TREE).post("t1_cu5pebp")
    payload = json.loads(top["raw_payload"])
    assert payload["kind"] == "t1"
    assert "replies" not in payload["data"]
    assert "cu5sye5" not in top["raw_payload"]


def test_deleted_comment_is_a_delete_event(read_fixture):
    result = read_fixture("reddit/TestComment.test_refresh__deleted_comment__1.json")
    [row] = result.posts
    assert row["post_id"] == "t1_d7ltvl0"
    assert row["event_type"] == "delete"
    assert row["author_id"] is None and row["author_handle"] is None
    assert row["text"] is None
    assert row["reply_to_post_id"] == "t3_52o2fl"


def test_deleted_author_only_keeps_the_post(read_fixture):
    row = read_fixture(TREE).post("t1_cu5p1yt")
    assert row["event_type"] == "post"
    assert row["author_id"] is None and row["author_handle"] is None
    assert row["text"].startswith("Wanted to repost this in /r/ChildrenFall")


def test_tree_deletions(read_fixture, load_fixture):
    expected = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("kind") == "t1" and node["data"]["body"] == "[deleted]":
                expected.add(node["data"]["name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_fixture(TREE))
    deleted = {row["post_id"] for row in read_fixture(TREE).posts if row["event_type"] == "delete"}
    assert deleted == expected and len(expected) == 6


def test_empty_listing_yields_nothing(read_fixture):
    result = read_fixture("reddit/TestSubredditStreams.test_comments__12.json")
    assert result.posts == [] and result.quarantine == []


def test_pushshift_lines(read_bytes, read_fixture, load_fixture):
    listing = load_fixture("reddit/TestSubredditListings.test_comments__1.json")
    lines = "\n".join(json.dumps(child["data"]) for child in listing["data"]["children"])
    result = read_bytes(lines.encode(), "RC_2016-09.ndjson")
    assert len(result.posts) == 100
    assert {row["source_format"] for row in result.posts} == {"pushshift"}
    api_ids = [row["post_id"] for row in read_fixture(
        "reddit/TestSubredditListings.test_comments__1.json").posts]
    assert [row["post_id"] for row in result.posts] == api_ids
    first = result.posts[0]
    assert first["source_offset"] == "line 1"
    assert first["post_id"] == listing["data"]["children"][0]["data"]["name"]


def test_pushshift_submission_without_name(read_bytes):
    line = {"id": "abc12", "subreddit": "python", "title": "Hello", "selftext": "[removed]",
            "author": "someone", "created_utc": 1600000000, "score": 5, "num_comments": 2}
    [row] = read_bytes(json.dumps(line).encode(), "RS.jsonl").posts
    assert row["post_id"] == "t3_abc12"
    assert row["event_type"] == "delete"
    assert row["created_at"] == datetime(2020, 9, 13, 12, 26, 40, tzinfo=timezone.utc)
