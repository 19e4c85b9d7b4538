"""The gold runner: silver -> gold as a graph of products (gold/<product>.py), each run in an
order resolved from the tables it reads and writes, recorded in the run ledger ops.runs.

For each product the runner reads its inputs through the lake, resolves its models (models/),
calls it, adds the lineage columns (gold_run_id, mlflow_run_id, silver_version), writes each
output in the table's catalog mode, writes its files under <lake>/_exports, logs its params and
metrics to the gold run's MLflow run, and appends its ledger row. A product whose last
successful ledger row has the same input versions, config and model versions is already done
and is skipped; so a rerun after a crash resumes with the first product that had not finished,
and a rerun with nothing new does nothing at all.

Incremental: a product's per-post outputs (Product.per_post) are recomputed only for the silver
posts added or whose text changed since the silver version of its last success, when its config
and model versions are the same as then; rows of posts no longer in silver (deleted, erased,
expired) are dropped. Kept rows keep the lineage of the run that computed them. Any other
change (new model version, config, a per-post table missing, that silver version no longer
readable) recomputes the whole table.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Callable, Sequence

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
from socialake.lake import Lake, LakeError
from socialake.models import ModelContext, current_version, resolve
from socialake.tracking import Tracker

log = logging.getLogger(__name__)

JOB = "gold"
SOURCE_VERSION_KEY = "socialake.source.silver.posts"
LINEAGE_COLUMNS = (S.GOLD_RUN_ID, S.MLFLOW_RUN_ID, S.SILVER_VERSION)
Diff = tuple[DataFrame, DataFrame, int, int]   # changed posts, stale post keys, how many changed, removed
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
    holds now. `refit`: model kinds to refit whatever their refit rule says (e.g. topics).
    `engines`: nlp/graph engine names (None: resolved from the session and cfg.engines)."""
    lake.require(S.SILVER_POSTS)
    products = plan(cfg, only)
    if engines is None:   # what the session resolves (engines.graph / engines.nlp: auto -> what runs here)
        from socialake.session import engines_for

        resolved = engines_for(spark, cfg)
        engines = {"nlp": resolved.nlp, "graph": resolved.graph}
    silver_version = lake.version(S.SILVER_POSTS)
    ledger = Ledger(lake)
    tracker = Tracker(cfg)
    done = ledger.latest_successes(JOB)
    started = time.time()
    cache: dict[str, DataFrame] = {}
    diffs: dict[int, Diff | None] = {}   # the per-post products usually share one: computed once

    def frame(table: str) -> DataFrame:
        if table not in cache:
            rows = lake.read(table)
            rows = rows.drop(*[c for c in LINEAGE_COLUMNS if c in rows.columns])
            cache[table] = rows.persist(StorageLevel.MEMORY_AND_DISK) if table == S.SILVER_POSTS else rows
        return cache[table]

    def silver_diff(since: int) -> Diff | None:
        if since not in diffs:
            diffs[since] = _silver_diff(lake, since, frame(S.SILVER_POSTS))
        return diffs[since]

    def fingerprint(product: Product) -> tuple[dict[str, int], str, dict[str, str | None]]:
        versions = {t: lake.version(t) if lake.exists(t) else -1 for t in product.inputs}
        section = product.config(cfg)
        config = json.dumps(section.model_dump(mode="json") if section is not None else None, sort_keys=True)
        models = {kind: current_version(kind, cfg, tracker) for kind in product.models}
        return versions, hashlib.sha256(config.encode()).hexdigest()[:16], models

    def is_done(product: Product, versions: dict[str, int], config_hash: str, models: dict[str, str | None]) -> str | None:
        previous = done.get(product.name)
        if previous is None or any(kind in refit for kind in product.models) or None in models.values():
            return None   # None: the settings retrain this model on every run
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
                                # engine_graph: the configured engine as resolved; the graph product's
                                # graph_engine says which algorithm ran (igraph on the driver or Spark)
                               **{f"engine_{k}": v for k, v in engines.items()}})
            for product in products:
                versions, config_hash, model_versions = fingerprint(product)
                previous_run = is_done(product, versions, config_hash, model_versions)
                if previous_run is not None:
                    ledger.append(LedgerRow.skipped(run_id, JOB, product.name, versions, config_hash, model_versions,
                                                    mlflow_run_id, note=f"done by run {previous_run}"))
                    report_lines.append(f"{product.name}: already done by run {previous_run}")
                    continue
                t0 = time.time()
                note = None
                try:
                    context = ModelContext(spark, cfg, tracker, {t: frame(t) for t in product.inputs},
                                           refit=any(kind in refit for kind in product.models))
                    chosen = {kind: resolve(kind, context) for kind in product.models}
                    applied = {kind: choice.version or choice.label for kind, choice in chosen.items()}
                    frames = {t: frame(t) for t in product.inputs}
                    delta = _post_changes(lake, product, done.get(product.name), config_hash, applied, silver_diff)
                    if delta is not None:
                        frames[S.SILVER_POSTS], stale, changed, removed = delta
                        note = (f"incremental since silver v{done[product.name].inputs[S.SILVER_POSTS]}: "
                                f"{changed} posts added or changed, {removed} removed")
                    output = product.compute(Inputs(spark, cfg, frames, chosen, engines))
                    if delta is not None:
                        output.metrics.update({f"{product.name}_changed_posts": changed, f"{product.name}_removed_posts": removed})
                    if delta is not None and changed == removed == 0:
                        written, files = {}, []   # nothing new for this product: no commit at all
                    else:
                        written = _write(lake, product, output, run_id=run_id, mlflow_run_id=mlflow_run_id,
                                         silver_version=silver_version, stale=stale if delta else None)
                        files = _export(cfg, output, run_id)
                    tracker.log_params(output.params)
                    tracker.log_metrics({**output.metrics, **{f"rows_{t.split('.', 1)[1]}": n
                                                              for t, (_, n) in written.items()}})
                except Exception as error:
                    ledger.append(LedgerRow.failed(run_id, JOB, product.name, versions, config_hash, mlflow_run_id,
                                                   started_at=t0, error=error))
                    raise
                ledger.append(LedgerRow.succeeded(
                    run_id, JOB, product.name, versions, config_hash, applied, mlflow_run_id,
                    started_at=t0, outputs=written, metrics=output.metrics,
                    labels={kind: choice.label for kind, choice in chosen.items()},
                    params={k: str(v) for k, v in output.params.items()}, files=files, note=note))
                report_lines.append(f"{product.name}: {time.time() - t0:.1f} s" + (f" ({note})" if note else ""))
            ledger.append(LedgerRow.for_job(run_id, JOB, {S.SILVER_POSTS: silver_version}, mlflow_run_id,
                                        started_at=started, products=[p.name for p in products]))
    finally:
        for rows in cache.values():
            rows.unpersist()
    report = build_report(lake, ledger, run_id=run_id, silver_version=silver_version, changed=True, tracker=tracker,
                          mlflow_run_id=mlflow_run_id, timings="  time by product: " + "; ".join(report_lines))
    report.html_report = _html_report(cfg, run_id)
    return report


