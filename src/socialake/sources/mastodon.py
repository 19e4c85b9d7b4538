"""Mastodon REST entities -> canonical records.

Statuses come alone, in timeline lists (split by the reader), in search results
{accounts, statuses, hashtags}, in a context {ancestors, descendants} and inside notifications.
`content` is HTML: it becomes plain text (paragraphs -> blank line, <br> -> newline) with the
stdlib html.parser, and its non-mention, non-hashtag links become `urls`. A reblog is a post
with repost_of_post_id, and the reblogged status is emitted as its own post (a quote likewise);
a status with edited_at is an "edit" event. channel is the instance the status comes from
(host[:port] of its ActivityPub uri). Ids are those of the instance the data was fetched from.
Accounts, instance documents, polls, edit-history entries, status sources and notifications
without a status are not posts.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any, Iterator, Mapping
from urllib.parse import urlsplit

from socialake.schemas import (
    EVENT_EDIT,
    EVENT_POST,
    FORMAT_MASTODON,
    PLATFORM_MASTODON,
    REASON_NOT_A_POST,
    REASON_UNKNOWN_FORMAT,
)
from socialake.sources.base import ParsedRecord, ReadContext
from socialake.sources.common import (
    Item,
    as_count,
    as_id,
    as_text,
    dicts,
    guard,
    parse_iso,
    reject,
    sub,
    unique,
)

_CONTAINERS = ("statuses", "ancestors", "descendants")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAGS = frozenset(("p", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4"))


def recognises(value: Mapping[str, Any]) -> bool:
    """True for any Mastodon entity this module knows, post or not."""
    return (
        is_status(value)
        or _is_container(value)
        or _is_notification(value)
        or _non_post_kind(value) is not None
    )


def is_status(value: Mapping[str, Any]) -> bool:
    """A Status entity: HTML content, an account and an id or ActivityPub uri."""
    return "content" in value and "account" in value and ("id" in value or "uri" in value)


def parse(value: Any, location: str, ctx: ReadContext) -> Iterator[Item]:
    """Yield the records of a status, search result, context or notification."""
    if not isinstance(value, dict):
        yield reject(REASON_UNKNOWN_FORMAT, "not a Mastodon entity", value, location,
                     FORMAT_MASTODON)
    elif is_status(value):
        yield from _status_items(value, location)
    elif _is_container(value):
        yield from _container_items(value, location)
    elif _is_notification(value):
        yield from _notification_items(value, location)
    else:
        kind = _non_post_kind(value)
        code = REASON_NOT_A_POST if kind else REASON_UNKNOWN_FORMAT
        yield reject(code, f"Mastodon {kind or 'object of unknown kind'}, not a status", value,
                     location, FORMAT_MASTODON)


def _is_container(value: Mapping[str, Any]) -> bool:
    """A search result or a status context: lists of statuses under known keys."""
    if "ancestors" in value or "descendants" in value:
        return True
    statuses = value.get("statuses")
    if not isinstance(statuses, list) or "search_metadata" in value:
        return False
    return "accounts" in value or "hashtags" in value or (
        bool(statuses) and isinstance(statuses[0], dict) and "content" in statuses[0])


def _is_notification(value: Mapping[str, Any]) -> bool:
    """A Notification entity: a type, the acting account, and maybe a status."""
    return "type" in value and "account" in value and ("status" in value or "group_key" in value)


def _non_post_kind(value: Mapping[str, Any]) -> str | None:
    """Name of a known non-post entity (account, instance, poll, ...), or None."""
    if "content" in value and "account" in value and "created_at" in value:
        return "status edit-history entry"
    if "acct" in value and "username" in value:
        return "account"
    if "version" in value and "title" in value and ("domain" in value or "uri" in value):
        return "instance document"
    if "options" in value and ("votes_count" in value or "expires_at" in value):
        return "poll"
    if set(value) == {"id", "text", "spoiler_text"}:
        return "status source"
    return None


def _container_items(value: Mapping[str, Any], location: str) -> Iterator[Item]:
    """Statuses of a search result or context; a search with accounts only is not posts."""
    found = False
    for key in _CONTAINERS:
        statuses = value.get(key)
        if isinstance(statuses, list):
            for position, status in enumerate(statuses):
                found = True
                yield from _status_items(status, f"{location}.{key}[{position}]")
    if not found and (value.get("accounts") or value.get("hashtags")):
        yield reject(REASON_NOT_A_POST, "Mastodon search result with accounts/hashtags only",
                     value, location, FORMAT_MASTODON)


def _notification_items(value: Mapping[str, Any], location: str) -> Iterator[Item]:
    """A notification's status, or not_a_post for follow/poll/... notifications."""
    if isinstance(value.get("status"), dict):
        yield from _status_items(value["status"], f"{location}.status")
    else:
        yield reject(REASON_NOT_A_POST, f"Mastodon {value.get('type')} notification without "
                     "a status", value, location, FORMAT_MASTODON)


def _status_items(status: Any, location: str) -> Iterator[Item]:
    """The status, then the reblogged and quoted statuses it carries."""
    yield guard(lambda: _status_record(status, location), raw=status, location=location,
                platform=PLATFORM_MASTODON, source_format=FORMAT_MASTODON)
    if not isinstance(status, dict):
        return
    if isinstance(status.get("reblog"), dict):
        yield from _status_items(status["reblog"], f"{location}.reblog")
    quoted = status.get("quote")
    if isinstance(quoted, dict) and isinstance(quoted.get("quoted_status"), dict):
        yield from _status_items(quoted["quoted_status"], f"{location}.quote.quoted_status")


