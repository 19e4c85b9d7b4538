"""Gold and tracking settings: shipped defaults, validation messages, where MLflow stores runs."""

from __future__ import annotations

import pytest

from socialake.config import ConfigError, load_config
from socialake.tracking import store_for


def test_shipped_gold_defaults():
    cfg = load_config("local", environ={})
    assert cfg.gold.topics.k == 8 and cfg.gold.topics.subsampling_rate == 0.2
    assert "spanish" in cfg.gold.topics.stop_words
    assert cfg.gold.sentiment.model == "auto"
    assert cfg.gold.embeddings.model == "static-64"
    assert cfg.tracking.experiment == "socialake"
    assert cfg.gold.graph.method == "leiden-fitted" and cfg.gold.graph.resolution is None


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"SOCIALAKE__GOLD__SENTIMENT__MODEL": "bert"}, "gold.sentiment.model is 'bert': set it to one of auto, vader"),
        ({"SOCIALAKE__GOLD__TOPICS__K": "1"}, "gold.topics.k is 1: set it to 2 or more"),
        ({"SOCIALAKE__GOLD__TOPICS__K_CANDIDATES": "[1, 4]"}, "gold.topics.k_candidates is [1, 4]: set it to a list of whole numbers >= 2"),
        ({"SOCIALAKE__GOLD__TRENDS__Z_THRESHOLD": "high"}, "gold.trends.z_threshold is 'high': set it to a number"),
        ({"SOCIALAKE__GOLD__GRAPH__COLOUR": "red"}, "unknown setting gold.graph.colour: remove it or use one of driver_max_edges"),
        ({"SOCIALAKE__GOLD__GRAPH__METHOD": "walktrap"}, "gold.graph.method is 'walktrap': set it to one of leiden-fitted, "),
        ({"SOCIALAKE__GOLD__GRAPH__RESOLUTION": "10.0"},
         "gold.graph.resolution is 10, which method leiden-fitted does not use: set resolution to null, or method to leiden or louvain"),
        ({"SOCIALAKE__GOLD__GRAPH__METHOD": "leiden"}, "gold.graph.method is leiden, which needs gold.graph.resolution: set it"),
        ({"SOCIALAKE__GOLD__GRAPH__METHOD": "louvain", "SOCIALAKE__GOLD__GRAPH__RESOLUTION": "0.0"},
         "gold.graph.resolution is 0.0: set a number > 0"),
        ({"SOCIALAKE__GOLD__TRENDS__WATCHLIST": "outage"}, "gold.trends.watchlist is 'outage': set it to a list of keywords"),
        ({"SOCIALAKE__GOLD__EMBEDDINGS__ENABLED": "maybe"}, "gold.embeddings.enabled is 'maybe': set it to true or false"),
    ],
)
def test_bad_gold_values_fail_with_one_line_naming_the_fix(variables, message):
    with pytest.raises(ConfigError) as error:
        load_config("local", environ=variables)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_fixed_resolution_leiden_is_still_available():
    cfg = load_config("local", environ={"SOCIALAKE__GOLD__GRAPH__METHOD": "leiden",
                                        "SOCIALAKE__GOLD__GRAPH__RESOLUTION": "10.0"})
    assert (cfg.gold.graph.method, cfg.gold.graph.resolution) == ("leiden", 10.0)


def test_null_k_means_sweep():
    cfg = load_config("local", environ={"SOCIALAKE__GOLD__TOPICS__K": "null"})
    assert cfg.gold.topics.k is None


def test_tracking_defaults_to_sqlite_under_a_local_lake(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    cfg = load_config("local", environ={}, overrides={"lake": {"root": str(tmp_path)}})
    store = store_for(cfg)
    assert store.tracking_uri == f"sqlite:///{tmp_path}/_mlflow/mlflow.db"
    assert store.artifact_root == (tmp_path / "_mlflow" / "artifacts").as_uri()
    assert (tmp_path / "_mlflow").is_dir()


def test_remote_lake_needs_a_tracking_server(monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    cfg = load_config("local", environ={}, overrides={"lake": {"root": "s3a://bucket/lake"}})
    with pytest.raises(ConfigError, match="set tracking.uri"):
        store_for(cfg)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow:5000")
    assert store_for(cfg).tracking_uri == "http://mlflow:5000"
