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
