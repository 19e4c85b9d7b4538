"""Model lifecycle, outside the gold job: training registers candidates in the MLflow registry,
a validation step compares the best candidate with the current production model on the same
evaluation data and moves the `production` alias only when it is better by the configured
margin (or when forced), and `resolve` hands the gold runner the production model to apply.

Each model kind has a module with `resolve(context) -> ModelChoice`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from pyspark.sql import DataFrame, SparkSession

from socialake.config import Config
from socialake.gold.product import ModelChoice
from socialake.tracking import Tracker


@dataclass(frozen=True)
class ModelContext:
    spark: SparkSession
    cfg: Config
    tracker: Tracker
    frames: Mapping[str, DataFrame]   # the product's inputs (a corpus-level model fits on them)
    refit: bool = False               # refit now, whatever the refit rule says


def resolve(name: str, context: ModelContext) -> ModelChoice:
    from socialake.models import sentiment, topics

    resolvers: dict[str, Callable[[ModelContext], ModelChoice]] = {"sentiment": sentiment.resolve,
                                                                   "topics": topics.resolve}
    return resolvers[name](context)


def current_version(name: str, cfg: Config, tracker: Tracker) -> str | None:
    """The version `resolve` would hand gold now if it trained nothing (what a product's
    "already done" check compares); None when the settings train on every run."""
    from socialake.models import sentiment, topics

    readers: dict[str, Callable[[Config, Tracker], str | None]] = {"sentiment": sentiment.current_version,
                                                                   "topics": topics.current_version}
    return readers[name](cfg, tracker)


MODEL_KINDS = ("sentiment", "topics")
