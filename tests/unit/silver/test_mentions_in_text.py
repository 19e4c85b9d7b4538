"""@mentions glued to punctuation are pseudonymised like any other (issue 11, item 6).

Expected texts are written out by hand around the pseudonym computed with the public key function
(`account_pseudonym(key, platform, None, handle)`, the author's own pseudonym when only a handle is
known), never by calling the code under test.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pyspark.sql import Row
from pyspark.testing import assertDataFrameEqual

from socialake import schemas as S
from socialake.silver.pii import redact_pii
from socialake.silver.pseudonymise import (
    PseudonymKey,
    account_pseudonym,
    mention_pseudonyms,
    pseudonymise_profile_links,
    replace_mentions,
)

KEY = PseudonymKey(b"0123456789abcdef0123456789abcdef")
API_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "api"
# An @ that starts a mention (not glued to a word character) and is not followed by a pseudonym.
RAW_MENTION = re.compile(r"(?<!\w)[@＠](?!u_[0-9a-f]{32}(?![0-9a-f]))[A-Za-z0-9_]")


def jane(platform: str = "x", handle: str = "jane_doe") -> str:
    return account_pseudonym(KEY, platform, None, handle)


def silver_text(platform: str, text: str, mentions: list[dict] | None = None) -> str:
    """The text path of silver's per-row pass: PII redaction, links, then mentions."""
    _, known = mention_pseudonyms(KEY, platform, mentions)
    redacted, _ = redact_pii(text)
    return replace_mentions(KEY, platform, pseudonymise_profile_links(KEY, redacted, known), known)


@pytest.mark.parametrize(
    "tweet, expected",
    [
        ("great talk w/@jane_doe today", "great talk w/@{j} today"),
        ("(@jane_doe) said so", "(@{j}) said so"),
        ("[@jane_doe] said so", "[@{j}] said so"),
        ("@jane_doe's new phone is out", "@{j}'s new phone is out"),
        ("@jane_doe’s new phone is out", "@{j}’s new phone is out"),
        ("cc:@jane_doe", "cc:@{j}"),
        ('"@jane_doe" replied', '"@{j}" replied'),
        ("“@jane_doe” replied", "“@{j}” replied"),
        ("RT @jane_doe: wow", "RT @{j}: wow"),
        ("RT@jane_doe: wow", "RT@{j}: wow"),
        ("thanks @jane_doe!", "thanks @{j}!"),
        ("thanks @jane_doe, see you", "thanks @{j}, see you"),
        ("hi.@jane_doe", "hi.@{j}"),
        (".@jane_doe you were right", ".@{j} you were right"),
        ("thanks @jane_doe.Great talk", "thanks @{j}.Great talk"),  # X handles have no dots
        ("loved it @jane_doe-ish vibes", "loved it @{j}-ish vibes"),  # nor dashes
        ("@@jane_doe typo", "@@{j} typo"),
        ("¡Gracias＠jane_doe!", "¡Gracias＠jane_doe!"),  # glued to a word: not a mention on X
        ("お疲れ様 ＠jane_doe", "お疲れ様 @{j}"),  # fullwidth at sign
        ("\u2066@jane_doe\u2069 agreed", "\u2066@{j}\u2069 agreed"),  # directional isolates (real X text)
        ("see www.example.com/@jane_doe for more", "see www.example.com/@{j} for more"),
    ],
)
def test_x_mentions_glued_to_punctuation_are_pseudonymised(tweet, expected):
    out = silver_text("x", tweet)
    assert out == expected.format(j=jane())
    if "@" + jane() in out:
        assert "jane_doe" not in out.lower()


def test_a_mention_in_any_case_gets_the_authors_pseudonym():
    author = account_pseudonym(KEY, "x", None, "SomeOne")
    assert silver_text("x", "(@SomeOne) and @someone's reply, w/@SOMEONE") == (
        f"(@{author}) and @{author}'s reply, w/@{author}")


def test_metadata_tokens_win_in_glued_positions():
    mentions = [{"author_id": "2244994945", "handle": "jane_doe"}]
    by_id = account_pseudonym(KEY, "x", "2244994945", "jane_doe")
    assert silver_text("x", "w/@Jane_Doe's team (@jane_doe).", mentions) == f"w/@{by_id}'s team (@{by_id})."
    # X links only "@jane_doe" in "@jane_doe.bsky.social", and says so in the metadata
    assert silver_text("x", "moved to @jane_doe.bsky.social!", mentions) == f"moved to @{by_id}.bsky.social!"
    # ... and only "@jane" in "@jane.Great": with the metadata naming "jane", the rest is text
    short = [{"author_id": "5", "handle": "jane"}]
    assert silver_text("x", "thanks @jane.Great talk", short) == f"thanks @{account_pseudonym(KEY, 'x', '5', None)}.Great talk"


