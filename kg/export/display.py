"""What the file exports add so a graph opens readable in Gephi, Cytoscape, igraph or pandas:
a display label, colour, size and position on every node, a weight, label and direction on
every edge (declared in :data:`kg.schema.SINK_NODE_EXTRAS` / :data:`kg.schema.SINK_EDGE_EXTRAS`),
and the two ways to make a file smaller (:class:`ExportOptions`).

Colours are by node type, the same as the HTML page's. Sizes span 4–40 and positions are
centred and scaled to reach exactly ±5000, y pointing up: what Gephi's import scaler leaves
unchanged (its ratio is min(96 / size span, 5000 / largest coordinate) = 1; docs/consumer-notes.md),
so Gephi shows the layout kg computed. The layout is the page's
(:func:`kg.export.html.layout.cluster_layout`), computed up to :data:`LAYOUT_NODE_LIMIT` nodes.

>>> short_label("A" * 70)[-3:], len(short_label("A" * 70))
('AA…', 60)
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from typing import Iterator

import networkx as nx

from kg.schema import (
    BENCHMARK_LABEL,
    COLOR_B,
    COLOR_G,
    COLOR_R,
    CONCEPT,
    END,
    KIND,
    LABEL,
    LEAN_OMITTED,
    MENTION_COUNT,
    NAME,
    PAPER,
    PAPER_COUNT,
    PUBLISHED,
    RELATED_TO,
    SINK_RENAMED,
    SIZE,
    START,
    TITLE,
    TYPE_LABELS,
    WEIGHT,
    X,
    Y,
    Element,
    node_labels,
)

NODE_STYLE = {
    PAPER.name: ("#4e79a7", "dot"),
    TYPE_LABELS["method"]: ("#f28e2b", "diamond"),
    TYPE_LABELS["model"]: ("#76b7b2", "square"),
    TYPE_LABELS["dataset"]: ("#59a14f", "hexagon"),
    BENCHMARK_LABEL: ("#b07aa1", "star"),
    TYPE_LABELS["task"]: ("#e15759", "triangle"),
}
"""Colour and vis.js shape per node style label (the page and the files use the same colours)."""
LABEL_LIMIT = 60
"""A paper's display label is its title cut to this many characters."""
LAYOUT_NODE_LIMIT = 5000
"""Files of larger graphs carry no positions (the layout is quadratic in a community's size)."""
MIN_SIZE, MAX_SIZE, MAX_COORDINATE = 4.0, 40.0, 5000.0


@dataclass(frozen=True)
class ExportOptions:
    """``lean``: leave out :data:`kg.schema.LEAN_OMITTED` (abstracts, evidence); ``min_papers``:
    leave out concepts seen in fewer papers (and their edges)."""

    lean: bool = False
    min_papers: int = 1

    @property
    def omitted(self) -> frozenset[str]:
        return LEAN_OMITTED if self.lean else frozenset()


def style_label(attrs: dict) -> str:
    """The label a node is drawn as: Paper, or the most specific concept label."""
    return node_labels(attrs)[-1]


