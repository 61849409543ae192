"""Node-link JSON (D3 and friends): ``{"nodes": [...], "links": [...]}``.

How the schema is written: properties as declared, lists as JSON arrays; each node has
``id`` (the graph node id, e.g. ``paper:2401.00001``), ``labels`` and its properties — a
Paper's own ``id`` property would clash, so it is written as ``paper_id`` as in GraphML; each
link has ``source``, ``target``, ``key`` (the relation type, as NetworkX's node-link format
names a multigraph edge's key) and its properties. ``networkx.node_link_graph(doc,
edges="links")`` reads it back. Sorted, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterator

import networkx as nx

from kg.assemble import sorted_edges
from kg.export.files import atomic_output
from kg.export.stored import restored_edge, restored_node
from kg.schema import KIND, SINK_RENAMED, check_graph, node_labels

_HEADER = {"directed": True, "multigraph": True, "graph": {}}


def _nodes(graph: nx.MultiDiGraph) -> Iterator[dict]:
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        props = {SINK_RENAMED.get(k, k): v for k, v in attrs.items() if k != KIND}
        yield {"id": node, "labels": list(node_labels(attrs)), **props}


def _links(graph: nx.MultiDiGraph) -> Iterator[dict]:
    for source, target, relation, attrs in sorted_edges(graph):
        yield {"source": source, "target": target, "key": relation, **attrs}


def _write_joined(handle: IO[str], elements: Iterator[dict]) -> None:
    """Elements one a line, comma-separated, written as they come."""
    for number, element in enumerate(elements):
        handle.write((",\n" if number else "") + json.dumps(element, ensure_ascii=False, sort_keys=True))


def write_node_link(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``graph`` as node-link JSON to ``path`` atomically (UTF-8, one line per element),
    element by element, so the document is never whole in memory."""
    with atomic_output(path) as handle:
        handle.write(json.dumps(_HEADER)[:-1] + ',\n"nodes": [\n')
        _write_joined(handle, _nodes(graph))
        handle.write('\n],\n"links": [\n')
        _write_joined(handle, _links(graph))
        handle.write("\n]}\n")
    return path


def read_node_link(path: Path) -> nx.MultiDiGraph:
    """The canonical graph of a node-link file :func:`write_node_link` wrote."""
    document = json.loads(path.read_text(encoding="utf-8"))
    graph = nx.MultiDiGraph()
    for node in document["nodes"]:
        graph.add_node(node["id"], **restored_node(node["labels"][0], node, lists_as_json=False))
    for link in document["links"]:
        graph.add_edge(link["source"], link["target"], key=link["key"],
                       **restored_edge(link["key"], link, lists_as_json=False))
    check_graph(graph)
    return graph
