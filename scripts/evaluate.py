"""Score socialake's analyses on public labelled data nobody here wrote; log to MLflow and write a
markdown table.

    python scripts/evaluate.py --data ../shared/data [--lake lake --truth data/sample/truth]
        [--out docs/measurements/evaluation.md]

--data is a folder laid out like the project's shared data: sentiment/{tweeteval-val,vader-tweets},
topics/{Tweet,SearchSnippets}{.txt,_label.txt}, graphs/{karate,football}/*_nodes.tsv,*_edges.tsv,
langid/sentences/<iso>.txt. Missing parts are skipped with a note. With --lake and --truth
(the demo's lake and the generator's truth folder) PII redaction, near-duplicate recall and gold
are also scored against the planted truth (PII always on the hand-labelled set in tests/fixtures).
The same code paths as the jobs are used: the sentiment candidates, fit_topic_model and the
driver community engine of socialake.analytics (the configured gold.graph.method and the
alternatives, by AMI and NMI).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

from socialake.analytics import graph, topics
from socialake.config import load_config

sys.path.insert(0, str(Path(__file__).parent))  # the per-area scripts beside this one

Row = tuple[str, str, str, float, str]  # area, dataset, metric, value, note


def sentiment_rows(spark, cfg, tracker, data: Path) -> list[Row]:
    from socialake.models.sentiment import train

    with tracker.run("evaluate-sentiment", nested=True):
        candidates = train(spark, cfg, tracker, data_dir=str(data / "sentiment")).candidates
    rows: list[Row] = []
    for c in candidates:
        note = "held-out 40% of TweetEval validation"
        rows += [("sentiment", "TweetEval val", f"{c.name} macro recall", c.metrics["macro_recall"], note),
                 ("sentiment", "TweetEval val", f"{c.name} accuracy", c.metrics["accuracy"], note),
                 ("sentiment", "VADER tweets", f"{c.name} Pearson r", c.metrics["vader_tweets_pearson"],
                  "held-out 40%; VADER's lexicon was tuned on this set")]
    return rows


def topic_rows(spark, cfg, data: Path) -> list[Row]:
    rows: list[Row] = []
    t = cfg.gold.topics
    for name in ("Tweet", "SearchSnippets"):
        texts_file, labels_file = data / "topics" / f"{name}.txt", data / "topics" / f"{name}_label.txt"
        if not labels_file.is_file():
            labels_file = data / "topics" / f"{name}_LABEL.txt"
        if not texts_file.is_file() or not labels_file.is_file():
            print(f"topics: {texts_file} or its labels missing, skipped", file=sys.stderr)
            continue
        texts = texts_file.read_text(encoding="utf-8", errors="replace").splitlines()
        labels = labels_file.read_text().split()[: len(texts)]
        k = len(set(labels))
        frame = spark.createDataFrame(pd.DataFrame({"post_key": [str(i) for i in range(len(labels))],
                                                    "text": texts[: len(labels)]}))
        params = t.model_copy(update={"min_df": 2, "stop_words": ("english",)})
        started = time.perf_counter()
        model = topics.fit_topic_model(params, frame, k=k)
        assigned = topics.assign_topics(model, frame).select("post_key", "topic_id").toPandas()
        seconds = time.perf_counter() - started
        assigned = assigned.dropna()
        truth = pd.Series(labels, index=[str(i) for i in range(len(labels))])
        nmi = normalized_mutual_info_score(truth[assigned.post_key].to_numpy(), assigned.topic_id.astype(int))
        words = [[w for w, _ in terms] for terms in topics.top_terms(model, 10)]
        npmi = topics.npmi_coherence(model, frame, words)
        note = f"k={k} (the label count), {len(labels):,} texts, fit+assign {seconds:.0f} s"
        rows += [("topics", name, "NMI dominant topic vs label", nmi, note),
                 ("topics", name, "NPMI coherence (top 10)", sum(npmi) / len(npmi), note),
                 ("topics", name, "topic diversity (top 10)", topics.topic_diversity(words), note)]
    return rows


def community_candidates(cfg) -> list[tuple[str, str, float | None]]:
    """(label, method, resolution): the configured default first, then the alternatives
    docs/measurements/communities.md compares."""
    g = cfg.gold.graph
    default = (f"{g.method}" + (f" resolution {g.resolution:g}" if g.resolution is not None else "") + " (default)",
               g.method, g.resolution)
    others = [("leiden resolution 1", "leiden", 1.0), ("leiden resolution 10", "leiden", 10.0),
              ("louvain resolution 1", "louvain", 1.0), ("infomap", "infomap", None),
              ("label-propagation", "label-propagation", None), ("leiden-fitted", "leiden-fitted", None)]
    return [default] + [o for o in others if (o[1], o[2]) != (g.method, g.resolution)]


def community_rows(cfg, data: Path) -> list[Row]:
    """NMI and AMI (NMI alone flatters many small communities) of the default community method
    and the alternatives against karate's clubs and football's conferences."""
    rows: list[Row] = []
    for name, label_column in (("karate", "club"), ("football", "conference")):
        folder = data / "graphs" / name
        nodes_file, edges_file = folder / f"{name}_nodes.tsv", folder / f"{name}_edges.tsv"
        if not nodes_file.is_file() or not edges_file.is_file():
            print(f"communities: {folder} missing, skipped", file=sys.stderr)
            continue
        nodes = pd.read_csv(nodes_file, sep="\t", dtype=str)
        edges = pd.read_csv(edges_file, sep="\t", dtype=str)
        weight = edges["weight"].astype(float) if "weight" in edges else 1.0
        pairs = pd.DataFrame({"src": edges.iloc[:, 0], "dst": edges.iloc[:, 1], "weight": weight})
        for label, method, resolution in community_candidates(cfg):
            found = graph.communities_on_driver(pairs, method=method, resolution=resolution, seed=cfg.gold.graph.seed)
            joined = found.communities.merge(nodes, left_on=graph.NODE, right_on="id")
            used = f", resolution used {found.resolution:.2f}" if found.resolution is not None else ""
            note = (f"{found.communities[graph.COMMUNITY].nunique()} found, {nodes[label_column].nunique()} labelled, "
                    f"modularity {found.modularity:.3f}{used}")
            rows += [("communities", name, f"AMI, {label}",
                      adjusted_mutual_info_score(joined[label_column], joined[graph.COMMUNITY]), note),
                     ("communities", name, f"NMI, {label}",
                      normalized_mutual_info_score(joined[label_column], joined[graph.COMMUNITY]), note)]
    return rows


def langid_rows(data: Path) -> list[Row]:
    folder = data / "langid" / "sentences"
    if not folder.is_dir():
        print(f"langid: {folder} missing, skipped", file=sys.stderr)
        return []
    from evaluate_langid import best_threshold, evaluate, load, threshold_sweep

    from socialake.silver.language import DEFAULT_MIN_CONFIDENCE

    sentences = load(folder)
    _, all_languages, _ = evaluate(sentences, ())
    _, restricted, _ = evaluate(sentences, tuple(sentences))
    n = sum(len(v) for v in sentences.values())
    note = f"{n:,} sentences in {len(sentences)} languages"
    rows: list[Row] = [
        ("language ID", "lingua/Leipzig sentences", "accuracy, all 140 labels allowed", all_languages, note),
        ("language ID", "lingua/Leipzig sentences", "accuracy, restricted to the test languages", restricted, note)]
    sweep = threshold_sweep(sentences)
    best = best_threshold(sweep)
    for words in (2, None):
        what = f"first {words} words" if words else "sentences"
        for threshold in sorted({0.5, DEFAULT_MIN_CONFIDENCE}):
            decided, right, wrong = sweep[words][threshold]
            rows.append(("language ID", f"Leipzig {what}", f"labelled right at min_confidence {threshold:g}", right,
                         f"wrong {wrong:.3f}, und {1 - decided:.3f}; best threshold by right minus wrong "
                         f"(1-5 words) {best:g}, default {DEFAULT_MIN_CONFIDENCE:g}"))
    return rows


def pii_rows(truth: Path | None) -> list[Row]:
    from evaluate_pii import DEFAULT_DATA, libs_detector, load_labelled, load_truth, score

    detect = libs_detector()
    datasets = [("hand-labelled posts (tests/fixtures/pii)", load_labelled(DEFAULT_DATA))]
    if truth is not None:
        planted = load_truth(truth, 20_000)
        if planted is not None:
            datasets.append(("sample planted PII", planted))
    rows: list[Row] = []
    for name, posts in datasets:
        result = score(posts, [detect(p.text) for p in posts])["all"]
        note = f"{result['true']:.0f} spans in {len(posts):,} posts (email, phone, card, IP, IBAN)"
        rows += [("PII redaction", name, "precision", result["precision"], note),
                 ("PII redaction", name, "recall", result["recall"], note)]
    return rows


def near_duplicate_rows(lake: Path, truth: Path) -> list[Row]:
    from evaluate_near_duplicates import pair_recall

    r = pair_recall(lake, truth)
    return [("near-duplicates", "sample", "planted pair recall", r["hits"] / max(r["pairs"], 1),
             f"{r['hits']:,} of {r['pairs']:,} pairs; {r['impure']} of {r['clusters']} silver clusters mixed")]


def truth_rows(spark, cfg, lake_root: Path, truth: Path, secret_file: Path) -> list[Row]:
    from socialake.lake.embedded import EmbeddedLake
    from socialake.sample.score import score
    from socialake.silver.pseudonymise import SECRET_FILE_VARIABLE, load_key

    lake = EmbeddedLake(spark, cfg.lake.model_copy(update={"root": str(lake_root.resolve())}))
    result = score(lake, truth, load_key({SECRET_FILE_VARIABLE: str(secret_file)}))
    note = "gold vs the generator's planted truth"
    return [("gold vs truth", "sample", "topics NMI", result.topic_nmi, note),
            ("gold vs truth", "sample", "communities NMI", result.community_nmi, note),
            ("gold vs truth", "sample", "sentiment macro recall (English)", result.sentiment_macro_recall_en, note),
            ("gold vs truth", "sample", "sentiment macro recall (all languages)", result.sentiment_macro_recall, note),
            ("gold vs truth", "sample", "planted spike alerted", float(result.spike_found), note),
            ("gold vs truth", "sample", "planted coordinated clusters found",
             result.coordinated_found / max(result.coordinated_planted, 1), note)]


def to_markdown(rows: list[Row], command: str) -> str:
    lines = [
        "# Evaluation on public labelled data",
        "",
        f"Machine: 2-core / 24 GiB of this project. Date: {datetime.now(timezone.utc):%Y-%m-%d}. "
        f"Command: `{command}`.",
        "",
        "| area | dataset | metric | value | note |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {a} | {d} | {m} | {v:.3f} | {n} |" for a, d, m, v, n in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="folder with sentiment/, topics/, graphs/, langid/")
    parser.add_argument("--lake", type=Path, help="a lake the demo built (to score gold against --truth)")
    parser.add_argument("--truth", type=Path, help="the generator's truth/ folder for --lake")
    parser.add_argument("--secret-file", type=Path, help="pseudonymisation key file of --lake "
                        "(default: <truth>/../.demo-pseudonym-secret)")
    parser.add_argument("--out", type=Path, default=Path("docs/measurements/evaluation.md"))
    parser.add_argument("--env", default="local")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"evaluate: --data {args.data} is not a folder: pass the shared data folder", file=sys.stderr)
        return 2
    if (args.lake is None) != (args.truth is None):
        print("evaluate: pass --lake and --truth together (or neither)", file=sys.stderr)
        return 2

    from socialake.session import build_session
    from socialake.tracking import Tracker

    # its own experiment and model names: evaluating never moves the production alias of the jobs
    overrides = {"tracking": {"experiment": "socialake-evaluation", "model_prefix": "socialake-eval"}}
    if args.lake is not None:
        overrides["lake"] = {"root": str(args.lake)}
    cfg = load_config(args.env, overrides=overrides)
    spark = build_session(cfg)
    tracker = Tracker(cfg)
    try:
        with tracker.run(f"evaluate-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}") as active:
            rows = sentiment_rows(spark, cfg, tracker, args.data)
            rows += topic_rows(spark, cfg, args.data)
            rows += community_rows(cfg, args.data)
            rows += langid_rows(args.data)
            rows += pii_rows(args.truth)
            if args.lake is not None:
                secret = args.secret_file or args.truth.parent / ".demo-pseudonym-secret"
                rows += near_duplicate_rows(args.lake, args.truth)
                rows += truth_rows(spark, cfg, args.lake, args.truth, secret)
            tracker.log_metrics({f"{a}.{d}.{m}".replace(" ", "_").replace(",", "").replace("(", "")
                                 .replace(")", "").replace("/", "_")[:250]: v for a, d, m, v, _ in rows})
            markdown = to_markdown(rows, "python scripts/evaluate.py " + " ".join(argv or sys.argv[1:]))
            tracker.log_text(markdown, "evaluation.md")
            run_id = active.info.run_id
    finally:
        spark.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown)
    print(markdown)
    print(f"written to {args.out}; MLflow run {run_id} in {tracker.store.tracking_uri}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
