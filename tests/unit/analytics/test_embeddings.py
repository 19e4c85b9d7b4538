"""Static sentence embeddings and the nearest-neighbour query."""

from __future__ import annotations

import numpy as np

from socialake.analytics import embeddings


def test_vectors_are_unit_length_and_similar_texts_are_closer():
    vectors = embeddings.encode(["my phone battery died again", "the phone battery is dead", "baking bread at home",
                                 ""])
    assert vectors.shape == (4, 64) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3].any()  # empty text: zero vector
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_nearest_returns_the_most_similar_posts(spark):
    texts = {"a": "my phone battery died again", "b": "the phone battery is dead", "c": "baking bread at home",
             "d": "sourdough bread recipe"}
    posts = spark.createDataFrame(list(texts.items()), "post_key string, text string")
    vectors = embeddings.embed_posts(posts).cache()
    query = np.asarray(vectors.where("post_key = 'a'").first().embedding)
    got = [r.post_key for r in embeddings.nearest(vectors, query, k=2, exclude_key="a").collect()]
    assert got[0] == "b"
    self_match = embeddings.nearest(vectors, query, k=1).first()
    assert self_match.post_key == "a" and abs(self_match.similarity - 1.0) < 1e-5
