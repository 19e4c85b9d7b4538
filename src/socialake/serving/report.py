"""The gold report: one self-contained HTML page (plotly.js, the data and a small script inline;
nothing fetched at view time) of what gold holds, from a GoldSnapshot.

The page model is shaped by small pure pandas functions (top half); the HTML is written from it
(bottom half). Every number on the page is a gold value or a sum of gold counts; filters run in
the browser on the day x platform x language x topic cube of gold.daily_aggregates.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd

from socialake import schemas as S
from socialake.serving.snapshot import (GRAPH_AUTHORS, OPS_RUNS, OPS_VALIDATION_RESULTS, TABLES, GoldSnapshot,
                                        load_snapshot)

NO_TOPIC = "(no topic)"
NONE_LABEL = "(none)"
TREND_DIMENSIONS = ("topic", "hashtag", "keyword")
TREND_TOP_VALUES = 10      # series drawn per trend dimension (the most posts in the date range)
GRAPH_COLOURED = 8         # communities with their own colour in the graph; the rest are "other"
LEDGER_RUNS = 10           # job runs of ops.runs shown
EXPORTS_DIR = "_exports"
REPORT_PREFIX = "gold-report-"   # <root>/_exports/gold-report-<run id>.html (erasure replaces them all)


# --- the page model: pandas -> plain, JSON-able values -----------------------------------------

def day_of_key(date_key: int) -> str:
    """yyyymmdd -> 'yyyy-mm-dd'."""
    return f"{date_key // 10000:04d}-{date_key // 100 % 100:02d}-{date_key % 100:02d}"


def topic_names(topics: pd.DataFrame | None) -> dict[int, str]:
    """topic_id -> 't<id> <label>' from gold.dim_topic (empty when it is missing)."""
    if topics is None:
        return {}
    return {int(t.topic_id): f"t{int(t.topic_id)} {t.label or ''}".rstrip() for t in topics.itertuples()}


def daily_cube(daily: pd.DataFrame, names: Mapping[int, str]) -> dict[str, Any]:
    """gold.daily_aggregates as a dictionary-encoded cube: the distinct days, platforms,
    languages and topics, and one row per cell [day, platform, lang, topic (indexes), posts,
    negative, neutral, positive, mean_sentiment, engagement] with gold's values as they are."""
    cells = daily.assign(day=daily["date_key"].map(lambda k: day_of_key(int(k))),
                         platform=daily["platform"].fillna(NONE_LABEL), lang=daily["lang"].fillna(NONE_LABEL))
    days = sorted(cells["day"].unique().tolist())
    platforms = sorted(cells["platform"].unique().tolist())
    langs = sorted(cells["lang"].unique().tolist())
    topic_ids = sorted(int(t) for t in cells["topic_id"].dropna().unique())
    topics = [{"id": t, "name": names.get(t, f"t{t}")} for t in topic_ids]
    if cells["topic_id"].isna().any():
        topics.append({"id": None, "name": NO_TOPIC})
    code = {"day": {d: i for i, d in enumerate(days)}, "platform": {p: i for i, p in enumerate(platforms)},
            "lang": {lang: i for i, lang in enumerate(langs)}}
    topic_code = {t["id"]: i for i, t in enumerate(topics)}
    rows = [[code["day"][c.day], code["platform"][c.platform], code["lang"][c.lang],
             topic_code[None if pd.isna(c.topic_id) else int(c.topic_id)],
             *(json_value(v) for v in (c.posts, c.negative, c.neutral, c.positive, c.mean_sentiment, c.engagement))]
            for c in cells.sort_values(["day", "platform", "lang", "topic_id"]).itertuples()]
    return {"days": days, "platforms": platforms, "langs": langs, "topics": topics,
            "columns": ["day", "platform", "lang", "topic", "posts", "negative", "neutral", "positive",
                        "mean_sentiment", "engagement"], "rows": rows}


def author_counts(authors: pd.DataFrame) -> dict[str, Any]:
    """Posting authors of gold.dim_author (rows with posts > 0, as read): total and per platform."""
    by_platform = authors["platform"].dropna().value_counts()
    return {"total": len(authors), "by_platform": {str(p): int(n) for p, n in sorted(by_platform.items())}}


def trend_series(trends: pd.DataFrame, names: Mapping[int, str]) -> dict[str, Any]:
    """Daily gold.trends per dimension (topic, hashtag, keyword): the values, and one row per
    (day, value) [day, value index, posts, mean_sentiment, share_of_voice]. Topic values t<id>
    are named after gold.dim_topic."""
    series: dict[str, Any] = {}
    for dimension in TREND_DIMENSIONS:
        rows = trends[trends["dimension"] == dimension].sort_values(["bucket_start", "value"])
        display = rows["value"].map(lambda v: _topic_value_name(v, names) if dimension == "topic" else v)
        values = sorted(display.unique().tolist())
        index = {v: i for i, v in enumerate(values)}
        series[dimension] = {"values": values, "rows": [
            [day_of(r.bucket_start), index[name], json_value(r.posts), json_value(r.mean_sentiment),
             json_value(r.share_of_voice)] for r, name in zip(rows.itertuples(), display)]}
    return series


