"""Native renderings of posts and the shard file writers, one per source format.

Each writer appends records in collection order and returns where each landed as
`(file relative to the output root, location, line)`: location is "$.data[3]" / "$.errors[0]"
(X v2 pages), "$[7]" (JSON arrays), "line 12" (NDJSON) or "row 7" (CSV data row, the header
not counted), as bronze's source_offset writes it; line is the 1-based physical line of line
formats (CSV: header = line 1), else None. Malformed records are rendered here too
(`MALFORMED_KINDS` lists which kinds each format can carry).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import zlib
from pathlib import Path
from typing import Any

from socialake.schemas import (
    FORMAT_CSV,
    FORMAT_JETSTREAM,
    FORMAT_MASTODON,
    FORMAT_PUSHSHIFT,
    FORMAT_X_V1,
    FORMAT_X_V2,
    REASON_BAD_JSON,
    REASON_BAD_UTF8,
    REASON_BAD_VALUE,
    REASON_MISSING_FIELD,
)
from socialake.sample import ids
from socialake.sample.authors import Author
from socialake.sample.post import KIND_QUOTE, KIND_RETWEET, KIND_SUBMISSION, Post
from socialake.sample.text import HASHTAG, MENTION, URL
from socialake.sample.vocab import MASTODON_LOCAL_DOMAIN

Location = tuple  # (file, location, line | None)

# malformed kind -> the bronze quarantine reason code it should produce
MALFORMED_REASONS = {
    "truncated_json": REASON_BAD_JSON,
    "invalid_utf8": REASON_BAD_UTF8,
    "non_numeric_id": REASON_BAD_VALUE,
    "bad_timestamp": REASON_BAD_VALUE,
    "missing_id": REASON_MISSING_FIELD,
}
MALFORMED_KINDS = {
    FORMAT_X_V2: ("non_numeric_id", "bad_timestamp"),
    FORMAT_X_V1: ("non_numeric_id", "bad_timestamp"),
    # Mastodon ids are strings "not guaranteed to be a number": a missing id is the bad one
    FORMAT_MASTODON: ("missing_id", "bad_timestamp"),
    FORMAT_PUSHSHIFT: ("truncated_json", "invalid_utf8", "bad_timestamp"),
    FORMAT_JETSTREAM: ("truncated_json", "invalid_utf8", "bad_timestamp"),
    FORMAT_CSV: ("missing_id", "bad_timestamp", "invalid_utf8"),
}
BAD_UTF8_MARKER = "\u2063\u2063"  # invisible separator pair, swapped for invalid bytes on write
BAD_UTF8_BYTES = b"\xff\xfe\xc3\x28"
BAD_TIMESTAMPS = ("2025-02-30T25:61:00.000Z", "yesterday", "not-a-date", "13/45/2025 99:99")

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(value: Any) -> str:
    return _JSON.encode(value)


def splice(head: dict, key: str, encoded: str, tail: dict) -> str:
    """JSON of head + {key: <already encoded value>} + tail, keys in that order. Lets writers
    reuse the encoding of objects repeated on every record (accounts, users)."""
    out = _JSON.encode(head)[:-1] + f',"{key}":' + encoded
    return out + ("," + _JSON.encode(tail)[1:] if tail else "}")


def display_url(url: str) -> str:
    bare = url.split("://", 1)[-1]
    return bare if len(bare) <= 26 else bare[:25] + "…"


def non_numeric(post_id: str, rng: random.Random) -> str:
    cut = 3 + int(rng.random() * (max(1, len(post_id) - 4)))
    return post_id[:cut] + rng.choice(("x", "O", "l", "_", "e")) + post_id[cut + 1:]


def place_id(city: tuple) -> str:
    return hashlib.md5(city[0].encode("utf-8")).hexdigest()[:16]


def engagement(rng: random.Random, followers: int) -> tuple[int, int, int, int, int]:
    """(likes, reposts, replies, quotes, views) loosely scaled by the author's reach."""
    base = max(1.0, followers) ** 0.5
    likes = int(base * rng.random() * rng.random() * 3)
    reposts = likes // (2 + int(rng.random() * 8))
    replies = likes // (3 + int(rng.random() * 10))
    quotes = reposts // 4
    views = (likes + 1) * (20 + int(rng.random() * 80)) + int(base * 10)
    return likes, reposts, replies, quotes, views


class _Writer:
    """Common bookkeeping: output root, relative paths, files written."""

    source_format = ""

    def __init__(self, out_root: Path, shard_no: int, rng: random.Random) -> None:
        self.out_root = out_root
        self.shard_no = shard_no
        self.rng = rng
        self.files: list[str] = []

    def _open_path(self, rel: str) -> Path:
        path = self.out_root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self.files.append(rel)
        return path


