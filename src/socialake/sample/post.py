"""The in-memory post the shard simulation produces and the format writers render."""

from __future__ import annotations

from typing import Any

from socialake.sample.authors import Author
from socialake.sample.text import HASHTAG, MENTION, PII, URL

KIND_POST = "post"
KIND_REPLY = "reply"
KIND_RETWEET = "retweet"
KIND_QUOTE = "quote"
KIND_SUBMISSION = "submission"  # Reddit t3
KIND_COMMENT = "comment"        # Reddit t1


class Post:
    """One version of one post. `spans` are (kind, start, end, value) offsets into `text`."""

    __slots__ = (
        "post_id", "author", "t_us", "text", "spans", "lang", "topic", "sentiment", "kind",
        "reply_to_id", "reply_to_author", "conversation_id", "ref", "dup_cluster",
        "near_cluster", "coord_cluster", "is_spike", "edited_us", "edit_history", "edit_of",
        "extra",
    )

    def __init__(
        self, *, post_id: str, author: Author, t_us: int, text: str, spans: list, lang: str,
        topic: str, sentiment: str, kind: str = KIND_POST,
    ) -> None:
        self.post_id = post_id
        self.author = author
        self.t_us = t_us
        self.text = text
        self.spans = spans
        self.lang = lang
        self.topic = topic
        self.sentiment = sentiment
        self.kind = kind
        self.reply_to_id: str | None = None
        self.reply_to_author: Author | None = None
        self.conversation_id: str | None = None
        self.ref: Post | None = None          # retweeted / quoted post
        self.dup_cluster: str | None = None
        self.near_cluster: str | None = None
        self.coord_cluster: str | None = None
        self.is_spike = False
        self.edited_us: int | None = None
        self.edit_history: list[str] | None = None
        self.edit_of: str | None = None
        self.extra: dict[str, Any] = {}

    def copy(self) -> "Post":
        clone = Post.__new__(Post)
        for name in Post.__slots__:
            setattr(clone, name, getattr(self, name))
        clone.extra = dict(self.extra)
        return clone

    def spans_of(self, kind: str) -> list:
        return [s for s in self.spans if s[0] == kind]

    def entities(self) -> tuple[list, list, list, list]:
        """(mention authors, hashtags, expanded urls, pii spans) in one pass over the spans."""
        mentions: list = []
        hashtags: list = []
        urls: list = []
        pii: list = []
        for span in self.spans:
            kind = span[0]
            if kind == HASHTAG:
                hashtags.append(span[3])
            elif kind == MENTION:
                mentions.append(span[3])
            elif kind == URL:
                urls.append(span[3])
            elif kind == PII:
                pii.append(span)
        return mentions, hashtags, urls, pii

    @property
    def hashtags(self) -> list[str]:
        return [s[3] for s in self.spans if s[0] == HASHTAG]

    @property
    def mention_authors(self) -> list[Author]:
        return [s[3] for s in self.spans if s[0] == MENTION]

    @property
    def urls(self) -> list[str]:
        return [s[3] for s in self.spans if s[0] == URL]

    @property
    def pii(self) -> list:
        return [s for s in self.spans if s[0] == PII]
