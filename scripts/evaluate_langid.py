"""Language-ID accuracy of socialake's detector on labelled sentences.

    python scripts/evaluate_langid.py --data ../shared/data/langid   # folder with sentences/<iso>.txt

Prints accuracy per language and overall, unrestricted (all 140 py3langid labels) and
restricted to the languages present in the data (what `silver.language.languages` does), then
sweeps `silver.language.min_confidence` on the whole sentences and on their first 1, 2, 3 and 5
words (social posts are short): the share of texts decided, the share labelled right and wrong.
The threshold picked is the one with the most right labels minus wrong labels summed over the
short lengths (a wrong label misleads a reader as much as a right one informs; "und" neither).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from socialake.silver.language import DEFAULT_MIN_CONFIDENCE, UNDETERMINED, detect_language, detect_languages

THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LENGTHS = (1, 2, 3, 5, None)  # first N words; None: the whole sentence


def load(folder: Path) -> dict[str, list[str]]:
    sentences = folder / "sentences" if (folder / "sentences").is_dir() else folder
    data = {p.stem: [line.strip() for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
            for p in sorted(sentences.glob("*.txt"))}
    if not data:
        raise SystemExit(f"no <iso>.txt files under {sentences}: pass --data pointing at the langid folder")
    return data


def evaluate(data: dict[str, list[str]], languages: tuple[str, ...]) -> tuple[dict[str, float], float, float]:
    per_language, correct, total, started = {}, 0, 0, time.perf_counter()
    for lang, lines in data.items():
        hits = sum(detect_language(line, languages=languages, min_confidence=0.0)[0] == lang for line in lines)
        per_language[lang] = hits / len(lines)
        correct, total = correct + hits, total + len(lines)
    return per_language, correct / total, total / (time.perf_counter() - started)


def threshold_sweep(data: dict[str, list[str]]) -> dict[int | None, dict[float, tuple[float, float, float]]]:
    """{length: {threshold: (decided, right, wrong)}} as shares of all texts of that length."""
    sweep: dict[int | None, dict[float, tuple[float, float, float]]] = {}
    for words in LENGTHS:
        texts, gold = [], []
        for lang, lines in data.items():
            for line in lines:
                texts.append(line if words is None else " ".join(line.split()[:words]))
                gold.append(lang)
        found = detect_languages(texts, min_confidence=0.0)
        sweep[words] = {}
        for threshold in THRESHOLDS:
            decided = [(label, truth) for (label, p), truth in zip(found, gold)
                       if label != UNDETERMINED and p >= threshold]
            right = sum(label == truth for label, truth in decided)
            n = len(texts)
            sweep[words][threshold] = (len(decided) / n, right / n, (len(decided) - right) / n)
    return sweep


def best_threshold(sweep: dict[int | None, dict[float, tuple[float, float, float]]]) -> float:
    """The threshold with the most right minus wrong labels summed over the short lengths (ties:
    the lower threshold, which keeps more labels)."""
    short = [words for words in sweep if words is not None]
    return max(THRESHOLDS, key=lambda t: (round(sum(sweep[w][t][1] - sweep[w][t][2] for w in short), 6), -t))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="folder holding sentences/<iso>.txt")
    args = parser.parse_args(argv)
    data = load(args.data)
    print(f"{sum(len(v) for v in data.values()):,} sentences in {len(data)} languages")
    for label, languages in (("all 97 languages", ()), ("restricted to the data's languages", tuple(data))):
        per_language, overall, rate = evaluate(data, languages)
        print(f"\n{label}: accuracy {overall:.4f} ({rate:,.0f} sentences/s, one core)")
        print("  " + "  ".join(f"{k} {v:.3f}" for k, v in per_language.items()))
    sweep = threshold_sweep(data)
    print("\nmin_confidence sweep (all labels allowed): decided / right / wrong, shares of all texts")
    print(f"{'threshold':>10}" + "".join(f"{(f'{w} words' if w else 'sentence'):>24}" for w in LENGTHS))
    for threshold in THRESHOLDS:
        print(f"{threshold:>10.1f}" + "".join(f"{'%.3f / %.3f / %.3f' % sweep[w][threshold]:>24}" for w in LENGTHS))
    best = best_threshold(sweep)
    print(f"best threshold (right minus wrong, 1-5 words): {best:.1f}; socialake's default: {DEFAULT_MIN_CONFIDENCE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
