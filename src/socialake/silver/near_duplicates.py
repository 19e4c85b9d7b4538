"""Near-duplicate clusters: MinHash LSH signatures, banded candidates, exact Jaccard, components.

Exact duplicates are collapsed first (a thousand copies cost one signature). For each distinct
text one vectorised pass on the executors (mapInArrow + numpy) tokenises it like Spark's
RegexTokenizer (`[^\\p{L}\\p{N}_@]+`, lower-cased), hashes its word shingles to 64 bits
(blake2b, so every worker agrees), and computes `bands * rows` MinHash values with seeded
multiply-shift hash functions. The signature is cut into `bands` bands of `rows` values; posts
sharing a band become candidates (each linked to the bucket member with the smallest id, so a
bucket of n posts costs n pairs, not n^2), candidates are verified with the exact Jaccard similarity of
their shingle sets, and verified pairs are joined into clusters by connected components: on the
driver with scipy while they number at most `driver_max_pairs`, else by label propagation on
Spark.

This replaced MLlib's HashingTF + MinHashLSH transform (and, before that, approxSimilarityJoin,
about 17x slower still): measured in docs/measurements/benchmark.md.

The probability that two posts of Jaccard similarity s become candidates is
1 - (1 - s^rows)^bands: with 20 bands of 3 rows, 0.99 at s = 0.6 and 0.42 at s = 0.3.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterator

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

from socialake import schemas as S

_REP = "_rep_key"
_ID = "_rep_id"
_SHINGLES = "_shingles"
_BANDS = "_bands"
_SIGNED_SCHEMA = StructType([
    StructField(_REP, StringType(), False),
    StructField(_SHINGLES, ArrayType(LongType(), False), False),
    StructField(_BANDS, ArrayType(LongType(), False), False),
])
# Spark's RegexTokenizer pattern [^\p{L}\p{N}_@]+: Python's \w is Unicode letters, digits and _.
_SPLIT = re.compile(r"[^\w@]+")
_BATCH = 2_000  # texts per numpy block: bands*rows x shingles uint64 values stay ~25 MB


def near_duplicate_clusters(posts: DataFrame, *, params: NearDuplicatesConfig) -> DataFrame:
    """(post_key, near_dup_cluster) for every post in a cluster of at least two posts (exact
    copies included); the cluster id is the smallest post_key in it. Reposts are ignored."""
    eligible = posts.where(F.col(S.CONTENT_HASH).isNotNull() & F.col(S.REPOST_OF_POST_KEY).isNull())
    representatives = eligible.groupBy(S.CONTENT_HASH).agg(
        F.min(S.POST_KEY).alias(_REP), F.first(S.TEXT, ignorenulls=True).alias(S.TEXT)
    )
    # Candidates are found and verified on a numeric id (cheaper to shuffle and hash than post
    # keys); the few verified pairs get their keys back before the clusters are formed.
    signed = signatures(representatives.where(F.col(S.TEXT).isNotNull()), params=params) \
        .withColumn(_ID, F.monotonically_increasing_id()).localCheckpoint()
    verified = _verified_pairs(_candidate_pairs(signed), signed, params)
    keys = signed.select(_ID, _REP)
    pairs = (verified.join(keys.withColumnRenamed(_ID, "a"), "a").select(F.col(_REP).alias("a"), "b")
             .join(keys.withColumnRenamed(_ID, "b"), "b").select("a", F.col(_REP).alias("b")))
    components = _connected_components(pairs, params)  # (_rep_key, label)

    labelled = eligible.select(S.POST_KEY, S.CONTENT_HASH).join(
        representatives.select(S.CONTENT_HASH, _REP), on=S.CONTENT_HASH
    ).join(components, on=_REP, how="left")
    labelled = labelled.withColumn("label", F.coalesce(F.col("label"), F.col(_REP)))
    sized = labelled.withColumn("_size", F.count(F.lit(1)).over(Window.partitionBy("label")))
    return sized.where(F.col("_size") >= 2).select(S.POST_KEY, F.col("label").alias(S.NEAR_DUP_CLUSTER))


def signatures(texts: DataFrame, *, params: NearDuplicatesConfig, key: str = _REP, text: str = S.TEXT) -> DataFrame:
    """(key, text) -> (_rep_key, _shingles: sorted distinct 64-bit shingle hashes, _bands: one
    64-bit value per LSH band). Texts with fewer than `min_words` words are left out."""
    fn = _signature_function(params, key, text)
    return texts.select(key, text).mapInArrow(fn, _SIGNED_SCHEMA)


def _hash_functions(params: NearDuplicatesConfig) -> tuple[np.ndarray, np.ndarray]:
    """Seeded multiply-shift hash functions h(x) = (a*x + b) mod 2^64 >> 32, a odd."""
    rng = np.random.default_rng(params.seed)
    n = params.bands * params.rows
    a = rng.integers(1, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=n, dtype=np.uint64)
    return a, b


def _signature_function(params: NearDuplicatesConfig, key: str, text: str):
    a, b = _hash_functions(params)

    def sign(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        word_hash: dict[str, int] = {}
        for batch in batches:
            keys = batch.column(key).to_pylist()
            texts = batch.column(text).to_pylist()
            for start in range(0, len(keys), _BATCH):
                out = shingle_and_sign(keys[start:start + _BATCH], texts[start:start + _BATCH], params, a, b,
                                       word_hash)
                if out is not None:
                    yield out
            if len(word_hash) > 500_000:  # bound the cache on very diverse corpora
                word_hash.clear()

    return sign


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_hashes(text: str, params: NearDuplicatesConfig, cache: dict[str, int] | None = None) -> np.ndarray | None:
    """Sorted distinct 64-bit hashes of the text's word n-grams, or None if it has fewer than
    `min_words` words (one text; `shingle_and_sign` does the same for a whole block)."""
    _, flat, lengths = _block_shingles([text], params, {} if cache is None else cache)
    return flat if lengths.size else None


def _block_shingles(texts: list, params: NearDuplicatesConfig, cache: dict[str, int]
                    ) -> tuple[list[int], np.ndarray, np.ndarray]:
    """For a block of texts: (indices of the texts kept, their sorted distinct shingle hashes
    concatenated, the number of shingles of each kept text). An n-gram's hash combines its
    words' hashes by position, so "a b" and "b a" differ."""
    n = params.shingle_words
    kept, word_hashes, word_counts = [], [], []
    for i, text in enumerate(texts):
        if text is None:
            continue
        words = [w for w in _SPLIT.split(text.lower()) if w]
        if len(words) < max(params.min_words, n):
            continue
        try:
            hashes = list(map(cache.__getitem__, words))
        except KeyError:
            for word in words:
                if word not in cache:
                    cache[word] = _word_hash(word)
            hashes = list(map(cache.__getitem__, words))
        word_hashes.extend(hashes)
        kept.append(i)
        word_counts.append(len(words))
    if not kept:
        return [], np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    hashed = np.array(word_hashes, dtype=np.uint64)
    counts = np.array(word_counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(kept)), counts)
    position = np.arange(hashed.size) - np.repeat(np.cumsum(counts) - counts, counts)
    starts = np.flatnonzero(position <= (counts[owner] - n))          # n-grams that fit in their text
    grams = hashed[starts].copy()
    with np.errstate(over="ignore"):
        for offset in range(1, n):
            grams = grams * np.uint64(0x9E3779B97F4A7C15) + hashed[starts + offset]
    gram_owner = owner[starts]
    order = np.lexsort((grams, gram_owner))
    grams, gram_owner = grams[order], gram_owner[order]
    first = np.ones(grams.size, dtype=bool)
    first[1:] = (grams[1:] != grams[:-1]) | (gram_owner[1:] != gram_owner[:-1])
    grams, gram_owner = grams[first], gram_owner[first]
    return kept, grams, np.bincount(gram_owner, minlength=len(kept)).astype(np.int64)


