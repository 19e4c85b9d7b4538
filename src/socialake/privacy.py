"""Retention and erasure across every catalog table of every layer, each followed by vacuum.

Deleting rows from a Delta table only hides them: older versions still reference the files.
Both jobs therefore vacuum every table they touched with a zero-hour retention, after which
no version that held the data can be read (time travel before the erasure stops working,
which is the point).

Erasure takes a raw handle or account id, derives the pseudonyms silver and gold use for it
(by id and by handle) and:
- bronze: deletes every row authored by the subject or whose raw payload names the subject's
  id or handle (raw records cannot be partly redacted); quarantine rows that name them too;
- silver: removes the subject's posts and edges, and in everybody else's posts replaces the
  subject's pseudonym (mentions, reply targets, links, Bluesky post keys) with `u_erased`;
- gold: every table with person columns in the catalog (catalog.py): rows of the subject's posts,
  of the subject as author or edge end are deleted; text and lists naming the subject
  (communities' top authors, alerts' sample posts, coordination evidence) are rewritten;
- records the erasure in ops.erasures as keyed tokens of the pseudonyms: with the key one can
  check whether an account was erased, but the log links to nothing left in the lake.
Re-ingesting the original export would bring the raw data back: delete it from the landing
area too (the report says so).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from datetime import datetime, timedelta, timezone

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructType

from socialake import catalog
from socialake import schemas as S
from socialake.lake import Lake
from socialake.silver.pseudonymise import ERASED, PseudonymKey, account_pseudonym, normalise_handle

OPS_ERASURES = catalog.OPS_ERASURES.name

# Retention per layer: gold is derived from silver, so its rows never outlive silver's.
RETENTION_DAYS_OF = {"bronze": "bronze", "silver": "silver", "gold": "silver"}


@dataclass(frozen=True)
class PrivacyReport:
    action: str
    deleted: dict[str, int] = field(default_factory=dict)
    rewritten: dict[str, int] = field(default_factory=dict)
    vacuumed_files: int = 0
    note: str = ""

    def render(self) -> str:
        lines = [f"{self.action}:"]
        for table, rows in sorted(self.deleted.items()):
            lines.append(f"  {table:<20} {rows:>10,} row(s) deleted")
        for table, rows in sorted(self.rewritten.items()):
            lines.append(f"  {table:<20} {rows:>10,} row(s) rewritten")
        lines.append(f"  vacuum removed {self.vacuumed_files:,} file(s); older versions can no longer be read")
        if self.note:
            lines.append(f"  {self.note}")
        return "\n".join(lines)


def apply_retention(lake: Lake, *, days_by_layer: dict[str, int | None], run_id: str,
                    now: datetime | None = None) -> PrivacyReport:
    """Delete rows older than N days per layer (None keeps the layer forever), then vacuum."""
    moment = now or datetime.now(timezone.utc)
    deleted: dict[str, int] = {}
    for declared in catalog.tables():
        days = days_by_layer.get(RETENTION_DAYS_OF.get(declared.layer, declared.layer))
        if days is None or declared.time_column is None or not lake.exists(declared.name):
            continue
        cutoff = lake.timestamp_literal(moment - timedelta(days=days))
        deleted[declared.name] = lake.delete(declared.name, f"{declared.time_column} < {cutoff}", run_id=run_id).rows
    vacuumed = sum(len(lake.vacuum(t, retention_hours=0, run_id=run_id)) for t, n in deleted.items() if n)
    return PrivacyReport(action=f"retention ({', '.join(f'{k} {v} days' for k, v in days_by_layer.items() if v)})",
                         deleted=deleted, vacuumed_files=vacuumed)


def subject_pseudonyms(key: PseudonymKey, platform: str, author_id: str | None, handle: str | None) -> list[str]:
    found = {account_pseudonym(key, platform, author_id, None), account_pseudonym(key, platform, None, handle)}
    return sorted(p for p in found if p)


def erase_subject(lake: Lake, *, key: PseudonymKey, platform: str, author_id: str | None = None,
                  handle: str | None = None, run_id: str) -> PrivacyReport:
    """Remove one person from every layer (see the module docstring), then vacuum."""
    if not author_id and not handle:
        raise ValueError("erasure needs the subject's account id or handle")
    pseudonyms = subject_pseudonyms(key, platform, author_id, handle)
    deleted: dict[str, int] = {}
    rewritten: dict[str, int] = {}

    if lake.exists(S.BRONZE_POSTS):
        deleted[S.BRONZE_POSTS] = _delete_keys(
            lake, S.BRONZE_POSTS, S.PAYLOAD_SHA256,
            _bronze_rows_naming(lake.read(S.BRONZE_POSTS), platform, author_id, handle), run_id)
    if lake.exists(S.BRONZE_QUARANTINE):
        quarantine = lake.read(S.BRONZE_QUARANTINE)
        naming = quarantine.where(_names_subject(F.col(S.RAW_BYTES).cast("string"), author_id, handle))
        deleted[S.BRONZE_QUARANTINE] = _delete_keys(lake, S.BRONZE_QUARANTINE, S.QUARANTINE_ID, naming, run_id)
    # The subject's own posts, found before silver forgets them: gold rows of those posts go too.
    own_posts = (sorted(r[0] for r in lake.read(S.SILVER_POSTS).where(F.col(S.AUTHOR_PSEUDONYM).isin(pseudonyms))
                        .select(S.POST_KEY).collect()) if lake.exists(S.SILVER_POSTS) else [])
    # Rewrites, not DELETE predicates: a predicate naming the pseudonyms would stay in the
    # Delta log's commit info after vacuum (the no-trace test found exactly that).
    for declared in (catalog.SILVER_EDGES,):
        if lake.exists(declared.name):
            deleted[declared.name], _ = _erase_from_table(lake, declared, pseudonyms, own_posts, run_id)
    if lake.exists(S.SILVER_POSTS):
        removed, changed = _rewrite_silver_posts(lake, pseudonyms, run_id)
        deleted[S.SILVER_POSTS], rewritten[S.SILVER_POSTS] = removed, changed
    for declared in (catalog.SILVER_TOMBSTONES, catalog.SILVER_QUARANTINE):
        if lake.exists(declared.name):
            deleted[declared.name], _ = _erase_from_table(lake, declared, pseudonyms, own_posts, run_id)
    for declared in catalog.tables("gold"):
        if lake.exists(declared.name) and declared.person_columns:
            removed, changed = _erase_from_table(lake, declared, pseudonyms, own_posts, run_id)
            deleted[declared.name], rewritten[declared.name] = removed, changed

    exports = _erase_from_exports(lake.cfg.root, pseudonyms)
    reports = _delete_html_reports(lake.cfg.root)

    touched = [t for t in set(deleted) | set(rewritten) if deleted.get(t) or rewritten.get(t)]
    vacuumed = sum(len(lake.vacuum(t, retention_hours=0, run_id=run_id)) for t in touched)
    _record_erasure(lake, key, pseudonyms, platform, deleted, run_id)
    if reports:
        _render_html_report(lake.cfg.root, run_id)   # after the erasure is complete and recorded
    return PrivacyReport(
        action=f"erasure of one {platform} account ({len(pseudonyms)} pseudonym(s))",
        deleted=deleted, rewritten=rewritten, vacuumed_files=vacuumed,
        note=(f"{exports} GEXF export(s) rewritten without the subject; " if exports else "")
        + (f"{reports} HTML report(s) replaced by one rendered after the erasure (copies written elsewhere "
           "with `socialake report --out` are not: delete them); " if reports else "")
        + "delete the subject's records from the landing area too, or a re-ingest brings them back",
    )


def _names_subject(text: F.Column, author_id: str | None, handle: str | None) -> F.Column:
    """True where `text` contains the id or handle as a whole token (case-insensitive)."""
    tokens = [re.escape(t) for t in (author_id, normalise_handle(handle) if handle else None) if t]
    return text.rlike(r"(?i)(?<![\w.-])(?:" + "|".join(tokens) + r")(?![\w-])")


def _bronze_rows_naming(posts: DataFrame, platform: str, author_id: str | None, handle: str | None) -> DataFrame:
    own = F.lit(False)
    if author_id:
        own = own | (F.col(S.AUTHOR_ID) == author_id)
    if handle:
        own = own | (F.lower(F.col(S.AUTHOR_HANDLE)) == normalise_handle(handle))
    own = (F.col(S.PLATFORM) == platform) & own
    return posts.where(own | _names_subject(F.col(S.RAW_PAYLOAD), author_id, handle))


def _delete_keys(lake: Lake, table: str, key: str, rows: DataFrame, run_id: str, chunk: int = 500) -> int:
    keys = sorted({r[key] for r in rows.select(key).collect()})
    deleted = 0
    for start in range(0, len(keys), chunk):
        listed = ", ".join("'" + k.replace("'", "''") + "'" for k in keys[start:start + chunk])
        deleted += lake.delete(table, f"{key} IN ({listed})", run_id=run_id).rows
    return deleted


def _rewrite_silver_posts(lake: Lake, pseudonyms: list[str], run_id: str) -> tuple[int, int]:
    posts = lake.read(S.SILVER_POSTS)
    pattern = "|".join(pseudonyms)
    own = F.col(S.AUTHOR_PSEUDONYM).isin(pseudonyms)
    string_columns = [S.POST_KEY, S.POST_ID, S.TEXT, S.CONVERSATION_KEY, S.REPLY_TO_POST_KEY,
                      S.REPLY_TO_AUTHOR_PSEUDONYM, S.QUOTE_OF_POST_KEY, S.REPOST_OF_POST_KEY, S.NEAR_DUP_CLUSTER]
    mentions_subject = F.exists(F.coalesce(S.MENTION_PSEUDONYMS, F.array()), lambda m: m.isin(pseudonyms))
    names = mentions_subject | F.exists(F.coalesce(S.URLS, F.array()), lambda u: u.rlike(pattern))
    for column in string_columns:
        names = names | F.coalesce(F.col(column).rlike(pattern), F.lit(False))
    counts = posts.agg(F.sum(own.cast("int")).alias("own"), F.sum((~own & names).cast("int")).alias("naming")).collect()[0]
    if not (counts["own"] or counts["naming"]):
        return 0, 0
    kept = posts.where(~own)
    replaced = kept.select(*[
        F.regexp_replace(F.col(c), pattern, ERASED).alias(c) if c in string_columns else
        F.transform(F.col(c), lambda v: F.regexp_replace(v, pattern, ERASED)).alias(c)
        if c in (S.MENTION_PSEUDONYMS, S.URLS) else F.col(c)
        for c in posts.columns
    ])
    lake.write(S.SILVER_POSTS, replaced, mode="overwrite", run_id=run_id, operation="ERASURE")
    return int(counts["own"] or 0), int(counts["naming"] or 0)


IDENTITY_COLUMNS = (S.POST_KEY, S.AUTHOR_PSEUDONYM, S.EDGE_SRC, S.EDGE_DST)


def _erase_from_table(lake: Lake, declared: catalog.Table, pseudonyms: list[str], own_posts: list[str],
                      run_id: str) -> tuple[int, int]:
    """Erase a subject from a derived table, driven by the catalog's person columns: rows whose
    identity (post key, author, edge end) is the subject or one of the subject's posts are
    deleted; in the other rows, text and lists that name the subject have the pseudonym replaced
    by u_erased and list entries about the subject's posts removed. One commit, or none."""
    frame = lake.read(declared.name)
    pattern = "|".join(pseudonyms)
    types = {f.name: f.dataType for f in frame.schema.fields}
    identity = [c for c in declared.person_columns if c in IDENTITY_COLUMNS and c in types]
    others = [c for c in declared.person_columns if c not in identity and c in types]
    gone = F.lit(False)
    for column in identity:
        gone = gone | F.col(column).isin(pseudonyms + own_posts) | F.coalesce(F.col(column).rlike(pattern), F.lit(False))
    naming = F.lit(False)
    for column in others:
        naming = naming | F.coalesce(F.to_json(F.struct(F.col(column))).rlike(pattern), F.lit(False))
        if own_posts and isinstance(types[column], ArrayType) and isinstance(types[column].elementType, StructType):
            naming = naming | F.exists(F.coalesce(F.col(column), F.array()), lambda e: e[S.POST_KEY].isin(own_posts))
    counts = frame.agg(F.sum(gone.cast("int")).alias("gone"), F.sum((~gone & naming).cast("int")).alias("naming")).first()
    if not (counts["gone"] or counts["naming"]):
        return 0, 0

    def scrub(column: str) -> F.Column:
        dtype = types[column]
        if isinstance(dtype, ArrayType) and isinstance(dtype.elementType, StructType):
            fields = dtype.elementType.fieldNames()
            kept = F.filter(F.col(column), lambda e: ~e[S.POST_KEY].isin(own_posts)) \
                if own_posts and S.POST_KEY in fields else F.col(column)
            return F.transform(kept, lambda e: F.struct(*[
                F.regexp_replace(e[f], pattern, ERASED).alias(f) if isinstance(dtype.elementType[f].dataType, StringType)
                else e[f].alias(f) for f in fields])).alias(column)
        if isinstance(dtype, ArrayType):
            return F.transform(F.col(column), lambda v: F.regexp_replace(v, pattern, ERASED)).alias(column)
        return F.regexp_replace(F.col(column), pattern, ERASED).alias(column)

    rewritten = frame.where(~gone).select(*[scrub(c) if c in others else F.col(c) for c in frame.columns])
    lake.write(declared.name, rewritten, mode="overwrite", run_id=run_id, operation="ERASURE")
    return int(counts["gone"] or 0), int(counts["naming"] or 0)


