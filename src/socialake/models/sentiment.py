"""The sentiment model: candidates trained on the labelled sets shipped in the package, the
best checked against the production model on the same held-out split, promoted only when
better by gold.sentiment.promote_margin (macro recall) or when forced."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pyspark.sql import SparkSession

from socialake.analytics import sentiment
from socialake.config import Config
from socialake.gold.product import ModelChoice
from socialake.models import ModelContext
from socialake.tracking import Tracker

log = logging.getLogger(__name__)
NAME = "sentiment"
VADER_LABEL = "vader-3.3.2"


@dataclass(frozen=True)
class Training:
    candidates: list[sentiment.Candidate]
    best: sentiment.Candidate
    best_version: str
    champion: dict[str, float] | None      # the production model's metrics on the same split
    promoted: bool


def current_version(cfg: Config, tracker: Tracker) -> str | None:
    """VADER's label, the production version ("none" without one), or None under `retrain`."""
    if cfg.gold.sentiment.model == "vader":
        return VADER_LABEL
    if cfg.gold.sentiment.model == "retrain":
        return None
    production = tracker.production_version(NAME)
    return production[0] if production else "none"


def resolve(context: ModelContext) -> ModelChoice:
    """The model gold applies: VADER when gold.sentiment.model is `vader`; otherwise the
    production model, trained first when there is none (or when the setting is `retrain`)."""
    s, tracker = context.cfg.gold.sentiment, context.tracker
    if s.model == "vader":
        return ModelChoice(NAME, VADER_LABEL, "", sentiment.vader_model(context.spark, threshold=s.vader_threshold))
    if s.model == "retrain" or context.refit or tracker.production_version(NAME) is None:
        train(context.spark, context.cfg, tracker)
    production = tracker.production_version(NAME)
    assert production is not None  # train() promotes when there is no production model
    version, _ = production
    tags = tracker.model_version_tags(NAME, version)
    metrics = {k.removeprefix("metric."): float(v) for k, v in tags.items() if k.startswith("metric.")}
    return ModelChoice(NAME, f"{tags.get('candidate', NAME)} v{version}", version,
                       tracker.load_spark_model(NAME, version), metrics)


def train(spark: SparkSession, cfg: Config, tracker: Tracker, *, data_dir: str | None = None,
          force: bool = False) -> Training:
    """Fit every candidate, register each (nested MLflow run, metrics as version tags), then
    validate the best against production on the same split and promote it if it wins."""
    s = cfg.gold.sentiment
    splits = sentiment.split_labelled(sentiment.load_labelled(data_dir), seed=s.seed, test_fraction=s.test_fraction,
                                      neutral_band=s.neutral_band)
    candidates = sentiment.train_candidates(spark, splits, params=s, vader_threshold=s.vader_threshold)
    versions = {}
    for candidate in candidates:
        with tracker.run(f"sentiment-{candidate.name}", nested=True, tags={"socialake.stage": "sentiment"}):
            tracker.log_params({"candidate": candidate.name, "reg_param": s.reg_param, "max_iter": s.max_iter,
                                "num_features": s.num_features, "vader_weight": s.vader_weight, "vader_threshold": s.vader_threshold,
                                "train_rows": len(splits.train), "seed": s.seed, "test_fraction": s.test_fraction})
            tracker.log_metrics(candidate.metrics)
            version = tracker.log_spark_model(candidate.model, name=NAME)
            assert version is not None
            versions[candidate.name] = version
            tracker.set_model_version_tag(NAME, version, "candidate", candidate.name)
            for key, value in candidate.metrics.items():
                tracker.set_model_version_tag(NAME, version, f"metric.{key}", f"{value:.6f}")
    best = sentiment.choose(candidates)
    production = tracker.production_version(NAME)
    champion = None
    if production is not None:
        champion = sentiment.evaluate_model(tracker.load_spark_model(NAME, production[0]), spark, splits)
    promoted = force or champion is None or best.metrics["macro_recall"] >= champion["macro_recall"] + s.promote_margin
    with tracker.run("sentiment-validation", nested=True, tags={"socialake.stage": "sentiment-validation"}):
        tracker.log_params({"challenger_version": versions[best.name], "challenger": best.name,
                            "champion_version": production[0] if production else "none", "margin": s.promote_margin,
                            "forced": force})
        tracker.log_metrics({"challenger_macro_recall": best.metrics["macro_recall"], "promoted": float(promoted),
                             **({"champion_macro_recall": champion["macro_recall"]} if champion else {})})
    if promoted:
        tracker.promote(NAME, versions[best.name])
    log.warning("sentiment: best candidate %s (macro recall %.3f) %s", best.name, best.metrics["macro_recall"],
                "promoted" if promoted else f"not promoted: production v{production[0] if production else '?'} "
                f"scores {champion['macro_recall'] if champion else float('nan'):.3f} on the same split")
    return Training(candidates, best, versions[best.name], champion, promoted)
