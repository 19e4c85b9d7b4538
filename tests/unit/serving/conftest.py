"""A tiny gold lake written with delta-rs (no Spark): hand-chosen rows in the catalog's columns,
so the serving tests can compare the page with numbers worked out by hand (see the comments)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from deltalake import write_deltalake

from socialake import catalog
from socialake import schemas as S
from socialake.lake.base import spark_to_arrow_schema, table_path

LINEAGE = {S.GOLD_RUN_ID: "20261103T120000Z-aaaa1111", S.MLFLOW_RUN_ID: "mlf-0123abcd", S.SILVER_VERSION: 4}
A1, A2, A3, A4, A5, A6 = (f"u_{str(i) * 32}" for i in range(1, 7))
HOSTILE_TEXT = '<script>alert("pwned")</script> & <b>storm</b> </script><img src=x onerror=1>'


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def write_table(root: Path, name: str, rows: list[dict[str, Any]], *, mode: str = "overwrite") -> None:
    """Write `rows` (dicts of catalog column names; absent columns null) as a Delta version of
    `name`; gold rows get the lineage columns."""
    if name.startswith("gold."):
        rows = [{**LINEAGE, **row} for row in rows]
    schema = spark_to_arrow_schema(catalog.table(name).schema)
    write_deltalake(table_path(str(root), name), pa.Table.from_pylist(rows, schema=schema), mode=mode)


def daily(day: int, platform: str, lang: str, topic: int | None, posts: int, neg: int, neu: int, pos: int,
          mean: float, engagement: int) -> dict[str, Any]:
    return {"date_key": day, "platform": platform, "lang": lang, "topic_id": topic, "posts": posts, "authors": 1,
            "negative": neg, "neutral": neu, "positive": pos, "mean_sentiment": mean, "engagement": engagement}


# posts: 10 + 7 + 5 + 3 + 2 = 27; platform x: 10 + 5 + 2 = 17; reddit 7; mastodon 3; lang de: 5;
# topic 1: 7 + 5 = 12; 2026-11-02..2026-11-03: 5 + 3 + 2 = 10
DAILY = [
    daily(20261101, "x", "en", 0, 10, 2, 3, 5, 0.25, 100),
    daily(20261101, "reddit", "en", 1, 7, 1, 4, 2, 0.1, 30),
    daily(20261102, "x", "de", 1, 5, 3, 1, 1, -0.3, 12),
    daily(20261103, "mastodon", "en", 0, 3, 0, 2, 1, 0.2, 4),
    daily(20261103, "x", "en", None, 2, 0, 2, 0, 0.0, 1),
]
TOTAL_POSTS, X_POSTS, REDDIT_POSTS = 27, 17, 7

DIM_TOPIC = [
    {"topic_id": 0, "label": "vote election ballot", "top_terms": ["vote", "election", "ballot", "poll"],
     "term_weights": [0.4, 0.3, 0.2, 0.1], "npmi": 0.21, "topic_model": "topics-lda@3"},
    {"topic_id": 1, "label": "rain storm flood", "top_terms": ["rain", "storm", "flood", "wind"],
     "term_weights": [0.35, 0.3, 0.2, 0.15], "npmi": 0.134, "topic_model": "topics-lda@3"},
]


def author(pseudonym: str, platform: str | None, posts: int, community: str | None, pagerank: float | None,
           rank: int | None) -> dict[str, Any]:
    return {"author_pseudonym": pseudonym, "platform": platform, "posts": posts, "community_id": community,
            "pagerank": pagerank, "pagerank_rank": rank, "engagement": 0, "in_degree": 0, "out_degree": 0}


# authors who posted: A1, A2, A3, A4, A6 = 5 (x: 3, reddit: 1); A5 was only mentioned (posts 0)
DIM_AUTHOR = [
    author(A1, "x", 9, "c0000", 0.4, 1),
    author(A2, "x", 4, "c0000", 0.3, 2),
    author(A3, "reddit", 3, "c0001", 0.2, 3),
    author(A4, "mastodon", 3, "c0001", 0.1, 4),
    author(A5, None, 0, "c0001", 0.05, 5),
    author(A6, "x", 2, None, None, None),
]
TOTAL_AUTHORS, X_AUTHORS = 5, 3

# among the top authors (A1..A5 have a rank): 4 interactions; A6's mention of A1 is left out
FACT_INTERACTIONS = [
    {"src": A1, "dst": A2, "kind": "mention", "post_key": "x:11", "platform": "x"},
    {"src": A2, "dst": A1, "kind": "reply", "post_key": "x:12", "platform": "x"},
    {"src": A3, "dst": A4, "kind": "repost", "post_key": "reddit:t3_1", "platform": "reddit"},
    {"src": A1, "dst": A3, "kind": "reply", "post_key": "x:13", "platform": "x"},
    {"src": A6, "dst": A1, "kind": "mention", "post_key": "x:14", "platform": "x"},
]

# 3 alerts; 2 of them in 2026-11-02..2026-11-03
ALERTS = [
    {"alert_id": "al-storm", "dimension": "hashtag", "value": "storm", "bucket_start": at("2026-11-02T14:00:00"),
     "posts": 40, "baseline_median": 4.0, "baseline_mad": 1.5, "robust_z": 12.5, "ratio": 10.0,
     "sample_posts": [{"engagement": 50, "post_key": "x:21", "created_at": at("2026-11-02T14:05:00"),
                       "text": HOSTILE_TEXT}]},
    {"alert_id": "al-all", "dimension": "all", "value": "all", "bucket_start": at("2026-11-01T09:00:00"),
     "posts": 25, "baseline_median": 10.0, "baseline_mad": 2.0, "robust_z": 4.2, "ratio": 2.5, "sample_posts": []},
    {"alert_id": "al-flood", "dimension": "keyword", "value": "flood", "bucket_start": at("2026-11-03T20:00:00"),
     "posts": 12, "baseline_median": 2.0, "baseline_mad": 1.0, "robust_z": 6.1, "ratio": 6.0,
     "sample_posts": [{"engagement": 7, "post_key": "x:31", "created_at": at("2026-11-03T20:10:00"),
                       "text": "Flood warning, write to <EMAIL>"}]},
]
TOTAL_ALERTS, ALERTS_FROM_NOV_2 = 3, 2


def trend(dimension: str, bucket: str, start: str, value: str, posts: int, share: float) -> dict[str, Any]:
    return {"dimension": dimension, "bucket": bucket, "bucket_start": at(start), "value": value, "posts": posts,
            "mean_sentiment": 0.1, "share_of_voice": share}


TRENDS = [
    trend("hashtag", "day", "2026-11-01T00:00:00", "storm", 2, 0.2),
    trend("hashtag", "day", "2026-11-02T00:00:00", "storm", 9, 0.6),
    trend("hashtag", "hour", "2026-11-02T14:00:00", "storm", 40, 0.8),   # hourly: not on the page
    trend("keyword", "day", "2026-11-03T00:00:00", "flood", 4, 1.0),
    trend("topic", "day", "2026-11-01T00:00:00", "t0", 10, 0.59),
]

COMMUNITIES = [
    {"community_id": "c0000", "authors": 2, "posts": 13, "mean_sentiment": 0.3,
     "top_topics": ["vote election ballot"], "top_hashtags": ["vote", "ballot2026"], "top_authors": [A1, A2]},
    {"community_id": "c0001", "authors": 3, "posts": 6, "mean_sentiment": -0.1,
     "top_topics": ["rain storm flood"], "top_hashtags": ["storm"], "top_authors": [A3, A4, A5]},
]

COORDINATION = [
    {"coordination_id": "co-1", "signal": "near_duplicate", "group_key": "x:77", "accounts": 3, "posts": 4,
     "first_at": at("2026-11-02T10:00:00"), "last_at": at("2026-11-02T10:02:00"), "span_seconds": 120,
     "score": 1.5, "evidence": [
         {"created_at": at("2026-11-02T10:00:00"), "post_key": "x:77", "author_pseudonym": A1,
          "text": "Same text <EMAIL>"},
         {"created_at": at("2026-11-02T10:01:00"), "post_key": "x:78", "author_pseudonym": A2,
          "text": "Same text <EMAIL>"}]},
]

FACT_POSTS = [{"post_key": "x:11", "date_key": 20261101, "platform": "x", "lang": "en", "author_pseudonym": A1}]

RUNS = [
    {"run_id": "20261103T120000Z-aaaa1111", "job": "gold", "product": "*", "status": "succeeded",
     "started_at": at("2026-11-03T12:00:00"), "seconds": 60.0, "inputs": [], "mlflow_run_id": "mlf-0123abcd"},
    {"run_id": "20261103T120000Z-aaaa1111", "job": "gold", "product": "star", "status": "succeeded",
     "started_at": at("2026-11-03T12:00:05"), "seconds": 12.0,
     "inputs": [{"table_name": "silver.posts", "version": 4}], "mlflow_run_id": "mlf-0123abcd"},
]


def check(run_id: str, when: str, table: str, name: str, success: bool, unexpected: int) -> dict[str, Any]:
    return {"run_id": run_id, "evaluated_at": at(when), "table_name": table, "suite": "gold", "check_name": name,
            "action": "warn", "success": success, "element_count": 27, "unexpected_count": unexpected}


# the latest run that checked gold.daily_aggregates is v2: its failed check is shown, v1's pass is not
CHECKS = [
    check("v1", "2026-11-02T12:00:00", S.GOLD_DAILY, "posts_positive", True, 0),
    check("v2", "2026-11-03T12:00:00", S.GOLD_DAILY, "posts_positive", False, 2),
    check("v1", "2026-11-02T12:00:00", S.GOLD_ALERTS, "alert_id_unique", True, 0),
]

FULL_LAKE = {
    S.GOLD_DAILY: DAILY, S.GOLD_DIM_TOPIC: DIM_TOPIC, S.GOLD_DIM_AUTHOR: DIM_AUTHOR,
    S.GOLD_FACT_INTERACTIONS: FACT_INTERACTIONS, S.GOLD_ALERTS: ALERTS, S.GOLD_TRENDS: TRENDS,
    S.GOLD_COMMUNITIES: COMMUNITIES, S.GOLD_COORDINATION: COORDINATION, S.GOLD_FACT_POSTS: FACT_POSTS,
    "ops.runs": RUNS, "ops.validation_results": CHECKS,
}


def build_lake(root: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    for name, rows in tables.items():
        write_table(root, name, rows)
    return root


@pytest.fixture(scope="module")
def gold_lake(tmp_path_factory) -> Path:
    """Every table the page reads (version 0 each). Module-scoped: tests must not write to it."""
    return build_lake(tmp_path_factory.mktemp("gold-lake"), FULL_LAKE)


@pytest.fixture
def fresh_gold_lake(tmp_path) -> Path:
    """The same lake, one per test, for tests that write new versions."""
    return build_lake(tmp_path / "lake", FULL_LAKE)


@pytest.fixture
def half_built_lake(tmp_path) -> Path:
    """Only gold.daily_aggregates and gold.dim_topic (a gold run stopped after the star schema)."""
    return build_lake(tmp_path / "half", {S.GOLD_DAILY: DAILY, S.GOLD_DIM_TOPIC: DIM_TOPIC})


@pytest.fixture
def write_gold():
    """write_table as a fixture (test modules cannot import conftest by name: there are several)."""
    return write_table


@pytest.fixture
def hostile_text() -> str:
    return HOSTILE_TEXT


@pytest.fixture
def fixture_daily() -> list[dict[str, Any]]:
    return [dict(row) for row in DAILY]


# --- reading a rendered page back (stdlib html.parser: what the HTML says, not what code meant) ---

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page:
    source: str
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)   # element id -> its attributes
    texts: dict[str, str] = field(default_factory=dict)                   # element id -> its text
    rows: dict[str, list[tuple[dict[str, str], list[str]]]] = field(default_factory=dict)  # table id -> rows
    missing: dict[str, str] = field(default_factory=dict)                 # data-table of p.missing -> text
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # every tag, in order

    def value(self, element_id: str) -> str:
        return self.attributes[element_id]["data-value"]

    def data(self) -> dict[str, Any]:
        return json.loads(self.texts["gold-data"])


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.open: list[tuple[str, dict[str, str]]] = []
        self.table: str | None = None
        self.cell: str | None = None
        self.note: tuple[str, str] | None = None   # (data-table, text) of the p.missing being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.page.tags.append((tag, attributes))
        if "id" in attributes:
            self.page.attributes[attributes["id"]] = attributes
            self.page.texts[attributes["id"]] = ""
        if tag == "table" and "id" in attributes:
            self.table = attributes["id"]
            self.page.rows[self.table] = []
        elif tag == "tr" and self.table and any(t == "tbody" for t, _ in self.open):
            self.page.rows[self.table].append((attributes, []))
        elif tag == "td" and self.table and self.page.rows[self.table]:
            self.cell = ""
        elif tag == "p" and "missing" in attributes.get("class", "").split():
            self.note = (attributes.get("data-table", ""), "")
        if tag not in VOID:
            self.open.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass
        if tag == "td" and self.cell is not None and self.table:
            self.page.rows[self.table][-1][1].append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.table = None
        elif tag == "p" and self.note is not None:
            self.page.missing[self.note[0]] = self.note[1]
            self.note = None

    def handle_data(self, data: str) -> None:
        for _, attributes in self.open:
            if "id" in attributes:
                self.page.texts[attributes["id"]] += data
        if self.cell is not None:
            self.cell += data
        if self.note is not None:
            self.note = (self.note[0], self.note[1] + data)


def read_page_source(source: str) -> Page:
    page = Page(source)
    _Reader(page).feed(source)
    return page


@pytest.fixture
def read_page():
    """HTML source -> Page: ids with attributes and text, table rows, missing-table messages."""
    return read_page_source