# --- X API v2 --------------------------------------------------------------------------------

def x_v2_user(a: Author) -> dict:
    user: dict[str, Any] = {
        "id": a.author_id,
        "name": a.display_name,
        "username": a.username,
        "created_at": ids.iso_ms(a.created_us),
        "description": a.bio,
    }
    if a.location:
        user["location"] = a.location
    user["public_metrics"] = {
        "followers_count": a.followers,
        "following_count": a.following,
        "tweet_count": a.statuses,
        "listed_count": a.followers // 200,
    }
    user["protected"] = False
    user["verified"] = a.is_hub
    return user


def x_v2_tweet(post: Post, rng: random.Random) -> dict:
    a = post.author
    text = post.text
    tweet: dict[str, Any] = {
        "id": post.post_id,
        "text": text,
        "author_id": a.author_id,
        "conversation_id": post.conversation_id or post.post_id,
        "created_at": ids.iso_ms(post.t_us),
        "lang": post.lang,
    }
    refs = []
    if post.reply_to_id:
        tweet["in_reply_to_user_id"] = post.reply_to_author.author_id
        refs.append({"type": "replied_to", "id": post.reply_to_id})
    if post.kind == KIND_QUOTE:
        refs.append({"type": "quoted", "id": post.ref.post_id})
    elif post.kind == KIND_RETWEET:
        refs.append({"type": "retweeted", "id": post.ref.post_id})
    if refs:
        tweet["referenced_tweets"] = refs
    entities: dict[str, list] = {}
    media = post.extra.get("media")
    for kind, start, end, value in post.spans:
        if kind == HASHTAG:
            entities.setdefault("hashtags", []).append({"start": start, "end": end, "tag": value})
        elif kind == MENTION:
            entities.setdefault("mentions", []).append(
                {"start": start, "end": end, "username": value.username, "id": value.author_id})
        elif kind == URL:
            entry = {"start": start, "end": end, "url": text[start:end], "expanded_url": value,
                     "display_url": display_url(value)}
            if media and value.endswith("/photo/1"):
                entry["display_url"] = "pic.twitter.com/" + text[start:end].rsplit("/", 1)[-1]
                entry["media_key"] = media["media_key"]
            entities.setdefault("urls", []).append(entry)
    if entities:
        tweet["entities"] = {k: entities[k] for k in ("hashtags", "mentions", "urls")
                             if k in entities}
    if media:
        tweet["attachments"] = {"media_keys": [media["media_key"]]}
    geo = post.extra.get("geo")
    if geo:
        tweet["geo"] = {"place_id": place_id(geo["city"])}
        if geo.get("point"):
            tweet["geo"]["coordinates"] = {"type": "Point", "coordinates": list(geo["point"])}
    likes, reposts, replies, quotes, views = engagement(rng, a.followers)
    tweet["public_metrics"] = {"retweet_count": reposts, "reply_count": replies,
                               "like_count": likes, "quote_count": quotes,
                               "bookmark_count": likes // 20, "impression_count": views}
    tweet["edit_history_tweet_ids"] = list(post.edit_history or [post.post_id])
    tweet["possibly_sensitive"] = False
    tweet["reply_settings"] = "everyone"
    return tweet


class XV2Writer(_Writer):
    """Search/lookup response pages: {data, includes{users, media?, places?}, errors?, meta}."""

    source_format = FORMAT_X_V2

    def __init__(self, out_root: Path, shard_no: int, rng: random.Random, page_size: int,
                 n_records: int) -> None:
        super().__init__(out_root, shard_no, rng)
        self.page_size = page_size
        self.n_records = n_records
        self.written = 0
        self.page_no = 0
        self._user_cache: dict[int, str] = {}
        self._new_page()

    def _new_page(self) -> None:
        self.rel = f"landing/{FORMAT_X_V2}/shard-{self.shard_no:05d}/page-{self.page_no:05d}.json"
        self.data: list[dict] = []
        self.errors: list[dict] = []
        self.users: dict[str, str] = {}  # author id -> encoded user object
        self.media: list[dict] = []
        self.places: dict[str, dict] = {}
        self.in_page = 0

    def _count(self) -> None:
        self.in_page += 1
        self.written += 1
        if self.in_page >= self.page_size or self.written >= self.n_records:
            self._flush()

    def _add_user(self, a: Author) -> None:
        if a.author_id not in self.users:
            user = self._user_cache.get(a.index)
            if user is None:
                user = self._user_cache[a.index] = dumps(x_v2_user(a))
            self.users[a.author_id] = user

    def write_post(self, post: Post, malformed: str | None = None) -> Location:
        tweet = x_v2_tweet(post, self.rng)
        if malformed == "non_numeric_id":
            tweet["id"] = non_numeric(post.post_id, self.rng)
        elif malformed == "bad_timestamp":
            tweet["created_at"] = self.rng.choice(BAD_TIMESTAMPS)
        self._add_user(post.author)
        for a in post.mention_authors:
            self._add_user(a)
        if post.reply_to_author is not None:
            self._add_user(post.reply_to_author)
        media = post.extra.get("media")
        if media:
            self.media.append({k: media[k] for k in ("media_key", "type", "url", "width",
                                                     "height", "alt_text") if k in media})
        geo = post.extra.get("geo")
        if geo:
            city = geo["city"]
            pid = place_id(city)
            self.places.setdefault(pid, {
                "full_name": f"{city[0]}, {city[2]}", "id": pid, "country": city[1],
                "country_code": city[2], "name": city[0], "place_type": "city",
                "geo": {"type": "Feature", "bbox": [round(city[4] - 0.2, 6),
                                                    round(city[3] - 0.15, 6),
                                                    round(city[4] + 0.2, 6),
                                                    round(city[3] + 0.15, 6)],
                        "properties": {}},
            })
        loc = (self.rel, f"$.data[{len(self.data)}]", None)
        self.data.append(tweet)
        self._count()
        return loc

    write_edit = write_post

    def write_delete(self, target: Post, t_us: int) -> Location:
        tid = target.post_id
        loc = (self.rel, f"$.errors[{len(self.errors)}]", None)
        self.errors.append({
            "value": tid,
            "detail": f"Could not find tweet with ids: [{tid}].",
            "title": "Not Found Error",
            "resource_type": "tweet",
            "parameter": "ids",
            "resource_id": tid,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        })
        self._count()
        return loc

    def _flush(self) -> None:
        if not self.in_page:
            return
        parts = []
        if self.data:
            parts.append('"data":' + dumps(self.data))
            includes = '"users":[' + ",".join(self.users.values()) + "]"
            if self.media:
                includes += ',"media":' + dumps(self.media)
            if self.places:
                includes += ',"places":' + dumps(list(self.places.values()))
            parts.append('"includes":{' + includes + "}")
        if self.errors:
            parts.append('"errors":' + dumps(self.errors))
        numeric = [int(t["id"]) for t in self.data if t["id"].isdigit()]
        meta: dict[str, Any] = {}
        if numeric:
            meta["newest_id"] = str(max(numeric))
            meta["oldest_id"] = str(min(numeric))
        meta["result_count"] = len(self.data)
        if self.written < self.n_records:
            meta["next_token"] = "b26v89c19zqg8o3f" + ids.random_token(self.rng, 29).lower()
        parts.append('"meta":' + dumps(meta))
        self._open_path(self.rel).write_text("{" + ",".join(parts) + "}", encoding="utf-8")
        self.page_no += 1
        self._new_page()

    def close(self) -> list[str]:
        self._flush()
        return self.files


# --- X API v1.1 ------------------------------------------------------------------------------

_SOURCES = (
    '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
    '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>',
    '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
)


def x_v1_user(a: Author) -> dict:
    return {
        "id": a.numeric_id,
        "id_str": a.author_id,
        "name": a.display_name,
        "screen_name": a.username,
        "location": a.location,
        "description": a.bio,
        "url": None,
        "protected": False,
        "followers_count": a.followers,
        "friends_count": a.following,
        "listed_count": a.followers // 200,
        "created_at": ids.twitter_v1_time(a.created_us),
        "favourites_count": a.statuses * 2,
        "verified": a.is_hub,
        "statuses_count": a.statuses,
        "lang": None,
        "profile_image_url_https": f"https://pbs.twimg.com/profile_images/{a.numeric_id}/photo.jpg",
        "default_profile": False,
    }


def _v1_entities(post: Post, text: str, limit: int | None = None) -> dict:
    ents: dict[str, list] = {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}
    for kind, start, end, value in post.spans:
        if limit is not None and end > limit:
            continue
        if kind == HASHTAG:
            ents["hashtags"].append({"text": value, "indices": [start, end]})
        elif kind == MENTION:
            ents["user_mentions"].append({"screen_name": value.username,
                                          "name": value.display_name,
                                          "id": value.numeric_id, "id_str": value.author_id,
                                          "indices": [start, end]})
        elif kind == URL:
            ents["urls"].append({"url": text[start:end], "expanded_url": value,
                                 "display_url": display_url(value), "indices": [start, end]})
    return ents


def x_v1_status(post: Post, rng: random.Random, *, streaming: bool, depth: int = 0,
                users: dict | None = None) -> dict:
    a = post.author
    text = post.text
    status: dict[str, Any] = {
        "created_at": ids.twitter_v1_time(post.t_us),
        "id": int(post.post_id),
        "id_str": post.post_id,
    }
    if streaming and len(text) > 140:
        status["text"] = text[:139] + "…"
        status["truncated"] = True
        status["entities"] = _v1_entities(post, text, limit=139)
        status["extended_tweet"] = {"full_text": text, "display_text_range": [0, len(text)],
                                    "entities": _v1_entities(post, text)}
    elif streaming:
        status["text"] = text
        status["truncated"] = False
        status["entities"] = _v1_entities(post, text)
    else:
        status["full_text"] = text
        status["truncated"] = False
        status["display_text_range"] = [0, len(text)]
        status["entities"] = _v1_entities(post, text)
    status["source"] = _SOURCES[a.index % len(_SOURCES)]
    reply_author = post.reply_to_author
    status["in_reply_to_status_id"] = int(post.reply_to_id) if post.reply_to_id else None
    status["in_reply_to_status_id_str"] = post.reply_to_id
    status["in_reply_to_user_id"] = reply_author.numeric_id if reply_author else None
    status["in_reply_to_user_id_str"] = reply_author.author_id if reply_author else None
    status["in_reply_to_screen_name"] = reply_author.username if reply_author else None
    if users is None:
        status["user"] = x_v1_user(a)
    else:
        user = users.get(a.index)
        if user is None:
            user = users[a.index] = x_v1_user(a)
        status["user"] = user
    geo = post.extra.get("geo")
    point = geo.get("point") if geo else None
    status["geo"] = {"type": "Point", "coordinates": [point[1], point[0]]} if point else None
    status["coordinates"] = {"type": "Point", "coordinates": list(point)} if point else None
    if geo:
        city = geo["city"]
        status["place"] = {"id": place_id(city), "place_type": "city", "name": city[0],
                           "full_name": f"{city[0]}, {city[2]}", "country_code": city[2],
                           "country": city[1]}
    else:
        status["place"] = None
    status["contributors"] = None
    if post.kind == KIND_RETWEET and depth == 0:
        status["retweeted_status"] = x_v1_status(post.ref, rng, streaming=streaming, depth=1,
                                                 users=users)
    is_quote = post.kind == KIND_QUOTE
    status["is_quote_status"] = is_quote
    if is_quote:
        ref = post.ref
        status["quoted_status_id"] = int(ref.post_id)
        status["quoted_status_id_str"] = ref.post_id
        link = f"https://twitter.com/{ref.author.username}/status/{ref.post_id}"
        status["quoted_status_permalink"] = {"url": link, "expanded": link,
                                             "display": display_url(link)}
        if depth == 0:
            status["quoted_status"] = x_v1_status(ref, rng, streaming=streaming, depth=1,
                                                  users=users)
    likes, reposts, _, _, _ = engagement(rng, a.followers)
    status["retweet_count"] = reposts
    status["favorite_count"] = likes
    status["favorited"] = False
    status["retweeted"] = False
    status["possibly_sensitive"] = False
    status["lang"] = post.lang
    if streaming:
        status["timestamp_ms"] = str(post.t_us // 1000)
    return status


class JsonArrayWriter(_Writer):
    """Shared by X v1.1 and Mastodon: files holding a JSON array of up to `array_size` items."""

    stem = "statuses"

    def __init__(self, out_root: Path, shard_no: int, rng: random.Random, array_size: int,
                 n_records: int) -> None:
        super().__init__(out_root, shard_no, rng)
        self.array_size = array_size
        self.n_records = n_records
        self.written = 0
        self.file_no = 0
        self.items: list[str] = []  # encoded JSON values
        self._set_rel()

    def _set_rel(self) -> None:
        self.rel = (f"landing/{self.source_format}/shard-{self.shard_no:05d}/"
                    f"{self.stem}-{self.file_no:05d}.json")

    def _append(self, item: str) -> Location:
        loc = (self.rel, f"$[{len(self.items)}]", None)
        self.items.append(item)
        self.written += 1
        if len(self.items) >= self.array_size or self.written >= self.n_records:
            self._flush()
        return loc

    def _flush(self) -> None:
        if not self.items:
            return
        self._open_path(self.rel).write_text("[" + ",".join(self.items) + "]",
                                             encoding="utf-8")
        self.items = []
        self.file_no += 1
        self._set_rel()

    def close(self) -> list[str]:
        self._flush()
        return self.files


class XV1Writer(JsonArrayWriter):
    """Arrays of v1.1 statuses; even shards look like REST (full_text), odd ones like the
    streaming API (text truncated at 140 + extended_tweet)."""

    source_format = FORMAT_X_V1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._users: dict[int, dict] = {}
        self._user_json: dict[int, str] = {}
        self.embedded = 0  # retweeted_status / quoted_status objects inside statuses

    def write_post(self, post: Post, malformed: str | None = None) -> Location:
        status = x_v1_status(post, self.rng, streaming=self.shard_no % 2 == 1,
                             users=self._users)
        self.embedded += ("retweeted_status" in status) + ("quoted_status" in status)
        if malformed == "non_numeric_id":
            bad = non_numeric(post.post_id, self.rng)
            status["id"] = bad
            status["id_str"] = bad
        elif malformed == "bad_timestamp":
            status["created_at"] = self.rng.choice(BAD_TIMESTAMPS)
        # the user object repeats on every status: encode it once per author
        keys = list(status)
        cut = keys.index("user")
        user_json = self._user_json.get(post.author.index)
        if user_json is None:
            user_json = self._user_json[post.author.index] = dumps(status["user"])
        head = {k: status[k] for k in keys[:cut]}
        tail = {k: status[k] for k in keys[cut + 1:]}
        return self._append(splice(head, "user", user_json, tail))

    write_edit = write_post

    def write_delete(self, target: Post, t_us: int) -> Location:
        raise NotImplementedError("X v1.1 statuses carry no deletions")


# --- Mastodon --------------------------------------------------------------------------------

def html_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def mastodon_html(post: Post) -> str:
    """Mastodon's HTML for the plain text: mention h-cards, hashtag and link anchors."""
    text = post.text
    out = ["<p>"]
    pos = 0
    for kind, start, end, value in sorted(post.spans, key=lambda s: s[1]):
        if start < pos:
            continue
        out.append(html_escape(text[pos:start]))
        if kind == MENTION:
            out.append(f'<span class="h-card" translate="no"><a href="{value.url}" '
                       f'class="u-url mention">@<span>{html_escape(value.username)}</span></a>'
                       f'</span>')
        elif kind == HASHTAG:
            out.append(f'<a href="https://{MASTODON_LOCAL_DOMAIN}/tags/{value.lower()}" '
                       f'class="mention hashtag" rel="tag">#<span>{html_escape(value)}</span></a>')
        elif kind == URL:
            scheme, _, rest = value.partition("://")
            visible, hidden = rest[:30], rest[30:]
            cls = "ellipsis" if hidden else ""
            out.append(f'<a href="{html_escape(value)}" target="_blank" '
                       f'rel="nofollow noopener" translate="no">'
                       f'<span class="invisible">{scheme}://</span>'
                       f'<span class="{cls}">{html_escape(visible)}</span>'
                       f'<span class="invisible">{html_escape(hidden)}</span></a>')
        else:  # PII and anything else is plain text
            out.append(html_escape(text[start:end]))
        pos = end
    out.append(html_escape(text[pos:]))
    out.append("</p>")
    return "".join(out)


def mastodon_account(a: Author) -> dict:
    base = f"https://{a.domain}"
    return {
        "id": a.author_id,
        "username": a.username,
        "acct": a.handle,
        "display_name": a.display_name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": ids.iso_ms(a.created_us - a.created_us % 86_400_000_000),
        "note": f"<p>{html_escape(a.bio)}</p>",
        "url": a.url,
        "uri": f"{base}/users/{a.username}",
        "avatar": f"{base}/avatars/original/missing.png",
        "avatar_static": f"{base}/avatars/original/missing.png",
        "header": f"{base}/headers/original/missing.png",
        "header_static": f"{base}/headers/original/missing.png",
        "followers_count": a.followers,
        "following_count": a.following,
        "statuses_count": a.statuses,
        "last_status_at": None,  # set by the writer: the window's last day
        "emojis": [],
        "fields": [],
    }


def mastodon_status_parts(post: Post, rng: random.Random) -> tuple[dict, dict]:
    """The status fields before and after "account" (Mastodon's key order)."""
    a = post.author
    base = f"https://{a.domain}"
    likes, reposts, replies, _, _ = engagement(rng, a.followers)
    media = post.extra.get("media")
    status: dict[str, Any] = {
        "id": post.post_id,
        "created_at": ids.iso_ms(post.t_us),
        "in_reply_to_id": post.reply_to_id,
        "in_reply_to_account_id": post.reply_to_author.author_id if post.reply_to_author
        else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": post.lang,
        "uri": f"{base}/users/{a.username}/statuses/{post.post_id}",
        "url": f"{a.url}/{post.post_id}",
        "replies_count": replies,
        "reblogs_count": reposts,
        "favourites_count": likes,
        "edited_at": ids.iso_ms(post.edited_us) if post.edited_us else None,
        "content": mastodon_html(post),
        "reblog": None,
    }
    if a.domain == MASTODON_LOCAL_DOMAIN:
        status["application"] = {"name": "Web", "website": None}
    tail = {
        "media_attachments": [media] if media else [],
        "mentions": [{"id": m.author_id, "username": m.username, "url": m.url,
                      "acct": m.handle} for m in post.mention_authors],
        "tags": [{"name": t.lower(), "url": f"https://{MASTODON_LOCAL_DOMAIN}/tags/{t.lower()}"}
                 for t in post.hashtags],
        "emojis": [],
        "card": None,
        "poll": None,
    }
    return status, tail


class MastodonWriter(JsonArrayWriter):
    """Arrays of Mastodon statuses (timeline pages); an edit re-emits the same id later with
    edited_at set and the new content."""

    source_format = FORMAT_MASTODON

    def __init__(self, *args: Any, last_day: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._accounts: dict[int, str] = {}  # author index -> encoded account
        self._last_day = last_day

    def write_post(self, post: Post, malformed: str | None = None) -> Location:
        account_json = self._accounts.get(post.author.index)
        if account_json is None:
            account = mastodon_account(post.author)
            account["last_status_at"] = self._last_day
            account_json = self._accounts[post.author.index] = dumps(account)
        head, tail = mastodon_status_parts(post, self.rng)
        if malformed == "missing_id":
            del head["id"]
        elif malformed == "bad_timestamp":
            head["created_at"] = self.rng.choice(BAD_TIMESTAMPS)
        return self._append(splice(head, "account", account_json, tail))

    write_edit = write_post

    def write_delete(self, target: Post, t_us: int) -> Location:
        raise NotImplementedError("Mastodon timelines carry no deletions")


# --- line formats ----------------------------------------------------------------------------

class _LineFile:
    """Appends lines (bytes) to a plain or gzip file; gzip output is deterministic (mtime 0,
    no file name in the header)."""

    def __init__(self, path: Path, gz: bool) -> None:
        self._fh = open(path, "wb")
        self._z = zlib.compressobj(6, zlib.DEFLATED, 31) if gz else None
        self._buf: list[bytes] = []
        self._size = 0
        self.lines = 0

    def add(self, line: bytes) -> int:
        self._buf.append(line)
        self._size += len(line)
        self.lines += 1
        if self._size > 1 << 20:
            self._drain()
        return self.lines

    def _drain(self) -> None:
        data = b"".join(self._buf)
        self._buf, self._size = [], 0
        self._fh.write(self._z.compress(data) if self._z else data)

    def close(self) -> None:
        self._drain()
        if self._z:
            self._fh.write(self._z.flush())
        self._fh.close()


def _json_line(value: Any, malformed: str | None, rng: random.Random) -> bytes:
    line = dumps(value)
    if malformed == "truncated_json":
        cut = len(line) // 4 + int(rng.random() * (max(1, len(line) // 2)))
        return line[:cut].encode("utf-8") + b"\n"
    data = line.encode("utf-8")
    if malformed == "invalid_utf8":
        marker = BAD_UTF8_MARKER.encode("utf-8")
        if marker in data:
            data = data.replace(marker, BAD_UTF8_BYTES, 1)
        else:
            data = data[:-1] + BAD_UTF8_BYTES + data[-1:]
    return data + b"\n"


def _with_marker(text: str, rng: random.Random) -> str:
    cut = int(rng.random() * (len(text) + 1))
    return text[:cut] + BAD_UTF8_MARKER + text[cut:]


class PushshiftWriter(_Writer):
    """Pushshift-style dumps: RS_ (t3 submissions) and RC_ (t1 comments) NDJSON, gzip."""

    source_format = FORMAT_PUSHSHIFT

    def __init__(self, out_root: Path, shard_no: int, rng: random.Random) -> None:
        super().__init__(out_root, shard_no, rng)
        self.rel_rs = f"landing/{FORMAT_PUSHSHIFT}/RS_shard-{shard_no:05d}.ndjson.gz"
        self.rel_rc = f"landing/{FORMAT_PUSHSHIFT}/RC_shard-{shard_no:05d}.ndjson.gz"
        self.rs = _LineFile(self._open_path(self.rel_rs), gz=True)
        self.rc = _LineFile(self._open_path(self.rel_rc), gz=True)

    def _render(self, post: Post, *, deleted: str | None = None) -> dict:
        a = post.author
        x = post.extra
        t_s = post.t_us // 1_000_000
        edited: Any = round(post.edited_us / 1_000_000, 1) if post.edited_us else False
        retrieved = t_s + 3600 + (a.index * 7919) % 86_400
        score = 1 + int(max(1.0, a.followers) ** 0.4 * self.rng.random() * 3)
        author_name = "[deleted]" if deleted else a.username
        if post.kind == KIND_SUBMISSION:
            row: dict[str, Any] = {"author": author_name}
            if not deleted:
                row["author_fullname"] = a.account_id
            row.update({
                "created_utc": t_s,
                "domain": x["domain"],
                "edited": edited,
                "id": x["id36"],
                "is_self": x["is_self"],
                "link_flair_text": None,
                "locked": False,
                "name": post.post_id,
                "num_comments": x.get("num_comments", 0),
                "over_18": False,
                "permalink": x["permalink"],
                "retrieved_on": retrieved,
                "score": score,
                "selftext": deleted or x["selftext"],
                "stickied": False,
                "subreddit": x["subreddit"],
                "subreddit_id": x["subreddit_id"],
                "subreddit_name_prefixed": "r/" + x["subreddit"],
                "subreddit_type": "public",
                "title": x["title"],
                "upvote_ratio": round(0.5 + 0.5 * self.rng.random(), 2),
                "url": x["url"],
            })
            return row
        row = {"all_awardings": [], "archived": False, "author": author_name,
               "author_flair_text": None}
        if not deleted:
            row["author_fullname"] = a.account_id
        row.update({
            "body": deleted or post.text,
            "controversiality": 0,
            "created_utc": t_s,
            "distinguished": None,
            "edited": edited,
            "gilded": 0,
            "id": x["id36"],
            "is_submitter": x.get("is_submitter", False),
            "link_id": x["link_id"],
            "locked": False,
            "name": post.post_id,
            "parent_id": x["parent_id"],
            "permalink": x["permalink"],
            "retrieved_on": retrieved,
            "score": score,
            "send_replies": True,
            "stickied": False,
            "subreddit": x["subreddit"],
            "subreddit_id": x["subreddit_id"],
            "subreddit_name_prefixed": "r/" + x["subreddit"],
            "total_awards_received": 0,
        })
        return row

    def _emit(self, post: Post, row: dict, malformed: str | None) -> Location:
        if post.kind == KIND_SUBMISSION:
            rel, fh = self.rel_rs, self.rs
        else:
            rel, fh = self.rel_rc, self.rc
        if malformed == "bad_timestamp":
            row["created_utc"] = self.rng.choice(BAD_TIMESTAMPS)
        elif malformed == "invalid_utf8":
            key = "title" if post.kind == KIND_SUBMISSION else "body"
            row[key] = _with_marker(row[key], self.rng)
        line = fh.add(_json_line(row, malformed, self.rng))
        return (rel, f"line {line}", line)

    def write_post(self, post: Post, malformed: str | None = None) -> Location:
        return self._emit(post, self._render(post), malformed)

    write_edit = write_post

    def write_delete(self, target: Post, t_us: int) -> Location:
        how = "[removed]" if self.rng.random() < 0.4 else "[deleted]"
        return self._emit(target, self._render(target, deleted=how), None)

    def close(self) -> list[str]:
        self.rs.close()
        self.rc.close()
        return self.files


class JetstreamWriter(_Writer):
    """Bluesky Jetstream commit events for app.bsky.feed.post (create and delete), NDJSON."""

    source_format = FORMAT_JETSTREAM

    def __init__(self, out_root: Path, shard_no: int, rng: random.Random) -> None:
        super().__init__(out_root, shard_no, rng)
        self.rel = f"landing/{FORMAT_JETSTREAM}/jetstream-{shard_no:05d}.ndjson"
        self.fh = _LineFile(self._open_path(self.rel), gz=False)

    def _event_time(self, t_us: int) -> int:
        return t_us + 40_000 + int(self.rng.random() * 2_500_000)

    def write_post(self, post: Post, malformed: str | None = None) -> Location:
        text = post.text
        if malformed == "invalid_utf8":
            cut = int(self.rng.random() * (len(text) + 1))
            text = text[:cut] + BAD_UTF8_MARKER + text[cut:]
        record: dict[str, Any] = {"$type": "app.bsky.feed.post",
                                  "createdAt": ids.iso_ms(post.t_us)}
        embed = post.extra.get("embed")
        if embed:
            record["embed"] = embed
        facets = []
        for kind, start, end, value in post.spans:
            if kind == MENTION:
                feature = {"$type": "app.bsky.richtext.facet#mention", "did": value.author_id}
            elif kind == URL:
                feature = {"$type": "app.bsky.richtext.facet#link", "uri": value}
            elif kind == HASHTAG:
                feature = {"$type": "app.bsky.richtext.facet#tag", "tag": value}
            else:
                continue
            byte_start = len(post.text[:start].encode("utf-8"))
            byte_end = byte_start + len(post.text[start:end].encode("utf-8"))
            facets.append({"$type": "app.bsky.richtext.facet",
                           "features": [feature],
                           "index": {"byteEnd": byte_end, "byteStart": byte_start}})
        if facets:
            record["facets"] = facets
        record["langs"] = [post.lang]
        reply = post.extra.get("reply")
        if reply:
            record["reply"] = reply
        record["text"] = text
        if malformed == "bad_timestamp":
            record["createdAt"] = self.rng.choice(BAD_TIMESTAMPS)
        t_event = self._event_time(post.t_us)
        event = {
            "did": post.author.author_id,
            "time_us": t_event,
            "kind": "commit",
            "commit": {
                "rev": ids.tid(t_event, self.shard_no),
                "operation": "create",
                "collection": "app.bsky.feed.post",
                "rkey": post.extra["rkey"],
                "record": record,
                "cid": post.extra["cid"],
            },
        }
        line = self.fh.add(_json_line(event, malformed, self.rng))
        return (self.rel, f"line {line}", line)

    write_edit = write_post

    def write_delete(self, target: Post, t_us: int) -> Location:
        t_event = self._event_time(t_us)
        event = {
            "did": target.author.author_id,
            "time_us": t_event,
            "kind": "commit",
            "commit": {
                "rev": ids.tid(t_event, self.shard_no),
                "operation": "delete",
                "collection": "app.bsky.feed.post",
                "rkey": target.extra["rkey"],
            },
        }
        line = self.fh.add(_json_line(event, None, self.rng))
        return (self.rel, f"line {line}", line)

    def close(self) -> list[str]:
        self.fh.close()
        return self.files


class CsvWriter(_Writer):
    """Generic CSV export: id,user_id,user_name,created_at,text,lang (UTF-8, header line 1)."""

    source_format = FORMAT_CSV

    def __init__(self, out_root: Path, shard_no: int, rng: random.Random,
                 columns: tuple[str, ...]) -> None:
        super().__init__(out_root, shard_no, rng)
        self.rel = f"landing/{FORMAT_CSV}/posts-{shard_no:05d}.csv"
        self.fh = _LineFile(self._open_path(self.rel), gz=False)
        self._sio = io.StringIO()
        self._csv = csv.writer(self._sio, lineterminator="\n")
        self._row(list(columns))

    def _row(self, values: list[str]) -> int:
        self._sio.seek(0)
        self._sio.truncate()
        self._csv.writerow(values)
        return self.fh.add(self._sio.getvalue().encode("utf-8"))

    def write_post(self, post: Post, malformed: str | None = None) -> Location:
        a = post.author
        row = [post.post_id, a.author_id, a.username, ids.iso_seconds(post.t_us), post.text,
               post.lang]
        if malformed == "missing_id":
            row[0] = ""
        elif malformed == "bad_timestamp":
            row[3] = self.rng.choice(BAD_TIMESTAMPS)
        elif malformed == "invalid_utf8":
            row[4] = _with_marker(row[4], self.rng)
        if malformed == "invalid_utf8":
            self._sio.seek(0)
            self._sio.truncate()
            self._csv.writerow(row)
            data = self._sio.getvalue().encode("utf-8").replace(
                BAD_UTF8_MARKER.encode("utf-8"), BAD_UTF8_BYTES, 1)
            line = self.fh.add(data)
        else:
            line = self._row(row)
        return (self.rel, f"row {line - 1}", line)  # data rows are numbered after the header

    write_edit = write_post

    def write_delete(self, target: Post, t_us: int) -> Location:
        raise NotImplementedError("the generic CSV carries no deletions")

    def close(self) -> list[str]:
        self.fh.close()
        return self.files