def _erase_from_exports(root: str, pseudonyms: list[str]) -> int:
    """Remove the subject's nodes (and their edges) from the GEXF exports of a local lake;
    returns how many files were rewritten."""
    if "://" in root or not Path(root, "_exports").is_dir():
        return 0
    import networkx as nx

    changed = 0
    for path in sorted(Path(root, "_exports").glob("*.gexf")):
        if not any(p in path.read_text(encoding="utf-8") for p in pseudonyms):
            continue
        graph = nx.read_gexf(path)
        graph.remove_nodes_from([n for n in list(graph.nodes) if n in pseudonyms])
        nx.write_gexf(graph, path)
        if any(p in path.read_text(encoding="utf-8") for p in pseudonyms):
            raise RuntimeError(f"{path} still names an erased pseudonym after rewriting: delete the file")
        changed += 1
    return changed


def _delete_html_reports(root: str) -> int:
    """The gold HTML reports of a local lake quote sample posts and pseudonyms that may be the
    subject's (their text alone need not name them): delete every one. Returns how many."""
    if "://" in root:
        return 0
    from socialake.serving.report import EXPORTS_DIR, REPORT_PREFIX

    old = sorted(Path(root, EXPORTS_DIR).glob(f"{REPORT_PREFIX}*.html"))
    for path in old:
        path.unlink()
    return len(old)


def _render_html_report(root: str, run_id: str) -> None:
    """A fresh report from the erased gold tables in place of the deleted ones (best effort: the
    erasure is done either way; `socialake report` renders one later)."""
    from socialake.serving.report import write_report

    try:
        write_report(root, run_id)
    except Exception:  # noqa: BLE001 - logged; the erasure itself succeeded
        logging.getLogger(__name__).warning("the HTML report could not be rendered after the erasure: "
                                            "run `socialake report`", exc_info=True)


def erasure_token(key: PseudonymKey, pseudonym: str) -> str:
    """What ops.erasures stores for a pseudonym: keyed, so it matches nothing in the lake."""
    return key.pseudonym("erasure-log", pseudonym)


def _record_erasure(lake: Lake, key: PseudonymKey, pseudonyms: list[str], platform: str,
                    deleted: dict[str, int], run_id: str) -> None:
    rows = [(erasure_token(key, p), platform, datetime.now(timezone.utc), run_id, sum(deleted.values()))
            for p in pseudonyms]
    frame = lake.spark.createDataFrame(
        rows, "erasure_token string, platform string, erased_at timestamp, run_id string, rows_deleted long")
    lake.write(OPS_ERASURES, frame, mode="append", run_id=run_id, operation="ERASURE")
