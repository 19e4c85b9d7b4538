from __future__ import annotations

import hashlib
import hmac
import pickle
import re

import pytest

from socialake.config import ConfigError
from socialake.silver.pseudonymise import (
    PSEUDONYM_PATTERN,
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
