"""Sentiment: the metric, the label rules, the training split, and the candidates as models."""

from __future__ import annotations

import pandas as pd
import pytest
from pyspark.ml import PipelineModel

from socialake.analytics import sentiment as st
from socialake.config import SentimentConfig


def test_macro_recall_is_the_mean_of_per_class_recall():
    truth = pd.Series([0, 0, 1, 2])
    predicted = pd.Series([0, 1, 1, 2])
    # negative 1/2, neutral 1/1, positive 1/1
    assert st.macro_recall(truth, predicted) == pytest.approx((0.5 + 1 + 1) / 3)


def test_rating_to_label_uses_the_neutral_band():
    assert [st.rating_to_label(r, neutral_band=0.5) for r in (-2.0, -0.5, -0.4, 0.0, 0.49, 0.5, 3.1)] == \
        [0, 0, 1, 1, 1, 2, 2]


def test_vader_model_labels_clear_cases(spark):
    texts = ["I love this, it is wonderful!", "This is terrible and I hate it", "The meeting starts at 3pm"]
    scored = st.score_posts(st.vader_model(spark), spark.createDataFrame([(t,) for t in texts], "text string"))
    rows = {r.text: r for r in scored.collect()}
    assert [rows[t].sentiment_label for t in texts] == ["positive", "negative", "neutral"]
    assert rows[texts[0]].sentiment_score > 0.5 > -0.5 > rows[texts[1]].sentiment_score
    assert set(scored.columns) == {"text", st.SENTIMENT_LABEL, st.SENTIMENT_SCORE}


def test_null_text_scores_neutral(spark):
    scored = st.score_posts(st.vader_model(spark), spark.createDataFrame([(None,)], "text string")).collect()
    assert scored[0].sentiment_label == "neutral" and scored[0].sentiment_score == 0.0


def test_split_is_disjoint_stratified_and_balanced_by_weight():
    tweeteval = pd.DataFrame({"text": [f"t{i}" for i in range(100)], "label": [0] * 20 + [1] * 50 + [2] * 30})
    vader = pd.DataFrame({"text": [f"v{i}" for i in range(50)], "rating": [-2.0] * 25 + [2.0] * 25})
    splits = st.split_labelled(st.LabelledSets(tweeteval, vader), seed=1, test_fraction=0.4)
    assert splits.test["label"].value_counts().to_dict() == {1: 20, 2: 12, 0: 8}
    assert not set(splits.test.text) & set(splits.train.text)
    assert not set(splits.vader_test.text) & set(splits.train.text)
    assert len(splits.train) == 60 + 30
    per_class = splits.train.groupby("label")["weight"].sum()
    assert per_class.max() == pytest.approx(per_class.min())


def test_learned_pipeline_learns_and_survives_save_and_load(spark, tmp_path):
    rows = [(f"{word} {filler}", label, 1.0) for label, word in ((0, "awful"), (1, "schedule"), (2, "brilliant"))
            for filler in ("today", "again", "here", "now", "then", "still")]
    train = spark.createDataFrame(rows, "text string, label int, weight double")
    model = st.learned_pipeline(with_vader=True, params=SentimentConfig(num_features=1 << 10, max_iter=50,
                                                                         reg_param=0.001)).fit(train)
    probe = spark.createDataFrame([("so awful",), ("the schedule",), ("brilliant stuff",)], "text string")
    expected = {"so awful": "negative", "the schedule": "neutral", "brilliant stuff": "positive"}
    assert {r.text: r.sentiment_label for r in st.score_posts(model, probe).collect()} == expected
    model.write().overwrite().save(str(tmp_path / "model"))
    loaded = PipelineModel.load(str(tmp_path / "model"))
    reloaded = st.score_posts(loaded, probe)
    assert {r.text: r.sentiment_label for r in reloaded.collect()} == expected
    assert set(reloaded.columns) == {"text", st.SENTIMENT_LABEL, st.SENTIMENT_SCORE}


def test_shipped_labelled_sets_load():
    sets = st.load_labelled()
    assert len(sets.tweeteval) == 2000 and set(sets.tweeteval.label) == {0, 1, 2}
    assert len(sets.vader) == 4200 and sets.vader.rating.between(-4, 4).all()


def test_missing_data_dir_names_the_layout(tmp_path):
    with pytest.raises(FileNotFoundError, match="tweeteval-val/ and vader-tweets/"):
        st.load_labelled(tmp_path)
