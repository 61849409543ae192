"""Choosing the part of a built graph a page shows.

A graph of thousands of papers is too much to draw and too much to read, so ``kg html`` and
``kg build`` render a :class:`Selection`: the canonical graph cut down by concept types,
relation types, a focus node's neighbourhood and the most connected papers, together with
words that say what was cut, so the page can tell its reader what is left out. Every step
is a plain function of a graph; the result is a read-only subgraph view, so the page stays a
pure function of the canonical graph and no attribute is ever added or changed.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("paper:1", kind="Paper", title="A")
>>> g.add_node("concept:bert", kind="Concept", key="bert", name="BERT", type="model", benchmark=False, aliases=[])
>>> g.add_edge("paper:1", "concept:bert", key="USES")
'USES'
>>> select(g, types=["task"]).shown
Counts(papers=1, concepts=0, edges=0)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

import networkx as nx

from kg.errors import SelectionError
from kg.keys import concept_key
from kg.read.ids import normalise_arxiv_id
from kg.schema import (
    ALIASES,
    BENCHMARK,
    CONCEPT,
    KIND,
    MENTION_LABELS,
    NAME,
    PAPER,
    RELATIONS,
    TITLE,
    TYPE,
    node_id,
)

PAPERS_VIEW, CONCEPT_MAP = "papers", "concepts"
"""The two pages: papers and their concepts (:func:`select`), or concepts alone
(:func:`kg.export.html.concepts.concept_map`)."""
AUTOMATIC_NODE_LIMIT = 3000
"""A page of a graph with more nodes than this shows only its most connected papers."""
AUTOMATIC_TOP = 1000
"""How many papers such a page keeps (with their shared concepts: about twice as many nodes)."""


@dataclass(frozen=True)
class Counts:
    """Papers, concepts and edges of a graph."""

    papers: int
    concepts: int
    edges: int

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> "Counts":
        kinds = Counter(kind for _, kind in graph.nodes(data=KIND))
        return cls(kinds[PAPER.name], kinds[CONCEPT.name], graph.number_of_edges())

    def __sub__(self, other: "Counts") -> "Counts":
        return Counts(self.papers - other.papers, self.concepts - other.concepts, self.edges - other.edges)


@dataclass(frozen=True)
class Selection:
    """The part of a graph a page shows: a subgraph view, the whole graph's counts, and the
    steps that cut it, in words (none when the page shows everything)."""

    graph: nx.MultiDiGraph
    total: Counts
    steps: tuple[str, ...] = ()
    whole: nx.MultiDiGraph | None = None
    """The graph the selection was cut from (None: ``graph`` itself): the page lists a shown
    paper's concepts that are not drawn, and finds concepts left out, from it."""
    view: str = PAPERS_VIEW
    listed: tuple[str, ...] = ()
    """Papers of the whole graph the page describes in its panels without drawing them (the
    concept map's papers)."""

    @property
    def source(self) -> nx.MultiDiGraph:
        """The whole graph."""
        return self.graph if self.whole is None else self.whole

    @cached_property
    def shown(self) -> Counts:
        """Counted once: each count walks the whole (possibly nested) subgraph view."""
        return Counts.of(self.graph)

    @property
    def left_out(self) -> Counts:
        return self.total - self.shown

    def summary(self) -> str:
        """One sentence: what the page shows and what it leaves out.

        >>> Selection(nx.MultiDiGraph(), Counts(2, 3, 4), ("concept types: task",)).summary()
        'Showing concept types: task: 0 of 2 papers, 0 of 3 concepts, 0 of 4 edges (left out: 2 papers, 3 concepts, 4 edges).'
        """
        shown, total, out = self.shown, self.total, self.left_out
        if self.view == CONCEPT_MAP:
            return (f"Concept map of {'; '.join(self.steps)}: {shown.concepts} of {total.concepts} concepts, "
                    f"{shown.edges} links; the panels list {len(self.listed)} of {total.papers} papers.")
        counts = (f"{shown.papers} of {total.papers} papers, {shown.concepts} of {total.concepts} concepts, "
                  f"{shown.edges} of {total.edges} edges")
        if not self.steps:
            return f"Showing the whole graph: {counts}."
        return (f"Showing {'; '.join(self.steps)}: {counts} "
                f"(left out: {out.papers} papers, {out.concepts} concepts, {out.edges} edges).")



def _is_concept(graph: nx.MultiDiGraph, node: str) -> bool:
    return graph.nodes[node][KIND] == CONCEPT.name


def _neighbours(graph: nx.MultiDiGraph, node: str) -> set[str]:
    """Nodes one edge away in either direction (RELATED_TO is stored once, from the smaller id)."""
    return set(graph.succ[node]) | set(graph.pred[node])


def find_node(graph: nx.MultiDiGraph, query: str) -> str:
    """The node a user means by ``query``: a node id, an arXiv id, a concept's name, key or
    alias, or a paper's exact title (case does not matter).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("concept:large language model", kind="Concept", name="large language models", aliases=["LLM"])
    >>> find_node(g, "llm"), find_node(g, "Large Language Model")
    ('concept:large language model', 'concept:large language model')
    """
    if query in graph:
        return query
    arxiv_id = normalise_arxiv_id(query)
    if arxiv_id and node_id(PAPER.name, arxiv_id) in graph:
        return node_id(PAPER.name, arxiv_id)
    key = node_id(CONCEPT.name, concept_key(query))
    if key in graph:
        return key
    folded = query.strip().casefold()
    matches = sorted(node for node, attrs in graph.nodes(data=True) if folded in _names(attrs))
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise SelectionError(f"{query!r} names {len(matches)} nodes: {', '.join(matches[:10])}; give a node id")
    raise SelectionError(f"no paper or concept is called {query!r}; give a node id such as 'concept:bert' or an arXiv id")


