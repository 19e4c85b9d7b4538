"""The gold and ops tables the report shows, read with delta-rs (no Spark), each at one version.

Only gold (pseudonymous, redacted) and ops tables are read, never bronze or silver. A table that
is not there yet is recorded as missing; one that is there but cannot be read is recorded with
the reason (and logged), so a half-built lake still gives a page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd
import pyarrow.compute as pc

from socialake import catalog
from socialake import schemas as S
from socialake.lake.base import table_path

log = logging.getLogger(__name__)

GRAPH_AUTHORS = 150   # the top authors by PageRank drawn in the graph picture
LINEAGE_COLUMNS = (S.GOLD_RUN_ID, S.MLFLOW_RUN_ID, S.SILVER_VERSION)
OPS_RUNS = catalog.OPS_RUNS.name
OPS_VALIDATION_RESULTS = catalog.OPS_VALIDATION_RESULTS.name

# Read versions and lineage of every gold table; data only of the tables the page shows.
TABLES = (*S.GOLD_TABLES, OPS_RUNS, OPS_VALIDATION_RESULTS)


@dataclass(frozen=True)
class Read:
    """One projection of one table: the columns the page needs and a DNF row filter."""
    table: str
    columns: tuple[str, ...]
    filters: tuple[tuple[str, str, Any], ...] = ()


READS: dict[str, Read] = {
    "daily": Read(S.GOLD_DAILY, ("date_key", "platform", "lang", "topic_id", "posts", "negative", "neutral",
                                 "positive", "mean_sentiment", "engagement")),
    "topics": Read(S.GOLD_DIM_TOPIC, ("topic_id", "label", "top_terms", "term_weights", "npmi", "topic_model")),
    "trends": Read(S.GOLD_TRENDS, ("dimension", "bucket_start", "value", "posts", "mean_sentiment",
                                   "share_of_voice"), (("bucket", "=", "day"),)),
    "alerts": Read(S.GOLD_ALERTS, ("alert_id", "dimension", "value", "bucket_start", "posts", "baseline_median",
                                   "baseline_mad", "robust_z", "ratio", "sample_posts")),
    "communities": Read(S.GOLD_COMMUNITIES, ("community_id", "authors", "posts", "mean_sentiment", "top_topics",
                                             "top_hashtags")),
    "coordination": Read(S.GOLD_COORDINATION, ("coordination_id", "signal", "group_key", "accounts", "posts",
                                               "first_at", "last_at", "span_seconds", "score", "evidence")),
    "authors": Read(S.GOLD_DIM_AUTHOR, ("platform",), (("posts", ">", 0),)),
    "top_authors": Read(S.GOLD_DIM_AUTHOR, ("author_pseudonym", "community_id", "pagerank", "pagerank_rank"),
                        (("pagerank_rank", "<=", GRAPH_AUTHORS),)),
    "runs": Read(OPS_RUNS, ("run_id", "job", "product", "status", "started_at", "seconds", "inputs",
                            "mlflow_run_id", "note")),
    "checks": Read(OPS_VALIDATION_RESULTS, ("run_id", "evaluated_at", "table_name", "check_name", "action",
                                            "success", "element_count", "unexpected_count", "error")),
}
# gold.fact_interactions is read among the top authors only, once they are known (load_snapshot).
INTERACTION_COLUMNS = ("src", "dst", "kind")


@dataclass(frozen=True)
class Lineage:
    """The distinct lineage values on a gold table's rows."""
    gold_run_ids: tuple[str, ...]
    mlflow_run_ids: tuple[str, ...]
    silver_versions: tuple[int, ...]


@dataclass(frozen=True)
class TableState:
    """One table as read: its Delta version (None when it is not there or cannot be opened),
    why it could not be read (None when fine or simply not there) and, for gold tables that
    could be read, the lineage on its rows."""
    name: str
    version: int | None
    problem: str | None = None
    lineage: Lineage | None = None

    @property
    def present(self) -> bool:
        return self.version is not None and self.problem is None


@dataclass(frozen=True)
class GoldSnapshot:
    """The lake as the page shows it: every table's state, and the frames of READS (plus
    "interactions") for the tables that could be read."""
    root: str
    tables: Mapping[str, TableState]
    frames: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def versions(self) -> tuple[tuple[str, int | None], ...]:
        """(table, version) of every table, in TABLES order: the dashboard's cache key."""
        return tuple((name, self.tables[name].version) for name in TABLES)

    @property
    def has_gold(self) -> bool:
        return any(self.tables[name].present for name in S.GOLD_TABLES)

    def frame(self, view: str) -> pd.DataFrame | None:
        return self.frames.get(view)


