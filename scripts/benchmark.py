"""Benchmark: generated posts through the whole pipeline, against a single-process baseline.

    python scripts/benchmark.py [--sizes 100000 1000000] [--work ./bench] [--no-baseline]
                                [--record docs/measurements/benchmark.md]

For each size N it generates N seeded posts (reused when already there), then runs the jobs
exactly as a user does, each as its own `socialake` process on the local defaults -
`ingest`, `silver`, `gold` - on a fresh lake, and samples the memory of every process of the
job every 0.5 s: the driver's Python, the JVM (in local mode it hosts the executors too) and
the Python workers (proportional set size, so pages the forked workers share count once).
Then the same landing files go through scripts/baseline.py (pandas + VADER + scikit-learn LDA +
networkx, one process) under the same sampler. It prints per stage the wall time, posts/s, cost
per post and peak memory, the speed-up over the baseline, how cost per post moves from the
smallest to the largest size, and checks issue 5's targets. With --record it writes the tables,
the machine and the command to a markdown file.

The sentiment model is trained once into a shared MLflow store before the first size
(`socialake train-sentiment`, reported as one-time setup): gold then applies the registered
production model, as it does in every run after a lake's first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from socialake.timing import PREFIX, parse_steps  # noqa: E402  (the checkout's own package)
STAGES = ("ingest", "silver", "gold")
CSV_MAPPING = "{post_id: id, author_id: user_id, author_handle: user_name, created_at: created_at, text: text, lang: lang}"
GIB = 1 << 30
# Issue 5's targets on a 2-core, 24 GiB machine.
TARGET_1M_SECONDS = 600
TARGET_SPEEDUP = 3.0
TARGET_FLAT = 0.20
TARGET_DRIVER_GIB = 4.0


@dataclass
class Peaks:
    driver_python: int = 0
    jvm: int = 0
    python_workers: int = 0
    total: int = 0


@dataclass
class Measured:
    name: str
    seconds: float
    exit_code: int
    peaks: Peaks = field(default_factory=Peaks)
    detail: dict = field(default_factory=dict)


def _pss(proc: psutil.Process) -> int:
    try:
        return proc.memory_full_info().pss
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return 0
    except AttributeError:  # platforms without PSS
        return proc.memory_info().rss


def _sample(root: psutil.Process, peaks: Peaks) -> None:
    try:
        children = root.children(recursive=True)
    except psutil.NoSuchProcess:
        return
    driver, jvm, workers = _pss(root), 0, 0
    for child in children:
        try:
            name = child.name()
        except psutil.NoSuchProcess:
            continue
        if name == "java":
            jvm += _pss(child)
        elif name.startswith("python"):
            workers += _pss(child)
    peaks.driver_python = max(peaks.driver_python, driver)
    peaks.jvm = max(peaks.jvm, jvm)
    peaks.python_workers = max(peaks.python_workers, workers)
    peaks.total = max(peaks.total, driver + jvm + workers)


def measure(name: str, command: list[str], env: dict[str, str], log_path: Path, interval: float = 0.5) -> Measured:
    """Run one command, sampling its process tree; its output goes to log_path."""
    peaks = Peaks()
    with open(log_path, "w") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        root = psutil.Process(proc.pid)
        done = threading.Event()

        def sampler() -> None:
            while not done.is_set():
                _sample(root, peaks)
                done.wait(interval)

        thread = threading.Thread(target=sampler, daemon=True)
        thread.start()
        code = proc.wait()
        seconds = time.perf_counter() - start
        done.set()
        thread.join()
    print(f"  {name:<10} {seconds:8.1f} s  exit {code}  peak: driver {peaks.driver_python / GIB:.2f} GiB, "
          f"JVM {peaks.jvm / GIB:.2f} GiB, Python workers {peaks.python_workers / GIB:.2f} GiB", flush=True)
    if code != 0:
        tail = log_path.read_text(errors="replace").splitlines()[-15:]
        print("\n".join("    | " + line for line in tail), file=sys.stderr)
    return Measured(name=name, seconds=seconds, exit_code=code, peaks=peaks)


def _job_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    venv_bin = Path(sys.executable).parent
    env.update({
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PATH": f"{venv_bin}{os.pathsep}{env.get('PATH', '')}",
        "SOCIALAKE_PSEUDONYM_SECRET": "benchmark-" + "0" * 54,  # a fixed throwaway key: generated data only
        "SOCIALAKE__INGEST__COLUMN_MAPPING": CSV_MAPPING,
        "SOCIALAKE__TRACKING__URI": f"sqlite:///{work.resolve()}/mlflow/mlflow.db",
        "SOCIALAKE__TRACKING__ARTIFACT_ROOT": (work.resolve() / "mlflow" / "artifacts").as_uri(),
        "MLFLOW_DISABLE_TELEMETRY": "true",
    })
    return env


def _socialake(*args: str) -> list[str]:
    return [sys.executable, "-m", "socialake.cli", *args]


def _job_steps(log: Path) -> dict[str, float]:
    """The job's own "time by step" line (socialake.timing), as {step: seconds}."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.startswith(PREFIX)]
    return parse_steps(lines[-1]) if lines else {}


