"""Graph assembly: papers, concepts and mentions into one canonical ``networkx.MultiDiGraph``.

The graph follows ``kg.schema`` exactly (checked by :func:`kg.schema.check_graph`):
Paper→Concept edges carry their evidence, and papers that share concepts are linked by
``RELATED_TO`` edges from an IDF-weighted sparse projection (:func:`concept_weight`).

>>> from kg.records import Paper
>>> from kg.records import Concept, Mention
>>> paper = Paper(id="p1", title="T", abstract="We use BERT.", source="x")
>>> bert = Concept("bert", "BERT", "model", False, (), 1, 1)
>>> mention = Mention("p1", "abstract", 7, 11, "BERT", "model", "lexicon", "We use BERT.", "bert", "USES", "use")
>>> g = build_graph([paper], {"bert": bert}, [mention])
>>> sorted(g.edges(keys=True))
[('paper:p1', 'concept:bert', 'USES')]
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Iterable, Iterator, Mapping

import networkx as nx
import numpy as np
from scipy import sparse

from kg.records import FIELDS, Concept, Mention, Paper
from kg.schema import CONCEPT, KIND, PAPER, RELATED_TO, RELATION_ENDPOINTS, node_id


@dataclass(frozen=True)
class LinkSettings:
    """How papers are linked through shared concepts.

    A concept links papers only when it is in at least ``min_papers`` papers and at most
    ``max_share`` of them (and never more than ``max_papers``): a concept every paper has says
    nothing, and its pairs would be quadratic in number. Each paper keeps its ``top_k``
    heaviest links of weight at least ``min_weight``; a pair is kept when either side keeps it.
    A shared concept weighs its IDF against ``reference_papers`` (not the graph's own paper
    count) in steps of ``weight_step``: see :func:`concept_weight`.
    """

    top_k: int = 10
    min_weight: float = 0.0
    reference_papers: int = 100_000
    weight_step: float = 0.1
    min_papers: int = 2
    max_share: float = 0.25
    max_papers: int = 2000
    block_rows: int = 4096
    block_products: int = 4_000_000


def paper_properties(paper: Paper) -> dict:
    """A paper's node properties: unknown (None) values left out, tuples as lists."""
    return _properties(paper, PAPER.property_names)


def concept_properties(concept: Concept) -> dict:
    """A concept's node properties."""
    return _properties(concept, CONCEPT.property_names)


def _properties(record: object, names: tuple[str, ...]) -> dict:
    # getattr, not dataclasses.asdict: asdict deep-copies every value, a third of assembly time
    values = ((name, getattr(record, name)) for name in names)
    return {name: list(value) if isinstance(value, tuple) else value for name, value in values if value is not None}


def evidence_edges(mentions: Iterable[Mention]) -> Iterator[tuple[str, str, str, dict]]:
    """Paper→concept edges from mentions: ``(paper id, concept key, relation, properties)``,
    one per (paper, concept, relation), sorted by them, evidence in text order.

    Goes paper by paper, so it holds one paper's mentions at a time; strings that repeat (a
    sentence with several mentions, rule and field names) are stored once.

    >>> m = Mention("p1", "abstract", 7, 11, "BERT", "model", "lexicon", "We use BERT.", "bert", "USES", "use")
    >>> [(p, k, r, e["mention_count"], e["texts"]) for p, k, r, e in evidence_edges([m, m])]
    [('p1', 'bert', 'USES', 2, ['BERT', 'BERT'])]
    """
    for paper_id, group in groupby(sorted(mentions, key=attrgetter("paper_id")), key=attrgetter("paper_id")):
        by_edge: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for mention in group:
            by_edge[(mention.concept, mention.relation)].append(mention)
        sentences: dict[str, str] = {}
        for (key, relation) in sorted(by_edge):
            evidence = sorted(by_edge[(key, relation)], key=lambda m: (FIELDS.index(m.field), m.start, m.end))
            yield paper_id, key, relation, {
                "mention_count": len(evidence),
                "fields": [sys.intern(m.field) for m in evidence],
                "starts": [m.start for m in evidence],
                "ends": [m.end for m in evidence],
                "texts": [m.text for m in evidence],
                "sentences": [sentences.setdefault(m.sentence, m.sentence) for m in evidence],
                "rules": [sys.intern(m.rule) for m in evidence],
                "triggers": [sys.intern(m.trigger) for m in evidence],
            }


