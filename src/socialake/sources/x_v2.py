"""X (Twitter) API v2 responses: {data, includes, meta, errors} -> canonical records.

One record per tweet in `data` (and per tweet in `includes.tweets` not already in `data`:
referenced tweets are full posts too). A tweet's raw payload keeps what was used from
`includes` ({"data": tweet, "includes": {users, media, places, polls, tweets}}) so bronze holds
the evidence for every parsed field. `errors` entries saying a tweet was not found become
delete events; other error entries and whole error responses go to quarantine (api_error).
Responses whose `data` holds users or tweet counts are `not_a_post`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterator, Mapping

from socialake.schemas import (
    EVENT_DELETE,
    EVENT_EDIT,
    EVENT_POST,
    FORMAT_X_V2,
    PLATFORM_X,
    REASON_API_ERROR,
    REASON_BAD_VALUE,
    REASON_NOT_A_POST,
    REASON_UNKNOWN_FORMAT,
)
from socialake.sources.base import ParsedRecord, ReadContext
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
    parse_iso,
    reject,
    sub,
    unique,
)

API_VERSION = "2"
_TWEET_MARKERS = ("text", "edit_history_tweet_ids", "note_tweet")
# Tweet ids above this are Snowflakes: (id >> 22) + this epoch = creation time in ms.
_LAST_SEQUENTIAL_ID = 29_700_859_247
_SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
_REFERENCE_FIELDS = {"replied_to": "reply_to_post_id", "quoted": "quote_of_post_id",
                     "retweeted": "repost_of_post_id"}


def recognises(value: Mapping[str, Any]) -> bool:
    """True for a v2 response: data/includes/errors, a problem document, or an empty page's
    meta; never for a Reddit thing (`kind`)."""
    if "kind" in value:
        return False
    if "data" in value or "includes" in value or "errors" in value:
        return True
    if {"title", "detail", "type"} <= value.keys():  # a problem document without `errors`
        return True
    meta = value.get("meta")
    return isinstance(meta, dict) and "result_count" in meta


def parse(value: Any, location: str, ctx: ReadContext) -> Iterator[Item]:
    """Yield one record per tweet, delete event or error entry of a v2 response."""
    if not isinstance(value, dict):
        yield reject(REASON_UNKNOWN_FORMAT, "not an X API v2 response object", value, location,
                     FORMAT_X_V2)
        return
    if _is_problem(value):
        yield reject(REASON_API_ERROR, f"X API error response: {_describe_error(value)}", value,
                     location, FORMAT_X_V2)
        return
    data = value.get("data")
    if data is not None and not isinstance(data, (list, dict)):
        yield reject(REASON_BAD_VALUE, "X v2 `data` is neither a list nor an object", value,
                     location, FORMAT_X_V2)
        return
    tweets = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    kind = _data_kind(tweets)
    if kind != "tweets":
        yield reject(REASON_NOT_A_POST, f"X v2 response holding {kind}, not tweets", value,
                     location, FORMAT_X_V2)
        return
    index = _Includes(value)
    yield from _tweet_items(data, tweets, index, location)
    seen = {str(tweet.get("id")) for tweet in tweets if isinstance(tweet, dict)}
    for position, tweet in enumerate(index.tweet_list):
        if not isinstance(tweet, dict) or str(tweet.get("id")) not in seen:
            yield _tweet_item(tweet, index, f"{location}.includes.tweets[{position}]")
    yield from _error_items(value.get("errors"), location)


class _Includes:
    """Lookup tables over a response's `includes` (users by id and username, media, ...)."""

    def __init__(self, response: Mapping[str, Any]) -> None:
        includes = response.get("includes")
        includes = includes if isinstance(includes, dict) else {}
        self.users = _by_key(includes.get("users"), "id")
        self.users_by_name = {
            str(user.get("username", "")).lower(): user for user in self.users.values()
        }
        self.media = _by_key(includes.get("media"), "media_key")
        self.places = _by_key(includes.get("places"), "id")
        self.polls = _by_key(includes.get("polls"), "id")
        tweet_list = includes.get("tweets")
        self.tweet_list: list[Any] = tweet_list if isinstance(tweet_list, list) else []
        self.tweets = _by_key(self.tweet_list, "id")


