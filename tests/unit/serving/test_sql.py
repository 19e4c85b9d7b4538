"""The pure parts of `socialake serve`: the refusal to start open off loopback, the users file and
its PBKDF2 hashes (checked against the published test vector), the views' SQL, and the jar
build. The server itself is tested with real clients in tests/integration/test_serving.py."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pyspark.sql.types import ArrayType, IntegerType, LongType, StringType, StructField, StructType

from socialake.config import ConfigError, load_config
from socialake.serving import sql


def serve_config(**serve):
    return load_config("test", environ={}, overrides={"serve": serve})


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "::", "example.org"])
def test_an_endpoint_off_loopback_without_users_is_refused(host):
    with pytest.raises(ConfigError, match="not loopback.*users_file") as caught:
        serve_config(host=host)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_needs_no_users(host):
    assert serve_config(host=host).serve.host == host


def test_off_loopback_with_users_is_accepted():
    assert serve_config(host="0.0.0.0", users_file="/etc/socialake/users").serve.users_file == "/etc/socialake/users"


def test_the_cli_refuses_an_open_public_endpoint_with_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "socialake.cli", "serve", "--env", "test", "--lake-root",
                           str(tmp_path), "--host", "0.0.0.0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "socialake serve-user" in done.stderr


def test_the_cli_refuses_a_users_file_without_users(tmp_path):
    empty = tmp_path / "users"
    empty.write_text("")
    done = subprocess.run([sys.executable, "-m", "socialake.cli", "serve", "--env", "test", "--lake-root",
                           str(tmp_path), "--users-file", str(empty)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "has no users" in done.stderr


def test_password_hash_matches_the_pbkdf2_sha256_test_vector():
    # RFC 7914 section 11: PBKDF2-HMAC-SHA-256 (P="passwd", S="salt", c=1, dkLen=64), first 32 bytes
    line = sql.hash_password("passwd", salt=b"salt", iterations=1)
    assert line == "pbkdf2-sha256:1:" + b"salt".hex() + ":" + (
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")


def test_set_user_adds_and_replaces_and_keeps_others(tmp_path):
    users = tmp_path / "conf" / "users"
    sql.set_user(users, "analyst", "first-password-123")
    sql.set_user(users, "bi-tool", "second-password-456")
    sql.set_user(users, "analyst", "changed-password-789")
    lines = users.read_text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["bi-tool", "analyst"]
    name, scheme, iterations, salt, digest = lines[1].split(":")
    assert scheme == "pbkdf2-sha256"
    assert hashlib.pbkdf2_hmac("sha256", b"changed-password-789", bytes.fromhex(salt), int(iterations)).hex() == digest
    assert users.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("user,password,why", [("ana lyst", "long-enough-password", "refused"),
                                               ("a:b", "long-enough-password", "refused"),
                                               ("analyst", "short", "shorter than 12")])
def test_set_user_refuses_bad_names_and_short_passwords(tmp_path, user, password, why):
    with pytest.raises(sql.ServeError, match=why):
        sql.set_user(tmp_path / "users", user, password)


def test_the_password_is_read_from_stdin_when_it_is_not_a_terminal():
    assert sql.read_password(io.StringIO("from-a-pipe-secret\nignored\n")) == "from-a-pipe-secret"


def test_the_view_carries_the_catalogs_comments_quoted():
    schema = StructType([StructField("community_id", StringType()), StructField("authors", LongType()),
                         StructField("not_declared", StringType())])
    statement = sql.view_sql("gold.communities", schema, "SELECT 1")
    assert statement.startswith("CREATE OR REPLACE VIEW `gold`.`communities` (`community_id` COMMENT "
                                "'c0000 is the largest', `authors` COMMENT 'members', `not_declared`) COMMENT ")
    assert statement.endswith(" AS SELECT 1")
    assert "'one row per community of the interaction graph'" in statement


def test_quotes_in_comments_and_backticks_in_paths_are_escaped():
    assert sql._quote_string("it's a \\ path") == "'it\\'s a \\\\ path'"
    assert sql._quote_name("a`b") == "`a``b`"


def test_parquet_body_casts_each_file_and_fills_partitions_and_missing_columns():
    schema = StructType([StructField("id", IntegerType()), StructField("tags", ArrayType(StringType())),
                         StructField("day", StringType())])
    files = {("2024-01-02",): ["file:/lake/t/day=2024-01-02/b.parquet"], ("2024-01-01",): ["file:/lake/t/a.parquet"]}
    present = {"file:/lake/t/a.parquet": {"id", "tags"}, "file:/lake/t/day=2024-01-02/b.parquet": {"id"}}
    body = sql.parquet_body(schema, ["day"], files, present.__getitem__)
    first, second = body.split(" UNION ALL ")
    assert first == ("SELECT CAST(`id` AS int) AS `id`, CAST(`tags` AS array<string>) AS `tags`, "
                     "CAST('2024-01-01' AS string) AS `day` FROM parquet.`file:/lake/t/a.parquet`")
    assert second == ("SELECT CAST(`id` AS int) AS `id`, CAST(NULL AS array<string>) AS `tags`, "
                      "CAST('2024-01-02' AS string) AS `day` FROM parquet.`file:/lake/t/day=2024-01-02/b.parquet`")


def test_an_empty_snapshot_is_an_empty_typed_view():
    schema = StructType([StructField("id", IntegerType())])
    assert sql.parquet_body(schema, [], {}, lambda uri: set()) == "SELECT CAST(NULL AS int) AS `id` WHERE 1 = 0"


def test_the_jar_is_built_once_per_source_version(tmp_path):
    jar = sql.build_jar(tmp_path)
    with zipfile.ZipFile(jar) as archive:
        names = set(archive.namelist())
    assert {"socialake/serve/ReadOnlyExtension.class", "socialake/serve/PasswordAuthenticator.class"} <= names
    modified = jar.stat().st_mtime_ns
    assert sql.build_jar(tmp_path) == jar and jar.stat().st_mtime_ns == modified


def test_served_tables_are_gold_and_the_useful_ops_tables_never_erasure_tokens():
    served = sql.served_tables()
    assert "ops.runs" in served and "ops.validation_results" in served
    assert "ops.erasures" not in served
    assert not [t for t in served if t.startswith(("bronze.", "silver."))]
