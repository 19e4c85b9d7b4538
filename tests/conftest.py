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


@pytest.fixture
def table_name(request) -> str:
    """A fresh table name per test, so tests sharing the session's lake never collide."""
    import re

    slug = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:50]
    return f"test.{slug}"
