"""The build: read → spot (stage 1) → resolve (stage 2) → assemble → export, with a summary.

Each stage is a function of the previous one's typed records; this module only wires them
together, times them and reports progress.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, TypeVar

import networkx as nx
from tqdm import tqdm

from kg.extract.curation import Curation
from kg.extract.pipeline import build_pipeline
from kg.extract.resolve import Resolution, Resolver, rule_weights
from kg.extract.spot import SpottedPaper, spot_papers
from kg.graph import LinkSettings, build_graph
from kg.papers import Paper, ReadLog, read_papers
from kg.schema import check_graph
from kg.subgraph import Selection, automatic_selection

T = TypeVar("T")

EXPORTS = ("graphml", "json", "html")
EXPORT_FILES = {"graphml": "graph.graphml", "json": "graph.json", "html": "graph.html"}


@dataclass
class BuildSummary:
    """What a build did: counts, seconds per stage and files written."""

    read: ReadLog
    papers: int = 0
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
            "mentions: " + _counts(self.mentions),
            "concepts: " + _counts(self.concepts),
            "edges: " + _counts(self.edges),
            *self.notes,
            "seconds: " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in self.seconds.items()),
        ]
        out += [f"wrote {path}" for path in self.files]
        return out


def _counts(counter: Counter) -> str:
    total = sum(counter.values())
    return f"{total} (" + ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) + ")" if total else "0"


def _progress(items: Iterable[T], total: int | None, description: str, show: bool) -> Iterator[T]:
    return iter(tqdm(items, total=total, desc=description, unit="paper", disable=None if show else True, leave=False))


@dataclass(frozen=True)
class Extraction:
    """The two extraction stages' output for a set of papers."""

    papers: list[Paper]
    spotted: list[SpottedPaper]
    resolution: Resolution


def extract(papers: list[Paper], rules_dir: Path | None = None, resolver: Resolver | None = None,
            show_progress: bool = False, seconds: dict[str, float] | None = None) -> Extraction:
    """Stage 1 (spot, per paper) and stage 2 (resolve, over the corpus) for ``papers``."""
    seconds = seconds if seconds is not None else {}
    started = time.perf_counter()
    nlp = build_pipeline(rules_dir)
    spotted = list(_progress(spot_papers(nlp, papers), len(papers), "extracting", show_progress))
    seconds["extract"] = time.perf_counter() - started
    started = time.perf_counter()
    resolver = resolver or Resolver()
    resolution = resolver.resolve(zip(papers, spotted), rule_weights(nlp))
    seconds["resolve"] = time.perf_counter() - started
    return Extraction(papers, spotted, resolution)


def assemble(extraction: Extraction, links: LinkSettings = LinkSettings()) -> nx.MultiDiGraph:
    """The canonical graph of an extraction, checked against the schema."""
    resolution = extraction.resolution
    graph = build_graph(extraction.papers, resolution.concepts, resolution.mentions, links)
    check_graph(graph)
    return graph


def graph_of(inputs: Iterable[Path | str], fmt: str | None = None, fields: Mapping[str, str] | None = None,
             links: LinkSettings = LinkSettings(), log: ReadLog | None = None,
             show_progress: bool = False) -> nx.MultiDiGraph:
    """The canonical graph of the inputs, built in memory without writing files (for sinks
    that take the graph directly, like ``kg export neo4j papers.jsonl``)."""
    papers = read_papers(inputs, log or ReadLog(), fmt, fields)
    return assemble(extract(papers, show_progress=show_progress), links)


def write_exports(graph: nx.MultiDiGraph, out_dir: Path, formats: Iterable[str] = EXPORTS,
                  title: str = "kg graph", page: Selection | None = None) -> list[Path]:
    """Write the chosen exports of ``graph`` into ``out_dir``; each file appears atomically.
    The HTML page shows ``page`` (default: :func:`kg.subgraph.automatic_selection`)."""
    from kg.export.graphml import write_graphml
    from kg.export.html import write_html
    from kg.export.node_link import write_node_link

    writers: dict[str, Callable[[nx.MultiDiGraph, Path], Path]] = {
        "graphml": write_graphml,
        "json": write_node_link,
        "html": lambda g, p: write_html(page or automatic_selection(g), p, title=title),
    }
    return [writers[name](graph, out_dir / EXPORT_FILES[name]) for name in formats]


def build(inputs: Iterable[Path | str], out_dir: Path, formats: Iterable[str] = EXPORTS,
          fmt: str | None = None, fields: Mapping[str, str] | None = None,
          links: LinkSettings = LinkSettings(), log: ReadLog | None = None,
          show_progress: bool = False, curation: Curation | None = None) -> tuple[nx.MultiDiGraph, BuildSummary]:
    """Read the inputs, extract (applying ``curation``, see :mod:`kg.extract.curation`),
    assemble the graph and write its exports into ``out_dir``."""
    summary = BuildSummary(read=log or ReadLog())
    started = time.perf_counter()
    papers = read_papers(inputs, summary.read, fmt, fields)
    summary.seconds["read"] = time.perf_counter() - started
    summary.papers = len(papers)

    resolver = Resolver(curation=curation) if curation is not None else None
    extraction = extract(papers, resolver=resolver, show_progress=show_progress, seconds=summary.seconds)
    summary.notes = list(extraction.resolution.notes)
    started = time.perf_counter()
    graph = assemble(extraction, links)
    summary.seconds["assemble"] = time.perf_counter() - started

    started = time.perf_counter()
    formats = tuple(formats)
    page = automatic_selection(graph) if "html" in formats else None
    summary.files = write_exports(graph, out_dir, formats, page=page)
    if page is not None and page.steps:
        summary.notes.append(f"{EXPORT_FILES['html']}: {page.summary()} "
                             "Run `kg html GRAPH --focus NAME` or `--top N` on graph.json to render other parts.")
    summary.seconds["export"] = time.perf_counter() - started
    summary.mentions = Counter(m.label for m in extraction.resolution.mentions)
    summary.concepts = Counter(c.label for c in extraction.resolution.concepts.values())
    summary.edges = Counter(key for _, _, key in graph.edges(keys=True))
    return graph, summary

