"""gold.post_sentiment: the production sentiment model applied to every silver post."""

from __future__ import annotations

from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.analytics import sentiment
from socialake.gold.product import Inputs, Output, Product


def score(inputs: Inputs) -> Output:
    chosen = inputs.models["sentiment"]
    scored = sentiment.score_posts(chosen.model, inputs[S.SILVER_POSTS].select(S.POST_KEY, S.TEXT)).select(
        S.POST_KEY, sentiment.SENTIMENT_LABEL, sentiment.SENTIMENT_SCORE, F.lit(chosen.label).alias("sentiment_model"))
    return Output({S.GOLD_POST_SENTIMENT: scored}, params={"sentiment_model": chosen.label},
                  metrics={f"sentiment_{k}": v for k, v in chosen.metrics.items()})


PRODUCT = Product(
    name="sentiment", inputs=(S.SILVER_POSTS,), outputs=(S.GOLD_POST_SENTIMENT,), compute=score,
    models=("sentiment",), config=lambda cfg: cfg.gold.sentiment,
    description="sentiment label and score per post (the registered production model)",
    per_post=(S.GOLD_POST_SENTIMENT,))
