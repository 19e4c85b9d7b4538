"""The report page and the snapshot under it, on the hand-made lake of conftest.py (no Spark).
Expected values are worked out by hand from the fixture rows (see the comments there)."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from socialake import catalog
from socialake.serving.report import render_report, write_report
from socialake.serving.snapshot import READS, TABLES, load_snapshot

GENERATED_AT = datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)
A1, A2, A3, A4, A5 = (f"u_{str(i) * 32}" for i in range(1, 6))


def render(root: Path) -> str:
    return render_report(load_snapshot(str(root)), generated_at=GENERATED_AT)


@pytest.fixture(scope="module")
def full_page(gold_lake) -> str:
    return render(gold_lake)


def test_totals_are_the_fixture_totals(full_page, read_page):
    page = read_page(full_page)
    assert (page.value("total-posts"), page.texts["total-posts"]) == ("27", "27")
    assert page.value("total-authors") == "5"     # A1, A2, A3, A4, A6 posted; A5 was only mentioned
    assert page.value("total-alerts") == "3"


def test_the_daily_cube_carries_gold_rows_as_they_are(full_page, read_page):
    cube = read_page(full_page).data()["daily"]
    by_platform: dict[str, int] = {}
    for row in cube["rows"]:
        by_platform[cube["platforms"][row[1]]] = by_platform.get(cube["platforms"][row[1]], 0) + row[4]
    assert by_platform == {"x": 17, "reddit": 7, "mastodon": 3}
    assert cube["days"] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert [t["name"] for t in cube["topics"]] == ["t0 vote election ballot", "t1 rain storm flood", "(no topic)"]
    de = [row for row in cube["rows"] if cube["langs"][row[2]] == "de"]
    assert [row[4:] for row in de] == [[5, 3, 1, 1, -0.3, 12]]


def test_filter_options_list_the_cube_values(full_page, read_page):
    page = read_page(full_page)
    options = {}
    current = None
    for tag, attributes in page.tags:
        if tag == "select":
            current = attributes["id"]
            options[current] = []
        elif tag == "option" and current:
            options[current].append(attributes["value"])
    assert options == {"filter-platform": ["", "mastodon", "reddit", "x"], "filter-lang": ["", "de", "en"],
                       "filter-topic": ["", "0", "1", "2"]}
    assert (page.attributes["filter-from"]["value"], page.attributes["filter-to"]["value"]) == ("2026-11-01",
                                                                                                "2026-11-03")


def test_alerts_show_their_baseline_and_samples(full_page, read_page):
    page = read_page(full_page)
    alerts = {a["alert_id"]: a for a in page.data()["alerts"]}
    assert {k: (a["posts"], a["baseline_median"], a["robust_z"], a["ratio"]) for k, a in alerts.items()} == {
        "al-storm": (40, 4.0, 12.5, 10.0), "al-all": (25, 10.0, 4.2, 2.5), "al-flood": (12, 2.0, 6.1, 6.0)}
    rows = page.rows["alert-table"]
    assert [r[0]["data-alert-id"] for r in rows] == ["al-flood", "al-storm", "al-all"]   # newest hour first
    assert [r[0]["data-day"] for r in rows] == ["2026-11-03", "2026-11-02", "2026-11-01"]
    assert rows[0][1][:8] == ["2026-11-03 20:00:00 UTC", "keyword", "flood", "12", "2.0", "1.0", "6.10", "6.00"]
    assert "Flood warning, write to <EMAIL>" in rows[0][1][8]


def test_topics_show_terms_and_coherence(full_page, read_page):
    page = read_page(full_page)
    topics = {t["topic_id"]: (t["top_terms"], t["npmi"]) for t in page.data()["topics"]}
    assert topics == {0: (["vote", "election", "ballot", "poll"], 0.21), 1: (["rain", "storm", "flood", "wind"], 0.134)}
    rows = page.rows["topic-table"]
    assert rows[1][1] == ["1", "rain storm flood", "rain (0.350), storm (0.300), flood (0.200), wind (0.150)",
                          "0.134", "topics-lda@3"]


def test_trends_are_the_daily_buckets_only(full_page, read_page):
    trends = read_page(full_page).data()["trends"]
    assert trends["hashtag"] == {"values": ["storm"], "rows": [["2026-11-01", 0, 2, 0.1, 0.2],
                                                                ["2026-11-02", 0, 9, 0.1, 0.6]]}
    assert trends["keyword"]["values"] == ["flood"]
    assert trends["topic"]["values"] == ["t0 vote election ballot"]   # t0 named after gold.dim_topic


def test_the_graph_holds_the_top_authors_and_their_interactions(full_page, read_page):
    graph = read_page(full_page).data()["graph"]
    labels = [n["label"] for n in graph["nodes"]]
    assert labels == [f"{a[:10]}…" for a in (A1, A2, A3, A4, A5)]   # PageRank order; A6 has none
    assert [n["community"] for n in graph["nodes"]] == ["c0000", "c0000", "c0001", "c0001", "c0001"]
    edges = {(labels[i], labels[j]): w for i, j, w in graph["edges"]}
    short = {a: f"{a[:10]}…" for a in (A1, A2, A3, A4)}
    assert edges == {(short[A1], short[A2]): 2, (short[A1], short[A3]): 1, (short[A3], short[A4]): 1}
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in graph["nodes"])


def test_communities_and_coordination_tables(full_page, read_page):
    page = read_page(full_page)
    assert [r[1][:6] for r in page.rows["community-table"]] == [
        ["c0001", "3", "6", "-0.100", "rain storm flood", "storm"],
        ["c0000", "2", "13", "0.300", "vote election ballot", "vote, ballot2026"]]
    (coordination,) = page.rows["coordination-table"]
    assert coordination[1][:8] == ["near_duplicate", "x:77", "3", "4", "2026-11-02 10:00:00 UTC",
                                   "2026-11-02 10:02:00 UTC", "120", "1.50"]
    assert coordination[1][8].count("Same text <EMAIL>") == 2


def test_quality_gates_of_the_latest_run_and_the_ledger(full_page, read_page):
    page = read_page(full_page)
    checks = [r[1][:6] + [r[1][6]] for r in page.rows["check-table"]]
    assert checks == [["gold.alerts", "alert_id_unique", "warn", "pass", "27", "0", "v1"],
                      ["gold.daily_aggregates", "posts_positive", "warn", "FAIL", "27", "2", "v2"]]
    runs = [(r[1][2], r[1][3], r[1][6], r[1][7]) for r in page.rows["run-table"]]
    assert runs == [("*", "succeeded", "mlf-0123abcd", ""), ("star", "succeeded", "mlf-0123abcd", "silver.posts@4")]


def test_lineage_names_runs_and_versions(full_page, read_page):
    page = read_page(full_page)
    provenance = page.texts["provenance"]
    assert "gold_run_id 20261103T120000Z-aaaa1111" in provenance
    assert "mlflow_run_id mlf-0123abcd" in provenance and "silver_version 4" in provenance
    assert "gold.daily_aggregates v0" in provenance
    lineage = {r[0]["data-table"]: r[0]["data-version"] for r in page.rows["lineage-table"]}
    assert lineage["gold.daily_aggregates"] == "0" and lineage["gold.dim_date"] == ""


def test_post_text_is_escaped(full_page, hostile_text):
    assert hostile_text not in full_page
    assert "<img src=x onerror=1>" not in full_page
    assert html.escape(hostile_text, quote=True) in full_page


def test_text_in_the_inline_json_cannot_close_its_script(tmp_path, write_gold, read_page):
    label = '</script><script>alert("x")</script> & co'
    write_gold(tmp_path, "gold.daily_aggregates", [{"date_key": 20261101, "platform": "x", "lang": "en", "topic_id": 0,
                                                     "posts": 1, "negative": 0, "neutral": 1, "positive": 0,
                                                     "mean_sentiment": 0.0, "engagement": 0}])
    write_gold(tmp_path, "gold.dim_topic", [{"topic_id": 0, "label": label, "top_terms": ["a"], "term_weights": [1.0],
                                             "npmi": 0.0, "topic_model": "m"}])
    source = render(tmp_path)
    block = re.search(r'<script type="application/json" id="gold-data">(.*?)</script>', source, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert read_page(source).data()["topics"][0]["label"] == label


def test_the_page_is_self_contained(full_page, read_page):
    tags = read_page(full_page).tags
    assert not [a for t, a in tags if t == "script" and "src" in a]
    assert not [a for t, a in tags if t == "link" and re.match(r"\s*(https?:)?//", a.get("href", ""))]
    assert not re.search(r"<script[^>]*\bsrc\s*=", full_page, re.I)
    assert "Plotly.react" in full_page and "plotly.js v" in full_page   # the library is inline


def test_an_empty_lake_says_what_to_run(tmp_path, read_page):
    source = render(tmp_path)
    page = read_page(source)
    assert page.texts["empty-lake"] == f"no gold tables yet under {tmp_path}: run socialake gold"
    assert "Traceback" not in source and "total-posts" not in page.attributes


def test_a_half_built_lake_renders_what_it_can(half_built_lake, read_page):
    page = read_page(render(half_built_lake))
    assert page.value("total-posts") == "27"
    assert (page.value("total-alerts"), page.texts["total-alerts"]) == ("", "n/a")
    assert "fig-volume" in page.attributes and "topic-table" in page.rows
    assert "fig-graph" not in page.attributes and "alert-table" not in page.rows
    for table in ("gold.alerts", "gold.trends", "gold.communities", "gold.coordination", "gold.dim_author",
                  "gold.fact_interactions", "ops.runs", "ops.validation_results"):
        assert page.missing[table] == f"{table} is not in the lake yet: run socialake gold"
    assert "gold.daily_aggregates" not in page.missing


def test_an_unreadable_table_is_reported_not_raised(fresh_gold_lake, read_page):
    from deltalake import write_deltalake
    import pyarrow as pa

    write_deltalake(str(fresh_gold_lake / "gold" / "alerts"), pa.table({"alert_id": ["a"]}), mode="overwrite",
                    schema_mode="overwrite")   # a table without the columns the page reads
    page = read_page(render(fresh_gold_lake))
    assert page.missing["gold.alerts"].startswith("gold.alerts could not be read (")
    assert page.value("total-posts") == "27"


def test_write_report_writes_under_exports(fresh_gold_lake, read_page):
    path = write_report(str(fresh_gold_lake), "20261203T093000Z-0a1b2c3d", generated_at=GENERATED_AT)
    assert path == fresh_gold_lake / "_exports" / "gold-report-20261203T093000Z-0a1b2c3d.html"
    assert read_page(path.read_text(encoding="utf-8")).value("total-posts") == "27"


def test_write_report_skips_remote_roots_and_refuses_odd_run_ids(fresh_gold_lake):
    assert write_report("s3://bucket/lake", "20261203T093000Z-0a1b2c3d") is None
    with pytest.raises(ValueError, match="cannot name a file"):
        write_report(str(fresh_gold_lake), "../escape")


def test_the_snapshot_reads_gold_and_ops_only_in_catalog_columns():
    assert all(name.split(".")[0] in ("gold", "ops") for name in TABLES)
    for view, read in READS.items():
        declared = {c.name for c in catalog.table(read.table).columns}
        assert set(read.columns) <= declared, view
        assert {column for column, _, _ in read.filters} <= declared, view


def test_the_snapshot_records_versions_and_missing_tables(fresh_gold_lake, write_gold, fixture_daily):
    write_gold(fresh_gold_lake, "gold.daily_aggregates", fixture_daily)   # version 1
    snapshot = load_snapshot(str(fresh_gold_lake))
    versions = dict(snapshot.versions)
    assert versions["gold.daily_aggregates"] == 1 and versions["gold.alerts"] == 0
    assert versions["gold.dim_date"] is None and snapshot.tables["gold.dim_date"].problem is None
    assert snapshot.tables["gold.alerts"].lineage.silver_versions == (4,)
