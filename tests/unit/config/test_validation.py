"""Validation at load: every refused value is one line naming the full dotted setting and the
fix (never pydantic's multi-line report), types are strict, and the sections stay frozen models
with the attributes the jobs read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import socialake
from socialake.config import (
    Config,
    ConfigError,
    NearDuplicatesConfig,
    SentimentConfig,
    TopicsConfig,
    default_conf_dir,
    load_config,
)


def refused(**overrides) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config("test", environ={}, overrides=overrides)
    message = str(caught.value)
    assert "\n" not in message, message
    assert "validation error" not in message and "pydantic" not in message, message
    return message


def refused_by_variables(variables: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config("test", environ=variables)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"gold": {"topics": {"kk": 3}}}, "unknown setting gold.topics.kk: remove it or use one of coherence_terms, "),
        ({"silver": {"minimise": {"colour": "red"}}},
         "unknown setting silver.minimise.colour: remove it or use one of followers, geo_decimals, media, place"),
        ({"tracking": {"url": "http://x"}}, "unknown setting tracking.url: remove it or use one of artifact_root, "),
        ({"colour": "red"}, "unknown setting colour: remove it or use one of app_name, engines, gold, "),
    ],
)
def test_unknown_keys_name_the_full_dotted_path(overrides, message):
    assert refused(**overrides).startswith(message)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # a quoted number is a string, not coerced
        ({"gold": {"topics": {"min_df": "5"}}}, "gold.topics.min_df is '5': set it to a whole number >= 0"),
        ({"spark": {"shuffle_partitions": "8"}}, "spark.shuffle_partitions is '8': set it to a positive whole number"),
        ({"gold": {"trends": {"z_threshold": "6"}}}, "gold.trends.z_threshold is '6': set it to a number >= 0"),
        # a YAML boolean is not a count
        ({"gold": {"graph": {"top_n": True}}}, "gold.graph.top_n is True: set it to a whole number >= 0"),
        ({"silver": {"near_duplicates": {"bands": False}}},
         "silver.near_duplicates.bands is False: set it to a positive whole number"),
        ({"gold": {"topics": {"max_df": True}}}, "gold.topics.max_df is True: set a share of posts in (0, 1]"),
        # null where a value is needed, and the wrong shape of value
        ({"gold": {"sentiment": {"max_iter": None}}}, "gold.sentiment.max_iter is null: set it to a whole number >= 0"),
        ({"gold": {"topics": {"stop_words": ["english", 3]}}}, "gold.topics.stop_words is ['english', 3]: set it to a list"),
        ({"gold": 3}, "gold is 3: set it to a mapping of settings (coordination, embeddings, graph, "),
        ({"spark": {"conf": {"spark.driver.memory": None}}},
         "spark.conf.spark.driver.memory is null: set it to a string, number or true/false"),
    ],
)
def test_wrong_types_are_refused_not_coerced(overrides, message):
    assert refused(**overrides).startswith(message)


def test_wrong_types_from_environment_variables():
    # values of SOCIALAKE__ variables are parsed as YAML: '"5"' is the string 5, true the boolean
    assert refused_by_variables({"SOCIALAKE__GOLD__TOPICS__MIN_DF": '"5"'}) == (
        "gold.topics.min_df is '5': set it to a whole number >= 0")
    assert refused_by_variables({"SOCIALAKE__SPARK__SHUFFLE_PARTITIONS": "true"}) == (
        "spark.shuffle_partitions is True: set it to a positive whole number")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"gold": {"topics": {"max_df": 1.5}}}, "gold.topics.max_df is 1.5: set a share of posts in (0, 1]"),
        ({"gold": {"topics": {"max_df": 0}}}, "gold.topics.max_df is 0: set a share of posts in (0, 1]"),
        ({"gold": {"topics": {"k_candidates": []}}},
         "gold.topics.k_candidates is []: set it to a list of whole numbers >= 2, e.g. [6, 8, 10, 12]"),
        ({"gold": {"sentiment": {"test_fraction": 1}}}, "gold.sentiment.test_fraction is 1: set it between 0 and 1"),
        ({"silver": {"language": {"min_confidence": 1.2}}},
         "silver.language.min_confidence is 1.2: set a number between 0 and 1"),
        ({"silver": {"near_duplicates": {"threshold": 0}}},
         "silver.near_duplicates.threshold is 0: set a Jaccard similarity in (0, 1]"),
        ({"silver": {"minimise": {"geo_decimals": 5}}},
         "silver.minimise.geo_decimals is 5: set 0-4 decimals, or null to drop coordinates"),
        ({"retention": {"silver_days": 0}}, "retention.silver_days is 0: set it to a positive whole number of days"),
        ({"lake": {"vacuum_retention_hours": -1}}, "lake.vacuum_retention_hours is -1: set it to hours >= 0"),
    ],
)
def test_out_of_range_values_are_refused(overrides, message):
    assert refused(**overrides).startswith(message)


def test_out_of_range_from_an_environment_variable():
    assert refused_by_variables({"SOCIALAKE__GOLD__TOPICS__MAX_DF": "2"}) == (
        "gold.topics.max_df is 2: set a share of posts in (0, 1]")


def test_unknown_quality_check_lists_the_valid_ones():
    message = refused(quality={"actions": {"no_raw_cards": "quarantine"}})
    assert message.startswith("unknown quality check quality.actions.no_raw_cards: use one of ")
    for name in ("no_raw_card_in_text", "post_id_present", "kind_known", "text_mostly_present"):
        assert name in message
    assert "bronze_posts, silver_posts, silver_edges" in message


def test_quality_actions_are_checked_against_the_suites():
    assert refused(quality={"actions": {"lang_code": "drop"}}) == (
        "quality.actions.lang_code is 'drop': set it to one of warn, quarantine, fail")
    # quarantine needs failing rows: refused at load for a table-level check, not mid-run
    assert "is a table-level check" in refused(quality={"actions": {"post_key_unique": "quarantine"}})
    assert "silver_edges.kind_known is a table-level check" in refused(   # edges have no quarantine table
        quality={"actions": {"kind_known": "quarantine"}})
    # platform_known is a row check in both post suites (its Spark twin is derived from the GX one)
    assert load_config("test", environ={}, overrides={"quality": {"actions": {"platform_known": "quarantine"}}}
                       ).quality.actions["platform_known"] == "quarantine"
    assert refused(quality={"actions": {"silver_edges.nope": "warn"}}).startswith("unknown quality check")
    cfg = load_config("test", environ={}, overrides={"quality": {"actions": {
        "no_raw_card_in_text": "quarantine", "silver_posts.lang_code": "fail", "bronze_posts.platform_known": "warn"}}})
    assert cfg.quality.actions["silver_posts.lang_code"] == "fail"


def test_env_is_not_a_yaml_setting():
    assert refused(env="cluster").startswith("unknown setting env: remove it")


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)


def test_sections_are_frozen_models_with_the_attributes_the_jobs_read():
    cfg = load_config("test", environ={}, overrides={"silver": {"language": {"languages": ["EN", "de"]}}})
    assert isinstance(cfg, Config)
    assert cfg.silver.languages == ("en", "de") and cfg.silver.min_lang_confidence == 0.2
    assert cfg.silver.followers == "bucket" and cfg.silver.geo_decimals == 1
    assert isinstance(cfg.gold.topics.k_candidates, tuple) and isinstance(cfg.spark.conf, dict)
    assert all(isinstance(v, str) for v in cfg.spark.conf.values())
    with pytest.raises(Exception):
        cfg.lake.root = "/elsewhere"  # type: ignore[misc]
    moved = cfg.model_copy(update={"lake": cfg.lake.model_copy(update={"root": "/elsewhere"})})
    assert moved.lake.root == "/elsewhere" and cfg.lake.root != "/elsewhere"
    assert SentimentConfig().model == "auto" and TopicsConfig(k=None).k is None


def test_cli_exits_2_with_one_line_for_a_bad_setting(tmp_path):
    """No Spark: the config is loaded, and refused, before a session would start."""
    src = str(Path(socialake.__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAKE")}
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    env["SOCIALAKE_CONF_DIR"] = str(default_conf_dir())
    env["SOCIALAKE__GOLD__TOPICS__MAX_DF"] = "2"
    done = subprocess.run([sys.executable, "-m", "socialake.cli", "history", "bronze.posts", "--env", "test"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "socialake history: gold.topics.max_df is 2: set a share of posts in (0, 1]\n"


def test_run_refuses_a_missing_input_or_key_before_a_session_starts(tmp_path):
    """`socialake run` checks what all three stages need (the input, the pseudonym key) before
    it starts Spark, so a mistake costs no JVM start and no stage half-done."""
    src = str(Path(socialake.__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALAKE")}
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    env["SOCIALAKE_CONF_DIR"] = str(default_conf_dir())
    command = [sys.executable, "-m", "socialake.cli", "run", "--env", "test", "--lake-root", str(tmp_path / "lake")]
    missing = subprocess.run([*command, "--input", str(tmp_path / "nowhere")], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2, missing.stderr
    assert missing.stderr.startswith(f"socialake run: --input {tmp_path / 'nowhere'} does not exist")
    (tmp_path / "in.jsonl").write_text('{"id": "1", "text": "hi"}\n')
    no_key = subprocess.run([*command, "--input", str(tmp_path / "in.jsonl")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert no_key.returncode == 2, no_key.stderr
    assert "SOCIALAKE_PSEUDONYM_SECRET" in no_key.stderr and len(no_key.stderr.splitlines()) == 1
    assert not (tmp_path / "lake").exists()


def test_a_language_the_model_does_not_know_is_refused():
    with pytest.raises(ConfigError, match=r"^silver.language.languages has xx, which the language model"):
        load_config("test", overrides={"silver": {"language": {"languages": ["en", "XX"]}}})
    assert load_config("test", overrides={"silver": {"language": {"languages": ["EN", "yue"]}}}
                       ).silver.language.languages == ("en", "yue")
