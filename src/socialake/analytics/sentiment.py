"""Post sentiment: a lexicon baseline (VADER) and learned Spark ML models, all as Spark
PipelineModels that take a `text` column and add `sentiment_label` / `sentiment_score`.

Every candidate is a saveable PipelineModel (VADER runs in a pandas UDF inside a Python
transformer), so MLflow can log and register whichever wins and the gold job applies the
registered production model the same way for all of them.

Labels: negative | neutral | positive. Score in [-1, 1]: VADER's compound for the baseline,
P(positive) - P(negative) for the learned models.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator

import pandas as pd
from pyspark import keyword_only
from pyspark.ml import Pipeline, PipelineModel, Transformer
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.feature import IDF, HashingTF, NGram, RegexTokenizer, VectorAssembler
from pyspark.ml.functions import vector_to_array
from pyspark.ml.param.shared import HasInputCol, Param, Params, TypeConverters
from pyspark.ml.util import DefaultParamsReadable, DefaultParamsWritable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StructField, StructType

from socialake.config import SentimentConfig

LABELS = ("negative", "neutral", "positive")  # index = class id of the learned models
SENTIMENT_LABEL = "sentiment_label"
SENTIMENT_SCORE = "sentiment_score"
VADER_COLUMNS = ("vader_neg", "vader_neu", "vader_pos", "vader_compound")
# Words, numbers, hashtags/mentions kept whole; every other non-space character (emoji, "!",
# "?", ":") becomes a token of its own, so the learned models see emoji and emphasis.
TOKEN_PATTERN = r"[#@]?[\p{L}\p{N}_']+|[^\s\p{L}\p{N}]"

_analyzer = None


def _vader():
    global _analyzer
    if _analyzer is None:  # one per Python worker: loading the lexicon takes ~50 ms
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _analyzer = SentimentIntensityAnalyzer()
    return _analyzer


def vader_polarity(texts: pd.Series) -> pd.DataFrame:
    """VADER's neg/neu/pos/compound for each text (empty text scores neutral)."""
    analyzer = _vader()
    rows = [analyzer.polarity_scores(t) if isinstance(t, str) and t else {"neg": 0.0, "neu": 1.0, "pos": 0.0,
                                                                           "compound": 0.0} for t in texts]
    return pd.DataFrame({name: [r[name.split("_")[1]] for r in rows] for name in VADER_COLUMNS})


_VADER_STRUCT = StructType([StructField(name, DoubleType()) for name in VADER_COLUMNS])


class VaderFeatures(Transformer, HasInputCol, DefaultParamsReadable, DefaultParamsWritable):
    """Adds vader_neg, vader_neu, vader_pos, vader_compound from `inputCol` (pandas UDF)."""

    @keyword_only
    def __init__(self, *, inputCol: str = "text") -> None:
        super().__init__()
        self._set(**self._input_kwargs)

    def _transform(self, dataset: DataFrame) -> DataFrame:
        @F.pandas_udf(_VADER_STRUCT)
        def polarity(batches: Iterator[pd.Series]) -> Iterator[pd.DataFrame]:
            for texts in batches:
                yield vader_polarity(texts)

        return (dataset.withColumn("_vader", polarity(F.col(self.getInputCol())))
                .select("*", *[F.col(f"_vader.{name}").alias(name) for name in VADER_COLUMNS]).drop("_vader"))


class CompoundToLabel(Transformer, DefaultParamsReadable, DefaultParamsWritable):
    """VADER's published rule: compound >= t positive, <= -t negative, else neutral."""

    threshold = Param(Params._dummy(), "threshold", "neutral band half-width", TypeConverters.toFloat)

    @keyword_only
    def __init__(self, *, threshold: float = 0.05) -> None:
        super().__init__()
        self._setDefault(threshold=0.05)
        self._set(**self._input_kwargs)

    def _transform(self, dataset: DataFrame) -> DataFrame:
        t = self.getOrDefault(self.threshold)
        compound = F.col("vader_compound")
        label = F.when(compound >= t, "positive").when(compound <= -t, "negative").otherwise("neutral")
        return dataset.withColumn(SENTIMENT_LABEL, label).withColumn(SENTIMENT_SCORE, compound)


