"""The gold stage: silver.posts + silver.edges -> analytics and BI tables, tracked in MLflow.

One MLflow run per gold run ("gold-<run id>") with nested runs for each sentiment candidate and
each topic-model fit. Every gold row carries its lineage: gold_run_id, mlflow_run_id (the run
that produced it) and silver_version (the silver.posts version it was computed from); per-post
model outputs also carry the registered model version.

Gold recomputes from the whole silver snapshot (topics, communities and baselines depend on
all of it) and does nothing when silver.posts has not moved since the last gold run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark import StorageLevel
from pyspark.ml import PipelineModel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from socialake import schemas as S
from socialake.analytics import coordination, embeddings, graph, sentiment, topics, trends
from socialake.config import Config
from socialake.lake import Lake
from socialake.timing import Stopwatch
from socialake.tracking import Tracker

log = logging.getLogger(__name__)

SOURCE_VERSION_KEY = "socialake.source.silver.posts"
PERPLEXITY_SAMPLE = 20_000
COMPLETION_TABLE = S.GOLD_COORDINATION


@dataclass
class GoldReport:
    run_id: str
    silver_version: int
    changed: bool
    mlflow_run_id: str | None = None
    tracking_uri: str | None = None
    ui_command: str | None = None
    posts: int = 0
    sentiment_model: str = ""
    sentiment_metrics: dict[str, float] = field(default_factory=dict)
    sentiment_mix: dict[str, int] = field(default_factory=dict)
    topic_k: int = 0
    topic_metrics: dict[str, float] = field(default_factory=dict)
    topics: list[tuple[int, int, list[str]]] = field(default_factory=list)   # id, posts, words
    graph_engine: str = ""
    graph_nodes: int = 0
    graph_edges: int = 0
    modularity: float = 0.0
    communities: list[dict[str, Any]] = field(default_factory=list)   # the 10 largest
    community_count: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    coordination: list[dict[str, Any]] = field(default_factory=list)
    gexf: str | None = None
    embedding_model: str = ""
    timings: str = ""

    def render(self) -> str:
        if not self.changed:
            return (f"gold, run {self.run_id}: silver.posts is still at version {self.silver_version}, "
                    "already processed: nothing to do")
        total = sum(self.sentiment_mix.values()) or 1
        mix = ", ".join(f"{name} {count / total:.0%}" for name, count in self.sentiment_mix.items())
        lines = [
            f"gold, run {self.run_id}: silver.posts version {self.silver_version}, {self.posts:,} posts",
            f"  sentiment  model {self.sentiment_model}: {mix}",
            "             held-out TweetEval macro recall "
            f"{self.sentiment_metrics.get('macro_recall', float('nan')):.3f}",
            f"  topics     k={self.topic_k}, NPMI coherence {self.topic_metrics.get('npmi', 0):.3f}, diversity "
            f"{self.topic_metrics.get('diversity', 0):.2f}, log-perplexity {self.topic_metrics.get('log_perplexity', 0):.2f}",
        ]
        for topic_id, posts, words in sorted(self.topics, key=lambda t: -t[1])[:10]:
            lines.append(f"    topic {topic_id:>2}  {posts:>8,} posts  {' '.join(words[:8])}")
        lines.append(f"  graph      {self.graph_nodes:,} authors, {self.graph_edges:,} author pairs ({self.graph_engine}), "
                     f"modularity {self.modularity:.3f}, {self.community_count:,} communities")
        for community in self.communities[:5]:
            lines.append(f"    {community['community_id']}  {community['authors']:>6,} authors  "
                         f"topics: {', '.join(community['top_topics'][:2])}  "
                         f"mean sentiment {community['mean_sentiment']:+.2f}  "
                         + " ".join("#" + tag for tag in community["top_hashtags"][:3]))
        lines.append(f"  alerts     {len(self.alerts)} spike hour(s) (gold.alerts)")
        for alert in self.alerts[:8]:
            lines.append(f"    {alert['bucket_start']:%Y-%m-%d %H:00}  {alert['dimension']}={alert['value']}  "
                         f"{alert['posts']} posts vs baseline {alert['baseline_median']:.1f} (z {alert['robust_z']:.1f})")
        lines.append(f"  coordination {len(self.coordination)} group(s) (gold.coordination)")
        for group in self.coordination[:8]:
            lines.append(f"    {group['signal']:<15} {group['accounts']:>3} accounts {group['posts']:>4} posts in "
                         f"{group['span_seconds']:>5}s  score {group['score']:.1f}  {group['group_key'][:60]}")
        lines.append(f"  embeddings {self.embedding_model} (gold.post_embeddings; `socialake similar --post-key ...`)")
        if self.gexf:
            lines.append(f"  Gephi      {self.gexf}")
        lines.append(f"  MLflow     run {self.mlflow_run_id} in {self.tracking_uri}")
        lines.append(f"             open it: {self.ui_command}")
        if self.timings:
            lines.append(self.timings)
        return "\n".join(lines)


def run(spark: SparkSession, cfg: Config, lake: Lake, *, run_id: str, nlp_engine: str = "embedded",
        graph_engine: str = "embedded") -> GoldReport:
    lake.require(S.SILVER_POSTS)
    silver_version = lake.version(S.SILVER_POSTS)
    # gold.coordination is written last: a run that failed half-way is redone in full.
    consumed = lake.last_commit_metadata(COMPLETION_TABLE, SOURCE_VERSION_KEY)
    if consumed is not None and int(consumed) >= silver_version:
        return GoldReport(run_id=run_id, silver_version=silver_version, changed=False)

    tracker = Tracker(cfg)
    report = GoldReport(run_id=run_id, silver_version=silver_version, changed=True,
                        tracking_uri=tracker.store.tracking_uri, ui_command=tracker.store.ui_command())
    posts = lake.read(S.SILVER_POSTS).select(
        S.POST_KEY, S.PLATFORM, S.AUTHOR_PSEUDONYM, S.CREATED_AT, S.TEXT, S.LANG, S.HASHTAGS, S.URLS, S.HAS_MEDIA,
        S.LIKE_COUNT, S.REPOST_COUNT, S.REPLY_COUNT, S.QUOTE_COUNT, S.FOLLOWERS_BUCKET, S.NEAR_DUP_CLUSTER,
    ).withColumn("engagement", F.coalesce(S.LIKE_COUNT, F.lit(0)) + F.coalesce(S.REPOST_COUNT, F.lit(0))
                 + F.coalesce(S.REPLY_COUNT, F.lit(0)) + F.coalesce(S.QUOTE_COUNT, F.lit(0))
                 ).persist(StorageLevel.MEMORY_AND_DISK)
    cached: list[DataFrame] = [posts]
    watch = Stopwatch()
    try:
        report.posts = posts.count()
        watch.lap("read silver")
        with tracker.run(f"gold-{run_id}", tags={"socialake.run_id": run_id,
                                                 "socialake.silver_version": str(silver_version)}) as parent:
            mlflow_run_id = parent.info.run_id
            report.mlflow_run_id = mlflow_run_id
            tracker.log_params({"silver_version": silver_version, "posts": report.posts,
                                "nlp_engine": nlp_engine, "graph_engine_setting": graph_engine})

            def lineage(frame: DataFrame) -> DataFrame:
                return frame.select("*", F.lit(run_id).alias(S.GOLD_RUN_ID), F.lit(mlflow_run_id).alias(S.MLFLOW_RUN_ID),
                                    F.lit(silver_version).cast("long").alias(S.SILVER_VERSION))

            def write(table: str, frame: DataFrame, mode: str = "overwrite") -> None:
                lake.write(table, lineage(frame), mode=mode, run_id=run_id, operation="GOLD",
                           commit_metadata={SOURCE_VERSION_KEY: str(silver_version)})

            # --- sentiment ------------------------------------------------------------------
            model, model_label, metrics = _sentiment_model(spark, cfg, tracker)
            report.sentiment_model, report.sentiment_metrics = model_label, metrics
            scored = sentiment.score_posts(model, posts.select(S.POST_KEY, S.TEXT)).select(
                S.POST_KEY, sentiment.SENTIMENT_LABEL, sentiment.SENTIMENT_SCORE,
                F.lit(model_label).alias("sentiment_model"))
            write(S.GOLD_POST_SENTIMENT, scored)
            post_sentiment = lake.read(S.GOLD_POST_SENTIMENT).select(
                S.POST_KEY, sentiment.SENTIMENT_LABEL, sentiment.SENTIMENT_SCORE)
            report.sentiment_mix = {r[0]: r[1] for r in post_sentiment.groupBy(sentiment.SENTIMENT_LABEL).count()
                                    .orderBy(sentiment.SENTIMENT_LABEL).collect()}
            tracker.log_metrics({f"share_{k}": v / max(report.posts, 1) for k, v in report.sentiment_mix.items()})
            watch.lap("sentiment")

            # --- topics ---------------------------------------------------------------------
            topic_model, topic_label, k, words, topic_metrics = _topic_model(cfg, tracker, posts, total=report.posts)
            report.topic_k, report.topic_metrics = k, topic_metrics
            assigned = topics.assign_topics(topic_model, posts.select(S.POST_KEY, S.TEXT)).select(
                S.POST_KEY, topics.TOPIC_ID, topics.TOPIC_WEIGHT, topics.TOPIC_DISTRIBUTION,
                F.lit(topic_label).alias("topic_model"))
            write(S.GOLD_POST_TOPICS, assigned)
            post_topics = lake.read(S.GOLD_POST_TOPICS).select(S.POST_KEY, topics.TOPIC_ID, topics.TOPIC_WEIGHT)
            topic_rows = [(i, rank, term, weight) for i, terms in enumerate(words)
                          for rank, (term, weight) in enumerate(terms)]
            write(S.GOLD_TOPICS, spark.createDataFrame(
                topic_rows, "topic_id int, term_rank int, term string, weight double").withColumn(
                "topic_model", F.lit(topic_label)), mode="append")
            watch.lap("topics")

            # --- embeddings -----------------------------------------------------------------
            if cfg.gold.embeddings.enabled:
                chosen = embeddings.MODELS[cfg.gold.embeddings.model]
                vectors = embeddings.embed_posts(posts.select(S.POST_KEY, S.TEXT), model=chosen).select(
                    S.POST_KEY, embeddings.EMBEDDING, F.lit(chosen.name).alias("embedding_model"),
                    F.lit(chosen.dimension).alias("embedding_dim"))
                write(S.GOLD_POST_EMBEDDINGS, vectors)
                report.embedding_model = f"{chosen.name} ({chosen.dimension}-d, {chosen.package})"
                tracker.log_params({"embedding_model": chosen.name, "embedding_dim": chosen.dimension})
                watch.lap("embeddings")

            # --- per-post facts (needed by the rest) ----------------------------------------
            enriched = (posts.join(post_sentiment, S.POST_KEY, "left").join(post_topics, S.POST_KEY, "left")
                        .withColumn("topic_label", F.when(F.col(topics.TOPIC_ID).isNotNull(),
                                                          F.concat(F.lit("t"), F.col(topics.TOPIC_ID).cast("string"))))
                        ).persist(StorageLevel.MEMORY_AND_DISK)
            cached.append(enriched)
            dim_topic = spark.createDataFrame(pd.DataFrame({
                topics.TOPIC_ID: list(range(len(words))),
                "label": [" ".join(w for w, _ in terms[:3]) for terms in words],
                "top_terms": [[w for w, _ in terms] for terms in words],
                "term_weights": [[float(x) for _, x in terms] for terms in words],
                "npmi": topic_metrics["npmi_per_topic"],
            }), "topic_id int, label string, top_terms array<string>, term_weights array<double>, npmi double")
            counts = {r[0]: r[1] for r in post_topics.groupBy(topics.TOPIC_ID).count().collect()}
            report.topics = [(i, counts.get(i, 0), [w for w, _ in terms]) for i, terms in enumerate(words)]
            write(S.GOLD_DIM_TOPIC, dim_topic.withColumn("topic_model", F.lit(topic_label)))

            # --- graph ----------------------------------------------------------------------
            communities, ranks, pairs_pd = _graph(spark, cfg, lake, tracker, report, graph_engine)
            watch.lap("graph")

            # --- star schema ----------------------------------------------------------------
            fact = (enriched.join(communities, S.AUTHOR_PSEUDONYM, "left")
                    .select(S.POST_KEY, F.date_format(S.CREATED_AT, "yyyyMMdd").cast("int").alias("date_key"),
                            F.hour(S.CREATED_AT).alias("hour"), S.CREATED_AT, S.PLATFORM, S.LANG, S.AUTHOR_PSEUDONYM,
                            graph.COMMUNITY, topics.TOPIC_ID, topics.TOPIC_WEIGHT, sentiment.SENTIMENT_LABEL,
                            sentiment.SENTIMENT_SCORE, S.LIKE_COUNT, S.REPOST_COUNT, S.REPLY_COUNT, S.QUOTE_COUNT,
                            "engagement", F.size(S.HASHTAGS).alias("hashtag_count"), S.HAS_MEDIA,
                            S.NEAR_DUP_CLUSTER))
            write(S.GOLD_FACT_POSTS, fact)
            fact = lake.read(S.GOLD_FACT_POSTS)
            edges = lake.read(S.SILVER_EDGES)
            c_src = communities.select(F.col(graph.NODE).alias(S.EDGE_SRC), F.col(graph.COMMUNITY).alias("src_community"))
            c_dst = communities.select(F.col(graph.NODE).alias(S.EDGE_DST), F.col(graph.COMMUNITY).alias("dst_community"))
            write(S.GOLD_FACT_INTERACTIONS, edges.join(c_src, S.EDGE_SRC, "left").join(c_dst, S.EDGE_DST, "left").select(
                S.EDGE_SRC, S.EDGE_DST, S.EDGE_KIND, S.POST_KEY, S.PLATFORM, S.CREATED_AT,
                F.date_format(S.CREATED_AT, "yyyyMMdd").cast("int").alias("date_key"), "src_community", "dst_community"))
            write(S.GOLD_DIM_AUTHOR, _dim_author(enriched, edges, communities, ranks))
            write(S.GOLD_DIM_DATE, _dim_date(fact))
            write(S.GOLD_DAILY, _daily(fact))
            community_summary = _community_summary(fact, lake.read(S.GOLD_DIM_AUTHOR), enriched, dim_topic,
                                                   communities)
            write(S.GOLD_COMMUNITIES, community_summary)
            report.communities = [r.asDict(recursive=True) for r in lake.read(S.GOLD_COMMUNITIES)
                                  .orderBy(F.desc("authors"), graph.COMMUNITY).limit(10).collect()]
            report.gexf = _export_gexf(cfg, lake, pairs_pd, run_id)
            watch.lap("star schema")

            # --- trends and alerts ----------------------------------------------------------
            t = cfg.gold.trends
            rows = trends.series_rows(enriched, top_hashtags=t.top_hashtags, watchlist=t.watchlist) \
                .persist(StorageLevel.MEMORY_AND_DISK)
            cached.append(rows)
            hourly = trends.volume(rows, bucket="hour").persist(StorageLevel.MEMORY_AND_DISK)
            cached.append(hourly)
            write(S.GOLD_TRENDS, hourly.unionByName(trends.volume(rows, bucket="day")))
            spikes = trends.detect_spikes(hourly, params=trends.SpikeParams(
                baseline_hours=t.baseline_hours, min_posts=t.min_posts, z_threshold=t.z_threshold,
                ratio_threshold=t.ratio_threshold))
            alerts = trends.explain_spikes(spikes, rows, enriched, samples=t.sample_posts).withColumn(
                "alert_id", F.substring(F.sha2(F.concat_ws("|", trends.DIMENSION, trends.VALUE,
                                                           F.col(trends.BUCKET_START).cast("string")), 256), 1, 16))
            write(S.GOLD_ALERTS, alerts)
            report.alerts = [r.asDict() for r in lake.read(S.GOLD_ALERTS).orderBy(F.desc("robust_z")).collect()]
            tracker.log_metrics({"alerts": len(report.alerts)})
            watch.lap("trends, alerts")

            # --- coordination ---------------------------------------------------------------
            c = cfg.gold.coordination
            signals = coordination.coordination_signals(posts, params=coordination.CoordinationParams(
                min_accounts=c.min_accounts, window_seconds=c.window_seconds, url_window_seconds=c.url_window_seconds,
                burst_posts=c.burst_posts, burst_seconds=c.burst_seconds))
            write(S.GOLD_COORDINATION, signals.withColumn("coordination_id", F.substring(
                F.sha2(F.concat_ws("|", coordination.SIGNAL, coordination.GROUP), 256), 1, 16)))
            report.coordination = [r.asDict() for r in lake.read(S.GOLD_COORDINATION).drop("evidence")
                                   .orderBy(F.desc("score")).collect()]
            tracker.log_metrics({"coordination_groups": len(report.coordination)})
            watch.lap("coordination")
            report.timings = watch.render()
    finally:
        for frame in cached:
            frame.unpersist()
    return report


# --- sentiment model ---------------------------------------------------------------------------

def _sentiment_model(spark: SparkSession, cfg: Config, tracker: Tracker) -> tuple[PipelineModel, str, dict[str, float]]:
    """The production sentiment model from the registry; trained, compared and registered first
    when there is none (or gold.sentiment.model is `retrain`). `vader` skips the registry."""
    s = cfg.gold.sentiment
    if s.model == "vader":
        return sentiment.vader_model(spark, threshold=s.vader_threshold), "vader-3.3.2", {}
    production = tracker.production_version("sentiment") if s.model == "auto" else None
    if production is None:
        train_sentiment(spark, cfg, tracker)
        production = tracker.production_version("sentiment")
    assert production is not None
    version, _ = production
    tags = tracker.model_version_tags("sentiment", version)
    metrics = {k.removeprefix("metric."): float(v) for k, v in tags.items() if k.startswith("metric.")}
    return tracker.load_spark_model("sentiment", version), f"{tags.get('candidate', 'sentiment')} v{version}", metrics


def train_sentiment(spark: SparkSession, cfg: Config, tracker: Tracker, *, data_dir: str | None = None
                    ) -> list[sentiment.Candidate]:
    """Fit every candidate on the labelled sets, log each in a nested run, register each, and
    point the `production` alias at the best macro recall."""
    s = cfg.gold.sentiment
    splits = sentiment.split_labelled(sentiment.load_labelled(data_dir), seed=s.seed, test_fraction=s.test_fraction,
                                      neutral_band=s.neutral_band)
    params = sentiment.LearnedParams(reg_param=s.reg_param, max_iter=s.max_iter)
    candidates = sentiment.train_candidates(spark, splits, params=params, vader_threshold=s.vader_threshold)
    best = sentiment.choose(candidates)
    versions = {}
    for candidate in candidates:
        with tracker.run(f"sentiment-{candidate.name}", nested=True, tags={"socialake.stage": "sentiment"}):
            tracker.log_params({"candidate": candidate.name, "reg_param": params.reg_param, "max_iter": params.max_iter,
                                "num_features": params.num_features, "vader_threshold": s.vader_threshold,
                                "train_rows": len(splits.train), "seed": s.seed, "test_fraction": s.test_fraction})
            tracker.log_metrics(candidate.metrics)
            version = tracker.log_spark_model(candidate.model, name="sentiment")
            assert version is not None
            versions[candidate.name] = version
            tracker.set_model_version_tag("sentiment", version, "candidate", candidate.name)
            for key, value in candidate.metrics.items():
                tracker.set_model_version_tag("sentiment", version, f"metric.{key}", f"{value:.6f}")
    tracker.promote("sentiment", versions[best.name])
    log.warning("sentiment: production model is %s (macro recall %.3f)", best.name, best.metrics["macro_recall"])
    return candidates


# --- topics --------------------------------------------------------------------------------------

def _topic_model(cfg: Config, tracker: Tracker, posts: DataFrame, *, total: int
                 ) -> tuple[PipelineModel, str, int, list[list[tuple[str, float]]], dict[str, Any]]:
    t = cfg.gold.topics
    corpus = posts.select(S.TEXT)
    sample = corpus.limit(PERPLEXITY_SAMPLE)
    corpus = topics.fit_sample(corpus, total=total, size=t.fit_sample, seed=t.seed)
    fits = []
    for k in ([t.k] if t.k is not None else list(t.k_candidates)):
        params = topics.TopicParams(k=k, max_iterations=t.max_iterations, subsampling_rate=t.subsampling_rate,
                                    vocab_size=t.vocab_size, min_df=t.min_df,
                                    max_df=t.max_df, stop_words=t.stop_words, seed=t.seed)
        with tracker.run(f"topics-k{k}", nested=True, tags={"socialake.stage": "topics"}) as active:
            model = topics.fit_topic_model(params, corpus)
            words = topics.top_terms(model, max(t.top_terms, t.coherence_terms))
            per_topic = topics.npmi_coherence(model, sample, [[w for w, _ in terms[:t.coherence_terms]]
                                                              for terms in words])
            metrics = {"npmi": sum(per_topic) / len(per_topic),
                       "diversity": topics.topic_diversity([[w for w, _ in terms[:t.top_terms]] for terms in words]),
                       "log_perplexity": topics.log_perplexity(model, sample)}
            tracker.log_params({"k": k, "max_iterations": t.max_iterations, "vocab_size": t.vocab_size,
                                "fit_posts": min(total, t.fit_sample or total),
                                "min_df": t.min_df, "max_df": t.max_df, "subsampling_rate": t.subsampling_rate,
                                "stop_words": ",".join(t.stop_words),
                                "seed": t.seed, "optimizer": "online"})
            tracker.log_metrics(metrics)
            tracker.log_dict({f"topic_{i}": [[w, x] for w, x in terms] for i, terms in enumerate(words)}, "topics.json")
            fits.append((metrics["npmi"], k, model, words, dict(metrics, npmi_per_topic=per_topic), active.info.run_id))
    _, k, model, words, metrics, fit_run = max(fits, key=lambda f: f[0])
    with tracker.run(f"topics-k{k}-model", nested=True, tags={"socialake.stage": "topics", "fit_run": fit_run}):
        tracker.log_params({"k": k})
        tracker.log_metrics({key: v for key, v in metrics.items() if key != "npmi_per_topic"})
        version = tracker.log_spark_model(model, name="topics")
    if version is not None:
        tracker.promote("topics", version)
    tracker.log_metrics({f"topics_{key}": v for key, v in metrics.items() if key != "npmi_per_topic"})
    tracker.log_params({"topics_k": k})
    return model, f"lda-k{k} v{version}", k, [terms[:t.top_terms] for terms in words], metrics


# --- graph ---------------------------------------------------------------------------------------

def _graph(spark: SparkSession, cfg: Config, lake: Lake, tracker: Tracker, report: GoldReport, engine: str
           ) -> tuple[DataFrame, DataFrame, pd.DataFrame | None]:
    g = cfg.gold.graph
    pairs = graph.weighted_pairs(lake.read(S.SILVER_EDGES), min_weight=g.min_weight).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        n_pairs = pairs.count()
        if engine != "graphframes" and n_pairs <= g.driver_max_edges:
            pairs_pd = pairs.toPandas()
            result = graph.communities_on_driver(pairs_pd, resolution=g.resolution, seed=g.seed)
            communities = spark.createDataFrame(result.communities)
            ranks = spark.createDataFrame(result.pagerank)
        else:
            pairs_pd = None
            result = graph.communities_on_spark(spark, pairs, iterations=g.label_propagation_iterations,
                                                pagerank_iterations=g.pagerank_iterations,
                                                use_graphframes=engine == "graphframes")
            communities, ranks = result.communities.localCheckpoint(), result.pagerank.localCheckpoint()
    finally:
        pairs.unpersist()
    n_communities = communities.select(graph.COMMUNITY).distinct().count()
    report.graph_engine, report.graph_nodes, report.graph_edges = result.engine, result.nodes, result.edges
    report.modularity, report.community_count = result.modularity, n_communities
    tracker.log_params({"graph_engine": result.engine, "leiden_resolution": g.resolution})
    tracker.log_metrics({"graph_nodes": result.nodes, "graph_edges": result.edges, "modularity": result.modularity,
                         "communities": n_communities})
    return communities, ranks, pairs_pd


def _export_gexf(cfg: Config, lake: Lake, pairs: pd.DataFrame | None, run_id: str) -> str | None:
    """The top-N authors by PageRank and the interactions among them, for Gephi (local lakes)."""
    if pairs is None or "://" in cfg.lake.root:
        return None
    authors = lake.read(S.GOLD_DIM_AUTHOR).where(F.col(graph.PAGERANK).isNotNull()).orderBy(
        F.desc(graph.PAGERANK)).limit(cfg.gold.graph.top_n).select(
        graph.NODE, graph.COMMUNITY, graph.PAGERANK, "posts", "mean_sentiment").toPandas()
    path = Path(cfg.lake.root, "_exports", f"authors-top{cfg.gold.graph.top_n}-{run_id}.gexf")
    return str(graph.write_gexf(authors.fillna({"mean_sentiment": 0.0}), pairs, path))


# --- BI tables -----------------------------------------------------------------------------------

def _dim_author(enriched: DataFrame, edges: DataFrame, communities: DataFrame, ranks: DataFrame) -> DataFrame:
    latest = Window.partitionBy(S.AUTHOR_PSEUDONYM).orderBy(F.desc(S.CREATED_AT))
    profile = (enriched.where(F.col(S.AUTHOR_PSEUDONYM).isNotNull())
               .withColumn("_r", F.row_number().over(latest))
               .groupBy(S.AUTHOR_PSEUDONYM).agg(
                   F.first(S.PLATFORM).alias(S.PLATFORM), F.count(F.lit(1)).alias("posts"),
                   F.min(S.CREATED_AT).alias("first_post_at"), F.max(S.CREATED_AT).alias("last_post_at"),
                   F.max(F.when(F.col("_r") == 1, F.col(S.FOLLOWERS_BUCKET))).alias(S.FOLLOWERS_BUCKET),
                   F.avg(sentiment.SENTIMENT_SCORE).alias("mean_sentiment"),
                   F.sum("engagement").alias("engagement")))
    out_degree = edges.groupBy(F.col(S.EDGE_SRC).alias(S.AUTHOR_PSEUDONYM)).agg(
        F.countDistinct(S.EDGE_DST).alias("out_degree"))
    in_degree = edges.groupBy(F.col(S.EDGE_DST).alias(S.AUTHOR_PSEUDONYM)).agg(
        F.countDistinct(S.EDGE_SRC).alias("in_degree"))
    everyone = profile.join(communities, S.AUTHOR_PSEUDONYM, "full").join(ranks, S.AUTHOR_PSEUDONYM, "left") \
        .join(in_degree, S.AUTHOR_PSEUDONYM, "left").join(out_degree, S.AUTHOR_PSEUDONYM, "left")
    return everyone.select(
        S.AUTHOR_PSEUDONYM, S.PLATFORM, F.coalesce("posts", F.lit(0)).alias("posts"), "first_post_at", "last_post_at",
        S.FOLLOWERS_BUCKET, "mean_sentiment", F.coalesce("engagement", F.lit(0)).alias("engagement"), graph.COMMUNITY,
        graph.PAGERANK, F.coalesce("in_degree", F.lit(0)).alias("in_degree"),
        F.coalesce("out_degree", F.lit(0)).alias("out_degree"),
        F.when(F.col(graph.PAGERANK).isNotNull(), F.dense_rank().over(Window.orderBy(F.desc_nulls_last(graph.PAGERANK))))
        .alias("pagerank_rank"))


def _dim_date(fact: DataFrame) -> DataFrame:
    bounds = fact.agg(F.min(S.CREATED_AT).alias("lo"), F.max(S.CREATED_AT).alias("hi"))
    days = bounds.select(F.explode(F.sequence(F.to_date("lo"), F.to_date("hi"))).alias("date"))
    return days.select(
        F.date_format("date", "yyyyMMdd").cast("int").alias("date_key"), "date", F.year("date").alias("year"),
        F.quarter("date").alias("quarter"), F.month("date").alias("month"), F.dayofmonth("date").alias("day"),
        F.weekofyear("date").alias("iso_week"), F.date_format("date", "EEEE").alias("weekday"),
        F.dayofweek("date").isin(1, 7).alias("is_weekend"))


def _daily(fact: DataFrame) -> DataFrame:
    return fact.groupBy("date_key", S.PLATFORM, S.LANG, topics.TOPIC_ID).agg(
        F.count(F.lit(1)).alias("posts"), F.countDistinct(S.AUTHOR_PSEUDONYM).alias("authors"),
        *[F.sum(F.when(F.col(sentiment.SENTIMENT_LABEL) == name, 1).otherwise(0)).alias(name)
          for name in sentiment.LABELS],
        F.avg(sentiment.SENTIMENT_SCORE).alias("mean_sentiment"), F.sum("engagement").alias("engagement"))


def _community_summary(fact: DataFrame, dim_author: DataFrame, enriched: DataFrame, dim_topic: DataFrame,
                       communities: DataFrame) -> DataFrame:
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
    tags = (enriched.join(communities, S.AUTHOR_PSEUDONYM).select(
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

