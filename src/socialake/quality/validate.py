"""Run a suite with Great Expectations inside a job; split rows by action; keep the results.

Results go to ops.validation_results (one row per check per run) and, when the lake is on a
local filesystem, to GX Data Docs under <lake root>/_quality/data_docs (index.html), built
from expectation and validation stores kept beside them so every run stays listed.

Nothing persisted holds a row's value: a failing value can be a handle or a post's text, and
these outputs are read by people who may not see either. GX is asked for counts only, and
each result is reduced to counts, percentages and verdicts (`redact_result`) before it is
written; GX's own store for validation results is in memory and dropped with the context.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import reduce
from pathlib import Path

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from socialake.lake import Lake
from socialake.quality.suites import Check, Suite

OPS_VALIDATION_RESULTS = "ops.validation_results"
FAILED_CHECK = "_failed_check"


class QualityGateError(RuntimeError):
    """A check whose action is `fail` did not pass; nothing was written."""


@dataclass(frozen=True)
class CheckResult:
    check: str
    expectation: str
    column: str | None
    action: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    unexpected_percent: float | None
    error: str | None


@dataclass(frozen=True)
class ValidationOutcome:
    suite: str
    table: str
    success: bool
    results: tuple[CheckResult, ...]
    docs: str | None

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success]

    def render(self) -> str:
        passed = sum(r.success for r in self.results)
        line = f"  quality {self.suite}: {passed}/{len(self.results)} checks passed"
        details = [f"{r.check} ({r.action}: {r.unexpected_count if r.unexpected_count is not None else r.error})"
                   for r in self.failed]
        return line + (" -- " + "; ".join(details) if details else "") + (f"\n  data docs: {self.docs}" if self.docs else "")


# BASIC with no sample: counts without collecting any failing value (a third of SUMMARY's Spark
# jobs, measured). Richer formats only add value lists, which redact_result would drop anyway.
COUNTS_ONLY = {"result_format": "BASIC", "partial_unexpected_count": 0}
# The entries of a GX result that can be kept: counts and percentages, never values.
KEPT_RESULT_FIELDS = ("element_count", "missing_count", "missing_percent", "unexpected_count", "unexpected_percent",
                      "unexpected_percent_total", "unexpected_percent_nonmissing")
KEPT_RESULTS_STORE = "kept_validation_results"  # file-backed, holds redacted results only
TRACEBACK_NOT_KEPT = "(traceback not kept: it can quote row values)"
_QUOTED = re.compile(r"'[^']*'")  # Spark quotes a value it could not use ('x' cannot be cast ...)


def validate(lake: Lake, rows: DataFrame, suite: Suite, *, run_id: str) -> ValidationOutcome:
    """Validate `rows` (persist them first: GX reads them several times), record the results,
    and raise QualityGateError when a `fail` check did not pass."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    quality_dir = _quality_dir(lake)
    context = gx.get_context(mode="ephemeral", project_config=_context_config(quality_dir))
    source = context.data_sources.add_spark(name=f"{suite.name}_source")
    batch = source.add_dataframe_asset(name=suite.table).add_batch_definition_whole_dataframe("all_rows")
    gx_suite = gx.ExpectationSuite(name=suite.name)
    for check in suite.checks:
        expectation = getattr(gxe, check.expectation)(**check.kwargs, meta={"check": check.name, "action": check.action})
        gx_suite.add_expectation(expectation)
    with _stores_locked(quality_dir):
        # GX's file stores are not safe for two jobs at once (one reads a suite file another is
        # half-way through writing, or both create it): jobs on one lake take turns here
        gx_suite = context.suites.add_or_update(gx_suite)
    definition = gx.ValidationDefinition(name=f"{suite.name}_validation", data=batch, suite=gx_suite)
    result = definition.run(batch_parameters={"dataframe": rows}, result_format=COUNTS_ONLY)
    for check_result in result.results:
        redact_result(check_result)

    by_name = {check.name: check for check in suite.checks}
    results = tuple(_check_result(r, by_name) for r in result.results)
    docs = None
    if quality_dir is not None:
        with _stores_locked(quality_dir):
            kept = context.stores[KEPT_RESULTS_STORE]
            _redact_kept_results(kept)
            for key in context.validation_results_store.list_keys():  # this run's result, the only one
                kept.set(key, result)
            urls = context.build_data_docs(site_names=["socialake"])
        docs = urls.get("socialake")
    outcome = ValidationOutcome(suite.name, suite.table, all(r.success for r in results), results, docs)
    _record(lake, outcome, run_id)
    failing = [r for r in outcome.failed if r.action == "fail"]
    if failing:
        raise QualityGateError(
            f"{suite.table} failed quality check(s) {', '.join(r.check for r in failing)}; nothing was written. "
            f"Details in {OPS_VALIDATION_RESULTS} (run {run_id}); set quality.actions.<check> to warn to accept"
        )
    return outcome


def split_by_quarantine(rows: DataFrame, suite: Suite, outcome: ValidationOutcome) -> tuple[DataFrame, DataFrame]:
    """(rows to keep, rows to quarantine with `_failed_check` naming the first check they fail).
    Only quarantine-action checks that failed are applied; passing checks cost nothing."""
    failed = {r.check for r in outcome.failed if r.action == "quarantine"}
    checks: list[Check] = [c for c in suite.checks if c.name in failed and c.row_level]
    if not checks:
        return rows, rows.limit(0).withColumn(FAILED_CHECK, F.lit(None).cast("string"))
    reason = reduce(lambda acc, c: acc.when(~c.passing(), F.lit(c.name)),
                    checks[1:], F.when(~checks[0].passing(), F.lit(checks[0].name)))
    tagged = rows.withColumn(FAILED_CHECK, reason)
    return tagged.where(F.col(FAILED_CHECK).isNull()).drop(FAILED_CHECK), tagged.where(F.col(FAILED_CHECK).isNotNull())


