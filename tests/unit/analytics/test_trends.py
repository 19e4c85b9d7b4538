"""Spike detection against a rolling robust baseline, and volume / share of voice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from socialake.analytics import trends
from socialake.config import TrendsConfig

PARAMS = TrendsConfig(baseline_hours=24, min_posts=20, z_threshold=6.0, ratio_threshold=3.0)


def hours(values: list[int]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2024-01-01", periods=len(values), freq="h"), dtype=float)


def test_one_planted_spike_is_the_only_alert():
    counts = [10, 12, 9, 11] * 25
    counts[80] = 80
    found = trends.spikes_in_series(hours(counts), params=PARAMS)
    assert list(found.bucket_start) == [pd.Timestamp("2024-01-01") + pd.Timedelta(hours=80)]
    assert found.posts.iloc[0] == 80 and found.baseline_median.iloc[0] in (10.5, 11.0, 10.0)


def test_a_daily_rhythm_does_not_alert():
    day = [2, 1, 1, 1, 2, 4, 8, 15, 25, 30, 32, 30, 28, 30, 33, 35, 36, 38, 40, 36, 25, 15, 8, 4]
    assert trends.spikes_in_series(hours(day * 6), params=PARAMS).empty


def test_small_bursts_in_a_quiet_series_do_not_alert():
    counts = [0] * 50 + [12] + [0] * 10
    assert trends.spikes_in_series(hours(counts), params=PARAMS).empty  # below min_posts


def test_no_alert_without_enough_history():
    counts = [0, 0, 0, 90]  # a quarter of the 24-hour baseline (6 hours) is needed first
    assert trends.spikes_in_series(hours(counts), params=PARAMS).empty


def test_detect_spikes_fills_missing_hours_with_zero(spark):
    start = datetime(2024, 1, 1)
    # a series seen only every 12 hours with 1 post, then 40 posts: the empty hours are zeros,
    # so the baseline median is 0 and the 40-post hour spikes.
    rows = [("hashtag", "x", start + timedelta(hours=h), 1) for h in range(0, 48, 12)]
    rows += [("hashtag", "x", start + timedelta(hours=50), 40), ("all", "all", start + timedelta(hours=50), 40)]
    rows += [("all", "all", start + timedelta(hours=h), 40) for h in range(0, 50)]
    hourly = spark.createDataFrame(rows, "dimension string, value string, bucket_start timestamp, posts long")
    found = trends.detect_spikes(hourly, params=PARAMS).collect()
    assert [(r.dimension, r.value, r.bucket_start, r.posts) for r in found] == \
        [("hashtag", "x", start + timedelta(hours=50), 40)]
    assert found[0].baseline_median == 0.0


def test_volume_and_share_of_voice(spark):
    t = datetime(2024, 1, 1, 10, 15)
    rows = spark.createDataFrame([
        ("p1", t, 0.5, "hashtag", "a"), ("p2", t, -0.5, "hashtag", "a"), ("p3", t, 1.0, "hashtag", "b"),
        ("p4", t + timedelta(hours=1), 0.0, "hashtag", "b"),
    ], "post_key string, created_at timestamp, sentiment_score double, dimension string, value string")
    got = {(r.value, r.bucket_start.hour): (r.posts, r.mean_sentiment, r.share_of_voice)
           for r in trends.volume(rows, bucket="hour").collect()}
    assert got == {("a", 10): (2, 0.0, 2 / 3), ("b", 10): (1, 1.0, 1 / 3), ("b", 11): (1, 0.0, 1.0)}


def test_series_rows_tracks_topics_top_hashtags_and_watchlist(spark):
    t = datetime(2024, 1, 1)
    posts = spark.createDataFrame([
        ("p1", t, 0.1, "t0", ["Storm", "storm"], "Power outage again"),
        ("p2", t, 0.2, None, ["rare"], "all fine"),
        ("p3", t, 0.3, "t1", ["storm"], "no outages here"),
    ], "post_key string, created_at timestamp, sentiment_score double, topic_label string, "
       "hashtags array<string>, text string")
    rows = trends.series_rows(posts, top_hashtags=1, watchlist=("outage",))
    got = sorted((r.post_key, r.dimension, r.value) for r in rows.collect())
    assert got == sorted([
        ("p1", "all", "all"), ("p2", "all", "all"), ("p3", "all", "all"),
        ("p1", "topic", "t0"), ("p3", "topic", "t1"),
        ("p1", "hashtag", "storm"), ("p3", "hashtag", "storm"),   # one row per post, not per mention
        ("p1", "keyword", "outage"),                              # whole words only: not "outages"
    ])
