"""GraphML for Gephi, Cytoscape, yEd, igraph and NetworkX: the writer and its reader.

How the schema is written: list properties as JSON strings (GraphML has no list type),
booleans as ``true``/``false``; the Paper ``id`` as ``paper_id`` (Gephi drops an attribute
named ``id``). Every node also gets the display attributes of :mod:`kg.export.display`
(``label``, ``r``/``g``/``b``, ``size``, ``x``/``y``: Gephi reads them as label, colour, size
and position) plus ``labels`` (``:Concept:Dataset``) and ``name`` (the node id: Cytoscape's
name column, unique so igraph's name index works); every edge ``label`` (its relation),
``weight`` (Gephi's edge weight), ``interaction`` (Cytoscape's edge label) and ``directed``.

``RELATED_TO`` is symmetric but written as a directed edge with ``directed=false`` data: a
per-edge ``directed="false"`` in a directed graph is refused by NetworkX and ignored by igraph
(docs/consumer-notes.md); GEXF, cyjs and JSON carry the undirected edge properly. Each
``<edge>`` also has the XML attribute ``label="RELATION"``: Gephi then keeps a paper's
different relations to one concept apart instead of merging them.

Key ids are the attribute names (the edge label's is ``edge_label``), so Gephi shows readable
columns. Edge ids are ``e0``, ``e1`` … in sorted order. Written element by element, so a graph
of any size is written in the memory of one element. Dates: GraphML has no date type Gephi
reads; ``published`` stays a string (Data Laboratory can merge it into a time interval), and
the timeline comes with ``graph.gexf``.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Iterator

import networkx as nx

from kg.assemble import sorted_edges
from kg.export.display import ExportOptions, edge_weight, node_display, stored_properties, trimmed
from kg.export.files import atomic_output, json_text
from kg.export.stored import restored_edge, restored_node
from kg.schema import (
    BOOL,
    DIRECTED,
    FLOAT,
    INT,
    INTERACTION,
    KIND,
    LABEL,
    LABELS,
    LEAN_OMITTED,
    NAME,
    NODE_KINDS,
    RELATED_TO,
    RELATIONS,
    SINK_EDGE_EXTRAS,
    SINK_EDGE_TYPES,
    SINK_NODE_EXTRAS,
    SINK_NODE_TYPES,
    SINK_RENAMED,
    STR,
    WEIGHT,
    check_graph,
    node_labels,
)

_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
_GRAPHML_TYPES = {INT: "long", FLOAT: "double", BOOL: "boolean"}  # the rest: string (lists as JSON)
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))  # "&" first
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#09;"))


def _escaped(text: str, escapes: tuple[tuple[str, str], ...] = _TEXT_ESCAPES) -> str:
    """``text`` with XML's special characters escaped, one ``str.replace`` a character (a
    fast scan when the character is absent, as it mostly is; a translation table looks up
    every character and took a seventh of a GraphML export)."""
    for character, escape in escapes:
        if character in text:
            text = text.replace(character, escape)
    return text
_LIST_NAMES = {SINK_RENAMED.get(p.name, p.name) for e in (*NODE_KINDS.values(), *RELATIONS.values())
               for p in e.properties if p.is_list}


def _declared() -> list[tuple[str, str, str]]:
    """(domain, attribute name, GraphML type) of every attribute a kg GraphML file may carry:
    the sink extras, then each declared property (renamed where a sink renames it)."""
    declared = [("node", name, _GRAPHML_TYPES.get(SINK_NODE_TYPES.get(name, STR), "string")) for name in SINK_NODE_EXTRAS]
    declared += [("node", SINK_RENAMED.get(p.name, p.name), _GRAPHML_TYPES.get(p.type, "string"))
                 for element in NODE_KINDS.values() for p in element.properties]
    declared += [("edge", name, _GRAPHML_TYPES.get(SINK_EDGE_TYPES.get(name, STR), "string")) for name in SINK_EDGE_EXTRAS]
    declared += [("edge", p.name, _GRAPHML_TYPES.get(p.type, "string"))
                 for element in RELATIONS.values() for p in element.properties]
    return declared


_EDGE_KEY_IDS = {name: "edge_" + name for domain, name, _ in _declared() if domain == "node"}
"""Key ids are global in GraphML: an edge attribute named like a node attribute (``label``,
``mention_count``) gets the key id ``edge_NAME``."""


def _keys() -> Iterator[tuple[str, str, str, str]]:
    """(key id, domain, attribute name, GraphML type) of each attribute, once."""
    seen: set[tuple[str, str]] = set()
    for domain, name, kind in _declared():
        if (domain, name) not in seen:
            seen.add((domain, name))
            yield (_EDGE_KEY_IDS.get(name, name) if domain == "edge" else name), domain, name, kind


def attribute_text(value: object, name: str) -> str:
    """An attribute's text: lists as JSON, booleans lowercase, the rest as ``str``."""
    if name in _LIST_NAMES:
        return json_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _data(items: Iterator[tuple[str, object]], key_ids: dict[str, str]) -> str:
    return "".join(f'      <data key="{key_ids.get(name, name)}">{_escaped(attribute_text(value, name))}</data>\n'
                   for name, value in items)


