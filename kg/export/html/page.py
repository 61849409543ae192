"""The interactive HTML page: one self-contained file built with pyvis and our own template.

pyvis models the network (nodes, edges, vis.js options); the page is rendered from
``templates/graph.html`` rather than pyvis's own template, which links Bootstrap from a CDN and
switches tooltips to innerHTML when a title contains "href". Everything the page needs is
inlined: vis-network's script and style (from the pyvis package), our script and style, and
the page's data in one JSON data island, escaped once for its place in a ``<script>``
element. The page's script inserts strings into the DOM only as text, and makes links only
from http(s) URLs. No http(s) resource is referenced: the file opens from disk with the
network off, and its Content-Security-Policy forbids loading anything.

The page shows a :class:`kg.export.html.selection.Selection` of the graph and says what it leaves out.
Up to :data:`PHYSICS_NODE_LIMIT` nodes, vis.js physics settles the layout in the browser
(starting from the Python layout); above it, the Python layout is final and physics is off.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from importlib.resources import files
from pathlib import Path

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from kg.export.display import NODE_STYLE, display_label, layout_graph, node_size, style_label
from kg.export.files import atomic_output
from kg.export.graphml import sorted_edges
from kg.export.html.selection import CONCEPT_MAP, Selection
from kg.export.html.layout import layout_communities
from kg.read.ids import is_http_url
from kg.schema import (
    ABSTRACT,
    ADDRESSES,
    ALIASES,
    AUTHORS,
    BENCHMARK,
    CO_OCCURS,
    CODE_LINKS,
    COMPARES_WITH,
    CONCEPT,
    ENDS,
    EVALUATES_ON,
    FIELDS,
    KIND,
    MENTIONS,
    NAME,
    PAPER,
    PAPER_COUNT,
    PROPOSES,
    PUBLISHED,
    RELATED_TO,
    RELATIONS,
    SENTENCES,
    SHARED,
    STARTS,
    TITLE,
    TOGETHER,
    TYPE,
    URL,
    USES,
    WEIGHT,
)

@dataclass(frozen=True)
class EdgeStyle:
    """How a relation is drawn: colour, dash pattern (vis.js ``dashes``), width, arrow."""

    color: str
    dashes: bool | list[int]
    width: float
    arrows: str


EDGE_STYLE = {
    PROPOSES: EdgeStyle("#d62728", False, 2.5, "to"),
    USES: EdgeStyle("#1f77b4", False, 1.5, "to"),
    EVALUATES_ON: EdgeStyle("#2ca02c", [8, 4], 1.5, "to"),
    COMPARES_WITH: EdgeStyle("#9467bd", [2, 4], 1.5, "to"),
    ADDRESSES: EdgeStyle("#ff7f0e", [10, 4, 2, 4], 1.5, "to"),
    MENTIONS: EdgeStyle("#c2c2c2", False, 0.8, "to"),
    RELATED_TO: EdgeStyle("#8c8c8c", [4, 6], 1.0, ""),
    CO_OCCURS: EdgeStyle("#9a9a9a", False, 1.0, ""),
}
LINK_DOCS = {CO_OCCURS: "Two concepts the same papers name (the concept map); the wider, the more often "
                        "than chance predicts."}
"""What the page's own links mean (the relations' meanings are in kg.schema.RELATIONS)."""
EDGE_DOCS = {**{name: relation.doc for name, relation in RELATIONS.items()}, **LINK_DOCS}
WEIGHTED = (RELATED_TO, CO_OCCURS)
"""Links drawn wider the heavier they are."""
CLUSTER_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7",
                   "#9c755f", "#17becf", "#8c564b", "#bcbd22")
"""One colour per community, largest first; the smaller ones share OTHER_CLUSTER_COLOUR."""
OTHER_CLUSTER_COLOUR = "#a8a8a8"
CLUSTER_NAME_CONCEPTS = 3
"""A community is named by this many of its most characteristic concepts."""
CLUSTER_TOP_CONCEPTS = 8
ABSENT_LIMIT = 20000
"""At most this many concepts left out of a page are listed in it (most papers first), so its
search can say they exist and how to show them."""
PHYSICS_NODE_LIMIT = 1000
"""Above this many nodes the layout is computed in Python only and physics is off."""
LABEL_LIMIT = 40
"""The page cuts node labels to this many characters."""


def _add_node(net: Network, node_id: str, **options) -> None:
    """``Network.add_node`` without its membership test on a list (quadratic at scale)."""
    if node_id in net.node_map:
        raise ValueError(f"duplicate node {node_id!r}")
    options = Node(node_id, **options).options
    net.nodes.append(options)
    net.node_ids.append(node_id)
    net.node_map[node_id] = options


def _add_edge(net: Network, source: str, target: str, **options) -> None:
    """``Network.add_edge`` without its scan of every node id per edge (quadratic at scale)."""
    if source not in net.node_map or target not in net.node_map:
        raise ValueError(f"edge {source!r} -> {target!r} names a node that is not in the network")
    net.edges.append(Edge(source, target, **options).options)


def build_network(graph: nx.MultiDiGraph, positions: dict | None = None,
                  communities: list[list] | None = None) -> Network:
    """The pyvis network of a graph: nodes with group, size, position and community index
    (-1: none); edges with their relation; vis.js options with one style per group. Styles per
    relation are applied by the page's script from :data:`EDGE_STYLE`, so each of thousands of
    edges does not repeat them. ``positions`` and ``communities`` default to
    :func:`layout_communities` of the graph."""
    net = Network(directed=True, height="100%", width="100%")
    physics = graph.number_of_nodes() <= PHYSICS_NODE_LIMIT
    if positions is None:
        positions, communities = layout_communities(layout_graph(graph))
    member = {node: index for index, nodes in enumerate(communities or []) for node in nodes}
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        x, y = positions[node]
        _add_node(net, node, shape=NODE_STYLE[style_label(attrs)][1], group=style_label(attrs),
                  label=display_label(attrs, LABEL_LIMIT), cluster=member.get(node, -1),
                  size=node_size(graph, node), x=x, y=y)
    for index, (source, target, relation, attrs) in enumerate(sorted_edges(graph)):
        extra = {"width": round(1 + math.log1p(attrs[WEIGHT]) / 2, 2)} if relation in WEIGHTED else {}
        _add_edge(net, source, target, id=f"e{index}", relation=relation, **extra)
    net.options = {
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -40, "centralGravity": 0.005, "springLength": 60,
                                 "avoidOverlap": 0.3},
            "stabilization": {"iterations": 250, "updateInterval": 25, "fit": True},
        },
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": not physics,
                        "hideEdgesOnZoom": not physics},
        "edges": {"smooth": False, "selectionWidth": 2},
        "nodes": {"font": {"size": 12}, "borderWidth": 1},
        "groups": {label: {"color": colour, "shape": shape} for label, (colour, shape) in NODE_STYLE.items()},
    }
    return net


def cluster_records(graph: nx.MultiDiGraph, simple: nx.Graph, communities: list[list],
                    whole: nx.MultiDiGraph | None = None) -> list[dict]:
    """Per community (largest first): a name made of its most characteristic concepts, its
    size, paper count, top concepts and colour. A community of concepts alone (the concept
    map) counts the papers of ``whole`` that name them.

    A concept is characteristic of a community when many of its links stay inside it: its
    score is (links inside)² / links, frequency times exclusivity. A community without concepts
    is named after its first paper.
    """
    records = []
    for index, members in enumerate(communities):
        inside = set(members)
        scored = []
        for node in members:
            if graph.nodes[node][KIND] != CONCEPT.name:
                continue
            links = simple.degree(node)
            within = sum(1 for other in simple.adj[node] if other in inside)
            attrs = graph.nodes[node]
            scored.append((-(within * within) / max(links, 1), -attrs[PAPER_COUNT], attrs[NAME].casefold(), node))
        top = [node for *_, node in sorted(scored)[:CLUSTER_TOP_CONCEPTS]]
        papers = [node for node in members if graph.nodes[node][KIND] == PAPER.name]
        names = [graph.nodes[node][NAME] for node in top[:CLUSTER_NAME_CONCEPTS]]
        name = " · ".join(names) if names else display_label(graph.nodes[papers[0]], LABEL_LIMIT)
        if not papers and whole is not None:  # a concept map's cluster: the papers naming its concepts
            papers = {paper for node in members for paper in whole.pred[node]}
        records.append({
            "name": name, "size": len(members), "papers": len(papers), "concepts": top,
            "color": CLUSTER_COLOURS[index] if index < len(CLUSTER_COLOURS) else OTHER_CLUSTER_COLOUR,
        })
    return records


def _paper_record(attrs: dict, mentions: list, sentences: list[str]) -> dict:
    return {
        TITLE: attrs[TITLE], ABSTRACT: attrs.get(ABSTRACT, ""), "id": attrs["id"],  # none in a lean graph
        URL: attrs[URL] if is_http_url(attrs.get(URL, "")) else None,
        PUBLISHED: attrs.get(PUBLISHED), AUTHORS: attrs[AUTHORS],
        CODE_LINKS: [link for link in attrs[CODE_LINKS] if is_http_url(link)],
        "mentions": mentions, SENTENCES: sentences,
    }


def _concept_record(attrs: dict) -> dict:
    return {
        NAME: attrs[NAME], TYPE: attrs[TYPE], BENCHMARK: attrs[BENCHMARK],
        "label": style_label(attrs), ALIASES: attrs[ALIASES], PAPER_COUNT: attrs[PAPER_COUNT],
    }


def _paper_edges(graph: nx.MultiDiGraph, papers: list[str]):
    """The papers' out-edges but RELATED_TO, as (source, target, relation, attributes), sorted."""
    adjacency = graph.adj
    for source in sorted(papers):
        out = sorted((relation, target) for target, by_key in adjacency[source].items() for relation in by_key
                     if relation != RELATED_TO)
        for relation, target in out:
            yield source, target, relation, adjacency[source][target][relation]