def _by_key(values: Any, key: str) -> dict[str, Mapping[str, Any]]:
    """Index a list of objects by one of their keys (non-objects skipped)."""
    if not isinstance(values, list):
        return {}
    return {str(v[key]): v for v in values if isinstance(v, dict) and key in v}


def _error_items(errors: Any, location: str) -> Iterator[Item]:
    """One item per entry of a response's partial `errors` list."""
    if errors is None:
        return
    if not isinstance(errors, list):
        yield reject(REASON_BAD_VALUE, "X v2 `errors` is not a list", errors,
                     f"{location}.errors", FORMAT_X_V2)
        return
    for position, error in enumerate(errors):
        yield _error_item(error, f"{location}.errors[{position}]")


def _is_problem(value: Mapping[str, Any]) -> bool:
    """An RFC 7807 problem document (400 "too many ids"): errors plus title/detail, no data."""
    return "data" not in value and ("title" in value or "detail" in value)


def _describe_error(error: Mapping[str, Any]) -> str:
    """A short human-readable summary of an error entry or problem document."""
    title = error.get("title") or error.get("code") or "error"
    detail = error.get("detail") or error.get("message") or ""
    return f"{title}: {str(detail)[:300]}"


def _data_kind(tweets: list[Any]) -> str:
    """What `data` holds: "tweets", "users", "tweet counts" or "unrecognised objects"."""
    objects = [t for t in tweets if isinstance(t, dict)]
    if not objects or any(marker in t for t in objects for marker in _TWEET_MARKERS):
        return "tweets"
    if any("username" in t for t in objects):
        return "users"
    if any("tweet_count" in t for t in objects):
        return "tweet counts"
    return "unrecognised objects"


def _tweet_items(data: Any, tweets: list[Any], index: _Includes, location: str) -> Iterator[Item]:
    """Records for the tweets of `data` (a single object or a list)."""
    if isinstance(data, dict):
        yield _tweet_item(data, index, f"{location}.data")
        return
    for position, tweet in enumerate(tweets):
        yield _tweet_item(tweet, index, f"{location}.data[{position}]")


def _tweet_item(tweet: Any, index: _Includes, location: str) -> Item:
    """One tweet -> ParsedRecord, or RejectedRecord when it is malformed."""
    return guard(lambda: _tweet_record(tweet, index, location), raw=tweet, location=location,
                 platform=PLATFORM_X, source_format=FORMAT_X_V2)


def _tweet_record(tweet: Any, index: _Includes, location: str) -> ParsedRecord:
    """Map one v2 tweet object (plus its includes) to the canonical fields."""
    if not isinstance(tweet, dict):
        raise TypeError(f"tweet is a {type(tweet).__name__}, not an object")
    tweet_id = as_numeric_id(tweet.get("id"), "id", required=True)
    author_id = as_id(tweet.get("author_id"), "author_id")
    author = index.users.get(author_id or "", {})
    used = _UsedIncludes(author)
    handle = as_text(author.get("username"), "username")
    created_at = parse_iso(tweet.get("created_at"), "created_at") or snowflake_time(tweet_id)
    fields: dict[str, Any] = {
        "post_id": tweet_id,
        "event_type": EVENT_POST,
        "post_url": tweet_url(tweet_id, handle),
        "author_id": author_id,
        "author_handle": handle,
        "author_display_name": as_text(author.get("name"), "name"),
        "author_bio": as_text(author.get("description"), "description"),
        "author_location": as_text(author.get("location"), "location"),
        "author_followers": as_count(sub(author, "public_metrics").get("followers_count"),
                                     "followers_count"),
        "created_at": created_at,
        "lang": as_text(tweet.get("lang"), "lang"),
        "conversation_id": as_id(tweet.get("conversation_id"), "conversation_id"),
        "reply_to_author_id": as_id(tweet.get("in_reply_to_user_id"), "in_reply_to_user_id"),
    }
    fields.update(_edit_fields(tweet, tweet_id, created_at))
    fields.update(_text_and_entities(tweet, index, used))
    fields.update(_references(tweet, index, used))
    fields.update(_metrics(tweet))
    fields["media"] = _media(tweet, index, used)
    fields.update(_geo(tweet, index, used))
    return ParsedRecord(PLATFORM_X, FORMAT_X_V2, API_VERSION, fields, used.payload(tweet),
                        location)


