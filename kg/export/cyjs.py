"""Cytoscape's ``.cyjs`` (Cytoscape desktop's JSON and Cytoscape.js ``elements``).

``{"data": {...}, "directed": true, "multigraph": true, "elements": {"nodes": [{"data": {"id",
"value", "name", ...}, "position": {x, y}, "classes": "Paper"}], "edges": [{"data": {"id",
"source", "target", "key", "interaction", ...}, "classes": "USES"}]}}``: ``directed``,
``multigraph``, the node's ``value`` (its id) and the edge's ``key`` (its relation) are what
``networkx.cytoscape_graph`` needs to rebuild kg's MultiDiGraph (:data:`kg.schema.CYJS_EXTRAS`).
Node ``data`` holds ``name`` (Cytoscape's label column: the display
label), ``labels`` and the display attributes of :mod:`kg.export.display`, then the
properties (lists as JSON arrays); ``position`` is the layout with y pointing down, as
Cytoscape draws it (so the picture matches Gephi's). Edge ``data`` holds ``interaction``
(Cytoscape's edge type), ``label``, ``weight``, ``directed`` (false for ``RELATED_TO``; the
format has no undirected edge, a style can hide its arrow) and the properties. Every edge's
ends are nodes of the file and every id is unique: Cytoscape.js builds no graph at all for a
file that breaks either rule. Load it with ``cytoscape({elements: doc.elements, layout:
{name: "preset"}})``.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.assemble import sorted_edges
from kg.export.display import ExportOptions, edge_weight, node_display, stored_properties, style_label, trimmed
from kg.export.files import atomic_output, sorted_json_text
from kg.schema import (
    CYJS_KEY,
    CYJS_VALUE,
    DIRECTED,
    ID,
    INTERACTION,
    KIND,
    LABEL,
    LABELS,
    NAME,
    NODE_KINDS,
    RELATED_TO,
    RELATIONS,
    WEIGHT,
    X,
    Y,
    node_labels,
)


def _line(element: dict) -> str:
    return sorted_json_text(element)


def write_cyjs(graph: nx.MultiDiGraph, path: Path, options: ExportOptions = ExportOptions(),
               title: str = "kg graph") -> Path:
    """Write ``graph`` as ``.cyjs`` to ``path`` atomically, one element a line."""
    graph = trimmed(graph, options)
    display = node_display(graph)
    with atomic_output(path) as handle:
        handle.write('{"data": ' + _line({NAME: title}) + ',\n"directed": true, "multigraph": true,\n'
                     '"elements": {"nodes": [\n')
        for number, node in enumerate(sorted(graph.nodes)):
            attrs, shown = graph.nodes[node], dict(display[node])
            element = {"data": {ID: node, CYJS_VALUE: node, NAME: shown[LABEL], LABELS: list(node_labels(attrs)), **shown,
                                **dict(stored_properties(NODE_KINDS[attrs[KIND]], attrs, options))},
                       "classes": style_label(attrs)}
            if X in shown:
                element["position"] = {X: shown[X], Y: -shown[Y]}  # Cytoscape's y points down
            handle.write((",\n" if number else "") + _line(element))
        handle.write('\n],\n"edges": [\n')
        for number, (source, target, relation, attrs) in enumerate(sorted_edges(graph)):
            data = {ID: f"e{number}", "source": source, "target": target, CYJS_KEY: relation, INTERACTION: relation,
                    LABEL: relation, WEIGHT: edge_weight(relation, attrs), DIRECTED: relation != RELATED_TO,
                    **dict(stored_properties(RELATIONS[relation], attrs, options))}
            handle.write((",\n" if number else "") + _line({"data": data, "classes": relation}))
        handle.write("\n]}}\n")
    return path