def _names(attrs: dict) -> set[str]:
    """The case-folded names a node answers to."""
    if attrs[KIND] == PAPER.name:
        return {attrs[TITLE].casefold()}
    return {attrs[NAME].casefold(), *(alias.casefold() for alias in attrs[ALIASES])}


def concept_labels(attrs: dict) -> set[str]:
    """The type words a concept answers to: its type, and 'benchmark' for a benchmark."""
    return {attrs[TYPE], "benchmark"} if attrs[BENCHMARK] else {attrs[TYPE]}


def keep_concept_types(graph: nx.MultiDiGraph, types: Iterable[str]) -> set[str]:
    """Papers, and the concepts of the given types ('dataset' includes benchmarks, which are
    datasets; 'benchmark' alone keeps only benchmarks)."""
    wanted = set(types)
    unknown = wanted - set(MENTION_LABELS)
    if unknown:
        raise SelectionError(f"unknown concept types {sorted(unknown)}; choose from {', '.join(MENTION_LABELS)}")
    return {node for node, attrs in graph.nodes(data=True)
            if attrs[KIND] == PAPER.name or concept_labels(attrs) & wanted}


def check_relations(relations: Iterable[str]) -> set[str]:
    """The relation types asked for, upper-cased, or an error naming the unknown ones."""
    wanted = {relation.upper() for relation in relations}
    unknown = wanted - set(RELATIONS)
    if unknown:
        raise SelectionError(f"unknown relation types {sorted(unknown)}; choose from {', '.join(RELATIONS)}")
    return wanted


def neighbourhood(graph: nx.MultiDiGraph, centre: str, depth: int) -> set[str]:
    """The nodes at most ``depth`` edges from ``centre``, edges followed either way.

    >>> g = nx.MultiDiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    >>> sorted(neighbourhood(g, "a", 2))
    ['a', 'b', 'c']
    """
    reached, frontier = {centre}, {centre}
    for _ in range(depth):
        frontier = {n for node in frontier for n in _neighbours(graph, node)} - reached
        if not frontier:  # nothing further: a huge --depth costs no more than the component
            break
        reached |= frontier
    return reached


def paper_degree(graph: nx.MultiDiGraph, paper: str) -> int:
    """How connected a paper is: its distinct concepts and related papers."""
    return len(_neighbours(graph, paper))


def top_papers(graph: nx.MultiDiGraph, count: int, keep: Iterable[str] = ()) -> set[str]:
    """The ``count`` most connected papers and the concepts at least two of them share, plus
    the nodes in ``keep``. A concept only one kept paper has is a leaf that adds clutter, not
    structure; it is left out (and the page says so).
    """
    papers = sorted((node for node in graph if not _is_concept(graph, node)),
                    key=lambda node: (-paper_degree(graph, node), node))[:count]
    shared = Counter(n for paper in papers for n in _neighbours(graph, paper) if _is_concept(graph, n))
    return set(papers) | {concept for concept, papers_with in shared.items() if papers_with >= 2} | set(keep)


def _drop_unlinked_concepts(graph: nx.MultiDiGraph) -> set[str]:
    """Nodes of ``graph`` but the concepts no edge reaches (after relations were filtered)."""
    return {node for node in graph if not _is_concept(graph, node) or graph.in_degree(node) > 0}


def select(graph: nx.MultiDiGraph, focus: str | None = None, depth: int = 1, top: int | None = None,
           types: Iterable[str] = (), relations: Iterable[str] = ()) -> Selection:
    """The part of ``graph`` to show, cut in this order: concept ``types``, ``relations``
    (concepts left without an edge go too), the ``focus`` node's neighbourhood of ``depth``
    edges, the ``top`` most connected papers with the concepts they share. Empty or None
    arguments cut nothing.
    """
    total = Counts.of(graph)
    steps: list[str] = []
    view = graph
    types, relations = sorted(set(types)), sorted(check_relations(relations))
    if types:
        view = view.subgraph(keep_concept_types(view, types))
        steps.append("concept types " + ", ".join(types))
    if relations:
        view = nx.subgraph_view(view, filter_edge=lambda _u, _v, key: key in relations)
        view = view.subgraph(_drop_unlinked_concepts(view))
        steps.append("relations " + ", ".join(relations))
    centre = None
    if focus:
        centre = find_node(view, focus)
        view = view.subgraph(neighbourhood(view, centre, depth))
        steps.append(f"within {depth} link{'s' if depth != 1 else ''} of {_display_name(graph, centre)}")
    if top:
        view = view.subgraph(top_papers(view, top, keep=[centre] if centre else []))
        steps.append(f"the {top} most connected papers and the concepts at least two of them share")
    return Selection(view, total, tuple(steps), whole=graph)


def _display_name(graph: nx.MultiDiGraph, node: str) -> str:
    attrs = graph.nodes[node]
    return f"“{attrs[TITLE] if attrs[KIND] == PAPER.name else attrs[NAME]}”"


def automatic_top(graph: nx.MultiDiGraph) -> int | None:
    """How many papers a page of ``graph`` keeps when nobody says: all (None) unless the
    graph is too large to draw."""
    return AUTOMATIC_TOP if graph.number_of_nodes() > AUTOMATIC_NODE_LIMIT else None


def automatic_selection(graph: nx.MultiDiGraph) -> Selection:
    """The whole graph, or for a graph too large to draw, its most connected papers."""
    return select(graph, top=automatic_top(graph))
