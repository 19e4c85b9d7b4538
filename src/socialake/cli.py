"""`socialake` command line: one subcommand per job, plus lake maintenance.

Each job's shape: parse args -> load config -> build session -> stage.run() -> stop -> exit code.
Bad arguments and config problems print one line naming the fix and exit with 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from socialake.config import Config, ConfigError, load_config
from socialake.runs import new_run_id

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_CONFLICT = 75  # EX_TEMPFAIL: other writers kept committing first; safe to run again

class UsageError(ValueError):
    """A bad argument: the message is one line that says what to pass instead."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socialake", description="Social media data mining on a Delta lakehouse.")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_env(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--env", default="local", help="configuration environment: conf/<env>.yaml (default: local)")
        p.add_argument("--lake-root", help="override lake.root (directory or s3a:// / abfss:// URI)")
        return p

    gen = sub.add_parser("generate", help="write seeded sample data in the platforms' native formats")
    gen.add_argument("--out", required=True, help="output directory")
    gen.add_argument("--posts", type=int, default=10_000, help="number of posts, 1,000 to 10,000,000")
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--force", action="store_true", help="replace a non-empty output directory")

    def add_ingest_inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--input", action="append", required=True, help="file or directory (repeatable)")
        p.add_argument("--source-name", help="recorded as source_name (default: ingest.source_name)")
        p.add_argument("--format", help="force a format instead of detecting it (x_v2, x_v1.1, reddit_api, "
                       "pushshift, mastodon, jetstream, csv, jsonl)")
        p.add_argument("--collected-at", help="ISO-8601 time the data was collected (default: file mtime)")

    ingest = with_env(sub.add_parser("ingest", help="land platform files in bronze.posts / bronze.quarantine"))
    add_ingest_inputs(ingest)
    ingest.add_argument("--run-id", help="run id to record (default: generated)")

    run = with_env(sub.add_parser("run", help="ingest, silver and gold in one Spark session (one JVM start): "
                                              "what to run on one machine; spark-submit the stages' jobs on a cluster"))
    add_ingest_inputs(run)
    run.add_argument("--run-id", help="run id to record: each stage records <run id>-bronze / -silver / -gold "
                                      "(default: generated per stage)")

    silver = with_env(sub.add_parser("silver", help="bronze -> silver: pseudonymise, redact, deduplicate"))
    silver.add_argument("--run-id", help="run id to record (default: generated)")

    gold = with_env(sub.add_parser("gold", help="silver -> gold: sentiment, topics, embeddings, graph, trends, "
                                                "coordination, BI tables (tracked in MLflow)"))
    gold.add_argument("--run-id", help="run id to record (default: generated)")
    gold.add_argument("--retrain-sentiment", action="store_true",
                      help="train the sentiment candidates again; the best replaces production only if it wins "
                           "by gold.sentiment.promote_margin on the same held-out split")
    gold.add_argument("--only", help="comma-separated products to run, with what they depend on: "
                                     "sentiment, topics, embeddings, coordination, graph, star, trends")
    gold.add_argument("--refit", help="comma-separated models to refit now whatever their refit rule says: topics")

    train = with_env(sub.add_parser("train-sentiment", help="train, evaluate and register the sentiment candidates"))
    train.add_argument("--data", help="folder with tweeteval-val/ and vader-tweets/ (default: the copies shipped "
                                      "with socialake)")
    train.add_argument("--force", action="store_true",
                       help="promote the best candidate even if it does not beat the production model")

    analyse = sub.add_parser("analyse", help="run one analysis on your own file (no lake): language, communities")
    analyses = analyse.add_subparsers(dest="analysis", required=True)
    language = with_env(analyses.add_parser("language", help="language of each line of a text file"))
    language.add_argument("--input", required=True, help="UTF-8 text, one text per line")
    language.add_argument("--output", required=True, help="TSV written: lang<TAB>confidence, one line per input line")
    language.add_argument("--languages", help="comma-separated codes to choose from (default: "
                                              "silver.language.languages, all 140 labels when empty)")
    language.add_argument("--min-confidence", type=float, help="below it: und (default: silver.language.min_confidence)")
    members = with_env(analyses.add_parser("communities", help="communities of a graph given as an edge list"))
    members.add_argument("--input", required=True, help="TSV: src<TAB>dst[<TAB>weight] per line (header optional)")
    members.add_argument("--output", required=True, help="TSV written: node<TAB>community (c0000 the largest)")

    similar = with_env(sub.add_parser("similar", help="posts most like a given post (gold.post_embeddings)"))
    similar.add_argument("--post-key", required=True, help="e.g. x:1740700559964374835 (see gold.fact_posts)")
    similar.add_argument("--top", type=int, default=10)

    retention = with_env(sub.add_parser("retention", help="delete rows older than the configured days, then vacuum"))
    retention.add_argument("--bronze-days", type=int, help="override retention.bronze_days")
    retention.add_argument("--silver-days", type=int, help="override retention.silver_days")

    erase = with_env(sub.add_parser("erase", help="erase one account from every layer, then vacuum"))
    erase.add_argument("--platform", required=True, choices=["x", "reddit", "mastodon", "bluesky", "generic"])
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--author-id", help="the platform's account id (Bluesky: the DID)")
    who.add_argument("--handle", help="the account's handle")

    demo = with_env(sub.add_parser("demo", help="generate sample data and run the pipeline end to end"))
    demo.add_argument("--posts", type=int, default=20_000)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--data", default="./data/sample", help="where the sample data is generated")

    serve = with_env(sub.add_parser("serve", help="the gold and ops tables over JDBC/ODBC (Spark Thrift Server, "
                                                  "HiveServer2 protocol), read-only"))
    serve.add_argument("--host", help="address to listen on (default: serve.host, 127.0.0.1); any other "
                                      "than loopback needs --users-file")
    serve.add_argument("--port", type=int, help="TCP port (default: serve.port, 10000)")
    serve.add_argument("--users-file", help="users allowed to connect, written by `socialake serve-user` "
                                            "(default: serve.users_file; none: no authentication, loopback only)")

    serve_user = sub.add_parser("serve-user", help="add a user of `socialake serve` (or change their password); "
                                                   "the password is read from the prompt or stdin")
    serve_user.add_argument("--users-file", required=True, help="the users file (created with mode 0600)")
    serve_user.add_argument("--user", required=True)

    dashboard = with_env(sub.add_parser("dashboard", help="the gold dashboard on http://127.0.0.1:PORT/"))
    dashboard.add_argument("--port", type=int, help="TCP port (default: serve.dashboard_port, 8050; 0: any free)")

    report = with_env(sub.add_parser("report", help="write the self-contained HTML report of gold (no server needed)"))
    report.add_argument("--out", help="file to write (default: <lake root>/_exports/gold-report-<run id>.html)")

    history = with_env(sub.add_parser("history", help="show a table's commits"))
    history.add_argument("table", help="e.g. bronze.posts")
    history.add_argument("--limit", type=int, default=20)

    vacuum = with_env(sub.add_parser("vacuum", help="remove files older table versions no longer need"))
    vacuum.add_argument("table")
    vacuum.add_argument("--retention-hours", type=int, help="default: lake.vacuum_retention_hours")

    optimize = with_env(sub.add_parser("optimize", help="compact a table's small files"))
    optimize.add_argument("table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "generate": _generate,
        "ingest": _ingest,
        "run": _run,
        "silver": _silver,
        "gold": _gold,
        "train-sentiment": _train_sentiment,
        "similar": _similar,
        "analyse": _analyse,
        "retention": _retention,
        "erase": _erase,
        "demo": _demo,
        "history": _history,
        "serve": _serve,
        "serve-user": _serve_user,
        "dashboard": _dashboard,
        "report": _report,
        "vacuum": _vacuum,
        "optimize": _optimize,
    }
    try:
        return handlers[args.command](args)
    except (ConfigError, UsageError, FileNotFoundError) as exc:
        print(f"socialake {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _config(args: argparse.Namespace, **overrides: object) -> Config:
    tree: dict = {}
    if getattr(args, "lake_root", None):
        tree["lake"] = {"root": args.lake_root}
    for dotted, value in overrides.items():
        section, key = dotted.split("__")
        tree.setdefault(section, {})[key] = value
    return load_config(args.env, overrides=tree)


def _with_session(cfg: Config, work: Callable[..., int]) -> int:
    from socialake.lake import open_lake
    from socialake.session import build_session

    spark = build_session(cfg)
    try:
        return work(spark, open_lake(spark, cfg))
    finally:
        spark.stop()


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--collected-at {value!r} is not ISO-8601: use e.g. 2026-11-01T12:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _generate(args: argparse.Namespace) -> int:
    from socialake.sample import SampleArgumentError, generate

    try:
        summary = generate(Path(args.out), args.posts, args.seed, force=args.force)
    except SampleArgumentError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {summary['n_posts']:,} posts to {Path(args.out) / 'landing'} (truth in {Path(args.out) / 'truth'})")
    return EXIT_OK


def _ingest_inputs(args: argparse.Namespace) -> dict:
    """ingest.run's keyword arguments from the command line, checked before a session starts."""
    collected_at = _parse_time(args.collected_at)
    for path in args.input:
        if "://" not in path and not Path(path).exists():
            raise UsageError(f"--input {path} does not exist: pass a file or directory of platform exports")
    return {"inputs": [_as_uri(p) for p in args.input], "source_name": args.source_name,
            "source_format": args.format, "collected_at": collected_at}


def _ingest(args: argparse.Namespace) -> int:
    from socialake.bronze import ingest

    cfg = _config(args)
    inputs = _ingest_inputs(args)

    def work(spark, lake) -> int:
        report = ingest.run(spark, cfg, lake, run_id=args.run_id or new_run_id(), **inputs)
        print(report.render())
        print(f"tables under {cfg.lake.root} (engine: {lake.engine_name})")
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _stage_run_id(base: str | None, stage: str) -> str:
    return f"{base}-{stage}" if base else new_run_id()


def _run(args: argparse.Namespace) -> int:
    from socialake.silver.pseudonymise import load_key

    cfg = _config(args)
    inputs = _ingest_inputs(args)
    key = load_key()  # before the session: a missing key is a start-up error

    def work(spark, lake) -> int:
        _pipeline(spark, cfg, lake, inputs=inputs, key=key, run_id=args.run_id)
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _pipeline(spark, cfg: Config, lake, *, inputs: dict, key, run_id: str | None):
    """ingest -> silver -> gold on one session, each stage's report printed as it ends; returns
    gold's report. A stage that fails raises, and the later stages do not run."""
    import time

    from socialake.bronze import ingest
    from socialake.gold import runner
    from socialake.silver import job as silver_job

    stages = (
        ("bronze", lambda rid: ingest.run(spark, cfg, lake, run_id=rid, **inputs)),
        ("silver", lambda rid: silver_job.run(spark, cfg, lake, run_id=rid, key=key)),
        ("gold", lambda rid: runner.run(spark, cfg, lake, run_id=rid)),
    )
    report = None
    for number, (stage, step) in enumerate(stages, 1):
        print(f"[{number}/{len(stages)}] {stage} ...", flush=True)
        started = time.perf_counter()
        report = step(_stage_run_id(run_id, stage))
        print(report.render())
        print(f"[{number}/{len(stages)}] {stage} done in {time.perf_counter() - started:.1f} s", flush=True)
        print(flush=True)
    return report


def _silver(args: argparse.Namespace) -> int:
    from socialake.silver import job as silver_job
    from socialake.silver.pseudonymise import load_key

    cfg = _config(args)
    key = load_key()  # before the session: a missing key is a start-up error

    def work(spark, lake) -> int:
        print(silver_job.run(spark, cfg, lake, run_id=args.run_id or new_run_id(), key=key).render())
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _gold(args: argparse.Namespace) -> int:
    from socialake.gold import runner
    from socialake.models import MODEL_KINDS

    cfg = _config(args, **({"gold__sentiment": {"model": "retrain"}} if args.retrain_sentiment else {}))
    only = [p.strip() for p in args.only.split(",") if p.strip()] if args.only else None
    refit = [m.strip() for m in args.refit.split(",") if m.strip()] if args.refit else []
    try:
        runner.plan(cfg, only)
    except runner.PlanError as exc:
        raise UsageError(str(exc)) from None
    for kind in refit:
        if kind != "topics":
            raise UsageError(f"--refit {kind}: only the topic model is refitted by gold (models: "
                             f"{', '.join(MODEL_KINDS)}); retrain sentiment with --retrain-sentiment or train-sentiment")

    def work(spark, lake) -> int:
        print(runner.run(spark, cfg, lake, run_id=args.run_id or new_run_id(), only=only, refit=refit).render())
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _train_sentiment(args: argparse.Namespace) -> int:
    from socialake.models.sentiment import train
    from socialake.tracking import Tracker

    cfg = _config(args)
    if args.data and not Path(args.data).is_dir():
        raise UsageError(f"--data {args.data} is not a folder: pass the folder holding tweeteval-val/ and vader-tweets/")

    def work(spark, lake) -> int:
        tracker = Tracker(cfg)
        with tracker.run("train-sentiment"):
            training = train(spark, cfg, tracker, data_dir=args.data, force=args.force)
        print(f"{'candidate':<22}{'macro recall':>14}{'accuracy':>10}{'r(VADER tweets)':>17}")
        for c in training.candidates:
            print(f"{c.name:<22}{c.metrics['macro_recall']:>14.3f}{c.metrics['accuracy']:>10.3f}"
                  f"{c.metrics['vader_tweets_pearson']:>17.3f}")
        if training.champion is not None:
            print(f"{'production (before)':<22}{training.champion['macro_recall']:>14.3f}"
                  f"{training.champion['accuracy']:>10.3f}{training.champion['vader_tweets_pearson']:>17.3f}")
        verdict = ("promoted" if training.promoted else
                   f"not promoted: it does not beat production by gold.sentiment.promote_margin "
                   f"{cfg.gold.sentiment.promote_margin} (use --force to promote it anyway)")
        print(f"best candidate: {training.best.name} ({cfg.tracking.model_prefix}-sentiment version "
              f"{training.best_version}), {verdict}")
        version = tracker.production_version("sentiment")
        print(f"production: {cfg.tracking.model_prefix}-sentiment version {version[0] if version else '?'} "
              f"({tracker.store.tracking_uri})")
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _analyse(args: argparse.Namespace) -> int:
    from socialake import analyse

    source, target = Path(args.input), Path(args.output)
    if not source.is_file():
        raise UsageError(f"--input {source} is not a file: pass the {args.analysis} input file")
    if target.exists() and target.resolve() == source.resolve():
        raise UsageError(f"--output {target} is the input file: pass another path")
    if not target.parent.is_dir():
        raise UsageError(f"--output {target}: folder {target.parent} does not exist")
    problems = analyse.Problems()
    if args.analysis == "language":
        overrides: dict = {}
        if args.languages is not None:
            overrides["silver"] = {"language": {"languages": [c.strip() for c in args.languages.split(",") if c.strip()]}}
        if args.min_confidence is not None:
            overrides.setdefault("silver", {}).setdefault("language", {})["min_confidence"] = args.min_confidence
        try:
            cfg = load_config(args.env, overrides=overrides)
        except ConfigError as exc:  # name the option, not only the setting it overrides
            raise UsageError(str(exc).replace("silver.language.languages", "--languages")
                             .replace("silver.language.min_confidence", "--min-confidence")) from None
        summary = analyse.languages(source, target, languages=cfg.silver.language.languages,
                                    min_confidence=cfg.silver.language.min_confidence, problems=problems)
        problems.report(source)
        print(summary.render("language", target))
    else:
        cfg = _config(args)
        g = cfg.gold.graph
        summary, found = analyse.communities(source, target, method=g.method, resolution=g.resolution, seed=g.seed,
                                             problems=problems)
        problems.report(source)
        print(summary.render("communities", target, marked=False) + f"; {found} communities")
    return EXIT_FAILED if problems.lines else EXIT_OK


def _similar(args: argparse.Namespace) -> int:
    import numpy as np
    from pyspark.sql import functions as F

    from socialake import schemas as S
    from socialake.analytics.embeddings import EMBEDDING, nearest

    cfg = _config(args)
    if args.top <= 0:
        raise UsageError(f"--top {args.top}: pass a positive number of posts")

    def work(spark, lake) -> int:
        lake.require(S.GOLD_POST_EMBEDDINGS)
        vectors = lake.read(S.GOLD_POST_EMBEDDINGS)
        found = vectors.where(F.col(S.POST_KEY) == args.post_key).select(EMBEDDING).collect()
        if not found:
            raise UsageError(f"--post-key {args.post_key} is not in gold.post_embeddings: copy a post_key "
                             "from gold.fact_posts")
        texts = lake.read(S.SILVER_POSTS).select(S.POST_KEY, S.TEXT)
        query = np.asarray(found[0][0], dtype=float)
        print(texts.where(F.col(S.POST_KEY) == args.post_key).collect()[0][S.TEXT])
        for row in nearest(vectors, query, k=args.top, exclude_key=args.post_key).join(texts, S.POST_KEY) \
                .orderBy(F.desc("similarity")).collect():
            print(f"  {row['similarity']:.3f}  {row[S.POST_KEY]:<40} {row[S.TEXT][:100]!r}")
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _retention(args: argparse.Namespace) -> int:
    from socialake.privacy import apply_retention

    cfg = _config(args)
    days = {
        "bronze": args.bronze_days if args.bronze_days is not None else cfg.retention.bronze_days,
        "silver": args.silver_days if args.silver_days is not None else cfg.retention.silver_days,
    }
    if all(v is None for v in days.values()):
        raise UsageError("no retention configured: set retention.bronze_days / silver_days or pass --bronze-days N")
    if any(v is not None and v <= 0 for v in days.values()):
        raise UsageError("retention days must be positive: pass e.g. --bronze-days 365")

    def work(spark, lake) -> int:
        print(apply_retention(lake, days_by_layer=days, run_id=new_run_id()).render())
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _erase(args: argparse.Namespace) -> int:
    from socialake.privacy import erase_subject
    from socialake.silver.pseudonymise import load_key

    cfg = _config(args)
    key = load_key()

    def work(spark, lake) -> int:
        report = erase_subject(lake, key=key, platform=args.platform, author_id=args.author_id,
                               handle=args.handle, run_id=new_run_id())
        print(report.render())
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _demo(args: argparse.Namespace) -> int:
    from socialake.sample import CSV_COLUMN_MAPPING, SampleArgumentError, generate

    data = Path(args.data)
    truth = data / "truth" / "truth.json"
    if not truth.is_file():
        print(f"generating {args.posts:,} sample posts (seed {args.seed}) in {data} ...", flush=True)
        try:
            generate(data, args.posts, args.seed, force=True)
        except SampleArgumentError as exc:
            raise UsageError(str(exc)) from None
    else:
        print(f"using the sample data already in {data} (delete it to regenerate)")
    cfg = _config(args, ingest__column_mapping=dict(CSV_COLUMN_MAPPING), ingest__source_name="sample")

    key = _demo_key(data)

    def work(spark, lake) -> int:
        from socialake.sample.score import score

        gold = _pipeline(spark, cfg, lake, inputs={"inputs": [_as_uri(str(data / "landing"))]}, key=key, run_id=None)
        print(score(lake, data / "truth", key).render())
        print()
        print(f"Delta tables (engine: {lake.engine_name}) under {cfg.lake.root}:")
        from socialake import schemas as S

        for table in ("bronze.posts", "bronze.quarantine", "silver.posts", "silver.edges", *S.GOLD_TABLES):
            if lake.exists(table):
                print(f"  {table:<24} version {lake.version(table)}")
        print("open one with: python -c \"import polars as pl; print(pl.read_delta('"
              + lake.path("gold.fact_posts") + "').head())\"")
        print()
        print(_next_steps(cfg, gold.html_report))
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _next_steps(cfg: Config, html_report: str | None) -> str:
    """What the demo tells a user to look at next: the report, the dashboard, the SQL endpoint."""
    import shlex

    root = "" if cfg.lake.root == str(Path("lake").resolve()) else f" --lake-root {shlex.quote(cfg.lake.root)}"
    lines = ["look at gold:"]
    if html_report:
        lines.append(f"  report     open {Path(html_report).as_uri()} in a browser (self-contained, no server)")
    lines += [
        f"  dashboard  socialake dashboard{root}   then open http://127.0.0.1:{cfg.serve.dashboard_port}/",
        f"  SQL        socialake serve{root}   then connect a JDBC/ODBC client to "
        f"jdbc:hive2://127.0.0.1:{cfg.serve.port}/gold,",
        "             e.g. $(python -c 'import pyspark, os; print(os.path.dirname(pyspark.__file__))')/bin/beeline "
        f"-n analyst -u jdbc:hive2://127.0.0.1:{cfg.serve.port}/gold -e 'SHOW TABLES IN gold'",
        "  (run them with .venv/bin/socialake, or after `source .venv/bin/activate`; queries: README, "
        "\"Gold for BI tools and people\")",
    ]
    return "\n".join(lines)


def _demo_key(data: Path):
    """The configured pseudonymisation key, or for the demo only a random one kept beside the
    sample data (so re-runs give the same pseudonyms)."""
    from socialake.silver.pseudonymise import SECRET_FILE_VARIABLE, SECRET_VARIABLE, load_key

    if os.environ.get(SECRET_VARIABLE) or os.environ.get(SECRET_FILE_VARIABLE):
        return load_key()
    secret_file = data / ".demo-pseudonym-secret"
    if not secret_file.is_file():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_hex(32))
        secret_file.chmod(0o600)
    print(f"demo: using a generated pseudonymisation key in {secret_file} "
          f"(for real data set {SECRET_VARIABLE} or {SECRET_FILE_VARIABLE})")
    return load_key({SECRET_FILE_VARIABLE: str(secret_file)})


def _serve(args: argparse.Namespace) -> int:
    from socialake.jars import default_jars_dir
    from socialake.serving import sql

    overrides = {f"serve__{key}": value for key, value in
                 (("host", args.host), ("port", args.port), ("users_file", args.users_file)) if value is not None}
    cfg = _config(args, **overrides)
    return sql.run(cfg, jar_dir=default_jars_dir())


def _serve_user(args: argparse.Namespace) -> int:
    from socialake.serving import sql

    sql.set_user(Path(args.users_file), args.user, sql.read_password())
    print(f"serve-user: {args.user} can connect to endpoints started with --users-file {args.users_file}")
    return EXIT_OK


def _dashboard(args: argparse.Namespace) -> int:
    from socialake.serving import dashboard

    cfg = _config(args)
    port = cfg.serve.dashboard_port if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a TCP port: pass 0 to 65535")
    try:
        server = dashboard.make_server(cfg.lake.root, port=port, storage_options=dict(cfg.lake.storage_options))
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}): choose another --port") from None
    host, bound = server.server_address[:2]
    print(f"socialake dashboard: gold of {cfg.lake.root} on http://{host}:{bound}/ (stop with Ctrl-C)", flush=True)
    import signal

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt  # SIGTERM stops it like Ctrl-C: the server closes its socket

    signal.signal(signal.SIGTERM, interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from socialake.serving import report

    cfg = _config(args)
    if args.out:
        from datetime import datetime, timezone

        from socialake.serving.snapshot import load_snapshot

        snapshot = load_snapshot(cfg.lake.root, dict(cfg.lake.storage_options))
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.render_report(snapshot, generated_at=datetime.now(timezone.utc)), encoding="utf-8")
    else:
        out = report.write_report(cfg.lake.root, new_run_id())
        if out is None:
            raise UsageError(f"lake.root {cfg.lake.root} is not a local directory: pass --out FILE")
    print(f"report: {out} (open it in a browser; it needs no server)")
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    cfg = _config(args)

    def work(spark, lake) -> int:
        for entry in lake.history(args.table, limit=args.limit):
            moment = datetime.fromtimestamp(entry.timestamp_ms / 1000, timezone.utc).isoformat(timespec="seconds")
            print(f"{entry.version:>6}  {moment}  {entry.operation:<14} run {entry.run_id or '-'}")
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _vacuum(args: argparse.Namespace) -> int:

    cfg = _config(args)

    def work(spark, lake) -> int:
        removed = lake.vacuum(args.table, retention_hours=args.retention_hours, run_id=new_run_id())
        print(f"vacuum {args.table}: removed {len(removed)} file(s)")
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _optimize(args: argparse.Namespace) -> int:

    cfg = _config(args)

    def work(spark, lake) -> int:
        metrics = lake.optimize(args.table, run_id=new_run_id())
        print(f"optimize {args.table}: {metrics.get('numFilesRemoved', '?')} file(s) compacted into "
              f"{metrics.get('numFilesAdded', '?')}")
        return EXIT_OK

    return _with_session(cfg, _guard(work))


def _guard(work: Callable[..., int]) -> Callable[..., int]:
    """Turn the lake's and ingest's expected failures into one-line messages."""
    from socialake.analytics.topics import EmptyVocabularyError
    from socialake.bronze.ingest import ReconciliationError
    from socialake.lake import ConcurrentWriteError, LakeError

    def guarded(spark, lake) -> int:
        try:
            return work(spark, lake)
        except ConcurrentWriteError as exc:
            print(f"socialake: {exc} (other writers kept winning; run the command again: it is idempotent)",
                  file=sys.stderr)
            return EXIT_CONFLICT
        except LakeError as exc:
            print(f"socialake: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except ReconciliationError as exc:
            print(f"socialake: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except EmptyVocabularyError as exc:  # the data cannot support the setting: say which to change
            print(f"socialake: {exc}", file=sys.stderr)
            return EXIT_FAILED

    return guarded


def _as_uri(path: str) -> str:
    return path if "://" in path else Path(path).resolve().as_uri()


if __name__ == "__main__":
    sys.exit(main())
