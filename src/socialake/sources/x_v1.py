"""X (Twitter) API v1.1 statuses -> canonical records.

Accepts a single status, a list of statuses (the reader splits lists), a search response
{statuses: [...], search_metadata} and streaming delete notices. A retweet becomes a post with
repost_of_post_id and the retweeted original is emitted as its own post; a quote likewise
(quote_of_post_id plus the quoted status). extended_tweet.full_text wins over text.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Mapping

from socialake.schemas import (
    EVENT_DELETE,
    EVENT_POST,
    FORMAT_X_V1,
    PLATFORM_X,
    REASON_BAD_VALUE,
    REASON_NOT_A_POST,
    REASON_UNKNOWN_FORMAT,
)
from socialake.sources.base import ParsedRecord, ReadContext, RecordError
from socialake.sources.common import (
    UTC,
    Item,
    as_count,
    as_float,
    as_id,
    as_numeric_id,
    as_text,
    dicts,
    guard,
    items,
    reject,
    sub,
    unique,
)
from socialake.sources.x_v2 import tweet_url

API_VERSION = "1.1"
_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_NOTICES = ("limit", "warning", "disconnect", "scrub_geo", "status_withheld", "user_withheld",
            "friends", "event")


def recognises(value: Mapping[str, Any]) -> bool:
    """True for a v1.1 status, search response, delete notice or other streaming notice."""
    if "search_metadata" in value or isinstance(value.get("delete"), dict) or is_status(value):
        return True
    statuses = value.get("statuses")
    if isinstance(statuses, list) and statuses and isinstance(statuses[0], dict):
        return "id_str" in statuses[0]
    return is_user(value) or (len(value) == 1 and any(key in value for key in _NOTICES))


def is_status(value: Mapping[str, Any]) -> bool:
    """A v1.1 status object: id_str, a user and text or full_text."""
    return "id_str" in value and "user" in value and ("text" in value or "full_text" in value)


def is_user(value: Mapping[str, Any]) -> bool:
    """A v1.1 user object (user lists are not posts)."""
    return "screen_name" in value and "followers_count" in value and "user" not in value


def parse(value: Any, location: str, ctx: ReadContext) -> Iterator[Item]:
    """Yield records for a v1.1 status (and its retweeted / quoted originals) or notice."""
    if not isinstance(value, dict):
        yield reject(REASON_UNKNOWN_FORMAT, "not an X API v1.1 object", value, location,
                     FORMAT_X_V1)
    elif isinstance(value.get("statuses"), list):
        for position, status in enumerate(value["statuses"]):
            yield from _status_items(status, f"{location}.statuses[{position}]")
    elif isinstance(value.get("delete"), dict):
        yield guard(lambda: _delete_record(value, location), raw=value, location=location,
                    platform=PLATFORM_X, source_format=FORMAT_X_V1)
    elif is_status(value) or "id_str" in value:
        yield from _status_items(value, location)
    elif is_user(value) or any(key in value for key in _NOTICES):
        kind = "user object" if is_user(value) else f"{next(iter(value))} notice"
        yield reject(REASON_NOT_A_POST, f"X v1.1 {kind}, not a status", value, location,
                     FORMAT_X_V1)
    else:
        yield reject(REASON_UNKNOWN_FORMAT, "unrecognised X API v1.1 object", value, location,
                     FORMAT_X_V1)


def _status_items(status: Any, location: str) -> Iterator[Item]:
    """The status itself, then the retweeted and quoted statuses it embeds."""
    yield guard(lambda: _status_record(status, location), raw=status, location=location,
                platform=PLATFORM_X, source_format=FORMAT_X_V1)
    if not isinstance(status, dict):
        return
    for embedded in ("retweeted_status", "quoted_status"):
        if isinstance(status.get(embedded), dict):
            yield from _status_items(status[embedded], f"{location}.{embedded}")


def parse_created_at(value: Any) -> datetime | None:
    """Parse v1.1 "Thu Nov 08 02:31:41 +0000 2012" without depending on the C locale."""
    text = as_text(value, "created_at")
    if not text:
        return None
    try:
        _, month, day, clock, offset, year = text.split()
        hour, minute, second = (int(part) for part in clock.split(":"))
        sign = -1 if offset[0] == "-" else 1
        shift = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])) * sign
        local = datetime(int(year), _MONTHS[month], int(day), hour, minute, second,
                         tzinfo=timezone(shift))
    except (ValueError, KeyError, IndexError):
        raise RecordError(REASON_BAD_VALUE, f"created_at={text!r} is not a v1.1 time") from None
    return local.astimezone(UTC)


def _status_record(status: Any, location: str) -> ParsedRecord:
    """Map one v1.1 status to the canonical fields."""
    if not isinstance(status, dict):
        raise TypeError(f"status is a {type(status).__name__}, not an object")
    status_id = as_numeric_id(status.get("id_str") or status.get("id"), "id_str", required=True)
    user = sub(status, "user")
    handle = as_text(user.get("screen_name"), "user.screen_name")
    extended = sub(status, "extended_tweet")
    fields: dict[str, Any] = {
        "event_type": EVENT_POST,
        "post_id": status_id,
        "post_url": tweet_url(status_id, handle),
        "author_id": as_id(user.get("id_str") or user.get("id"), "user.id_str"),
        "author_handle": handle,
        "author_display_name": as_text(user.get("name"), "user.name"),
        "author_bio": as_text(user.get("description"), "user.description"),
        "author_location": as_text(user.get("location"), "user.location"),
        "author_followers": as_count(user.get("followers_count"), "user.followers_count"),
        "created_at": parse_created_at(status.get("created_at")),
        "text": as_text(extended.get("full_text") or status.get("full_text")
                        or status.get("text"), "text"),
        "lang": as_text(status.get("lang"), "lang"),
        "reply_to_post_id": as_id(status.get("in_reply_to_status_id_str")
                                  or status.get("in_reply_to_status_id"), "in_reply_to_status_id"),
        "reply_to_author_id": as_id(status.get("in_reply_to_user_id_str")
                                    or status.get("in_reply_to_user_id"), "in_reply_to_user_id"),
        "quote_of_post_id": _embedded_id(status, "quoted_status", "quoted_status_id_str"),
        "repost_of_post_id": _embedded_id(status, "retweeted_status", None),
        "like_count": as_count(status.get("favorite_count"), "favorite_count"),
        "repost_count": as_count(status.get("retweet_count"), "retweet_count"),
        "reply_count": as_count(status.get("reply_count"), "reply_count"),
        "quote_count": as_count(status.get("quote_count"), "quote_count"),
    }
    fields.update(_entities(extended or status))
    fields.update(_geo(status))
    return ParsedRecord(PLATFORM_X, FORMAT_X_V1, API_VERSION, fields, status, location)


def _embedded_id(status: Mapping[str, Any], embedded: str, id_field: str | None) -> str | None:
    """Id of an embedded retweeted/quoted status (or of the bare *_id_str field)."""
    inner = sub(status, embedded)
    if inner:
        return as_id(inner.get("id_str") or inner.get("id"), f"{embedded}.id_str")
    return as_id(status.get(id_field), id_field) if id_field else None


def _entities(holder: Mapping[str, Any]) -> dict[str, Any]:
    """Mentions, hashtags, expanded URLs and media (extended_entities preferred for media)."""
    entities = sub(holder, "entities")
    mentions = [
        {"author_id": as_id(m.get("id_str") or m.get("id"), "user_mentions.id_str"),
         "handle": as_text(m.get("screen_name"), "user_mentions.screen_name")}
        for m in dicts(entities, "user_mentions")
    ]
    hashtags = [as_text(tag.get("text"), "hashtags.text") for tag in dicts(entities, "hashtags")]
    urls = unique(as_text(url.get("expanded_url") or url.get("url"), "urls.expanded_url")
                  for url in dicts(entities, "urls"))
    media_source = sub(holder, "extended_entities") or entities
    media = [
        {"media_id": as_id(m.get("id_str") or m.get("id"), "media.id_str"),
         "type": as_text(m.get("type"), "media.type"),
         "url": as_text(m.get("media_url_https") or m.get("media_url"), "media.media_url"),
         "alt_text": as_text(m.get("ext_alt_text"), "media.ext_alt_text")}
        for m in dicts(media_source, "media")
    ]
    return {"mentions": mentions, "hashtags": [t for t in hashtags if t], "urls": urls,
            "media": media}


def _geo(status: Mapping[str, Any]) -> dict[str, Any]:
    """coordinates (GeoJSON lon, lat) or the deprecated geo (lat, lon), and the place."""
    fields: dict[str, Any] = {}
    point = items(sub(status, "coordinates"), "coordinates")
    if len(point) == 2:
        fields["geo_lon"] = as_float(point[0], "coordinates[0]")
        fields["geo_lat"] = as_float(point[1], "coordinates[1]")
    else:
        legacy = items(sub(status, "geo"), "coordinates")
        if len(legacy) == 2:
            fields["geo_lat"] = as_float(legacy[0], "geo.coordinates[0]")
            fields["geo_lon"] = as_float(legacy[1], "geo.coordinates[1]")
    place = sub(status, "place")
    if place:
        fields["place_name"] = as_text(place.get("full_name") or place.get("name"), "place")
        fields["place_country"] = as_text(place.get("country_code"), "place.country_code")
    return fields


def _delete_record(notice: Mapping[str, Any], location: str) -> ParsedRecord:
    """A streaming {"delete": {"status": {id_str, user_id_str}}} notice -> delete event."""
    deleted = sub(sub(notice, "delete"), "status")
    status_id = as_id(deleted.get("id_str") or deleted.get("id"), "delete.status.id_str",
                      required=True)
    fields = {
        "event_type": EVENT_DELETE,
        "post_id": status_id,
        "post_url": tweet_url(status_id, None),
        "author_id": as_id(deleted.get("user_id_str") or deleted.get("user_id"),
                           "delete.status.user_id_str"),
    }
    return ParsedRecord(PLATFORM_X, FORMAT_X_V1, API_VERSION, fields, notice, location)
