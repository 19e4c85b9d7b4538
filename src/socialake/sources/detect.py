"""Which source format one decoded JSON value is in (checked most specific first)."""

from __future__ import annotations

from typing import Any, Mapping

from socialake.schemas import (
    FORMAT_JETSTREAM,
    FORMAT_JSONL,
    FORMAT_MASTODON,
    FORMAT_PUSHSHIFT,
    FORMAT_REDDIT_API,
    FORMAT_X_V1,
    FORMAT_X_V2,
)
from socialake.sources import bluesky, generic, mastodon, reddit, x_v1, x_v2


def detect_format(value: Any, column_mapping: Mapping[str, str]) -> str | None:
    """The schemas.FORMAT_* of a JSON object, or None when no parser recognises it.

    Lists are not detected here: the reader splits them and detects each element. The generic
    JSONL format is the last resort: an object with the (mapped) post_id column.
    """
    if not isinstance(value, dict):
        return None
    if bluesky.recognises(value):
        return FORMAT_JETSTREAM
    if reddit.recognises_api(value):
        return FORMAT_REDDIT_API
    if x_v2.recognises(value):
        return FORMAT_X_V2
    if x_v1.recognises(value):
        return FORMAT_X_V1
    if mastodon.recognises(value):
        return FORMAT_MASTODON
    if reddit.recognises_pushshift(value):
        return FORMAT_PUSHSHIFT
    if generic.recognises(value, column_mapping):
        return FORMAT_JSONL
    return None


def is_error_body(value: Any) -> bool:
    """A bare API error body: Mastodon {"error": "..."}, Reddit {"message", "error": 403}."""
    return (
        isinstance(value, dict)
        and "error" in value
        and len(value) <= 4
        and not any(isinstance(v, (dict, list)) for v in value.values())
    )
