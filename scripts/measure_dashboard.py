"""How fast the gold page draws: the static Plotly page (report and dashboard) and, for
comparison, a minimal Dash app with the same two main figures. No Spark.

    python scripts/measure_dashboard.py [--dir /tmp/dashboard-bench] [--repeat 5] \
        [--dash-python /tmp/dashvenv/bin/python]

A synthetic gold lake shaped like the 20k-post demo is written with delta-rs (seed 42): the
daily cube of 30 days x 5 platforms x 8 languages x 12 topics (every cell, about 20k posts), 12
topics, 50 hashtags and 5 watchlist terms in gold.trends (daily and hourly buckets), 20 alerts
with 5 sample posts each, 4,000 authors of whom 1,600 interact (15k interactions), 300
communities, 20 coordination groups, 20k fact rows, a run ledger and validation results.

Load time is what a user waits for: from driver.get() to document.readyState complete with
every figure div carrying plotly's .js-plotly-plot class (for Dash: both graphs drawn and no
callback pending), in headless Chromium with the cache disabled, the median of --repeat loads.
Dash (not a project dependency) is timed only with --dash-python, a Python that has dash.
Prints a markdown table for docs/measurements/dashboard.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
from deltalake import write_deltalake

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from socialake import catalog  # noqa: E402
from socialake.lake.base import spark_to_arrow_schema, table_path  # noqa: E402

START = datetime(2026, 11, 1, tzinfo=timezone.utc)
DAYS, PLATFORMS = 30, ("x", "reddit", "mastodon", "bluesky", "generic")
LANGS, TOPICS = ("en", "de", "fr", "es", "pt", "it", "nl", "und"), 12
LINEAGE = {"gold_run_id": "20261203T090000Z-bench000", "mlflow_run_id": "bench-mlflow", "silver_version": 7}
TEXT = "Storm warning for the coast tonight, stay safe and check <URL> before you travel #storm "


def write(root: Path, name: str, rows: list[dict[str, Any]]) -> None:
    if name.startswith("gold."):
        rows = [{**LINEAGE, **row} for row in rows]
    schema = spark_to_arrow_schema(catalog.table(name).schema)
    write_deltalake(table_path(str(root), name), pa.Table.from_pylist(rows, schema=schema), mode="overwrite")


def pseudonym(i: int) -> str:
    return f"u_{i:032x}"


def build_lake(root: Path, seed: int = 42) -> None:
    """The synthetic demo-shaped lake (see the module docstring)."""
    rng = np.random.default_rng(seed)
    days = [START + timedelta(days=d) for d in range(DAYS)]
    daily = []
    for d in days:
        for p in PLATFORMS:
            for lang in LANGS:
                for t in range(TOPICS):
                    posts = 1 + int(rng.poisson(0.4))
                    neg = int(rng.integers(0, posts + 1))
                    pos = int(rng.integers(0, posts - neg + 1))
                    daily.append({"date_key": int(d.strftime("%Y%m%d")), "platform": p, "lang": lang, "topic_id": t,
                                  "posts": posts, "authors": posts, "negative": neg, "neutral": posts - neg - pos,
                                  "positive": pos, "mean_sentiment": float(rng.uniform(-1, 1)),
                                  "engagement": int(rng.integers(0, 200))})
    write(root, "gold.daily_aggregates", daily)
    write(root, "gold.dim_topic", [{"topic_id": t, "label": f"term{t}a term{t}b term{t}c",
                                    "top_terms": [f"term{t}{c}" for c in "abcdefghij"],
                                    "term_weights": sorted(rng.uniform(0, 0.2, 10).tolist(), reverse=True),
                                    "npmi": float(rng.uniform(0, 0.3)), "topic_model": "topics-lda@1"}
                                   for t in range(TOPICS)])
    series = [("all", "all")] + [("topic", f"t{t}") for t in range(TOPICS)] + \
        [("hashtag", f"tag{h}") for h in range(50)] + [("keyword", f"word{k}") for k in range(5)]
    trends = []
    for bucket, starts in (("day", days), ("hour", [START + timedelta(hours=h) for h in range(DAYS * 24)])):
        for dimension, value in series:
            if bucket == "hour" and dimension not in ("all", "topic"):
                continue
            for s in starts:
                trends.append({"dimension": dimension, "bucket": bucket, "bucket_start": s, "value": value,
                               "posts": int(rng.integers(1, 80)), "mean_sentiment": float(rng.uniform(-1, 1)),
                               "share_of_voice": float(rng.uniform(0, 0.3))})
    write(root, "gold.trends", trends)
    write(root, "gold.alerts", [
        {"alert_id": f"alert{a:02d}", "dimension": "hashtag", "value": f"tag{a}",
         "bucket_start": START + timedelta(hours=int(rng.integers(48, DAYS * 24))), "posts": int(rng.integers(30, 90)),
         "baseline_median": 4.0, "baseline_mad": 1.5, "robust_z": float(rng.uniform(4, 20)),
         "ratio": float(rng.uniform(3, 12)),
         "sample_posts": [{"engagement": 100 - s, "post_key": f"x:{a}{s}", "created_at": START, "text": TEXT * 2}
                          for s in range(5)]} for a in range(20)])
    authors = 4000
    communities = [f"c{c:04d}" for c in range(300)]
    member = rng.integers(0, 300, authors)
    ranks = rng.permutation(1600) + 1
    write(root, "gold.dim_author", [
        {"author_pseudonym": pseudonym(i), "platform": PLATFORMS[i % 5], "posts": int(rng.integers(1, 20)),
         "community_id": communities[member[i]] if i < 1600 else None, "pagerank": 1.0 / ranks[i] if i < 1600 else None,
         "pagerank_rank": int(ranks[i]) if i < 1600 else None, "engagement": 0} for i in range(authors)])
    src, dst = rng.integers(0, 1600, 15000), rng.integers(0, 1600, 15000)
    write(root, "gold.fact_interactions", [
        {"src": pseudonym(int(s)), "dst": pseudonym(int(d)), "kind": "mention", "post_key": f"x:e{i}",
         "platform": "x", "created_at": START} for i, (s, d) in enumerate(zip(src, dst)) if s != d])
    write(root, "gold.communities", [
        {"community_id": c, "authors": int(rng.integers(2, 60)), "posts": int(rng.integers(2, 400)),
         "mean_sentiment": float(rng.uniform(-1, 1)), "top_topics": ["term1a term1b term1c", "term2a term2b term2c"],
         "top_hashtags": ["tag1", "tag2", "tag3", "tag4", "tag5"]} for c in communities])
    write(root, "gold.coordination", [
        {"coordination_id": f"co{g}", "signal": "near_duplicate", "group_key": f"x:{g}", "accounts": 5, "posts": 30,
         "first_at": START, "last_at": START + timedelta(minutes=5), "span_seconds": 300, "score": 1.0,
         "evidence": [{"created_at": START, "post_key": f"x:{g}-{e}", "author_pseudonym": pseudonym(e), "text": TEXT}
                      for e in range(int(rng.integers(10, 50)))]} for g in range(20)])
    write(root, "gold.fact_posts", [{"post_key": f"x:{i}", "date_key": 20261101, "platform": "x", "lang": "en"}
                                    for i in range(20000)])
    write(root, "ops.runs", [{"run_id": f"run{r}", "job": "gold", "product": p, "status": "succeeded",
                              "started_at": START + timedelta(days=r), "inputs": [{"table_name": "silver.posts",
                                                                                   "version": r}]}
                             for r in range(10) for p in ("*", "star", "trends")])
    write(root, "ops.validation_results", [
        {"run_id": f"run{r}", "evaluated_at": START + timedelta(days=r), "table_name": t, "check_name": f"check{c}",
         "action": "warn", "success": True, "element_count": 20000, "unexpected_count": 0}
        for r in range(10) for t in ("gold.daily_aggregates", "gold.fact_posts") for c in range(3)])


DASH_APP = r'''
import json, sys
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

cube = json.load(open(sys.argv[1]))
app = Dash(__name__)
app.layout = html.Div([
    dcc.Dropdown(id="platform", value="",
                 options=[{"label": "all", "value": ""}] + [{"label": p, "value": p} for p in cube["platforms"]]),
    dcc.Graph(id="volume"), dcc.Graph(id="topics")])

@app.callback(Output("volume", "figure"), Output("topics", "figure"), Input("platform", "value"))
def draw(platform):
    rows = [r for r in cube["rows"] if not platform or cube["platforms"][r[1]] == platform]
    volume, topics = {}, {}
    for r in rows:
        key = (cube["platforms"][r[1]], cube["days"][r[0]])
        volume[key] = volume.get(key, 0) + r[4]
        name = cube["topics"][r[3]]["name"]
        topics[name] = topics.get(name, 0) + r[4]
    lines = [go.Scatter(x=cube["days"], y=[volume.get((p, d), 0) for d in cube["days"]], name=p, mode="lines+markers")
             for p in cube["platforms"] if not platform or p == platform]
    names = sorted(topics, key=topics.get, reverse=True)
    return go.Figure(lines), go.Figure([go.Bar(x=[topics[n] for n in names], y=names, orientation="h")])

app.run(host="127.0.0.1", port=int(sys.argv[2]), debug=False)
'''

# every figure div carries .js-plotly-plot and holds traces (Dash first draws an empty graph,
# then the callback's figure), and no Dash callback is pending
DRAWN = ("var figures = document.querySelectorAll(arguments[0]), count = arguments[1];"
         " return document.readyState === 'complete' && figures.length >= count &&"
         " Array.prototype.every.call(figures, function (f) {"
         " return f.classList.contains('js-plotly-plot') && (f.data || []).length > 0; }) &&"
         " !document.querySelector('[data-dash-is-loading]');")


def browser(profile: Path, *, cache: bool):
    """Headless Chromium on a fresh profile; with cache=False the HTTP cache is disabled."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage",
                     "--disable-gpu", "--no-first-run", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    if not cache:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


