"""`socialake serve`: the gold and ops tables over JDBC/ODBC, read-only.

The Spark Thrift Server (HiveServer2 protocol, what Tableau, Power BI, Superset, DBeaver and
beeline speak) runs inside the serving process on its own SparkSession. Every served table is a
view in the `gold` or `ops` database whose table and column comments are the catalog's
descriptions (socialake.catalog):
- delta-spark: the view reads ``delta.`<path>` ``, so every query sees the newest version;
- embedded: the view reads exactly the Parquet files of the table's current Delta snapshot (a
  Python data source cannot back a catalog table: its reader gets no options), and is replaced
  within serve.refresh_seconds of a new version.
(A catalog table created over an existing Delta path keeps neither the table nor the column
comments, measured 2026-12-03, and ALTER ... COMMENT would commit to the gold table; hence views.)

Two JVM classes, compiled from serving/jvm at set-up (or at the first serve), make it safe:
ReadOnlyExtension refuses every command but queries, SET, USE, SHOW, DESCRIBE and EXPLAIN, any
read of storage outside the served views (``parquet.`/any/file` ``), and reflect()/java_method();
PasswordAuthenticator checks users against serve.users_file (PBKDF2-SHA256 lines written by
`socialake serve-user`). Authentication is on whenever a users file is set, and required by the
config off loopback: the endpoint never starts open on a non-loopback address.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from socialake import catalog
from socialake.config import Config, ConfigError

log = logging.getLogger(__name__)

JAVA_SOURCES = Path(__file__).parent / "jvm"
EXTENSION_CLASS = "socialake.serve.ReadOnlyExtension"
AUTHENTICATOR_CLASS = "socialake.serve.PasswordAuthenticator"
USERS_PROPERTY = "socialake.serve.users"
SERVED_OPS = ("ops.runs", "ops.validation_results")   # ops.erasures holds erasure tokens: not served
PBKDF2_ITERATIONS = 310_000                            # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
# HiveServer2 lets these environment variables override its configured address and transport
OVERRIDING_ENVIRONMENT = ("HIVE_SERVER2_THRIFT_BIND_HOST", "HIVE_SERVER2_THRIFT_PORT",
                          "HIVE_SERVER2_TRANSPORT_MODE", "HIVE_SERVER2_THRIFT_HTTP_PORT")
READY_TIMEOUT_S = 60


class ServeError(ConfigError):
    """The endpoint cannot start as configured; the message says how to fix it (exit 2)."""


def served_tables() -> list[str]:
    """The tables the endpoint exposes: every gold table and the useful ops tables."""
    return [t.name for t in catalog.tables("gold")] + list(SERVED_OPS)


# --- the JVM classes ------------------------------------------------------------------------

def build_jar(out_dir: Path) -> Path:
    """Compile serving/jvm/*.java against pyspark's jars into out_dir/socialake-serve-<hash>.jar
    (kept: a second call with unchanged sources returns the same file at once)."""
    import pyspark

    sources = sorted(JAVA_SOURCES.rglob("*.java"))
    # compiled against this pyspark's jars: a different Spark gets its own build
    digest = hashlib.sha256(pyspark.__version__.encode() + b"".join(s.read_bytes() for s in sources)).hexdigest()[:12]
    jar = out_dir / f"socialake-serve-{digest}.jar"
    if jar.is_file():
        return jar
    javac = _javac()
    classpath = str(Path(pyspark.__file__).parent / "jars" / "*")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="socialake-serve-") as build:
        done = subprocess.run([javac, "--release", "17", "-nowarn", "-d", build, "-cp", classpath,
                               *map(str, sources)], capture_output=True, text=True)
        if done.returncode != 0:
            first = (done.stderr.strip() or done.stdout.strip() or f"javac exit code {done.returncode}").splitlines()[0]
            raise ServeError(f"compiling the serve classes failed: {first}")
        partial = jar.with_suffix(f".{os.getpid()}.partial")   # two builds at once: each renames its own
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(build).rglob("*.class")):
                archive.write(path, path.relative_to(build).as_posix())
        partial.replace(jar)
    for stale in out_dir.glob("socialake-serve-*.jar"):
        if stale != jar:
            stale.unlink(missing_ok=True)
    return jar


def _javac() -> str:
    for candidate in (shutil.which("javac"),
                      os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "javac") if os.environ.get("JAVA_HOME") else None):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise ServeError("javac not found: socialake serve compiles two small JVM classes once; install a JDK 17 "
                     "(apt-get install openjdk-17-jdk-headless; scripts/setup.sh does) or set JAVA_HOME")


# --- users ----------------------------------------------------------------------------------

def hash_password(password: str, *, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    """The users-file form of a password: pbkdf2-sha256:<iterations>:<salt hex>:<hash hex>."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"pbkdf2-sha256:{iterations}:{salt.hex()}:{digest.hex()}"


def set_user(users_file: Path, user: str, password: str) -> None:
    """Add `user` to the users file, or replace their password (file mode 0600)."""
    if not user or ":" in user or any(c.isspace() for c in user):
        raise ServeError(f"user name {user!r} is refused: use letters, digits, '-', '_' or '.'")
    if len(password) < 12:
        raise ServeError("the password is shorter than 12 characters: choose a longer one")
    lines = users_file.read_text().splitlines() if users_file.is_file() else []
    kept = [line for line in lines if line.split(":", 1)[0] != user]
    users_file.parent.mkdir(parents=True, exist_ok=True)
    users_file.touch(mode=0o600, exist_ok=True)
    users_file.chmod(0o600)
    users_file.write_text("\n".join([*kept, f"{user}:{hash_password(password)}"]) + "\n")


def read_password(stdin: Any = None) -> str:
    """The password from a prompt (asked twice) or, when stdin is not a terminal, its first line."""
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        return stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise ServeError("the two passwords differ: run the command again")
    return first


def _users(path: str) -> list[str]:
    file = Path(path)
    if not file.is_file():
        raise ServeError(f"serve.users_file {path} does not exist: add a user with "
                         f"`socialake serve-user --users-file {path} --user NAME`")
    users = [line.split(":", 1)[0] for line in file.read_text().splitlines() if line.count(":") == 4]
    if not users:
        raise ServeError(f"serve.users_file {path} has no users: add one with "
                         f"`socialake serve-user --users-file {path} --user NAME`")
    return users


# --- the views ------------------------------------------------------------------------------

def _quote_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _quote_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _column_list(schema: Any, table: str) -> str:
    declared = {c.name: c.description for c in catalog.table(table).columns}
    return ", ".join(f"{_quote_name(f.name)}" + (f" COMMENT {_quote_string(declared[f.name])}" if f.name in declared else "")
                     for f in schema.fields)


def view_sql(table: str, schema: Any, body: str) -> str:
    """CREATE OR REPLACE VIEW <table> (columns with the catalog's comments) COMMENT ... AS body."""
    layer, entity = table.split(".", 1)
    return (f"CREATE OR REPLACE VIEW {_quote_name(layer)}.{_quote_name(entity)} ({_column_list(schema, table)}) "
            f"COMMENT {_quote_string(catalog.table(table).description)} AS {body}")


def delta_body(path: str, schema: Any) -> str:
    """The view body over a Delta path (delta-spark: resolved to the newest version per query)."""
    columns = ", ".join(_quote_name(f.name) for f in schema.fields)
    return f"SELECT {columns} FROM delta.{_quote_name(path)}"


def parquet_body(schema: Any, partitions: Sequence[str], files: dict[tuple, list[str]],
                 file_columns: Callable[[str], set[str]]) -> str:
    """The view body over one snapshot's Parquet files: each column cast to the table's type,
    partition values as literals from the Delta log, columns a file lacks as typed nulls."""
    def select(values: tuple, present: set[str] | None, source: str) -> str:
        parts = []
        for field in schema.fields:
            kind = field.dataType.simpleString()
            if field.name in partitions:
                value = values[list(partitions).index(field.name)]
                literal = "NULL" if value is None else _quote_string(str(value))
                parts.append(f"CAST({literal} AS {kind}) AS {_quote_name(field.name)}")
            elif present is not None and field.name in present:
                parts.append(f"CAST({_quote_name(field.name)} AS {kind}) AS {_quote_name(field.name)}")
            else:
                parts.append(f"CAST(NULL AS {kind}) AS {_quote_name(field.name)}")
        return f"SELECT {', '.join(parts)}{source}"

    selects = [select(values, file_columns(uri), f" FROM parquet.{_quote_name(uri)}")
               for values, uris in sorted(files.items(), key=lambda kv: str(kv[0])) for uri in uris]
    return " UNION ALL ".join(selects) if selects else select((), None, " WHERE 1 = 0")


def _parquet_columns(uri: str) -> set[str]:
    import pyarrow.parquet as pq
    from urllib.parse import unquote, urlparse

    path = unquote(urlparse(uri).path) if uri.startswith("file:") else uri
    return set(pq.read_schema(path).names)


@dataclass
class Registrar:
    """Creates and refreshes the served views of one lake (run on the exempt thread)."""

    spark: Any
    lake: Any
    engine: str
    storage_options: dict[str, str]
    versions: dict[str, int]
    errors: dict[str, str] = field(default_factory=dict)   # table -> why its last refresh failed

    def refresh(self) -> list[str]:
        """(Re)create the view of each served table that is new or has a new version; returns
        them. A table that fails (a file vacuumed mid-read, a store hiccup) keeps its current
        view and is retried on the next call (self.errors says why)."""
        from socialake.lake.embedded import latest_version

        changed = []
        self.errors = {}
        for table in served_tables():
            try:
                version = latest_version(self.lake.path(table), self.storage_options)
                if version is None or self.versions.get(table) == version:
                    continue
                if self.engine == "delta-spark":
                    schema = self.lake.schema(table)
                    body = delta_body(self.lake.path(table), schema)
                else:
                    version, schema, partitions, files = self.lake.snapshot_files(table)
                    body = parquet_body(schema, partitions, files, _parquet_columns)
                self.spark.sql(view_sql(table, schema, body))
            except Exception as exc:  # noqa: BLE001 - one table's trouble must not stop the endpoint
                self.errors[table] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                continue
            self.versions[table] = version
            changed.append(table)
        return changed


# --- the server -----------------------------------------------------------------------------

def session_config(cfg: Config, jar: Path, warehouse: str) -> Config:
    """cfg with what the serving session needs: the read-only extension, the classes on the
    driver's classpath (HiveServer2's threads do not see spark.jars), HiveServer2's address,
    transport and authentication, and a private warehouse (the catalog is in memory)."""
    from socialake.jars import cached_jars

    serve = cfg.serve
    jars = [jar, *(cached_jars(cfg.spark.jar_groups) if cfg.lake.engine != "embedded" else [])]
    conf = dict(cfg.spark.conf)
    conf.update({
        "spark.sql.extensions": ",".join([EXTENSION_CLASS, *[e for e in conf.get("spark.sql.extensions", "").split(",") if e]]),
        "spark.driver.extraClassPath": os.pathsep.join(
            [*map(str, jars), *[p for p in conf.get("spark.driver.extraClassPath", "").split(os.pathsep) if p]]),
        "spark.sql.warehouse.dir": warehouse,
        # the UI would publish every client's statements (and bind off loopback)
        "spark.ui.enabled": "false",
        "spark.sql.hive.thriftServer.singleSession": "false",
        "spark.hadoop.hive.server2.thrift.bind.host": serve.host,
        "spark.hadoop.hive.server2.thrift.port": str(serve.port),
        "spark.hadoop.hive.server2.transport.mode": "binary",
        "spark.hadoop.hive.server2.enable.doAs": "false",
        "spark.hadoop.hive.server2.authentication": "CUSTOM" if serve.users_file else "NONE",
    })
    if serve.users_file:
        conf["spark.hadoop.hive.server2.custom.authentication.class"] = AUTHENTICATOR_CLASS
    return cfg.model_copy(update={"spark": cfg.spark.model_copy(update={"conf": conf})})


def jdbc_url(cfg: Config) -> str:
    return f"jdbc:hive2://{cfg.serve.host}:{cfg.serve.port}/gold"


def _print(line: str) -> None:
    print(line, flush=True)   # a supervisor or a pipe waits for the ready line


def run(cfg: Config, *, jar_dir: Path, stop: threading.Event | None = None,
        announce: Callable[[str], None] = _print) -> int:
    """Serve the lake of `cfg` until `stop` is set or SIGTERM/SIGINT arrives; returns 0."""
    users = _users(cfg.serve.users_file) if cfg.serve.users_file else []
    _port_free(cfg.serve.host, cfg.serve.port)
    jar = build_jar(jar_dir)
    for name in OVERRIDING_ENVIRONMENT:
        if os.environ.pop(name, None) is not None:
            log.warning("ignoring %s: the address comes from serve.host / serve.port", name)

    from socialake.lake import open_lake
    from socialake.session import build_session, engines_for

    warehouse = tempfile.mkdtemp(prefix="socialake-serve-warehouse-")
    served_cfg = session_config(cfg, jar, warehouse)
    spark = build_session(served_cfg)
    stop = stop or threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        jvm = spark.sparkContext._jvm
        if cfg.serve.users_file:
            jvm.java.lang.System.setProperty(USERS_PROPERTY, str(Path(cfg.serve.users_file).resolve()))
            # the authenticator is looked up in a fresh HiveConf, which reads system properties only
            jvm.java.lang.System.setProperty("hive.server2.custom.authentication.class", AUTHENTICATOR_CLASS)
        _require_guard(spark)
        jvm.socialake.serve.ReadOnlyExtension.exemptCurrentThread()
        # what every client's session must hold (settings from the JDBC URL are refused)
        jvm.socialake.serve.ReadOnlyExtension.recordBaseline(spark._jsparkSession.newSession())
        engine = engines_for(spark, served_cfg).lake
        lake = open_lake(spark, served_cfg)
        spark.sql("CREATE DATABASE IF NOT EXISTS gold COMMENT 'socialake gold: BI-ready, pseudonymous tables'")
        spark.sql("CREATE DATABASE IF NOT EXISTS ops COMMENT 'socialake ops: run ledger and quality results'")
        registrar = Registrar(spark, lake, engine, dict(cfg.lake.storage_options), {})
        registered = registrar.refresh()
        jvm.org.apache.spark.sql.hive.thriftserver.HiveThriftServer2.startWithSparkSession(
            spark._jsparkSession, False)
        if not _wait_for_port(cfg.serve.host, cfg.serve.port, stop):
            return 0   # stopped before it was up
        auth = f"users from {cfg.serve.users_file} ({len(users)})" if users else "none (loopback only)"
        announce(f"socialake serve: {len(registered)} tables (gold.*, ops.*) of {cfg.lake.root} on "
                 f"{jdbc_url(cfg)}, engine {engine}, read-only, authentication: {auth}; stop with Ctrl-C")
        if not registered:
            announce("socialake serve: no gold tables yet; they appear here once `socialake gold` has run")
        while not stop.wait(cfg.serve.refresh_seconds):
            for table in registrar.refresh():
                log.info("serving %s version %s", table, registrar.versions[table])
            for table, error in registrar.errors.items():
                log.warning("%s: kept the view of version %s (%s); retrying", table,
                            registrar.versions.get(table), error)
        announce("socialake serve: stopping")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        # stopping the SparkContext stops the Thrift server with it (its listener does; calling
        # the server's own stop() first took the JVM down before the context could stop)
        spark.stop()
        shutil.rmtree(warehouse, ignore_errors=True)


def _port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the JVM's server socket does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port} ({exc.strerror}): choose another --port "
                             "or stop what is using it") from None


def _require_guard(spark: Any) -> None:
    """Fail closed: a statement the guard must refuse is tried before anything is served
    (Spark ignores an extension class it cannot load, e.g. when a session already existed)."""
    try:
        spark.sql("CREATE TEMPORARY VIEW socialake_guard_probe AS SELECT 1")
    except Exception as exc:  # noqa: BLE001 - py4j wraps the JVM's exception
        if "socialake serve is read-only" in str(exc):
            return
        raise ServeError(f"the read-only guard did not load ({str(exc).splitlines()[0]}): start socialake serve "
                         "in its own process (not under spark-submit or beside another session)") from None
    raise ServeError("the read-only guard is not active (a probe statement was accepted): start socialake serve "
                     "in its own process (not under spark-submit or beside another session)")


def _wait_for_port(host: str, port: int, stop: threading.Event) -> bool:
    """True once the server accepts connections; False if `stop` was set first."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline and not stop.is_set():
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    if stop.is_set():
        return False
    raise RuntimeError(f"the Thrift server did not listen on {host}:{port} within {READY_TIMEOUT_S} s")