class ProbabilityToLabel(Transformer, DefaultParamsReadable, DefaultParamsWritable):
    """Learned models: label from the argmax class, score P(positive) - P(negative); drops the
    intermediate feature columns so every candidate adds the same two columns."""

    dropCols = Param(Params._dummy(), "dropCols", "intermediate columns to drop", TypeConverters.toListString)

    @keyword_only
    def __init__(self, *, dropCols: list[str] | None = None) -> None:
        super().__init__()
        self._setDefault(dropCols=[])
        self._set(**self._input_kwargs)

    def _transform(self, dataset: DataFrame) -> DataFrame:
        probability = vector_to_array(F.col("probability"))
        labels = F.array(*[F.lit(name) for name in LABELS])
        return (dataset
                .withColumn(SENTIMENT_LABEL, labels[F.col("prediction").cast("int")])
                .withColumn(SENTIMENT_SCORE, probability[2] - probability[0])
                .drop(*self.getOrDefault(self.dropCols), "rawPrediction", "probability", "prediction"))


def vader_model(spark: SparkSession, *, text_col: str = "text", threshold: float = 0.05) -> PipelineModel:
    """The lexicon baseline as a (fitted, parameter-free) PipelineModel."""
    return Pipeline(stages=[VaderFeatures(inputCol=text_col), CompoundToLabel(threshold=threshold),
                            _DropColumns(cols=list(VADER_COLUMNS))]).fit(
        spark.createDataFrame([("",)], f"{text_col} string"))


class _DropColumns(Transformer, DefaultParamsReadable, DefaultParamsWritable):
    cols = Param(Params._dummy(), "cols", "columns to drop", TypeConverters.toListString)

    @keyword_only
    def __init__(self, *, cols: list[str] | None = None) -> None:
        super().__init__()
        self._setDefault(cols=[])
        self._set(**self._input_kwargs)

    def _transform(self, dataset: DataFrame) -> DataFrame:
        return dataset.drop(*self.getOrDefault(self.cols))


def learned_pipeline(*, with_vader: bool, params: SentimentConfig = SentimentConfig(), text_col: str = "text",
                     label_col: str = "label", weight_col: str = "weight") -> Pipeline:
    """Word uni- and bigram TF-IDF (+ VADER's four scores when `with_vader`) -> multinomial
    logistic regression. Fit on rows with `label` (class id, LABELS order) and `weight`."""
    tokens = RegexTokenizer(inputCol=text_col, outputCol="_tokens", pattern=TOKEN_PATTERN, gaps=False,
                            toLowercase=True, minTokenLength=1)
    bigrams = NGram(n=2, inputCol="_tokens", outputCol="_bigrams")
    tf1 = HashingTF(inputCol="_tokens", outputCol="_tf1", numFeatures=params.num_features)
    tf2 = HashingTF(inputCol="_bigrams", outputCol="_tf2", numFeatures=params.num_features)
    idf1 = IDF(inputCol="_tf1", outputCol="_idf1", minDocFreq=2)
    idf2 = IDF(inputCol="_tf2", outputCol="_idf2", minDocFreq=2)
    stages: list = [tokens, bigrams, tf1, tf2, idf1, idf2]
    inputs = ["_idf1", "_idf2"]
    intermediate = ["_tokens", "_bigrams", "_tf1", "_tf2", "_idf1", "_idf2", "_features"]
    if with_vader:
        stages.insert(0, VaderFeatures(inputCol=text_col))
        stages.append(_ScaleColumns(cols=list(VADER_COLUMNS), factor=params.vader_weight))
        inputs += [f"_scaled_{c}" for c in VADER_COLUMNS]
        intermediate += list(VADER_COLUMNS) + [f"_scaled_{c}" for c in VADER_COLUMNS]
    stages.append(VectorAssembler(inputCols=inputs, outputCol="_features"))
    stages.append(LogisticRegression(featuresCol="_features", labelCol=label_col, weightCol=weight_col,
                                     family="multinomial", regParam=params.reg_param, elasticNetParam=0.0,
                                     standardization=False,  # sparse TF-IDF: scaling would inflate rare n-grams
                                     maxIter=params.max_iter))
    stages.append(ProbabilityToLabel(dropCols=intermediate))
    return Pipeline(stages=stages)


