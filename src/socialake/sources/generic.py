"""Generic CSV rows and JSONL records, mapped with ReadContext.column_mapping.

column_mapping maps a canonical field name (schemas.PARSED_FIELDS, plus "platform") to the
input column / key; unmapped fields are looked up under their canonical name. JSONL keys may
be dotted paths ("user.screen_name"). List fields accept JSON arrays, or in CSV a JSON array
text or items separated by spaces, commas, "|" or ";". created_at / edited_at use
ctx.timestamp_format (strptime, naive = UTC) when set, else ISO-8601 or epoch
seconds/ms/us/ns (told apart by magnitude). platform is the mapped column's value when it is a
known platform, else "generic".
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Callable, Iterator, Mapping

from socialake.schemas import (
    REASON_MISSING_FIELD,
    EVENT_POST,
    EVENT_TYPES,
    FORMAT_CSV,
    FORMAT_JSONL,
    PLATFORM_GENERIC,
    PLATFORMS,
    REASON_BAD_VALUE,
)
from socialake.sources.base import ParsedRecord, ReadContext, RecordError
from socialake.sources.common import (
    Item,
    as_count,
    as_float,
    as_id,
    as_text,
    from_epoch_seconds,
    guard,
    parse_iso,
    to_utc,
)

_ID_FIELDS = ("post_id", "author_id", "conversation_id", "reply_to_post_id",
              "reply_to_author_id", "quote_of_post_id", "repost_of_post_id")
_TEXT_FIELDS = ("post_url", "channel", "author_handle", "author_display_name", "author_bio",
                "author_location", "text", "lang", "place_name", "place_country")
_COUNT_FIELDS = ("author_followers", "like_count", "repost_count", "reply_count",
                 "quote_count", "view_count")
_FLOAT_FIELDS = ("geo_lat", "geo_lon")
_TIME_FIELDS = ("created_at", "edited_at")
_LIST_SPLIT = re.compile(r"[\s,|;]+")
_EPOCH_DIGITS = re.compile(r"-?\d+(\.\d+)?")
Getter = Callable[[str], Any]


def recognises(value: Mapping[str, Any], mapping: Mapping[str, str]) -> bool:
    """True when the record has the (mapped) post_id column."""
    return _lookup(value, mapping.get("post_id", "post_id")) is not None


def parse(value: Any, location: str, ctx: ReadContext) -> Iterator[Item]:
    """Parser entry point for JSONL: the one record of a JSON object."""
    yield parse_record(value, location, ctx)


def parse_record(value: Any, location: str, ctx: ReadContext) -> Item:
    """One JSONL object -> record (or quarantine) using the column mapping."""
    def build() -> ParsedRecord:
        if not isinstance(value, dict):
            raise TypeError(f"record is a {type(value).__name__}, not an object")
        return _record(lambda column: _lookup(value, column), value, FORMAT_JSONL, location, ctx)

    return guard(build, raw=value, location=location, platform=PLATFORM_GENERIC,
                 source_format=FORMAT_JSONL)


def parse_csv_row(row: Mapping[str, str], location: str, ctx: ReadContext) -> Item:
    """One CSV row (header -> cell) -> record (or quarantine); empty cells are null."""
    def cell(column: str) -> Any:
        return row.get(column) or None

    return guard(lambda: _record(cell, row, FORMAT_CSV, location, ctx), raw=row,
                 location=location, platform=PLATFORM_GENERIC, source_format=FORMAT_CSV)


def _lookup(value: Mapping[str, Any], column: str) -> Any:
    """value[column], or a walk down a dotted path when there is no such key."""
    if column in value:
        return value[column]
    current: Any = value
    for part in column.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _record(get: Getter, raw: Any, source_format: str, location: str, ctx: ReadContext
            ) -> ParsedRecord:
    """Map one input record to the canonical fields with the configured column names."""
    mapping = ctx.column_mapping

    def field(name: str) -> Any:
        return get(mapping.get(name, name))

    if "post_id" not in mapping and field("post_id") in (None, ""):
        raise RecordError(
            REASON_MISSING_FIELD,
            "missing post_id: no 'post_id' column and ingest.column_mapping does not map one "
            "(set it, e.g. {post_id: id, text: body, author_id: user_id, created_at: created_at})",
        )
    fields: dict[str, Any] = {name: as_id(field(name), name) for name in _ID_FIELDS}
    fields["post_id"] = as_id(field("post_id"), "post_id", required=True)
    fields.update({name: as_text(field(name), name) for name in _TEXT_FIELDS})
    fields.update({name: as_count(field(name), name) for name in _COUNT_FIELDS})
    fields.update({name: as_float(field(name), name) for name in _FLOAT_FIELDS})
    fields.update({name: parse_time(field(name), name, ctx.timestamp_format)
                   for name in _TIME_FIELDS})
    fields["event_type"] = _event_type(field("event_type"))
    fields["hashtags"] = [tag.lstrip("#") for tag in _strings(field("hashtags"), "hashtags")]
    fields["urls"] = _strings(field("urls"), "urls")
    fields["mentions"] = [_mention(item) for item in _list(field("mentions"), "mentions")]
    fields["media"] = [_media(item) for item in _list(field("media"), "media")]
    platform = field("platform")
    platform = platform if platform in PLATFORMS else PLATFORM_GENERIC
    return ParsedRecord(platform, source_format, None, fields, raw, location)


def parse_time(value: Any, name: str, timestamp_format: str | None) -> datetime | None:
    """A timestamp from strptime format, epoch number (s/ms/us/ns) or ISO-8601 text."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and timestamp_format:
        try:
            return to_utc(datetime.strptime(value.strip(), timestamp_format))
        except ValueError:
            raise RecordError(REASON_BAD_VALUE,
                              f"{name}={value!r} does not match {timestamp_format!r}") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool) or (
            isinstance(value, str) and _EPOCH_DIGITS.fullmatch(value.strip())):
        seconds = float(value)
        for _ in range(3):  # ms, us, ns -> s; 1e11 s is the year 5138
            if abs(seconds) >= 1e11:
                seconds /= 1000
        return from_epoch_seconds(seconds, name)
    return parse_iso(value, name)


