"""gold.post_topics, gold.topics and gold.dim_topic: the production topic model applied to every
post, and its topics described (top terms, weights, NPMI coherence)."""

from __future__ import annotations

import pandas as pd
from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.analytics import topics
from socialake.gold.product import Inputs, Output, Product


def assign(inputs: Inputs) -> Output:
    chosen = inputs.models["topics"]
    top = inputs.cfg.gold.topics.top_terms
    words = [terms[:top] for terms in chosen.details["terms"]]
    label = F.lit(chosen.label).alias("topic_model")
    assigned = topics.assign_topics(chosen.model, inputs[S.SILVER_POSTS].select(S.POST_KEY, S.TEXT)).select(
        S.POST_KEY, topics.TOPIC_ID, topics.TOPIC_WEIGHT, topics.TOPIC_DISTRIBUTION, label)
    spark = inputs.spark
    terms = spark.createDataFrame(
        [(i, rank, term, float(weight)) for i, ranked in enumerate(words) for rank, (term, weight) in enumerate(ranked)],
        "topic_id int, term_rank int, term string, weight double").select("*", label)
    described = spark.createDataFrame(pd.DataFrame({
        topics.TOPIC_ID: list(range(len(words))),
        "label": [" ".join(w for w, _ in ranked[:3]) for ranked in words],
        "top_terms": [[w for w, _ in ranked] for ranked in words],
        "term_weights": [[float(x) for _, x in ranked] for ranked in words],
        "npmi": [float(x) for x in chosen.details["npmi_per_topic"]],
    }), "topic_id int, label string, top_terms array<string>, term_weights array<double>, npmi double")
    return Output({S.GOLD_POST_TOPICS: assigned, S.GOLD_TOPICS: terms, S.GOLD_DIM_TOPIC: described.select("*", label)},
                  params={"topic_model": chosen.label, "topics_k": len(words)},
                  metrics={f"topics_{k}": v for k, v in chosen.metrics.items()})


PRODUCT = Product(
    name="topics", inputs=(S.SILVER_POSTS,), outputs=(S.GOLD_POST_TOPICS, S.GOLD_TOPICS, S.GOLD_DIM_TOPIC),
    compute=assign, models=("topics",), config=lambda cfg: cfg.gold.topics,
    description="dominant topic and topic mix per post; the topics' terms", per_post=(S.GOLD_POST_TOPICS,))
