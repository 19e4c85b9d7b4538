"""Keyed pseudonyms for accounts: HMAC-SHA256 with a secret that never leaves the process.

A pseudonym is `u_` + the first 32 hex characters (128 bits) of
HMAC-SHA256(key, "<platform>\\x1f<kind>\\x1f<identity>"), where kind is `id` when the platform's
account id is known and `handle` (lower-cased, without '@') when only a handle is. The same key
gives the same pseudonym in every run and dataset, so analyses can join on it; without the key
nobody can recompute or reverse it.

The key comes from SOCIALAKE_PSEUDONYM_SECRET or from the file named by
SOCIALAKE_PSEUDONYM_SECRET_FILE (a mounted secret). It is never logged, written to a table or
put in an error message: `PseudonymKey` prints as `<redacted>`, and only a one-way key id
(8 hex characters of a differently-salted hash) is recorded, so a run can tell that the key
changed since the last one and refuse to mix pseudonyms.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path
from typing import Iterable, Mapping

from socialake.config import ConfigError
from socialake.schemas import PSEUDONYM_PATTERN

SECRET_VARIABLE = "SOCIALAKE_PSEUDONYM_SECRET"
SECRET_FILE_VARIABLE = "SOCIALAKE_PSEUDONYM_SECRET_FILE"
MIN_SECRET_BYTES = 16
ERASED = "u_erased"  # what an erased account's pseudonym becomes in other people's rows
_SEPARATOR = "\x1f"

# A mention in post text: @handle (X, local Mastodon), @user@instance.tld (Mastodon and the
# fediverse), @name.bsky.social or @example.com (Bluesky domain handles), u/name and /u/name
# (Reddit); the fullwidth ＠ counts as @, as it does on X.
#
# Before the sign: anything but a word character, so a mention glued to punctuation is still one
# ("w/@a", "(@a)", "cc:@a", ".@a", '"@a"', "[@a]"), plus X's "RT@a". After a word character it
# is not one, as X itself rules: that keeps e-mail addresses (`jane@example.com`: PII redaction's
# business, run first) and times or scores (`5@3pm`) out.
# After the handle: a domain only when it is shaped like one (DNS labels, no underscore, a
# top-level label that starts with a letter), so "@a's", "@a:", "@a.", "@a_b.Great", "@a-ish" and
# "@a.2024" leave the possessive and the glued punctuation outside the pseudonym.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"{_LABEL}(?:\.{_LABEL})*\.{_TOP_LABEL}"
_USER = r"[A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*"  # Mastodon's remote names may hold '.' and '-'
MENTION_IN_TEXT = re.compile(
    r"(?:(?<!\w)|(?<=(?<!\w)[Rr][Tt]))[@＠]"
    rf"(?P<at>{_USER}@{_DOMAIN}|{_DOMAIN}|[A-Za-z0-9_]+)"
    # a pseudonym first: a name is at most 20 characters, and a link's u/<pseudonym> must stay whole
    r"|(?<!\w)/?u/(?P<reddit>u_[0-9a-f]{32}(?![0-9a-f])|[A-Za-z0-9_-]{3,20})"
)
_ALREADY_PSEUDONYM = re.compile(r"^u_[0-9a-f]{32}$")

# Links that name an account: x.com/<handle>/status/..., bsky.app/profile/<handle>,
# reddit.com/user/<name>, and any https://host/@user (Mastodon and others).
_X_RESERVED = "i|home|search|hashtag|intent|share|explore|settings|messages|notifications|compose|login|tos|privacy"
PROFILE_IN_URL = re.compile(
    r"(?P<xp>https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/)"
    rf"(?P<x>(?!(?:{_X_RESERVED})(?:[/?#\s]|$))[A-Za-z0-9_]{{1,15}})(?=[/?#\s]|$)"
    r"|(?P<bp>https?://(?:www\.)?bsky\.app/profile/)(?P<bsky>[A-Za-z0-9._:-]+)"
    r"|(?P<rp>https?://(?:www\.|old\.|new\.)?reddit\.com/(?:u|user)/)(?P<reddit>[A-Za-z0-9_-]{3,34})(?![A-Za-z0-9_-])"
    r"|(?P<mp>https?://[A-Za-z0-9.-]+/@)(?P<masto>[A-Za-z0-9_]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)",
    re.IGNORECASE,
)
_URL_PLATFORM = {"x": "x", "bsky": "bluesky", "reddit": "reddit", "masto": "mastodon"}


class PseudonymKey:
    """The secret key. Its repr and str never show it; pickling (to ship it to Spark's Python
    workers inside a task closure) keeps it, because the workers need it."""

    __slots__ = ("_secret",)

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ConfigError(
                f"the pseudonymisation secret is too short ({len(secret)} bytes): use at least 32 random "
                "characters, e.g. export SOCIALAKE_PSEUDONYM_SECRET=$(openssl rand -hex 32)"
            )
        self._secret = secret

    def __repr__(self) -> str:
        return "PseudonymKey(<redacted>)"

    __str__ = __repr__

    def __getstate__(self) -> bytes:
        return self._secret

    def __setstate__(self, state: bytes) -> None:
        self._secret = state

    @property
    def key_id(self) -> str:
        """A one-way identifier of the key, safe to record: detects rotation, reveals nothing."""
        return hashlib.sha256(b"socialake-key-id" + _SEPARATOR.encode() + self._secret).hexdigest()[:8]

    def pseudonym(self, platform: str, identity: str, *, kind: str = "id") -> str:
        message = f"{platform}{_SEPARATOR}{kind}{_SEPARATOR}{identity}".encode()
        return "u_" + hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]


def load_key(environ: Mapping[str, str] | None = None) -> PseudonymKey:
    """The key from the environment (variable, or a file for mounted secrets). Missing: a
    ConfigError saying how to set it."""
    env = os.environ if environ is None else environ
    if env.get(SECRET_VARIABLE):
        return PseudonymKey(env[SECRET_VARIABLE].encode())
    if env.get(SECRET_FILE_VARIABLE):
        path = Path(env[SECRET_FILE_VARIABLE])
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise ConfigError(f"{SECRET_FILE_VARIABLE} points at {path}, which cannot be read ({exc.strerror}): "
                              "fix the path or its permissions") from None
        return PseudonymKey(secret)
    raise ConfigError(
        f"silver needs a pseudonymisation key: export {SECRET_VARIABLE}=$(openssl rand -hex 32), or put it in a "
        f"file and export {SECRET_FILE_VARIABLE}=/path/to/secret; keep it (the same key keeps pseudonyms stable)"
    )


def normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def account_pseudonym(key: PseudonymKey, platform: str, author_id: str | None, handle: str | None) -> str | None:
    """Pseudonym of an account: by id when known (handles can change), else by handle."""
    if author_id:
        return key.pseudonym(platform, str(author_id), kind="id")
    if handle and normalise_handle(handle):
        return key.pseudonym(platform, normalise_handle(handle), kind="handle")
    return None


def mention_pseudonyms(
    key: PseudonymKey, platform: str, mentions: Iterable[Mapping[str, str | None]] | None
) -> tuple[list[str], dict[str, str]]:
    """Pseudonyms of a post's mentions (metadata), and a handle -> pseudonym map for the
    same accounts, so the @handles in the text get the same tokens as the metadata."""
    pseudonyms: list[str] = []
    by_handle: dict[str, str] = {}
    for mention in mentions or ():
        handle = mention.get("handle")
        token = account_pseudonym(key, platform, mention.get("author_id"), handle)
        if token is None:
            continue
        if token not in pseudonyms:
            pseudonyms.append(token)
        if handle:
            full = normalise_handle(handle)
            by_handle[full] = token
            by_handle.setdefault(full.split("@")[0], token)  # Mastodon text shows @user for user@instance
    return pseudonyms, by_handle


def pseudonymise_profile_links(key: PseudonymKey, text: str | None, known: Mapping[str, str] | None = None) -> str | None:
    """Replace the account name in profile and status links (x.com/<handle>/status/1,
    https://host/@user/2, bsky.app/profile/<handle>, reddit.com/user/<name>) with its pseudonym,
    keeping the rest of the link. `known` maps this post's mentioned handles to their tokens."""
    if not text or "://" not in text:
        return text

    def substitute(match: re.Match[str]) -> str:
        for group, platform in _URL_PLATFORM.items():
            handle = match.group(group)
            if handle:
                prefix = match.group({"x": "xp", "bsky": "bp", "reddit": "rp", "masto": "mp"}[group])
                if _ALREADY_PSEUDONYM.match(handle):
                    return match.group(0)
                normalised = normalise_handle(handle)
                token = (known or {}).get(normalised) or key.pseudonym(platform, normalised, kind="handle")
                return prefix + token
        return match.group(0)

    return PROFILE_IN_URL.sub(substitute, text)


_AT_URI = re.compile(r"^at://(?P<did>did:[a-z0-9]+:[A-Za-z0-9._:%-]+)(?P<rest>/.*)?$")


def pseudonymise_post_id(key: PseudonymKey, platform: str, post_id: str | None) -> str | None:
    """Post ids that embed the author (Bluesky at://<did>/app.bsky.feed.post/<rkey>) get the
    author's pseudonym in place of the DID; other platforms' ids name no account and pass."""
    if not post_id or not post_id.startswith("at://"):
        return post_id
    match = _AT_URI.match(post_id)
    if not match:
        return post_id
    return f"at://{key.pseudonym(platform, match.group('did'), kind='id')}{match.group('rest') or ''}"


def replace_mentions(key: PseudonymKey, platform: str, text: str | None, known: Mapping[str, str]) -> str | None:
    """Replace every @handle / u/name in `text` (MENTION_IN_TEXT) with `@<pseudonym>`: the
    metadata's pseudonym when the handle is a known mention of this post, else the handle-based
    pseudonym (`account_pseudonym(key, platform, None, handle)`), so "(@SomeOne)" gets the token
    of the account SomeOne. Punctuation around the mention ("'s", ":", ")") is kept.

    Run it after pseudonymise_profile_links: a mention inside a link (https://host/@user) is then
    already that link platform's pseudonym and stays as it is, and any other @handle in a link
    (schemeless www.host/@user, a path the link patterns do not know) is still replaced."""
    if not text:
        return text

    def substitute(match: re.Match[str]) -> str:
        handle = match.group("at") or match.group("reddit")
        if _ALREADY_PSEUDONYM.match(handle):
            return match.group(0)
        normalised = normalise_handle(handle)
        token, rest = known.get(normalised), ""
        if token is None and "." in normalised and "@" not in normalised:
            # X links only "@jane" in "@jane.Great" (its handles have no dots): when the metadata
            # names the part before the dot, that is the mention and the rest is text.
            head = normalised.split(".", 1)[0]
            if head in known:
                token, rest = known[head], handle[len(head):]
        return "@" + (token or key.pseudonym(platform, normalised, kind="handle")) + rest

    return MENTION_IN_TEXT.sub(substitute, text)