def shingle_and_sign(keys: list, texts: list, params: NearDuplicatesConfig, a: np.ndarray, b: np.ndarray,
                     cache: dict[str, int]) -> pa.RecordBatch | None:
    """One block of (key, text) -> a record batch of (_rep_key, _shingles, _bands)."""
    kept, flat, lengths = _block_shingles(texts, params, cache)
    if not kept:
        return None
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    with np.errstate(over="ignore"):
        hashed = (a[:, None] * flat[None, :] + b[:, None]) >> np.uint64(32)   # (functions, shingles)
    minima = np.minimum.reduceat(hashed, starts, axis=1).T                     # (texts, functions)
    bands = minima.reshape(len(kept), params.bands, params.rows)
    band_values = np.zeros((len(kept), params.bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(params.rows):
            band_values = band_values * np.uint64(0x100000001B3) + bands[:, :, r]
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int32)
    shingle_col = pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat.view(np.int64)))
    band_offsets = np.arange(0, (len(kept) + 1) * params.bands, params.bands, dtype=np.int32)
    band_col = pa.ListArray.from_arrays(pa.array(band_offsets), pa.array(band_values.reshape(-1).view(np.int64)))
    return pa.RecordBatch.from_arrays([pa.array([keys[i] for i in kept], pa.string()), shingle_col, band_col],
                                      names=[_REP, _SHINGLES, _BANDS])


