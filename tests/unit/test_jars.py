"""The jar cache: files pinned by sha256, fetched from a repository (a loopback HTTP server here),
verified, never half-written; an unreachable repository is one line, not a crash."""

from __future__ import annotations

import hashlib
import threading
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from socialake import jars

PAYLOAD = b"PK\x03\x04 not really a jar, but bytes with a known hash"


@pytest.fixture
def repository(tmp_path):
    """A Maven-layout folder served on 127.0.0.1 for the duration of one test."""
    root = tmp_path / "repo"
    (root / "org" / "x" / "1.0").mkdir(parents=True)
    (root / "org" / "x" / "1.0" / "x-1.0.jar").write_bytes(PAYLOAD)
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def lock_for(repository: str, sha256: str) -> jars.JarLock:
    group = jars.JarGroup(name="x", coordinates="org:x:1.0", entry_class="org.X",
                          files=(jars.JarFile(path="org/x/1.0/x-1.0.jar", sha256=sha256),))
    return jars.JarLock(repository=repository, groups={"x": group})


def test_fetch_downloads_verifies_and_then_only_checks(repository, tmp_path):
    cache = tmp_path / "cache"
    lock = lock_for(repository, hashlib.sha256(PAYLOAD).hexdigest())

    first = jars.fetch(lock=lock, jars_dir=cache)
    second = jars.fetch(lock=lock, jars_dir=cache)

    assert (first.downloaded, first.present) == (["x-1.0.jar"], [])
    assert (second.downloaded, second.present) == ([], ["x-1.0.jar"])
    assert (cache / "x-1.0.jar").read_bytes() == PAYLOAD
    assert jars.cached_jars(["x"], lock=lock, jars_dir=cache) == [cache / "x-1.0.jar"]
    assert (cache / "x-1.0.jar").stat().st_mode & 0o044 == 0o044   # readable by workers running as others


def test_a_download_that_does_not_match_its_pin_is_refused_and_not_kept(repository, tmp_path):
    cache = tmp_path / "cache"
    lock = lock_for(repository, "0" * 64)

    with pytest.raises(jars.JarsError, match="not the pinned 0000"):
        jars.fetch(lock=lock, jars_dir=cache)

    assert list(cache.iterdir()) == []
    assert jars.cached_jars(["x"], lock=lock, jars_dir=cache) == []


def test_unreachable_repository_is_one_line_and_optional_fetch_succeeds(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(jars.JARS_DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.setenv(jars.REPOSITORY_VARIABLE, "http://127.0.0.1:9")   # nothing listens on the discard port

    assert jars.main(["fetch", "--optional", "delta"]) == 0
    assert jars.main(["fetch", "delta"]) == 1
    lines = [l for l in capsys.readouterr().err.splitlines() if l]
    assert lines == ["jars: Maven Central cannot be reached ([Errno 111] Connection refused); "
                     "the embedded engines will run instead"] * 2
    assert not list((tmp_path / "cache").glob("*.jar"))


def test_the_shipped_lock_pins_every_file_and_names_real_groups():
    lock = jars.load_lock()
    assert {"delta", "kafka"} <= set(lock.groups)
    for group in lock.groups.values():
        for jar in group.files:
            assert len(jar.sha256) == 64 and int(jar.sha256, 16) >= 0
            assert jar.path.endswith(".jar") and jar.path.split("/")[-1] == jar.name
    assert lock.groups["delta"].coordinates == "io.delta:delta-spark_4.2_2.13:4.4.0"


def test_unknown_groups_are_refused_with_the_known_ones(capsys):
    with pytest.raises(SystemExit) as exited:
        jars.main(["classpath", "graphframes"])
    assert exited.value.code == 2
    assert "unknown jar group 'graphframes': use one of delta, kafka" in capsys.readouterr().err
