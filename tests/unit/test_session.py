"""Engine selection: tested with and without jars; jar-dependent behaviour skips when absent."""

from __future__ import annotations

import os
import sys

import pytest

from socialake.config import load_config
from socialake.session import (
    DELTA_PACKAGE,
    EngineUnavailableError,
    JarsPresent,
    choose_engines,
    detect_jars,
)

NONE = JarsPresent(delta=False, graphframes=False, spark_nlp=False)
ALL = JarsPresent(delta=True, graphframes=True, spark_nlp=True)


def config(**sections):
    return load_config("test", environ={}, overrides=sections)


def test_auto_takes_the_cluster_engine_only_when_its_jars_are_present():
    cfg = config(lake={"engine": "auto"}, engines={"graph": "auto", "nlp": "auto"})
    assert (choose_engines(cfg, NONE).lake, choose_engines(cfg, NONE).graph) == ("embedded", "embedded")
    chosen = choose_engines(cfg, ALL)
    assert (chosen.lake, chosen.graph, chosen.nlp) == ("delta-spark", "graphframes", "spark-nlp")


def test_embedded_can_be_forced_even_when_jars_are_present():
    cfg = config(lake={"engine": "embedded"}, engines={"graph": "embedded", "nlp": "embedded"})
    chosen = choose_engines(cfg, ALL)
    assert (chosen.lake, chosen.graph, chosen.nlp) == ("embedded", "embedded", "embedded")


@pytest.mark.parametrize(
    "sections, key",
    [
        ({"lake": {"engine": "delta-spark"}}, "lake.engine"),
        ({"engines": {"graph": "graphframes"}}, "engines.graph"),
        ({"engines": {"nlp": "spark-nlp"}}, "engines.nlp"),
    ],
)
def test_forcing_an_absent_engine_fails_fast_naming_the_fix(sections, key):
    with pytest.raises(EngineUnavailableError) as caught:
        choose_engines(config(**sections), NONE)
    message = str(caught.value)
    assert message.startswith(f"{key} is ") and "--packages" in message and f"set {key} to auto" in message


def test_detection_reads_the_running_jvm_classpath(spark):
    jars = detect_jars(spark.sparkContext._jvm)
    # This environment installs no cluster jars (Maven is unreachable); pyspark alone has none.
    assert jars == NONE


def test_session_is_local_on_loopback_with_the_project_interpreter(spark):
    assert spark.sparkContext.master == "local[2]"
    assert spark.conf.get("spark.driver.host") == "127.0.0.1"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert os.environ["PYSPARK_PYTHON"] == sys.executable
    worker_python = spark.sparkContext.parallelize([0], 1).map(lambda _: __import__("sys").executable).collect()
    assert worker_python == [sys.executable]


def test_delta_extension_is_only_configured_with_the_jars(spark):
    extensions = spark.conf.get("spark.sql.extensions", "")
    assert "DeltaSparkSessionExtension" not in extensions


@pytest.mark.cluster
def test_delta_spark_engine_reads_what_the_embedded_engine_wrote(spark, lake, table_name):
    if not detect_jars(spark.sparkContext._jvm).delta:
        pytest.skip(f"Delta jars are not on the classpath (Maven is unreachable here): "
                    f"run the tests with PYSPARK_SUBMIT_ARGS='--packages {DELTA_PACKAGE} pyspark-shell'")
    from socialake.lake.delta_spark import DeltaSparkLake

    frame = spark.createDataFrame([(1, "a"), (2, "b")], "id long, v string")
    lake.write(table_name, frame, run_id="embedded")
    cluster_lake = DeltaSparkLake(spark, lake.cfg)
    assert sorted(r.id for r in cluster_lake.read(table_name).collect()) == [1, 2]
    cluster_lake.write(table_name, frame, run_id="cluster")
    assert cluster_lake.history(table_name)[0].run_id == "cluster"
