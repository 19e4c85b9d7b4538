"""The gold dashboard: the report page served from the stdlib on loopback.

GET / renders the page from the newest gold versions; the page is cached by the tuple of table
versions, so a new gold version shows on the next load and an unchanged lake renders nothing.
The page has no authentication, hence loopback only.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from socialake.serving.report import render_report
from socialake.serving.snapshot import load_snapshot, read_versions

log = logging.getLogger(__name__)

LOOPBACK_ONLY = ("the dashboard binds to loopback only (127.0.0.1 / ::1); to share it put it behind an "
                 "authenticating reverse proxy")


class PageCache:
    """The rendered page of the lake at `root`, re-rendered only when a table version changes."""

    def __init__(self, root: str, storage_options: dict | None = None) -> None:
        self.root = root
        self.storage_options = storage_options
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._page = b""

    def page(self) -> bytes:
        """The page for the lake's current versions (rendered once per set of versions)."""
        with self._lock:
            if read_versions(self.root, self.storage_options) != self._key:
                snapshot = load_snapshot(self.root, self.storage_options)
                page = render_report(snapshot, generated_at=datetime.now(timezone.utc))
                # keyed by what was read, so a version committed mid-read is picked up next time
                self._key, self._page = snapshot.versions, page.encode("utf-8")
                log.info("rendered the dashboard for %s", dict(self._key))
            return self._page


def loopback_host(host: str) -> str:
    """`host` if it is a loopback address ('localhost' is 127.0.0.1); ValueError otherwise."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ValueError(f"{host!r} is not a loopback address: {LOOPBACK_ONLY}")


class DashboardServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, cache: PageCache) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.cache = cache
        super().__init__((host, port), DashboardHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in str(host) else f"http://{host}:{port}/"


class DashboardHandler(BaseHTTPRequestHandler):
    server: DashboardServer

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = self.path.split("?", 1)[0]
        if not self._loopback_host_header():
            # DNS rebinding: a web page whose name resolves to 127.0.0.1 must not read gold
            self._send(HTTPStatus.FORBIDDEN, b"forbidden: open the dashboard as http://127.0.0.1:PORT/",
                       "text/plain; charset=utf-8")
            return
        if path == "/healthz":
            self._send(HTTPStatus.OK, b"ok", "text/plain; charset=utf-8")
        elif path == "/":
            try:
                page = self.server.cache.page()
            except Exception:  # noqa: BLE001 - logged with the traceback; the browser gets one line
                log.exception("cannot render the dashboard for %s", self.server.cache.root)
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"the dashboard could not be rendered: see the log",
                           "text/plain; charset=utf-8")
                return
            self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found: the dashboard serves / and /healthz",
                       "text/plain; charset=utf-8")

    def _loopback_host_header(self) -> bool:
        port = self.server.server_address[1]
        allowed = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
        return (self.headers.get("Host") or "").lower() in allowed

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        log.debug("%s %s", self.address_string(), format % args)


def make_server(root: str, *, host: str = "127.0.0.1", port: int = 8050,
                storage_options: dict | None = None) -> ThreadingHTTPServer:
    """A threading HTTP server (not yet serving) for the dashboard of the lake at `root`:
    GET / is the page, /healthz answers "ok", anything else 404. `port` 0 picks a free port
    (server.server_address has it). A host that is not loopback raises ValueError."""
    return _server(root, host=host, port=port, storage_options=storage_options)


def _server(root: str, *, host: str, port: int, storage_options: dict | None) -> DashboardServer:
    return DashboardServer(loopback_host(host), port, PageCache(root, storage_options))


def serve_forever(root: str, *, host: str = "127.0.0.1", port: int = 8050,
                  storage_options: dict | None = None) -> None:
    """Serve the dashboard of the lake at `root` until interrupted (Ctrl-C), then close."""
    server = _server(root, host=host, port=port, storage_options=storage_options)
    log.info("dashboard of %s on %s", root, server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl-C is how a user stops it: not an error
        log.info("dashboard stopped")
    finally:
        server.server_close()
