"""Builds the SparkSession and decides which engine serves each capability.

Engines are chosen from what is on the driver's JVM classpath, looked up by class name (no
network, instant). Local sessions put the jars that set-up fetched into the project's cache
(conf/jars.yaml, socialake.jars) on the classpath; under spark-submit the jars come from
--jars/--packages; a plain pip install without the cache has none. `auto` takes the cluster
engine when its jars are present and the embedded one otherwise; forcing a cluster engine whose
jars are absent fails at start-up with a message naming the fix.

Delta's SQL extension must be in the SparkConf before the SparkContext exists, so the JVM
gateway is launched first, the classpath inspected, and only then the context created on it.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable

from pyspark import SparkConf, SparkContext
from pyspark.sql import SparkSession

from socialake.config import Config, ConfigError
from socialake.jars import cached_jars

log = logging.getLogger(__name__)

DELTA_CLASS = "io.delta.sql.DeltaSparkSessionExtension"
GRAPHFRAMES_CLASS = "org.graphframes.GraphFramePythonAPI"
SPARK_NLP_CLASS = "com.johnsnowlabs.nlp.DocumentAssembler"

# What to add to spark-submit for each cluster engine (Spark 4.2, Scala 2.13). Delta's jars are
# pinned in conf/jars.yaml; GraphFrames for Spark 4 is not served by the registry these machines
# reach (docs/measurements/engines.md), so its coordinates are the upstream ones, unverified here.
DELTA_PACKAGE = "io.delta:delta-spark_4.2_2.13:4.4.0"
GRAPHFRAMES_PACKAGE = "io.graphframes:graphframes-spark4_2.13:0.12.3"


class EngineUnavailableError(ConfigError):
    """A cluster engine was forced in the config but its jars are not on the classpath."""


@dataclass(frozen=True)
class JarsPresent:
    """Which cluster engines' jars the driver JVM can load."""

    delta: bool
    graphframes: bool
    spark_nlp: bool


@dataclass(frozen=True)
class Engines:
    """The engine chosen for each capability: 'embedded' or the cluster engine's name."""

    lake: str
    graph: str
    nlp: str
    jars: JarsPresent


def detect_jars(jvm: Any) -> JarsPresent:
    """Look the engines' entry classes up on the JVM classpath (no network, no side effects)."""
    has = _class_checker(jvm)
    return JarsPresent(delta=has(DELTA_CLASS), graphframes=has(GRAPHFRAMES_CLASS), spark_nlp=has(SPARK_NLP_CLASS))



def _class_checker(jvm: Any) -> Callable[[str], bool]:
    def has_class(name: str) -> bool:
        loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
        try:
            jvm.java.lang.Class.forName(name, False, loader)
            return True
        except Exception:  # py4j wraps ClassNotFoundException; any failure means "not loadable"
            return False

    return has_class


def choose_engines(cfg: Config, jars: JarsPresent) -> Engines:
    """Resolve each `auto` setting against the jars present; fail fast on a forced absent one."""
    return Engines(
        lake=_choose(cfg.lake.engine, "delta-spark", jars.delta, "lake.engine", DELTA_PACKAGE),
        graph=_choose(cfg.engines.graph, "graphframes", jars.graphframes, "engines.graph", GRAPHFRAMES_PACKAGE),
        nlp="embedded",  # config refuses spark-nlp (config.SPARK_NLP_REFUSAL): no path runs on Spark 4.2
        jars=jars,
    )


def _choose(setting: str, cluster_engine: str, present: bool, key: str, package: str) -> str:
    if setting == "embedded":
        return "embedded"
    if setting == cluster_engine:
        if not present:
            raise EngineUnavailableError(
                f"{key} is {cluster_engine} but its jars are not on the classpath: add "
                f"--packages {package} to spark-submit, or set {key} to auto or embedded"
            )
        return cluster_engine
    return cluster_engine if present else "embedded"


def engines_for(spark: SparkSession, cfg: Config) -> Engines:
    """The engines of a running session (same rule as at start-up)."""
    return choose_engines(cfg, detect_jars(spark.sparkContext._jvm))


def prepare_python_environment(*, local: bool) -> None:
    """Spark's Python workers must run this interpreter (where socialake and pyarrow are
    installed), not whatever `python3` is first on the PATH; locally bind to loopback."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def build_session(cfg: Config) -> SparkSession:
    """Create (or join) the SparkSession for `cfg`, with the Delta extension when it is used.

    Under spark-submit the master and jars come from spark-submit; otherwise from the config.
    """
    active = SparkSession.getActiveSession()
    if active is not None:
        choose_engines(cfg, detect_jars(active.sparkContext._jvm))  # still fail fast when forced
        return active

    under_submit = "PYSPARK_GATEWAY_PORT" in os.environ
    master = cfg.spark.master
    prepare_python_environment(local=bool(master and master.startswith("local")) and not under_submit)

    conf = SparkConf(loadDefaults=False)
    conf.setAppName(cfg.app_name)
    for key, value in cfg.spark.conf.items():
        conf.set(key, value)
    conf.set("spark.sql.shuffle.partitions", str(cfg.spark.shuffle_partitions))
    if master and not under_submit:
        conf.setMaster(master)
    if not under_submit and cfg.lake.engine != "embedded":
        jars = cached_jars(cfg.spark.jar_groups)
        if jars:
            conf.set("spark.jars", _append_csv(conf.get("spark.jars", None), ",".join(str(p) for p in jars)))

    from pyspark.java_gateway import launch_gateway

    gateway = SparkContext._gateway or launch_gateway(conf)
    engines = choose_engines(cfg, detect_jars(gateway.jvm))
    if engines.lake == "delta-spark":
        conf.set("spark.sql.extensions", _append_csv(conf.get("spark.sql.extensions"), DELTA_CLASS))
        conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    sc = SparkContext(conf=conf, gateway=gateway)
    sc.setLogLevel(os.environ.get("SOCIALAKE_SPARK_LOG_LEVEL", "WARN"))
    spark = SparkSession(sc)
    log.info("spark %s, master %s, engines %s", spark.version, sc.master, engines)
    return spark


def _append_csv(existing: str | None, item: str) -> str:
    parts = [p for p in (existing or "").split(",") if p]
    return ",".join(parts if item in parts else parts + [item])