def paper_mentions(graph: nx.MultiDiGraph, papers: list[str] | None = None) -> dict[str, tuple[list, list]]:
    """Per paper (all of ``graph``'s, or ``papers``): its mentions ``[field, start, end, concept
    node, relation, sentence index]`` and its distinct evidence sentences, each as ``[field,
    start, end]`` into the paper's own text (or as text, should a sentence not be found there).
    A concept's evidence is found from these in the page, so no sentence is written out twice."""
    found: dict[str, tuple[list, list]] = {}
    sentence_index: dict[str, dict[tuple | str, int]] = {}
    if papers is None:
        papers = [node for node, kind in graph.nodes(data=KIND) if kind == PAPER.name]
    for source, target, relation, attrs in _paper_edges(graph, papers):
        mentions, sentences = found.setdefault(source, ([], []))
        indices = sentence_index.setdefault(source, {})
        evidence = [attrs.get(name, []) for name in (FIELDS, STARTS, ENDS, SENTENCES)]  # none when lean
        for field_name, start, end, sentence in zip(*evidence):
            where = _sentence_span(graph.nodes[source][field_name], sentence, start)
            sentence_ref = [field_name, *where] if where else sentence
            ref_key = tuple(sentence_ref) if where else sentence
            if ref_key not in indices:
                indices[ref_key] = len(sentences)
                sentences.append(sentence_ref)
            mentions.append([field_name, start, end, target, relation, indices[ref_key]])
    return found


