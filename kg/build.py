"""The build: read → extract (stage 1 spot, stage 2 resolve) → assemble → export, with a summary.

Each stage is a function of the previous one's typed records; this module only wires them
together, times them and reports progress.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

import networkx as nx

from kg.extraction import Extraction, extract
from kg.graph import LinkSettings, build_graph
from kg.papers import ReadLog, read_papers
from kg.parallel import Workers
from kg.schema import CONCEPT, PAPER, check_graph

EXPORTS = ("graphml", "json", "html")
"""The exports of the assembled graph, and the default."""
BULK_CSV = "neo4j-csv"
"""Neo4j bulk-import CSVs, written from the records: with only these the graph is never assembled."""
EXPORT_FILES = {"graphml": "graph.graphml", "json": "graph.json", "html": "graph.html", BULK_CSV: "neo4j-import"}


@dataclass
class BuildSummary:
    """What a build did: counts, seconds per stage and files written."""

    read: ReadLog
    papers: int = 0
    extracted: int = 0
    cached: int = 0
    mentions: Counter = field(default_factory=Counter)
    concepts: Counter = field(default_factory=Counter)
    edges: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        read = self.read
        out = [
            f"papers: {self.papers} ({read.records} records read, {read.skipped} skipped, {read.merged} duplicates merged)",
            f"extraction: {self.extracted} papers extracted, {self.cached} from the cache",
            "mentions: " + _counts(self.mentions),
            "concepts: " + _counts(self.concepts),
            "edges: " + _counts(self.edges),
            "seconds: " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in self.seconds.items()),
        ]
        out += [f"wrote {path}" for path in self.files]
        return out + self.notes


def _counts(counter: Counter) -> str:
    total = sum(counter.values())
    return f"{total} (" + ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) + ")" if total else "0"


def assemble(extraction: Extraction, links: LinkSettings = LinkSettings()) -> nx.MultiDiGraph:
    """The canonical graph of an extraction, checked against the schema."""
    resolution = extraction.resolution
    graph = build_graph(extraction.papers, resolution.concepts, resolution.mentions, links)
    check_graph(graph)
    return graph


HTML_NODE_LIMIT = 3000
"""Above this many nodes the page is unreadable and slow to lay out: it shows a part."""
HTML_TOP_PAPERS = 1000
"""How many papers such a page keeps: the most connected ones, with the concepts they share."""


def html_part(graph: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, str | None]:
    """The part of ``graph`` the page shows, and a sentence saying what was left out (None
    when it shows everything): above :data:`HTML_NODE_LIMIT` nodes, the
    :data:`HTML_TOP_PAPERS` papers with the most links and the concepts at least two of them
    share, as ``kg html --top`` (branch ``html``) chooses."""
    if graph.number_of_nodes() <= HTML_NODE_LIMIT:
        return graph, None
    papers = [node for node, kind in graph.nodes(data="kind") if kind == PAPER.name]
    top = sorted(papers, key=lambda node: (-graph.degree(node), node))[:HTML_TOP_PAPERS]
    shared = Counter(target for paper in top for target in set(graph.successors(paper))
                     if graph.nodes[target]["kind"] == CONCEPT.name)
    part = _induced_subgraph(graph, [*top, *(concept for concept, count in shared.items() if count >= 2)])
    return part, (f"{EXPORT_FILES['html']} shows the {len(top)} most connected of {len(papers)} papers and the "
                  f"concepts they share ({part.number_of_nodes()} of {graph.number_of_nodes()} nodes); "
                  f"graph.json and graph.graphml hold the whole graph")


def _induced_subgraph(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """The subgraph on ``nodes``, inserted in sorted order. Not ``graph.subgraph``: its view
    iterates nodes in the order of a Python set, which changes from process to process, and
    the page's layout depends on node order."""
    keep = sorted(set(nodes))
    kept = set(keep)
    part = nx.MultiDiGraph()
    part.add_nodes_from((node, graph.nodes[node]) for node in keep)
    part.add_edges_from((source, target, key, attrs) for source, target, key, attrs
                        in graph.edges(keep, keys=True, data=True) if target in kept)
    return part


def write_exports(graph: nx.MultiDiGraph, out_dir: Path, formats: Iterable[str] = EXPORTS,
                  title: str = "kg graph", notes: list[str] | None = None) -> list[Path]:
    """Write the chosen exports of ``graph`` into ``out_dir``; each file appears atomically.
    A large graph's page shows a part of it (:func:`html_part`), said in ``notes`` and its title."""
    from kg.export.graphml import write_graphml
    from kg.export.html import write_html
    from kg.export.node_link import write_node_link

    def write_page(graph: nx.MultiDiGraph, path: Path) -> Path:
        part, note = html_part(graph)
        if note is not None and notes is not None:
            notes.append(note)
        return write_html(part, path, title=title if note is None else f"{title}: {note}")

    writers: dict[str, Callable[[nx.MultiDiGraph, Path], Path]] = {
        "graphml": write_graphml,
        "json": write_node_link,
        "html": write_page,
    }
    return [writers[name](graph, out_dir / EXPORT_FILES[name]) for name in formats]


def build(inputs: Iterable[Path | str], out_dir: Path, formats: Iterable[str] = EXPORTS,
          fmt: str | None = None, fields: Mapping[str, str] | None = None,
          links: LinkSettings = LinkSettings(), log: ReadLog | None = None,
          show_progress: bool = False, cache_path: Path | None = None,
          workers: Workers = Workers()) -> tuple[nx.MultiDiGraph | None, BuildSummary]:
    """Read the inputs, extract, assemble the graph and write its exports into ``out_dir``.

    ``formats``: any of :data:`EXPORTS` and :data:`BULK_CSV`; with only the latter no graph is
    assembled (None is returned). ``cache_path``: the stage-1 cache to reuse and fill (None:
    none kept); ``workers``: where stage 1 runs (default: this process).
    """
    formats = tuple(formats)
    summary = BuildSummary(read=log or ReadLog())
    started = time.perf_counter()
    papers = read_papers(inputs, summary.read, fmt, fields)
    summary.seconds["read"] = time.perf_counter() - started
    summary.papers = len(papers)

    extraction = extract(papers, show_progress=show_progress, seconds=summary.seconds,
                         cache_path=cache_path, workers=workers)
    summary.extracted, summary.cached = extraction.extracted, extraction.cached
    summary.mentions = Counter(m.label for m in extraction.resolution.mentions)
    summary.concepts = Counter(c.label for c in extraction.resolution.concepts.values())

    graph_formats = [name for name in formats if name != BULK_CSV]
    graph = None
    if graph_formats:
        started = time.perf_counter()
        graph = assemble(extraction, links)
        summary.seconds["assemble"] = time.perf_counter() - started
        summary.edges = Counter(key for _, _, key in graph.edges(keys=True))

    started = time.perf_counter()
    if BULK_CSV in formats:
        from kg.export.neo4j_csv import IMPORT_COMMAND, write_bulk_csv

        resolution = extraction.resolution
        bulk = write_bulk_csv(papers, resolution.concepts, resolution.mentions, out_dir / EXPORT_FILES[BULK_CSV], links)
        summary.files += bulk.paths
        summary.edges = bulk.relations
        summary.notes.append(f"import them into Neo4j (stopped): cd {out_dir / EXPORT_FILES[BULK_CSV]} && {IMPORT_COMMAND}")
    del extraction  # from here the graph holds all the exports need
    if graph is not None:
        summary.files += write_exports(graph, out_dir, graph_formats, notes=summary.notes)
    summary.seconds["export"] = time.perf_counter() - started
    return graph, summary
