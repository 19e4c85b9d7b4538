"""Mastodon parser on real REST responses (Mastodon.py cassettes, local test instance).

Expected values were read off the fixture JSON by hand.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from socialake.sources.mastodon import html_to_text


def test_status_fields(read_fixture):
    [row] = read_fixture("mastodon/test_status__1.json").posts
    assert row["platform"] == "mastodon" and row["source_format"] == "mastodon"
    assert row["post_id"] == "117440826656342711"
    assert row["text"] == "Toot!"
    assert row["author_id"] == "117440810532227399"
    assert row["author_handle"] == "mastodonpy_test"
    assert row["author_display_name"] == "John Lennon"
    assert row["author_bio"] == "I walk funny"
    assert row["author_followers"] == 0
    assert row["lang"] == "ja"
    assert row["channel"] == "localhost:3000"
    assert row["post_url"] == "http://localhost:3000/@mastodonpy_test/117440826656342711"
    assert row["created_at"] == datetime(2026, 10, 14, 19, 6, 41, 274000, tzinfo=timezone.utc)
    assert row["event_type"] == "post" and row["edited_at"] is None
    assert (row["like_count"], row["repost_count"], row["reply_count"]) == (0, 0, 0)


def test_mention_hashtag_and_link(read_fixture):
    timeline = read_fixture("mastodon/test_home_tl__1.json")
    assert len(timeline.posts) == 11
    mention = timeline.post("117440839988701741")
    assert mention["text"] == "@mastodonpy_test todo funny text here"
    assert mention["mentions"] == [{"author_id": "117440810532227399",
                                    "handle": "mastodonpy_test"}]
    assert mention["urls"] == []  # the mention link is not a URL of the post
    tagged = read_fixture("mastodon/test_hashtag_tl__2.json").post("117440841601474392")
    assert tagged["text"] == "#hoot (hashtag toot)"
    assert tagged["hashtags"] == ["hoot"]
    assert tagged["urls"] == []
    card = read_fixture("mastodon/test_status_card__1.json").post("117440852049121722")
    assert card["text"] == "http://example.org/"  # invisible spans joined back into the URL
    assert card["urls"] == ["http://example.org/"]


def test_edited_status_is_an_edit_event(read_fixture):
    row = read_fixture("mastodon/test_status_edit__3.json").post("117440831413709748")
    assert row["event_type"] == "edit"
    assert row["edited_at"] == datetime(2026, 10, 14, 19, 7, 53, 998000, tzinfo=timezone.utc)
    assert row["text"] == ("the best editor? why, of course it is the KDE Advanced Text Editor, "
                           "Kate")


def test_notification_status(read_fixture):
    [row] = read_fixture("mastodon/test_notifications__1.json").posts
    assert row["post_id"] == "117440821662233205"
    assert row["source_offset"] == "$[0].status"
    assert row["text"] == "@mastodonpy_test hello!"
    assert row["author_handle"] == "admin"


def test_reblog_emits_the_reblogged_status(read_bytes, load_fixture):
    original = load_fixture("mastodon/test_status__1.json")
    wrapper = {"id": "117440900000000001", "created_at": "2026-10-14T20:00:00.000Z",
               "uri": "http://localhost:3000/users/admin/statuses/117440900000000001/activity",
               "url": None, "content": "", "reblog": original,
               "account": {"id": "117440810233042393", "acct": "admin"}}
    result = read_bytes(json.dumps(wrapper).encode(), "reblog.json")
    outer = result.post("117440900000000001")
    assert outer["repost_of_post_id"] == "117440826656342711"
    assert outer["text"] is None
    inner = result.post("117440826656342711")
    assert inner["source_offset"] == "$.reblog"
    assert inner["text"] == "Toot!"


def test_non_posts(read_fixture):
    for name in ("mastodon/test_public_tl__1.json",        # instance v2
                 "mastodon/test_poll_with_media__1.json",  # instance v1
                 "mastodon/test_account__0.json",
                 "mastodon/test_polls__2.json",
                 "mastodon/test_status_edit__5.json",      # status source
                 "mastodon/test_search__0.json"):          # accounts only
        result = read_fixture(name)
        assert result.posts == [], name
        assert result.reasons() == ["not_a_post"], name
    history = read_fixture("mastodon/test_status_edit__4.json")  # two edit-history entries
    assert history.reasons() == ["not_a_post", "not_a_post"]
    assert [row["source_offset"] for row in history.quarantine] == ["$[0]", "$[1]"]


def test_empty_documents_yield_nothing(read_fixture):
    for name in ("mastodon/test_status_context__1.json", "mastodon/test_search__2.json",
                 "mastodon/test_account_followers__1.json"):
        result = read_fixture(name)
        assert result.posts == [] and result.quarantine == [], name


def test_context_statuses(read_bytes, load_fixture):
    status = load_fixture("mastodon/test_status__1.json")
    context = {"ancestors": [status], "descendants": []}
    [row] = read_bytes(json.dumps(context).encode(), "context.json").posts
    assert row["source_offset"] == "$.ancestors[0]"


def test_html_to_text():
    converted = html_to_text('<p>one<br>two &amp; <a href="https://a.example/x">link</a></p>'
                             '<p>three <a href="https://h.example/tags/t" class="mention '
                             'hashtag" rel="tag">#t</a></p>')
    assert converted.text == "one\ntwo & link\n\nthree #t"
    assert converted.links == ["https://a.example/x"]


def test_html_to_text_survives_broken_markup():
    assert html_to_text("<p>a <![foo bar]> b &amp; c</p>").text == "a  b & c"
