"""Ground-truth tables written next to the landing files (truth/posts.parquet, authors.parquet).

posts.parquet has one row per emitted record (post, edit re-emission, deletion marker, and the
planted malformed records flagged `is_malformed`), in shard order then collection order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from socialake.sample.authors import community_label
from socialake.sample.post import KIND_QUOTE, KIND_RETWEET, Post

_TS = pa.timestamp("us", tz="UTC")

POSTS_SCHEMA = pa.schema([
    pa.field("record_no", pa.int64(), nullable=False),  # global emission slot, unique per row
    pa.field("platform", pa.string(), nullable=False),
    pa.field("source_format", pa.string(), nullable=False),
    pa.field("file", pa.string(), nullable=False),       # relative to the output root
    pa.field("location", pa.string(), nullable=False),   # "$.data[3]", "$[7]", "line 12"
    pa.field("line", pa.int32()),                        # 1-based line (line formats only)
    pa.field("post_id", pa.string(), nullable=False),    # as bronze keys it (X edit: original id)
    pa.field("native_id", pa.string(), nullable=False),  # the id written in the record itself
    pa.field("event_type", pa.string(), nullable=False),  # post | edit | delete
    pa.field("created_at", _TS),
    pa.field("edited_at", _TS),
    pa.field("observed_at", _TS, nullable=False),         # when the record was collected
    pa.field("author_id", pa.string()),
    pa.field("author_handle", pa.string()),
    pa.field("community", pa.string()),
    pa.field("is_hub_author", pa.bool_()),
    pa.field("text", pa.string()),
    pa.field("lang", pa.string()),
    pa.field("topic", pa.string()),
    pa.field("sentiment", pa.string()),
    pa.field("kind", pa.string()),        # post | reply | retweet | quote | submission | comment
    pa.field("conversation_id", pa.string()),
    pa.field("reply_to_post_id", pa.string()),
    pa.field("reply_to_author_id", pa.string()),
    pa.field("repost_of_post_id", pa.string()),
    pa.field("quote_of_post_id", pa.string()),
    pa.field("edit_of_post_id", pa.string()),
    pa.field("mention_author_ids", pa.list_(pa.string())),
    pa.field("hashtags", pa.list_(pa.string())),
    pa.field("urls", pa.list_(pa.string())),
    pa.field("dup_cluster", pa.string()),
    pa.field("near_dup_cluster", pa.string()),
    pa.field("coord_cluster", pa.string()),
    pa.field("is_coordinated", pa.bool_(), nullable=False),
    pa.field("is_spike", pa.bool_(), nullable=False),
    pa.field("is_edit", pa.bool_(), nullable=False),
    pa.field("is_deleted", pa.bool_(), nullable=False),
    pa.field("is_malformed", pa.bool_(), nullable=False),
    pa.field("malformed_kind", pa.string()),
    pa.field("expected_reason_code", pa.string()),
    pa.field("has_pii", pa.bool_(), nullable=False),
    pa.field("pii_spans", pa.string(), nullable=False),  # JSON [{kind,start,end,value}]
])

AUTHORS_SCHEMA = pa.schema([
    pa.field("platform", pa.string(), nullable=False),
    pa.field("author_id", pa.string(), nullable=False),  # as bronze sees it (Reddit: username)
    pa.field("platform_account_id", pa.string(), nullable=False),  # Reddit: t2_ fullname
    pa.field("handle", pa.string(), nullable=False),
    pa.field("display_name", pa.string()),
    pa.field("community", pa.string(), nullable=False),
    pa.field("is_hub", pa.bool_(), nullable=False),
    pa.field("followers", pa.int64()),
    pa.field("lang", pa.string()),
    pa.field("location", pa.string()),
])

PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "write_statistics": True}


def pii_spans_json(post: Post, pii: list | None = None) -> str:
    spans = post.pii if pii is None else pii
    return json.dumps(
        [{"kind": v, "start": s, "end": e, "value": post.text[s:e]} for _, s, e, v in spans],
        ensure_ascii=False, separators=(",", ":"),
    )


_FIELD_NAMES = [f.name for f in POSTS_SCHEMA]
_COMMUNITY_LABELS = tuple(community_label(c) for c in range(100))


class TruthBuffer:
    """Rows of posts.parquet for one shard (one tuple per row, in POSTS_SCHEMA order)."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []

    def __len__(self) -> int:
        return len(self.rows)

    def add(
        self,
        *,
        record_no: int,
        platform: str,
        source_format: str,
        loc: tuple,
        post: Post,
        event_type: str,
        observed_us: int,
        deleted: bool = False,
        malformed_kind: str | None = None,
        reason_code: str | None = None,
    ) -> tuple[list, list]:
        """Append the row; returns (hashtags, pii spans) of the post for the caller's stats."""
        a = post.author
        ref_id = post.ref.post_id if post.ref is not None else None
        if deleted:
            # a deletion marker carries no text: labels describe emitted text only
            text = lang = topic = sentiment = None
            mentions: list = []
            hashtags: list = []
            urls: list = []
            pii_json = "[]"
            has_pii = False
            pii = []
        else:
            text, lang, topic, sentiment = post.text, post.lang, post.topic, post.sentiment
            mention_authors, hashtags, urls, pii = post.entities()
            mentions = [m.author_id for m in mention_authors]
            has_pii = bool(pii)
            pii_json = pii_spans_json(post, pii) if has_pii else "[]"
        self.rows.append((
            record_no, platform, source_format, loc[0], loc[1], loc[2],
            post.edit_of or post.post_id, post.post_id, event_type, post.t_us, post.edited_us,
            observed_us, a.author_id, a.handle,
            _COMMUNITY_LABELS[a.community], a.is_hub, text, lang, topic, sentiment, post.kind,
            post.conversation_id, post.reply_to_id,
            post.reply_to_author.author_id if post.reply_to_author else None,
            ref_id if post.kind == KIND_RETWEET else None,
            ref_id if post.kind == KIND_QUOTE else None,
            post.edit_of, mentions, hashtags, urls, post.dup_cluster, post.near_cluster,
            post.coord_cluster, post.coord_cluster is not None, post.is_spike,
            event_type == "edit", deleted, malformed_kind is not None, malformed_kind,
            reason_code, has_pii, pii_json,
        ))
        return hashtags, pii

    def to_table(self) -> pa.Table:
        columns = list(zip(*self.rows)) if self.rows else [[] for _ in _FIELD_NAMES]
        return pa.Table.from_arrays(
            [pa.array(list(col), type=field.type) for col, field in zip(columns, POSTS_SCHEMA)],
            schema=POSTS_SCHEMA,
        )


def write_table(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **PARQUET_OPTIONS)


def concat_parts(parts: Iterable[Path], target: Path, schema: pa.Schema) -> int:
    """Stream part files into one parquet file (one row group per part); returns rows."""
    rows = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(target, schema, **PARQUET_OPTIONS) as writer:
        for part in parts:
            table = pq.read_table(part, schema=schema)
            rows += table.num_rows
            writer.write_table(table, row_group_size=max(1, table.num_rows))
    return rows