def _sentence_span(text: str, sentence: str, near: int) -> tuple[int, int] | None:
    """Where ``sentence`` is in ``text``: the occurrence that holds offset ``near``, else the first.

    >>> _sentence_span("Go. Stop. Go.", "Go.", 11), _sentence_span("Go.", "Stop.", 0)
    ((10, 13), None)
    """
    at = text.rfind(sentence, 0, near + len(sentence))
    if at < 0 or at + len(sentence) <= near:
        at = text.find(sentence)
    return (at, at + len(sentence)) if at >= 0 else None


def absent_concepts(selection: Selection, also_known: set[str]) -> list[list]:
    """Concepts of the whole graph the page neither draws nor lists in ``also_known``, as
    ``[node id, name, paper count, label]``, most papers first, at most :data:`ABSENT_LIMIT`."""
    whole, shown = selection.source, selection.graph
    left_out = [(-attrs[PAPER_COUNT], node) for node, attrs in whole.nodes(data=True)
                if attrs[KIND] == CONCEPT.name and node not in shown and node not in also_known]
    rows = []
    for _, node in sorted(left_out)[:ABSENT_LIMIT]:
        attrs = whole.nodes[node]
        rows.append([node, attrs[NAME], attrs[PAPER_COUNT], style_label(attrs)])
    return rows


