"""Great Expectations suites for bronze and silver, as code, with an action per expectation.

Each `Check` pairs a GX expectation with what to do when rows fail it:
- warn: record the result, keep the rows;
- quarantine: keep the rows out of the table and send them to the layer's quarantine with the
  expectation's name as the reason (only for row-level checks, whose failing rows are known);
- fail: stop the job before anything is written.
Actions come from the code below and can be overridden per check in conf (quality.actions).

GX computes the verdicts and counts (and renders Data Docs); the failing rows themselves are
selected with the same condition in Spark, since GX reports only a sample of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable, Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.schemas import PSEUDONYM_PATTERN

ACTIONS = ("warn", "quarantine", "fail")
EARLIEST_POST = datetime(2006, 3, 21)  # the first tweet; nothing social is older
# Raw PII that must never survive into silver text (placeholders like <EMAIL> do not match).
RAW_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
RAW_CARD = r"(?<![\w/=.#-])(?:\d[ -]?){12,18}\d(?![\w])"  # not digits inside links or ids


@dataclass(frozen=True)
class Check:
    name: str
    expectation: str  # GX class name in great_expectations.expectations
    kwargs: Mapping[str, Any]
    action: str
    row_condition: Callable[[], Column] | None = None  # True for rows that PASS; None: table-level

    def passing(self) -> Column | None:
        return self.row_condition() if self.row_condition else None


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    checks: tuple[Check, ...] = field(default_factory=tuple)

    def with_actions(self, overrides: Mapping[str, str]) -> "Suite":
        """The suite with actions overridden from conf quality.actions, keyed by
        "<suite>.<check>" (this suite only) or "<check>" (every suite with that check)."""
        checks = []
        for check in self.checks:
            action = overrides.get(f"{self.name}.{check.name}", overrides.get(check.name, check.action))
            if action == "quarantine" and check.row_condition is None:
                raise ValueError(f"quality.actions.{check.name}: a table-level check can only warn or fail")
            checks.append(replace(check, action=action))
        return replace(self, checks=tuple(checks))


def _not_null(column: str) -> Callable[[], Column]:
    return lambda: F.col(column).isNotNull()


def _in_set(column: str, values: tuple[str, ...]) -> Callable[[], Column]:
    return lambda: F.col(column).isNull() | F.col(column).isin(list(values))


def _matches(column: str, regex: str) -> Callable[[], Column]:
    return lambda: F.col(column).isNull() | F.col(column).rlike(regex)


def _not_matches(column: str, regex: str) -> Callable[[], Column]:
    return lambda: F.col(column).isNull() | ~F.col(column).rlike(regex)


def _between(column: str, low: datetime, high: datetime) -> Callable[[], Column]:
    return lambda: F.col(column).isNull() | F.col(column).between(F.lit(low), F.lit(high))


def bronze_posts_suite(now: datetime) -> Suite:
    latest = now.replace(tzinfo=None)
    return Suite("bronze_posts", S.BRONZE_POSTS, (
        Check("payload_hash_format", "ExpectColumnValuesToMatchRegex",
              {"column": S.PAYLOAD_SHA256, "regex": "^[0-9a-f]{64}$"}, "fail",
              _matches(S.PAYLOAD_SHA256, "^[0-9a-f]{64}$")),
        Check("post_id_present", "ExpectColumnValuesToNotBeNull", {"column": S.POST_ID}, "quarantine",
              _not_null(S.POST_ID)),
        Check("platform_known", "ExpectColumnValuesToBeInSet",
              {"column": S.PLATFORM, "value_set": list(S.PLATFORMS)}, "quarantine", _in_set(S.PLATFORM, S.PLATFORMS)),
        Check("event_type_known", "ExpectColumnValuesToBeInSet",
              {"column": S.EVENT_TYPE, "value_set": list(S.EVENT_TYPES)}, "quarantine",
              _in_set(S.EVENT_TYPE, S.EVENT_TYPES)),
        Check("created_at_plausible", "ExpectColumnValuesToBeBetween",
              {"column": S.CREATED_AT, "min_value": EARLIEST_POST, "max_value": latest}, "quarantine",
              _between(S.CREATED_AT, EARLIEST_POST, latest)),
        Check("text_mostly_present", "ExpectColumnValuesToNotBeNull", {"column": S.TEXT, "mostly": 0.5}, "warn"),
    ))


def silver_posts_suite(now: datetime) -> Suite:
    latest = now.replace(tzinfo=None)
    return Suite("silver_posts", S.SILVER_POSTS, (
        Check("post_key_present", "ExpectColumnValuesToNotBeNull", {"column": S.POST_KEY}, "fail"),
        Check("post_key_unique", "ExpectColumnValuesToBeUnique", {"column": S.POST_KEY}, "fail"),
        Check("platform_known", "ExpectColumnValuesToBeInSet",
              {"column": S.PLATFORM, "value_set": list(S.PLATFORMS)}, "fail"),
        Check("author_pseudonym_format", "ExpectColumnValuesToMatchRegex",
              {"column": S.AUTHOR_PSEUDONYM, "regex": PSEUDONYM_PATTERN}, "fail",
              _matches(S.AUTHOR_PSEUDONYM, PSEUDONYM_PATTERN)),
        Check("no_raw_email_in_text", "ExpectColumnValuesToNotMatchRegex",
              {"column": S.TEXT, "regex": RAW_EMAIL}, "quarantine", _not_matches(S.TEXT, RAW_EMAIL)),
        Check("no_raw_card_in_text", "ExpectColumnValuesToNotMatchRegex",
              {"column": S.TEXT, "regex": RAW_CARD}, "warn", _not_matches(S.TEXT, RAW_CARD)),
        Check("lang_code", "ExpectColumnValuesToMatchRegex",
              {"column": S.LANG, "regex": "^([a-z]{2,3})$"}, "warn", _matches(S.LANG, "^([a-z]{2,3})$")),
        Check("created_at_plausible", "ExpectColumnValuesToBeBetween",
              {"column": S.CREATED_AT, "min_value": EARLIEST_POST, "max_value": latest}, "quarantine",
              _between(S.CREATED_AT, EARLIEST_POST, latest)),
    ))


def silver_edges_suite() -> Suite:
    return Suite("silver_edges", S.SILVER_EDGES, (
        Check("src_pseudonym_format", "ExpectColumnValuesToMatchRegex",
              {"column": S.EDGE_SRC, "regex": PSEUDONYM_PATTERN}, "fail"),
        Check("dst_pseudonym_format", "ExpectColumnValuesToMatchRegex",
              {"column": S.EDGE_DST, "regex": PSEUDONYM_PATTERN}, "fail"),
        Check("kind_known", "ExpectColumnValuesToBeInSet",
              {"column": S.EDGE_KIND, "value_set": list(S.EDGE_KINDS)}, "fail"),
    ))
