"""Topic model quality measures, and LDA separating an unmistakable two-topic corpus."""

from __future__ import annotations

import math

import pytest

from socialake.analytics import topics
from socialake.config import TopicsConfig


def test_topic_diversity():
    assert topics.topic_diversity([["a", "b"], ["c", "d"]]) == 1.0
    assert topics.topic_diversity([["a", "b"], ["a", "c"]]) == 0.75


CORPUS = (["match goal striker referee stadium"] * 30 + ["oven flour butter recipe baking"] * 30
          + ["goal striker oven flour"] * 2)


def test_lda_separates_two_topics_and_npmi_matches_hand_computation(spark):
    posts = spark.createDataFrame([(f"p{i}", t) for i, t in enumerate(CORPUS)], "post_key string, text string")
    params = TopicsConfig(max_iterations=50, min_df=2, max_df=1.0, subsampling_rate=1.0, seed=1)
    model = topics.fit_topic_model(params, posts, k=2)
    assigned = {r.post_key: r.topic_id for r in topics.assign_topics(model, posts).collect()}
    sports, food = assigned["p0"], assigned["p30"]
    assert sports != food
    assert all(assigned[f"p{i}"] == sports for i in range(30))
    assert all(assigned[f"p{i}"] == food for i in range(30, 60))
    words = topics.top_terms(model, 5)
    assert {w for w, _ in words[sports]} == {"match", "goal", "striker", "referee", "stadium"}

    # NPMI of (goal, striker): both in 32 of 62 posts, always together -> 1.0
    # NPMI of (goal, oven): together in 2 of 62, each in 32 -> log(p_ab/(p_a p_b)) / -log p_ab
    got = topics.npmi_coherence(model, posts, [["goal", "striker"], ["goal", "oven"]])
    p_ab, p = 2 / 62, 32 / 62
    assert got[0] == pytest.approx(math.log((32 / 62) / (p * p)) / -math.log(32 / 62))
    assert got[1] == pytest.approx(math.log(p_ab / (p * p)) / -math.log(p_ab))
    assert topics.log_perplexity(model, posts) > 0


def test_urls_and_pseudonyms_never_become_terms(spark):
    text = "@u_0123456789abcdef0123456789abcdef see https://example.com/deadbeef match goal"
    posts = spark.createDataFrame([(f"p{i}", text) for i in range(5)], "post_key string, text string")
    model = topics.fit_topic_model(TopicsConfig(max_iterations=5, min_df=1, max_df=1.0), posts, k=2)
    assert set(model.stages[-2].vocabulary) == {"see", "match", "goal"}


def test_fit_sample_is_seeded_and_about_the_size_asked(spark):
    corpus = spark.range(20_000).selectExpr("concat('post ', id) AS text")
    first = topics.fit_sample(corpus, total=20_000, size=5_000, seed=3)
    # the same rows whatever the partitioning (a cluster and a laptop fit on the same sample)
    again = topics.fit_sample(corpus.repartition(7), total=20_000, size=5_000, seed=3)
    other_seed = topics.fit_sample(corpus, total=20_000, size=5_000, seed=4)
    n = first.count()
    assert 4_700 <= n <= 5_300   # Bernoulli(0.25) over 20,000 rows: sd ~61
    assert sorted(r[0] for r in first.collect()) == sorted(r[0] for r in again.collect())
    assert sorted(r[0] for r in first.collect()) != sorted(r[0] for r in other_seed.collect())
    assert topics.fit_sample(corpus, total=20_000, size=0, seed=3) is corpus
    assert topics.fit_sample(corpus, total=20_000, size=50_000, seed=3) is corpus


def test_a_corpus_without_vocabulary_is_refused_with_the_settings_to_change(spark):
    """Every word is in every post, above max_df 0.3: no term is left (found by a 100-record
    gold run, which failed inside Spark's LDA with "Col dimension mismatch")."""
    posts = spark.createDataFrame([(f"comment number {i} about things",) for i in range(40)], "text string")
    with pytest.raises(topics.EmptyVocabularyError, match=r"^topics: no word is in at least gold.topics.min_df=2 "
                                                         r"posts and at most gold.topics.max_df=0.3"):
        topics.fit_topic_model(TopicsConfig(min_df=2, max_df=0.3), posts, k=2)