def page_data(selection: Selection, net: Network, title: str, clusters: list[dict] = (),
              source: str = "graph.json") -> dict:
    """Everything the page shows, as one JSON-able document. ``source`` is the graph file the
    page's hints name in their ``kg html`` commands."""
    graph, whole = selection.graph, selection.source
    shown_papers = [node for node, kind in graph.nodes(data=KIND) if kind == PAPER.name] + list(selection.listed)
    # a paper's concepts come from the whole graph: the panel lists those not drawn too
    mentions = paper_mentions(whole, shown_papers)
    papers, concepts, undrawn = {}, {}, {}
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        if attrs[KIND] == PAPER.name:
            papers[node] = _paper_record(attrs, *mentions.get(node, ([], [])))
        else:
            concepts[node] = _concept_record(attrs)
    for node in selection.listed:
        papers[node] = _paper_record(whole.nodes[node], *mentions.get(node, ([], [])))
    for found, _sentences in mentions.values():
        for concept in {mention[3] for mention in found} - concepts.keys():
            undrawn[concept] = _concept_record(whole.nodes[concept])
    related, links = {}, {}
    for edge in net.edges:
        if edge["relation"] == RELATED_TO:
            attrs = graph.edges[edge["from"], edge["to"], RELATED_TO]
            related[edge["id"]] = {WEIGHT: attrs[WEIGHT], SHARED: attrs[SHARED]}
        elif edge["relation"] == CO_OCCURS:
            attrs = graph.edges[edge["from"], edge["to"], CO_OCCURS]
            links[edge["id"]] = {WEIGHT: attrs[WEIGHT], TOGETHER: attrs[TOGETHER]}
    return {
        TITLE: title,
        "view": selection.view,
        "selection": {"summary": selection.summary(), "steps": list(selection.steps),
                      "shown": asdict(selection.shown), "total": asdict(selection.total)},
        "physics": net.options["physics"]["enabled"],
        "nodes": net.nodes,
        "edges": net.edges,
        "options": net.options,
        "papers": papers,
        "concepts": concepts,
        "related": related,
        "links": links,
        "undrawn": dict(sorted(undrawn.items())),
        "absent": absent_concepts(selection, set(undrawn)),
        "clusters": list(clusters),
        "source": source,
        "schema": {"related": RELATED_TO, "link": CO_OCCURS, "paper": PAPER.name, "concept": CONCEPT.name},
        "node_styles": [{"label": label, "color": colour, "shape": shape} for label, (colour, shape) in NODE_STYLE.items()],
        "edge_styles": [{"relation": relation, "doc": doc, **asdict(EDGE_STYLE[relation])}
                        for relation, doc in EDGE_DOCS.items()],
    }


def script_json(document: object) -> str:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>``, ``&``, line separators or
    ``://`` appear literally (all are valid JSON escapes, so ``JSON.parse`` gives the same data).

    >>> script_json({"t": "</script><img src=x>", "u": "https://a.b"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e","u":"https:\\\\/\\\\/a.b"}'
    """
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("://", ":\\/\\/")):
        text = text.replace(raw, escaped)
    return text


_SCRIPT_END = re.compile(r"</(script)", re.I)


def inline_script(source: str) -> str:
    """JavaScript made safe to inline in a ``<script>`` element.

    Only ``</script`` ends the element, so only it is escaped (as ``<\\/script``, the same in a
    string, a regular expression or a comment). ``://`` appears in vis-network only inside
    string literals (license and namespace URLs), where ``:\\/\\/`` means the same: the page
    then carries no literal http(s) address at all. A general ``</`` rewrite would break
    regular expressions such as ``/</``, and ``<!--`` would switch the HTML parser's state.

    >>> inline_script('x = "</script>"; y = "http://w3.org"')
    'x = "<\\\\/script>"; y = "http:\\\\/\\\\/w3.org"'
    """
    if "<!--" in source:
        raise ValueError("a script containing '<!--' cannot be inlined safely")
    return _SCRIPT_END.sub(r"<\\/\1", source).replace("://", ":\\/\\/")


def _vis_assets() -> tuple[str, str]:
    library = files("pyvis") / "lib" / "vis-9.1.2"
    return (library / "vis-network.min.js").read_text(encoding="utf-8"), (library / "vis-network.css").read_text(encoding="utf-8")


def render_page(selection: Selection, title: str = "kg graph", source: str = "graph.json") -> str:
    """The page's HTML text for the part of a graph that ``selection`` chose; ``source`` names
    the graph file in the commands the page suggests."""
    simple = layout_graph(selection.graph)
    positions, communities = layout_communities(simple)
    net = build_network(selection.graph, positions, communities)
    clusters = cluster_records(selection.graph, simple, communities,
                               selection.source if selection.view == CONCEPT_MAP else None)
    vis_js, vis_css = _vis_assets()
    templates = files("kg.export.html") / "templates"
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = environment.from_string((templates / "graph.html").read_text(encoding="utf-8"))
    # Markup: these are already escaped for their place (JSON island, inline script/style).
    return template.render(
        title=title,
        data_json=Markup(script_json(page_data(selection, net, title, clusters, source))),
        vis_js=Markup(inline_script(vis_js)),
        vis_css=Markup(vis_css),
        page_js=Markup(inline_script((templates / "graph.js").read_text(encoding="utf-8"))),
        page_css=Markup((templates / "graph.css").read_text(encoding="utf-8")),
    )


def write_html(selection: Selection, path: Path, title: str = "kg graph", source: str = "graph.json") -> Path:
    """Write the page for ``selection`` to ``path`` atomically, as UTF-8."""
    page = render_page(selection, title, source)
    with atomic_output(path) as handle:
        handle.write(page)
    return path