def test_mastodon_and_bluesky_handles_in_punctuation():
    masto = account_pseudonym(KEY, "mastodon", None, "jane@mastodon.social")
    assert silver_text("mastodon", "@jane@mastodon.social's toot (w/@jane@mastodon.social).") == (
        f"@{masto}'s toot (w/@{masto}).")
    sky = account_pseudonym(KEY, "bluesky", None, "jane.bsky.social")
    assert silver_text("bluesky", "as said (@jane.bsky.social), cf.@jane.bsky.social’s thread") == (
        f"as said (@{sky}), cf.@{sky}’s thread")
    own_domain = account_pseudonym(KEY, "bluesky", None, "jane-doe.example.com")
    assert silver_text("bluesky", "new handle: @Jane-Doe.example.com.") == f"new handle: @{own_domain}."
    for out in (silver_text("mastodon", "@jane@mastodon.social's toot"), silver_text("bluesky", "(@jane.bsky.social)")):
        assert "jane" not in out


def test_reddit_user_names_glued_to_punctuation():
    spez = account_pseudonym(KEY, "reddit", None, "spez")
    assert silver_text("reddit", "thanks w/u/spez (/u/spez), u/spez's post") == (
        f"thanks w/@{spez} (@{spez}), @{spez}'s post")


def test_emails_times_and_plain_text_are_not_mentions():
    # e-mails are PII redaction's: a placeholder, never a pseudonym
    assert silver_text("x", "mail jane@example.com or ping (@jane_doe)") == f"mail <EMAIL> or ping (@{jane()})"
    assert replace_mentions(KEY, "x", "mail jane@example.com", {}) == "mail jane@example.com"
    # glued to a word or digit, as X rules: a time, a score, a price
    for text in ("see you 5@3pm", "won 3@1", "2 for 1@tesco", "ART@gallery", "no mentions here, w/ friends (really)!"):
        assert silver_text("x", text) == text
    # already pseudonymised text is left as it is
    once = silver_text("x", "w/@jane_doe's team")
    assert silver_text("x", once) == once


def test_links_keep_their_own_platforms_pseudonym():
    masto = account_pseudonym(KEY, "mastodon", None, "jane_doe")
    assert silver_text("x", "also at https://mastodon.social/@jane_doe/1 w/@jane_doe") == (
        f"also at https://mastodon.social/@{masto}/1 w/@{jane()}")
    spez = account_pseudonym(KEY, "reddit", None, "spez")
    assert silver_text("reddit", "[him](https://www.reddit.com/u/spez) said") == (
        f"[him](https://www.reddit.com/u/{spez}) said")


def _fixture_posts() -> list[dict]:
    from socialake.sources.base import KIND_POST, ReadContext
    from socialake.sources.reader import read_records

    ctx = ReadContext(source_name="test", run_id="run-1", ingested_at=datetime(2024, 5, 1, tzinfo=timezone.utc))
    posts = []
    for path in sorted(API_FIXTURES.rglob("*.json*")):
        if path.name.startswith("MANIFEST"):
            continue
        for kind, row in read_records(io.BytesIO(path.read_bytes()), ctx, source_file=str(path), file_mtime=None):
            if kind == KIND_POST and row.get("text"):
                posts.append(row)
    return posts


def test_no_raw_mention_survives_in_the_real_api_fixtures():
    posts = _fixture_posts()
    texts = {row["text"] for row in posts}
    # the glued mentions these real posts hold (read off the JSON by hand)
    for glued in (".@PentagonPresSec:", "(@danamo)", "\u2066@LoriLightfoot\u2069"):
        assert any(glued in text for text in texts), glued
    leaks = []
    for row in posts:
        out = silver_text(row["platform"], row["text"], row["mentions"])
        named = [m["handle"] for m in row["mentions"] or () if m.get("handle")
                 and re.search(rf"[@＠/]{re.escape(m['handle'])}(?![\w-])", out, re.IGNORECASE)]
        if RAW_MENTION.search(out) or named:
            leaks.append((row["post_id"], RAW_MENTION.findall(out), named))
    assert leaks == []


def _bronze_row(**values) -> tuple:
    base = {S.PAYLOAD_SHA256: "sha-1", S.PLATFORM: "x", S.SOURCE_FORMAT: "x_v2", S.SOURCE_NAME: "test",
            S.SOURCE_FILE: "f.json", S.INGESTED_AT: datetime(2024, 5, 1), S.RUN_ID: "r1", S.RAW_PAYLOAD: "{}",
            S.EVENT_TYPE: "post", S.POST_ID: "1", S.MENTIONS: [], S.URLS: [], S.HASHTAGS: [], S.MEDIA: []}
    base.update(values)
    return tuple(base.get(field.name) for field in S.BRONZE_POSTS_SCHEMA.fields)


def test_silver_rows_carry_no_glued_handle(spark):
    from socialake.silver.transforms import LanguagePolicy, MinimisationPolicy, prepare_rows

    bronze = spark.createDataFrame(
        [_bronze_row(**{S.TEXT: "great talk w/@jane_doe today (@bob_1)", S.AUTHOR_ID: "12",
                        S.MENTIONS: [Row(author_id="77", handle="bob_1")]})],
        S.BRONZE_POSTS_SCHEMA,
    )

    prepared = prepare_rows(bronze, key=KEY, minimise=MinimisationPolicy(), language=LanguagePolicy())

    bob = account_pseudonym(KEY, "x", "77", "bob_1")
    assertDataFrameEqual(
        prepared.select(S.TEXT, S.MENTION_PSEUDONYMS),
        [Row(text=f"great talk w/@{jane()} today (@{bob})", mention_pseudonyms=[bob])],
    )
