"""GraphML for Gephi, Cytoscape, yEd, igraph and NetworkX.

How the schema is written: list properties as JSON strings (GraphML has no list type); the
Paper ``id`` as ``paper_id`` (Gephi takes an attribute named ``id`` for the node id); each node
also gets ``labels`` (``:Concept:Dataset``) and ``name`` (Cytoscape's label), each edge
``interaction`` (Cytoscape's edge label). Key ids are the attribute names
(``named_key_ids``), so Gephi shows readable columns. Edge ids are ``e0``, ``e1`` … in sorted
order, unique over the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.export.files import atomic_output
from kg.schema import SINK_RENAMED, NODE_KINDS, RELATIONS, node_labels


def graphml_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The canonical graph as GraphML writes it: flat, typed attributes, sorted."""
    out = nx.MultiDiGraph()
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        element = NODE_KINDS[attrs["kind"]]
        flat = {"labels": ":" + ":".join(node_labels(attrs)), "name": attrs.get("title", attrs.get("name"))}
        for prop in element.properties:
            if prop.name in attrs:
                value = attrs[prop.name]
                flat[SINK_RENAMED.get(prop.name, prop.name)] = json.dumps(value, ensure_ascii=False) if prop.is_list else value
        out.add_node(node, **flat)
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))
    for number, (source, target, relation, attrs) in enumerate(edges):
        flat = {"interaction": relation}
        for prop in RELATIONS[relation].properties:
            value = attrs[prop.name]
            flat[prop.name] = json.dumps(value, ensure_ascii=False) if prop.is_list else value
        out.add_edge(source, target, key=f"e{number}", **flat)
    return out


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``graph`` as GraphML to ``path`` atomically."""
    flat = graphml_graph(graph)
    with atomic_output(path, binary=True) as handle:
        nx.write_graphml(flat, handle, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return path
