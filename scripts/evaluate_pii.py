"""Measure PII detectors: span-level precision/recall/F1 per kind and single-core throughput.

    .venv/bin/python scripts/evaluate_pii.py [--data tests/fixtures/pii/labelled_posts.jsonl]
        [--truth-dir SAMPLE_OUT/truth] [--truth-posts 20000] [--candidates libs,presidio,...]

Candidates (those whose packages are missing are skipped with a note):
  libs            socialake.silver.pii (candidate regexes + phonenumbers + python-stdnum +
                  ipaddress) - the one the silver layer uses
  libs-matcher    the same, but phones found by phonenumbers.PhoneNumberMatcher (leniency VALID)
                  over socialake.silver.pii.NATIONAL_REGIONS instead of the digit-run classifier
  presidio        presidio-analyzer pattern recognizers with NoOpNlpEngine (no spaCy model),
                  default registry, entities EMAIL_ADDRESS/PHONE_NUMBER/CREDIT_CARD/IP_ADDRESS/
                  IBAN_CODE, score threshold 0
  presidio-tuned  the five recognizers only, phone regions = the corpus' countries, and a
                  pre-filter that skips texts with no digit and no '@'

Scoring: a predicted span is correct if it overlaps a true span of the same kind (precision);
a true span is found if a predicted span of the same kind overlaps it (recall). "leaked" counts
true spans overlapped by no prediction of any kind (what would stay readable after redaction).
Throughput is posts per second on one core (the process is pinned to one CPU where the OS
allows), detection plus replacement, over up to 2,000 evenly spaced texts of each data set,
median and best of at least 3 passes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Sequence

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from socialake.silver import pii  # noqa: E402

DEFAULT_DATA = REPO / "tests" / "fixtures" / "pii" / "labelled_posts.jsonl"
KINDS = pii.PII_KINDS

Span = tuple[int, int, str]
Detector = Callable[[str], list[Span]]


@dataclass
class Post:
    text: str
    spans: list[Span]
    urls: list[tuple[str, str]] = field(default_factory=list)  # (url, expected cleaned url)


# --------------------------------------------------------------------------------------------
# Data


def load_labelled(path: Path) -> list[Post]:
    posts = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            spans = [(p["start"], p["end"], p["kind"]) for p in rec["pii"]]
            urls = [(u["url"], u["clean"]) for u in rec.get("urls", [])]
            posts.append(Post(rec["text"], spans, urls))
    return posts


def load_truth(truth_dir: Path, limit: int) -> list[Post] | None:
    """Posts of a sample-generator truth dir (posts.parquet, `text` plus a JSON column of planted
    spans named `pii_spans` or `pii`); None when the folder has no usable truth."""
    path = truth_dir / "posts.parquet"
    if not path.exists():
        print(f"note: {path} not found; skipping the generator truth")
        return None
    import pyarrow.parquet as pq

    names = pq.read_schema(path).names
    column = next((c for c in ("pii_spans", "pii") if c in names), None)
    if "text" not in names or column is None:
        print(f"note: {path} has no text + pii_spans/pii columns; skipping the generator truth")
        return None
    table = pq.read_table(path, columns=["text", column])
    posts = []
    for text, spans_json in zip(table.column("text").to_pylist(), table.column(column).to_pylist()):
        if text is None:
            continue
        spans = [(s["start"], s["end"], s["kind"]) for s in json.loads(spans_json or "[]")]
        posts.append(Post(text, spans))
        if len(posts) >= limit:
            break
    return posts


# --------------------------------------------------------------------------------------------
# Candidates


def libs_detector() -> Detector:
    def detect(text: str) -> list[Span]:
        return [(s.start, s.end, s.kind) for s in pii.find_pii_spans(text) if s.kind != "url"]

    return detect


def libs_matcher_detector() -> Detector:
    import phonenumbers

    leniency = phonenumbers.Leniency.VALID

    def detect(text: str) -> list[Span]:
        spans = [s for s in pii.find_pii_spans(text) if s.kind not in ("url", "phone")]
        masked = text
        for s in pii.find_pii_spans(text):
            if s.kind != "phone":
                masked = masked[:s.start] + "\x00" * (s.end - s.start) + masked[s.end:]
        found: list[Span] = [(s.start, s.end, s.kind) for s in spans]
        taken: list[tuple[int, int]] = []
        if any(c.isdigit() for c in masked):
            for region in pii.NATIONAL_REGIONS:
                for m in phonenumbers.PhoneNumberMatcher(masked, region, leniency=leniency):
                    if not any(m.start < e and s < m.end for s, e in taken):
                        taken.append((m.start, m.end))
                        found.append((m.start, m.end, "phone"))
        return found

    return detect


_PRESIDIO_KIND = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card",
                  "IP_ADDRESS": "ip", "IBAN_CODE": "iban"}


def presidio_detector(tuned: bool) -> Detector:
    import logging

    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    import tldextract.tldextract

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    # presidio's e-mail validator calls tldextract, which fetches the public suffix list over the
    # network on first use; use the snapshot bundled with tldextract instead.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    # NoOpNlpEngine loads no spaCy model; every recognizer below is a pattern or library check.
    nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    if tuned:
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer, EmailRecognizer, IbanRecognizer, IpRecognizer, PhoneRecognizer)

        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in (EmailRecognizer(), CreditCardRecognizer(), IpRecognizer(),
                           IbanRecognizer(),
                           PhoneRecognizer(supported_regions=pii.NATIONAL_REGIONS)):
            registry.add_recognizer(recognizer)
        engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                                supported_languages=["en"])
    else:
        engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    entities = list(_PRESIDIO_KIND)

    def detect(text: str) -> list[Span]:
        if tuned and not pii._MAYBE_PII.search(text):
            return []
        results = engine.analyze(text=text, language="en", entities=entities)
        return [(r.start, r.end, _PRESIDIO_KIND[r.entity_type]) for r in results]

    return detect


CANDIDATES: dict[str, Callable[[], Detector]] = {
    "libs": libs_detector,
    "libs-matcher": libs_matcher_detector,
    "presidio": lambda: presidio_detector(tuned=False),
    "presidio-tuned": lambda: presidio_detector(tuned=True),
}


# --------------------------------------------------------------------------------------------
# Scoring


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(posts: Sequence[Post], predictions: Sequence[list[Span]]) -> dict[str, dict[str, float]]:
    c: Counter[str] = Counter()
    for post, pred in zip(posts, predictions):
        for p in pred:
            c[f"pred:{p[2]}"] += 1
            if any(t[2] == p[2] and _overlaps(p, t) for t in post.spans):
                c[f"tp_pred:{p[2]}"] += 1
        for t in post.spans:
            c[f"true:{t[2]}"] += 1
            if any(p[2] == t[2] and _overlaps(p, t) for p in pred):
                c[f"tp_true:{t[2]}"] += 1
            if not any(_overlaps(p, t) for p in pred):
                c[f"leaked:{t[2]}"] += 1
    out: dict[str, dict[str, float]] = {}
    for kind in (*KINDS, "all"):
        ks = KINDS if kind == "all" else (kind,)
        n_pred = sum(c[f"pred:{k}"] for k in ks)
        n_true = sum(c[f"true:{k}"] for k in ks)
        tp_pred = sum(c[f"tp_pred:{k}"] for k in ks)
        tp_true = sum(c[f"tp_true:{k}"] for k in ks)
        precision = tp_pred / n_pred if n_pred else float("nan")
        recall = tp_true / n_true if n_true else float("nan")
        f1 = (2 * precision * recall / (precision + recall)
              if n_pred and n_true and precision + recall else float("nan"))
        out[kind] = {"true": n_true, "pred": n_pred, "fp": n_pred - tp_pred,
                     "fn": n_true - tp_true, "leaked": sum(c[f"leaked:{k}"] for k in ks),
                     "precision": precision, "recall": recall, "f1": f1}
    return out


def throughput(detect: Detector, texts: Sequence[str], min_seconds: float = 2.0,
               max_texts: int = 2_000) -> tuple[float, float]:
    """(median, best) posts per second of detection + replacement over timed passes of up to
    `max_texts` evenly spaced texts; at least 3 passes and `min_seconds` in all. The machine is
    shared, so the best pass is the least disturbed one and the median the typical one."""
    sample = list(texts[::max(1, len(texts) // max_texts)])[:max_texts]
    for text in sample[:200]:  # warm caches (phonenumbers loads region metadata lazily)
        detect(text)
    rates: list[float] = []
    total = 0.0
    while len(rates) < 3 or total < min_seconds:
        start = time.perf_counter()
        for text in sample:
            _replace(text, sorted(detect(text)))
        elapsed = time.perf_counter() - start
        total += elapsed
        rates.append(len(sample) / elapsed)
    rates.sort()
    return rates[len(rates) // 2], rates[-1]


def _replace(text: str, spans: Iterable[Span]) -> str:
    out, last = [], 0
    for s, e, kind in spans:
        if s >= last:
            out.append(text[last:s])
            out.append(pii.PLACEHOLDERS[kind])
            last = e
    out.append(text[last:])
    return "".join(out)


def url_accuracy(posts: Sequence[Post]) -> tuple[int, int, list[str]]:
    ok, total, wrong = 0, 0, []
    for post in posts:
        for url, clean in post.urls:
            total += 1
            got = pii.strip_tracking_params(url)
            redacted, _ = pii.redact_pii(post.text)
            if got == clean and clean in (redacted or ""):
                ok += 1
            else:
                wrong.append(f"{url} -> {got} (expected {clean})")
    return ok, total, wrong


# --------------------------------------------------------------------------------------------
# Report


def print_table(name: str, dataset: str, scores: dict[str, dict[str, float]],
                rate: tuple[float, float]) -> None:
    print(f"\n{name} on {dataset}: {rate[0]:,.0f} posts/s median, {rate[1]:,.0f} best (1 core)")
    print(f"  {'kind':6} {'true':>5} {'pred':>5} {'fp':>4} {'fn':>4} {'leak':>4} "
          f"{'P':>6} {'R':>6} {'F1':>6}")
    for kind, s in scores.items():
        print(f"  {kind:6} {s['true']:5d} {s['pred']:5d} {s['fp']:4d} {s['fn']:4d} "
              f"{s['leaked']:4d} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}")


def print_errors(posts: Sequence[Post], predictions: Sequence[list[Span]], limit: int) -> None:
    shown = 0
    for post, pred in zip(posts, predictions):
        fps = [p for p in pred if not any(t[2] == p[2] and _overlaps(p, t) for t in post.spans)]
        fns = [t for t in post.spans if not any(p[2] == t[2] and _overlaps(p, t) for p in pred)]
        for label, spans in (("FP", fps), ("FN", fns)):
            for s, e, kind in spans:
                if shown < limit:
                    print(f"    {label} {kind:5} {post.text[s:e]!r}  in  {post.text!r}")
                shown += 1
    if shown > limit:
        print(f"    ... {shown - limit} more")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="labelled jsonl (text, pii: [{start, end, kind}])")
    parser.add_argument("--truth-dir", type=Path, default=None,
                        help="a sample-generator truth/ folder with posts.parquet (optional)")
    parser.add_argument("--truth-posts", type=int, default=20_000,
                        help="evaluate at most this many generator posts")
    parser.add_argument("--candidates", default=",".join(CANDIDATES),
                        help=f"comma-separated subset of {', '.join(CANDIDATES)}")
    parser.add_argument("--show-errors", type=int, default=15,
                        help="print up to N false positives/negatives per candidate and dataset")
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="minimum timing duration per candidate and dataset")
    args = parser.parse_args(argv)
    unknown = set(args.candidates.split(",")) - set(CANDIDATES)
    if unknown:
        parser.error(f"unknown candidate(s) {', '.join(sorted(unknown))}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    datasets: list[tuple[str, list[Post]]] = [(args.data.name, load_labelled(args.data))]
    if args.truth_dir is not None:
        truth = load_truth(args.truth_dir, args.truth_posts)
        if truth is not None:
            datasets.append((f"generator truth ({len(truth):,} posts)", truth))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"{date.today()} python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPUs visible, timing pinned to 1, load average {load}")
    for name, posts in datasets:
        kinds = Counter(s[2] for p in posts for s in p.spans)
        print(f"{name}: {len(posts)} posts, {sum(kinds.values())} PII spans {dict(kinds)}")

    for cand in args.candidates.split(","):
        try:
            detect = CANDIDATES[cand]()
        except ImportError as exc:
            print(f"\n{cand}: skipped ({exc.name or exc} not installed)")
            continue
        for name, posts in datasets:
            predictions = [detect(p.text) for p in posts]
            rate = throughput(detect, [p.text for p in posts], args.seconds)
            print_table(cand, name, score(posts, predictions), rate)
            if args.show_errors:
                print_errors(posts, predictions, args.show_errors)

    ok, total, wrong = url_accuracy(datasets[0][1])
    print(f"\nURL tracking-parameter stripping (libs) on {datasets[0][0]}: {ok}/{total} exact")
    for line in wrong:
        print(f"    {line}")
    # redact_pii_series is what the Spark pandas UDF calls: time the batch form too.
    import pandas as pd

    for name, posts in datasets:
        series = pd.Series([p.text for p in posts][:20_000])
        rates = []
        while len(rates) < 3 or sum(len(series) / r for r in rates) < args.seconds:
            start = time.perf_counter()
            pii.redact_pii_series(series)
            rates.append(len(series) / (time.perf_counter() - start))
        rates.sort()
        print(f"redact_pii_series on {name}: {rates[len(rates) // 2]:,.0f} posts/s median, "
              f"{rates[-1]:,.0f} best (1 core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
