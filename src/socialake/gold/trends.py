"""gold.trends and gold.alerts: hourly and daily volume, sentiment and share of voice per
series (all posts, topic, top hashtags, watchlist keywords) and the spike hours, explained by
their most engaged posts."""

from __future__ import annotations

from pyspark import StorageLevel
from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.analytics import trends
from socialake.gold.enrich import enriched_posts
from socialake.gold.product import Inputs, Output, Product


def detect(inputs: Inputs) -> Output:
    t = inputs.cfg.gold.trends
    posts = enriched_posts(inputs[S.SILVER_POSTS], inputs[S.GOLD_POST_SENTIMENT], inputs[S.GOLD_POST_TOPICS])
    rows = trends.series_rows(posts, top_hashtags=t.top_hashtags, watchlist=t.watchlist).persist(
        StorageLevel.MEMORY_AND_DISK)
    hourly = trends.volume(rows, bucket="hour").localCheckpoint()
    spikes = trends.detect_spikes(hourly, params=t)
    alerts = trends.explain_spikes(spikes, rows, posts, samples=t.sample_posts).withColumn(
        "alert_id", F.substring(F.sha2(F.concat_ws("|", trends.DIMENSION, trends.VALUE,
                                                   F.col(trends.BUCKET_START).cast("string")), 256), 1, 16))
    # the alert rows are small: materialised here so that `rows` can be released after
    alerts = alerts.localCheckpoint()
    series = hourly.unionByName(trends.volume(rows, bucket="day")).localCheckpoint()
    rows.unpersist()
    return Output({S.GOLD_TRENDS: series, S.GOLD_ALERTS: alerts}, metrics={"alerts": alerts.count()})


PRODUCT = Product(
    name="trends", inputs=(S.SILVER_POSTS, S.GOLD_POST_SENTIMENT, S.GOLD_POST_TOPICS),
    outputs=(S.GOLD_TRENDS, S.GOLD_ALERTS), compute=detect, config=lambda cfg: cfg.gold.trends,
    description="volume and sentiment per series and hour/day; spike alerts")