def measure(url: str, figures: str, count: int, *, repeat: int, profiles: Path) -> tuple[list[float], list[float]]:
    """(cold, warm) load times of `url`: cold = a new browser profile per load, cache off;
    warm = one browser, cache on, after one untimed load (a user reloading the page)."""
    cold = []
    for i in range(repeat):
        driver = browser(profiles / f"cold-{i}", cache=False)
        try:
            cold.append(time_load(driver, url, figures, count))
        finally:
            driver.quit()
    driver = browser(profiles / "warm", cache=True)
    try:
        time_load(driver, url, figures, count)
        warm = [time_load(driver, url, figures, count) for _ in range(repeat)]
    finally:
        driver.quit()
    return cold, warm


def time_load(driver, url: str, figures: str, count: int) -> float:
    """Seconds from driver.get(url) to every `figures` element drawn (polled every 20 ms)."""
    driver.get("about:blank")
    start = time.perf_counter()
    driver.get(url)
    deadline = start + 60
    while not driver.execute_script(DRAWN, figures, count):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{url} did not draw its figures in 60 s")
        time.sleep(0.02)
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "dashboard-bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dash-python", help="a Python with dash installed; without it Dash is not timed")
    args = parser.parse_args(argv)

    from socialake.serving.dashboard import make_server
    from socialake.serving.report import page_model, plotly_js, render_report, write_report
    from socialake.serving.snapshot import load_snapshot, read_versions

    shutil.rmtree(args.dir, ignore_errors=True)
    root = args.dir / "lake"
    started = time.perf_counter()
    build_lake(root)
    print(f"lake written in {time.perf_counter() - started:.1f} s under {root}", file=sys.stderr)

    now = datetime.now(timezone.utc)
    snapshot = load_snapshot(str(root))
    steps = {"load_snapshot (delta-rs read of gold + ops)": lambda: load_snapshot(str(root)),
             "render_report": lambda: render_report(snapshot, generated_at=now),
             "read_versions (the dashboard's check per request)": lambda: read_versions(str(root))}
    step_runs = {step: [_timed(run) for _ in range(args.repeat)] for step, run in steps.items()}
    report = write_report(str(root), "bench")
    size = report.stat().st_size
    cube = page_model(snapshot)["daily"]
    (args.dir / "cube.json").write_text(json.dumps(cube))

    server = make_server(str(root), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    loads: list[tuple[str, str, list[float], list[float]]] = []   # (page, bytes, cold runs, warm runs)
    dash = None
    try:
        figures = report.read_text(encoding="utf-8").count('class="figure"')
        loads.append(("static report, file://", f"{size:,}",
                      *measure(report.as_uri(), ".figure", figures, repeat=args.repeat, profiles=args.dir / "p1")))
        bare = args.dir / "plotly-only.html"
        bare.write_text(f"<!DOCTYPE html><html><body><script>{plotly_js()}</script></body></html>", encoding="utf-8")
        loads.append(("plotly.js alone (inline, no figure), file://", f"{bare.stat().st_size:,}",
                      *measure(bare.as_uri(), ".figure", 0, repeat=args.repeat, profiles=args.dir / "p0")))
        host, port = server.server_address[:2]
        url = f"http://{host}:{port}/"
        urllib.request.urlopen(url, timeout=60).read()   # the first request renders and caches the page
        loads.append(("dashboard, stdlib server (page cached)", f"{size:,}",
                      *measure(url, ".figure", figures, repeat=args.repeat, profiles=args.dir / "p2")))
        if args.dash_python:
            app = args.dir / "dash_app.py"
            app.write_text(DASH_APP)
            dash_port = free_port()
            dash = subprocess.Popen([args.dash_python, str(app), str(args.dir / "cube.json"), str(dash_port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            dash_url = f"http://127.0.0.1:{dash_port}/"
            _wait_http(dash_url)
            loads.append(("Dash 4.4.1: 2 graphs + dropdown", f"{_transferred(dash_url, args.dir / 'p3'):,}",
                          *measure(dash_url, ".js-plotly-plot", 2, repeat=args.repeat, profiles=args.dir / "p3")))
    finally:
        if dash is not None:
            dash.terminate()
            dash.wait(timeout=10)
        server.shutdown()
        server.server_close()

    print(f"machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
          f"Chromium {_chromium_version()}")
    print("| step | median s | runs s |")
    print("|---|---|---|")
    for step, runs in step_runs.items():
        print(f"| {step} | {statistics.median(runs):.3f} | {', '.join(f'{r:.3f}' for r in runs)} |")
    print()
    print("| page | bytes | cold median s | cold runs s | warm median s | warm runs s |")
    print("|---|---|---|---|---|---|")
    for what, page, cold, warm in loads:
        print(f"| {what} | {page} | {statistics.median(cold):.2f} | {', '.join(f'{r:.2f}' for r in cold)} | "
              f"{statistics.median(warm):.2f} | {', '.join(f'{r:.2f}' for r in warm)} |")
    return 0


def _timed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _transferred(url: str, profiles: Path) -> int:
    """Bytes a cold load of `url` transfers (document and every resource)."""
    driver = browser(profiles / "size", cache=False)
    try:
        time_load(driver, url, ".js-plotly-plot", 2)
        return driver.execute_script(
            "return performance.getEntriesByType('resource').reduce(function (n, e) { return n + e.transferSize; },"
            " performance.getEntriesByType('navigation')[0].transferSize)")
    finally:
        driver.quit()


def _wait_http(url: str) -> None:
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.5)


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _chromium_version() -> str:
    out = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if out else "?"


if __name__ == "__main__":
    raise SystemExit(main())
