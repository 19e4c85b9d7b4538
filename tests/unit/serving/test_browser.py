"""The page in a real browser (tests/conftest.py's `browser`: headless Chromium driven by
Selenium), on the hand-made lake of conftest.py. Screenshots go to $SOCIALAKE_TEST_ARTIFACTS."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from socialake.serving.report import write_report

@pytest.fixture(scope="module")
def dashboard_url(gold_lake, dashboard_on) -> str:
    return dashboard_on(gold_lake)


def test_the_dashboard_draws_the_fixture_totals(browser, dashboard_url, artifacts):
    browser.open(dashboard_url)
    browser.screenshot(artifacts, "dashboard.png")
    assert (browser.value("total-posts"), browser.driver.find_element("id", "total-posts").text) == ("27", "27")
    assert browser.value("total-authors") == "5"
    assert browser.value("total-alerts") == "3"
    figures = browser.driver.find_elements("css selector", ".figure")
    assert len(figures) == 11
    assert all("js-plotly-plot" in f.get_attribute("class") for f in figures)
    assert browser.severe_console_entries() == []
    assert browser.foreign_requests(dashboard_url.rstrip("/")) == []


def test_the_filters_change_the_totals(browser, dashboard_url, artifacts):
    browser.open(dashboard_url)
    browser.select("filter-platform", value="x")
    browser.wait_value("total-posts", "17")             # 10 + 5 + 2
    assert browser.value("total-authors") == "3"        # A1, A2, A6
    assert browser.value("total-alerts") == "3"         # alerts have no platform grain
    browser.select("filter-lang", value="de")
    browser.wait_value("total-posts", "5")
    browser.screenshot(artifacts, "dashboard-x-de.png")
    browser.select("filter-platform", value="")
    browser.select("filter-lang", value="")
    browser.set_date("filter-from", "2026-11-02")
    browser.wait_value("total-posts", "10")             # 5 + 3 + 2
    assert browser.value("total-alerts") == "2"         # al-storm, al-flood
    rows = browser.driver.find_elements("css selector", "#alert-table tbody tr")
    assert len([r for r in rows if r.is_displayed()]) == 2
    browser.select("filter-topic", text="t1 rain storm flood")
    browser.wait_value("total-posts", "5")              # topic 1 from Nov 2: the x/de cell
    assert browser.severe_console_entries() == []


def test_the_static_report_opens_from_a_file(browser, fresh_gold_lake, artifacts):
    path = write_report(str(fresh_gold_lake), "20261203T093000Z-0a1b2c3d")
    browser.open(path.as_uri())
    browser.screenshot(artifacts, "report-file.png")
    assert browser.value("total-posts") == "27"
    assert browser.value("total-authors") == "5"
    assert browser.value("total-alerts") == "3"
    assert browser.foreign_requests("file://") == []
    if os.environ.get("SOCIALAKE_TEST_ARTIFACTS"):
        shutil.copy(path, artifacts / path.name)
