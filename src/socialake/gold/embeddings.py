"""gold.post_embeddings: a sentence vector per post from a model shipped in a wheel."""

from __future__ import annotations

from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.analytics import embeddings
from socialake.gold.product import Inputs, Output, Product


def embed(inputs: Inputs) -> Output:
    chosen = embeddings.MODELS[inputs.cfg.gold.embeddings.model]
    vectors = embeddings.embed_posts(inputs[S.SILVER_POSTS].select(S.POST_KEY, S.TEXT), model=chosen).select(
        S.POST_KEY, embeddings.EMBEDDING, F.lit(chosen.name).alias("embedding_model"),
        F.lit(chosen.dimension).alias("embedding_dim"))
    return Output({S.GOLD_POST_EMBEDDINGS: vectors},
                  params={"embedding_model": chosen.name, "embedding_dim": chosen.dimension,
                          "embedding_package": chosen.package})


PRODUCT = Product(
    name="embeddings", inputs=(S.SILVER_POSTS,), outputs=(S.GOLD_POST_EMBEDDINGS,), compute=embed,
    config=lambda cfg: cfg.gold.embeddings, enabled=lambda cfg: cfg.gold.embeddings.enabled,
    description="one embedding vector per post (`socialake similar`)", per_post=(S.GOLD_POST_EMBEDDINGS,))
