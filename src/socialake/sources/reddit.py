"""Reddit: API Listings (incl. nested comment trees) and flat Pushshift t1/t3 dicts.

post_id is the fullname (t1_xxx comment, t3_xxx submission); reply_to_post_id is parent_id
and conversation_id the submission (link_id). author_id is the username: Reddit usernames are
unique and permanent, and older API responses and Pushshift dumps carry no author_fullname, so
the username is the only author key present everywhere. "[deleted]"/"[removed]" bodies are
delete events; a "[deleted]" author alone only blanks the author. A comment's nested `replies`
Listing is walked (each reply is its own row) and left out of the comment's raw payload;
"more" stubs (comments not loaded) go to quarantine as not_a_post, keeping their child ids.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from socialake.schemas import (
    EVENT_DELETE,
    EVENT_EDIT,
    EVENT_POST,
    FORMAT_PUSHSHIFT,
    FORMAT_REDDIT_API,
    PLATFORM_REDDIT,
    REASON_BAD_VALUE,
    REASON_NOT_A_POST,
    REASON_UNKNOWN_FORMAT,
)
from socialake.sources.base import ParsedRecord, ReadContext
from socialake.sources.common import (
    Item,
    as_count,
    as_id,
    as_text,
    from_epoch_seconds,
    guard,
    reject,
    sub,
    unique,
)

_POST_KINDS = ("t1", "t3")
_THING_KINDS = frozenset(("Listing", "t1", "t2", "t3", "t4", "t5", "t6", "more", "LabeledMulti"))
_DELETED_MARKERS = frozenset(("[deleted]", "[removed]"))
_URL = re.compile(r"https?://[^\s)\]>\"'<]+")
_USER_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")
_SITE = "https://www.reddit.com"


def recognises_api(value: Mapping[str, Any]) -> bool:
    """A Reddit API thing: {"kind": "Listing"|"t1"|"t3"|"more"|..., "data": {...}}."""
    kind = value.get("kind")
    return isinstance(kind, str) and kind in _THING_KINDS and isinstance(value.get("data"), dict)


def recognises_pushshift(value: Mapping[str, Any]) -> bool:
    """A flat Pushshift dict: a subreddit plus a comment body or a submission title/selftext."""
    return "subreddit" in value and ("body" in value or "selftext" in value or "title" in value)


def parse_api(value: Any, location: str, ctx: ReadContext) -> Iterator[Item]:
    """Yield records for a Listing (walking comment trees) or a single kind-wrapped thing."""
    if not isinstance(value, dict):
        yield reject(REASON_UNKNOWN_FORMAT, "not a Reddit API object", value, location,
                     FORMAT_REDDIT_API)
        return
    yield from _thing_items(value, location)


def parse_pushshift(value: Any, location: str, ctx: ReadContext) -> Iterator[Item]:
    """Yield the record of one flat Pushshift comment/submission (plus any nested replies)."""
    if not isinstance(value, dict):
        yield reject(REASON_UNKNOWN_FORMAT, "not a Pushshift object", value, location,
                     FORMAT_PUSHSHIFT)
        return
    kind = _infer_kind(value)
    raw = _without_reply_tree(value)
    yield guard(lambda: _post_record(value, kind, FORMAT_PUSHSHIFT, raw, location), raw=raw,
                location=location, platform=PLATFORM_REDDIT, source_format=FORMAT_PUSHSHIFT)
    yield from _reply_items(value, location, FORMAT_PUSHSHIFT)


def _thing_items(thing: Any, location: str, source_format: str = FORMAT_REDDIT_API
                 ) -> Iterator[Item]:
    """Records for one {kind, data} thing: a Listing's children, a post, or a quarantined stub."""
    if not isinstance(thing, dict) or not isinstance(thing.get("data"), dict):
        yield reject(REASON_BAD_VALUE, "Reddit thing without a data object", thing, location,
                     source_format)
        return
    kind, data = thing.get("kind"), thing["data"]
    if kind == "Listing":
        yield from _listing_items(data, f"{location}.data", source_format)
    elif kind in _POST_KINDS:
        raw = {"kind": kind, "data": _without_reply_tree(data)}
        yield guard(lambda: _post_record(data, kind, source_format, raw, location), raw=raw,
                    location=location, platform=PLATFORM_REDDIT, source_format=source_format)
        yield from _reply_items(data, f"{location}.data", source_format)
    elif kind == "more":
        reason = (f"Reddit 'more' stub: {data.get('count')} comments not loaded under "
                  f"{data.get('parent_id')}")
        yield reject(REASON_NOT_A_POST, reason, thing, location, source_format)
    else:
        yield reject(REASON_NOT_A_POST, f"Reddit {kind} thing is not a post", thing, location,
                     source_format)


def _listing_items(listing: Mapping[str, Any], location: str, source_format: str
                   ) -> Iterator[Item]:
    """Records for every child of a Listing's data."""
    children = listing.get("children")
    if not isinstance(children, list):
        yield reject(REASON_BAD_VALUE, "Reddit Listing without a children list", listing,
                     location, source_format)
        return
    for position, child in enumerate(children):
        yield from _thing_items(child, f"{location}.children[{position}]", source_format)