def _html_report(cfg: Config, run_id: str) -> str | None:
    """The run's self-contained HTML report under <lake root>/_exports (local lakes), read back
    from the gold tables just written; None for object-store lakes (`socialake report --out`)."""
    from socialake.serving.report import write_report

    try:
        path = write_report(cfg.lake.root, run_id)
    except Exception:  # noqa: BLE001 - every table and the ledger are committed: the run succeeded
        log.warning("gold run %s: the HTML report could not be written (run `socialake report`)", run_id,
                    exc_info=True)
        return None
    return str(path) if path is not None else None


def _post_changes(lake: Lake, product: Product, previous: LedgerRow | None, config_hash: str,
                  applied: dict[str, str], silver_diff: Callable[[int], Diff | None]) -> Diff | None:
    """For an incremental run of `product`: the silver diff since its last success (see
    _silver_diff); None when the product must recompute everything."""
    if (not product.per_post or previous is None or previous.config_hash != config_hash
            or any(previous.model_versions.get(k) != v for k, v in applied.items())
            or S.SILVER_POSTS not in previous.inputs or not all(lake.exists(t) for t in product.per_post)):
        return None
    return silver_diff(previous.inputs[S.SILVER_POSTS])


def _silver_diff(lake: Lake, since: int, now: DataFrame) -> Diff | None:
    """(silver posts added or with changed text since version `since`, the post keys whose
    per-post rows are stale (those and the removed posts), how many changed, how many removed);
    None when that version can no longer be read."""
    try:
        before = lake.read(S.SILVER_POSTS, version=since).select(
            F.col(S.POST_KEY).alias("_before_key"), F.col(S.TEXT).alias("_before_text"))
    except LakeError:
        return None   # that version is no longer readable (vacuumed): recompute
    same = (now[S.POST_KEY] == before["_before_key"]) & now[S.TEXT].eqNullSafe(before["_before_text"])
    changed = now.join(before, same, "left_anti").localCheckpoint()
    removed = (before.join(now.select(S.POST_KEY), before["_before_key"] == now[S.POST_KEY], "left_anti")
               .select(F.col("_before_key").alias(S.POST_KEY)).localCheckpoint())
    stale = changed.select(S.POST_KEY).unionByName(removed)
    return changed, stale, changed.count(), removed.count()


def _write(lake: Lake, product: Product, output: Output, *, run_id: str, mlflow_run_id: str,
           silver_version: int, stale: DataFrame | None = None) -> dict[str, tuple[int | None, int]]:
    """Each output with the lineage columns, in the catalog's column order and write mode.
    `stale` (incremental runs): the post keys whose rows in the per-post outputs are replaced by
    the computed ones; every other row is kept as it is. Returns table -> (version, rows)."""
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
        if stale is not None and table in product.per_post:
            # one overwrite commit: the kept rows plus the recomputed ones (atomic on both
            # engines, and no DELETE predicate listing post keys left in the Delta log)
            kept = lake.read(table).join(stale, S.POST_KEY, "left_anti").select(*[c.name for c in declared.columns])
            commit = lake.write(table, kept.unionByName(rows), mode="overwrite", run_id=run_id,
                                operation="GOLD INCREMENTAL",
                                commit_metadata={SOURCE_VERSION_KEY: str(silver_version),
                                                 "socialake.product": product.name})
        elif declared.mode == "merge":
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
