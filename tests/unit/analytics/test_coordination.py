"""Coordination signals: who posted the same thing (or link) together, and bursty accounts."""

from __future__ import annotations

from datetime import datetime, timedelta

from socialake.analytics.coordination import coordination_signals
from socialake.config import CoordinationConfig

T0 = datetime(2024, 1, 1, 12, 0, 0)
SCHEMA = ("post_key string, author_pseudonym string, created_at timestamp, text string, near_dup_cluster string, "
          "urls array<string>")
PARAMS = CoordinationConfig(min_accounts=5, window_seconds=600, url_window_seconds=120, burst_posts=4,
                            burst_seconds=60)


def test_six_accounts_in_two_minutes_are_one_group_with_evidence(spark):
    rows = [(f"x:{i}", f"u_{i}", T0 + timedelta(seconds=20 * i), "free tokens", "c1", ["https://claim.example/a"])
            for i in range(6)]
    # the same cluster much later, by another account: outside the densest window
    rows.append(("x:late", "u_late", T0 + timedelta(hours=5), "free tokens", "c1", []))
    found = {r.signal: r for r in coordination_signals(spark.createDataFrame(rows, SCHEMA), params=PARAMS).collect()}
    assert set(found) == {"near_duplicate", "shared_url"}
    group = found["near_duplicate"]
    assert (group.group_key, group.accounts, group.posts, group.span_seconds) == ("c1", 6, 6, 100)
    assert group.score == 6 / (100 / 60)
    assert [e.post_key for e in group.evidence] == [f"x:{i}" for i in range(6)]
    assert found["shared_url"].group_key == "https://claim.example/a"


def test_the_same_accounts_spread_over_hours_are_not_coordinated(spark):
    rows = [(f"x:{i}", f"u_{i}", T0 + timedelta(hours=i), "free tokens", "c1", ["https://claim.example/a"])
            for i in range(6)]
    assert coordination_signals(spark.createDataFrame(rows, SCHEMA), params=PARAMS).count() == 0


def test_one_account_repeating_itself_is_bursty_not_coordinated(spark):
    rows = [(f"x:{i}", "u_bot", T0 + timedelta(seconds=10 * i), "buy now", "c2", ["https://shop.example/"])
            for i in range(5)]
    found = coordination_signals(spark.createDataFrame(rows, SCHEMA), params=PARAMS).collect()
    assert [(r.signal, r.group_key, r.posts) for r in found] == [("bursty_account", "u_bot", 5)]