def _topic_value_name(value: str, names: Mapping[int, str]) -> str:
    match = re.fullmatch(r"t(\d+)", value or "")
    return names.get(int(match.group(1)), value) if match else value


def alert_rows(alerts: pd.DataFrame) -> list[dict[str, Any]]:
    """gold.alerts, newest hour first, with their baseline and sample posts (already redacted)."""
    rows = []
    for a in alerts.sort_values(["bucket_start", "alert_id"], ascending=[False, True]).itertuples():
        samples = [{"created_at": stamp(p["created_at"]), "post_key": p["post_key"],
                    "engagement": json_value(p["engagement"]), "text": p["text"]} for p in _items(a.sample_posts)]
        rows.append({"alert_id": a.alert_id, "day": day_of(a.bucket_start), "bucket_start": stamp(a.bucket_start),
                     "dimension": a.dimension, "value": a.value, "posts": json_value(a.posts),
                     "baseline_median": json_value(a.baseline_median), "baseline_mad": json_value(a.baseline_mad),
                     "robust_z": json_value(a.robust_z), "ratio": json_value(a.ratio), "sample_posts": samples})
    return rows


def topic_rows(topics: pd.DataFrame) -> list[dict[str, Any]]:
    """gold.dim_topic by topic id: label, top terms with weights, NPMI coherence, model."""
    return [{"topic_id": int(t.topic_id), "label": t.label, "top_terms": [str(term) for term in _items(t.top_terms)],
             "term_weights": [json_value(w) for w in _items(t.term_weights)], "npmi": json_value(t.npmi),
             "topic_model": t.topic_model} for t in topics.sort_values("topic_id").itertuples()]


def community_rows(communities: pd.DataFrame) -> list[dict[str, Any]]:
    """gold.communities, largest first: size, posts, mean sentiment, top topics and hashtags."""
    ordered = communities.sort_values(["authors", "community_id"], ascending=[False, True])
    return [{"community_id": c.community_id, "authors": json_value(c.authors), "posts": json_value(c.posts),
             "mean_sentiment": json_value(c.mean_sentiment), "top_topics": [str(t) for t in _items(c.top_topics)],
             "top_hashtags": [str(h) for h in _items(c.top_hashtags)]} for c in ordered.itertuples()]


def author_graph(top_authors: pd.DataFrame, interactions: pd.DataFrame, *,
                 limit: int = GRAPH_AUTHORS) -> dict[str, Any] | None:
    """The interaction graph among the `limit` authors with the highest PageRank, laid out
    with igraph's Kamada-Kawai (deterministic: it starts from a circle): nodes with x, y,
    community, colour group and rank; undirected edges [i, j, interactions]. None when empty."""
    import igraph as ig

    top = top_authors.dropna(subset=["pagerank"]).sort_values(["pagerank", "author_pseudonym"],
                                                              ascending=[False, True]).head(limit)
    if top.empty:
        return None
    index = {a: i for i, a in enumerate(top["author_pseudonym"])}
    weights = Counter(tuple(sorted((index[s], index[d]))) for s, d in zip(interactions["src"], interactions["dst"])
                      if s in index and d in index and s != d)
    edges = sorted(weights)
    graph = ig.Graph(n=len(index), edges=edges)
    coords = graph.layout_kamada_kawai().coords if len(index) > 1 else [[0.0, 0.0]]
    communities = top["community_id"].fillna(NONE_LABEL).tolist()
    coloured = [c for c, _ in Counter(communities).most_common(GRAPH_COLOURED)]
    nodes = [{"label": _short(a.author_pseudonym), "community": community,
              "group": community if community in coloured else "other", "rank": json_value(a.pagerank_rank),
              "pagerank": json_value(a.pagerank), "x": round(x, 4), "y": round(y, 4)}
             for a, community, (x, y) in zip(top.itertuples(), communities, coords)]
    return {"nodes": nodes, "edges": [[i, j, weights[(i, j)]] for i, j in edges], "groups": [*coloured, "other"]}


def coordination_rows(coordination: pd.DataFrame) -> list[dict[str, Any]]:
    """gold.coordination, highest score first, with the evidence posts (already redacted)."""
    ordered = coordination.sort_values(["score", "coordination_id"], ascending=[False, True])
    return [{"coordination_id": c.coordination_id, "signal": c.signal, "group_key": c.group_key,
             "accounts": json_value(c.accounts), "posts": json_value(c.posts), "first_at": stamp(c.first_at),
             "last_at": stamp(c.last_at), "span_seconds": json_value(c.span_seconds), "score": json_value(c.score),
             "evidence": [{"created_at": stamp(e["created_at"]), "post_key": e["post_key"],
                           "author": e["author_pseudonym"], "text": e["text"]} for e in _items(c.evidence)]}
            for c in ordered.itertuples()]


def latest_checks(checks: pd.DataFrame) -> list[dict[str, Any]]:
    """ops.validation_results of the latest run that checked each table (failures first)."""
    if checks.empty:
        return []
    newest = checks.sort_values("evaluated_at").groupby("table_name")["run_id"].last()
    latest = checks[checks["run_id"] == checks["table_name"].map(newest)]
    ordered = latest.sort_values(["table_name", "success", "check_name"])
    return [{"table_name": c.table_name, "check_name": c.check_name, "action": c.action,
             "success": bool(c.success), "element_count": json_value(c.element_count),
             "unexpected_count": json_value(c.unexpected_count), "run_id": c.run_id,
             "evaluated_at": stamp(c.evaluated_at), "error": c.error} for c in ordered.itertuples()]