def _lake_counts(lake: Path) -> dict[str, int]:
    from deltalake import DeltaTable

    counts = {}
    for table in ("bronze/posts", "bronze/quarantine", "silver/posts", "silver/edges", "gold/fact_posts"):
        path = lake / table
        if (path / "_delta_log").is_dir():
            counts[table.replace("/", ".")] = DeltaTable(str(path)).to_pyarrow_dataset().count_rows()
    return counts


def ensure_data(work: Path, n: int, seed: int, env: dict[str, str]) -> Path:
    data = work / f"data-{n}"
    truth = data / "truth" / "truth.json"
    if truth.is_file() and json.loads(truth.read_text()).get("n_posts") == n:
        print(f"  data       reusing {data}")
        return data
    result = measure("generate", _socialake("generate", "--out", str(data), "--posts", str(n), "--seed",
                                            str(seed), "--force"), env, work / f"generate-{n}.log")
    if result.exit_code != 0:
        raise SystemExit(f"benchmark: generating {n:,} posts failed (see {work}/generate-{n}.log)")
    return data


def run_size(work: Path, n: int, seed: int, env: dict[str, str], baseline: bool) -> dict:
    print(f"\n== {n:,} posts", flush=True)
    data = ensure_data(work, n, seed, env)
    lake = work / f"lake-{n}"
    shutil.rmtree(lake, ignore_errors=True)
    stages = []
    for stage in STAGES:
        args = {"ingest": ["ingest", "--input", str(data / "landing"), "--source-name", "benchmark"],
                "silver": ["silver"], "gold": ["gold"]}[stage]
        log = work / f"{stage}-{n}.log"
        result = measure(stage, _socialake(*args, "--env", "local", "--lake-root", str(lake)), env, log)
        stages.append(result)
        if result.exit_code != 0:
            raise SystemExit(f"benchmark: {stage} failed on {n:,} posts (log: {log})")
        result.detail = {"steps": _job_steps(log)}
    counts = _lake_counts(lake)
    out: dict = {"n": n, "stages": [asdict(s) for s in stages], "counts": counts}
    if baseline:
        timings = work / f"baseline-{n}.json"
        result = measure("baseline", [sys.executable, str(ROOT / "scripts" / "baseline.py"), "--input",
                                      str(data / "landing"), "--out", str(work / f"baseline-{n}"), "--json",
                                      str(timings)], env, work / f"baseline-{n}.log")
        if result.exit_code != 0:
            raise SystemExit(f"benchmark: the baseline failed on {n:,} posts (log: {work}/baseline-{n}.log)")
        result.detail = json.loads(timings.read_text())
        out["baseline"] = asdict(result)
    return out


