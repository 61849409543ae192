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

import networkx as nx

from kg.export.files import atomic_output
from kg.schema import SINK_RENAMED, node_labels


def node_link(graph: nx.MultiDiGraph) -> dict:
    """The graph as a node-link document."""
    nodes = []
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        props = {SINK_RENAMED.get(k, k): v for k, v in attrs.items() if k != "kind"}
        nodes.append({"id": node, "labels": list(node_labels(attrs)), **props})
    links = [
        {"source": source, "target": target, "key": relation, **attrs}
        for source, target, relation, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))
    ]
    return {"directed": True, "multigraph": True, "graph": {}, "nodes": nodes, "links": links}


def write_node_link(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``graph`` as node-link JSON to ``path`` atomically (UTF-8, one line per element)."""
    document = node_link(graph)
    header = json.dumps({k: v for k, v in document.items() if k not in ("nodes", "links")})
    with atomic_output(path) as handle:
        handle.write(header[:-1] + ',\n"nodes": [\n')
        handle.write(",\n".join(json.dumps(n, ensure_ascii=False, sort_keys=True) for n in document["nodes"]))
        handle.write('\n],\n"links": [\n')
        handle.write(",\n".join(json.dumps(e, ensure_ascii=False, sort_keys=True) for e in document["links"]))
        handle.write("\n]}\n")
    return path
