"""`socialake serve` with stock clients: the README's example queries through beeline (ships with
pyspark) and PyHive (DB-API) give the numbers polars computes from the Delta tables directly;
writes, storage reads outside the served views and wrong passwords are refused; a new gold
version is visible without a restart. One server per engine, each a real `socialake serve`
process on loopback."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from socialake import catalog
from socialake import schemas as S
from socialake.serving.sql import served_tables

pytestmark = pytest.mark.slow
README = Path(__file__).resolve().parents[2] / "README.md"
PASSWORD = "a-long-test-password-42"
READY_S = 180


def readme_queries() -> dict[str, str]:
    """The ```sql blocks of the README that start with `-- name: <name>`."""
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(), flags=re.S)
    named = {}
    for block in blocks:
        first = block.splitlines()[0]
        if first.startswith("-- name:"):
            named[first.split(":", 1)[1].strip()] = block.strip()
    return named


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A `socialake serve` process; stopped with SIGTERM, which must end it with exit code 0."""

    def __init__(self, root: str, engine: str, users_file: Path | None, log: Path) -> None:
        self.port = _free_port()
        self.engine = engine
        self.users_file = users_file
        command = [sys.executable, "-m", "socialake.cli", "serve", "--env", "test", "--lake-root", root,
                   "--port", str(self.port)]
        if users_file is not None:
            command += ["--users-file", str(users_file)]
        env = {**os.environ, "SOCIALAKE__LAKE__ENGINE": engine, "SOCIALAKE__SERVE__REFRESH_SECONDS": "0.5",
               "PYTHONUNBUFFERED": "1"}
        self.log = log
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log.open("w"), text=True, env=env)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + READY_S
        while not any("on jdbc:hive2://" in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"socialake serve did not come up: {self.lines} {log.read_text()[-3000:]}")
            time.sleep(0.2)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def connect(self, password: str | None = PASSWORD):
        from pyhive import hive

        if self.users_file is None:
            return hive.connect(host="127.0.0.1", port=self.port, username="analyst")
        return hive.connect(host="127.0.0.1", port=self.port, username="analyst", password=password, auth="CUSTOM")

    def query(self, sql: str) -> list[tuple]:
        with self.connect() as connection:
            cursor = connection.cursor()
            cursor.execute(sql)
            return cursor.fetchall()

    def beeline(self, sql: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
        """The statement run from a file, as an analyst would (`beeline -f query.sql`), tab-separated."""
        import pyspark
        import tempfile

        beeline = Path(pyspark.__file__).parent / "bin" / "beeline"
        with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
            script.write(sql.rstrip().rstrip(";") + ";\n")
            script.flush()
            command = [str(beeline), "-u", f"jdbc:hive2://127.0.0.1:{self.port}/gold", "-n", "analyst",
                       "--silent=true", "--outputformat=tsv2", "-f", script.name]
            if self.users_file is not None:
                command[5:5] = ["-p", password]
            return subprocess.run(command, capture_output=True, text=True, timeout=120)

    def stop(self) -> int:
        self.process.terminate()
        try:
            code = self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        self.reader.join(timeout=10)
        return code


@pytest.fixture(scope="module", params=["embedded", "delta-spark"])
def server(request, gold_run, tmp_path_factory):
    """The embedded engine's server with a users file (authentication on), delta-spark's
    without one (loopback, no authentication)."""
    run_cfg, lake, _, _ = gold_run
    engine = request.param
    if engine == "delta-spark":
        from socialake.jars import cached_jars

        if not cached_jars(("delta",)):
            message = "the Delta jars are not cached: run scripts/setup.sh where Maven Central is reachable"
            if os.environ.get("SOCIALAKE_REQUIRE_JARS") == "1":
                pytest.fail(message)
            pytest.skip(message)
    folder = tmp_path_factory.mktemp(f"serve-{engine}")
    users = None
    if engine == "embedded":
        users = folder / "users"
        done = subprocess.run([sys.executable, "-m", "socialake.cli", "serve-user", "--users-file", str(users),
                               "--user", "analyst"], input=PASSWORD + "\n", capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    running = Server(run_cfg.lake.root, engine, users, folder / "serve.log")
    yield running, lake
    assert running.stop() == 0, running.log.read_text()[-3000:]
    assert "socialake serve: stopping" in running.lines


def delta(lake, table: str) -> pl.DataFrame:
    return pl.read_delta(lake.path(table))


def expected(lake, name: str) -> list[tuple]:
    """Each README query's answer computed with polars from the Delta tables (not through Spark)."""
    if name == "topic_volume_by_day":
        daily = delta(lake, S.GOLD_DAILY).join(delta(lake, S.GOLD_DIM_DATE).select("date_key", "date"), on="date_key")
        daily = daily.join(delta(lake, S.GOLD_DIM_TOPIC).select("topic_id", "label"), on="topic_id")
        grouped = (daily.group_by("date", "label")
                   .agg(pl.col("posts").sum(), ((pl.col("mean_sentiment") * pl.col("posts")).sum()
                                                / pl.col("posts").sum()).alias("mean_sentiment"),
                        pl.col("negative").sum(), pl.col("positive").sum())
                   .sort(["date", "posts", "label"], descending=[False, True, False]))
        return [(str(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in grouped.rows()]
    if name == "alerts_last_24_hours":
        alerts = delta(lake, S.GOLD_ALERTS)
        newest = alerts["bucket_start"].max()
        recent = alerts.filter(pl.col("bucket_start") > newest - timedelta(hours=24))
        rows = [(r["bucket_start"].strftime("%Y-%m-%d %H:%M"), r["dimension"], r["value"], r["posts"],
                 r["baseline_median"], round(r["robust_z"], 1), (r["sample_posts"] or [{}])[0].get("text"))
                for r in recent.iter_rows(named=True)]
        return sorted(rows, key=lambda r: (-r[5], r[0], r[2]))
    if name == "top_communities":
        communities = delta(lake, S.GOLD_COMMUNITIES).sort(["authors", "community_id"], descending=[True, False])
        return [(r["community_id"], r["authors"], r["posts"], r["mean_sentiment"], ", ".join(r["top_topics"]),
                 " ".join(r["top_hashtags"])) for r in communities.head(10).iter_rows(named=True)]
    raise KeyError(name)


def same(served: list[tuple], wanted: list[tuple]) -> bool:
    """Row by row; numbers within rounding (SQL rounds half up to 3 or 1 places), text exact."""
    if len(served) != len(wanted):
        return False
    for got_row, want_row in zip(served, wanted):
        for got, want in zip(got_row, want_row):
            if want is None or got is None:
                if want is not None or got is not None:
                    return False
            elif isinstance(want, float) or isinstance(got, float):
                if got is None or want is None or not math.isclose(float(got), float(want), abs_tol=0.051):
                    return False
            elif str(got) != str(want):
                return False
    return True


def beeline_rows(output: str) -> list[tuple]:
    """tsv2 output without its header; numbers parsed back, NULL as None. Beeline echoes a line
    per line of the script before the result (no tab in them: every query here has columns)."""
    def value(cell: str):
        if cell == "NULL":
            return None
        for kind in (int, float):
            try:
                return kind(cell)
            except ValueError:
                pass
        return cell

    lines = [line.rsplit("\r", 1)[-1] for line in output.splitlines() if "\t" in line]
    return [tuple(value(c) for c in line.split("\t")) for line in lines[1:]]


# Refused by socialake's guard, or earlier by Spark's or Delta's own analysis (a view is no table)
REFUSED = "read-only|expects a table but .* is a view|only supports Delta sources"


def test_the_readme_has_the_three_example_queries():
    assert set(readme_queries()) == {"topic_volume_by_day", "alerts_last_24_hours", "top_communities"}


def test_readme_queries_over_pyhive_equal_the_delta_tables(server):
    running, lake = server
    for name, sql in readme_queries().items():
        wanted = expected(lake, name)
        assert wanted, f"{name}: the generated lake should answer it with rows"
        served = running.query(sql)
        assert same(served, wanted), (name, served[:3], wanted[:3])


def test_readme_queries_over_beeline_equal_the_delta_tables(server):
    running, lake = server
    for name, sql in readme_queries().items():
        done = running.beeline(sql)
        assert done.returncode == 0, done.stderr[-2000:]
        served = beeline_rows(done.stdout)
        wanted = expected(lake, name)
        assert same(served, wanted), (name, served[:3], wanted[:3])


def test_every_served_table_is_listed_with_the_catalogs_comments(server):
    running, lake = server
    listed = {f"{db}.{name}" for db in ("gold", "ops") for _, name, _ in running.query(f"SHOW TABLES IN {db}")}
    present = {t for t in served_tables() if lake.exists(t)}
    assert present <= listed and listed <= set(served_tables())
    assert {t.name for t in catalog.tables("gold")} <= listed
    described = {name: comment for name, _, comment in running.query("DESCRIBE gold.alerts")}
    for column in catalog.table(S.GOLD_ALERTS).columns:
        assert described[column.name] == column.description


@pytest.mark.parametrize("statement", [
    "DROP VIEW gold.alerts",
    "CREATE TABLE default.copy AS SELECT * FROM gold.communities",
    "CREATE TEMPORARY VIEW mine AS SELECT 1",
    "CREATE TEMPORARY FUNCTION mine AS 'java.lang.String'",
    "ADD JAR /tmp/anything.jar",
    "CACHE TABLE gold.alerts",
    "DECLARE VARIABLE mine INT",
    "EXECUTE IMMEDIATE 'CREATE TEMPORARY VIEW mine AS SELECT 1'",
    "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
    "SELECT java_method('java.lang.System', 'getProperty', 'user.home')",
    "SET",
    "SET -v",
    "SET spark.sql.catalog.x=org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog",
    "SET spark.hadoop.fs.file.impl.disable.cache=true",
])
def test_the_guard_refuses_writes_code_and_settings(server, statement):
    running, _ = server
    with pytest.raises(Exception, match="socialake serve is read-only"):
        running.query(statement)
    assert running.query("SHOW TABLES IN default") == []


@pytest.mark.parametrize("statement", [
    "INSERT INTO gold.dim_date SELECT * FROM gold.dim_date",
    "DELETE FROM gold.alerts WHERE posts > 0",
])
def test_writes_into_the_served_views_are_refused_and_change_nothing(server, statement):
    running, _ = server
    before = [running.query(f"SELECT count(*) FROM {t}")[0][0] for t in ("gold.dim_date", "gold.alerts")]
    with pytest.raises(Exception, match=REFUSED):
        running.query(statement)
    assert [running.query(f"SELECT count(*) FROM {t}")[0][0] for t in ("gold.dim_date", "gold.alerts")] == before


def test_query_settings_and_ctes_over_the_views_still_work(server):
    running, lake = server
    alerts = pl.read_delta(lake.path(S.GOLD_ALERTS)).height
    assert running.query("SET spark.sql.session.timeZone=UTC") == [("spark.sql.session.timeZone", "UTC")]
    assert running.query("WITH recent AS (SELECT * FROM gold.alerts) SELECT count(*) FROM recent") == [(alerts,)]
    assert running.query("SELECT count(*) FROM gold.alerts WHERE alert_id IN (SELECT alert_id FROM gold.alerts)") == [
        (alerts,)]


def test_a_setting_sent_with_the_connection_is_refused(server):
    running, _ = server
    from pyhive import hive

    plugin = {"set:hiveconf:spark.sql.catalog.x": "org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog"}
    kwargs = {} if running.users_file is None else {"password": PASSWORD, "auth": "CUSTOM"}
    # refused at the first statement: PyHive's own USE at connect, or the query
    with pytest.raises(Exception, match="socialake serve is read-only: the session setting spark.sql.catalog.x"):
        with hive.connect(host="127.0.0.1", port=running.port, username="analyst", configuration=plugin,
                          **kwargs) as connection:
            connection.cursor().execute("SELECT 1")


def test_storage_outside_the_served_views_is_not_readable(server):
    running, lake = server
    bronze = lake.path(S.BRONZE_POSTS)
    for sql in (f"SELECT count(*) FROM parquet.`{bronze}`",
                f"SELECT count(*) FROM delta.`{bronze}`",
                f"SELECT (SELECT count(*) FROM parquet.`{bronze}`) AS n",
                f"SELECT count(*) FROM gold.alerts WHERE EXISTS (SELECT 1 FROM json.`{bronze}`)",
                f"WITH raw AS (SELECT * FROM json.`{bronze}`) SELECT count(*) FROM raw",
                f"SELECT nothing FROM json.`{Path(bronze).parent}`",
                f"DESCRIBE TABLE EXTENDED delta.`{lake.path(S.SILVER_POSTS)}`"):
        with pytest.raises(Exception, match="socialake serve is read-only: reading storage"):
            running.query(sql)


def test_a_write_over_beeline_is_refused(server):
    running, _ = server
    done = running.beeline("DROP VIEW gold.alerts")
    assert done.returncode != 0 and "read-only" in done.stdout + done.stderr


def test_a_wrong_password_is_refused(server):
    running, _ = server
    if running.users_file is None:
        pytest.skip("this server runs without a users file (loopback, no authentication)")
    with pytest.raises(Exception, match="validating the login|Bad status"):
        running.connect(password="not-the-password")
    done = running.beeline("SELECT 1", password="not-the-password")
    assert done.returncode != 0 and "Error validating the login" in done.stdout + done.stderr
    assert running.query("SELECT 1") == [(1,)]


def test_a_new_gold_version_is_visible_without_a_restart(server, spark):
    running, lake = server
    before = running.query("SELECT count(*) FROM gold.dim_date")[0][0]
    original = lake.read(S.GOLD_DIM_DATE).cache()
    assert original.count() == before
    lineage = original.first()
    values = {"date_key": 20991231, "date": date(2099, 12, 31), "year": 2099, "quarter": 4, "month": 12, "day": 31,
              "iso_week": 1, "weekday": "Thursday", "is_weekend": False}
    extra = spark.createDataFrame([tuple(values.get(c, lineage[c]) for c in original.columns)], original.schema)
    try:
        lake.write(S.GOLD_DIM_DATE, original.unionByName(extra), mode="overwrite", run_id="serve-test")
        deadline = time.monotonic() + 30
        while running.query("SELECT count(*) FROM gold.dim_date")[0][0] != before + 1:
            assert time.monotonic() < deadline, "the new version did not show within 30 s"
            time.sleep(0.5)
    finally:
        lake.write(S.GOLD_DIM_DATE, original, mode="overwrite", run_id="serve-test-restore")
        original.unpersist()
