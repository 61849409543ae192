"""Node positions for the HTML page, computed in Python so a large page opens laid out.

In the browser, vis.js physics needs minutes to settle ~1,500 nodes, and networkx's
``spring_layout`` takes ~12 s on 2,000 (its large-graph path loops in Python). Here the graph
is split into communities (Louvain), each community is laid out by a vectorised
Fruchterman–Reingold force layout in a disc sized to its node count, and the discs are placed
by the same force layout over the community graph, then pushed apart until none overlap;
nodes without links go in a grid below. The result is fast (communities are small), deterministic (fixed seeds, sorted input) and shows
clusters visibly apart.

>>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
>>> positions = cluster_layout(g)
>>> sorted(positions), len(positions["a"])
(['a', 'b', 'c', 'x', 'y'], 2)
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from scipy import sparse

from kg.schema import WEIGHT

SEED = 7
NODE_SPACING = 40.0
"""Roughly the distance between neighbouring nodes, in vis.js pixels."""
CLUSTER_GAP = 2.0 * NODE_SPACING
CLUSTER_MARGIN = 0.3
"""Space kept between two communities: this share of their radii, plus CLUSTER_GAP."""


def force_layout(adjacency: sparse.spmatrix, iterations: int = 60, seed: int = SEED,
                 block_rows: int = 512) -> np.ndarray:
    """Fruchterman–Reingold positions (n×2, in a unit-ish box) for a weighted adjacency matrix.

    Repulsion between every pair and attraction along edges, with a linearly cooling step.
    Rows are processed in blocks so memory stays at ``block_rows × n`` pairs.

    >>> force_layout(sparse.csr_matrix(np.array([[0, 1], [1, 0]]))).shape
    (2, 2)
    """
    n = adjacency.shape[0]
    rng = np.random.default_rng(seed)
    positions = rng.random((n, 2))
    if n < 2:
        return positions
    adjacency = sparse.csr_matrix(adjacency, dtype=float)
    optimal = math.sqrt(1.0 / n)
    step = 0.1
    cooling = step / (iterations + 1)
    for _ in range(iterations):
        displacement = np.empty_like(positions)
        for start in range(0, n, block_rows):
            block = slice(start, min(start + block_rows, n))
            delta = positions[block, None, :] - positions[None, :, :]
            distance = np.maximum(np.linalg.norm(delta, axis=-1), 0.01)
            attraction = adjacency[block].toarray() * distance / optimal
            force = optimal * optimal / distance**2 - attraction
            displacement[block] = np.einsum("ijk,ij->ik", delta, force)
        length = np.maximum(np.linalg.norm(displacement, axis=-1), 0.01)
        positions += displacement * (step / length)[:, None]
        step -= cooling
    return positions


def _unit_disc(positions: np.ndarray) -> np.ndarray:
    """Positions centred on the origin and scaled so that 90% of them fill the unit disc; the
    outliers a force layout leaves are pulled in to its rim (scaling by the farthest would crush
    the rest together, leaving them out would let discs overlap)."""
    centred = positions - positions.mean(axis=0)
    distance = np.linalg.norm(centred, axis=1)
    radius = np.quantile(distance, 0.9)
    if radius <= 0:
        return centred
    return centred / np.maximum(distance, radius)[:, None]


def _separate_discs(centres: np.ndarray, radii: np.ndarray, rounds: int = 200) -> np.ndarray:
    """Move disc centres apart until no two discs (with their margin and gap) overlap."""
    centres = centres.copy()
    for _ in range(rounds):
        delta = centres[:, None, :] - centres[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 1e-9)
        reach = radii[:, None] + radii[None, :]
        overlap = reach * (1 + CLUSTER_MARGIN) + CLUSTER_GAP - distance
        np.fill_diagonal(overlap, 0.0)
        overlap = np.maximum(overlap, 0.0)
        if not overlap.any():
            break
        centres += 0.5 * np.einsum("ijk,ij->ik", delta / distance[..., None], overlap)
    return centres


def _communities(graph: nx.Graph) -> list[list]:
    """Louvain communities, each sorted, largest first (ties by first node): deterministic."""
    found = nx.community.louvain_communities(graph, weight=WEIGHT, seed=SEED)
    return sorted((sorted(c, key=str) for c in found), key=lambda c: (-len(c), str(c[0])))


def _grid(nodes: list, top: float) -> dict:
    """Nodes in rows under ``top``, centred on x = 0: where unlinked nodes go."""
    columns = max(1, math.ceil(math.sqrt(len(nodes))))
    left = -(columns - 1) * NODE_SPACING / 2
    return {node: (round(left + (i % columns) * NODE_SPACING, 1), round(top + (i // columns) * NODE_SPACING, 1))
            for i, node in enumerate(nodes)}


def _community_positions(graph: nx.Graph, communities: list[list]) -> dict:
    """Positions of a graph without isolated nodes, one disc per community."""
    member = {node: index for index, nodes in enumerate(communities) for node in nodes}
    radii = np.array([NODE_SPACING * math.sqrt(len(nodes)) for nodes in communities])
    local = [
        _unit_disc(force_layout(nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=WEIGHT)))
        for nodes in communities
    ]
    between = sparse.lil_matrix((len(communities), len(communities)))
    for u, v in graph.edges:
        if member[u] != member[v]:
            between[member[u], member[v]] += 1
            between[member[v], member[u]] += 1
    spread = 1.5 * math.sqrt((radii**2).sum())
    centres = _separate_discs(_unit_disc(force_layout(between.tocsr())) * spread, radii)
    positions = {}
    for index, nodes in enumerate(communities):
        for node, (x, y) in zip(nodes, local[index] * radii[index] + centres[index]):
            positions[node] = (round(float(x), 1), round(float(y), 1))
    return positions


def cluster_layout(graph: nx.Graph) -> dict:
    """Positions ``{node: (x, y)}`` in vis.js pixels: communities laid out apart, unlinked
    nodes in a grid below them.

    ``graph`` is undirected and simple; an edge's ``weight`` (default 1) pulls its ends together.
    """
    return layout_communities(graph)[0]


def layout_communities(graph: nx.Graph) -> tuple[dict, list[list]]:
    """:func:`cluster_layout`'s positions and the Louvain communities they were laid out by,
    largest first (unlinked nodes belong to none)."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes, key=str))
    simple.add_weighted_edges_from(sorted(((u, v, w) for u, v, w in graph.edges(data=WEIGHT, default=1.0)),
                                          key=lambda e: (str(e[0]), str(e[1]))))
    isolated = [node for node in simple if simple.degree(node) == 0]
    simple.remove_nodes_from(isolated)
    communities = _communities(simple) if simple.number_of_nodes() else []
    positions = _community_positions(simple, communities) if communities else {}
    bottom = max((y for _, y in positions.values()), default=-CLUSTER_GAP)
    positions.update(_grid(isolated, bottom + CLUSTER_GAP))
    return positions, communities
