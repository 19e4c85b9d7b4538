"""Trends and spike alerts.

Volume, mean sentiment and share of voice per hour and per day for each tracked series:
all posts, each topic, the most used hashtags and a keyword watchlist. An hour is a spike when
its count is far above a rolling baseline of the hours before it: robust z-score
(count - median) / scale >= z_threshold and count >= ratio_threshold x median, where
scale = max(1.4826 x MAD, sqrt(median), 1) (the square-root floor treats counts as Poisson,
so a quiet series does not alert on a handful of posts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType, TimestampType

from socialake.config import TrendsConfig

DIMENSION = "dimension"   # all | topic | hashtag | keyword
VALUE = "value"
BUCKET = "bucket"         # hour | day
BUCKET_START = "bucket_start"


def series_rows(posts: DataFrame, *, top_hashtags: int, watchlist: tuple[str, ...]) -> DataFrame:
    """One row per (post, series it belongs to): post_key, created_at, sentiment_score,
    dimension, value. Hashtags are lower-cased; only the `top_hashtags` most used are tracked."""
    base = posts.select("post_key", "created_at", "sentiment_score", "topic_label", "hashtags", "text")
    everything = base.select("post_key", "created_at", "sentiment_score", F.lit("all").alias(DIMENSION),
                             F.lit("all").alias(VALUE))
    topics = base.where(F.col("topic_label").isNotNull()).select(
        "post_key", "created_at", "sentiment_score", F.lit("topic").alias(DIMENSION), F.col("topic_label").alias(VALUE))
    tags = base.select("post_key", "created_at", "sentiment_score",
                       F.explode(F.array_distinct(F.transform("hashtags", F.lower))).alias(VALUE))
    popular = tags.groupBy(VALUE).count().orderBy(F.desc("count"), VALUE).limit(top_hashtags).select(VALUE)
    hashtags = tags.join(F.broadcast(popular), VALUE).select(
        "post_key", "created_at", "sentiment_score", F.lit("hashtag").alias(DIMENSION), VALUE)
    rows = everything.unionByName(topics).unionByName(hashtags)
    for word in watchlist:
        pattern = r"(?i)(^|[^\p{L}\p{N}])" + _escape(word) + r"($|[^\p{L}\p{N}])"
        rows = rows.unionByName(base.where(F.col("text").rlike(pattern)).select(
            "post_key", "created_at", "sentiment_score", F.lit("keyword").alias(DIMENSION),
            F.lit(word.lower()).alias(VALUE)))
    return rows


def _escape(word: str) -> str:
    return "".join("\\" + c if not c.isalnum() and c != " " else c for c in word)


def volume(rows: DataFrame, *, bucket: str) -> DataFrame:
    """Per series and bucket: posts, mean_sentiment, share_of_voice (posts / posts of the same
    dimension in that bucket; for `all`, 1)."""
    truncated = rows.withColumn(BUCKET_START, F.date_trunc(bucket, "created_at"))
    counts = truncated.groupBy(DIMENSION, VALUE, BUCKET_START).agg(
        F.count(F.lit(1)).alias("posts"), F.avg("sentiment_score").alias("mean_sentiment"))
    totals = counts.groupBy(DIMENSION, BUCKET_START).agg(F.sum("posts").alias("_dimension_posts"))
    return (counts.join(totals, [DIMENSION, BUCKET_START])
            .withColumn("share_of_voice", F.col("posts") / F.col("_dimension_posts"))
            .drop("_dimension_posts").withColumn(BUCKET, F.lit(bucket)))


_SPIKE_SCHEMA = StructType([
    StructField(DIMENSION, StringType()), StructField(VALUE, StringType()), StructField(BUCKET_START, TimestampType()),
    StructField("posts", LongType()), StructField("baseline_median", DoubleType()),
    StructField("baseline_mad", DoubleType()), StructField("robust_z", DoubleType()), StructField("ratio", DoubleType()),
])


def detect_spikes(hourly: DataFrame, *, params: TrendsConfig) -> DataFrame:
    """Hourly series -> the hours that spike (schema _SPIKE_SCHEMA). Missing hours count as 0:
    each series is laid on the full hour grid of the data before the baseline is taken."""
    bounds = hourly.agg(F.min(BUCKET_START).alias("lo"), F.max(BUCKET_START).alias("hi")).collect()[0]
    if bounds.lo is None:
        return hourly.sparkSession.createDataFrame([], _SPIKE_SCHEMA)
    lo, hi = pd.Timestamp(bounds.lo), pd.Timestamp(bounds.hi)

    def per_series(frame: pd.DataFrame) -> pd.DataFrame:
        grid = pd.date_range(lo, hi, freq="h")
        counts = frame.set_index(BUCKET_START)["posts"].reindex(grid, fill_value=0).astype(float)
        return spikes_in_series(counts, params=params).assign(
            **{DIMENSION: frame[DIMENSION].iloc[0], VALUE: frame[VALUE].iloc[0]})[_SPIKE_SCHEMA.fieldNames()]

    return (hourly.select(DIMENSION, VALUE, BUCKET_START, "posts")
            .groupBy(DIMENSION, VALUE).applyInPandas(per_series, _SPIKE_SCHEMA))


def spikes_in_series(counts: pd.Series, *, params: TrendsConfig) -> pd.DataFrame:
    """`counts` indexed by hour (complete grid) -> rows for the spiking hours: bucket_start,
    posts, baseline_median, baseline_mad, robust_z, ratio. The baseline is the `baseline_hours`
    hours before each hour (at least a quarter of it must exist)."""
    history = counts.shift(1).rolling(params.baseline_hours, min_periods=max(1, params.baseline_hours // 4))
    median = history.median()
    mad = history.apply(lambda w: float(np.median(np.abs(w - np.median(w)))), raw=True)
    scale = np.maximum.reduce([1.4826 * mad.to_numpy(), np.sqrt(median.clip(lower=0).to_numpy()), np.ones(len(mad))])
    z = (counts - median) / scale
    ratio = counts / median.clip(lower=1.0)
    hit = (counts >= params.min_posts) & (z >= params.z_threshold) & (ratio >= params.ratio_threshold) & median.notna()
    return pd.DataFrame({
        BUCKET_START: counts.index[hit], "posts": counts[hit].astype("int64").to_numpy(),
        "baseline_median": median[hit].to_numpy(), "baseline_mad": mad[hit].to_numpy(),
        "robust_z": z[hit].to_numpy(), "ratio": ratio[hit].to_numpy(),
    })


def explain_spikes(spikes: DataFrame, rows: DataFrame, posts: DataFrame, *, samples: int) -> DataFrame:
    """Adds `sample_posts` to each spike: the most engaged posts of that series in that hour
    (array of struct post_key, created_at, text, engagement)."""
    from pyspark.sql.window import Window

    in_hour = rows.withColumn(BUCKET_START, F.date_trunc("hour", "created_at")).join(
        spikes.select(DIMENSION, VALUE, BUCKET_START), [DIMENSION, VALUE, BUCKET_START])
    detailed = in_hour.join(posts.select("post_key", "text", "engagement"), "post_key")
    ranked = detailed.withColumn("_r", F.row_number().over(
        Window.partitionBy(DIMENSION, VALUE, BUCKET_START).orderBy(F.desc("engagement"), "post_key")))
    sampled = ranked.where(F.col("_r") <= samples).groupBy(DIMENSION, VALUE, BUCKET_START).agg(
        F.sort_array(F.collect_list(F.struct(F.col("engagement"), "post_key", "created_at", "text")), asc=False)
        .alias("sample_posts"))
    return spikes.join(sampled, [DIMENSION, VALUE, BUCKET_START], "left")
