from __future__ import annotations

import hashlib
import hmac
import pickle
import re

import pytest

from socialake.config import ConfigError
from socialake.schemas import PSEUDONYM_PATTERN
from socialake.silver.pseudonymise import (
    PseudonymKey,
    account_pseudonym,
    load_key,
    mention_pseudonyms,
    replace_mentions,
)

SECRET = b"0123456789abcdef0123456789abcdef"


def expected(secret: bytes, message: bytes) -> str:
    """The documented formula, computed here independently of the module."""
    return "u_" + hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def test_pseudonym_is_the_documented_keyed_hmac():
    key = PseudonymKey(SECRET)
    assert key.pseudonym("x", "12345") == expected(SECRET, b"x\x1fid\x1f12345")
    assert account_pseudonym(key, "reddit", None, "@Spez") == expected(SECRET, b"reddit\x1fhandle\x1fspez")
    assert re.match(PSEUDONYM_PATTERN, key.pseudonym("x", "1"))


def test_same_key_is_stable_and_another_key_or_platform_differs():
    key, other = PseudonymKey(SECRET), PseudonymKey(SECRET[::-1])
    assert PseudonymKey(SECRET).pseudonym("x", "1") == key.pseudonym("x", "1")
    assert other.pseudonym("x", "1") != key.pseudonym("x", "1")
    assert key.pseudonym("mastodon", "1") != key.pseudonym("x", "1")
    assert account_pseudonym(key, "x", "42", "alice") == key.pseudonym("x", "42")  # id wins over handle


def test_the_secret_never_shows_in_text():
    key = PseudonymKey(SECRET)
    shown = f"{key} {key!r} {[key]} {key.key_id}"
    assert SECRET.decode() not in shown and "redacted" in shown
    assert pickle.loads(pickle.dumps(key)).pseudonym("x", "1") == key.pseudonym("x", "1")  # workers get it


def test_missing_or_weak_key_fails_with_how_to_set_it(tmp_path):
    with pytest.raises(ConfigError, match=r"export SOCIALAKE_PSEUDONYM_SECRET=\$\(openssl rand -hex 32\)"):
        load_key({})
    with pytest.raises(ConfigError, match="too short"):
        load_key({"SOCIALAKE_PSEUDONYM_SECRET": "short"})
    secret_file = tmp_path / "secret"
    secret_file.write_bytes(SECRET + b"\n")
    assert load_key({"SOCIALAKE_PSEUDONYM_SECRET_FILE": str(secret_file)}).key_id == PseudonymKey(SECRET).key_id
    with pytest.raises(ConfigError, match="cannot be read"):
        load_key({"SOCIALAKE_PSEUDONYM_SECRET_FILE": str(tmp_path / "missing")})


def test_mentions_in_text_get_the_same_tokens_as_the_metadata():
    key = PseudonymKey(SECRET)
    tokens, known = mention_pseudonyms(key, "x", [{"author_id": "7", "handle": "Alice"}, {"author_id": None, "handle": "bob"}])
    assert tokens == [key.pseudonym("x", "7"), key.pseudonym("x", "bob", kind="handle")]

    text = replace_mentions(key, "x", "hey @alice and @Bob, cc @carol_1! mail <EMAIL>", known)

    alice, bob = tokens
    carol = key.pseudonym("x", "carol_1", kind="handle")
    assert text == f"hey @{alice} and @{bob}, cc @{carol}! mail <EMAIL>"
    assert replace_mentions(key, "x", text, known) == text  # idempotent


def test_platform_specific_mention_forms():
    key = PseudonymKey(SECRET)
    _, known = mention_pseudonyms(key, "mastodon", [{"author_id": "99", "handle": "gargron@mastodon.social"}])
    masto = replace_mentions(key, "mastodon", "thanks @Gargron and @gargron@mastodon.social", known)
    assert masto == f"thanks @{key.pseudonym('mastodon', '99')} and @{key.pseudonym('mastodon', '99')}"
    reddit = replace_mentions(key, "reddit", "ask u/spez or /u/kn0thing", {})
    assert "spez" not in reddit and "kn0thing" not in reddit
    assert reddit.count("@u_") == 2
    bluesky = replace_mentions(key, "bluesky", "cc @jay.bsky.team", {})
    assert bluesky == f"cc @{key.pseudonym('bluesky', 'jay.bsky.team', kind='handle')}"


def test_account_names_in_links_are_pseudonymised_and_the_rest_kept():
    from socialake.silver.pseudonymise import pseudonymise_profile_links

    key = PseudonymKey(SECRET)
    h = lambda platform, name: key.pseudonym(platform, name, kind="handle")  # noqa: E731
    cases = {
        "https://twitter.com/Harper_M153/status/1739180528360751110/photo/1":
            f"https://twitter.com/{h('x', 'harper_m153')}/status/1739180528360751110/photo/1",
        "see https://x.com/jack and https://x.com/i/web/status/1 or https://x.com/search?q=a":
            f"see https://x.com/{h('x', 'jack')} and https://x.com/i/web/status/1 or https://x.com/search?q=a",
        "https://mastodon.social/@Gargron/109": f"https://mastodon.social/@{h('mastodon', 'gargron')}/109",
        "https://bsky.app/profile/jay.bsky.team/post/3k": f"https://bsky.app/profile/{h('bluesky', 'jay.bsky.team')}/post/3k",
        "https://www.reddit.com/user/spez/comments": f"https://www.reddit.com/user/{h('reddit', 'spez')}/comments",
        "https://www.reddit.com/r/python/comments/abc/title/": "https://www.reddit.com/r/python/comments/abc/title/",
        "https://example.com/@": "https://example.com/@",
    }
    for link, expected_link in cases.items():
        assert pseudonymise_profile_links(key, link) == expected_link, link
        assert pseudonymise_profile_links(key, expected_link) == expected_link  # idempotent


def test_bluesky_post_uris_carry_the_author_pseudonym_not_the_did():
    from socialake.silver.pseudonymise import pseudonymise_post_id

    key = PseudonymKey(SECRET)
    uri = "at://did:plc:rqlge4g77vaj62gnzgtuqidc/app.bsky.feed.post/3kabc"
    author = account_pseudonym(key, "bluesky", "did:plc:rqlge4g77vaj62gnzgtuqidc", None)
    assert pseudonymise_post_id(key, "bluesky", uri) == f"at://{author}/app.bsky.feed.post/3kabc"
    assert pseudonymise_post_id(key, "x", "1739180528360751110") == "1739180528360751110"
    assert pseudonymise_post_id(key, "reddit", None) is None