def _event_type(value: Any) -> str:
    """The mapped event type (post/edit/delete), "post" when unmapped or empty."""
    if value is None:
        return EVENT_POST
    if value not in EVENT_TYPES:
        raise RecordError(REASON_BAD_VALUE, f"event_type={value!r} is not one of {EVENT_TYPES}")
    return value


def _list(value: Any, name: str) -> list[Any]:
    """A list cell: JSON array, JSON array text, or separated items."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise RecordError(REASON_BAD_VALUE, f"{name} is a {type(value).__name__}, not a list")
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise RecordError(REASON_BAD_VALUE, f"{name} is not a valid JSON array") from None
        return _list(parsed, name) if isinstance(parsed, list) else [parsed]
    return [part for part in _LIST_SPLIT.split(text) if part]


def _strings(value: Any, name: str) -> list[str]:
    """A list field whose items must be strings."""
    return [item for item in (as_text(item, name) for item in _list(value, name)) if item]


def _mention(item: Any) -> dict[str, Any]:
    """A mention from {"author_id", "handle"} or a bare "@handle"."""
    if isinstance(item, dict):
        return {"author_id": as_id(item.get("author_id"), "mentions.author_id"),
                "handle": as_text(item.get("handle"), "mentions.handle")}
    return {"author_id": None, "handle": as_text(item, "mentions").lstrip("@")}


def _media(item: Any) -> dict[str, Any]:
    """A media entry from {media_id, type, url, alt_text} or a bare URL."""
    if isinstance(item, dict):
        return {"media_id": as_id(item.get("media_id"), "media.media_id"),
                "type": as_text(item.get("type"), "media.type"),
                "url": as_text(item.get("url"), "media.url"),
                "alt_text": as_text(item.get("alt_text"), "media.alt_text")}
    return {"media_id": None, "type": None, "url": as_text(item, "media"), "alt_text": None}
