"""Topics: Spark MLlib LDA (online variational Bayes) over a CountVectorizer vocabulary with
multilingual stop words, plus the quality measures logged per run: log-perplexity, NPMI
coherence of each topic's top terms (document co-occurrence in the corpus itself) and topic
diversity (share of unique words among all topics' top terms, Dieng et al. 2020).

Fitting (`fit_topic_model`) is kept apart from applying (`assign_topics`).
"""

from __future__ import annotations

import math

from pyspark import StorageLevel
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.clustering import LDA, LDAModel
from pyspark.ml.feature import CountVectorizer, CountVectorizerModel, RegexTokenizer, SQLTransformer, StopWordsRemover
from pyspark.ml.functions import vector_to_array
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from socialake.config import TopicsConfig
from socialake.schemas import TEXT

TOPIC_ID = "topic_id"
TOPIC_WEIGHT = "topic_weight"
TOPIC_DISTRIBUTION = "topic_distribution"
_TERMS = "_topic_terms"
_COUNTS = "_topic_counts"

# URLs and pseudonyms say nothing about the topic; their hex would leak into the vocabulary.
_NOISE = r"https?://[^ ]+|[@#]?u_[0-9a-f]{32}|at://[^ ]+"


def stop_words(languages: tuple[str, ...]) -> list[str]:
    """Spark's bundled stop-word lists for `languages`, plus social-media filler."""
    words: set[str] = {"rt", "amp", "via", "lol", "tbh", "imo", "just", "like", "get", "got", "one", "today"}
    for language in languages:
        words.update(StopWordsRemover.loadDefaultStopWords(language))
    return sorted(words)


def topic_pipeline(params: TopicsConfig, *, k: int) -> Pipeline:
    """text -> cleaned tokens -> counts -> LDA with `k` topics (params.k may be null: a sweep). The fitted PipelineModel is what MLflow logs."""
    clean = SQLTransformer(statement=f"SELECT *, regexp_replace(coalesce(text, ''), '{_NOISE}', ' ') "
                                     f"AS _topic_text FROM __THIS__")
    tokens = RegexTokenizer(inputCol="_topic_text", outputCol="_topic_tokens", pattern=r"\p{L}{3,}", gaps=False,
                            toLowercase=True)
    remover = StopWordsRemover(inputCol="_topic_tokens", outputCol=_TERMS, stopWords=stop_words(params.stop_words),
                               caseSensitive=False)
    vectorizer = CountVectorizer(inputCol=_TERMS, outputCol=_COUNTS, vocabSize=params.vocab_size,
                                 minDF=float(params.min_df),
                                 # Spark reads maxDF >= 1 as a count of posts: a share of 1.0 means no limit
                                 maxDF=params.max_df if params.max_df < 1 else float(2**62))
    lda = LDA(k=k, maxIter=params.max_iterations, optimizer="online", seed=params.seed,
              featuresCol=_COUNTS, topicDistributionCol=TOPIC_DISTRIBUTION,
              learningOffset=1024.0, subsamplingRate=params.subsampling_rate, optimizeDocConcentration=True)
    return Pipeline(stages=[clean, tokens, remover, vectorizer, lda])


FIT_PARTITIONS = 8


def fit_sample(corpus: DataFrame, *, total: int, size: int, seed: int) -> DataFrame:
    """About `size` of the `total` rows (all of them when size is 0 or not smaller), chosen by a
    seeded hash of the text: the same rows whatever the input's partitioning (Spark's sample()
    draws per partition, so a cluster and a laptop would fit on different rows). No limit():
    that would put the whole fit on one partition."""
    if not size or total <= size:
        return corpus
    buckets = 1_000_000
    return corpus.where(F.pmod(F.xxhash64(F.col(TEXT), F.lit(seed)), F.lit(buckets)) < int(buckets * size / total))


def _stable_layout(corpus: DataFrame) -> DataFrame:
    """The fit's rows in FIT_PARTITIONS partitions by a hash of the text, sorted within each:
    online LDA draws its mini-batches per partition, so this makes a seeded fit give the same
    topics on any cluster (measured: local vs a two-worker cluster agreed to NMI 0.65 without)."""
    key = F.xxhash64(F.col(TEXT))
    return corpus.repartition(FIT_PARTITIONS, key).sortWithinPartitions(key, F.col(TEXT))


class EmptyVocabularyError(ValueError):
    """No term passes the vocabulary's document-frequency bounds: there is nothing to fit."""


