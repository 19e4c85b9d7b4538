"""gold.dim_author and gold.fact_interactions: the interaction graph's communities (gold.graph.method
on the driver, by default Leiden with a resolution fitted to the graph; label propagation on Spark
beyond gold.graph.driver_max_edges) and PageRank, per author with their activity; plus a GEXF of
the top authors for Gephi."""

from __future__ import annotations

from pyspark import StorageLevel
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from socialake import schemas as S
from socialake.analytics import graph, sentiment
from socialake.gold.enrich import ENGAGEMENT, enriched_posts
from socialake.gold.product import Inputs, Output, Product


def analyse(inputs: Inputs) -> Output:
    g, spark, edges = inputs.cfg.gold.graph, inputs.spark, inputs[S.SILVER_EDGES]
    pairs = graph.weighted_pairs(edges, min_weight=g.min_weight).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        pairs_pd = None
        if inputs.engines.get("graph") != "graphframes" and pairs.count() <= g.driver_max_edges:
            pairs_pd = pairs.toPandas()
            result = graph.communities_on_driver(pairs_pd, method=g.method, resolution=g.resolution, seed=g.seed)
            communities, ranks = spark.createDataFrame(result.communities), spark.createDataFrame(result.pagerank)
        else:
            result = graph.communities_on_spark(spark, pairs, iterations=g.label_propagation_iterations,
                                                pagerank_iterations=g.pagerank_iterations,
                                                use_graphframes=inputs.engines.get("graph") == "graphframes")
            communities, ranks = result.communities.localCheckpoint(), result.pagerank.localCheckpoint()
    finally:
        pairs.unpersist()
    posts = enriched_posts(inputs[S.SILVER_POSTS], inputs[S.GOLD_POST_SENTIMENT])
    authors = dim_author(posts, edges, communities, ranks).localCheckpoint()
    c_src = communities.select(F.col(graph.NODE).alias(S.EDGE_SRC), F.col(graph.COMMUNITY).alias("src_community"))
    c_dst = communities.select(F.col(graph.NODE).alias(S.EDGE_DST), F.col(graph.COMMUNITY).alias("dst_community"))
    interactions = edges.join(c_src, S.EDGE_SRC, "left").join(c_dst, S.EDGE_DST, "left").select(
        S.EDGE_SRC, S.EDGE_DST, S.EDGE_KIND, S.POST_KEY, S.PLATFORM, S.CREATED_AT,
        F.date_format(S.CREATED_AT, "yyyyMMdd").cast("int").alias("date_key"), "src_community", "dst_community")
    files = {}
    if pairs_pd is not None:
        top = authors.where(F.col(graph.PAGERANK).isNotNull()).orderBy(F.desc(graph.PAGERANK), graph.NODE).limit(
            g.top_n).select(graph.NODE, graph.COMMUNITY, graph.PAGERANK, "posts", "mean_sentiment").toPandas()
        files[f"authors-top{g.top_n}.gexf"] = graph.gexf_document(top.fillna({"mean_sentiment": 0.0}), pairs_pd)
    n_communities = communities.select(graph.COMMUNITY).distinct().count()
    return Output({S.GOLD_DIM_AUTHOR: authors, S.GOLD_FACT_INTERACTIONS: interactions},
                  metrics={"graph_nodes": result.nodes, "graph_edges": result.edges, "modularity": result.modularity,
                           "communities": n_communities},
                  params={"graph_engine": result.engine, "community_method": result.method,
                          "community_resolution": "none" if result.resolution is None else f"{result.resolution:.3f}"},
                  files=files)


def dim_author(posts: DataFrame, edges: DataFrame, communities: DataFrame, ranks: DataFrame) -> DataFrame:
    """One row per author seen posting or in the graph: activity, followers bucket of their
    latest post, mean sentiment, community, PageRank (and its rank), in/out degree."""
    latest = Window.partitionBy(S.AUTHOR_PSEUDONYM).orderBy(F.desc(S.CREATED_AT))
    profile = (posts.where(F.col(S.AUTHOR_PSEUDONYM).isNotNull())
               .withColumn("_r", F.row_number().over(latest))
               .groupBy(S.AUTHOR_PSEUDONYM).agg(
                   F.first(S.PLATFORM).alias(S.PLATFORM), F.count(F.lit(1)).alias("posts"),
                   F.min(S.CREATED_AT).alias("first_post_at"), F.max(S.CREATED_AT).alias("last_post_at"),
                   F.max(F.when(F.col("_r") == 1, F.col(S.FOLLOWERS_BUCKET))).alias(S.FOLLOWERS_BUCKET),
                   F.avg(sentiment.SENTIMENT_SCORE).alias("mean_sentiment"), F.sum(ENGAGEMENT).alias(ENGAGEMENT)))
    out_degree = edges.groupBy(F.col(S.EDGE_SRC).alias(S.AUTHOR_PSEUDONYM)).agg(
        F.countDistinct(S.EDGE_DST).alias("out_degree"))
    in_degree = edges.groupBy(F.col(S.EDGE_DST).alias(S.AUTHOR_PSEUDONYM)).agg(
        F.countDistinct(S.EDGE_SRC).alias("in_degree"))
    everyone = profile.join(communities, S.AUTHOR_PSEUDONYM, "full").join(ranks, S.AUTHOR_PSEUDONYM, "left") \
        .join(in_degree, S.AUTHOR_PSEUDONYM, "left").join(out_degree, S.AUTHOR_PSEUDONYM, "left")
    return everyone.select(
        S.AUTHOR_PSEUDONYM, S.PLATFORM, F.coalesce("posts", F.lit(0)).alias("posts"), "first_post_at", "last_post_at",
        S.FOLLOWERS_BUCKET, "mean_sentiment", F.coalesce(ENGAGEMENT, F.lit(0)).alias(ENGAGEMENT), graph.COMMUNITY,
        graph.PAGERANK, F.coalesce("in_degree", F.lit(0)).alias("in_degree"),
        F.coalesce("out_degree", F.lit(0)).alias("out_degree"),
        F.when(F.col(graph.PAGERANK).isNotNull(), F.dense_rank().over(Window.orderBy(F.desc_nulls_last(graph.PAGERANK))))
        .alias("pagerank_rank"))


PRODUCT = Product(
    name="graph", inputs=(S.SILVER_POSTS, S.SILVER_EDGES, S.GOLD_POST_SENTIMENT),
    outputs=(S.GOLD_DIM_AUTHOR, S.GOLD_FACT_INTERACTIONS), compute=analyse, config=lambda cfg: cfg.gold.graph,
    description="communities, PageRank and degrees per author; interactions between communities")
