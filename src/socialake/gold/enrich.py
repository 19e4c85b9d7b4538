"""Per-post columns more than one gold product derives from silver.posts and the per-post
model outputs (pure)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.analytics import sentiment, topics

POST_COLUMNS = (S.POST_KEY, S.PLATFORM, S.AUTHOR_PSEUDONYM, S.CREATED_AT, S.TEXT, S.LANG, S.HASHTAGS, S.URLS,
                S.HAS_MEDIA, S.LIKE_COUNT, S.REPOST_COUNT, S.REPLY_COUNT, S.QUOTE_COUNT, S.FOLLOWERS_BUCKET,
                S.NEAR_DUP_CLUSTER)
ENGAGEMENT = "engagement"
TOPIC_LABEL = "topic_label"


def with_engagement(posts: DataFrame) -> DataFrame:
    """The silver columns gold reads, plus `engagement` (likes + reposts + replies + quotes,
    missing counts as 0)."""
    return posts.select(*POST_COLUMNS).withColumn(ENGAGEMENT, F.coalesce(S.LIKE_COUNT, F.lit(0))
                                                  + F.coalesce(S.REPOST_COUNT, F.lit(0))
                                                  + F.coalesce(S.REPLY_COUNT, F.lit(0))
                                                  + F.coalesce(S.QUOTE_COUNT, F.lit(0)))


def enriched_posts(posts: DataFrame, post_sentiment: DataFrame, post_topics: DataFrame | None = None) -> DataFrame:
    """with_engagement(posts) + sentiment_label/score and, with `post_topics`, topic_id,
    topic_weight and topic_label ("t<id>"). Posts without a score keep nulls."""
    rows = with_engagement(posts).join(
        post_sentiment.select(S.POST_KEY, sentiment.SENTIMENT_LABEL, sentiment.SENTIMENT_SCORE), S.POST_KEY, "left")
    if post_topics is None:
        return rows
    return rows.join(post_topics.select(S.POST_KEY, topics.TOPIC_ID, topics.TOPIC_WEIGHT), S.POST_KEY, "left") \
        .withColumn(TOPIC_LABEL, F.when(F.col(topics.TOPIC_ID).isNotNull(),
                                        F.concat(F.lit("t"), F.col(topics.TOPIC_ID).cast("string"))))
