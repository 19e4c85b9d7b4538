"""Helpers shared by the platform parsers: typed field coercion, timestamps, canonical JSON.

Coercers raise `RecordError` (reason `bad_value` / `missing_field`) so that one badly typed
field sends its record to quarantine instead of crashing the Spark task. `guard` is the single
place where a parser's per-record exceptions become `RejectedRecord`s.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator, Mapping, Union

from socialake.schemas import (
    FORMAT_CSV,
    FORMAT_JETSTREAM,
    FORMAT_JSONL,
    FORMAT_MASTODON,
    FORMAT_PUSHSHIFT,
    FORMAT_REDDIT_API,
    FORMAT_X_V1,
    FORMAT_X_V2,
    PLATFORM_BLUESKY,
    PLATFORM_GENERIC,
    PLATFORM_MASTODON,
    PLATFORM_REDDIT,
    PLATFORM_X,
    REASON_BAD_VALUE,
    REASON_MISSING_FIELD,
)
from socialake.sources.base import ParsedRecord, ReadContext, RecordError, RejectedRecord

Item = Union[ParsedRecord, RejectedRecord]
Parser = Callable[[Any, str, ReadContext], Iterator[Item]]

FORMAT_PLATFORM: Mapping[str, str] = {
    FORMAT_X_V2: PLATFORM_X,
    FORMAT_X_V1: PLATFORM_X,
    FORMAT_REDDIT_API: PLATFORM_REDDIT,
    FORMAT_PUSHSHIFT: PLATFORM_REDDIT,
    FORMAT_MASTODON: PLATFORM_MASTODON,
    FORMAT_JETSTREAM: PLATFORM_BLUESKY,
    FORMAT_CSV: PLATFORM_GENERIC,
    FORMAT_JSONL: PLATFORM_GENERIC,
}

UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Python 3.10's fromisoformat wants exactly 3 or 6 fractional digits and no "Z".
_ISO_FRACTION = re.compile(r"\.(\d+)")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# Exceptions that malformed (wrongly nested / typed) input raises inside parser code.
STRUCTURE_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError)


def canonical_json(value: Any) -> str:
    """Serialise a JSON value canonically: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def guard(
    build: Callable[[], ParsedRecord],
    *,
    raw: Any,
    location: str,
    platform: str | None,
    source_format: str | None,
) -> Item:
    """Run one record builder; turn a RecordError or a structure error into a RejectedRecord."""
    try:
        return build()
    except RecordError as exc:
        return RejectedRecord(exc.reason_code, str(exc), raw, location, platform, source_format)
    except STRUCTURE_ERRORS as exc:
        reason = f"unexpected structure: {type(exc).__name__}: {exc}"
        return RejectedRecord(REASON_BAD_VALUE, reason, raw, location, platform, source_format)


def reject(
    reason_code: str, reason: str, raw: Any, location: str, source_format: str | None
) -> RejectedRecord:
    """Build a RejectedRecord for a known source format (platform derived from it)."""
    platform = FORMAT_PLATFORM.get(source_format) if source_format else None
    return RejectedRecord(reason_code, reason, raw, location, platform, source_format)


# --- typed access ------------------------------------------------------------------------------


def as_id(value: Any, name: str, *, required: bool = False) -> str | None:
    """An identifier as a string: JSON strings kept, integers formatted; anything else is bad."""
    if value is None or value == "":
        if required:
            raise RecordError(REASON_MISSING_FIELD, f"missing {name}")
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RecordError(REASON_BAD_VALUE, f"{name} is a {type(value).__name__}, not an id")


def as_numeric_id(value: Any, name: str, *, required: bool = False) -> str | None:
    """An id that the platform defines as a decimal number (X tweet and user ids)."""
    ident = as_id(value, name, required=required)
    if ident is not None and not ident.isdigit():
        raise RecordError(REASON_BAD_VALUE, f"{name} {ident[:40]!r} is not a numeric id")
    return ident


def as_text(value: Any, name: str) -> str | None:
    """A string field; None stays None, other types are bad values."""
    if value is None or isinstance(value, str):
        return value
    raise RecordError(REASON_BAD_VALUE, f"{name} is a {type(value).__name__}, not a string")


def as_count(value: Any, name: str) -> int | None:
    """A count as a 64-bit int: integers, integral floats and digit strings accepted."""
    if value is None or value == "":
        return None
    count = _to_int(value)
    if count is None:
        raise RecordError(REASON_BAD_VALUE, f"{name}={value!r} is not a count")
    if not _INT64_MIN <= count <= _INT64_MAX:
        raise RecordError(REASON_BAD_VALUE, f"{name}={value!r} does not fit a 64-bit count")
    return count


def _to_int(value: Any) -> int | None:
    """An int from an int, an integral float or a digit string ("12.0" too), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.endswith(".0"):  # counts exported through a float column
            stripped = stripped[:-2]
        if stripped.lstrip("-").isdigit():
            return int(stripped)
    return None


def as_float(value: Any, name: str) -> float | None:
    """A finite float (coordinates): numbers and numeric strings accepted."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RecordError(REASON_BAD_VALUE, f"{name} is a {type(value).__name__}, not a number")
    try:
        number = float(value)
    except ValueError:
        raise RecordError(REASON_BAD_VALUE, f"{name}={value!r} is not a number") from None
    if not math.isfinite(number):
        raise RecordError(REASON_BAD_VALUE, f"{name}={value!r} is not finite")
    return number


def sub(container: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """container[key] as a dict: {} when missing or null, bad value when of another type."""
    value = container.get(key)
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    raise RecordError(REASON_BAD_VALUE, f"{key} is a {type(value).__name__}, not an object")


def items(container: Mapping[str, Any], key: str) -> list[Any]:
    """container[key] as a list: [] when missing or null, bad value when of another type."""
    value = container.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise RecordError(REASON_BAD_VALUE, f"{key} is a {type(value).__name__}, not a list")


def dicts(container: Mapping[str, Any], key: str) -> Iterator[Mapping[str, Any]]:
    """The dict elements of container[key] (non-dict elements are skipped as noise)."""
    return (element for element in items(container, key) if isinstance(element, dict))


def unique(values: Iterable[str | None]) -> list[str]:
    """Non-empty strings in first-seen order without repeats."""
    return list(dict.fromkeys(value for value in values if value))


# --- timestamps --------------------------------------------------------------------------------


def to_utc(moment: datetime | None) -> datetime | None:
    """Make a datetime timezone-aware UTC (naive values are taken to be UTC already)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_iso(value: Any, name: str) -> datetime | None:
    """Parse an ISO-8601 timestamp ("2020-05-20T16:31:15.000Z") to aware UTC."""
    text = as_text(value, name)
    if not text:
        return None
    text = text.strip()
    try:
        return to_utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    normalised = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    normalised = _ISO_FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], normalised, 1)
    try:
        return to_utc(datetime.fromisoformat(normalised))
    except ValueError:
        raise RecordError(REASON_BAD_VALUE, f"{name}={text!r} is not an ISO-8601 time") from None


def from_epoch_seconds(value: Any, name: str) -> datetime | None:
    """Epoch seconds (int, float or numeric string) to aware UTC."""
    seconds = as_float(value, name)
    if seconds is None:
        return None
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        raise RecordError(REASON_BAD_VALUE, f"{name}={value!r} is out of range") from None


def from_epoch_micros(value: Any, name: str) -> datetime | None:
    """Epoch microseconds (Jetstream time_us) to aware UTC."""
    micros = as_count(value, name)
    if micros is None:
        return None
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        raise RecordError(REASON_BAD_VALUE, f"{name}={value!r} is out of range") from None