def build_graph(papers: Iterable[Paper], concepts: Mapping[str, Concept], mentions: Iterable[Mention],
                links: LinkSettings = LinkSettings()) -> nx.MultiDiGraph:
    """The canonical graph: one node per paper and concept, evidence on Paper→Concept edges,
    ``RELATED_TO`` between papers. Insertion order is sorted, so the graph is deterministic."""
    graph = nx.MultiDiGraph()
    papers = sorted(papers, key=lambda p: p.id)
    for paper in papers:
        graph.add_node(node_id(PAPER.name, paper.id), **{KIND: PAPER.name}, **paper_properties(paper))
    for key in sorted(concepts):
        graph.add_node(node_id(CONCEPT.name, key), **{KIND: CONCEPT.name}, **concept_properties(concepts[key]))

    for source, target, relation, properties in graph_edges(mentions, len(papers), links):
        source_kind, target_kind = RELATION_ENDPOINTS[relation]
        graph.add_edge(node_id(source_kind, source), node_id(target_kind, target), key=relation, **properties)
    return graph


def graph_edges(mentions: Iterable[Mention], paper_total: int,
                links: LinkSettings = LinkSettings()) -> Iterator[tuple[str, str, str, dict]]:
    """Every edge of the graph as ``(source key, target key, relation, properties)``: the
    Paper→Concept edges of :func:`evidence_edges`, then ``RELATED_TO`` between the papers
    that share concepts (:func:`related_pairs`, ``paper_total`` papers in all)."""
    paper_concepts: dict[str, set[str]] = defaultdict(set)
    for paper_id, key, relation, evidence in evidence_edges(mentions):
        paper_concepts[paper_id].add(key)
        yield paper_id, key, relation, evidence
    for a, b, weight, shared in related_pairs(paper_concepts, paper_total, links):
        yield a, b, RELATED_TO, {"weight": weight, "shared": shared}


def concept_weight(papers: int, links: LinkSettings = LinkSettings()) -> float:
    """What one shared concept in ``papers`` papers adds to a ``RELATED_TO`` weight:
    ln(reference_papers / papers), rounded to a multiple of ``weight_step``.

    Why not ln(N / papers) with the graph's own N: N grows with every paper added, so every
    weight in the graph moved a little each day and a Neo4j sync rewrote nearly every
    relationship. Against a fixed reference a weight moves only where a shared concept's paper
    count moves, and rounded to 0.1 (a tenth of a nat: about a 10 % change in the paper count,
    less than a reader can tell apart in a neighbour list) most of those moves vanish too.
    Against ln(N / papers) the reference (100,000 papers, more than the 74,728 cs.* abstracts
    of 2025) adds the same ln(reference / N) to every shared concept, so rare shared concepts
    still weigh most and a pair sharing more concepts gains a little: on 10,000 abstracts each
    paper's top-10 neighbours agree with the N-based ones at Jaccard 0.945 (docs/quality.md).
    A linking concept is in at most ``max_papers`` papers, so every weight is positive.

    >>> concept_weight(2), concept_weight(2000)
    (10.8, 3.9)
    """
    step = links.weight_step
    return round(round(math.log(links.reference_papers / papers) / step) * step, 6)


