"""What a gold product is: a pure function from declared input tables (and models) to output
frames, metrics and files, with no I/O. The runner (gold/runner.py) reads the inputs through the
lake, resolves the models, adds the lineage columns, writes each output in its catalog mode and
records the product in ops.runs.

Frames handed to a product hold the table's own columns only (lineage columns are dropped), so
a product never passes another run's lineage through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from pyspark.sql import DataFrame, SparkSession

from socialake.config import Config


@dataclass(frozen=True)
class ModelChoice:
    """A model a product applies, as the models package resolved it."""

    name: str                  # registry name, e.g. "sentiment"
    label: str                 # what the per-post rows record, e.g. "vader-tfidf-logreg v3"
    version: str               # registered version ("" for an unregistered model such as VADER)
    model: Any                 # a fitted Spark PipelineModel
    metrics: Mapping[str, float] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)   # e.g. a topic model's top terms


@dataclass(frozen=True)
class Inputs:
    spark: SparkSession
    cfg: Config
    frames: Mapping[str, DataFrame]          # table name -> rows, lineage columns dropped
    models: Mapping[str, ModelChoice]
    engines: Mapping[str, str] = field(default_factory=dict)   # resolved engines: nlp, graph

    def __getitem__(self, table: str) -> DataFrame:
        return self.frames[table]


@dataclass
class Output:
    tables: dict[str, DataFrame]
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)   # name -> content, written under <lake>/_exports


@dataclass(frozen=True)
class Product:
    name: str
    inputs: tuple[str, ...]                  # catalog tables read
    outputs: tuple[str, ...]                 # catalog tables written (each by exactly one product)
    compute: Callable[[Inputs], Output]
    models: tuple[str, ...] = ()             # models resolved before compute (models.resolve)
    config: Callable[[Config], Any] = lambda cfg: None   # the config section the product reads
    enabled: Callable[[Config], bool] = lambda cfg: True
    description: str = ""
    # Outputs with one row per silver post (keyed by post_key) computed from that post's
    # post_key and text alone: when the product's config and models are unchanged, the runner
    # computes them only for posts added or whose text changed, and drops the rows of posts that
    # left silver (gold/runner.py, "incremental").
    per_post: tuple[str, ...] = ()