class _UsedIncludes:
    """Collects the `includes` objects a tweet's fields were read from, for its raw payload."""

    def __init__(self, author: Mapping[str, Any]) -> None:
        self.found: dict[str, dict[str, Mapping[str, Any]]] = {}
        if author:
            self.add("users", author, "id")

    def add(self, group: str, obj: Mapping[str, Any], key: str) -> None:
        """Remember one includes object (once per key)."""
        self.found.setdefault(group, {}).setdefault(str(obj.get(key)), obj)

    def payload(self, tweet: Mapping[str, Any]) -> Any:
        """The tweet with the includes it used, in the response's own shape."""
        if not self.found:
            return {"data": tweet}
        includes = {group: list(objs.values()) for group, objs in self.found.items()}
        return {"data": tweet, "includes": includes}


def snowflake_time(tweet_id: str | None) -> datetime | None:
    """Creation time encoded in a Snowflake tweet id (ids after Nov 2010), else None."""
    if not tweet_id or not tweet_id.isdigit() or int(tweet_id) <= _LAST_SEQUENTIAL_ID:
        return None
    millis = (int(tweet_id) >> 22) + _SNOWFLAKE_EPOCH_MS
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)


def tweet_url(tweet_id: str, handle: str | None) -> str:
    """Public URL of a tweet (the /i/web/ form works without the author's handle)."""
    if handle:
        return f"https://x.com/{handle}/status/{tweet_id}"
    return f"https://x.com/i/web/status/{tweet_id}"


def _edit_fields(tweet: Mapping[str, Any], tweet_id: str, created_at: datetime | None
                 ) -> dict[str, Any]:
    """An edited tweet is a new version of its first id: post_id = original, event "edit"."""
    history = [as_id(h, "edit_history_tweet_ids") for h in items(tweet, "edit_history_tweet_ids")]
    if len(history) < 2 or history[0] == tweet_id or not history[0]:
        return {}
    return {"post_id": history[0], "event_type": EVENT_EDIT, "edited_at": created_at,
            "created_at": snowflake_time(history[0])}


def _text_and_entities(tweet: Mapping[str, Any], index: _Includes, used: _UsedIncludes
                       ) -> dict[str, Any]:
    """Text (note_tweet wins for long posts), mentions, hashtags and expanded URLs."""
    note = sub(tweet, "note_tweet")
    text = as_text(note.get("text"), "note_tweet.text") or as_text(tweet.get("text"), "text")
    entities = sub(note, "entities") or sub(tweet, "entities")
    mentions = []
    for mention in dicts(entities, "mentions"):
        handle = as_text(mention.get("username"), "mentions.username")
        user = index.users_by_name.get((handle or "").lower())
        if user:
            used.add("users", user, "id")
        user_id = as_id(mention.get("id"), "mentions.id") or as_id((user or {}).get("id"), "id")
        mentions.append({"author_id": user_id, "handle": handle})
    hashtags = [as_text(tag.get("tag"), "hashtags.tag") for tag in dicts(entities, "hashtags")]
    urls = unique(
        as_text(url.get("expanded_url") or url.get("unwound_url") or url.get("url"), "urls.url")
        for url in dicts(entities, "urls")
    )
    return {"text": text, "mentions": mentions, "hashtags": [t for t in hashtags if t],
            "urls": urls}


def _references(tweet: Mapping[str, Any], index: _Includes, used: _UsedIncludes
                ) -> dict[str, Any]:
    """reply_to / quote_of / repost_of from referenced_tweets (referenced objects kept)."""
    fields: dict[str, Any] = {}
    for reference in dicts(tweet, "referenced_tweets"):
        target = _REFERENCE_FIELDS.get(reference.get("type"))
        ref_id = as_id(reference.get("id"), "referenced_tweets.id")
        if target and ref_id:
            fields.setdefault(target, ref_id)
            if ref_id in index.tweets:
                used.add("tweets", index.tweets[ref_id], "id")
    return fields


