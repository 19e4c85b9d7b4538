"""A real Spark standalone cluster on this machine, from the pip-installed pyspark: one master
and N workers bound to 127.0.0.1, and the socialake jobs spark-submitted to it with the package
shipped to the executors (--py-files) and the cluster engines' jars (--jars, from the cache
that set-up filled).

    python scripts/local_cluster.py start --workers 2 --dir /tmp/sl-cluster
    python scripts/local_cluster.py pipeline --dir /tmp/sl-cluster --input data/sample --lake-root /tmp/lake
    python scripts/local_cluster.py stop --dir /tmp/sl-cluster

`pipeline` runs ingest, silver and gold as one spark-submit of jobs/pipeline.py against the running
master (--per-stage: three spark-submits, one per stage's job).
Anything after `--` is passed to every job (e.g. `-- --env cluster`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
JOBS = {"ingest": "bronze_ingest.py", "silver": "silver.py", "gold": "gold.py", "run": "pipeline.py"}


def _pyspark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _env() -> dict[str, str]:
    # Every daemon and job binds to loopback and runs this interpreter in its Python workers.
    return dict(os.environ, SPARK_LOCAL_IP=HOST, SPARK_HOME=str(_pyspark_home()), PYSPARK_PYTHON=sys.executable,
                PYSPARK_DRIVER_PYTHON=sys.executable, SPARK_NO_DAEMONIZE="1")


def _state(folder: Path) -> dict:
    try:
        return json.loads((folder / "cluster.json").read_text())
    except OSError:
        raise SystemExit(f"no cluster recorded in {folder}: run `start --dir {folder}` first") from None


def _alive_workers(web_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{web_port}/json/", timeout=2) as response:
            return sum(1 for w in json.load(response).get("workers", []) if w.get("state") == "ALIVE")
    except OSError:
        return -1


def start(folder: Path, *, workers: int, cores: int, memory: str, timeout_s: float = 90) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    spark_class = str(_pyspark_home() / "bin" / "spark-class")
    port, web_port = _free_port(), _free_port()
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    procs = [subprocess.Popen(
        [spark_class, "org.apache.spark.deploy.master.Master", "--host", HOST, "--port", str(port),
         "--webui-port", str(web_port)],
        stdout=(logs / "master.log").open("w"), stderr=subprocess.STDOUT, env=_env(), start_new_session=True)]
    master = f"spark://{HOST}:{port}"
    for n in range(workers):
        work_dir = folder / f"worker-{n}"
        work_dir.mkdir(exist_ok=True)
        procs.append(subprocess.Popen(
            [spark_class, "org.apache.spark.deploy.worker.Worker", master, "--host", HOST, "--cores", str(cores),
             "--memory", memory, "--work-dir", str(work_dir), "--webui-port", str(_free_port())],
            stdout=(logs / f"worker-{n}.log").open("w"), stderr=subprocess.STDOUT, env=_env(), start_new_session=True))
    state = {"master": master, "web_port": web_port, "pids": [p.pid for p in procs], "workers": workers,
             "cores": cores, "memory": memory}
    (folder / "cluster.json").write_text(json.dumps(state))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _alive_workers(web_port) == workers:
            return state
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.5)
    stop(folder)
    raise SystemExit(f"the cluster did not come up with {workers} worker(s) in {timeout_s:.0f} s: see {logs}")


def stop(folder: Path) -> None:
    state = _state(folder)
    for pid in state["pids"]:
        try:
            os.killpg(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + 20
    for pid in state["pids"]:
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    (folder / "cluster.json").unlink(missing_ok=True)


def package_zip(folder: Path) -> Path:
    """src/socialake as a zip for --py-files: what the executors import, whatever is installed."""
    target = folder / "socialake.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in (REPO / "src").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(REPO / "src"))
    return target


def submit(folder: Path, job: str, job_args: list[str], *, jar_groups: list[str], executor_memory: str,
           extra_conf: dict[str, str] | None = None, capture: bool = False) -> subprocess.CompletedProcess:
    state = _state(folder)
    sys.path.insert(0, str(REPO / "src"))
    from socialake.jars import cached_jars

    jars = cached_jars(jar_groups)
    command = [str(_pyspark_home() / "bin" / "spark-submit"), "--master", state["master"],
               "--deploy-mode", "client", "--py-files", str(package_zip(folder)),
               "--executor-memory", executor_memory, "--total-executor-cores", str(state["workers"] * state["cores"]),
               "--conf", f"spark.pyspark.python={sys.executable}", "--conf", f"spark.driver.host={HOST}",
               "--conf", f"spark.driver.bindAddress={HOST}", "--conf", "spark.ui.enabled=false"]
    for key, value in (extra_conf or {}).items():
        command += ["--conf", f"{key}={value}"]
    if jars:
        command += ["--jars", ",".join(str(p) for p in jars)]
    command += [str(REPO / "jobs" / JOBS[job]), *job_args]
    return subprocess.run(command, env=_env(), text=True, capture_output=capture, check=False)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "stop", "pipeline"):
        p = sub.add_parser(name)
        p.add_argument("--dir", required=True, type=Path, help="folder for the cluster's state, logs and work dirs")
        if name == "start":
            p.add_argument("--workers", type=int, default=2)
            p.add_argument("--cores", type=int, default=1, help="cores per worker")
            p.add_argument("--memory", default="3g", help="memory per worker")
        if name == "pipeline":
            p.add_argument("--input", required=True, help="landing folder for the ingest")
            p.add_argument("--lake-root", required=True)
            p.add_argument("--env", default="cluster")
            p.add_argument("--jar-groups", default="delta", help="conf/jars.yaml groups to ship (comma-separated; "
                                                                  "empty: none, the embedded engines run)")
            p.add_argument("--executor-memory", default="2g")
            p.add_argument("--per-stage", action="store_true", help="three spark-submits (ingest, silver, gold) "
                                                                      "instead of one of jobs/pipeline.py")
    args = parser.parse_args(argv)
    if args.command == "start":
        if args.workers < 1 or args.cores < 1:
            parser.error("--workers and --cores must be at least 1")
        state = start(args.dir, workers=args.workers, cores=args.cores, memory=args.memory)
        print(f"cluster up: {state['master']} with {state['workers']} worker(s) x {state['cores']} core(s); "
              f"web UI http://{HOST}:{state['web_port']}")
        return 0
    if args.command == "stop":
        stop(args.dir)
        print("cluster stopped")
        return 0
    groups = [g for g in args.jar_groups.split(",") if g]
    common = ["--env", args.env, "--lake-root", args.lake_root, *passthrough]
    jobs = ((("ingest", ["--input", args.input, *common]), ("silver", common), ("gold", common)) if args.per_stage
            else (("run", ["--input", args.input, *common]),))
    for job, job_args in jobs:
        done = submit(args.dir, job, job_args, jar_groups=groups, executor_memory=args.executor_memory)
        if done.returncode != 0:
            print(f"{job} failed with exit code {done.returncode}", file=sys.stderr)
            return done.returncode
    return 0


if __name__ == "__main__":
    if shutil.which("java") is None:
        raise SystemExit("java is not on the PATH: run scripts/setup.sh first")
    sys.exit(main())
