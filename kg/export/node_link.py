"""Node-link JSON (D3 and friends): ``{"nodes": [...], "links": [...]}``.

How the schema is written: properties as declared, lists as JSON arrays; each node has
``id`` (the graph node id, e.g. ``paper:2401.00001``), ``labels``, the display attributes of
:mod:`kg.export.display` (``label``, ``r``/``g``/``b``, ``size``, ``x``/``y``) and its
properties — a Paper's own ``id`` property would clash, so it is written as ``paper_id`` as in
GraphML; each link has ``source``, ``target``, ``key`` (the relation type, as NetworkX's
node-link format names a multigraph edge's key), ``weight`` (see
:data:`kg.schema.SINK_EDGE_EXTRAS`), ``directed`` (false for the symmetric ``RELATED_TO``)
and its properties. A ``--lean`` file says so in ``graph.lean``. ``networkx.node_link_graph(doc,
edges="links")`` reads it back. Sorted, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterator

import networkx as nx

from kg.assemble import sorted_edges
from kg.export.display import ExportOptions, edge_weight, node_display, stored_names, trimmed
from kg.export.files import atomic_output, batches, sorted_json_text
from kg.export.stored import restored_edge, restored_node
from kg.schema import (
    DIRECTED,
    ID,
    KIND,
    LABELS,
    LEAN_OMITTED,
    NODE_KINDS,
    RELATED_TO,
    RELATIONS,
    WEIGHT,
    check_graph,
    node_labels,
)


def _stored(attrs: dict, names: list[tuple[str, str]]) -> dict:
    """The properties of :func:`~kg.export.display.stored_names` ``attrs`` has, by stored name."""
    return {stored: attrs[name] for name, stored in names if name in attrs}


def _nodes(graph: nx.MultiDiGraph, options: ExportOptions) -> Iterator[dict]:
    display = node_display(graph)
    names = {kind: stored_names(element, options) for kind, element in NODE_KINDS.items()}
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        yield {ID: node, LABELS: list(node_labels(attrs)), **display[node], **_stored(attrs, names[attrs[KIND]])}


def _links(graph: nx.MultiDiGraph, options: ExportOptions) -> Iterator[dict]:
    names = {relation: stored_names(element, options) for relation, element in RELATIONS.items()}
    for source, target, relation, attrs in sorted_edges(graph):
        yield {"source": source, "target": target, "key": relation, WEIGHT: edge_weight(relation, attrs),
               DIRECTED: relation != RELATED_TO, **_stored(attrs, names[relation])}


_BETWEEN = '}, {"'
_BETWEEN_LINES = '},\n{"'


def _joined_lines(elements: list[dict]) -> str:
    r"""The elements' sorted JSON, one a line, comma-separated, made with one encoder call: the
    list's JSON with its ``", "`` between elements made ``",\n"``.

    Between two elements the list's JSON has ``}, {"``; anywhere else only where a string ends
    in ``}, {`` (a ``"`` inside a string is ``\"``) or an element holds a dict. So when it has
    exactly one fewer than the elements, those are the boundaries; else each element is encoded
    alone.

    >>> _joined_lines([{"b": 1, "a": "x"}, {"a": [2]}])
    '{"a": "x", "b": 1},\n{"a": [2]}'
    >>> _joined_lines([{"b": 1, "a": "x"}, {"a": ["}, {"]}])
    '{"a": "x", "b": 1},\n{"a": ["}, {"]}'
    """
    text = sorted_json_text(elements)[1:-1]
    if text.count(_BETWEEN) == len(elements) - 1:
        return text.replace(_BETWEEN, _BETWEEN_LINES)
    return ",\n".join(map(sorted_json_text, elements))


def _write_joined(handle: IO[str], elements: Iterator[dict]) -> None:
    """Elements one a line, comma-separated, written a thousand at a time."""
    for number, batch in enumerate(batches(elements)):
        handle.write((",\n" if number else "") + _joined_lines(batch))


def write_node_link(graph: nx.MultiDiGraph, path: Path, options: ExportOptions = ExportOptions()) -> Path:
    """Write ``graph`` as node-link JSON to ``path`` atomically (UTF-8, one line per element),
    a thousand elements at a time, so the document is never whole in memory."""
    graph = trimmed(graph, options)
    header = {DIRECTED: True, "multigraph": True, "graph": {"lean": True} if options.lean else {}}
    with atomic_output(path) as handle:
        handle.write(json.dumps(header)[:-1] + ',\n"nodes": [\n')
        _write_joined(handle, _nodes(graph, options))
        handle.write('\n],\n"links": [\n')
        _write_joined(handle, _links(graph, options))
        handle.write("\n]}\n")
    return path


def read_node_link(path: Path) -> nx.MultiDiGraph:
    """The canonical graph of a node-link file :func:`write_node_link` wrote."""
    document = json.loads(path.read_text(encoding="utf-8"))
    graph = nx.MultiDiGraph()
    for node in document["nodes"]:
        graph.add_node(node[ID], **restored_node(node[LABELS][0], node, lists_as_json=False))
    for link in document["links"]:
        graph.add_edge(link["source"], link["target"], key=link["key"],
                       **restored_edge(link["key"], link, lists_as_json=False))
    check_graph(graph, omitted=LEAN_OMITTED if document["graph"].get("lean") else frozenset())
    return graph
