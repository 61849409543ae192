"""The interactive HTML page: one self-contained file built with pyvis and our own template.

pyvis models the network (nodes, edges, vis.js options); the page is rendered from
``templates/graph.html`` rather than pyvis's own template, which links Bootstrap from a CDN and
switches tooltips to innerHTML when a title contains "href". Everything the page needs is
inlined: vis-network's script and style (from the pyvis package), our script and style, and
the graph's data in one JSON data island, escaped once for its place in a ``<script>``
element. The page's script inserts strings into the DOM only as text. No http(s) resource is
referenced: the file opens from disk with the network off.
"""

from __future__ import annotations

import json
import math
import re
from importlib.resources import files
from pathlib import Path

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.network import Network

from kg.export.files import atomic_output
from kg.papers import is_http_url
from kg.schema import CONCEPT, PAPER, PAPER_CONCEPT_RELATIONS, node_labels

STYLE = {
    # label: (colour, vis.js shape)
    "Paper": ("#6b7a8f", "square"),
    "Method": ("#4e79a7", "dot"),
    "Model": ("#f28e2b", "diamond"),
    "Dataset": ("#59a14f", "database"),
    "Benchmark": ("#b07aa1", "star"),
    "Task": ("#e15759", "triangle"),
}
RELATION_COLOURS = {
    "PROPOSES": "#d62728",
    "EVALUATES_ON": "#2ca02c",
    "COMPARES_WITH": "#9467bd",
    "ADDRESSES": "#ff7f0e",
    "USES": "#1f77b4",
    "MENTIONS": "#b0b0b0",
    "RELATED_TO": "#8c8c8c",
}
PHYSICS_NODE_LIMIT = 1000
"""Above this many nodes the layout is computed in Python and physics is off."""


def style_label(attrs: dict) -> str:
    """The label a node is drawn as: Paper, or the most specific concept label."""
    return node_labels(attrs)[-1]


def _tooltip(attrs: dict) -> str:
    if attrs["kind"] == PAPER.name:
        return attrs["title"]
    aliases = ", ".join(attrs["aliases"][:8])
    kind = "benchmark" if attrs["benchmark"] else attrs["type"]
    text = f"{attrs['name']} ({kind}, {attrs['paper_count']} papers)"
    return f"{text}\nalso: {aliases}" if aliases else text


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_network(graph: nx.MultiDiGraph) -> Network:
    """The pyvis network of a graph: styled nodes and edges, vis.js options."""
    net = Network(directed=True, height="100%", width="100%")
    degree = dict(graph.degree())
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        label = style_label(attrs)
        colour, shape = STYLE[label]
        weight = attrs["paper_count"] if attrs["kind"] == CONCEPT.name else degree[node]
        net.add_node(
            node,
            label=_short(attrs["title"] if attrs["kind"] == PAPER.name else attrs["name"]),
            title=_tooltip(attrs),
            color=colour,
            shape=shape,
            size=round(8 + 6 * math.log1p(weight), 2),
        )
    for source, target, relation, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        related = relation == "RELATED_TO"
        net.add_edge(
            source, target,
            relation=relation,
            color=RELATION_COLOURS[relation],
            dashes=related,
            arrows="" if related else "to",
            width=round(1 + math.log1p(attrs["weight"]), 2) if related else 1,
            title=f"{relation}: " + (", ".join(attrs["shared"][:10]) if related else "; ".join(sorted(set(attrs["texts"])))),
        )
    physics = graph.number_of_nodes() <= PHYSICS_NODE_LIMIT
    if not physics:
        positions = nx.spring_layout(nx.Graph(graph), seed=7, iterations=50)
        scale = 40 * math.sqrt(graph.number_of_nodes())
        for node_options in net.nodes:
            x, y = positions[node_options["id"]]
            node_options.update(x=round(float(x) * scale, 1), y=round(float(y) * scale, 1))
    net.options = {
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 90, "avoidOverlap": 0.4},
            "stabilization": {"iterations": 400, "fit": True},
        },
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
        "edges": {"smooth": False},
        "nodes": {"font": {"size": 12}},
    }
    return net


