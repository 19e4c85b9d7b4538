"""One SparkSession for the whole test run (local[2], UI off, small shuffles), built by the
project's own session builder so the tests exercise the same code path as the jobs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def lake_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lake")


@pytest.fixture(scope="session")
def cfg(lake_root):
    from socialake.config import load_config

    return load_config("test", environ={}, overrides={"lake": {"root": str(lake_root)}})


@pytest.fixture(scope="session")
def spark(cfg, tmp_path_factory):
    from socialake.session import build_session

    os.environ.setdefault("SOCIALAKE_SPARK_LOG_LEVEL", "ERROR")
    session = build_session(cfg)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def lake(spark, cfg):
    from socialake.lake import open_lake

    return open_lake(spark, cfg)


ENGINES = ("embedded", "delta-spark")


def require_delta_jars(spark) -> None:
    """delta-spark needs the jars set-up fetched; without them its tests skip, except under
    SOCIALAKE_REQUIRE_JARS=1 (CI), where they fail."""
    from socialake.session import detect_jars

    if not detect_jars(spark.sparkContext._jvm).delta:
        message = "the Delta jars are not on the classpath: run scripts/setup.sh where Maven Central is reachable"
        if os.environ.get("SOCIALAKE_REQUIRE_JARS") == "1":
            pytest.fail(message)
        pytest.skip(message)


def lake_on(engine: str, spark, cfg):
    """The lake of `engine` on the shared session (see require_delta_jars)."""
    if engine == "embedded":
        from socialake.lake.embedded import EmbeddedLake

        return EmbeddedLake(spark, cfg.lake)
    require_delta_jars(spark)
    from socialake.lake.delta_spark import DeltaSparkLake

    return DeltaSparkLake(spark, cfg.lake)


@pytest.fixture(scope="session")
def engine_lake():
    """lake_on as a fixture (test modules cannot import conftest by name: there are several)."""
    return lake_on


@pytest.fixture(scope="session")
def delta_jars(spark):
    """Skips (fails under SOCIALAKE_REQUIRE_JARS=1) when the Delta jars are not on the classpath."""
    require_delta_jars(spark)


@pytest.fixture(scope="session", params=ENGINES)
def each_lake(request, spark, cfg):
    """Both engines, one after the other: contract tests take this instead of `lake`."""
    return lake_on(request.param, spark, cfg)


@pytest.fixture
def table_name(request) -> str:
    """A fresh table name per test, so tests sharing the session's lake never collide."""
    import hashlib
    import re

    slug = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40]
    digest = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:8]  # parametrised ids differ here
    return f"test.{slug}_{digest}"
