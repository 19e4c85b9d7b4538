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


ENGINES = ("embedded", "delta-spark")


def require_delta_jars(spark) -> None:
    """delta-spark needs the jars set-up fetched; without them its tests skip, except under
    SOCIALAKE_REQUIRE_JARS=1 (CI), where they fail."""
    from socialake.session import detect_jars

    if not detect_jars(spark.sparkContext._jvm).delta:
        message = "the Delta jars are not on the classpath: run scripts/setup.sh where Maven Central is reachable"
        if os.environ.get("SOCIALAKE_REQUIRE_JARS") == "1":
            pytest.fail(message)
        pytest.skip(message)


def lake_on(engine: str, spark, cfg):
    """The lake of `engine` on the shared session (see require_delta_jars)."""
    if engine == "embedded":
        from socialake.lake.embedded import EmbeddedLake

        return EmbeddedLake(spark, cfg.lake)
    require_delta_jars(spark)
    from socialake.lake.delta_spark import DeltaSparkLake

    return DeltaSparkLake(spark, cfg.lake)


@pytest.fixture(scope="session")
def engine_lake():
    """lake_on as a fixture (test modules cannot import conftest by name: there are several)."""
    return lake_on


@pytest.fixture(scope="session")
def delta_jars(spark):
    """Skips (fails under SOCIALAKE_REQUIRE_JARS=1) when the Delta jars are not on the classpath."""
    require_delta_jars(spark)


@pytest.fixture(scope="session", params=ENGINES)
def each_lake(request, spark, cfg):
    """Both engines, one after the other: contract tests take this instead of `lake`."""
    return lake_on(request.param, spark, cfg)


@pytest.fixture
def table_name(request) -> str:
    """A fresh table name per test, so tests sharing the session's lake never collide."""
    import hashlib
    import re

    slug = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:40]
    digest = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:8]  # parametrised ids differ here
    return f"test.{slug}_{digest}"


# --- a real browser: Debian's chromium driven by Selenium (dashboard and report tests) -----

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
BROWSER_WAIT_S = 20


def require_browser() -> None:
    """Skip where Chromium is not installed, except under SOCIALAKE_REQUIRE_BROWSER=1 (CI), where
    that fails."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        message = f"{', '.join(missing)} not installed: apt-get install chromium chromium-driver; pip install selenium"
        if os.environ.get("SOCIALAKE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


class BrowserPage:
    """A headless Chromium tab with the waits the page tests need (bounded, BROWSER_WAIT_S)."""

    def __init__(self, driver) -> None:
        self.driver = driver

    def open(self, url: str) -> None:
        """Load `url` and wait until the page has drawn every figure."""
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(url)
        WebDriverWait(self.driver, BROWSER_WAIT_S).until(lambda d: d.execute_script(
            "return document.readyState === 'complete' && document.body.getAttribute('data-drawn') === 'true'"))

    def value(self, element_id: str) -> str:
        return self.driver.find_element("id", element_id).get_attribute("data-value")

    def wait_value(self, element_id: str, expected: str) -> None:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, BROWSER_WAIT_S).until(
            lambda d: self.value(element_id) == expected,
            f"#{element_id} never showed {expected} (it shows {self.value(element_id)})")

    def select(self, element_id: str, *, value: str | None = None, text: str | None = None) -> None:
        from selenium.webdriver.support.ui import Select

        choice = Select(self.driver.find_element("id", element_id))
        choice.select_by_value(value) if text is None else choice.select_by_visible_text(text)

    def set_date(self, element_id: str, day: str) -> None:
        # typing into <input type=date> depends on the browser's locale; the page listens to "change"
        self.driver.execute_script("var el = document.getElementById(arguments[0]); el.value = arguments[1];"
                                   "el.dispatchEvent(new Event('change'));", element_id, day)

    def severe_console_entries(self) -> list:
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def foreign_requests(self, origin: str) -> list[str]:
        urls = self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
        return [url for url in urls if not url.startswith((origin, "data:"))]

    def screenshot(self, folder: Path, name: str) -> None:
        self.driver.save_screenshot(str(folder / name))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium (background networking off, sandbox off: CI runs as root), one per module."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage",
                     "--disable-gpu", "--no-first-run", "--window-size=1400,2400",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(BROWSER_WAIT_S)
    yield BrowserPage(driver)
    driver.quit()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    """Where screenshots go: $SOCIALAKE_TEST_ARTIFACTS (CI keeps it), else the test's temp dir."""
    folder = Path(os.environ.get("SOCIALAKE_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def dashboard_on():
    """Start the dashboard on a lake root (ephemeral port, loopback) in a thread; returns its URL."""
    import threading

    from socialake.serving.dashboard import make_server

    started = []

    def start(root: str) -> str:
        server = make_server(str(root), host="127.0.0.1", port=0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((server, thread))
        host, port = server.server_address[:2]
        return f"http://{host}:{port}/"

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
