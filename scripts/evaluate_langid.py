"""Language-ID accuracy of socialake's detector on labelled sentences.

    python scripts/evaluate_langid.py --data ../shared/data/langid   # folder with sentences/<iso>.txt

Prints accuracy per language and overall, unrestricted (all 97 py3langid languages) and
restricted to the languages present in the data (what `silver.language.languages` does).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from socialake.silver.language import detect_language


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
