"""Graph assembly: papers, concepts and mentions into one canonical ``networkx.MultiDiGraph``.

The graph follows ``kg.schema`` exactly (checked by :func:`kg.schema.check_graph`):
Paper→Concept edges carry their evidence, and papers that share concepts are linked by
``RELATED_TO`` edges from an IDF-weighted sparse projection.

>>> from kg.papers import Paper
>>> from kg.concepts import Concept, Mention
>>> paper = Paper(id="p1", title="T", abstract="We use BERT.", source="x")
>>> bert = Concept("bert", "BERT", "model", False, (), 1, 1)
>>> mention = Mention("p1", "abstract", 7, 11, "BERT", "model", "lexicon", "We use BERT.", "bert", "USES", "use")
>>> g = build_graph([paper], {"bert": bert}, [mention])
>>> sorted(g.edges(keys=True))
[('paper:p1', 'concept:bert', 'USES')]
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Iterable, Mapping

import networkx as nx
import numpy as np
from scipy import sparse

from kg.concepts import Concept, Mention
from kg.papers import FIELDS, Paper
from kg.schema import CONCEPT, PAPER, node_id


@dataclass(frozen=True)
class LinkSettings:
    """How papers are linked through shared concepts.

    A concept links papers only when it is in at least ``min_papers`` papers and at most
    ``max_share`` of them (and never more than ``max_papers``): a concept every paper has says
    nothing, and its pairs would be quadratic in number. Each paper keeps its ``top_k``
    heaviest links of weight at least ``min_weight``; a pair is kept when either side keeps it.
    """

    top_k: int = 10
    min_weight: float = 0.0
    min_papers: int = 2
    max_share: float = 0.25
    max_papers: int = 2000
    block_rows: int = 4096


def _properties(record: object) -> dict:
    """A record's fields as node properties: unknown (None) values left out, tuples as lists."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(record).items() if v is not None}


def build_graph(papers: Iterable[Paper], concepts: Mapping[str, Concept], mentions: Iterable[Mention],
                links: LinkSettings = LinkSettings()) -> nx.MultiDiGraph:
    """The canonical graph: one node per paper and concept, evidence on Paper→Concept edges,
    ``RELATED_TO`` between papers. Insertion order is sorted, so the graph is deterministic."""
    graph = nx.MultiDiGraph()
    papers = sorted(papers, key=lambda p: p.id)
    for paper in papers:
        graph.add_node(node_id(PAPER.name, paper.id), kind=PAPER.name, **_properties(paper))
    for key in sorted(concepts):
        graph.add_node(node_id(CONCEPT.name, key), kind=CONCEPT.name, **_properties(concepts[key]))

    evidence: dict[tuple[str, str, str], list[Mention]] = defaultdict(list)
    for mention in mentions:
        evidence[(mention.paper_id, mention.concept, mention.relation)].append(mention)
    for (paper_id, key, relation) in sorted(evidence):
        group = sorted(evidence[(paper_id, key, relation)], key=lambda m: (FIELDS.index(m.field), m.start, m.end))
        graph.add_edge(
            node_id(PAPER.name, paper_id), node_id(CONCEPT.name, key), key=relation,
            mention_count=len(group),
            fields=[m.field for m in group],
            starts=[m.start for m in group],
            ends=[m.end for m in group],
            texts=[m.text for m in group],
            sentences=[m.sentence for m in group],
            rules=[m.rule for m in group],
            triggers=[m.trigger for m in group],
        )

    paper_concepts: dict[str, set[str]] = defaultdict(set)
    for (paper_id, key, _relation) in evidence:
        paper_concepts[paper_id].add(key)
    for a, b, weight, shared in related_pairs(paper_concepts, len(papers), links):
        graph.add_edge(node_id(PAPER.name, a), node_id(PAPER.name, b), key="RELATED_TO", weight=weight, shared=shared)
    return graph


def related_pairs(paper_concepts: Mapping[str, set[str]], paper_total: int,
                  links: LinkSettings = LinkSettings()) -> list[tuple[str, str, float, list[str]]]:
    """Paper pairs linked through shared concepts: ``(a, b, weight, shared keys)`` with a < b.

    The weight of a pair is the sum of the IDF, log(N / papers with the concept), of the
    concepts they share. Computed as a sparse product of the paper×concept matrix, block by
    block of rows, so popular concepts never make all their pairs in memory at once.

    >>> related_pairs({"a": {"x", "y"}, "b": {"x"}, "c": {"y", "z"}}, 3)
    [('a', 'b', 0.405465, ['x']), ('a', 'c', 0.405465, ['y'])]
    """
    paper_ids = sorted(paper_concepts)
    n = max(paper_total, len(paper_ids))
    frequency: dict[str, int] = defaultdict(int)
    for keys in paper_concepts.values():
        for key in keys:
            frequency[key] += 1
    max_papers = min(links.max_papers, max(links.min_papers, math.floor(links.max_share * n)))
    linking = sorted(k for k, f in frequency.items() if links.min_papers <= f <= max_papers)
    if not linking or len(paper_ids) < 2:
        return []
    column = {key: j for j, key in enumerate(linking)}
    idf = np.array([math.log(n / frequency[key]) for key in linking])
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
    for block_start in range(0, len(paper_ids), links.block_rows):
        block = (incidence[block_start : block_start + links.block_rows] @ weighted_t).tocsr()
        for offset in range(block.shape[0]):
            i = block_start + offset
            begin, end = block.indptr[offset], block.indptr[offset + 1]
            candidates = [(round(float(w), 6), int(j)) for j, w in zip(block.indices[begin:end], block.data[begin:end])
                          if j != i and w > 0 and w >= links.min_weight]
            candidates.sort(key=lambda item: (-item[0], paper_ids[item[1]]))
            for _, j in candidates[: links.top_k]:
                kept.add((min(i, j), max(i, j)))

    pairs = []
    for i, j in sorted(kept):
        a, b = paper_ids[i], paper_ids[j]
        shared = sorted(paper_concepts[a] & paper_concepts[b] & column.keys(),
                        key=lambda key: (-idf[column[key]], key))
        weight = round(sum(float(idf[column[key]]) for key in shared), 6)
        pairs.append((a, b, weight, shared))
    return sorted(pairs)
