"""Communities and influence on graphs whose answer is known."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd
import pytest

from socialake.analytics import graph


def two_cliques() -> pd.DataFrame:
    """Two 5-cliques (a*, b*) joined by one edge a0 -> b0; every pair interacts once."""
    edges = [(f"{g}{i}", f"{g}{j}", 1) for g in "ab" for i, j in itertools.permutations(range(5), 2)]
    return pd.DataFrame(edges + [("a0", "b0", 1)], columns=["src", "dst", "weight"])


def weighted_undirected(pairs: pd.DataFrame) -> nx.Graph:
    """Undirected graph whose edge weights sum both directions (clique pairs 2, the bridge 1)."""
    und = nx.Graph()
    for s, d, w in pairs.itertuples(index=False):
        previous = und.get_edge_data(s, d, {"weight": 0})["weight"]
        und.add_edge(s, d, weight=previous + w)
    return und


def test_leiden_finds_the_two_cliques_and_pagerank_sums_to_one():
    result = graph.communities_on_driver(two_cliques(), resolution=1.0, seed=1)
    by_node = dict(zip(result.communities.author_pseudonym, result.communities.community_id))
    assert len({by_node[f"a{i}"] for i in range(5)}) == 1 and len({by_node[f"b{i}"] for i in range(5)}) == 1
    assert by_node["a0"] != by_node["b0"]
    assert result.pagerank.pagerank.sum() == pytest.approx(1.0)
    und = weighted_undirected(two_cliques())  # modularity computed independently with networkx
    expected = nx.community.modularity(und, [{f"a{i}" for i in range(5)}, {f"b{i}" for i in range(5)}])
    assert result.modularity == pytest.approx(expected, abs=1e-9)


def test_spark_engine_agrees_with_the_driver_engine(spark):
    pairs_pd = two_cliques()
    pairs = spark.createDataFrame(pairs_pd)
    result = graph.communities_on_spark(spark, pairs, iterations=10, pagerank_iterations=50, use_graphframes=False)
    communities = {r.author_pseudonym: r.community_id for r in result.communities.collect()}
    assert len(set(communities.values())) == 2
    assert communities["a1"] == communities["a4"] != communities["b2"] == communities["b3"]
    expected = nx.pagerank(nx.DiGraph([(s, d) for s, d, _ in pairs_pd.itertuples(index=False)]), alpha=0.85)
    got = {r.author_pseudonym: r.pagerank for r in result.pagerank.collect()}
    assert got == pytest.approx(expected, abs=1e-4)
    und = weighted_undirected(pairs_pd)
    groups = [{n for n, c in communities.items() if c == label} for label in set(communities.values())]
    assert result.modularity == pytest.approx(nx.community.modularity(und, groups), abs=1e-9)


def test_weighted_pairs_counts_interactions(spark):
    edges = spark.createDataFrame([("a", "b"), ("a", "b"), ("b", "a"), ("c", "a")], "src string, dst string")
    got = sorted(tuple(r) for r in graph.weighted_pairs(edges, min_weight=1).collect())
    assert got == [("a", "b", 2), ("b", "a", 1), ("c", "a", 1)]
    assert [tuple(r) for r in graph.weighted_pairs(edges, min_weight=2).collect()] == [("a", "b", 2)]


def test_gexf_opens_in_networkx_with_attributes(tmp_path):
    nodes = pd.DataFrame({"author_pseudonym": ["a0", "a1", "b0"], "community_id": ["c0000", "c0000", "c0001"],
                          "pagerank": [0.5, 0.3, 0.2]})
    path = tmp_path / "g.gexf"
    path.write_bytes(graph.gexf_document(nodes, two_cliques()))
    loaded = nx.read_gexf(path)
    assert set(loaded.nodes) == {"a0", "a1", "b0"}
    assert set(loaded.edges) == {("a0", "a1"), ("a1", "a0"), ("a0", "b0")}
    assert loaded.nodes["b0"]["community_id"] == "c0001"
