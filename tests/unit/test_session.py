"""Engine selection: tested with and without jars; jar-dependent behaviour skips when absent."""

from __future__ import annotations

import os
import sys

import pytest

from socialake.config import ConfigError, load_config
from socialake.jars import cached_jars
from socialake.session import (
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
    # Spark NLP has no path on Spark 4.2 (its jar is not served here): auto never picks it
    assert (chosen.lake, chosen.graph, chosen.nlp) == ("delta-spark", "graphframes", "embedded")


def test_forcing_spark_nlp_is_refused_at_start_up_with_the_reason():
    with pytest.raises(ConfigError, match=r"engines.nlp is spark-nlp, which socialake cannot run: .*set engines.nlp to auto"):
        config(engines={"nlp": "spark-nlp"})


def test_embedded_can_be_forced_even_when_jars_are_present():
    cfg = config(lake={"engine": "embedded"}, engines={"graph": "embedded", "nlp": "embedded"})
    chosen = choose_engines(cfg, ALL)
    assert (chosen.lake, chosen.graph, chosen.nlp) == ("embedded", "embedded", "embedded")


@pytest.mark.parametrize(
    "sections, key",
    [
        ({"lake": {"engine": "delta-spark"}}, "lake.engine"),
        ({"engines": {"graph": "graphframes"}}, "engines.graph"),
    ],
)
def test_forcing_an_absent_engine_fails_fast_naming_the_fix(sections, key):
    with pytest.raises(EngineUnavailableError) as caught:
        choose_engines(config(**sections), NONE)
    message = str(caught.value)
    assert message.startswith(f"{key} is ") and "--packages" in message and f"set {key} to auto" in message


def test_detection_reads_the_running_jvm_classpath(spark):
    jars = detect_jars(spark.sparkContext._jvm)
    # The session puts the cached Delta jars (set-up fetched them) on the classpath, nothing else.
    have_delta = bool(cached_jars(["delta"]))
    assert jars == JarsPresent(delta=have_delta, graphframes=False, spark_nlp=False)
    if have_delta:
        loaded = spark.sparkContext._jsc.sc().listJars()
        assert any("delta-spark_4.2_2.13-4.4.0.jar" in str(loaded.apply(i)) for i in range(loaded.size()))


def test_session_is_local_on_loopback_with_the_project_interpreter(spark):
    assert spark.sparkContext.master == "local[2]"
    assert spark.conf.get("spark.driver.host") == "127.0.0.1"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert os.environ["PYSPARK_PYTHON"] == sys.executable
    worker_python = spark.sparkContext.parallelize([0], 1).map(lambda _: __import__("sys").executable).collect()
    assert worker_python == [sys.executable]


def test_delta_extension_is_configured_exactly_when_the_jars_are_there(spark):
    extensions = spark.conf.get("spark.sql.extensions", "")
    assert ("DeltaSparkSessionExtension" in extensions) == detect_jars(spark.sparkContext._jvm).delta
