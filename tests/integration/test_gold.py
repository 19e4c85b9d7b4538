"""Gold end to end on generated sample data: what was planted is recovered, every row carries
its lineage, the models and metrics are in MLflow, and an unchanged silver is a no-op."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.bronze import ingest
from socialake.gold import runner
from socialake.lake.embedded import EmbeddedLake
from socialake.sample import CSV_COLUMN_MAPPING, generate
from socialake.sample.score import score
from socialake.silver import job as silver_job
from socialake.silver.pseudonymise import PseudonymKey
from socialake.tracking import Tracker

pytestmark = pytest.mark.slow
KEY = PseudonymKey(b"gold-integration-secret-0123456789abcdef")


def test_planted_structure_is_recovered(gold_run):
    _, lake, _, sample = gold_run
    result = score(lake, sample / "truth", KEY)
    assert result.topic_nmi > 0.5
    assert result.community_nmi > 0.5
    assert result.sentiment_macro_recall_en > 0.5   # three classes: chance is 0.33
    assert result.spike_found, result.render()
    assert result.coordinated_found == result.coordinated_planted == 1


def test_every_gold_table_carries_lineage(gold_run):
    _, lake, report, _ = gold_run
    silver_version = lake.version(S.SILVER_POSTS)
    for table in S.GOLD_TABLES:
        frame = lake.read(table)
        lineage = frame.select(S.GOLD_RUN_ID, S.MLFLOW_RUN_ID, S.SILVER_VERSION).distinct().collect()
        assert [tuple(r) for r in lineage] == [("gold-1", report.mlflow_run_id, silver_version)], table


def test_per_post_tables_cover_every_silver_post_once(gold_run):
    _, lake, _, _ = gold_run
    silver_keys = lake.read(S.SILVER_POSTS).select(S.POST_KEY)
    for table in (S.GOLD_POST_SENTIMENT, S.GOLD_POST_TOPICS, S.GOLD_POST_EMBEDDINGS, S.GOLD_FACT_POSTS):
        keys = lake.read(table).select(S.POST_KEY)
        assert keys.count() == keys.distinct().count() == silver_keys.count(), table
        assert keys.exceptAll(silver_keys).count() == 0, table
    embedded = lake.read(S.GOLD_POST_EMBEDDINGS)
    assert embedded.select(F.size("embedding").alias("d")).distinct().collect()[0].d == 64
    assert embedded.select("embedding_model").distinct().collect()[0][0] == "static-64"


def test_star_schema_joins_and_adds_up(gold_run):
    _, lake, _, _ = gold_run
    fact, daily = lake.read(S.GOLD_FACT_POSTS), lake.read(S.GOLD_DAILY)
    assert daily.agg(F.sum("posts")).collect()[0][0] == fact.count()
    assert daily.agg(F.sum(F.col("negative") + F.col("neutral") + F.col("positive"))).collect()[0][0] == fact.count()
    dates = lake.read(S.GOLD_DIM_DATE).select("date_key")
    assert fact.select("date_key").distinct().join(dates, "date_key", "left_anti").count() == 0
    authors = lake.read(S.GOLD_DIM_AUTHOR)
    assert fact.select(S.AUTHOR_PSEUDONYM).distinct().join(authors, S.AUTHOR_PSEUDONYM, "left_anti").count() == 0
    topics = lake.read(S.GOLD_DIM_TOPIC).select("topic_id")
    assert fact.where("topic_id is not null").select("topic_id").distinct().join(
        topics, "topic_id", "left_anti").count() == 0
    # the community summary agrees with the author dimension
    sizes = {r.community_id: r.authors for r in lake.read(S.GOLD_COMMUNITIES).collect()}
    counted = {r.community_id: r["count"] for r in authors.where("community_id is not null")
               .groupBy("community_id").count().collect()}
    assert sizes == counted


def test_mlflow_has_the_runs_metrics_and_production_models(gold_run):
    run_cfg, _, report, _ = gold_run
    tracker = Tracker(run_cfg)
    run = tracker.client.get_run(report.mlflow_run_id)
    for metric in ("topics_npmi", "topics_diversity", "topics_log_perplexity", "modularity", "communities", "alerts"):
        assert metric in run.data.metrics, metric
    # the run names the engines resolved for it and the graph product the algorithm that ran
    assert run.data.params["engine_graph"] == "embedded" and run.data.params["graph_engine"] == "igraph"
    sentiment_version = tracker.production_version("sentiment")
    topics_version = tracker.production_version("topics")
    assert sentiment_version is not None and topics_version is not None
    candidates = tracker.client.search_runs([tracker.experiment_id], "tags.`socialake.stage` = 'sentiment'")
    assert {r.data.params["candidate"] for r in candidates} == {"vader", "tfidf-logreg", "vader-tfidf-logreg"}
    best = max(candidates, key=lambda r: r.data.metrics["macro_recall"])
    tags = tracker.model_version_tags("sentiment", sentiment_version[0])
    assert tags["candidate"] == best.data.params["candidate"]


def test_unchanged_silver_is_a_no_op(gold_run, spark):
    run_cfg, lake, _, _ = gold_run
    before = {t: lake.version(t) for t in S.GOLD_TABLES}
    again = runner.run(spark, run_cfg, lake, run_id="gold-2")
    assert not again.changed
    assert {t: lake.version(t) for t in S.GOLD_TABLES} == before


def test_gexf_export_is_written(gold_run):
    _, _, report, _ = gold_run
    import networkx as nx

    graph = nx.read_gexf(report.gexf)
    assert 0 < graph.number_of_nodes() <= 200
    assert Path(report.gexf).name.startswith("authors-top200-gold-1")


def test_written_tables_have_the_catalog_columns_and_types(gold_run):
    _, lake, _, _ = gold_run
    from socialake import catalog

    written = [t for t in catalog.tables() if lake.exists(t.name)]
    assert {t.name for t in catalog.tables("gold")} <= {t.name for t in written}
    for declared in written:
        actual = [(f.name, f.dataType) for f in lake.read(declared.name).schema.fields]
        assert actual == [(f.name, f.dataType) for f in declared.schema.fields], declared.name


def _comparable(lake, table: str) -> list[tuple]:
    """The rows of `table` without lineage columns, doubles rounded (nested ones too), sorted."""
    def plain(value):
        if isinstance(value, float):
            return round(value, 9)
        if isinstance(value, (list, tuple)):
            return tuple(plain(v) for v in value)
        if hasattr(value, "asDict"):
            return tuple(plain(v) for v in value)
        return value

    rows = lake.read(table).drop(S.GOLD_RUN_ID, S.MLFLOW_RUN_ID, S.SILVER_VERSION).collect()
    return sorted((plain(tuple(r)) for r in rows), key=repr)


def _ledger(lake, run_id: str) -> dict[str, str]:
    return {r["product"]: r["status"] for r in lake.read("ops.runs").where(F.col("run_id") == run_id).collect()}


def test_a_run_killed_between_products_resumes_to_the_clean_result(gold_run, spark):
    """A copy of the lake with its gold removed; `socialake gold` is killed (SIGKILL) as soon as
    the ledger shows the topics product done, then rerun. Every gold table must equal the
    clean run's, row for row, and the rerun must not redo what the killed run finished."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from deltalake import DeltaTable
    from deltalake.exceptions import TableNotFoundError

    run_cfg, lake, _, _ = gold_run
    root = Path(lake.cfg.root)
    copy = root.parent / (root.name + "-crash")
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("gold", "_exports"))
    shutil.rmtree(copy / "ops" / "runs")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, SOCIALAKE_SPARK_LOG_LEVEL="ERROR",
               SOCIALAKE_CONF_DIR=str(Path(__file__).parents[2] / "conf"))
    killed = subprocess.Popen([sys.executable, "-m", "socialake.cli", "gold", "--env", "test", "--lake-root", str(copy),
                               "--run-id", "crash-1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ledger, deadline, done = copy / "ops" / "runs", time.time() + 600, False
    try:
        while not done and time.time() < deadline and killed.poll() is None:
            if any((ledger / "_delta_log").glob("*.json")):
                try:
                    rows = DeltaTable(str(ledger)).to_pyarrow_table(columns=["product", "status"]).to_pylist()
                except TableNotFoundError:  # the first commit is being written
                    rows = []
                done = {"product": "topics", "status": "succeeded"} in rows
            time.sleep(0.1)
    finally:
        killed.send_signal(signal.SIGKILL)
        _, stderr = killed.communicate()
    assert done, stderr.decode()[-2000:]

    crash_cfg = run_cfg.model_copy(update={"lake": run_cfg.lake.model_copy(update={"root": str(copy)})})
    crashed = EmbeddedLake(spark, crash_cfg.lake)
    before = _ledger(crashed, "crash-1")
    assert before.get("sentiment") == before.get("topics") == "succeeded" and "*" not in before, before
    runner.run(spark, crash_cfg, crashed, run_id="resume-1")
    after = _ledger(crashed, "resume-1")
    assert after["sentiment"] == after["topics"] == "skipped", after
    assert after["*"] == "succeeded" and all(after[p] in ("succeeded", "skipped") for p in after), after
    for table in S.GOLD_TABLES:
        assert _comparable(crashed, table) == _comparable(lake, table), table


def test_a_changed_setting_reruns_that_product_and_its_readers_only(gold_run, spark):
    run_cfg, lake, _, _ = gold_run
    graph = run_cfg.gold.graph.model_copy(update={"top_n": 50})
    changed = run_cfg.model_copy(update={"gold": run_cfg.gold.model_copy(update={"graph": graph})})
    report = runner.run(spark, changed, lake, run_id="gold-3")
    statuses = _ledger(lake, "gold-3")
    # graph's settings changed; star reads gold.dim_author, which graph rewrote; the rest read neither
    assert statuses == {"*": "succeeded", "graph": "succeeded", "star": "succeeded", "sentiment": "skipped",
                        "topics": "skipped", "embeddings": "skipped", "coordination": "skipped",
                        "trends": "skipped"}, statuses
    assert Path(report.gexf).name.startswith("authors-top50-gold-3")


PER_POST = {"sentiment": S.GOLD_POST_SENTIMENT, "topics": S.GOLD_POST_TOPICS, "embeddings": S.GOLD_POST_EMBEDDINGS}


def test_gold_over_bronze_in_two_steps_equals_gold_over_all_of_it(gold_run, spark, tmp_path_factory):
    """The sample's landing files ingested in two halves, silver and the per-post products run
    after each, with the clean run's registry (same models). The second run computes only the
    posts added or changed in silver; its per-post tables equal the clean run's; a third run
    after a silver run with nothing new commits nothing."""
    run_cfg, lake, _, sample = gold_run
    clean_root = Path(lake.cfg.root)
    files = sorted(p for p in (sample / "landing").rglob("*") if p.is_file())
    root = tmp_path_factory.mktemp("gold_two_steps")
    two_cfg = run_cfg.model_copy(update={
        "lake": run_cfg.lake.model_copy(update={"root": str(root)}),
        "tracking": run_cfg.tracking.model_copy(update={
            "uri": f"sqlite:///{clean_root}/_mlflow/mlflow.db",
            "artifact_root": (clean_root / "_mlflow" / "artifacts").as_uri()})})
    steps = EmbeddedLake(spark, two_cfg.lake)
    only = list(PER_POST)

    def texts() -> dict[str, str | None]:
        return {r[0]: r[1] for r in steps.read(S.SILVER_POSTS).select(S.POST_KEY, S.TEXT).collect()}

    ingest.run(spark, two_cfg, steps, inputs=[p.as_uri() for p in files[::2]], run_id="two-b1")
    silver_job.run(spark, two_cfg, steps, run_id="two-s1", key=KEY)
    runner.run(spark, two_cfg, steps, run_id="two-g1", only=only)
    first = texts()
    ingest.run(spark, two_cfg, steps, inputs=[p.as_uri() for p in files[1::2]], run_id="two-b2")
    silver_job.run(spark, two_cfg, steps, run_id="two-s2", key=KEY)
    runner.run(spark, two_cfg, steps, run_id="two-g2", only=only)
    second = texts()

    assert sorted(second.items(), key=repr) == sorted(
        (r[0], r[1]) for r in lake.read(S.SILVER_POSTS).select(S.POST_KEY, S.TEXT).collect()), \
        "silver over two steps differs from silver over all of it"
    changed = {k for k, text in second.items() if k not in first or first[k] != text}
    assert 0 < len(changed) < len(second)
    for product, table in PER_POST.items():
        assert _comparable(steps, table) == _comparable(lake, table), table
        by_run = {r[0]: r[1] for r in steps.read(table).select(S.POST_KEY, S.GOLD_RUN_ID).collect()}
        assert {k for k, run in by_run.items() if run == "two-g2"} == changed, table
        assert set(by_run.values()) == {"two-g1", "two-g2"}, table
    assert _ledger(steps, "two-g2") == {"*": "succeeded", **{p: "succeeded" for p in PER_POST}}

    before = {t: steps.version(t) for t in PER_POST.values()}
    silver_job.run(spark, two_cfg, steps, run_id="two-s3", key=KEY)
    runner.run(spark, two_cfg, steps, run_id="two-g3", only=only)
    assert {t: steps.version(t) for t in PER_POST.values()} == before


def every_string_under(root: Path) -> str:
    """Every value of every Parquet file and the bytes of every other file under `root`
    (Delta logs, the GX stores and Data Docs, the MLflow database and artifacts)."""
    import pyarrow.parquet as pq

    values = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            for column in pq.read_table(path).columns:
                values.extend(str(v) for v in column.to_pylist() if v is not None)
        else:
            values.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(values)


def test_erasure_after_a_full_run_leaves_no_trace_on_disk(gold_run):
    """Runs last in this module: it erases one subject from the lake the other tests read."""
    from socialake.privacy import erase_subject, subject_pseudonyms

    _, lake, _, _ = gold_run
    root = Path(lake.cfg.root)
    posts = lake.read(S.BRONZE_POSTS)
    # the most mentioned X account that also posts: it is in every layer and in other people's posts
    authors = posts.where("platform = 'x'").select(S.AUTHOR_ID).distinct()
    subject = (posts.where("platform = 'x'").select(F.explode("mentions").alias("m"))
               .select("m.author_id", "m.handle").join(authors, "author_id")
               .groupBy("author_id", "handle").count().orderBy(F.desc("count"), "author_id").first())
    author_id, handle = subject["author_id"], subject["handle"]
    pseudonyms = subject_pseudonyms(KEY, "x", author_id, handle)
    gold_before = "\n".join(str(r) for t in S.GOLD_TABLES for r in lake.read(t).collect())
    assert any(p in gold_before for p in pseudonyms)

    report = erase_subject(lake, key=KEY, platform="x", author_id=author_id, handle=handle, run_id="erase-1")

    assert report.deleted[S.GOLD_FACT_POSTS] > 0 and report.deleted[S.GOLD_POST_SENTIMENT] > 0
    assert report.deleted[S.GOLD_DIM_AUTHOR] == 1
    everything = every_string_under(root)
    for secret in [author_id, *pseudonyms]:
        assert secret not in everything, secret
    assert f"@{handle.lower()}" not in everything.lower()
    silver_keys = lake.read(S.SILVER_POSTS).select(S.POST_KEY)
    for table in (S.GOLD_POST_SENTIMENT, S.GOLD_POST_TOPICS, S.GOLD_POST_EMBEDDINGS, S.GOLD_FACT_POSTS):
        assert lake.read(table).select(S.POST_KEY).exceptAll(silver_keys).count() == 0, table