def latest_runs(runs: pd.DataFrame, *, last: int = LEDGER_RUNS) -> list[dict[str, Any]]:
    """The rows of ops.runs of the `last` job runs (newest first; products in start order),
    with the input versions as 'table@version'."""
    if runs.empty:
        return []
    newest = runs.groupby("run_id")["started_at"].min().sort_values(ascending=False).head(last)
    order = {run_id: i for i, run_id in enumerate(newest.index)}
    chosen = runs[runs["run_id"].isin(order)].assign(_order=lambda r: r["run_id"].map(order))
    return [{"run_id": r.run_id, "job": r.job, "product": r.product, "status": r.status,
             "started_at": stamp(r.started_at), "seconds": json_value(r.seconds), "mlflow_run_id": r.mlflow_run_id,
             "inputs": [f"{i['table_name']}@{i['version']}" for i in _items(r.inputs)], "note": r.note}
            for r in chosen.sort_values(["_order", "started_at"]).itertuples()]


def lineage_rows(snapshot: GoldSnapshot) -> list[dict[str, Any]]:
    """Per table read: its Delta version (null: missing), the problem if unreadable, and for
    gold tables the distinct gold_run_id, mlflow_run_id and silver_version on its rows."""
    rows = []
    for name in TABLES:
        state = snapshot.tables[name]
        lineage = state.lineage
        rows.append({"table": name, "version": state.version, "problem": state.problem,
                     "gold_run_ids": list(lineage.gold_run_ids) if lineage else [],
                     "mlflow_run_ids": list(lineage.mlflow_run_ids) if lineage else [],
                     "silver_versions": list(lineage.silver_versions) if lineage else []})
    return rows


def date_range(*days: Iterable[str]) -> dict[str, str] | None:
    """The first and last of all `days` ('yyyy-mm-dd'), None when there are none."""
    every = sorted(d for group in days for d in group)
    return {"from": every[0], "to": every[-1]} if every else None


def page_model(snapshot: GoldSnapshot) -> dict[str, Any]:
    """Everything the page shows, as plain values; a view is None when its table is not there."""
    def shaped(view: str, shape: Callable[..., Any], *args: Any) -> Any:
        frame = snapshot.frame(view)
        return None if frame is None else shape(frame, *args)

    names = topic_names(snapshot.frame("topics"))
    cube = shaped("daily", daily_cube, names)
    trends = shaped("trends", trend_series, names)
    alerts = shaped("alerts", alert_rows)
    interactions = snapshot.frame("interactions")
    return {
        "daily": cube, "trends": trends, "alerts": alerts,
        "authors": shaped("authors", author_counts),
        "topics": shaped("topics", topic_rows),
        "communities": shaped("communities", community_rows),
        "graph": None if interactions is None else shaped("top_authors", author_graph, interactions),
        "coordination": shaped("coordination", coordination_rows),
        "checks": shaped("checks", latest_checks),
        "runs": shaped("runs", latest_runs),
        "lineage": lineage_rows(snapshot),
        "range": date_range(cube["days"] if cube else [],
                            [r[0] for series in (trends or {}).values() for r in series["rows"]],
                            [a["day"] for a in alerts or []]),
    }