def _status_record(status: Any, location: str) -> ParsedRecord:
    """Map one Status entity to the canonical fields."""
    if not isinstance(status, dict):
        raise TypeError(f"status is a {type(status).__name__}, not an object")
    status_id = as_id(status.get("id"), "id", required=True)
    content = html_to_text(as_text(status.get("content"), "content") or "")
    spoiler = as_text(status.get("spoiler_text"), "spoiler_text")
    edited_at = parse_iso(status.get("edited_at"), "edited_at")
    uri = as_text(status.get("uri"), "uri") or as_text(status.get("url"), "url")
    fields: dict[str, Any] = {
        "event_type": EVENT_EDIT if edited_at else EVENT_POST,
        "post_id": status_id,
        "post_url": as_text(status.get("url"), "url") or uri,
        "channel": urlsplit(uri).netloc.lower() or None if uri else None,
        "created_at": parse_iso(status.get("created_at"), "created_at"),
        "edited_at": edited_at,
        "text": "\n\n".join(part for part in (spoiler, content.text) if part) or None,
        "lang": as_text(status.get("language"), "language"),
        "reply_to_post_id": as_id(status.get("in_reply_to_id"), "in_reply_to_id"),
        "reply_to_author_id": as_id(status.get("in_reply_to_account_id"),
                                    "in_reply_to_account_id"),
        "repost_of_post_id": as_id(sub(status, "reblog").get("id"), "reblog.id"),
        "quote_of_post_id": _quoted_id(status),
        "like_count": as_count(status.get("favourites_count"), "favourites_count"),
        "repost_count": as_count(status.get("reblogs_count"), "reblogs_count"),
        "reply_count": as_count(status.get("replies_count"), "replies_count"),
        "quote_count": as_count(status.get("quotes_count"), "quotes_count"),
    }
    fields.update(_account_fields(sub(status, "account")))
    fields.update(_entities(status, content.links))
    return ParsedRecord(PLATFORM_MASTODON, FORMAT_MASTODON, None, fields, status, location)


def _quoted_id(status: Mapping[str, Any]) -> str | None:
    """Id of the quoted status (Mastodon 4.5 Quote or ShallowQuote)."""
    quote = sub(status, "quote")
    inner = sub(quote, "quoted_status")
    return as_id(inner.get("id") or quote.get("quoted_status_id"), "quote.quoted_status.id")


def _account_fields(account: Mapping[str, Any]) -> dict[str, Any]:
    """Author columns from the status's account (bio converted from HTML)."""
    note = as_text(account.get("note"), "account.note")
    return {
        "author_id": as_id(account.get("id"), "account.id"),
        "author_handle": as_text(account.get("acct"), "account.acct"),
        "author_display_name": as_text(account.get("display_name"), "account.display_name")
        or None,
        "author_bio": html_to_text(note).text or None if note else None,
        "author_followers": as_count(account.get("followers_count"), "account.followers_count"),
    }


def _entities(status: Mapping[str, Any], links: list[str]) -> dict[str, Any]:
    """Mentions, tags, links (content links then the preview card) and media attachments."""
    mentions = [
        {"author_id": as_id(m.get("id"), "mentions.id"),
         "handle": as_text(m.get("acct"), "mentions.acct")}
        for m in dicts(status, "mentions")
    ]
    hashtags = [as_text(tag.get("name"), "tags.name") for tag in dicts(status, "tags")]
    card_url = as_text(sub(status, "card").get("url"), "card.url")
    media = [
        {"media_id": as_id(m.get("id"), "media_attachments.id"),
         "type": as_text(m.get("type"), "media_attachments.type"),
         "url": as_text(m.get("url") or m.get("remote_url"), "media_attachments.url"),
         "alt_text": as_text(m.get("description"), "media_attachments.description")}
        for m in dicts(status, "media_attachments")
    ]
    return {"mentions": mentions, "hashtags": [t for t in hashtags if t],
            "urls": unique([*links, card_url]), "media": media}


class _ContentText:
    """Plain text and outbound links of one HTML fragment."""

    def __init__(self, text: str, links: list[str]) -> None:
        self.text = text
        self.links = links


def html_to_text(html: str) -> _ContentText:
    """Convert Mastodon's HTML content to plain text and collect its non-mention links."""
    if "<" not in html and "&" not in html:
        return _ContentText(html.strip(), [])
    parser = _HtmlTextParser()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # html.parser gives up on some broken markup, e.g. "<![foo]>"
        return _ContentText(unescape(_TAG.sub("", html)).strip(), unique(parser.links))
    return _ContentText("".join(parser.parts).strip(), unique(parser.links))


class _HtmlTextParser(HTMLParser):
    """Collects text (invisible URL parts included, so links read in full) and link targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Line breaks for <br> and block starts; remember plain (non-mention) links."""
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS and self.parts and self.parts[-1] != "\n\n":
            self.parts.append("\n\n")
        elif tag == "a":
            attributes = dict(attrs)
            classes = (attributes.get("class") or "").split()
            if attributes.get("href") and "mention" not in classes and "hashtag" not in classes:
                self.links.append(attributes["href"] or "")

    def handle_data(self, data: str) -> None:
        """Keep text as written."""
        self.parts.append(data)