class _ScaleColumns(Transformer, DefaultParamsReadable, DefaultParamsWritable):
    cols = Param(Params._dummy(), "cols", "columns to scale", TypeConverters.toListString)
    factor = Param(Params._dummy(), "factor", "multiplier", TypeConverters.toFloat)

    @keyword_only
    def __init__(self, *, cols: list[str] | None = None, factor: float = 1.0) -> None:
        super().__init__()
        self._setDefault(cols=[], factor=1.0)
        self._set(**self._input_kwargs)

    def _transform(self, dataset: DataFrame) -> DataFrame:
        factor = self.getOrDefault(self.factor)
        return dataset.select("*", *[(F.col(c) * factor).alias(f"_scaled_{c}") for c in self.getOrDefault(self.cols)])


# --- labelled data -------------------------------------------------------------------------

@dataclass(frozen=True)
class LabelledSets:
    """tweeteval: text, label (0 neg, 1 neu, 2 pos). vader: text, rating (mean human rating, -4..4)."""

    tweeteval: pd.DataFrame
    vader: pd.DataFrame


def load_labelled(data_dir: str | Path | None = None) -> LabelledSets:
    """TweetEval validation and VADER's rated tweets: from `data_dir` laid out like
    ../shared/data/sentiment (tweeteval-val/, vader-tweets/), or the copies shipped in the
    package (resources/sentiment, with their attribution)."""
    if data_dir is None:
        base = resources.files("socialake.analytics") / "resources" / "sentiment"
        te_text, te_labels = base / "tweeteval_val_text.txt", base / "tweeteval_val_labels.txt"
        vader_file = base / "vader_tweets_ground_truth.txt"
    else:
        root = Path(data_dir)
        te_text, te_labels = root / "tweeteval-val" / "val_text.txt", root / "tweeteval-val" / "val_labels.txt"
        vader_file = root / "vader-tweets" / "tweets_GroundTruth.txt"
        for path in (te_text, te_labels, vader_file):
            if not path.is_file():
                raise FileNotFoundError(f"{path} is missing: pass the folder holding tweeteval-val/ and vader-tweets/")
    texts = te_text.read_text(encoding="utf-8").split("\n")
    labels = te_labels.read_text(encoding="utf-8").split()
    texts = texts[: len(labels)]
    tweeteval = pd.DataFrame({"text": texts, "label": [int(x) for x in labels]})
    rows = []
    for line in vader_file.read_bytes().decode("utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            rows.append((parts[2], float(parts[1])))
    vader = pd.DataFrame(rows, columns=["text", "rating"])
    return LabelledSets(tweeteval=tweeteval, vader=vader)


def rating_to_label(rating: float, *, neutral_band: float) -> int:
    """VADER tweets' mean human rating -> class id (|rating| < band is neutral)."""
    return 2 if rating >= neutral_band else 0 if rating <= -neutral_band else 1


@dataclass(frozen=True)
class Splits:
    train: pd.DataFrame        # text, label, weight
    test: pd.DataFrame         # TweetEval held out: text, label
    vader_test: pd.DataFrame   # VADER tweets held out: text, rating


def split_labelled(sets: LabelledSets, *, seed: int, test_fraction: float, neutral_band: float = 0.5) -> Splits:
    """Train on part of TweetEval plus part of VADER's tweets; hold out the rest of each (seeded,
    stratified by class). Class weights make the three classes count equally in training."""
    te_test = sets.tweeteval.groupby("label", group_keys=False).sample(frac=test_fraction, random_state=seed)
    te_train = sets.tweeteval.drop(te_test.index)
    vader_test = sets.vader.sample(frac=test_fraction, random_state=seed)
    vader_train = sets.vader.drop(vader_test.index)
    train = pd.concat([
        te_train[["text", "label"]],
        pd.DataFrame({"text": vader_train["text"],
                      "label": [rating_to_label(r, neutral_band=neutral_band) for r in vader_train["rating"]]}),
    ], ignore_index=True)
    counts = train["label"].value_counts()
    train["weight"] = train["label"].map(lambda c: len(train) / (len(counts) * counts[c])).astype(float)
    return Splits(train=train, test=te_test.reset_index(drop=True), vader_test=vader_test.reset_index(drop=True))


def macro_recall(truth: pd.Series, predicted: pd.Series) -> float:
    """Mean over the classes present in `truth` of the share of each class predicted right
    (SemEval-2017 Task 4A's official metric)."""
    recalls = [(predicted[truth == c] == c).mean() for c in sorted(truth.unique())]
    return float(sum(recalls) / len(recalls))


def evaluate_model(model: PipelineModel, spark: SparkSession, splits: Splits) -> dict[str, float]:
    """macro recall and accuracy on the TweetEval hold-out; Pearson correlation of the score with
    the human ratings of the held-out VADER tweets."""
    scored = model.transform(spark.createDataFrame(splits.test[["text", "label"]])).select(
        "label", SENTIMENT_LABEL).toPandas()
    predicted = scored[SENTIMENT_LABEL].map({name: i for i, name in enumerate(LABELS)})
    rated = model.transform(spark.createDataFrame(splits.vader_test[["text", "rating"]])).select(
        "rating", SENTIMENT_SCORE).toPandas()
    return {
        "macro_recall": macro_recall(scored["label"], predicted),
        "accuracy": float((predicted == scored["label"]).mean()),
        "vader_tweets_pearson": float(rated["rating"].corr(rated[SENTIMENT_SCORE])),
        "test_rows": float(len(scored)),
    }


def score_posts(model: PipelineModel, posts: DataFrame) -> DataFrame:
    """Adds sentiment_label and sentiment_score to `posts` (its `text` column; null text is
    scored as empty, i.e. neutral)."""
    return model.transform(posts.withColumn("text", F.coalesce(F.col("text"), F.lit(""))))


@dataclass(frozen=True)
class Candidate:
    name: str
    model: PipelineModel
    metrics: dict[str, float]


def train_candidates(spark: SparkSession, splits: Splits, *, params: SentimentConfig = SentimentConfig(),
                     vader_threshold: float = 0.05) -> list[Candidate]:
    """Fit and evaluate every candidate on the same splits: the VADER baseline, TF-IDF logistic
    regression, and TF-IDF + VADER features logistic regression."""
    train = spark.createDataFrame(splits.train[["text", "label", "weight"]]).cache()
    try:
        models = {
            "vader": vader_model(spark, threshold=vader_threshold),
            "tfidf-logreg": learned_pipeline(with_vader=False, params=params).fit(train),
            "vader-tfidf-logreg": learned_pipeline(with_vader=True, params=params).fit(train),
        }
    finally:
        train.unpersist()
    return [Candidate(name, model, evaluate_model(model, spark, splits)) for name, model in models.items()]


def choose(candidates: list[Candidate]) -> Candidate:
    """The production model: highest macro recall on the hold-out (ties: the first listed)."""
    return max(candidates, key=lambda c: c.metrics["macro_recall"])
