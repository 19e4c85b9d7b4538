from __future__ import annotations

from pathlib import Path

import pytest

from socialake.config import ConfigError, load_config


@pytest.fixture
def conf_dir(tmp_path: Path) -> Path:
    (tmp_path / "base.yaml").write_text(
        "lake: {root: /srv/lake, engine: auto}\n"
        "spark: {master: null, shuffle_partitions: 200, conf: {spark.sql.session.timeZone: UTC}}\n"
        "ingest: {source_name: base}\n"
    )
    (tmp_path / "dev.yaml").write_text("spark: {master: 'local[2]', conf: {spark.ui.enabled: false}}\n")
    return tmp_path


def test_overlay_then_environment_variables_win(conf_dir):
    cfg = load_config(
        "dev",
        conf_dir=conf_dir,
        environ={"SOCIALAKE__LAKE__ROOT": "s3a://bucket/lake", "SOCIALAKE__SPARK__SHUFFLE_PARTITIONS": "8"},
    )
    assert cfg.lake.root == "s3a://bucket/lake"
    assert cfg.spark.master == "local[2]"
    assert cfg.spark.shuffle_partitions == 8
    assert cfg.spark.conf == {"spark.sql.session.timeZone": "UTC", "spark.ui.enabled": "false"}
    assert cfg.ingest.source_name == "base"


def test_relative_local_root_is_made_absolute(conf_dir, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    cfg = load_config("dev", conf_dir=conf_dir, environ={"SOCIALAKE__LAKE__ROOT": "./here"})
    assert cfg.lake.root == str(tmp_path / "here")


@pytest.mark.parametrize(
    "variables, message",
    [
        ({"SOCIALAKE__LAKE__ENGINE": "delta"}, "lake.engine is 'delta': set it to one of auto, embedded, delta-spark"),
        ({"SOCIALAKE__SPARK__SHUFFLE_PARTITIONS": "0"}, "spark.shuffle_partitions is 0: set it to a positive"),
        ({"SOCIALAKE__LAKE__ROOTS": "/x"}, "unknown setting lake.roots"),
        ({"SOCIALAKE__INGEST__FORMAT": "tiktok"}, "ingest.format is 'tiktok'"),
        ({"SOCIALAKE__INGEST__COLUMN_MAPPING": "{body: text}"}, "unknown field 'body'"),
        ({"SOCIALAKE__INGEST__CSV_DELIMITER": ";;"}, "single character"),
    ],
)
def test_bad_values_fail_with_one_line_naming_the_fix(conf_dir, variables, message):
    with pytest.raises(ConfigError) as caught:
        load_config("dev", conf_dir=conf_dir, environ=variables)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_environment_lists_the_known_ones(conf_dir):
    with pytest.raises(ConfigError, match="unknown environment 'prod': use one of dev"):
        load_config("prod", conf_dir=conf_dir, environ={})


def test_invalid_yaml_names_the_file_and_line(conf_dir):
    (conf_dir / "dev.yaml").write_text("spark:\n  master: [unclosed\n")
    with pytest.raises(ConfigError, match=r"dev.yaml line \d+ is not valid YAML"):
        load_config("dev", conf_dir=conf_dir, environ={})


def test_maven_packages_are_refused_in_local_config(conf_dir):
    (conf_dir / "local.yaml").write_text("spark: {conf: {spark.jars.packages: 'io.delta:delta-spark_2.13:4.0.0'}}\n")
    with pytest.raises(ConfigError, match="resolves jars from Maven at every start.*conf/jars.yaml"):
        load_config("local", conf_dir=conf_dir, environ={})


def test_jar_groups_must_name_groups_of_the_jar_lock(conf_dir):
    (conf_dir / "dev.yaml").write_text("spark: {jar_groups: [delta, graphframes]}\n")
    with pytest.raises(ConfigError, match="spark.jar_groups names 'graphframes', which conf/jars.yaml does not define"):
        load_config("dev", conf_dir=conf_dir, environ={})


def test_the_shipped_environments_load(monkeypatch):
    for env in ("local", "cluster", "test"):
        cfg = load_config(env, environ={})
        assert cfg.spark.conf["spark.sql.session.timeZone"] == "UTC"
    assert load_config("local", environ={}).spark.master == "local[*]"
    assert load_config("cluster", environ={}).spark.master is None  # spark-submit decides