def _metrics(tweet: Mapping[str, Any]) -> dict[str, Any]:
    """Engagement counts from public_metrics (impression_count is the view count)."""
    metrics = sub(tweet, "public_metrics")
    return {
        "like_count": as_count(metrics.get("like_count"), "like_count"),
        "repost_count": as_count(metrics.get("retweet_count"), "retweet_count"),
        "reply_count": as_count(metrics.get("reply_count"), "reply_count"),
        "quote_count": as_count(metrics.get("quote_count"), "quote_count"),
        "view_count": as_count(metrics.get("impression_count"), "impression_count"),
    }


def _media(tweet: Mapping[str, Any], index: _Includes, used: _UsedIncludes
           ) -> list[dict[str, Any]]:
    """Attached media, resolved through includes.media where present; polls kept as evidence."""
    attachments = sub(tweet, "attachments")
    for poll_id in items(attachments, "poll_ids"):
        if str(poll_id) in index.polls:
            used.add("polls", index.polls[str(poll_id)], "id")
    media = []
    for key in items(attachments, "media_keys"):
        key = as_id(key, "media_keys")
        found = index.media.get(key or "", {})
        if found:
            used.add("media", found, "media_key")
        media.append({
            "media_id": key,
            "type": as_text(found.get("type"), "media.type"),
            "url": as_text(found.get("url") or found.get("preview_image_url"), "media.url"),
            "alt_text": as_text(found.get("alt_text"), "media.alt_text"),
        })
    return media


def _geo(tweet: Mapping[str, Any], index: _Includes, used: _UsedIncludes) -> dict[str, Any]:
    """Exact point (GeoJSON order lon, lat) and the tagged place from includes.places."""
    geo = sub(tweet, "geo")
    fields: dict[str, Any] = {}
    point = items(sub(geo, "coordinates"), "coordinates")
    if len(point) == 2:
        fields["geo_lon"] = as_float(point[0], "geo.coordinates[0]")
        fields["geo_lat"] = as_float(point[1], "geo.coordinates[1]")
    place = index.places.get(str(geo.get("place_id")), {}) if geo.get("place_id") else {}
    if place:
        used.add("places", place, "id")
        fields["place_name"] = as_text(place.get("full_name") or place.get("name"), "place")
        fields["place_country"] = as_text(place.get("country_code"), "place.country_code")
    return fields


def _error_item(error: Any, location: str) -> Item:
    """A not-found tweet error -> delete event; any other error entry -> api_error."""
    if not isinstance(error, dict):
        return reject(REASON_API_ERROR, "X API error entry that is not an object", error,
                      location, FORMAT_X_V2)
    tweet_id = error.get("resource_id") or error.get("value")
    if error.get("resource_type") == "tweet" and _is_not_found(error) and tweet_id:
        return guard(lambda: _delete_record(error, tweet_id, location), raw=error,
                     location=location, platform=PLATFORM_X, source_format=FORMAT_X_V2)
    return reject(REASON_API_ERROR, f"X API error: {_describe_error(error)}", error, location,
                  FORMAT_X_V2)


def _is_not_found(error: Mapping[str, Any]) -> bool:
    """True for "resource-not-found" errors (a deleted tweet), not for authorisation errors."""
    kind = str(error.get("type") or "")
    return kind.endswith("resource-not-found") or error.get("title") == "Not Found Error"


def _delete_record(error: Mapping[str, Any], tweet_id: Any, location: str) -> ParsedRecord:
    """The delete event a not-found error stands for."""
    post_id = as_id(tweet_id, "resource_id", required=True)
    fields = {"event_type": EVENT_DELETE, "post_id": post_id, "post_url": tweet_url(post_id, None)}
    return ParsedRecord(PLATFORM_X, FORMAT_X_V2, API_VERSION, fields, error, location)
