"""Bluesky Jetstream events -> canonical records.

An event is {did, time_us, kind: "commit", commit: {operation, collection, rkey, record, cid}}.
app.bsky.feed.post create -> post (update -> edit), delete -> delete event; reposts
(app.bsky.feed.repost) are posts with repost_of_post_id, like retweets and reblogs. Every other
collection (likes, follows, profiles, ...) and the identity/account events are not posts.
post_id is the record's AT URI (at://did/collection/rkey), which is also how replies, quotes
and reposts refer to it. Facets give mentions (did; handle as written in the text), links and
tags: their byte ranges index the UTF-8 text. Jetstream carries no handle or profile for the
author, so only author_id (the did) is filled.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from socialake.schemas import (
    EVENT_DELETE,
    EVENT_EDIT,
    EVENT_POST,
    FORMAT_JETSTREAM,
    PLATFORM_BLUESKY,
    REASON_MISSING_FIELD,
    REASON_NOT_A_POST,
    REASON_UNKNOWN_FORMAT,
)
from socialake.sources.base import ParsedRecord, ReadContext, RecordError
from socialake.sources.common import (
    Item,
    as_id,
    as_text,
    dicts,
    from_epoch_micros,
    guard,
    items,
    parse_iso,
    reject,
    sub,
    unique,
)

POST_COLLECTION = "app.bsky.feed.post"
REPOST_COLLECTION = "app.bsky.feed.repost"
_EVENT_KINDS = frozenset(("commit", "identity", "account"))
_FACET = "app.bsky.richtext.facet#"
_IMAGE_CDN = "https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"


def recognises(value: Mapping[str, Any]) -> bool:
    """A Jetstream event: a did, a time_us cursor and a commit/identity/account kind."""
    kind = value.get("kind")
    return "did" in value and "time_us" in value and isinstance(kind, str) and kind in _EVENT_KINDS


def parse(value: Any, location: str, ctx: ReadContext) -> Iterator[Item]:
    """Yield the record of one Jetstream event (or its quarantine reason)."""
    if not isinstance(value, dict):
        yield reject(REASON_UNKNOWN_FORMAT, "not a Jetstream event object", value, location,
                     FORMAT_JETSTREAM)
        return
    commit = value.get("commit")
    if value.get("kind") != "commit":
        yield reject(REASON_NOT_A_POST, f"Jetstream {value.get('kind')} event, not a post",
                     value, location, FORMAT_JETSTREAM)
        return
    if not isinstance(commit, dict):
        yield reject(REASON_MISSING_FIELD, "Jetstream commit event without a commit object",
                     value, location, FORMAT_JETSTREAM)
        return
    collection = commit.get("collection")
    if collection not in (POST_COLLECTION, REPOST_COLLECTION):
        reason = f"Jetstream {commit.get('operation')} of {collection}, not a post"
        yield reject(REASON_NOT_A_POST, reason, value, location, FORMAT_JETSTREAM)
        return
    yield guard(lambda: _commit_record(value, location), raw=value, location=location,
                platform=PLATFORM_BLUESKY, source_format=FORMAT_JETSTREAM)


def at_uri(did: str, collection: str, rkey: str) -> str:
    """AT URI of a record: at://did/collection/rkey."""
    return f"at://{did}/{collection}/{rkey}"


def post_url(did: str, rkey: str) -> str:
    """Web URL of a post on bsky.app."""
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def _commit_record(event: Mapping[str, Any], location: str) -> ParsedRecord:
    """Map a post/repost commit (create, update or delete) to the canonical fields."""
    commit = sub(event, "commit")
    did = as_id(event.get("did"), "did", required=True)
    rkey = as_id(commit.get("rkey"), "commit.rkey", required=True)
    collection = commit["collection"]
    operation = commit.get("operation")
    fields: dict[str, Any] = {
        "post_id": at_uri(did, collection, rkey),
        "post_url": post_url(did, rkey) if collection == POST_COLLECTION else None,
        "author_id": did,
    }
    if operation == "delete":
        fields["event_type"] = EVENT_DELETE
    elif operation in ("create", "update"):
        record = sub(commit, "record")
        if not record:
            raise RecordError(REASON_MISSING_FIELD, f"{operation} commit without a record")
        fields["event_type"] = EVENT_POST if operation == "create" else EVENT_EDIT
        if operation == "update":
            fields["edited_at"] = from_epoch_micros(event.get("time_us"), "time_us")
        fields.update(_record_fields(record, did, collection, fields["post_id"]))
    else:
        raise RecordError(REASON_NOT_A_POST, f"commit operation {operation!r} is not a post event")
    return ParsedRecord(PLATFORM_BLUESKY, FORMAT_JETSTREAM, None, fields, event, location)