def fit_topic_model(params: TopicsConfig, corpus: DataFrame, *, k: int) -> PipelineModel:
    """Fit topic_pipeline on `corpus` (a `text` column). The term counts are computed once and
    kept while LDA runs: online LDA samples its mini-batches from its input on every step, which
    would otherwise re-tokenise the corpus `max_iterations` times."""
    stages = topic_pipeline(params, k=k).getStages()
    corpus = _stable_layout(corpus)
    features = Pipeline(stages=stages[:-1]).fit(corpus)
    if not features.stages[-1].vocabulary:  # Spark's LDA would fail later on a dimension mismatch
        raise EmptyVocabularyError(
            f"topics: no word is in at least gold.topics.min_df={params.min_df:g} posts and at most "
            f"gold.topics.max_df={params.max_df:g} of them, so there is no vocabulary to fit topics on: lower "
            "min_df or raise max_df, or run gold on more (and more varied) posts")
    counts = features.transform(corpus).select(_COUNTS).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        lda_model = stages[-1].fit(counts)
    finally:
        counts.unpersist()
    return PipelineModel(stages=[*features.stages, lda_model])


def assign_topics(model: PipelineModel, posts: DataFrame) -> DataFrame:
    """Adds topic_distribution (array<double>, one weight per topic), topic_id (the dominant
    topic; null for posts with no vocabulary term) and topic_weight."""
    scored = model.transform(posts).withColumn(TOPIC_DISTRIBUTION, vector_to_array(F.col(TOPIC_DISTRIBUTION)))
    has_terms = F.size(F.col(_TERMS)) > 0
    best = F.array_max(TOPIC_DISTRIBUTION)
    return (scored
            .withColumn(TOPIC_ID, F.when(has_terms, F.array_position(F.col(TOPIC_DISTRIBUTION), best) - 1)
                        .cast("int"))
            .withColumn(TOPIC_WEIGHT, F.when(has_terms, best))
            .drop("_topic_text", "_topic_tokens", _TERMS, _COUNTS))


def top_terms(model: PipelineModel, n: int) -> list[list[tuple[str, float]]]:
    """Per topic, its n most probable terms with their weights."""
    vocabulary = _vectorizer(model).vocabulary
    described = _lda(model).describeTopics(n).orderBy("topic").collect()
    return [[(vocabulary[i], float(w)) for i, w in zip(row.termIndices, row.termWeights)] for row in described]


def log_perplexity(model: PipelineModel, posts: DataFrame) -> float:
    """LDA's upper bound on log-perplexity per token (lower is better) on `posts`."""
    counts = _counts(model, posts)
    return float(_lda(model).logPerplexity(counts))


def npmi_coherence(model: PipelineModel, posts: DataFrame, terms: list[list[str]]) -> list[float]:
    """Mean normalised PMI of each topic's term pairs, from document co-occurrence in `posts`
    (NPMI 1: always together, 0: independent, -1: never together)."""
    wanted = sorted({t for topic in terms for t in topic})
    docs = (_counts(model, posts).select(F.monotonically_increasing_id().alias("_doc"),
                                         F.array_distinct(F.col(_TERMS)).alias("_terms")))
    total = docs.count()
    hits = docs.select("_doc", F.explode(F.array_intersect("_terms", F.array(*[F.lit(t) for t in wanted])))
                       .alias("term")).cache()
    try:
        single = {r.term: r["count"] for r in hits.groupBy("term").count().collect()}
        pairs = (hits.alias("a").join(hits.alias("b"), on="_doc").where(F.col("a.term") < F.col("b.term"))
                 .groupBy(F.col("a.term").alias("t1"), F.col("b.term").alias("t2")).count().collect())
    finally:
        hits.unpersist()
    joint = {(r.t1, r.t2): r["count"] for r in pairs}
    scores = []
    for topic in terms:
        values = []
        for i, a in enumerate(topic):
            for b in topic[i + 1:]:
                both = joint.get((min(a, b), max(a, b)), 0)
                if both == 0 or total == 0:
                    values.append(-1.0)
                    continue
                p_ab, p_a, p_b = both / total, single[a] / total, single[b] / total
                values.append(1.0 if p_ab == 1 else math.log(p_ab / (p_a * p_b)) / -math.log(p_ab))
        scores.append(sum(values) / len(values) if values else 0.0)
    return scores


def topic_diversity(terms: list[list[str]]) -> float:
    """Unique words among all topics' top terms / all top terms (1: no word shared)."""
    flat = [t for topic in terms for t in topic]
    return len(set(flat)) / len(flat) if flat else 0.0


def _counts(model: PipelineModel, posts: DataFrame) -> DataFrame:
    return PipelineModel(stages=model.stages[:-1]).transform(posts)


def _lda(model: PipelineModel) -> LDAModel:
    return model.stages[-1]


def _vectorizer(model: PipelineModel) -> CountVectorizerModel:
    return model.stages[-2]