def _reply_items(data: Mapping[str, Any], location: str, source_format: str) -> Iterator[Item]:
    """Records of a comment's nested `replies` Listing ("" when it has none)."""
    replies = data.get("replies")
    if isinstance(replies, dict):
        yield from _thing_items(replies, f"{location}.replies", source_format)


def _without_reply_tree(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The thing's data without its nested replies Listing (each reply has its own row)."""
    if isinstance(data.get("replies"), dict):
        return {key: value for key, value in data.items() if key != "replies"}
    return data


def _infer_kind(data: Mapping[str, Any]) -> str:
    """t1 (comment) or t3 (submission) for a flat dict without a kind wrapper."""
    name = data.get("name")
    if isinstance(name, str) and name[:3] in ("t1_", "t3_"):
        return name[:2]
    return "t1" if "body" in data else "t3"


def _post_record(data: Mapping[str, Any], kind: str, source_format: str, raw: Any,
                 location: str) -> ParsedRecord:
    """Map a t1 comment or t3 submission to the canonical fields."""
    post_id = _fullname(data, kind)
    author = as_text(data.get("author"), "author")
    author = None if author in _DELETED_MARKERS or not author else author
    body = as_text(data.get("body" if kind == "t1" else "selftext"), "body")
    deleted = body in _DELETED_MARKERS
    text = None if deleted else _post_text(data, kind, body)
    edited_at = _edited_at(data.get("edited"))
    permalink = as_text(data.get("permalink"), "permalink")
    fields: dict[str, Any] = {
        "event_type": EVENT_DELETE if deleted else EVENT_EDIT if edited_at else EVENT_POST,
        "post_id": post_id,
        "post_url": _SITE + permalink if permalink and permalink.startswith("/") else permalink,
        "channel": as_text(data.get("subreddit"), "subreddit"),
        "author_id": author,
        "author_handle": author,
        "created_at": from_epoch_seconds(data.get("created_utc"), "created_utc"),
        "edited_at": edited_at,
        "text": text,
        "like_count": as_count(data.get("score"), "score"),
        "view_count": as_count(data.get("view_count"), "view_count"),
        "hashtags": [],
    }
    fields.update(_thread_fields(data, kind, post_id))
    fields.update(_links(data, kind, text))
    return ParsedRecord(PLATFORM_REDDIT, source_format, None, fields, raw, location)


def _fullname(data: Mapping[str, Any], kind: str) -> str:
    """The thing's fullname: `name` when given, else kind + "_" + id."""
    name = as_id(data.get("name"), "name")
    if name:
        return name
    local_id = as_id(data.get("id"), "id", required=True)
    return local_id if local_id.startswith(kind + "_") else f"{kind}_{local_id}"


def _post_text(data: Mapping[str, Any], kind: str, body: str | None) -> str | None:
    """A comment's body; a submission's title, then its selftext when there is one."""
    if kind == "t1":
        return body
    title = as_text(data.get("title"), "title")
    return "\n\n".join(part for part in (title, body) if part) or None


def _edited_at(edited: Any) -> Any:
    """Reddit `edited` is false or the edit time in epoch seconds."""
    if edited is None or isinstance(edited, bool):
        return None
    return from_epoch_seconds(edited, "edited")


def _thread_fields(data: Mapping[str, Any], kind: str, post_id: str) -> dict[str, Any]:
    """Reply/thread links and the counts that only submissions have."""
    if kind == "t1":
        return {
            "reply_to_post_id": as_id(data.get("parent_id"), "parent_id"),
            "conversation_id": as_id(data.get("link_id"), "link_id"),
        }
    return {
        "conversation_id": post_id,
        "reply_count": as_count(data.get("num_comments"), "num_comments"),
        "repost_count": as_count(data.get("num_crossposts"), "num_crossposts"),
        "repost_of_post_id": as_id(data.get("crosspost_parent"), "crosspost_parent"),
    }


def _links(data: Mapping[str, Any], kind: str, text: str | None) -> dict[str, Any]:
    """URLs (a link post's target, then links in the text), u/ mentions and media."""
    link = as_text(data.get("url"), "url") if kind == "t3" and not data.get("is_self") else None
    found = _URL.findall(text) if text and "http" in text else []
    handles = unique(_USER_MENTION.findall(text)) if text and "u/" in text else []
    return {
        "urls": unique([link, *found]),
        "mentions": [{"author_id": handle, "handle": handle} for handle in handles],
        "media": _media(data) if kind == "t3" else [],
    }


def _media(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Gallery items (media_metadata), hosted video, or the image of an image post."""
    media = []
    for media_id, meta in sub(data, "media_metadata").items():
        if isinstance(meta, dict):
            source = sub(meta, "s")
            url = source.get("u") or source.get("gif") or source.get("mp4")
            media.append({"media_id": media_id, "type": as_text(meta.get("e"), "media.e"),
                          "url": as_text(url, "media.s.u"), "alt_text": None})
    video = sub(sub(data, "secure_media"), "reddit_video")
    if video.get("fallback_url"):
        media.append({"media_id": None, "type": "video",
                      "url": as_text(video["fallback_url"], "fallback_url"), "alt_text": None})
    if data.get("post_hint") == "image" and data.get("url"):
        media.append({"media_id": None, "type": "image", "url": as_text(data["url"], "url"),
                      "alt_text": None})
    return media