def _record_fields(record: Mapping[str, Any], did: str, collection: str, post_id: str
                   ) -> dict[str, Any]:
    """Fields of an app.bsky.feed.post or app.bsky.feed.repost record."""
    created_at = parse_iso(record.get("createdAt"), "record.createdAt")
    if collection == REPOST_COLLECTION:
        subject = as_id(sub(record, "subject").get("uri"), "record.subject.uri", required=True)
        return {"created_at": created_at, "repost_of_post_id": subject, "mentions": [],
                "hashtags": [], "urls": [], "media": []}
    text = as_text(record.get("text"), "record.text")
    langs = items(record, "langs")
    reply = sub(record, "reply")
    parent = as_id(sub(reply, "parent").get("uri"), "reply.parent.uri")
    fields: dict[str, Any] = {
        "created_at": created_at,
        "text": text,
        "lang": as_text(langs[0], "record.langs[0]") if langs else None,
        "reply_to_post_id": parent,
        "reply_to_author_id": _did_of(parent),
        "conversation_id": as_id(sub(reply, "root").get("uri"), "reply.root.uri") or post_id,
    }
    fields.update(_facets(record, text or ""))
    fields.update(_embed(sub(record, "embed"), did, fields["urls"]))
    return fields


def _did_of(uri: str | None) -> str | None:
    """The repo did of an at:// URI (the author of the record it names)."""
    if not uri or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def _facets(record: Mapping[str, Any], text: str) -> dict[str, Any]:
    """Mentions (did + handle as written), links and tags from rich-text facets."""
    encoded = text.encode("utf-8")
    mentions, urls, hashtags = [], [], []
    for facet in dicts(record, "facets"):
        index = sub(facet, "index")
        for feature in dicts(facet, "features"):
            kind = str(feature.get("$type", "")).removeprefix(_FACET)
            if kind == "mention":
                written = _byte_slice(encoded, index.get("byteStart"), index.get("byteEnd"))
                mentions.append({"author_id": as_id(feature.get("did"), "facet.did"),
                                 "handle": written.lstrip("@") or None})
            elif kind == "link":
                urls.append(as_text(feature.get("uri"), "facet.uri"))
            elif kind == "tag":
                hashtags.append(as_text(feature.get("tag"), "facet.tag"))
    return {"mentions": mentions, "urls": unique(urls),
            "hashtags": [tag.lstrip("#") for tag in hashtags if tag]}


def _byte_slice(encoded: bytes, start: Any, end: Any) -> str:
    """Decode text[start:end] by UTF-8 byte offsets ("" when the offsets are unusable)."""
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        return ""
    return encoded[start:end].decode("utf-8", errors="replace")


def _embed(embed: Mapping[str, Any], did: str, urls: list[str]) -> dict[str, Any]:
    """Quote (record / recordWithMedia), images/video and an external link card."""
    kind = str(embed.get("$type", ""))
    quoted = sub(embed, "record")
    if kind == "app.bsky.embed.recordWithMedia":
        quoted = sub(quoted, "record")
        embed = sub(embed, "media")
        kind = str(embed.get("$type", ""))
    external = as_text(sub(embed, "external").get("uri"), "embed.external.uri")
    return {
        "quote_of_post_id": as_id(quoted.get("uri"), "embed.record.uri"),
        "media": _media(embed, kind, did),
        "urls": unique([*urls, external]),
    }


def _media(embed: Mapping[str, Any], kind: str, did: str) -> list[dict[str, Any]]:
    """Images (with their CDN URL) or a video from an embed."""
    if kind == "app.bsky.embed.images":
        return [_blob_media(image.get("image"), "image", image.get("alt"), did)
                for image in dicts(embed, "images")]
    if kind == "app.bsky.embed.video":
        return [_blob_media(embed.get("video"), "video", embed.get("alt"), did)]
    return []


def _blob_media(blob: Any, media_type: str, alt: Any, did: str) -> dict[str, Any]:
    """One media entry from a blob reference {ref: {$link: cid}, mimeType}."""
    cid = sub(blob, "ref").get("$link") if isinstance(blob, dict) else None
    cid = as_id(cid, "blob.ref.$link")
    url = _IMAGE_CDN.format(did=did, cid=cid) if cid and media_type == "image" else None
    return {"media_id": cid, "type": media_type, "url": url,
            "alt_text": as_text(alt, "alt") or None}
