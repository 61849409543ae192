"""GraphML for Gephi, Cytoscape, yEd, igraph and NetworkX: the writer and its reader.

How the schema is written: list properties as JSON strings (GraphML has no list type); the
Paper ``id`` as ``paper_id`` (Gephi takes an attribute named ``id`` for the node id); each node
also gets ``labels`` (``:Concept:Dataset``) and ``name`` (Cytoscape's label), each edge
``interaction`` (Cytoscape's edge label). Key ids are the attribute names, so
Gephi shows readable columns; every attribute the schema declares has a key. Edge ids are
``e0``, ``e1`` … in sorted order, unique over the file. Written element by element, so a graph
of any size is written in the memory of one element.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterator

import networkx as nx

from kg.assemble import sorted_edges
from kg.export.files import atomic_output
from kg.export.stored import restored_edge, restored_node
from kg.schema import (
    BOOL,
    FLOAT,
    INT,
    KIND,
    NODE_KINDS,
    RELATIONS,
    SINK_EDGE_EXTRAS,
    SINK_NODE_EXTRAS,
    SINK_RENAMED,
    Element,
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
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                    "\n": "&#10;", "\r": "&#13;", "\t": "&#09;"})


def _keys() -> Iterator[tuple[str, str, str]]:
    """(domain, attribute name, GraphML type) of every attribute a kg GraphML file may carry:
    the sink extras, then each declared property (renamed where a sink renames it), once."""
    seen: set[tuple[str, str]] = set()
    declared: list[tuple[str, str, str]] = [("node", name, "string") for name in SINK_NODE_EXTRAS]
    declared += [("node", SINK_RENAMED.get(p.name, p.name), _GRAPHML_TYPES.get(p.type, "string"))
                 for element in NODE_KINDS.values() for p in element.properties]
    declared += [("edge", name, "string") for name in SINK_EDGE_EXTRAS]
    declared += [("edge", p.name, _GRAPHML_TYPES.get(p.type, "string"))
                 for element in RELATIONS.values() for p in element.properties]
    for domain, name, kind in declared:
        if (domain, name) not in seen:
            seen.add((domain, name))
            yield domain, name, kind


def _value(value: object, is_list: bool) -> str:
    """An attribute's text: lists as JSON, the rest as NetworkX writes them (``str``)."""
    return json.dumps(value, ensure_ascii=False) if is_list else str(value)


def _data(items: Iterator[tuple[str, str]]) -> str:
    return "".join(f'      <data key="{name}">{text.translate(_TEXT_ESCAPES)}</data>\n' for name, text in items)


def _properties(element: Element, attrs: dict, renamed: dict[str, str]) -> Iterator[tuple[str, str]]:
    for prop in element.properties:
        if prop.name in attrs:
            yield renamed.get(prop.name, prop.name), _value(attrs[prop.name], prop.is_list)


def _node_xml(node: str, attrs: dict) -> str:
    element = NODE_KINDS[attrs[KIND]]
    extras = [("labels", ":" + ":".join(node_labels(attrs))), ("name", str(attrs.get("title", attrs.get("name"))))]
    data = _data(iter([*extras, *_properties(element, attrs, SINK_RENAMED)]))
    return f'    <node id="{node.translate(_ATTRIBUTE_ESCAPES)}">\n{data}    </node>\n'


def _edge_xml(number: int, source: str, target: str, relation: str, attrs: dict) -> str:
    data = _data(iter([("interaction", relation), *_properties(RELATIONS[relation], attrs, {})]))
    return (f'    <edge source="{source.translate(_ATTRIBUTE_ESCAPES)}" target="{target.translate(_ATTRIBUTE_ESCAPES)}" '
            f'id="e{number}">\n{data}    </edge>\n')


def write_graphml_stream(graph: nx.MultiDiGraph, handle: IO[str]) -> None:
    """Write ``graph`` as GraphML to a text handle, element by element (no XML tree in memory)."""
    handle.write(_HEADER)
    for domain, name, kind in _keys():
        handle.write(f'  <key id="{name}" for="{domain}" attr.name="{name}" attr.type="{kind}" />\n')
    handle.write('  <graph edgedefault="directed">\n')
    for node in sorted(graph.nodes):
        handle.write(_node_xml(node, graph.nodes[node]))
    for number, (source, target, relation, attrs) in enumerate(sorted_edges(graph)):
        handle.write(_edge_xml(number, source, target, relation, attrs))
    handle.write("  </graph>\n</graphml>\n")


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``graph`` as GraphML to ``path`` atomically."""
    with atomic_output(path) as handle:
        write_graphml_stream(graph, handle)
    return path


def read_graphml(path: Path) -> nx.MultiDiGraph:
    """The canonical graph of a GraphML file :func:`write_graphml` wrote."""
    stored = nx.read_graphml(path, force_multigraph=True)
    graph = nx.MultiDiGraph()
    for node, attrs in stored.nodes(data=True):
        kind = attrs["labels"].split(":")[1]
        graph.add_node(node, **restored_node(kind, attrs, lists_as_json=True))
    for source, target, attrs in stored.edges(data=True):
        relation = attrs["interaction"]
        graph.add_edge(source, target, key=relation, **restored_edge(relation, attrs, lists_as_json=True))
    check_graph(graph)
    return graph