def _node_xml(node: str, attrs: dict, shown: dict, options: ExportOptions) -> str:
    element = NODE_KINDS[attrs[KIND]]
    extras = [(LABELS, ":" + ":".join(node_labels(attrs))), (NAME, node), *shown.items()]
    data = _data(iter([*extras, *stored_properties(element, attrs, options)]), {})
    return f'    <node id="{_escaped(node, _ATTRIBUTE_ESCAPES)}">\n{data}    </node>\n'


def _edge_xml(number: int, source: str, target: str, relation: str, attrs: dict, options: ExportOptions) -> str:
    extras = [(INTERACTION, relation), (LABEL, relation), (WEIGHT, edge_weight(relation, attrs)),
              (DIRECTED, relation != RELATED_TO)]
    properties = [(name, value) for name, value in stored_properties(RELATIONS[relation], attrs, options) if name != WEIGHT]
    data = _data(iter([*extras, *properties]), _EDGE_KEY_IDS)
    return (f'    <edge source="{_escaped(source, _ATTRIBUTE_ESCAPES)}" target="{_escaped(target, _ATTRIBUTE_ESCAPES)}" '
            f'id="e{number}" label="{relation}">\n{data}    </edge>\n')


def write_graphml_stream(graph: nx.MultiDiGraph, handle: IO[str], options: ExportOptions = ExportOptions()) -> None:
    """Write ``graph`` as GraphML to a text handle, element by element (no XML tree in memory)."""
    graph = trimmed(graph, options)
    display = node_display(graph)
    handle.write(_HEADER)
    for key_id, domain, name, kind in _keys():
        handle.write(f'  <key id="{key_id}" for="{domain}" attr.name="{name}" attr.type="{kind}" />\n')
    handle.write('  <graph edgedefault="directed">\n')
    for node in sorted(graph.nodes):
        handle.write(_node_xml(node, graph.nodes[node], display[node], options))
    for number, (source, target, relation, attrs) in enumerate(sorted_edges(graph)):
        handle.write(_edge_xml(number, source, target, relation, attrs, options))
    handle.write("  </graph>\n</graphml>\n")


def write_graphml(graph: nx.MultiDiGraph, path: Path, options: ExportOptions = ExportOptions()) -> Path:
    """Write ``graph`` as GraphML to ``path`` atomically."""
    with atomic_output(path) as handle:
        write_graphml_stream(graph, handle, options)
    return path


def read_graphml(path: Path) -> nx.MultiDiGraph:
    """The canonical graph of a GraphML file :func:`write_graphml` wrote (lean or not)."""
    stored = nx.read_graphml(path, force_multigraph=True)
    graph = nx.MultiDiGraph()
    for node, attrs in stored.nodes(data=True):
        kind = attrs[LABELS].split(":")[1]
        graph.add_node(node, **restored_node(kind, attrs, lists_as_json=True))
    for source, target, attrs in stored.edges(data=True):
        relation = attrs[INTERACTION]
        graph.add_edge(source, target, key=relation, **restored_edge(relation, attrs, lists_as_json=True))
    check_graph(graph, omitted=LEAN_OMITTED)
    return graph