def _candidate_pairs(signed: DataFrame) -> DataFrame:
    """(a, b) ids: a shares a band bucket with b, the bucket's smallest id (a != b)."""
    banded = signed.select(_ID, F.posexplode(_BANDS).alias("band", "value"))
    buckets = banded.groupBy("band", "value").agg(F.collect_list(_ID).alias("members")).where(F.size("members") > 1)
    linked = buckets.select(F.array_min("members").alias("b"), F.explode("members").alias("a"))
    return linked.where(F.col("a") != F.col("b")).distinct()


def _verified_pairs(candidates: DataFrame, signed: DataFrame, params: NearDuplicatesConfig) -> DataFrame:
    left = signed.select(F.col(_ID).alias("a"), F.col(_SHINGLES).alias("sa"))
    right = signed.select(F.col(_ID).alias("b"), F.col(_SHINGLES).alias("sb"))
    joined = candidates.join(left, "a").join(right, "b")
    shared = F.size(F.array_intersect("sa", "sb"))
    jaccard = shared / (F.size("sa") + F.size("sb") - shared)
    return joined.where(jaccard >= params.threshold).select("a", "b")


def _connected_components(pairs: DataFrame, params: NearDuplicatesConfig) -> DataFrame:
    """(_rep_key, label: the smallest key of its component) for every key in a pair."""
    pairs = pairs.localCheckpoint()
    count = pairs.count()
    if count <= params.driver_max_pairs:
        return _components_on_driver(pairs)
    return _components_on_spark(pairs, params.max_iterations)


def _components_on_driver(pairs: DataFrame) -> DataFrame:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    spark = pairs.sparkSession
    table = pairs.toArrow()
    schema = f"{_REP} string, label string"
    if table.num_rows == 0:
        return spark.createDataFrame([], schema)
    a, b = np.asarray(table.column("a").to_pylist(), dtype=object), np.asarray(table.column("b").to_pylist(), dtype=object)
    names, index = np.unique(np.concatenate([a, b]), return_inverse=True)   # sorted: index order = key order
    ia, ib = index[: len(a)], index[len(a):]
    graph = coo_matrix((np.ones(len(ia), dtype=np.int8), (ia, ib)), shape=(len(names), len(names)))
    _, component = connected_components(graph, directed=False)
    smallest = np.full(component.max() + 1, len(names), dtype=np.int64)
    np.minimum.at(smallest, component, np.arange(len(names)))
    labels = names[smallest[component]]
    return spark.createDataFrame(pa.table({_REP: pa.array(names.tolist(), pa.string()),
                                           "label": pa.array(labels.tolist(), pa.string())}).to_pandas(), schema)


def _components_on_spark(pairs: DataFrame, max_iterations: int) -> DataFrame:
    """Min-label propagation over an undirected edge list; (_rep_key, label)."""
    edges = pairs.unionByName(pairs.select(F.col("b").alias("a"), F.col("a").alias("b"))).localCheckpoint()
    labels = edges.select(F.col("a").alias(_REP)).distinct().withColumn("label", F.col(_REP)).localCheckpoint()
    for _ in range(max_iterations):
        proposals = edges.join(labels.withColumnRenamed(_REP, "b"), "b").select(F.col("a").alias(_REP), "label")
        updated = (
            labels.unionByName(proposals).groupBy(_REP).agg(F.min("label").alias("label")).localCheckpoint()
        )
        changed = updated.join(labels.withColumnRenamed("label", "_old"), _REP).where("label != _old").limit(1).count()
        labels.unpersist()  # local checkpoints hold driver/executor memory until released
        labels = updated
        if changed == 0:
            return labels
    raise RuntimeError(
        f"near-duplicate clusters did not converge in {max_iterations} iterations: raise "
        "silver.near_duplicates.max_iterations"
    )
