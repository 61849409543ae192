"""``nodes.csv`` and ``edges.csv``: the graph as two tables for pandas and spreadsheets.

One row per node: ``id``, ``labels`` (``:Concept:Dataset``), the display attributes of
:mod:`kg.export.display` (``label``, ``r``, ``g``, ``b``, ``size``, ``x``, ``y``), then every
declared node property (a paper's ``id`` as ``paper_id``); one row per edge: ``id``,
``source``, ``target``, ``relation``, ``label``, ``weight``, ``directed``, then every declared
relation property. A value the element does not have is empty; lists are JSON arrays;
booleans ``true``/``false``. UTF-8, ``\\n`` line ends, quoted as the csv module quotes::

    nodes = pandas.read_csv("exports/nodes.csv")
    edges = pandas.read_csv("exports/edges.csv")
    nodes["authors"] = nodes["authors"].dropna().map(json.loads)
    g = igraph.Graph.DataFrame(edges, vertices=nodes.rename(columns={"name": "concept_name"}), use_vids=False)
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from kg.assemble import sorted_edges
from kg.export.display import ExportOptions, edge_weight, node_display, stored_properties, trimmed
from kg.export.files import atomic_output
from kg.export.graphml import attribute_text
from kg.schema import (
    DIRECTED,
    ID,
    KIND,
    LABEL,
    LABELS,
    NAME,
    NODE_KINDS,
    RELATED_TO,
    RELATIONS,
    SINK_NODE_EXTRAS,
    SINK_RENAMED,
    WEIGHT,
    node_labels,
)

NODES_FILE, EDGES_FILE = "nodes.csv", "edges.csv"
_NODE_DISPLAY = [name for name in SINK_NODE_EXTRAS if name not in (LABELS, NAME)]


def _columns(elements, skip: set[str], omitted: frozenset[str]) -> list[str]:
    names: dict[str, None] = {}
    for element in elements:
        for prop in element.properties:
            if prop.name not in omitted and prop.name not in skip:
                names.setdefault(SINK_RENAMED.get(prop.name, prop.name))
    return list(names)


def node_columns(options: ExportOptions = ExportOptions()) -> list[str]:
    return [ID, LABELS, *_NODE_DISPLAY, *_columns(NODE_KINDS.values(), set(), options.omitted)]


def edge_columns(options: ExportOptions = ExportOptions()) -> list[str]:
    return [ID, "source", "target", "relation", LABEL, WEIGHT, DIRECTED,
            *_columns(RELATIONS.values(), {WEIGHT}, options.omitted)]


def _row(columns: list[str], values: dict) -> list[str]:
    return [attribute_text(values[name], name) if name in values else "" for name in columns]


def write_tables(graph: nx.MultiDiGraph, nodes_path: Path, edges_path: Path,
                 options: ExportOptions = ExportOptions()) -> list[Path]:
    """Write the node table (``nodes.csv``) and the edge table (``edges.csv``), each atomically."""
    graph = trimmed(graph, options)
    display = node_display(graph)
    columns = node_columns(options)
    with atomic_output(nodes_path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for node in sorted(graph.nodes):
            attrs = graph.nodes[node]
            values = {ID: node, LABELS: ":" + ":".join(node_labels(attrs)), **display[node],
                      **dict(stored_properties(NODE_KINDS[attrs[KIND]], attrs, options))}
            writer.writerow(_row(columns, values))
    columns = edge_columns(options)
    with atomic_output(edges_path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for number, (source, target, relation, attrs) in enumerate(sorted_edges(graph)):
            values = {ID: f"e{number}", "source": source, "target": target, "relation": relation, LABEL: relation,
                      WEIGHT: edge_weight(relation, attrs), DIRECTED: relation != RELATED_TO,
                      **dict(stored_properties(RELATIONS[relation], attrs, options))}
            writer.writerow(_row(columns, values))
    return [nodes_path, edges_path]
