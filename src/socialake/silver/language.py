"""Language identification with py3langid, whose model ships inside its wheel (no download).

Text is cleaned of what says nothing about language (URLs, mention tokens, hashtag signs,
redaction placeholders, digits) before it is classified. Below a confidence floor, or with too
little text left, the language is "und" (undetermined, ISO 639-2).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

UNDETERMINED = "und"
MIN_LETTERS = 3
_NOISE = re.compile(
    r"https?://\S+|www\.\S+|@u_[0-9a-f]{32}|@\w+|<(?:EMAIL|PHONE|CARD|IP|IBAN)>|[#_\d]+", re.UNICODE
)


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)  # resolved inside the wheel
    if languages:
        identifier.set_languages(list(languages))
    return identifier


def clean_for_language(text: str | None) -> str:
    return " ".join(_NOISE.sub(" ", text or "").split())


def detect_language(
    text: str | None, *, languages: Sequence[str] = (), min_confidence: float = 0.5
) -> tuple[str, float]:
    """(ISO 639-1 code or 'und', confidence in [0, 1]) of one text."""
    cleaned = clean_for_language(text)
    if sum(ch.isalpha() for ch in cleaned) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    lang, probability = _identifier(tuple(sorted(languages))).classify(cleaned)
    probability = float(probability)
    return (lang, probability) if probability >= min_confidence else (UNDETERMINED, probability)