def json_value(value: Any) -> Any:
    """A pandas/numpy scalar as a plain JSON value (NaN, NaT and None -> None)."""
    if value is None or (not isinstance(value, (str, bytes, list, tuple, dict)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def stamp(value: Any) -> str | None:
    """A timestamp as 'yyyy-mm-dd hh:mm:ss UTC' (None when null)."""
    if value is None or pd.isna(value):
        return None
    moment = pd.Timestamp(value)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def day_of(value: Any) -> str:
    """The UTC day of a timestamp, 'yyyy-mm-dd'."""
    moment = pd.Timestamp(value)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    return moment.strftime("%Y-%m-%d")


def _items(value: Any) -> list:
    return [] if value is None or (isinstance(value, float) and math.isnan(value)) else list(value)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _short(pseudonym: str | None) -> str:
    return f"{pseudonym[:10]}…" if pseudonym and len(pseudonym) > 10 else str(pseudonym)


# --- the page: model -> HTML ------------------------------------------------------------------

class Html(str):
    """Markup that is already escaped (everything else is escaped when written)."""


def esc(value: Any) -> Html:
    """`value` as HTML text: Html passes, None is empty, anything else is escaped."""
    if isinstance(value, Html):
        return value
    return Html("" if value is None else html.escape(str(value), quote=True))


def attrs(**values: Any) -> Html:
    """' name="value"' pairs (underscores in names become dashes), values escaped."""
    return Html("".join(f' {name.replace("_", "-")}="{esc(v)}"' for name, v in values.items() if v is not None))


def table_html(table_id: str, headers: Sequence[str], rows: Iterable[tuple[Mapping[str, Any], Sequence[Any]]]) -> Html:
    """A <table> with `headers`; each row is (attributes of its <tr>, cells)."""
    body = "".join(f"<tr{attrs(**row_attrs)}>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>"
                   for row_attrs, cells in rows)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return Html(f'<div class="scroll"><table id="{esc(table_id)}"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div>")


def number(value: Any, digits: int | None = None) -> str:
    """1234 -> '1,234'; floats to `digits` decimals; None -> ''."""
    if value is None:
        return ""
    if digits is None:
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def json_script(element_id: str, data: Any) -> Html:
    """`data` as a <script type="application/json"> block that no text inside can close:
    <, > and & are written as JSON unicode escapes."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Html(f'<script type="application/json" id="{esc(element_id)}">{text}</script>')


def missing_notes(snapshot: GoldSnapshot, tables: Sequence[str]) -> Html:
    """One message per table in `tables` that is not there or could not be read."""
    notes = []
    for name in tables:
        state = snapshot.tables[name]
        if state.present:
            continue
        message = (f"{name} could not be read ({state.problem})" if state.problem
                   else f"{name} is not in the lake yet: run socialake gold")
        notes.append(f'<p class="missing"{attrs(data_table=name)}>{esc(message)}</p>')
    return Html("".join(notes))


def section_html(section_id: str, title: str, content: str, notes: str = "") -> Html:
    """<section id=...><h2>title</h2>content notes</section> (content and notes already HTML)."""
    return Html(f'<section{attrs(id=section_id)}><h2>{esc(title)}</h2>{content}{notes}</section>')


def total_html(element_id: str, label: str, value: int | None, note: str) -> Html:
    shown = "n/a" if value is None else number(value)
    return Html(f'<div class="total"><span class="label">{esc(label)}</span>'
                f'<span{attrs(id=element_id, data_value="" if value is None else value)}>{esc(shown)}</span>'
                f'<span class="note">{esc(note)}</span></div>')


def select_html(element_id: str, label: str, options: Sequence[tuple[str, str]]) -> Html:
    choices = "".join(f"<option{attrs(value=v)}>{esc(text)}</option>" for v, text in [("", "all"), *options])
    return Html(f'<label>{esc(label)} <select{attrs(id=element_id)}>{choices}</select></label>')


def filters_html(model: Mapping[str, Any]) -> Html:
    cube, span = model["daily"], model["range"] or {}
    platforms = [(p, p) for p in cube["platforms"]] if cube else []
    langs = [(lang, lang) for lang in cube["langs"]] if cube else []
    topics = [(str(i), t["name"]) for i, t in enumerate(cube["topics"])] if cube else []
    bounds = {"min": span.get("from"), "max": span.get("to")}
    dates = "".join(f'<label>{esc(label)} <input type="date"{attrs(id=f"filter-{key}", value=span.get(key), **bounds)}>'
                    "</label>" for key, label in (("from", "from"), ("to", "to")))
    content = (f'<div class="filters">{dates}{select_html("filter-platform", "platform", platforms)}'
               f'{select_html("filter-lang", "language", langs)}{select_html("filter-topic", "topic", topics)}</div>'
               '<p class="note">Platform, language and topic apply to posts, volume, sentiment and topic volume '
               "(gold.daily_aggregates); authors follow the platform only (gold.dim_author); trends of topics, "
               "hashtags and watchlist terms (gold.trends) and alerts (gold.alerts) follow the dates only: they "
               "have no platform or language grain.</p>")
    return section_html("filters", "Filters", content)


def totals_html(model: Mapping[str, Any]) -> Html:
    cube, authors, alerts = model["daily"], model["authors"], model["alerts"]
    posts = sum(row[4] or 0 for row in cube["rows"]) if cube else None
    totals = (total_html("total-posts", "posts", posts, "gold.daily_aggregates, all filters")
              + total_html("total-authors", "authors who posted", authors["total"] if authors else None,
                           "gold.dim_author, platform filter")
              + total_html("total-alerts", "spike alerts", len(alerts) if alerts is not None else None,
                           "gold.alerts, date filter"))
    return section_html("totals", "Totals", f'<div class="totals">{totals}</div>')


def figure(element_id: str, title: str) -> Html:
    return Html(f'<div class="card"><h3>{esc(title)}</h3><div class="figure"{attrs(id=element_id)}></div></div>')


def volume_html(snapshot: GoldSnapshot, model: Mapping[str, Any]) -> Html:
    figures = ""
    if model["daily"]:
        figures = (f'<div class="grid">{figure("fig-volume", "Posts per day by platform")}'
                   f'{figure("fig-sentiment", "Mean sentiment per day by platform")}'
                   f'{figure("fig-sentiment-mix", "Sentiment mix per day")}'
                   f'{figure("fig-topic-volume", "Posts by topic")}</div>'
                   '<p class="note">Mean sentiment of a selection: gold\'s cell means weighted by the cell\'s '
                   "scored posts (negative + neutral + positive).</p>")
    return section_html("volume", "Volume and sentiment", figures,
                        missing_notes(snapshot, (S.GOLD_DAILY, S.GOLD_DIM_TOPIC)))


def trends_html(snapshot: GoldSnapshot, model: Mapping[str, Any]) -> Html:
    figures = ""
    if model["trends"]:
        cards = []
        for dimension, title in (("topic", "topics"), ("hashtag", "hashtags"), ("keyword", "watchlist terms")):
            cards.append(figure(f"fig-trend-{dimension}", f"Posts per day: {title}"))
            cards.append(figure(f"fig-sov-{dimension}", f"Share of voice per day: {title}"))
        figures = (f'<p class="note">Daily buckets of gold.trends; the {TREND_TOP_VALUES} series with the most '
                   "posts in the date range. Dates only (no platform or language grain).</p>"
                   f'<div class="grid">{"".join(cards)}</div>')
    return section_html("trends", "Trends and share of voice", figures, missing_notes(snapshot, (S.GOLD_TRENDS,)))


def topics_html(snapshot: GoldSnapshot, model: Mapping[str, Any]) -> Html:
    content = ""
    if model["topics"] is not None:
        rows = [({"data_topic_id": t["topic_id"]},
                 [t["topic_id"], t["label"],
                  ", ".join(f"{term} ({number(w, 3)})" for term, w in zip(t["top_terms"], t["term_weights"])),
                  number(t["npmi"], 3), t["topic_model"]]) for t in model["topics"]]
        content = table_html("topic-table", ("topic", "label", "top terms (weight)", "NPMI", "model"), rows)
    return section_html("topics", "Topics", content, missing_notes(snapshot, (S.GOLD_DIM_TOPIC,)))


def posts_html(posts: Sequence[Mapping[str, Any]], summary: str, *, author: bool = False) -> Html:
    """A collapsed list of (redacted) posts: time, key, author or engagement, text."""
    if not posts:
        return Html("")
    items = "".join(
        f'<li><span class="meta">{esc(p["created_at"])} · {esc(p["post_key"])} · '
        f'{esc(p["author"] if author else "engagement " + number(p["engagement"]))}</span>'
        f'<span class="text">{esc(p["text"])}</span></li>' for p in posts)
    return Html(f"<details><summary>{esc(summary)}</summary><ol>{items}</ol></details>")


def alerts_html(snapshot: GoldSnapshot, model: Mapping[str, Any]) -> Html:
    content = ""
    if model["alerts"] is not None:
        rows = [({"data_alert_id": a["alert_id"], "data_day": a["day"]},
                 [a["bucket_start"], a["dimension"], a["value"], number(a["posts"]), number(a["baseline_median"], 1),
                  number(a["baseline_mad"], 1), number(a["robust_z"], 2), number(a["ratio"], 2),
                  posts_html(a["sample_posts"], _count(len(a["sample_posts"]), "post"))]) for a in model["alerts"]]
        content = ('<p class="note">Hours whose posts spiked above the baseline (median and MAD of the '
                   f'previous hours); dates only. <span id="alerts-shown"></span></p>'
                   + table_html("alert-table", ("hour", "dimension", "series", "posts", "baseline median",
                                                "baseline MAD", "robust z", "ratio", "sample posts"), rows))
    return section_html("alerts", "Spike alerts", content, missing_notes(snapshot, (S.GOLD_ALERTS,)))


def communities_html(snapshot: GoldSnapshot, model: Mapping[str, Any]) -> Html:
    content = ""
    if model["graph"]:
        content += (figure("fig-graph", f"Interactions among the {len(model['graph']['nodes'])} authors with the "
                                        "highest PageRank, coloured by community")
                    + '<p class="note">gold.fact_interactions between authors of gold.dim_author; '
                      "Kamada-Kawai layout.</p>")
    if model["communities"] is not None:
        rows = [({"data_community_id": c["community_id"]},
                 [c["community_id"], number(c["authors"]), number(c["posts"]), number(c["mean_sentiment"], 3),
                  ", ".join(c["top_topics"]), ", ".join(c["top_hashtags"])]) for c in model["communities"]]
        content += (f'<p class="note">{number(len(rows))} communities, largest first.</p>'
                    + table_html("community-table", ("community", "authors", "posts", "mean sentiment", "top topics",
                                                     "top hashtags"), rows))
    notes = missing_notes(snapshot, (S.GOLD_COMMUNITIES, S.GOLD_DIM_AUTHOR, S.GOLD_FACT_INTERACTIONS))
    return section_html("communities", "Communities", content, notes)


def coordination_html(snapshot: GoldSnapshot, model: Mapping[str, Any]) -> Html:
    content = ""
    if model["coordination"] is not None:
        rows = [({"data_coordination_id": c["coordination_id"]},
                 [c["signal"], c["group_key"], number(c["accounts"]), number(c["posts"]), c["first_at"], c["last_at"],
                  number(c["span_seconds"]), number(c["score"], 2),
                  posts_html(c["evidence"], _count(len(c["evidence"]), "post"), author=True)])
                for c in model["coordination"]]
        content = table_html("coordination-table", ("signal", "group", "accounts", "posts", "first", "last",
                                                     "span s", "score", "evidence"), rows)
    return section_html("coordination", "Coordination", content, missing_notes(snapshot, (S.GOLD_COORDINATION,)))


def operations_html(snapshot: GoldSnapshot, model: Mapping[str, Any]) -> Html:
    content = ""
    if model["checks"] is not None:
        rows = [({"data_check": c["check_name"], "data_success": str(c["success"]).lower()},
                 [c["table_name"], c["check_name"], c["action"], "pass" if c["success"] else "FAIL",
                  number(c["element_count"]), number(c["unexpected_count"]), c["run_id"], c["evaluated_at"],
                  c["error"]]) for c in model["checks"]]
        content += ("<h3>Data-quality gates (the latest run that checked each table)</h3>"
                    + table_html("check-table", ("table", "check", "action", "result", "rows", "unexpected", "run",
                                                 "evaluated", "error"), rows))
    if model["runs"] is not None:
        rows = [({"data_run_id": r["run_id"]},
                 [r["run_id"], r["job"], r["product"], r["status"], r["started_at"], number(r["seconds"], 1),
                  r["mlflow_run_id"], ", ".join(r["inputs"]), r["note"]]) for r in model["runs"]]
        content += (f"<h3>Run ledger (the latest {LEDGER_RUNS} runs)</h3>"
                    + table_html("run-table", ("run", "job", "product", "status", "started", "seconds",
                                               "MLflow run", "inputs (table@version)", "note"), rows))
    return section_html("operations", "Quality and runs", content,
                        missing_notes(snapshot, (OPS_VALIDATION_RESULTS, OPS_RUNS)))


def provenance_html(model: Mapping[str, Any]) -> Html:
    """'Where these numbers come from': the gold runs, MLflow runs and silver versions on the
    gold rows, and each table's Delta version."""
    gold = [r for r in model["lineage"] if r["table"].startswith("gold.") and r["version"] is not None]
    runs = sorted({v for r in gold for v in r["gold_run_ids"]})
    mlflow = sorted({v for r in gold for v in r["mlflow_run_ids"]})
    silver = sorted({v for r in gold for v in r["silver_versions"]})
    versions = ", ".join(f"{r['table']} v{r['version']}" for r in model["lineage"] if r["version"] is not None)
    text = (f"Where these numbers come from: gold_run_id {', '.join(runs) or '-'}; mlflow_run_id "
            f"{', '.join(mlflow) or '-'}; silver_version {', '.join(map(str, silver)) or '-'}; "
            f"Delta versions: {versions or '-'}.")
    return Html(f'<p id="provenance">{esc(text)}</p>')


def lineage_html(model: Mapping[str, Any]) -> Html:
    rows = [({"data_table": r["table"], "data_version": r["version"] if r["version"] is not None else ""},
             [r["table"], "missing" if r["version"] is None and not r["problem"] else r["version"],
              ", ".join(r["gold_run_ids"]), ", ".join(r["mlflow_run_ids"]), ", ".join(map(str, r["silver_versions"])),
              r["problem"]]) for r in model["lineage"]]
    return section_html("lineage", "Lineage", table_html(
        "lineage-table", ("table", "Delta version", "gold_run_id", "mlflow_run_id", "silver_version", "problem"), rows))


def client_data(model: Mapping[str, Any]) -> dict[str, Any]:
    """What the page's script needs: the cube, author counts, trends, graph, date range, topics
    and the alerts without their sample posts (those are in the HTML table)."""
    data = {key: model[key] for key in ("daily", "authors", "trends", "graph", "range", "topics")}
    data["alerts"] = None if model["alerts"] is None else [
        {k: a[k] for k in ("alert_id", "day", "dimension", "value", "posts", "baseline_median", "robust_z", "ratio")}
        for a in model["alerts"]]
    data["trend_top"] = TREND_TOP_VALUES
    return data


def render_report(snapshot: GoldSnapshot, *, generated_at: datetime) -> str:
    """The whole page for `snapshot`: plotly.js, the page model (as inline JSON) and the script
    that draws and filters it, all inline. A lake without gold tables gives a page that says so."""
    model = page_model(snapshot)
    head = (f'<header><h1>socialake gold</h1><p>Lake <code>{esc(snapshot.root)}</code> · generated '
            f'{esc(generated_at.isoformat(timespec="seconds"))}</p>')
    if not snapshot.has_gold:
        empty = esc(f"no gold tables yet under {snapshot.root}: run socialake gold")
        body = f'{head}</header><p id="empty-lake" class="missing">{empty}</p>{operations_html(snapshot, model)}'
        return _document(generated_at, body, scripts="")
    body = (f"{head}{provenance_html(model)}</header>{filters_html(model)}{totals_html(model)}"
            f"{volume_html(snapshot, model)}{trends_html(snapshot, model)}{topics_html(snapshot, model)}"
            f"{alerts_html(snapshot, model)}{communities_html(snapshot, model)}{coordination_html(snapshot, model)}"
            f"{operations_html(snapshot, model)}{lineage_html(model)}")
    scripts = f"{json_script('gold-data', client_data(model))}<script>{plotly_js()}</script><script>{APP_JS}</script>"
    return _document(generated_at, body, scripts=scripts)


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The minified plotly.js bundled with the plotly package (read once per process)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _document(generated_at: datetime, body: str, *, scripts: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
            f'<meta name="generated-at"{attrs(content=generated_at.isoformat())}>'
            f"<title>socialake gold</title><style>{CSS}</style></head>"
            f'<body data-drawn="false">{body}{scripts}</body></html>')


def write_report(root: str, run_id: str, *, generated_at: datetime | None = None) -> Path | None:
    """Render the report of the lake at `root` to <root>/_exports/gold-report-<run_id>.html and
    return the path; None for a non-local root (one containing '://'), where nothing is written."""
    if "://" in root:
        return None
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", run_id):
        raise ValueError(f"run id {run_id!r} cannot name a file: use the run id the gold runner made (new_run_id)")
    page = render_report(load_snapshot(root), generated_at=generated_at or datetime.now(timezone.utc))
    path = Path(root) / EXPORTS_DIR / f"{REPORT_PREFIX}{run_id}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1400px;padding:0 16px;
color:#222}
h1{margin:16px 0 4px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}h3{font-size:14px;margin:6px 0}
code{background:#f3f3f3;padding:0 3px}.note{color:#555;font-size:12px}
.missing{background:#fff4e5;border-left:4px solid #f0a020;padding:6px 10px}
.filters{display:flex;flex-wrap:wrap;gap:16px;align-items:center}.totals{display:flex;gap:24px;flex-wrap:wrap}
.total{display:flex;flex-direction:column;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:180px}
.total .label{color:#555}.total span[id]{font-size:28px;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:12px}
.card{border:1px solid #eee;border-radius:6px;padding:6px}
.figure{min-height:320px}.scroll{max-height:480px;overflow:auto}
table{border-collapse:collapse;width:100%;font-size:12px}
th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
th{position:sticky;top:0;background:#fafafa}
details ol{margin:4px 0;padding-left:18px}li .meta{display:block;color:#666}li .text{white-space:pre-wrap}
"""

# Draws the figures from the inline JSON and re-draws them when a filter changes. Text only ever
# reaches the DOM through textContent and Plotly (which gets it entity-escaped).
APP_JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gold-data").textContent);
  var CONFIG = {displaylogo: false, responsive: true};
  var DAY_MS = 86400000;
  var LAYOUT = {margin: {t: 10, r: 10, b: 40, l: 50}, height: 320, legend: {orientation: "h"}};
  function byId(id) { return document.getElementById(id); }
  function plain(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function show(id, value) {
    var el = byId(id);
    if (!el) { return; }
    el.setAttribute("data-value", value === null ? "" : String(value));
    el.textContent = value === null ? "n/a" : value.toLocaleString("en-US");
  }
  function filters() {
    return {from: byId("filter-from").value || "0000-00-00", to: byId("filter-to").value || "9999-99-99",
            platform: byId("filter-platform").value, lang: byId("filter-lang").value,
            topic: byId("filter-topic").value};
  }
  function inDates(day, f) { return day >= f.from && day <= f.to; }
  function cells(f) {
    var c = D.daily;
    return c.rows.filter(function (r) {
      return inDates(c.days[r[0]], f) && (f.platform === "" || c.platforms[r[1]] === f.platform) &&
        (f.lang === "" || c.langs[r[2]] === f.lang) && (f.topic === "" || String(r[3]) === f.topic);
    });
  }
  function add(map, key, value) { map[key] = (map[key] || 0) + value; }
  function plot(id, traces, layout, promises) {
    var el = byId(id);
    if (el) { promises.push(Plotly.react(el, traces, Object.assign({}, LAYOUT, layout || {}), CONFIG)); }
  }
  function dayAxis(f) {
    if (!D.range) { return {type: "date"}; }
    var lo = f.from > D.range.from ? f.from : D.range.from, hi = f.to < D.range.to ? f.to : D.range.to;
    var start = Date.parse(lo + "T00:00:00Z"), end = Date.parse(hi + "T00:00:00Z");
    var every = Math.max(1, Math.ceil((end - start) / DAY_MS / 10));   // at most about 10 ticks, whole days
    return {type: "date", tickformat: "%b %d", tick0: start, dtick: every * DAY_MS,
            range: [start - DAY_MS / 2, end + DAY_MS / 2]};
  }
  function daysOf(rows) {
    var seen = {};
    rows.forEach(function (r) { seen[D.daily.days[r[0]]] = true; });
    return Object.keys(seen).sort();
  }
  function drawDaily(f, promises) {
    var c = D.daily, rows = cells(f), days = daysOf(rows), posts = 0;
    rows.forEach(function (r) { posts += r[4]; });
    show("total-posts", posts);
    var volume = {}, weighted = {}, scored = {}, mix = {negative: {}, neutral: {}, positive: {}}, topics = {};
    rows.forEach(function (r) {
      var day = c.days[r[0]], platform = c.platforms[r[1]], key = platform + "|" + day, n = r[5] + r[6] + r[7];
      add(volume, key, r[4]);
      if (r[8] !== null && n > 0) { add(weighted, key, r[8] * n); add(scored, key, n); }
      add(mix.negative, day, r[5]); add(mix.neutral, day, r[6]); add(mix.positive, day, r[7]);
      add(topics, c.topics[r[3]].name, r[4]);
    });
    var platforms = c.platforms.filter(function (p) { return f.platform === "" || p === f.platform; });
    plot("fig-volume", platforms.map(function (p) {
      return {type: "scatter", mode: "lines+markers", name: plain(p), x: days,
              y: days.map(function (d) { return volume[p + "|" + d] || 0; })};
    }), {hovermode: "x unified", xaxis: dayAxis(f)}, promises);
    plot("fig-sentiment", platforms.map(function (p) {
      return {type: "scatter", mode: "lines+markers", name: plain(p), x: days, connectgaps: false,
              y: days.map(function (d) { var k = p + "|" + d; return scored[k] ? weighted[k] / scored[k] : null; })};
    }), {hovermode: "x unified", xaxis: dayAxis(f), yaxis: {range: [-1, 1]}}, promises);
    plot("fig-sentiment-mix", ["negative", "neutral", "positive"].map(function (label) {
      return {type: "bar", name: label, x: days, width: 0.8 * DAY_MS,
              y: days.map(function (d) { return mix[label][d] || 0; })};
    }), {barmode: "stack", xaxis: dayAxis(f)}, promises);
    var names = Object.keys(topics).sort(function (a, b) { return topics[b] - topics[a] || (a < b ? -1 : 1); });
    plot("fig-topic-volume", [{type: "bar", orientation: "h", x: names.map(function (n) { return topics[n]; }),
                               y: names.map(plain)}],
         {yaxis: {autorange: "reversed", automargin: true}, margin: {t: 10, r: 10, b: 40, l: 160},
          height: Math.max(320, 22 * names.length)}, promises);
  }
  function drawAuthors(f) {
    if (!D.authors) { return; }
    show("total-authors", f.platform === "" ? D.authors.total : (D.authors.by_platform[f.platform] || 0));
  }
  function drawAlerts(f) {
    if (!D.alerts) { return; }
    var shown = 0, rows = document.querySelectorAll("#alert-table tbody tr");
    Array.prototype.forEach.call(rows, function (tr) {
      var visible = inDates(tr.getAttribute("data-day"), f);
      tr.style.display = visible ? "" : "none";
      if (visible) { shown += 1; }
    });
    show("total-alerts", shown);
    byId("alerts-shown").textContent = shown + " of " + D.alerts.length + " alerts in the date range.";
  }
  function drawTrends(f, promises) {
    if (!D.trends) { return; }
    Object.keys(D.trends).forEach(function (dimension) {
      var s = D.trends[dimension], rows = s.rows.filter(function (r) { return inDates(r[0], f); }), total = {};
      rows.forEach(function (r) { add(total, r[1], r[2]); });
      var top = Object.keys(total).map(Number).sort(function (a, b) { return total[b] - total[a] || a - b; })
        .slice(0, D.trend_top);
      function lines(column) {
        return top.map(function (v) {
          var own = rows.filter(function (r) { return r[1] === v; });
          return {type: "scatter", mode: "lines+markers", name: plain(s.values[v]),
                  x: own.map(function (r) { return r[0]; }), y: own.map(function (r) { return r[column]; })};
        });
      }
      plot("fig-trend-" + dimension, lines(2), {hovermode: "x unified", xaxis: dayAxis(f)}, promises);
      plot("fig-sov-" + dimension, lines(4), {hovermode: "x unified", xaxis: dayAxis(f), yaxis: {tickformat: ".0%"}},
           promises);
    });
  }
  function drawGraph(promises) {
    var g = D.graph;
    if (!g) { return; }
    var ex = [], ey = [];
    g.edges.forEach(function (e) {
      ex.push(g.nodes[e[0]].x, g.nodes[e[1]].x, null); ey.push(g.nodes[e[0]].y, g.nodes[e[1]].y, null);
    });
    var traces = [{type: "scatter", mode: "lines", x: ex, y: ey, hoverinfo: "skip", showlegend: false,
                   line: {width: 0.5, color: "#bbb"}}];
    g.groups.forEach(function (group) {
      var own = g.nodes.filter(function (n) { return n.group === group; });
      if (!own.length) { return; }
      traces.push({type: "scatter", mode: "markers", name: plain(group), x: own.map(function (n) { return n.x; }),
                   y: own.map(function (n) { return n.y; }), marker: {size: 9},
                   text: own.map(function (n) {
                     return plain(n.label + " · " + n.community + " · PageRank rank " + n.rank);
                   }), hoverinfo: "text"});
    });
    plot("fig-graph", traces, {height: 560, xaxis: {visible: false}, yaxis: {visible: false}}, promises);
  }
  function draw(first) {
    var f = filters(), promises = [];
    document.body.setAttribute("data-drawn", "false");
    if (D.daily) { drawDaily(f, promises); }
    drawAuthors(f);
    drawAlerts(f);
    drawTrends(f, promises);
    if (first) { drawGraph(promises); }
    Promise.all(promises).then(function () {
      document.body.setAttribute("data-drawn-ms", performance.now().toFixed(0));   // since navigation
      document.body.setAttribute("data-drawn", "true");
    });
  }
  ["filter-from", "filter-to", "filter-platform", "filter-lang", "filter-topic"].forEach(function (id) {
    byId(id).addEventListener("change", function () { draw(false); });
  });
  draw(true);
})();
"""