def redact_result(result) -> None:
    """Reduce one GX expectation result, in place, to what may be persisted: counts, percentages,
    a numeric observed value (a row count), and exception messages with quoted literals masked.
    Drops value lists (partial_unexpected_list/_counts/_index_list, unexpected_list, ...),
    non-numeric observed values (most common values, distinct values, a max timestamp) and
    tracebacks."""
    details = result.result or {}
    kept = {name: details[name] for name in KEPT_RESULT_FIELDS if name in details}
    if "observed_value" in details:
        observed = details["observed_value"]
        kept["observed_value"] = observed if isinstance(observed, (int, float)) else None
    result.result = kept
    info = result.exception_info or {}
    for item in ([info] if "raised_exception" in info else list(info.values())):
        if isinstance(item, dict):
            if item.get("exception_message"):
                item["exception_message"] = redact_message(item["exception_message"])
            if item.get("exception_traceback"):
                item["exception_traceback"] = TRACEBACK_NOT_KEPT


def redact_message(message: str) -> str:
    """An error message with every single-quoted literal masked (Spark quotes the value it
    could not use there; names of columns and types are in backticks or double quotes)."""
    return _QUOTED.sub("'…'", message)


def _redact_kept_results(kept) -> None:
    """Rewrite, redacted, any kept result that still holds more than redact_result keeps (earlier
    versions kept samples of failing values; the docs re-render every kept result)."""
    for key in kept.list_keys():
        earlier = kept.get(key)
        before = earlier.to_json_dict()
        for check_result in earlier.results:
            redact_result(check_result)
        if earlier.to_json_dict() != before:
            kept.set(key, earlier)


def _check_result(result, by_name: dict[str, Check]) -> CheckResult:
    config = result.expectation_config
    meta = config.meta or {}
    check = by_name.get(meta.get("check", ""))
    details = result.result or {}
    return CheckResult(
        check=meta.get("check", config.type),
        expectation=config.type,
        column=config.kwargs.get("column"),
        action=check.action if check else meta.get("action", "warn"),
        success=bool(result.success),
        element_count=details.get("element_count"),
        unexpected_count=details.get("unexpected_count"),
        unexpected_percent=details.get("unexpected_percent"),
        error=_exception_message(result),
    )


def _exception_message(result) -> str | None:
    info = result.exception_info or {}
    infos = [info] if "raised_exception" in info else list(info.values())
    for item in infos:
        if isinstance(item, dict) and item.get("raised_exception"):
            return (item.get("exception_message") or "").splitlines()[0][:200]
    return None


@contextmanager
def _stores_locked(quality_dir: Path | None) -> Iterator[None]:
    """Hold an exclusive lock on <lake>/_quality/.stores.lock (processes on this host; GX's file
    stores exist only for a local lake). Nothing to lock without file stores."""
    if quality_dir is None:
        yield
        return
    quality_dir.mkdir(parents=True, exist_ok=True)
    with open(quality_dir / ".stores.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _quality_dir(lake: Lake) -> Path | None:
    root = lake.cfg.root
    if "://" in root and not root.startswith("file://"):
        return None  # GX's file stores are local only; results still go to ops.validation_results
    return Path(root.removeprefix("file://")) / "_quality"


def _context_config(quality_dir: Path | None):
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults()
    if quality_dir is None:
        return DataContextConfig(store_backend_defaults=defaults, data_docs_sites={},
                                 progress_bars=ProgressBarsConfig(globally=False), analytics_enabled=False)
    stores = dict(defaults.stores)
    # File-backed stores beside the docs: a rebuild keeps every earlier run's pages. GX writes
    # each raw result to its validation results store (left in memory); validate() copies it
    # to the kept store only once redacted, and the docs are built from that one.
    stores[KEPT_RESULTS_STORE] = {
        "class_name": "ValidationResultsStore",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(quality_dir / "validations")},
    }
    stores[defaults.expectations_store_name] = {
        "class_name": "ExpectationsStore",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(quality_dir / "expectations")},
    }
    os.makedirs(quality_dir, exist_ok=True)
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "site_section_builders": {"validations": {"source_store_name": KEPT_RESULTS_STORE},
                                  "profiling": {"source_store_name": KEPT_RESULTS_STORE}},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(quality_dir / "data_docs")},
    }
    return DataContextConfig(store_backend_defaults=defaults, stores=stores, data_docs_sites={"socialake": site},
                             progress_bars=ProgressBarsConfig(globally=False), analytics_enabled=False)


def _record(lake: Lake, outcome: ValidationOutcome, run_id: str) -> None:
    now = datetime.now(timezone.utc)
    rows = [
        (run_id, now, outcome.table, outcome.suite, r.check, r.expectation, r.column, r.action, r.success,
         r.element_count, r.unexpected_count, r.unexpected_percent, r.error)
        for r in outcome.results
    ]
    frame = lake.spark.createDataFrame(
        rows,
        "run_id string, evaluated_at timestamp, table_name string, suite string, check_name string, "
        "expectation string, column_name string, action string, success boolean, element_count long, "
        "unexpected_count long, unexpected_percent double, error string",
    )
    lake.write(OPS_VALIDATION_RESULTS, frame, mode="append", run_id=run_id, operation="VALIDATION")

