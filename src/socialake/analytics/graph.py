"""The author interaction graph: communities, influence (PageRank), GEXF export.

Engines, chosen per run by size and by what is on the classpath:
- driver (igraph): communities by gold.graph.method, by default Leiden on modularity with the
  resolution fitted to each graph (`partition`; a fixed resolution suits either many small groups
  or a few large camps, not both: docs/measurements/communities.md), PageRank on the directed
  weighted graph. Used while the graph has at most `driver_max_edges` weighted
  author pairs.
- spark: label propagation and PageRank as DataFrame iterations, for graphs beyond that; or
  GraphFrames' implementations when its jar is on the classpath.
Both return the same two frames: (author_pseudonym, community_id) and (author_pseudonym, pagerank).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.window import Window

from socialake.config import COMMUNITY_METHODS, RESOLUTION_METHODS

NODE = "author_pseudonym"
COMMUNITY = "community_id"
PAGERANK = "pagerank"


def weighted_pairs(edges: DataFrame, *, src: str = "src", dst: str = "dst", min_weight: int = 1) -> DataFrame:
    """Directed author pairs with the number of interactions: (src, dst, weight)."""
    return (edges.groupBy(src, dst).agg(F.count(F.lit(1)).alias("weight"))
            .where(F.col("weight") >= min_weight)
            .select(F.col(src).alias("src"), F.col(dst).alias("dst"), "weight"))


@dataclass(frozen=True)
class GraphResult:
    communities: pd.DataFrame | DataFrame   # author_pseudonym, community_id
    pagerank: pd.DataFrame | DataFrame      # author_pseudonym, pagerank
    modularity: float
    engine: str
    nodes: int
    edges: int
    method: str = "label-propagation"   # the community method that ran
    resolution: float | None = None     # the resolution it used (fitted or given), None without one


def communities_on_driver(pairs: pd.DataFrame, *, seed: int, method: str = "leiden-fitted",
                          resolution: float | None = None, authors: list[str] | None = None) -> GraphResult:
    """Communities of the undirected graph (weights summed over both directions) and PageRank
    (directed, weighted) with igraph. Authors without interactions get their own community.
    `method` is one of COMMUNITY_METHODS (see `partition`); `resolution` is required by the
    RESOLUTION_METHODS and refused by the others. The same seed gives the same partition."""
    if (resolution is None) == (method in RESOLUTION_METHODS):
        raise ValueError(f"method {method} {'needs' if resolution is None else 'takes no'} resolution")
    names, directed, undirected = author_graphs(pairs, authors=authors)
    membership, used = partition(undirected, method=method, resolution=resolution, seed=seed)
    modularity = undirected.modularity(membership, weights="weight") if undirected.ecount() else 0.0
    ranks = directed.pagerank(weights="weight", directed=True) if names else []
    # Community ids ordered by size (c0000 is the largest) so they read well in BI tools.
    sizes = pd.Series(membership, dtype="int64").value_counts()
    order = {c: i for i, c in enumerate(sorted(sizes.index, key=lambda c: (-sizes[c], c)))}
    return GraphResult(
        communities=pd.DataFrame({NODE: names, COMMUNITY: [f"c{order[m]:04d}" for m in membership]}),
        pagerank=pd.DataFrame({NODE: names, PAGERANK: ranks}),
        modularity=float(modularity),
        engine="igraph",
        nodes=len(names),
        edges=undirected.ecount(),
        method=method,
        resolution=used,
    )


def author_graphs(pairs: pd.DataFrame, *, authors: list[str] | None = None):
    """(sorted node names, directed weighted igraph graph, undirected graph with the weights of
    both directions summed) of (src, dst, weight) pairs plus any extra `authors` as isolated nodes."""
    import igraph as ig

    names = sorted(set(pairs["src"]).union(pairs["dst"]).union(authors or []))
    index = {name: i for i, name in enumerate(names)}
    directed = ig.Graph(n=len(names), edges=list(zip(pairs["src"].map(index), pairs["dst"].map(index))),
                        directed=True, edge_attrs={"weight": pairs["weight"].astype(float).tolist()})
    return names, directed, directed.as_undirected(mode="collapse", combine_edges="sum")


def partition(undirected, *, method: str, resolution: float | None, seed: int,
              max_rounds: int = 20) -> tuple[list[int], float | None]:
    """A membership list for the undirected weighted igraph graph, and the resolution used
    (None for methods without one). Methods:
    - leiden-fitted: Leiden on modularity with the resolution fitted to the graph (Newman 2016,
      "Equivalence between modularity optimization and maximum likelihood methods for community
      detection"): start at 1, then repeatedly set the resolution to the one at which modularity
      is the likelihood of the planted-partition model that the current partition fits best,
      (w_in - w_out) / (ln w_in - ln w_out), until it settles. Many small groups drive it up,
      two large camps keep it near 1 (docs/measurements/communities.md).
    - leiden / louvain: modularity at the given resolution.
    - leiden-cpm-density: Leiden on the Constant Potts Model with resolution = edge density.
    - infomap (best of 3 trials), label-propagation: igraph's implementations (no resolution)."""
    import igraph as ig

    ig.set_random_number_generator(_seeded_random(seed))
    if undirected.vcount() == 0:
        return [], resolution
    if method == "leiden":
        return _leiden(undirected, resolution), resolution
    if method == "louvain":
        return undirected.community_multilevel(weights="weight", resolution=resolution).membership, resolution
    if method == "infomap":
        return undirected.community_infomap(edge_weights="weight", trials=3).membership, None
    if method == "label-propagation":
        return undirected.community_label_propagation(weights="weight").membership, None
    if method == "leiden-cpm-density":
        n = undirected.vcount()
        density = sum(undirected.es["weight"]) / (n * (n - 1) / 2) if n > 1 else 1.0
        return undirected.community_leiden(objective_function="CPM", weights="weight", resolution=density,
                                           n_iterations=-1).membership, density
    if method == "leiden-fitted":
        return _leiden_fitted(undirected, max_rounds=max_rounds)
    raise ValueError(f"unknown community method {method}: use one of {', '.join(COMMUNITY_METHODS)}")


def _leiden(undirected, resolution: float) -> list[int]:
    return undirected.community_leiden(objective_function="modularity", weights="weight", resolution=resolution,
                                       n_iterations=-1).membership


def _leiden_fitted(undirected, *, max_rounds: int) -> tuple[list[int], float]:
    import math

    import numpy as np

    weights = np.asarray(undirected.es["weight"], dtype=float)
    two_m = 2 * weights.sum()
    gamma = 1.0
    membership = _leiden(undirected, gamma)
    if two_m == 0:
        return membership, gamma
    ends = np.asarray(undirected.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    strength = np.asarray(undirected.strength(weights="weight"), dtype=float)
    for _ in range(max_rounds):
        groups = np.asarray(membership)
        inside = weights[groups[ends[:, 0]] == groups[ends[:, 1]]].sum()  # m_in
        expected = (np.bincount(groups, weights=strength) ** 2).sum() / two_m  # sum_r kappa_r^2 / 2m
        if expected <= 0 or expected >= two_m or inside <= 0:
            break
        w_in, w_out = 2 * inside / expected, (two_m - 2 * inside) / (two_m - expected)
        if w_out <= 0 or w_in <= w_out:
            break
        fitted = (w_in - w_out) / (math.log(w_in) - math.log(w_out))
        if abs(fitted - gamma) < 0.01 * gamma:
            break
        gamma = float(fitted)
        membership = _leiden(undirected, gamma)
    return membership, gamma


def _seeded_random(seed: int):
    import random

    return random.Random(seed)


def communities_on_spark(spark: SparkSession, pairs: DataFrame, *, iterations: int, pagerank_iterations: int,
                         use_graphframes: bool) -> GraphResult:
    """Label propagation and PageRank for graphs too big for the driver."""
    vertices = pairs.select(F.col("src").alias("id")).union(pairs.select(F.col("dst").alias("id"))).distinct()
    if use_graphframes:
        from graphframes import GraphFrame

        graph = GraphFrame(vertices, pairs)
        labels = graph.labelPropagation(maxIter=iterations).select(F.col("id").alias(NODE),
                                                                   F.col("label").cast("string").alias("_label"))
        ranks = graph.pageRank(resetProbability=0.15, maxIter=pagerank_iterations).vertices.select(
            F.col("id").alias(NODE), F.col("pagerank").alias(PAGERANK))
        engine = "graphframes"
    else:
        labels = label_propagation(pairs, vertices, iterations=iterations)
        ranks = pagerank(pairs, vertices, iterations=pagerank_iterations)
        engine = "spark"
    sizes = labels.groupBy("_label").count()
    ordered = sizes.select("_label", F.row_number().over(
        Window.orderBy(F.desc("count"), "_label")).alias("_rank"))
    communities = labels.join(ordered, "_label").select(
        NODE, F.format_string("c%04d", F.col("_rank") - 1).alias(COMMUNITY))
    return GraphResult(communities=communities, pagerank=ranks,
                       modularity=modularity(pairs, communities), engine=engine,
                       nodes=vertices.count(), edges=pairs.count())


def label_propagation(pairs: DataFrame, vertices: DataFrame, *, iterations: int) -> DataFrame:
    """Synchronous label propagation on the undirected weighted graph: each node takes the label
    with the highest total edge weight among its neighbours (ties: the smallest label)."""
    both = pairs.select("src", "dst", "weight").union(pairs.select(F.col("dst").alias("src"),
                                                                   F.col("src").alias("dst"), "weight"))
    labels = vertices.select(F.col("id").alias(NODE), F.col("id").alias("_label"))
    for _ in range(iterations):
        votes = (both.join(labels.withColumnRenamed(NODE, "dst"), "dst")
                 .groupBy("src", "_label").agg(F.sum("weight").alias("_votes")))
        best = Window.partitionBy("src").orderBy(F.desc("_votes"), "_label")
        chosen = votes.withColumn("_r", F.row_number().over(best)).where("_r = 1").select(
            F.col("src").alias(NODE), "_label")
        labels = labels.select(NODE).join(chosen, NODE, "left").select(
            NODE, F.coalesce("_label", F.col(NODE)).alias("_label")).localCheckpoint()
    return labels


def pagerank(pairs: DataFrame, vertices: DataFrame, *, iterations: int, damping: float = 0.85) -> DataFrame:
    """Weighted PageRank by power iteration (dangling mass spread evenly), sums to 1."""
    n = vertices.count()
    out_weight = pairs.groupBy("src").agg(F.sum("weight").alias("_out"))
    transitions = pairs.join(out_weight, "src").select("src", "dst", (F.col("weight") / F.col("_out")).alias("_p"))
    ranks = vertices.select(F.col("id").alias(NODE), F.lit(1.0 / n).alias(PAGERANK))
    for _ in range(iterations):
        dangling = ranks.join(out_weight.withColumnRenamed("src", NODE), NODE, "left_anti").agg(
            F.sum(PAGERANK)).collect()[0][0] or 0.0
        flow = (transitions.join(ranks.withColumnRenamed(NODE, "src"), "src")
                .groupBy(F.col("dst").alias(NODE)).agg(F.sum(F.col("_p") * F.col(PAGERANK)).alias("_in")))
        ranks = ranks.select(NODE).join(flow, NODE, "left").select(
            NODE, ((1 - damping) / n + damping * (F.coalesce("_in", F.lit(0.0)) + dangling / n)).alias(PAGERANK)
        ).localCheckpoint()
    return ranks


def modularity(pairs: DataFrame, communities: DataFrame) -> float:
    """Newman modularity of a partition of the undirected weighted graph (Spark)."""
    und = pairs.select(F.least("src", "dst").alias("a"), F.greatest("src", "dst").alias("b"), "weight") \
        .where(F.col("a") != F.col("b")).groupBy("a", "b").agg(F.sum("weight").alias("w"))
    m = und.agg(F.sum("w")).collect()[0][0] or 0.0
    if m == 0:
        return 0.0
    c = communities.select(F.col(NODE).alias("_n"), F.col(COMMUNITY).alias("_c"))
    tagged = und.join(c.withColumnRenamed("_n", "a").withColumnRenamed("_c", "ca"), "a") \
        .join(c.withColumnRenamed("_n", "b").withColumnRenamed("_c", "cb"), "b")
    inside = tagged.where(F.col("ca") == F.col("cb")).agg(F.sum("w")).collect()[0][0] or 0.0
    degree = tagged.select(F.col("ca").alias("_c"), "w").union(tagged.select(F.col("cb").alias("_c"), "w")) \
        .groupBy("_c").agg(F.sum("w").alias("d"))
    spread = degree.agg(F.sum(F.pow(F.col("d") / (2 * m), 2))).collect()[0][0] or 0.0
    return float(inside / m - spread)


def gexf_document(nodes: pd.DataFrame, pairs: pd.DataFrame) -> bytes:
    """GEXF 1.2 for Gephi: nodes (author_pseudonym + attribute columns), directed weighted edges
    among them."""
    import networkx as nx

    graph = nx.DiGraph()
    for row in nodes.to_dict("records"):
        name = row.pop(NODE)
        graph.add_node(name, label=name, **{k: (float(v) if isinstance(v, float) else v) for k, v in row.items()})
    keep = set(graph.nodes)
    for src, dst, weight in pairs[["src", "dst", "weight"]].itertuples(index=False):
        if src in keep and dst in keep:
            graph.add_edge(src, dst, weight=float(weight))
    return ("\n".join(nx.generate_gexf(graph)) + "\n").encode("utf-8")
