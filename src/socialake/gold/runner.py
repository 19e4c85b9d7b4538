"""The gold runner: silver -> gold as a graph of products (gold/<product>.py), each run in an
order resolved from the tables it reads and writes, recorded in the run ledger ops.runs.

For each product the runner reads its inputs through the lake, resolves its models (models/),
calls it, adds the lineage columns (gold_run_id, mlflow_run_id, silver_version), writes each
output in the table's catalog mode, writes its files under <lake>/_exports, logs its params and
metrics to the gold run's MLflow run, and appends its ledger row. A product whose last
successful ledger row has the same input versions, config and model versions is already done
and is skipped; so a rerun after a crash resumes with the first product that had not finished,
and a rerun with nothing new does nothing at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Sequence

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from socialake import catalog
from socialake import schemas as S
from socialake.config import Config
from socialake.gold import coordination, embeddings, graph, sentiment, star, topics, trends
from socialake.gold.ledger import Ledger, LedgerRow
from socialake.gold.product import Inputs, Output, Product
from socialake.gold.report import GoldReport, build_report
from socialake.lake import Lake
from socialake.models import ModelContext, resolve
from socialake.models import sentiment as sentiment_models
from socialake.tracking import Tracker

log = logging.getLogger(__name__)

JOB = "gold"
SOURCE_VERSION_KEY = "socialake.source.silver.posts"
LINEAGE_COLUMNS = (S.GOLD_RUN_ID, S.MLFLOW_RUN_ID, S.SILVER_VERSION)
PRODUCTS: tuple[Product, ...] = (sentiment.PRODUCT, topics.PRODUCT, embeddings.PRODUCT, coordination.PRODUCT,
                                 graph.PRODUCT, star.PRODUCT, trends.PRODUCT)


class PlanError(ValueError):
    """A product asked for by name is unknown or switched off (a usage error)."""


def plan(cfg: Config, only: Sequence[str] | None = None, products: Sequence[Product] = PRODUCTS) -> list[Product]:
    """The products to run, each after the products whose outputs it reads (declared order
    breaks ties). `only`: these products and what they depend on."""
    by_name = {p.name: p for p in products}
    enabled = [p for p in products if p.enabled(cfg)]
    producer = {table: p for p in enabled for table in p.outputs}
    wanted = list(only) if only else [p.name for p in enabled]
    for name in wanted:
        if name not in by_name:
            raise PlanError(f"--only {name}: no such gold product; choose from {', '.join(by_name)}")
        if not by_name[name].enabled(cfg):
            raise PlanError(f"--only {name}: the product is switched off in the configuration (gold.{name})")
    needed: set[str] = set()
    stack = list(wanted)
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        stack += [producer[t].name for t in by_name[name].inputs if t in producer]
    ordered: list[Product] = []
    pending = [p for p in enabled if p.name in needed]
    while pending:
        ready = next(p for p in pending if all(producer[t] in ordered for t in p.inputs if t in producer))
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def run(spark: SparkSession, cfg: Config, lake: Lake, *, run_id: str, only: Sequence[str] | None = None,
        refit: Sequence[str] = (), engines: dict[str, str] | None = None) -> GoldReport:
    """Run the planned products that are not already done; returns the report of what gold
    holds now. `refit`: model kinds to refit whatever their refit rule says (e.g. topics)."""
    lake.require(S.SILVER_POSTS)
    products = plan(cfg, only)
    engines = dict(engines or {})
    silver_version = lake.version(S.SILVER_POSTS)
    ledger = Ledger(lake)
    tracker = Tracker(cfg)
    done = ledger.latest_successes(JOB)
    started = time.time()
    cache: dict[str, DataFrame] = {}

    def frame(table: str) -> DataFrame:
        if table not in cache:
            rows = lake.read(table)
            rows = rows.drop(*[c for c in LINEAGE_COLUMNS if c in rows.columns])
            cache[table] = rows.persist(StorageLevel.MEMORY_AND_DISK) if table == S.SILVER_POSTS else rows
        return cache[table]

    def fingerprint(product: Product) -> tuple[dict[str, int], str, dict[str, str]]:
        versions = {t: lake.version(t) if lake.exists(t) else -1 for t in product.inputs}
        section = product.config(cfg)
        config = json.dumps(section.model_dump(mode="json") if section is not None else None, sort_keys=True)
        models = {}
        for kind in product.models:   # the production version as the registry has it now
            if kind == "sentiment" and cfg.gold.sentiment.model == "vader":
                models[kind] = sentiment_models.VADER_LABEL
            else:
                production = tracker.production_version(kind)
                models[kind] = production[0] if production else "none"
        return versions, hashlib.sha256(config.encode()).hexdigest()[:16], models

    def is_done(product: Product, versions: dict[str, int], config_hash: str, models: dict[str, str]) -> str | None:
        previous = done.get(product.name)
        if previous is None or any(kind in refit for kind in product.models):
            return None
        if product.name == "sentiment" and cfg.gold.sentiment.model == "retrain":
            return None
        same = (previous.inputs == versions and previous.config_hash == config_hash
                and all(previous.model_versions.get(k) == v for k, v in models.items()))
        return previous.run_id if same else None

    if all(is_done(p, *fingerprint(p)) for p in products):
        return build_report(lake, ledger, run_id=run_id, silver_version=silver_version, changed=False, tracker=tracker)

    report_lines: list[str] = []
    try:
        with tracker.run(f"gold-{run_id}", tags={"socialake.run_id": run_id,
                                                 "socialake.silver_version": str(silver_version)}) as parent:
            mlflow_run_id = parent.info.run_id
            tracker.log_params({"silver_version": silver_version, "products": ",".join(p.name for p in products),
                                **{f"{k}_engine": v for k, v in engines.items()}})
            for product in products:
                versions, config_hash, model_versions = fingerprint(product)
                previous_run = is_done(product, versions, config_hash, model_versions)
                if previous_run is not None:
                    ledger.append(LedgerRow.skipped(run_id, JOB, product.name, versions, config_hash, model_versions,
                                                    mlflow_run_id, note=f"done by run {previous_run}"))
                    report_lines.append(f"{product.name}: already done by run {previous_run}")
                    continue
                t0 = time.time()
                try:
                    context = ModelContext(spark, cfg, tracker, {t: frame(t) for t in product.inputs},
                                           refit=any(kind in refit for kind in product.models))
                    chosen = {kind: resolve(kind, context) for kind in product.models}
                    output = product.compute(Inputs(spark, cfg, {t: frame(t) for t in product.inputs}, chosen,
                                                    engines))
                    written = _write(lake, product, output, run_id=run_id, mlflow_run_id=mlflow_run_id,
                                     silver_version=silver_version)
                    files = _export(cfg, output, run_id)
                    tracker.log_params(output.params)
                    tracker.log_metrics({**output.metrics, **{f"rows_{t.split('.', 1)[1]}": n
                                                              for t, (_, n) in written.items()}})
                except Exception as error:
                    ledger.append(LedgerRow.failed(run_id, JOB, product.name, versions, config_hash, mlflow_run_id,
                                                   started_at=t0, error=error))
                    raise
                ledger.append(LedgerRow.succeeded(
                    run_id, JOB, product.name, versions, config_hash,
                    {kind: choice.version or choice.label for kind, choice in chosen.items()}, mlflow_run_id,
                    started_at=t0, outputs=written, metrics=output.metrics,
                    labels={kind: choice.label for kind, choice in chosen.items()},
                    params={k: str(v) for k, v in output.params.items()}, files=files))
                report_lines.append(f"{product.name}: {time.time() - t0:.1f} s")
            ledger.append(LedgerRow.for_job(run_id, JOB, {S.SILVER_POSTS: silver_version}, mlflow_run_id,
                                        started_at=started, products=[p.name for p in products]))
    finally:
        for rows in cache.values():
            rows.unpersist()
    return build_report(lake, ledger, run_id=run_id, silver_version=silver_version, changed=True, tracker=tracker,
                        mlflow_run_id=mlflow_run_id, timings="  time by product: " + "; ".join(report_lines))


def _write(lake: Lake, product: Product, output: Output, *, run_id: str, mlflow_run_id: str,
           silver_version: int) -> dict[str, tuple[int | None, int]]:
    """Each output with the lineage columns, in the catalog's column order and write mode.
    Returns table -> (version written or None, rows written)."""
    if set(output.tables) != set(product.outputs):
        raise RuntimeError(f"gold product {product.name} returned {sorted(output.tables)}, "
                           f"declared {sorted(product.outputs)}")
    written = {}
    for table in product.outputs:
        declared = catalog.table(table)
        rows = output.tables[table].select(
            "*", F.lit(run_id).alias(S.GOLD_RUN_ID), F.lit(mlflow_run_id).alias(S.MLFLOW_RUN_ID),
            F.lit(silver_version).cast("long").alias(S.SILVER_VERSION))
        missing = [c.name for c in declared.columns if c.name not in rows.columns]
        if missing:
            raise RuntimeError(f"gold product {product.name} did not produce {table} column(s) {', '.join(missing)}")
        rows = rows.select(*[c.name for c in declared.columns])
        if declared.mode == "merge":
            commit = lake.merge_insert(table, rows, keys=declared.key, run_id=run_id)
        else:
            commit = lake.write(table, rows, mode=declared.mode, run_id=run_id, operation="GOLD",
                                commit_metadata={SOURCE_VERSION_KEY: str(silver_version),
                                                 "socialake.product": product.name})
        written[table] = (commit.version, commit.rows)
    return written


def _export(cfg: Config, output: Output, run_id: str) -> list[str]:
    """The product's files under <lake root>/_exports, named with the run id (local lakes)."""
    if not output.files or "://" in cfg.lake.root:
        return []
    paths = []
    for name, content in output.files.items():
        stem, dot, suffix = name.rpartition(".")
        path = Path(cfg.lake.root, "_exports", f"{stem}-{run_id}{dot}{suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        paths.append(str(path))
    return paths
