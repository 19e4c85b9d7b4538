"""Language identification with py3langid, whose model ships inside its wheel (no download).

Text is cleaned of what says nothing about language (URLs, mention tokens, hashtag signs,
redaction placeholders, digits) before it is classified. Below a confidence floor, or with too
little text left, the language is "und" (undetermined, ISO 639-2).

`detect_languages` classifies a whole block at once with py3langid's own model: its byte DFA is
walked for all texts in step with numpy, and the naive Bayes scores are one sparse matrix
product; the result equals py3langid's `classify` text by text (tested) at several times its
speed (docs/measurements/benchmark.md). Texts longer than LONG_TEXT bytes take py3langid's path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

UNDETERMINED = "und"
# Below this probability the language is "und". Chosen by scripts/evaluate_langid.py on the
# Leipzig sentences and their first 1/2/3/5 words (docs/measurements/langid.md): it maximises
# right labels minus wrong ones (a wrong label misleads as much as a right one informs) on texts
# of one to five words, and is within 0.001 of the best on whole sentences; 0.5 turned 2.9% of
# sentences and 61% of two-word texts into "und".
DEFAULT_MIN_CONFIDENCE = 0.2
# Every label py3langid 0.4.0's model can give (140: ISO 639-1 codes where the language has one,
# ISO 639-3 otherwise, e.g. "ary" Moroccan Arabic, "yue" Cantonese, and "zxx", no linguistic
# content). A test checks this list against the model.
MODEL_LABELS = frozenset((
    "ace", "af", "am", "an", "ar", "ary", "arz", "as", "az", "ba", "bcl", "be", "bg", "bn", "br", "bs", "ca",
    "crh", "cs", "cy", "da", "de", "dz", "el", "en", "eo", "es", "et", "eu", "ext", "fa", "fi", "fo", "fr",
    "fuv", "fy", "ga", "gcf", "gcr", "gd", "gl", "gom", "grc", "gu", "gug", "guw", "ha", "hbo", "he", "hi",
    "hr", "ht", "hu", "hy", "id", "ig", "is", "it", "ja", "jv", "ka", "kab", "kik", "kk", "km", "kn", "ko",
    "ku", "ky", "la", "lb", "lg", "lij", "ln", "lo", "lt", "ltg", "lv", "mg", "mk", "ml", "mn", "mr", "ms",
    "mt", "my", "ne", "nl", "nn", "no", "nso", "oc", "om", "or", "pa", "pcm", "pl", "ps", "pt", "qu", "ro",
    "ru", "rw", "sa", "sdh", "se", "si", "sk", "sl", "sn", "so", "sq", "sr", "st", "sv", "sw", "ta", "te",
    "tg", "th", "tk", "tl", "tr", "tt", "ug", "uk", "ur", "uz", "uzs", "vec", "vi", "vo", "wa", "wuu", "xh",
    "yo", "yue", "zh", "zu", "zxx",
))
MIN_LETTERS = 3
LONG_TEXT = 2_000  # bytes; longer texts are classified one by one
_BLOCK = 2_000     # texts scored together (bounds the padded byte matrix to 4 MB)
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


def _has_letters(text: str) -> bool:
    count = 0
    for ch in text:
        if ch.isalpha():
            count += 1
            if count >= MIN_LETTERS:
                return True
    return False


def detect_language(text: str | None, *, languages: Sequence[str] = (),
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> tuple[str, float]:
    """(ISO 639-1 code or 'und', confidence in [0, 1]) of one text."""
    return detect_languages([text], languages=languages, min_confidence=min_confidence)[0]


def detect_languages(texts: Sequence[str | None], *, languages: Sequence[str] = (),
                     min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[tuple[str, float]]:
    """(ISO 639-1 code or 'und', confidence in [0, 1]) for each text, in order."""
    identifier = _identifier(tuple(sorted(languages)))
    results: list[tuple[str, float]] = [(UNDETERMINED, 0.0)] * len(texts)
    short_rows, short_bytes = [], []
    for row, text in enumerate(texts):
        cleaned = clean_for_language(text)
        if not _has_letters(cleaned):
            continue
        encoded = identifier._encode(cleaned)
        if len(encoded) > LONG_TEXT:
            results[row] = _decided(*identifier.classify(cleaned), min_confidence)
        else:
            short_rows.append(row)
            short_bytes.append(encoded)
    for start in range(0, len(short_rows), _BLOCK):
        probabilities = _probabilities(identifier, short_bytes[start:start + _BLOCK])
        best = probabilities.argmax(axis=1)
        for row, i, p in zip(short_rows[start:start + _BLOCK], best, probabilities[np.arange(len(best)), best]):
            results[row] = _decided(identifier.nb_classes[i], float(p), min_confidence)
    return results


def _decided(lang: str, probability: float, min_confidence: float) -> tuple[str, float]:
    probability = float(probability)
    return (lang, probability) if probability >= min_confidence else (UNDETERMINED, probability)


@lru_cache(maxsize=8)
def _tables(identifier) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.asarray(identifier.tk_nextmove, dtype=np.int64), np.asarray(identifier._rowbase, dtype=np.int64),
            np.asarray(identifier.tk_output, dtype=np.int64))


def _probabilities(identifier, encoded: list[bytes]) -> np.ndarray:
    """py3langid's normalised class probabilities (its `_decide` with norm_probs) for a block
    of encoded texts, computed together: (texts, classes)."""
    from scipy.sparse import csr_matrix

    nextmove, rowbase, output = _tables(identifier)
    n = len(encoded)
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=n)
    order = np.argsort(-lengths, kind="stable")          # longest first: the active rows are a prefix
    width = int(lengths.max())
    padded = np.zeros((n, width), dtype=np.uint8)
    for slot, row in enumerate(order):
        padded[slot, : lengths[row]] = np.frombuffer(encoded[row], dtype=np.uint8)
    # active[p]: how many texts are longer than p bytes (a prefix, since they are sorted)
    active = np.searchsorted(-lengths[order], -np.arange(width), side="left")
    states = np.zeros(n, dtype=np.int64)
    hit_rows, hit_features = [], []
    for p in range(width):
        k = int(active[p])
        states[:k] = nextmove[rowbase[states[:k]] + padded[:k, p]]
        features = output[states[:k]]
        hit = np.flatnonzero(features >= 0)
        if hit.size:
            hit_rows.append(order[hit])
            hit_features.append(features[hit])
    table = identifier.nb_ptc
    raw = np.zeros((n, table.shape[1]), dtype=np.float32)
    if hit_rows:
        rows, features = np.concatenate(hit_rows), np.concatenate(hit_features)
        counts = csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, features)), shape=(n, table.shape[0]))
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data)
        scored = np.asarray(counts @ table, dtype=np.float32) + identifier.nb_pc
        has_features = np.diff(counts.indptr) > 0
        raw[has_features] = scored[has_features]     # no features at all: 0.0, as py3langid does
    raw *= (1.0 / np.sqrt(np.maximum(lengths, 1)))[:, None].astype(np.float32)
    np.exp(raw - raw.max(axis=1, keepdims=True), out=raw)
    raw /= raw.sum(axis=1, keepdims=True)
    for i, j in identifier._alias_pairs:
        raw[:, i] += raw[:, j]
        raw[:, j] = 0.0
    return raw
