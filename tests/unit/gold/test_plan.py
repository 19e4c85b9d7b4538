"""The gold runner's plan: every product after the ones whose tables it reads, `--only` adds
what a product depends on, unknown or switched-off products are refused."""

from __future__ import annotations

import pytest

from socialake import catalog
from socialake.config import load_config
from socialake.gold.product import Output, Product
from socialake.gold.runner import PRODUCTS, PlanError, plan


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return load_config("test", environ={}, overrides={"lake": {"root": str(tmp_path_factory.mktemp("lake"))}})


def _names(products) -> list[str]:
    return [p.name for p in products]


def test_each_product_runs_after_the_products_it_reads_from(cfg):
    order = _names(plan(cfg))
    assert sorted(order) == sorted(["sentiment", "topics", "embeddings", "coordination", "graph", "star", "trends"])
    for before, after in [("sentiment", "graph"), ("graph", "star"), ("topics", "star"), ("sentiment", "trends"),
                          ("topics", "trends")]:
        assert order.index(before) < order.index(after), (before, after)


def test_only_adds_what_a_product_depends_on(cfg):
    assert _names(plan(cfg, ["trends"])) == ["sentiment", "topics", "trends"]
    assert _names(plan(cfg, ["coordination"])) == ["coordination"]
    assert set(_names(plan(cfg, ["star"]))) == {"sentiment", "topics", "graph", "star"}


def test_unknown_and_switched_off_products_are_refused(cfg):
    with pytest.raises(PlanError, match="no such gold product; choose from sentiment"):
        plan(cfg, ["sentimnet"])
    off = cfg.model_copy(update={"gold": cfg.gold.model_copy(update={
        "embeddings": cfg.gold.embeddings.model_copy(update={"enabled": False})})})
    assert "embeddings" not in _names(plan(off))
    with pytest.raises(PlanError, match="switched off"):
        plan(off, ["embeddings"])


def test_declared_order_does_not_matter(cfg):
    def noop(_):
        return Output({})

    a = Product("a", ("silver.posts",), ("gold.post_sentiment",), noop)
    b = Product("b", ("gold.post_sentiment",), ("gold.post_topics",), noop)
    c = Product("c", ("gold.post_topics", "gold.post_sentiment"), ("gold.fact_posts",), noop)
    assert _names(plan(cfg, products=[c, b, a])) == ["a", "b", "c"]
    assert _names(plan(cfg, ["c"], products=[c, b, a])) == ["a", "b", "c"]


def test_every_gold_table_is_written_by_exactly_one_product():
    outputs = [t for p in PRODUCTS for t in p.outputs]
    assert sorted(outputs) == sorted(t.name for t in catalog.tables("gold"))
    for product in PRODUCTS:
        assert all(t in catalog.TABLES for t in product.inputs), product.name
