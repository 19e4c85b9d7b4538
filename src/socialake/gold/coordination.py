"""gold.coordination: groups of accounts acting together (near-duplicates, shared URLs, bursts)."""

from __future__ import annotations

from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.analytics import coordination
from socialake.gold.enrich import with_engagement
from socialake.gold.product import Inputs, Output, Product


def find_groups(inputs: Inputs) -> Output:
    signals = coordination.coordination_signals(with_engagement(inputs[S.SILVER_POSTS]),
                                                params=inputs.cfg.gold.coordination)
    groups = signals.withColumn("coordination_id", F.substring(
        F.sha2(F.concat_ws("|", coordination.SIGNAL, coordination.GROUP), 256), 1, 16)).localCheckpoint()
    return Output({S.GOLD_COORDINATION: groups}, metrics={"coordination_groups": groups.count()})


PRODUCT = Product(
    name="coordination", inputs=(S.SILVER_POSTS,), outputs=(S.GOLD_COORDINATION,), compute=find_groups,
    config=lambda cfg: cfg.gold.coordination,
    description="coordinated groups with a score and evidence posts")
