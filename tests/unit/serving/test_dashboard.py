"""The dashboard server on an ephemeral loopback port, on the hand-made lake of conftest.py."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from socialake.serving.dashboard import make_server


@contextmanager
def serving(root: Path) -> Iterator[str]:
    server = make_server(str(root), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_serves_the_page_health_and_nothing_else(gold_lake, read_page):
    with serving(gold_lake) as base:
        status, kind, body = get(f"{base}/")
        assert (status, kind) == (200, "text/html; charset=utf-8")
        assert read_page(body.decode("utf-8")).value("total-posts") == "27"
        assert get(f"{base}/healthz") == (200, "text/plain; charset=utf-8", b"ok")
        assert get(f"{base}/admin")[0] == 404
        assert get(f"{base}/healthz/../etc")[0] == 404


def test_a_new_gold_version_shows_on_the_next_load(fresh_gold_lake, write_gold, fixture_daily, read_page):
    with serving(fresh_gold_lake) as base:
        first = get(f"{base}/")[2]
        assert get(f"{base}/")[2] == first     # unchanged lake: the cached page (same generated-at)
        extra = dict(fixture_daily[0], date_key=20261104, posts=5)
        write_gold(fresh_gold_lake, "gold.daily_aggregates", [*fixture_daily, extra])   # version 1: 27 + 5
        page = read_page(get(f"{base}/")[2].decode("utf-8"))
        assert page.value("total-posts") == "32"
        lineage = {r[0]["data-table"]: r[0]["data-version"] for r in page.rows["lineage-table"]}
        assert lineage["gold.daily_aggregates"] == "1"
        assert page.attributes["filter-to"]["value"] == "2026-11-04"


def test_an_empty_lake_is_a_page_not_an_error(tmp_path, read_page):
    with serving(tmp_path) as base:
        status, _, body = get(f"{base}/")
    assert status == 200
    assert read_page(body.decode("utf-8")).texts["empty-lake"].startswith("no gold tables yet under ")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_refuses_a_host_that_is_not_loopback(tmp_path, host):
    with pytest.raises(ValueError, match=r"loopback only \(127\.0\.0\.1 / ::1\).*authenticating reverse proxy"):
        make_server(str(tmp_path), host=host, port=0)


def test_a_request_naming_another_host_is_forbidden(gold_lake):
    # DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1 must not read gold
    with serving(gold_lake) as base:
        request = urllib.request.Request(f"{base}/", headers={"Host": "evil.example:8050"})
        status = get_request(request)
        assert status == 403
        assert get(f"{base}/")[0] == 200
        localhost = urllib.request.Request(f"{base}/healthz", headers={"Host": f"localhost:{base.rsplit(':', 1)[1]}"})
        assert get_request(localhost) == 200


def get_request(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