def short_label(text: str, limit: int = LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_label(attrs: dict, limit: int = LABEL_LIMIT) -> str:
    """A concept's name, or a paper's title cut to ``limit`` characters."""
    return short_label(attrs[TITLE] if attrs[KIND] == PAPER.name else attrs[NAME], limit)


def node_size(graph: nx.MultiDiGraph, node: str) -> float:
    """A concept grows with its paper count (in the whole corpus), a paper with its degree."""
    attrs = graph.nodes[node]
    weight = attrs[PAPER_COUNT] if attrs[KIND] == CONCEPT.name else graph.degree(node)
    return round(8 + 5 * math.log1p(weight), 1)


def layout_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph the layout pulls together: one unit spring per linked pair."""
    simple = nx.Graph()
    # sorted: a subgraph view iterates in the order of a Python set, which changes from process
    # to process, and the layout (so the page's bytes) depends on the order
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((u, v) for u, v, _ in graph.edges(keys=True)))
    return simple


def trimmed(graph: nx.MultiDiGraph, options: ExportOptions) -> nx.MultiDiGraph:
    """``graph`` without the concepts in fewer than ``options.min_papers`` papers (a view, no copy)."""
    if options.min_papers <= 1:
        return graph
    kept = {node for node, attrs in graph.nodes(data=True)
            if attrs[KIND] != CONCEPT.name or attrs[PAPER_COUNT] >= options.min_papers}
    # a set's test: the filter runs for every edge a writer looks at
    return nx.subgraph_view(graph, filter_node=kept.__contains__)


def date_interval(published: str) -> tuple[str, str]:
    """The days a ``published`` date spans: one day, or a whole month.

    >>> date_interval("2025-02"), date_interval("2025-03-14")
    (('2025-02-01', '2025-02-28'), ('2025-03-14', '2025-03-14'))
    """
    if len(published) == 7:
        year, month = int(published[:4]), int(published[5:])
        return f"{published}-01", f"{published}-{calendar.monthrange(year, month)[1]:02d}"
    return published, published


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def node_display(graph: nx.MultiDiGraph) -> dict[str, dict]:
    """Per node: label, r, g, b, size, (up to :data:`LAYOUT_NODE_LIMIT` nodes) x, y, and for a
    paper with a date the start and end days it covers."""
    raw = {node: node_size(graph, node) for node in graph.nodes}
    low, high = min(raw.values(), default=0.0), max(raw.values(), default=0.0)
    span = high - low
    positions = {}
    if 0 < graph.number_of_nodes() <= LAYOUT_NODE_LIMIT:
        from kg.export.html.layout import cluster_layout

        positions = cluster_layout(layout_graph(graph))
        cx = sum(x for x, _ in positions.values()) / len(positions)
        cy = sum(y for _, y in positions.values()) / len(positions)
        reach = max((max(abs(x - cx), abs(y - cy)) for x, y in positions.values()), default=0.0)
        scale = MAX_COORDINATE / reach if reach else 1.0
        # the page's y points down, Gephi's up: flip it so both show the same picture
        positions = {node: (round((x - cx) * scale, 1), round(-(y - cy) * scale, 1)) for node, (x, y) in positions.items()}
    out = {}
    for node in graph.nodes:
        attrs = graph.nodes[node]
        red, green, blue = _rgb(NODE_STYLE[style_label(attrs)][0])
        size = MIN_SIZE + (MAX_SIZE - MIN_SIZE) * (raw[node] - low) / span if span else MIN_SIZE
        shown = {LABEL: display_label(attrs), COLOR_R: red, COLOR_G: green, COLOR_B: blue, SIZE: round(size, 2)}
        if node in positions:
            shown[X], shown[Y] = positions[node]
        if PUBLISHED in attrs:
            shown[START], shown[END] = date_interval(attrs[PUBLISHED])
        out[node] = shown
    return out


def edge_weight(relation: str, attrs: dict) -> float:
    """RELATED_TO: its weight (rounded IDF sum); a paper–concept relation: the mentions supporting it."""
    return float(attrs[WEIGHT] if relation == RELATED_TO else attrs[MENTION_COUNT])


def stored_names(element: Element, options: ExportOptions) -> list[tuple[str, str]]:
    """(property name, stored name) of each declared property file sinks write: renamed as they
    store them, without the ones ``options`` leaves out. A writer works them out once an element
    kind, not once an element."""
    return [(p.name, SINK_RENAMED.get(p.name, p.name)) for p in element.properties if p.name not in options.omitted]


def stored_properties(element: Element, attrs: dict, options: ExportOptions) -> Iterator[tuple[str, object]]:
    """(stored name, value) of each property of :func:`stored_names` ``attrs`` has."""
    for name, stored in stored_names(element, options):
        if name in attrs:
            yield stored, attrs[name]
