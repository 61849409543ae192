"""Reading a built graph back: graph.json or graph.graphml → the canonical graph.

The inverse of the file sinks: renamed properties get their schema names back, JSON-string
lists become lists, sink-only attributes (``labels``, ``name`` on papers, ``interaction``) go.
The result passes :func:`kg.schema.check_graph`.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.schema import NODE_KINDS, RELATIONS, SINK_RENAMED, check_graph

def _node_properties(kind: str, attrs: dict, lists_as_json: bool) -> dict:
    element = NODE_KINDS[kind]
    out = {"kind": kind}
    for prop in element.properties:
        stored = SINK_RENAMED.get(prop.name, prop.name)
        if stored in attrs and attrs[stored] is not None:
            value = attrs[stored]
            out[prop.name] = json.loads(value) if prop.is_list and lists_as_json else value
    return out


def _edge_properties(relation: str, attrs: dict, lists_as_json: bool) -> dict:
    out = {}
    for prop in RELATIONS[relation].properties:
        value = attrs[prop.name]
        out[prop.name] = json.loads(value) if prop.is_list and lists_as_json else value
    return out


def is_graph_file(path: Path) -> bool:
    """True for a graph ``kg build`` wrote (``.graphml``, or node-link ``.json``), False for paper input.

    A papers file can be ``.json`` too; the node-link writer starts every file with its
    ``directed``/``multigraph`` header, so the first bytes tell them apart without parsing it all.
    """
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        return True
    if suffix != ".json" or not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(256)
    return b'"multigraph"' in head and b'"nodes"' in head


def read_graph(path: Path) -> nx.MultiDiGraph:
    """The canonical graph stored in ``path`` (``.json`` node-link or ``.graphml``)."""
    suffix = path.suffix.lower()
    graph = nx.MultiDiGraph()
    if suffix == ".json":
        document = json.loads(path.read_text(encoding="utf-8"))
        for node in document["nodes"]:
            graph.add_node(node["id"], **_node_properties(node["labels"][0], node, lists_as_json=False))
        for link in document["links"]:
            graph.add_edge(link["source"], link["target"], key=link["key"],
                           **_edge_properties(link["key"], link, lists_as_json=False))
    elif suffix == ".graphml":
        stored = nx.read_graphml(path, force_multigraph=True)
        for node, attrs in stored.nodes(data=True):
            kind = attrs["labels"].split(":")[1]
            graph.add_node(node, **_node_properties(kind, attrs, lists_as_json=True))
        for source, target, attrs in stored.edges(data=True):
            relation = attrs["interaction"]
            graph.add_edge(source, target, key=relation, **_edge_properties(relation, attrs, lists_as_json=True))
    else:
        raise ValueError("a graph is read from a .json (node-link) or .graphml file written by kg build")
    check_graph(graph)
    return graph
