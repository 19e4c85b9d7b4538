"""Near-duplicate internals against expectations computed independently (plain Python sets)."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from pyspark.sql import Row
from pyspark.testing import assertDataFrameEqual

from socialake.config import NearDuplicatesConfig
from socialake.silver.near_duplicates import (
    _components_on_driver,
    _components_on_spark,
    _hash_functions,
    shingle_and_sign,
    shingle_hashes,
)

PARAMS = NearDuplicatesConfig()


def bigrams(text: str) -> set[tuple[str, str]]:
    words = [w for w in re.split(r"[^\w@]+", text.lower()) if w]
    return set(zip(words, words[1:]))


def jaccard(x: set, y: set) -> float:
    return len(x & y) / len(x | y)


def test_hashed_shingles_have_the_jaccard_of_the_word_bigrams():
    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(60)]
    for _ in range(200):
        a = [rng.choice(vocab) for _ in range(rng.randint(5, 30))]
        b = [w if rng.random() < 0.8 else rng.choice(vocab) for w in a]
        ta, tb = " ".join(a), "  ".join(b).upper() + " !!"
        ha, hb = set(shingle_hashes(ta, PARAMS).tolist()), set(shingle_hashes(tb, PARAMS).tolist())
        assert len(ha) == len(bigrams(ta))
        assert jaccard(ha, hb) == pytest.approx(jaccard(bigrams(ta), bigrams(tb)))


def test_word_order_matters_and_short_texts_are_skipped():
    forward = set(shingle_hashes("alpha beta gamma delta epsilon", PARAMS).tolist())
    backward = set(shingle_hashes("epsilon delta gamma beta alpha", PARAMS).tolist())
    assert forward.isdisjoint(backward)   # no bigram of one is a bigram of the other
    assert shingle_hashes("only four words here", PARAMS) is None   # min_words = 5


def test_minhash_agreement_estimates_jaccard():
    """The share of equal MinHash values of two texts is an unbiased estimate of their
    Jaccard similarity: averaged over many pairs it must match the true mean closely."""
    rng = random.Random(11)
    vocab = [f"t{i}" for i in range(400)]
    params = NearDuplicatesConfig(bands=50, rows=4)
    a_fn, b_fn = _hash_functions(params)
    errors = []
    for _ in range(150):
        words = [rng.choice(vocab) for _ in range(40)]
        other = [w if rng.random() < rng.choice([0.3, 0.6, 0.9]) else rng.choice(vocab) for w in words]
        batch = shingle_and_sign(["a", "b"], [" ".join(words), " ".join(other)], params, a_fn, b_fn, {})
        minima_equal = np.mean(np.array(batch.column(2).to_pylist()[0]) == np.array(batch.column(2).to_pylist()[1]))
        true = jaccard(bigrams(" ".join(words)), bigrams(" ".join(other)))
        # a band of 4 rows agrees with probability ~ J^4
        errors.append(minima_equal - true ** 4)
    assert abs(float(np.mean(errors))) < 0.03


def test_components_on_driver_and_on_spark_agree_with_hand_made_clusters(spark):
    pairs = spark.createDataFrame(
        [("k", "b"), ("b", "a"), ("x", "y"), ("z", "y"), ("c", "a"), ("m", "n")], "a string, b string")
    expected = [Row(_rep_key=k, label=v) for k, v in
                [("a", "a"), ("b", "a"), ("c", "a"), ("k", "a"), ("x", "x"), ("y", "x"), ("z", "x"), ("m", "m"),
                 ("n", "m")]]
    assertDataFrameEqual(_components_on_driver(pairs), expected)
    assertDataFrameEqual(_components_on_spark(pairs, max_iterations=10), expected)


def test_components_of_no_pairs_is_empty(spark):
    assert _components_on_driver(spark.createDataFrame([], "a string, b string")).count() == 0