def _open(root: str, name: str, storage_options: dict | None) -> tuple[Any | None, str | None]:
    """The DeltaTable of `name`, or (None, None) when it is not there, or (None, reason)."""
    from deltalake import DeltaTable
    from deltalake.exceptions import TableNotFoundError

    try:
        return DeltaTable(table_path(root, name), storage_options=storage_options), None
    except TableNotFoundError:
        return None, None
    except Exception as exc:  # noqa: BLE001 - an unreadable table must not take the page down
        log.warning("cannot open %s under %s", name, root, exc_info=True)
        return None, _first_line(exc)


def read_versions(root: str, storage_options: dict | None = None) -> tuple[tuple[str, int | None], ...]:
    """(table, current Delta version or None) of every table in TABLES, without reading data:
    what the dashboard compares with its cached page."""
    from deltalake import DeltaTable
    from deltalake.exceptions import TableNotFoundError

    versions = []
    for name in TABLES:
        try:
            version: int | None = DeltaTable(table_path(root, name), storage_options=storage_options).version()
        except TableNotFoundError:
            version = None
        except Exception:  # noqa: BLE001 - load_snapshot records the reason; here only the key matters
            log.warning("cannot read the version of %s under %s", name, root, exc_info=True)
            version = None
        versions.append((name, version))
    return tuple(versions)


def load_snapshot(root: str, storage_options: dict | None = None) -> GoldSnapshot:
    """Read every table of TABLES under `root` at its current version: the projections of
    READS, the interactions among the top GRAPH_AUTHORS authors ("interactions": src, dst,
    kind) and the lineage of each gold table. Missing tables are recorded as missing,
    unreadable ones with the reason; nothing raises for the state of the lake."""
    states: dict[str, TableState] = {}
    frames: dict[str, pd.DataFrame] = {}
    opened: dict[str, Any] = {}
    for name in TABLES:
        delta, problem = _open(root, name, storage_options)
        if delta is None:
            states[name] = TableState(name, None, problem)
            continue
        views = {view: read for view, read in READS.items() if read.table == name}
        try:
            lineage = _read_lineage(delta) if name in S.GOLD_TABLES else None
            frames.update({view: _read(delta, read.columns, read.filters) for view, read in views.items()})
        except Exception as exc:  # noqa: BLE001 - shown on the page and logged
            log.warning("cannot read %s under %s", name, root, exc_info=True)
            states[name] = TableState(name, delta.version(), _first_line(exc))
            continue
        states[name] = TableState(name, delta.version(), None, lineage)
        opened[name] = delta
    interactions = opened.get(S.GOLD_FACT_INTERACTIONS)
    if interactions is not None and "top_authors" in frames:
        try:
            frames["interactions"] = _read_among(interactions, frames["top_authors"]["author_pseudonym"])
        except Exception as exc:  # noqa: BLE001 - shown on the page and logged
            log.warning("cannot read %s under %s", S.GOLD_FACT_INTERACTIONS, root, exc_info=True)
            old = states[S.GOLD_FACT_INTERACTIONS]
            states[S.GOLD_FACT_INTERACTIONS] = TableState(old.name, old.version, _first_line(exc), old.lineage)
    return GoldSnapshot(root, states, frames)


def _read_among(interactions: Any, authors: pd.Series) -> pd.DataFrame:
    """The interactions whose both ends are among `authors`."""
    among = sorted(authors.dropna().unique().tolist())
    if not among:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in INTERACTION_COLUMNS})
    return _read(interactions, INTERACTION_COLUMNS, (("src", "in", among), ("dst", "in", among)))


def _read(delta: Any, columns: tuple[str, ...], filters: tuple[tuple[str, str, Any], ...]) -> pd.DataFrame:
    return delta.to_pandas(columns=list(columns), filters=list(filters) or None)


def _read_lineage(delta: Any) -> Lineage:
    lineage = delta.to_pyarrow_table(columns=list(LINEAGE_COLUMNS))

    def distinct(column: str) -> tuple:
        return tuple(sorted(v for v in pc.unique(lineage[column]).to_pylist() if v is not None))

    return Lineage(*(distinct(column) for column in LINEAGE_COLUMNS))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
