"""The concept map: a page of concepts, linked when papers name them together.

A corpus of tens of thousands of papers is unreadable as papers: the page of its most connected
papers is a hairball of paper-paper links. The concept map draws the corpus's most used
concepts instead, the way VOSviewer draws a term map: two concepts are linked when the same
papers name them, and the link's strength is the *association strength*, how many times more
papers name both than chance predicts,

    strength(a, b) = papers with both × papers / (papers with a × papers with b),

so a pair of common concepts is not linked just for being common. Each concept keeps its
:data:`LINKS_PER_CONCEPT` strongest links among pairs named together in at least
:data:`MIN_TOGETHER` papers (a pair stays when either side keeps it). Communities, layout,
labels and cluster names are the papers page's own (:mod:`.layout`, :mod:`.page`).

The panels need papers: each concept lists its :data:`PAPERS_PER_CONCEPT` most connected papers
with their evidence, and a link lists the listed papers that name both. Those papers are
described in the page's data but not drawn.

>>> g = nx.MultiDiGraph()
>>> for p, concepts in {"1": "ab", "2": "ab", "3": "ac"}.items():
...     g.add_node(f"paper:{p}", kind="Paper", title=p)
...     for c in concepts:
...         g.add_node(f"concept:{c}", kind="Concept", key=c, name=c.upper(), type="task", benchmark=False,
...                    aliases=[], paper_count=sum(c in cs for cs in ("ab", "ab", "ac")))
...         _ = g.add_edge(f"paper:{p}", f"concept:{c}", key="USES")
>>> view = concept_map(g, top=3, min_together=1)
>>> sorted((u, v, round(d["weight"], 2), d["together"]) for u, v, d in view.graph.edges(data=True))
[('concept:a', 'concept:b', 1.0, 2), ('concept:a', 'concept:c', 1.0, 1)]
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx
import numpy as np
from scipy import sparse

from kg.export.html.selection import (
    CONCEPT_MAP,
    Counts,
    Selection,
    keep_concept_types,
    paper_degree,
)
from kg.schema import CO_OCCURS, CONCEPT, KEY, KIND, PAPER, PAPER_COUNT, RELATED_TO, TOGETHER, WEIGHT

CONCEPT_MAP_TOP = 300
"""How many concepts a concept map draws when nobody says: those in most papers."""
LINKS_PER_CONCEPT = 6
MIN_TOGETHER = 2
"""A pair of concepts named together in fewer papers than this is not linked (one shared
paper makes a strong association out of chance)."""
PAPERS_PER_CONCEPT = 8


def _incidence(graph: nx.MultiDiGraph, concepts: list[str]) -> tuple[list[str], sparse.csr_matrix]:
    """The papers naming any of ``concepts`` (sorted), and the 0/1 papers × concepts matrix."""
    column = {node: index for index, node in enumerate(concepts)}
    rows, cols, papers = [], [], []
    for paper in sorted(node for node, kind in graph.nodes(data=KIND) if kind == PAPER.name):
        named = {column[target] for target, by_key in graph.adj[paper].items()
                 if target in column and any(key != RELATED_TO for key in by_key)}
        if named:
            rows.extend([len(papers)] * len(named))
            cols.extend(sorted(named))
            papers.append(paper)
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(papers), len(concepts)))
    return papers, matrix


def _kept_links(pairs: dict[tuple[int, int], tuple[float, int]], links: int) -> list[tuple[int, int]]:
    """The pairs ``(i, j)`` (i < j; value: strength, papers together) among the ``links``
    strongest of i or of j (ties: more papers together, then the other concept), sorted."""
    by_concept: dict[int, list[tuple[float, int, int]]] = {}
    for (i, j), (value, count) in pairs.items():
        by_concept.setdefault(i, []).append((-value, -count, j))
        by_concept.setdefault(j, []).append((-value, -count, i))
    kept = {(min(i, j), max(i, j)) for i, candidates in by_concept.items() for *_, j in sorted(candidates)[:links]}
    return sorted(kept)


def concept_map(graph: nx.MultiDiGraph, top: int = CONCEPT_MAP_TOP, types: Iterable[str] = (),
                links: int = LINKS_PER_CONCEPT, min_together: int = MIN_TOGETHER,
                papers_per_concept: int = PAPERS_PER_CONCEPT) -> Selection:
    """The concept map of ``graph``: its ``top`` concepts in most papers (of ``types``, if
    given), linked by association strength, and the papers its panels list."""
    total = Counts.of(graph)
    types = sorted(set(types))
    kept_nodes = keep_concept_types(graph, types) if types else set(graph.nodes)
    ranked = sorted((-attrs[PAPER_COUNT], attrs[KEY], node) for node, attrs in graph.nodes(data=True)
                    if attrs[KIND] == CONCEPT.name and node in kept_nodes)
    concepts = sorted(node for *_, node in ranked[:top]) if top else sorted(node for *_, node in ranked)
    papers, incidence = _incidence(graph, concepts)
    drawn = nx.MultiDiGraph()
    drawn.add_nodes_from((node, graph.nodes[node]) for node in concepts)
    if concepts:
        named = np.asarray(incidence.sum(axis=0)).ravel()
        together = sparse.triu(incidence.T @ incidence, k=1).tocoo()
        frequent = together.data >= min_together
        together = sparse.coo_matrix((together.data[frequent], (together.row[frequent], together.col[frequent])),
                                     shape=together.shape)
        strength = together.data * total.papers / (named[together.row] * named[together.col])
        pairs = {(int(i), int(j)): (float(value), int(count))
                 for i, j, count, value in zip(together.row, together.col, together.data, strength)}
        for i, j in _kept_links(pairs, links):
            value, count = pairs[(i, j)]
            drawn.add_edge(concepts[i], concepts[j], key=CO_OCCURS, **{WEIGHT: round(value, 3), TOGETHER: count})
    listed = set()
    column = {node: index for index, node in enumerate(concepts)}
    by_concept = incidence.T.tocsr()
    for node in concepts:
        naming = [papers[row] for row in by_concept[column[node]].indices]
        ranked_papers = sorted(naming, key=lambda paper: (-paper_degree(graph, paper), paper))
        listed.update(ranked_papers[:papers_per_concept])
    steps = [f"the {len(concepts)} concepts in most papers" + (f" of types {', '.join(types)}" if types else ""),
             f"linked when at least {min_together} papers name both (each keeps its {links} strongest links)"]
    return Selection(drawn, total, tuple(steps), whole=graph, view=CONCEPT_MAP, listed=tuple(sorted(listed)))