def page_data(graph: nx.MultiDiGraph, net: Network) -> dict:
    """Everything the page shows, as one JSON-able document."""
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    papers, concepts = {}, {}
    concept_evidence: dict[str, list] = {node: [] for node, kind in graph.nodes(data="kind") if kind == CONCEPT.name}
    paper_mentions: dict[str, list] = {node: [] for node, kind in graph.nodes(data="kind") if kind == PAPER.name}
    for source, target, relation, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        if relation == "RELATED_TO":
            continue
        for field_name, start, end, sentence in zip(attrs["fields"], attrs["starts"], attrs["ends"], attrs["sentences"]):
            paper_mentions[source].append([field_name, start, end, target, relation])
            concept_evidence[target].append([source, relation, sentence])
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        if attrs["kind"] == PAPER.name:
            papers[node] = {
                "title": attrs["title"], "abstract": attrs["abstract"], "id": attrs["id"],
                "url": attrs["url"] if is_http_url(attrs.get("url", "")) else None,
                "published": attrs.get("published"), "authors": attrs["authors"],
                "code_links": [link for link in attrs["code_links"] if is_http_url(link)],
                "mentions": paper_mentions[node],
            }
        else:
            concepts[node] = {
                "name": attrs["name"], "type": attrs["type"], "benchmark": attrs["benchmark"],
                "label": style_label(attrs), "aliases": attrs["aliases"], "paper_count": attrs["paper_count"],
                "evidence": concept_evidence[node],
            }
    return {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "papers": papers,
        "concepts": concepts,
        "style": {label: {"color": colour, "shape": shape} for label, (colour, shape) in STYLE.items()},
        "relations": {relation: RELATION_COLOURS[relation] for relation in (*PAPER_CONCEPT_RELATIONS, "RELATED_TO")},
    }


def script_json(document: object) -> str:
    """JSON safe inside a ``<script>`` element: no ``<``, ``>``, ``&``, line separators or
    ``://`` appear literally (all are valid JSON escapes, so ``JSON.parse`` gives the same data).

    >>> script_json({"t": "</script><img src=x>", "u": "https://a.b"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e", "u": "https:\\\\/\\\\/a.b"}'
    """
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("://", ":\\/\\/")):
        text = text.replace(raw, escaped)
    return text


def _inline_script(source: str) -> str:
    """JavaScript made safe to inline in a ``<script>`` element: no ``</script`` or ``<!--``
    (which would end or confuse the element), no literal ``://`` (``\\/`` means ``/`` in
    JavaScript strings, regular expressions and comments alike)."""
    source = re.sub(r"</(script)", r"<\\/\1", source, flags=re.I).replace("<!--", "<\\!--")
    return source.replace("://", ":\\/\\/")


def _vis_assets() -> tuple[str, str]:
    library = files("pyvis") / "lib" / "vis-9.1.2"
    return (library / "vis-network.min.js").read_text(encoding="utf-8"), (library / "vis-network.css").read_text(encoding="utf-8")


def render_page(graph: nx.MultiDiGraph, title: str = "kg graph") -> str:
    """The page's HTML text."""
    net = build_network(graph)
    vis_js, vis_css = _vis_assets()
    templates = files("kg.export") / "templates"
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = environment.from_string((templates / "graph.html").read_text(encoding="utf-8"))
    # Markup: these are already escaped for their place (JSON island, inline script/style).
    return template.render(
        title=title,
        data_json=Markup(script_json(page_data(graph, net))),
        vis_js=Markup(_inline_script(vis_js)),
        vis_css=Markup(vis_css),
        page_js=Markup(_inline_script((templates / "graph.js").read_text(encoding="utf-8"))),
        page_css=Markup((templates / "graph.css").read_text(encoding="utf-8")),
    )


def write_html(graph: nx.MultiDiGraph, path: Path, title: str = "kg graph") -> Path:
    """Write the page for ``graph`` to ``path`` atomically, as UTF-8."""
    page = render_page(graph, title)
    with atomic_output(path) as handle:
        handle.write(page)
    return path
