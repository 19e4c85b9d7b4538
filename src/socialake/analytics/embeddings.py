"""Sentence embeddings per post, computed in pandas UDFs (Arrow batches) with a model baked into
a PyPI wheel, and a nearest-neighbour query over the stored vectors.

Embedded engine: "static-64", tokenlearn-static-model (a Model2Vec-style static model, 64
dimensions, int8 weights, Rust encoder; nothing is downloaded). Spark NLP's
BertSentenceEmbeddings is the engine of choice on a cluster that has its jar and its models; see
README "Cluster engines".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, FloatType

EMBEDDING = "embedding"


@dataclass(frozen=True)
class EmbeddingModel:
    name: str
    dimension: int
    package: str


STATIC_64 = EmbeddingModel(name="static-64", dimension=64, package="tokenlearn-static-model==0.1.1")
MODELS = {STATIC_64.name: STATIC_64}


def encode(texts: list[str], model: EmbeddingModel = STATIC_64) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (empty text: the zero vector)."""
    if model.name != STATIC_64.name:
        raise ValueError(f"unknown embedding model {model.name!r}: use one of {', '.join(MODELS)}")
    from static_model import get_embeddings

    vectors = np.zeros((len(texts), model.dimension), dtype=np.float32)
    present = [i for i, t in enumerate(texts) if t and t.strip()]
    if present:
        encoded = np.asarray(get_embeddings([texts[i] for i in present]), dtype=np.float32)
        norms = np.linalg.norm(encoded, axis=1, keepdims=True)
        vectors[present] = encoded / np.where(norms == 0, 1, norms)
    return vectors


def embed_posts(posts: DataFrame, *, model: EmbeddingModel = STATIC_64, text_col: str = "text") -> DataFrame:
    """Adds `embedding` (array<float>, unit length, model.dimension values)."""

    @F.pandas_udf(ArrayType(FloatType()))
    def embed(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for texts in batches:
            vectors = encode([t if isinstance(t, str) else "" for t in texts], model)
            yield pd.Series(list(vectors))

    return posts.withColumn(EMBEDDING, embed(F.col(text_col)))


def cosine_to(query: np.ndarray) -> Column:
    """Cosine similarity of `embedding` to `query` (both unit length: a dot product)."""
    terms = [F.col(EMBEDDING)[i] * float(v) for i, v in enumerate(query)]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def nearest(embeddings: DataFrame, query: np.ndarray, *, k: int, exclude_key: str | None = None,
            key_col: str = "post_key") -> DataFrame:
    """The k rows of `embeddings` most similar to `query`, with `similarity`, best first."""
    candidates = embeddings if exclude_key is None else embeddings.where(F.col(key_col) != exclude_key)
    return candidates.withColumn("similarity", cosine_to(query)).orderBy(F.desc("similarity")).limit(k)
