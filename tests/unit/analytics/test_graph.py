"""Communities and influence on graphs whose answer is known."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pandas as pd
import pytest

from socialake.analytics import graph


def two_cliques() -> pd.DataFrame:
    """Two 5-cliques (a*, b*) joined by one edge a0 -> b0; every pair interacts once."""
    edges = [(f"{g}{i}", f"{g}{j}", 1) for g in "ab" for i, j in itertools.permutations(range(5), 2)]
    return pd.DataFrame(edges + [("a0", "b0", 1)], columns=["src", "dst", "weight"])


def clique_ring(cliques: int = 30, size: int = 5) -> pd.DataFrame:
    """`cliques` 5-cliques in a ring, each joined to the next by one edge: the textbook case where
    modularity at resolution 1 merges neighbouring cliques (the resolution limit)."""
    edges = [(f"q{c}_{i}", f"q{c}_{j}", 1) for c in range(cliques) for i, j in itertools.combinations(range(size), 2)]
    return pd.DataFrame(edges + [(f"q{c}_0", f"q{(c + 1) % cliques}_1", 1) for c in range(cliques)],
                        columns=["src", "dst", "weight"])


def two_camps(half: int = 60, p_in: float = 0.3, p_out: float = 0.01, seed: int = 7) -> pd.DataFrame:
    """Two dense random halves (n0..n59, n60..n119) with few edges between: two camps."""
    rng = random.Random(seed)
    edges = [(f"n{a}", f"n{b}", 1) for a in range(2 * half) for b in range(a + 1, 2 * half)
             if rng.random() < (p_in if (a < half) == (b < half) else p_out)]
    return pd.DataFrame(edges, columns=["src", "dst", "weight"])


def groups_of(result: graph.GraphResult) -> set[frozenset[str]]:
    communities = result.communities
    return {frozenset(members) for _, members in communities.groupby(graph.COMMUNITY)[graph.NODE]}


def weighted_undirected(pairs: pd.DataFrame) -> nx.Graph:
    """Undirected graph whose edge weights sum both directions (clique pairs 2, the bridge 1)."""
    und = nx.Graph()
    for s, d, w in pairs.itertuples(index=False):
        previous = und.get_edge_data(s, d, {"weight": 0})["weight"]
        und.add_edge(s, d, weight=previous + w)
    return und


def test_leiden_finds_the_two_cliques_and_pagerank_sums_to_one():
    result = graph.communities_on_driver(two_cliques(), method="leiden", resolution=1.0, seed=1)
    by_node = dict(zip(result.communities.author_pseudonym, result.communities.community_id))
    assert len({by_node[f"a{i}"] for i in range(5)}) == 1 and len({by_node[f"b{i}"] for i in range(5)}) == 1
    assert by_node["a0"] != by_node["b0"]
    assert result.pagerank.pagerank.sum() == pytest.approx(1.0)
    und = weighted_undirected(two_cliques())  # modularity computed independently with networkx
    expected = nx.community.modularity(und, [{f"a{i}" for i in range(5)}, {f"b{i}" for i in range(5)}])
    assert result.modularity == pytest.approx(expected, abs=1e-9)


def test_default_method_keeps_each_small_clique_of_a_ring_apart():
    result = graph.communities_on_driver(clique_ring(), seed=1)
    assert groups_of(result) == {frozenset(f"q{c}_{i}" for i in range(5)) for c in range(30)}
    assert result.method == "leiden-fitted" and result.resolution > 1
    # modularity at resolution 1 merges neighbouring cliques: what the fitted resolution avoids
    merged = graph.communities_on_driver(clique_ring(), method="leiden", resolution=1.0, seed=1)
    assert len(groups_of(merged)) < 30


def test_default_method_finds_two_camps_where_a_high_fixed_resolution_shatters_them():
    camps = {frozenset(f"n{i}" for i in range(60)), frozenset(f"n{i}" for i in range(60, 120))}
    assert groups_of(graph.communities_on_driver(two_camps(), seed=1)) == camps
    assert len(groups_of(graph.communities_on_driver(two_camps(), method="leiden", resolution=10.0, seed=1))) > 10


@pytest.mark.parametrize("method", ["leiden-fitted", "infomap", "label-propagation", "leiden-cpm-density"])
def test_every_method_finds_two_cliques_and_isolated_authors_stay_alone(method):
    result = graph.communities_on_driver(two_cliques(), method=method, seed=1, authors=["z"])
    assert groups_of(result) == {frozenset(f"a{i}" for i in range(5)), frozenset(f"b{i}" for i in range(5)),
                                 frozenset({"z"})}


@pytest.mark.parametrize(("method", "resolution"),
                         [("leiden-fitted", None), ("infomap", None), ("label-propagation", None), ("leiden", 10.0),
                          ("louvain", 1.0)])
def test_same_seed_same_communities(method, resolution):
    def run(seed: int) -> pd.DataFrame:
        return graph.communities_on_driver(clique_ring(12, 4).sample(frac=1, random_state=0), method=method,
                                           resolution=resolution, seed=seed).communities

    pd.testing.assert_frame_equal(run(5), run(5))


def test_resolution_is_required_exactly_where_the_method_uses_it():
    with pytest.raises(ValueError, match="method leiden needs resolution"):
        graph.communities_on_driver(two_cliques(), method="leiden", seed=1)
    with pytest.raises(ValueError, match="method infomap takes no resolution"):
        graph.communities_on_driver(two_cliques(), method="infomap", resolution=1.0, seed=1)


def test_no_interactions_gives_no_communities():
    result = graph.communities_on_driver(pd.DataFrame({"src": [], "dst": [], "weight": []}), seed=1)
    assert result.communities.empty and result.modularity == 0.0


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