def train_once(work: Path, env: dict[str, str]) -> dict | None:
    marker = work / "mlflow" / ".trained"
    if marker.is_file():
        return None
    (work / "mlflow").mkdir(parents=True, exist_ok=True)
    print("\n== one-time setup: train and register the sentiment model (shared MLflow store)", flush=True)
    result = measure("train", _socialake("train-sentiment", "--env", "local", "--lake-root", str(work / "lake-train")),
                     env, work / "train-sentiment.log")
    if result.exit_code != 0:
        raise SystemExit(f"benchmark: train-sentiment failed (log: {work}/train-sentiment.log)")
    marker.write_text("ok")
    return asdict(result)


# --- report ----------------------------------------------------------------------------------------

def _gib(value: int) -> str:
    return f"{value / GIB:.2f}"


def render(results: list[dict], setup: dict | None) -> str:
    lines = ["| posts | stage | wall s | posts/s | µs/post | driver Python GiB | JVM GiB | Python workers GiB |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        n = r["n"]
        total = sum(s["seconds"] for s in r["stages"])
        rows = [(s["name"], s["seconds"], s["peaks"]) for s in r["stages"]]
        rows.append(("**bronze -> gold**", total, {k: max(s["peaks"][k] for s in r["stages"])
                                                   for k in ("driver_python", "jvm", "python_workers")}))
        if "baseline" in r:
            b = r["baseline"]
            rows.append(("baseline (1 process)", b["seconds"], b["peaks"]))
        for name, seconds, peaks in rows:
            lines.append(f"| {n:,} | {name} | {seconds:,.1f} | {n / seconds:,.0f} | {seconds / n * 1e6:,.0f} | "
                         f"{_gib(peaks['driver_python'])} | {_gib(peaks['jvm'])} | {_gib(peaks['python_workers'])} |")
    lines.append("")
    baselined = [r for r in results if "baseline" in r]
    if baselined:
        lines += ["| posts | pipeline s | baseline s | speed-up | baseline steps (s) |", "|---:|---:|---:|---:|---|"]
        for r in baselined:
            total = sum(s["seconds"] for s in r["stages"])
            steps = ", ".join(f"{k} {v:.0f}" for k, v in r["baseline"]["detail"]["steps"].items())
            lines.append(f"| {r['n']:,} | {total:,.1f} | {r['baseline']['seconds']:,.1f} | "
                         f"{r['baseline']['seconds'] / total:.2f}x | {steps} |")
        lines.append("")
    if len(results) > 1:
        small, large = results[0], results[-1]
        lines += [f"| stage | µs/post at {small['n']:,} | µs/post at {large['n']:,} | change |", "|---|---:|---:|---:|"]
        for a, b in zip(small["stages"], large["stages"]):
            ca, cb = a["seconds"] / small["n"] * 1e6, b["seconds"] / large["n"] * 1e6
            lines.append(f"| {a['name']} | {ca:,.0f} | {cb:,.0f} | {cb / ca - 1:+.0%} |")
        ta = sum(s["seconds"] for s in small["stages"]) / small["n"] * 1e6
        tb = sum(s["seconds"] for s in large["stages"]) / large["n"] * 1e6
        lines.append(f"| bronze -> gold | {ta:,.0f} | {tb:,.0f} | {tb / ta - 1:+.0%} |")
        lines.append("")
    lines += ["Where each job's time goes (its own `time by step` line; the rest of a stage's wall time is "
              "process and Spark start-up and the final report):", ""]
    for r in results:
        for stage in r["stages"]:
            steps = stage.get("detail", {}).get("steps", {})
            if steps:
                lines.append(f"- {r['n']:,} {stage['name']}: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    lines += ["", "Targets (issue 5):"]
    lines += [f"- {line}" for line in check_targets(results)]
    if setup:
        lines.append(f"\nOne-time setup (not in the stage times): train-sentiment {setup['seconds']:.0f} s.")
    lines.append("\nRows in the lake after each run: " + "; ".join(
        f"{r['n']:,}: " + ", ".join(f"{t} {c:,}" for t, c in r["counts"].items()) for r in results))
    return "\n".join(lines)


def check_targets(results: list[dict]) -> list[str]:
    out = []
    million = next((r for r in results if r["n"] >= 1_000_000), None)
    if million:
        total = sum(s["seconds"] for s in million["stages"])
        out.append(f"{'met' if total < TARGET_1M_SECONDS else 'NOT met'}: {million['n']:,} posts bronze -> gold in "
                   f"{total / 60:.1f} min (target < {TARGET_1M_SECONDS // 60} min)")
    for r in results:
        if "baseline" in r:
            total = sum(s["seconds"] for s in r["stages"])
            speedup = r["baseline"]["seconds"] / total
            out.append(f"{'met' if speedup >= TARGET_SPEEDUP else 'NOT met'}: {speedup:.2f}x the single-process "
                       f"baseline at {r['n']:,} posts (target >= {TARGET_SPEEDUP:.0f}x)")
    if len(results) > 1:
        small, large = results[0], results[-1]
        ta = sum(s["seconds"] for s in small["stages"]) / small["n"]
        tb = sum(s["seconds"] for s in large["stages"]) / large["n"]
        out.append(f"{'met' if tb / ta - 1 <= TARGET_FLAT else 'NOT met'}: cost per post {tb / ta - 1:+.0%} from "
                   f"{small['n']:,} to {large['n']:,} posts (target within {TARGET_FLAT:.0%})")
    driver = max(max(s["peaks"]["driver_python"] + s["peaks"]["jvm"] for s in r["stages"]) for r in results)
    out.append(f"{'met' if driver < TARGET_DRIVER_GIB * GIB else 'NOT met'}: driver peak {driver / GIB:.2f} GiB "
               f"(driver Python + JVM, which in local mode also runs the executors; target < {TARGET_DRIVER_GIB:.0f} GiB)")
    return out


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[:1]
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / GIB:.0f} GiB, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"{java[0] if java else 'java ?'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="socialake benchmark: pipeline vs single-process baseline")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="numbers of posts to generate and run (default: 100000 1000000)")
    parser.add_argument("--work", default="./bench", help="working directory for data, lakes and logs")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the single-process baseline")
    parser.add_argument("--record", help="write the results as markdown to this file")
    args = parser.parse_args(argv)
    if any(n < 1_000 or n > 10_000_000 for n in args.sizes):
        print("benchmark: --sizes must be between 1000 and 10000000 posts", file=sys.stderr)
        return 2
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    env = _job_env(work)
    started = datetime.now(timezone.utc)
    setup = train_once(work, env)
    results = [run_size(work, n, args.seed, env, baseline=not args.no_baseline) for n in sorted(args.sizes)]
    (work / "results.json").write_text(json.dumps({"results": results, "setup": setup}, indent=2))
    table = render(results, setup)
    print("\n" + table)
    if args.record:
        command = "python scripts/benchmark.py " + " ".join(argv if argv is not None else sys.argv[1:])
        record(Path(args.record), f"Machine: {machine()}.\nDate: {started:%Y-%m-%d}. Command: `{command}` "
                                  f"(local defaults: local[*], embedded Delta engine, igraph graph engine).\n\n{table}")
        print(f"\nwritten to {args.record}")
    return 0


BEGIN, END = "<!-- benchmark:begin (written by scripts/benchmark.py --record) -->", "<!-- benchmark:end -->"


def record(path: Path, body: str) -> None:
    """Write the results between the markers, keeping any hand-written text around them."""
    block = f"{BEGIN}\n{body}\n{END}"
    text = path.read_text() if path.is_file() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = "# Benchmark: bronze -> gold vs a single-process baseline\n\n" + block + "\n"
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
