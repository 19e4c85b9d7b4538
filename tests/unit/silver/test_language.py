from __future__ import annotations

import pytest

from socialake.silver.language import UNDETERMINED, clean_for_language, detect_language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("The new update finally fixed the battery drain on my phone", "en"),
        ("Der Zug hatte heute morgen wieder eine Stunde Verspätung", "de"),
        ("No puedo creer que el partido terminó en empate otra vez", "es"),
        ("Je ne comprends pas pourquoi le service client ne répond jamais", "fr"),
        ("Het weer is vandaag echt prachtig voor een fietstocht", "nl"),
    ],
)
def test_detects_common_languages(text, lang):
    assert detect_language(text)[0] == lang


def test_noise_is_removed_before_detection():
    noisy = "@u_0123456789abcdef0123456789abcdef https://t.co/xyz #2024 <EMAIL> Das ist wirklich großartig"
    assert clean_for_language(noisy) == "Das ist wirklich großartig"
    assert detect_language(noisy)[0] == "de"


def test_too_little_text_is_undetermined():
    assert detect_language("😀😀 #tbt 123 https://x.com")[0] == UNDETERMINED
    assert detect_language(None) == (UNDETERMINED, 0.0)


def test_restricting_languages_and_the_confidence_floor():
    lang, _ = detect_language("Das ist gut", languages=("en", "de"))
    assert lang == "de"
    assert detect_language("ok ok", min_confidence=1.01)[0] == UNDETERMINED


def _py3langid_one_by_one(texts, languages=(), min_confidence=0.2):
    """The expectation: py3langid's own classify, text by text, on the same cleaned text."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        identifier.set_languages(list(languages))
    out = []
    for text in texts:
        cleaned = clean_for_language(text)
        if sum(ch.isalpha() for ch in cleaned) < 3:
            out.append((UNDETERMINED, 0.0))
            continue
        lang, p = identifier.classify(cleaned)
        out.append((lang, float(p)) if p >= min_confidence else (UNDETERMINED, float(p)))
    return out


def _corpus():
    import json
    from pathlib import Path

    path = Path(__file__).parents[2] / "fixtures" / "pii" / "labelled_posts.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts + [None, "", "ok", "DAS IST EIN GANZ LAUTER SATZ", "Ελληνικά κείμενα εδώ", "日本語のテキストです",
                    "word " * 600, "mixed Straße and café " * 3]


def test_batched_detection_equals_py3langid_text_by_text():
    from socialake.silver.language import detect_languages

    texts = _corpus()
    got = detect_languages(texts)
    expected = _py3langid_one_by_one(texts)
    assert [g[0] for g in got] == [e[0] for e in expected]
    assert [g[1] for g in got] == pytest.approx([e[1] for e in expected], abs=1e-4)


def test_batched_detection_with_restricted_languages_and_floor():
    from socialake.silver.language import detect_languages

    texts = _corpus()
    got = detect_languages(texts, languages=("en", "de", "fr"), min_confidence=0.9)
    expected = _py3langid_one_by_one(texts, languages=("en", "de", "fr"), min_confidence=0.9)
    assert [g[0] for g in got] == [e[0] for e in expected]
    assert [g[1] for g in got] == pytest.approx([e[1] for e in expected], abs=1e-4)


def test_the_listed_labels_are_exactly_the_models():
    """The README and the config check read MODEL_LABELS; it must be what py3langid can answer."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from socialake.silver.language import MODEL_LABELS

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    assert MODEL_LABELS == set(model.nb_classes)
    assert {"en", "es", "ar", "hi", "zh", "yue", "zxx"} <= MODEL_LABELS


def test_the_threshold_pick_weighs_right_against_wrong_labels():
    """scripts/evaluate_langid.best_threshold on a hand-made sweep of (decided, right, wrong):
    right minus wrong summed over the short lengths, whole sentences left out."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "scripts" / "evaluate_langid.py"
    spec = importlib.util.spec_from_file_location("socialake_evaluate_langid", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    row = {t: (0.0, 0.0, 0.0) for t in module.THRESHOLDS}
    one = {**row, 0.0: (1.0, 0.50, 0.50), 0.1: (0.8, 0.45, 0.35), 0.2: (0.4, 0.30, 0.10)}
    two = {**row, 0.0: (1.0, 0.70, 0.30), 0.1: (0.9, 0.65, 0.25), 0.2: (0.5, 0.45, 0.05)}
    sentences = {**row, 0.0: (1.0, 0.99, 0.01)}  # whole sentences do not count in the pick
    assert module.best_threshold({1: one, 2: two, None: sentences}) == 0.2  # net 0.60 vs 0.50 at 0.1, 0.40 at 0.0
    two[0.2] = (0.5, 0.30, 0.05)
    assert module.best_threshold({1: one, 2: two, None: sentences}) == 0.1  # 0.45 at 0.2, 0.50 at 0.1
