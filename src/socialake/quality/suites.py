"""Great Expectations suites for bronze and silver, as code, with an action per expectation.

Each `Check` pairs a GX expectation with what to do when rows fail it:
- warn: record the result, keep the rows;
- quarantine: keep the rows out of the table and send them to the layer's quarantine with the
  expectation's name as the reason (only for row-level checks, whose failing rows are known);
- fail: stop the job before anything is written.
Actions come from the code below and can be overridden per check in conf (quality.actions).

GX computes the verdicts and counts (and renders Data Docs); the failing rows themselves are
selected in Spark, since GX reports only a sample of them. Both come from one declaration: a
check's Spark condition is derived from its expectation and arguments (`ROW_CONDITIONS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
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


# The Spark twin of each row-level GX expectation: the arguments it models, and a condition that
# is True for the rows that pass. Nulls pass, as in GX (the not-null check aside).
ROW_CONDITIONS: Mapping[str, tuple[frozenset[str], Callable[[Column, Mapping[str, Any]], Column]]] = {
    "ExpectColumnValuesToNotBeNull": (frozenset({"column"}), lambda col, kw: col.isNotNull()),
    "ExpectColumnValuesToBeInSet": (frozenset({"column", "value_set"}),
                                    lambda col, kw: col.isNull() | col.isin(list(kw["value_set"]))),
    "ExpectColumnValuesToMatchRegex": (frozenset({"column", "regex"}),
                                       lambda col, kw: col.isNull() | col.rlike(kw["regex"])),
    "ExpectColumnValuesToNotMatchRegex": (frozenset({"column", "regex"}),
                                          lambda col, kw: col.isNull() | ~col.rlike(kw["regex"])),
    "ExpectColumnValuesToBeBetween": (frozenset({"column", "min_value", "max_value"}),
                                      lambda col, kw: col.isNull() | col.between(F.lit(kw["min_value"]),
                                                                                  F.lit(kw["max_value"]))),
}


@dataclass(frozen=True)
class Check:
    name: str
    expectation: str  # GX class name in great_expectations.expectations
    kwargs: Mapping[str, Any]
    action: str

    @property
    def row_level(self) -> bool:
        """Whether the failing rows are known: the expectation has a Spark twin modelling every
        argument given (`mostly`, say, makes a check about the table, not about each row)."""
        twin = ROW_CONDITIONS.get(self.expectation)
        return twin is not None and set(self.kwargs) <= twin[0]

    def passing(self) -> Column | None:
        """True for the rows that pass this check; None for a table-level check."""
        if not self.row_level:
            return None
        return ROW_CONDITIONS[self.expectation][1](F.col(self.kwargs["column"]), self.kwargs)


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    checks: tuple[Check, ...] = field(default_factory=tuple)
    has_quarantine: bool = True  # whether the job routes this table's failing rows to a quarantine

    def with_actions(self, overrides: Mapping[str, str]) -> "Suite":
        """The suite with actions overridden from conf quality.actions, keyed by
        "<suite>.<check>" (this suite only) or "<check>" (every suite with that check)."""
        checks = []
        for check in self.checks:
            action = overrides.get(f"{self.name}.{check.name}", overrides.get(check.name, check.action))
            if action == "quarantine" and not check.row_level:
                raise ValueError(f"quality.actions.{check.name}: a table-level check can only warn or fail")
            if action == "quarantine" and not self.has_quarantine:
                raise ValueError(f"quality.actions.{check.name}: {self.table} has no quarantine; use warn or fail")
            checks.append(replace(check, action=action))
        return replace(self, checks=tuple(checks))


def bronze_posts_suite(now: datetime) -> Suite:
    latest = now.replace(tzinfo=None)
    return Suite("bronze_posts", S.BRONZE_POSTS, (
        Check("payload_hash_format", "ExpectColumnValuesToMatchRegex",
              {"column": S.PAYLOAD_SHA256, "regex": "^[0-9a-f]{64}$"}, "fail"),
        Check("post_id_present", "ExpectColumnValuesToNotBeNull", {"column": S.POST_ID}, "quarantine"),
        Check("platform_known", "ExpectColumnValuesToBeInSet",
              {"column": S.PLATFORM, "value_set": list(S.PLATFORMS)}, "quarantine"),
        Check("event_type_known", "ExpectColumnValuesToBeInSet",
              {"column": S.EVENT_TYPE, "value_set": list(S.EVENT_TYPES)}, "quarantine"),
        Check("created_at_plausible", "ExpectColumnValuesToBeBetween",
              {"column": S.CREATED_AT, "min_value": EARLIEST_POST, "max_value": latest}, "quarantine"),
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
              {"column": S.AUTHOR_PSEUDONYM, "regex": PSEUDONYM_PATTERN}, "fail"),
        Check("no_raw_email_in_text", "ExpectColumnValuesToNotMatchRegex",
              {"column": S.TEXT, "regex": RAW_EMAIL}, "quarantine"),
        Check("no_raw_card_in_text", "ExpectColumnValuesToNotMatchRegex", {"column": S.TEXT, "regex": RAW_CARD}, "warn"),
        Check("lang_code", "ExpectColumnValuesToMatchRegex", {"column": S.LANG, "regex": "^([a-z]{2,3})$"}, "warn"),
        Check("created_at_plausible", "ExpectColumnValuesToBeBetween",
              {"column": S.CREATED_AT, "min_value": EARLIEST_POST, "max_value": latest}, "quarantine"),
    ))


def silver_edges_suite() -> Suite:
    # Edges are kept or refused as a whole: the silver job routes no edge to a quarantine.
    return Suite("silver_edges", S.SILVER_EDGES, (
        Check("src_pseudonym_format", "ExpectColumnValuesToMatchRegex",
              {"column": S.EDGE_SRC, "regex": PSEUDONYM_PATTERN}, "fail"),
        Check("dst_pseudonym_format", "ExpectColumnValuesToMatchRegex",
              {"column": S.EDGE_DST, "regex": PSEUDONYM_PATTERN}, "fail"),
        Check("kind_known", "ExpectColumnValuesToBeInSet",
              {"column": S.EDGE_KIND, "value_set": list(S.EDGE_KINDS)}, "fail"),
    ), has_quarantine=False)


def all_suites(now: datetime | None = None) -> tuple[Suite, ...]:
    """Every suite the jobs run: quality.actions in conf is checked against their check names
    when the config is loaded (socialake.config), so a misspelt check fails at start-up."""
    moment = now or datetime.now(timezone.utc)
    return (bronze_posts_suite(moment), silver_posts_suite(moment), silver_edges_suite())
