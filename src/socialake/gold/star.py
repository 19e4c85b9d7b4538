"""The BI star schema: gold.fact_posts, gold.dim_date, gold.daily_aggregates and
gold.communities (one row per community: size, mood, top topics, hashtags and authors)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from socialake import schemas as S
from socialake.analytics import graph, sentiment, topics
from socialake.gold.enrich import ENGAGEMENT, enriched_posts
from socialake.gold.product import Inputs, Output, Product


def build(inputs: Inputs) -> Output:
    posts = enriched_posts(inputs[S.SILVER_POSTS], inputs[S.GOLD_POST_SENTIMENT], inputs[S.GOLD_POST_TOPICS])
    authors = inputs[S.GOLD_DIM_AUTHOR]
    communities = authors.where(F.col(graph.COMMUNITY).isNotNull()).select(graph.NODE, graph.COMMUNITY)
    fact = posts.join(communities, S.AUTHOR_PSEUDONYM, "left").select(
        S.POST_KEY, F.date_format(S.CREATED_AT, "yyyyMMdd").cast("int").alias("date_key"),
        F.hour(S.CREATED_AT).alias("hour"), S.CREATED_AT, S.PLATFORM, S.LANG, S.AUTHOR_PSEUDONYM, graph.COMMUNITY,
        topics.TOPIC_ID, topics.TOPIC_WEIGHT, sentiment.SENTIMENT_LABEL, sentiment.SENTIMENT_SCORE, S.LIKE_COUNT,
        S.REPOST_COUNT, S.REPLY_COUNT, S.QUOTE_COUNT, ENGAGEMENT, F.size(S.HASHTAGS).alias("hashtag_count"),
        S.HAS_MEDIA, S.NEAR_DUP_CLUSTER)
    return Output({S.GOLD_FACT_POSTS: fact, S.GOLD_DIM_DATE: dim_date(fact), S.GOLD_DAILY: daily(fact),
                   S.GOLD_COMMUNITIES: community_summary(fact, authors, posts, inputs[S.GOLD_DIM_TOPIC])})


def dim_date(fact: DataFrame) -> DataFrame:
    """Every calendar day from the first to the last post."""
    bounds = fact.agg(F.min(S.CREATED_AT).alias("lo"), F.max(S.CREATED_AT).alias("hi"))
    days = bounds.select(F.explode(F.sequence(F.to_date("lo"), F.to_date("hi"))).alias("date"))
    return days.select(
        F.date_format("date", "yyyyMMdd").cast("int").alias("date_key"), "date", F.year("date").alias("year"),
        F.quarter("date").alias("quarter"), F.month("date").alias("month"), F.dayofmonth("date").alias("day"),
        F.weekofyear("date").alias("iso_week"), F.date_format("date", "EEEE").alias("weekday"),
        F.dayofweek("date").isin(1, 7).alias("is_weekend"))


def daily(fact: DataFrame) -> DataFrame:
    """Posts, authors, sentiment mix and engagement per day x platform x language x topic."""
    return fact.groupBy("date_key", S.PLATFORM, S.LANG, topics.TOPIC_ID).agg(
        F.count(F.lit(1)).alias("posts"), F.countDistinct(S.AUTHOR_PSEUDONYM).alias("authors"),
        *[F.sum(F.when(F.col(sentiment.SENTIMENT_LABEL) == name, 1).otherwise(0)).alias(name)
          for name in sentiment.LABELS],
        F.avg(sentiment.SENTIMENT_SCORE).alias("mean_sentiment"), F.sum(ENGAGEMENT).alias(ENGAGEMENT))


def community_summary(fact: DataFrame, dim_author: DataFrame, posts: DataFrame, dim_topic: DataFrame) -> DataFrame:
    """Per community: authors, posts, mean sentiment, top 3 topics, top 5 hashtags, top 5
    authors by PageRank."""
    members = dim_author.where(F.col(graph.COMMUNITY).isNotNull())
    size = members.groupBy(graph.COMMUNITY).agg(
        F.count(F.lit(1)).alias("authors"), F.sum("posts").alias("posts"),
        F.slice(F.sort_array(F.collect_list(F.struct(F.col(graph.PAGERANK), F.col(S.AUTHOR_PSEUDONYM))), asc=False),
                1, 5).alias("_top"))
    in_community = fact.where(F.col(graph.COMMUNITY).isNotNull())
    mood = in_community.groupBy(graph.COMMUNITY).agg(F.avg(sentiment.SENTIMENT_SCORE).alias("mean_sentiment"))
    by_topic = (in_community.where(F.col(topics.TOPIC_ID).isNotNull()).groupBy(graph.COMMUNITY, topics.TOPIC_ID).count()
                .join(dim_topic.select(topics.TOPIC_ID, "label"), topics.TOPIC_ID))
    top_topics = _top_values(by_topic, "label", 3).withColumnRenamed("_values", "top_topics")
    tags = (posts.join(members.select(graph.NODE, graph.COMMUNITY), S.AUTHOR_PSEUDONYM).select(
        graph.COMMUNITY, F.explode(F.transform(S.HASHTAGS, F.lower)).alias("tag")).groupBy(graph.COMMUNITY, "tag").count())
    top_tags = _top_values(tags, "tag", 5).withColumnRenamed("_values", "top_hashtags")
    return (size.join(mood, graph.COMMUNITY, "left").join(top_topics, graph.COMMUNITY, "left")
            .join(top_tags, graph.COMMUNITY, "left")
            .select(graph.COMMUNITY, "authors", "posts", F.coalesce("mean_sentiment", F.lit(0.0)).alias("mean_sentiment"),
                    F.coalesce("top_topics", F.array().cast("array<string>")).alias("top_topics"),
                    F.coalesce("top_hashtags", F.array().cast("array<string>")).alias("top_hashtags"),
                    F.col(f"_top.{S.AUTHOR_PSEUDONYM}").alias("top_authors")))


def _top_values(counts: DataFrame, column: str, n: int) -> DataFrame:
    ranked = counts.withColumn("_r", F.row_number().over(
        Window.partitionBy(graph.COMMUNITY).orderBy(F.desc("count"), column)))
    return ranked.where(F.col("_r") <= n).groupBy(graph.COMMUNITY).agg(
        F.transform(F.sort_array(F.collect_list(F.struct("_r", column))), lambda x: x[column]).alias("_values"))


PRODUCT = Product(
    name="star", inputs=(S.SILVER_POSTS, S.GOLD_POST_SENTIMENT, S.GOLD_POST_TOPICS, S.GOLD_DIM_AUTHOR, S.GOLD_DIM_TOPIC),
    outputs=(S.GOLD_FACT_POSTS, S.GOLD_DIM_DATE, S.GOLD_DAILY, S.GOLD_COMMUNITIES), compute=build,
    description="fact and dimension tables for BI tools; community profiles")