def related_pairs(paper_concepts: Mapping[str, set[str]], paper_total: int,
                  links: LinkSettings = LinkSettings()) -> list[tuple[str, str, float, list[str]]]:
    """Paper pairs linked through shared concepts: ``(a, b, weight, shared keys)`` with a < b.

    The weight of a pair is the sum of :func:`concept_weight` (a rounded IDF against a fixed
    reference corpus size) over the concepts they share; ``shared`` lists them heaviest first. Computed as a sparse product of the paper×concept matrix, a block of
    rows at a time (blocks sized by the products they make, so a popular concept never makes
    all its pairs in memory at once), each row's top k chosen with numpy.

    >>> related_pairs({"a": {"x", "y"}, "b": {"x"}, "c": {"y", "z"}}, 3)
    [('a', 'b', 10.8, ['x']), ('a', 'c', 10.8, ['y'])]
    """
    paper_ids = sorted(paper_concepts)
    n = max(paper_total, len(paper_ids))
    frequency: Counter[str] = Counter(key for keys in paper_concepts.values() for key in keys)
    max_papers = min(links.max_papers, max(links.min_papers, math.floor(links.max_share * n)))
    linking = sorted(k for k, f in frequency.items() if links.min_papers <= f <= max_papers)
    if not linking or len(paper_ids) < 2 or links.top_k == 0:
        return []
    column = {key: j for j, key in enumerate(linking)}
    idf = np.array([concept_weight(frequency[key], links) for key in linking])
    rows, cols = [], []
    for i, paper_id in enumerate(paper_ids):
        for key in paper_concepts[paper_id]:
            j = column.get(key)
            if j is not None:
                rows.append(i)
                cols.append(j)
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(paper_ids), len(linking)))
    weighted_t = (incidence @ sparse.diags(idf)).T.tocsr()

    kept: set[tuple[int, int]] = set()
    for begin, end in _row_blocks(incidence, links):
        block = (incidence[begin:end] @ weighted_t).tocsr()
        for offset in range(block.shape[0]):
            i = begin + offset
            neighbours = _top_neighbours(i, block.indices[block.indptr[offset] : block.indptr[offset + 1]],
                                         block.data[block.indptr[offset] : block.indptr[offset + 1]], links)
            kept.update((min(i, j), max(i, j)) for j in neighbours)

    weight_of = {key: float(idf[j]) for key, j in column.items()}
    linked = [paper_concepts[paper_id] & weight_of.keys() for paper_id in paper_ids]  # the linking concepts of each
    order = {key: rank for rank, key in enumerate(sorted(linking, key=lambda key: (-weight_of[key], key)))}
    pairs = []
    for i, j in sorted(kept):
        shared = sorted(linked[i] & linked[j], key=order.__getitem__)  # heaviest first, ties by key
        pairs.append((paper_ids[i], paper_ids[j], round(sum(weight_of[key] for key in shared), 6), shared))
    return pairs


def _row_blocks(incidence: sparse.csr_matrix, links: LinkSettings) -> Iterator[tuple[int, int]]:
    """Row ranges whose products hold about ``links.block_products`` entries (at most
    ``links.block_rows`` rows): a row's product has at most the sum of its concepts' paper counts."""
    frequency = np.asarray(incidence.sum(axis=0)).ravel()
    work = np.cumsum(incidence @ frequency)
    begin = 0
    while begin < incidence.shape[0]:
        budget = (work[begin - 1] if begin else 0) + links.block_products
        end = max(begin + 1, min(begin + links.block_rows, int(np.searchsorted(work, budget, side="right"))))
        yield begin, end
        begin = end


def _top_neighbours(i: int, columns: np.ndarray, weights: np.ndarray, links: LinkSettings) -> np.ndarray:
    """Row ``i``'s ``top_k`` heaviest neighbours (weights rounded to 6 decimals, ties by the
    smaller paper id, i.e. column), excluding itself and weights under ``min_weight``."""
    weights = np.round(weights, 6)
    keep = (columns != i) & (weights > 0) & (weights >= links.min_weight)
    columns, weights = columns[keep], weights[keep]
    if len(columns) > links.top_k:
        # only weights at least the k-th largest can be chosen; ties with it are settled by column
        threshold = np.partition(weights, len(weights) - links.top_k)[len(weights) - links.top_k]
        candidates = weights >= threshold
        columns, weights = columns[candidates], weights[candidates]
    order = np.lexsort((columns, -weights))
    return columns[order[: links.top_k]]


def sorted_edges(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, str, dict]]:
    """Every edge as (source, target, relation, attributes), sorted by source, relation, target,
    without sorting the whole edge list at once (one node's out-edges at a time)."""
    by_node, by_relation_and_target = itemgetter(0), itemgetter(0, 1)
    for source, targets in sorted(graph.adjacency(), key=by_node):
        out = [(relation, target, attrs)
               for target, by_relation in targets.items() for relation, attrs in by_relation.items()]
        for relation, target, attrs in sorted(out, key=by_relation_and_target):
            yield source, target, relation, attrs
