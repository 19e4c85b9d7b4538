"""The topic model (LDA): refitted when the share of posts new since the last fit reaches
gold.topics.refit_share, when there is none, or on request; the best fit of the k sweep is
registered as a candidate and promoted only when its NPMI coherence on the same sample of
current posts beats the production model's by gold.topics.promote_margin."""

from __future__ import annotations

import logging
from typing import Any

from pyspark import StorageLevel
from pyspark.ml import PipelineModel
from pyspark.sql import DataFrame

from socialake import schemas as S
from socialake.analytics import topics
from socialake.config import Config, TopicsConfig
from socialake.gold.product import ModelChoice
from socialake.models import ModelContext
from socialake.tracking import Tracker

log = logging.getLogger(__name__)
NAME = "topics"
EVAL_SAMPLE = 20_000          # posts NPMI and perplexity are measured on
LAST_FIT_POSTS = "last_fit_posts"


def current_version(cfg: Config, tracker: Tracker) -> str | None:
    """The production version ("none" without one)."""
    production = tracker.production_version(NAME)
    return production[0] if production else "none"


def resolve(context: ModelContext) -> ModelChoice:
    t, tracker = context.cfg.gold.topics, context.tracker
    corpus = context.frames[S.SILVER_POSTS].select(S.TEXT)
    sample = corpus.limit(EVAL_SAMPLE).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        total = corpus.count()
        production = tracker.production_version(NAME)
        last_fit = tracker.registered_model_tags(NAME).get(LAST_FIT_POSTS)
        share_new = 1.0 if last_fit is None or total == 0 else max(0.0, (total - int(last_fit)) / total)
        if production is None or context.refit or share_new >= t.refit_share:
            _fit_and_validate(t, tracker, corpus, sample, total=total, share_new=share_new)
        version, _ = tracker.production_version(NAME) or (None, None)
        assert version is not None  # a first fit is always promoted
        model = tracker.load_spark_model(NAME, version)
        terms, metrics = describe(model, sample, t)
    finally:
        sample.unpersist()
    return ModelChoice(NAME, f"lda-k{len(terms)} v{version}", version, model,
                       {k: v for k, v in metrics.items() if k != "npmi_per_topic"},
                       {"terms": terms, "npmi_per_topic": metrics["npmi_per_topic"]})


def describe(model: PipelineModel, sample: DataFrame, t: TopicsConfig) -> tuple[list[list[tuple[str, float]]], dict[str, Any]]:
    """Top terms per topic and the quality measures on `sample`: NPMI coherence (mean and per
    topic), topic diversity, log-perplexity."""
    terms = topics.top_terms(model, max(t.top_terms, t.coherence_terms))
    per_topic = topics.npmi_coherence(model, sample, [[w for w, _ in ranked[:t.coherence_terms]] for ranked in terms])
    return terms, {"npmi": sum(per_topic) / len(per_topic), "npmi_per_topic": per_topic,
                   "diversity": topics.topic_diversity([[w for w, _ in ranked[:t.top_terms]] for ranked in terms]),
                   "log_perplexity": topics.log_perplexity(model, sample)}


def _fit_and_validate(t: TopicsConfig, tracker: Tracker, corpus: DataFrame, sample: DataFrame, *, total: int,
                      share_new: float) -> None:
    fitted = topics.fit_sample(corpus, total=total, size=t.fit_sample, seed=t.seed)
    fits = []
    for k in ([t.k] if t.k is not None else list(t.k_candidates)):
        with tracker.run(f"topics-k{k}", nested=True, tags={"socialake.stage": "topics"}) as active:
            model = topics.fit_topic_model(t, fitted, k=k)
            _, metrics = describe(model, sample, t)
            tracker.log_params({"k": k, "max_iterations": t.max_iterations, "vocab_size": t.vocab_size,
                                "fit_posts": min(total, t.fit_sample or total), "min_df": t.min_df, "max_df": t.max_df,
                                "subsampling_rate": t.subsampling_rate, "stop_words": ",".join(t.stop_words),
                                "seed": t.seed, "optimizer": "online", "share_new_posts": round(share_new, 4)})
            tracker.log_metrics({key: v for key, v in metrics.items() if key != "npmi_per_topic"})
            fits.append((metrics["npmi"], k, model, active.info.run_id))
    npmi, k, model, fit_run = max(fits, key=lambda f: f[0])
    production = tracker.production_version(NAME)
    champion = describe(tracker.load_spark_model(NAME, production[0]), sample, t)[1]["npmi"] if production else None
    promoted = champion is None or npmi >= champion + t.promote_margin
    with tracker.run(f"topics-k{k}-candidate", nested=True, tags={"socialake.stage": "topics", "fit_run": fit_run}):
        version = tracker.log_spark_model(model, name=NAME)
        assert version is not None
        tracker.log_params({"k": k, "champion_version": production[0] if production else "none",
                            "margin": t.promote_margin})
        tracker.log_metrics({"challenger_npmi": npmi, "promoted": float(promoted),
                             **({"champion_npmi": champion} if champion is not None else {})})
    tracker.set_model_version_tag(NAME, version, "fit_posts", str(total))
    tracker.set_registered_model_tag(NAME, LAST_FIT_POSTS, str(total))
    if promoted:
        tracker.promote(NAME, version)
    log.warning("topics: candidate lda-k%d v%s (NPMI %.3f) %s", k, version, npmi,
                "promoted" if promoted else f"kept production v{production[0]} (NPMI {champion:.3f})")
