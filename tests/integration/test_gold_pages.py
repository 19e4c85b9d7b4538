"""The dashboard and the gold run's own HTML report in headless Chromium, on a lake the pipeline
generated (tests/integration/conftest.py's gold run): the totals and alert counts shown equal
the gold tables read directly with polars, and a filter changes them to what the tables say for
that platform. Screenshots go to $SOCIALAKE_TEST_ARTIFACTS (CI keeps them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from socialake import schemas as S

pytestmark = pytest.mark.slow


def gold(lake, table: str) -> pl.DataFrame:
    return pl.read_delta(lake.path(table))


def posting_authors(lake, platform: str | None = None) -> int:
    authors = gold(lake, S.GOLD_DIM_AUTHOR).filter(pl.col("posts") > 0)
    return authors.height if platform is None else authors.filter(pl.col("platform") == platform).height


def test_the_dashboard_shows_the_gold_tables_totals_and_its_filter_changes_them(gold_run, browser, dashboard_on,
                                                                                   artifacts):
    _, lake, _, _ = gold_run
    daily = gold(lake, S.GOLD_DAILY)
    alerts = gold(lake, S.GOLD_ALERTS).height
    assert alerts > 0, "the generator plants a spike: gold should have alerts"

    url = dashboard_on(lake.cfg.root)
    browser.open(url)
    browser.screenshot(artifacts, "generated-lake-dashboard.png")
    # the daily cube's sum (after the gold tests' erasure, fact_posts has the subject's posts less;
    # aggregates hold no person and keep counting them until the next gold run)
    assert browser.value("total-posts") == str(daily["posts"].sum())
    assert browser.value("total-alerts") == str(alerts)
    assert browser.value("total-authors") == str(posting_authors(lake))
    shown_alerts = browser.driver.find_elements("css selector", "#alert-table tbody tr[data-alert-id]")
    assert len(shown_alerts) == alerts

    by_platform = daily.group_by("platform").agg(pl.col("posts").sum()).sort("posts")
    platform, posts = by_platform.row(0)          # the smallest platform: clearly not the total
    assert posts < daily["posts"].sum()
    browser.select("filter-platform", value=platform)
    browser.wait_value("total-posts", str(posts))
    assert browser.value("total-authors") == str(posting_authors(lake, platform))
    browser.screenshot(artifacts, f"generated-lake-dashboard-{platform}.png")
    assert browser.severe_console_entries() == []
    assert browser.foreign_requests(url.rstrip("/")) == []


def test_the_lakes_html_report_opens_from_its_file_with_the_gold_totals(gold_run, browser, artifacts):
    _, lake, report, _ = gold_run
    assert report.html_report is not None and Path(report.html_report).name == f"gold-report-{report.run_id}.html"
    # the newest report under _exports: the gold run's, or the one an erasure rendered in its place
    path = max(Path(lake.cfg.root, "_exports").glob("gold-report-*.html"), key=lambda p: p.stat().st_mtime_ns)
    browser.open(path.as_uri())
    browser.screenshot(artifacts, "generated-lake-report.png")
    assert browser.value("total-posts") == str(gold(lake, S.GOLD_DAILY)["posts"].sum())
    assert browser.value("total-alerts") == str(gold(lake, S.GOLD_ALERTS).height)
    assert browser.foreign_requests("file://") == []
    if os.environ.get("SOCIALAKE_TEST_ARTIFACTS"):
        shutil.copy(path, artifacts / path.name)
