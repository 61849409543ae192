"""GEXF 1.3, Gephi's own format: labels, ``viz:`` colour, size and position, the papers' dates
as time intervals (Gephi's timeline), and ``RELATED_TO`` as an undirected edge.

How the schema is written: the graph is *mixed* — no ``defaultedgetype`` and a ``type`` on
every edge (``undirected`` for the symmetric ``RELATED_TO``, ``directed`` for the rest), which
is how Gephi itself writes mixed graphs; ``kind`` is the relation, so Gephi keeps a paper's
different relations to one concept apart. ``weight`` is :func:`kg.export.display.edge_weight`.
A paper's ``published`` day is its interval ``start``..``end`` (a month-only date spans the
month) under ``mode="dynamic" timeformat="date"``; a node without a date is always shown.
List properties are JSON strings (as in GraphML: Gephi's ``liststring`` cannot hold a comma).
The display attributes of :mod:`kg.export.display` go into ``label`` and ``viz:``, the rest
into typed ``attvalues``. Colours are ``r g b`` (NetworkX and Gephi both read them).

NetworkX cannot read a mixed GEXF (docs/consumer-notes.md): read ``graph.graphml`` or
``graph.json`` there; graphology-gexf (sigma.js) reads this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Iterator

import networkx as nx

from kg.assemble import sorted_edges
from kg.export.display import ExportOptions, edge_weight, node_display, stored_properties, trimmed
from kg.export.files import atomic_output
from kg.export.graphml import attribute_text
from kg.schema import (
    BOOL,
    COLOR_B,
    COLOR_G,
    COLOR_R,
    END,
    FLOAT,
    INT,
    KIND,
    LABEL,
    LABELS,
    NODE_KINDS,
    RELATED_TO,
    RELATIONS,
    SINK_RENAMED,
    SIZE,
    START,
    WEIGHT,
    X,
    Y,
    node_labels,
)

_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
    "  <meta>\n    <creator>kg</creator>\n  </meta>\n"
)
_GEXF_TYPES = {INT: "long", FLOAT: "double", BOOL: "boolean"}  # the rest: string (lists as JSON)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                          "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _attributes(elements, skip: set[str]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for element in elements:
        for prop in element.properties:
            name = SINK_RENAMED.get(prop.name, prop.name)
            if name not in skip:
                seen.setdefault(name, _GEXF_TYPES.get(prop.type, "string"))
    return list(seen.items())


NODE_ATTRIBUTES = [(LABELS, "string"), *_attributes(NODE_KINDS.values(), set())]
EDGE_ATTRIBUTES = _attributes(RELATIONS.values(), {WEIGHT})


def _q(value: object) -> str:
    return str(value).translate(_ESCAPES)


def _attvalues(items: Iterator[tuple[str, object]], declared: set[str]) -> str:
    values = "".join(f'          <attvalue for="{name}" value="{_q(attribute_text(value, name))}" />\n'
                     for name, value in items if name in declared)
    return f"        <attvalues>\n{values}        </attvalues>\n" if values else ""


def _node_xml(node: str, attrs: dict, shown: dict, options: ExportOptions) -> str:
    when = f' start="{shown[START]}" end="{shown[END]}"' if START in shown else ""
    items = [(LABELS, ":" + ":".join(node_labels(attrs))), *stored_properties(NODE_KINDS[attrs[KIND]], attrs, options)]
    viz = (f'        <viz:color r="{shown[COLOR_R]}" g="{shown[COLOR_G]}" b="{shown[COLOR_B]}" />\n'
           f'        <viz:size value="{shown[SIZE]}" />\n')
    if X in shown:
        viz += f'        <viz:position x="{shown[X]}" y="{shown[Y]}" z="0.0" />\n'
    return (f'      <node id="{_q(node)}" label="{_q(shown[LABEL])}"{when}>\n'
            f"{_attvalues(iter(items), _NODE_NAMES)}{viz}      </node>\n")


def _edge_xml(number: int, source: str, target: str, relation: str, attrs: dict, options: ExportOptions) -> str:
    kind = "undirected" if relation == RELATED_TO else "directed"
    return (f'      <edge id="e{number}" source="{_q(source)}" target="{_q(target)}" type="{kind}" kind="{relation}" '
            f'label="{relation}" weight="{edge_weight(relation, attrs)}">\n'
            f"{_attvalues(stored_properties(RELATIONS[relation], attrs, options), _EDGE_NAMES)}      </edge>\n")


_NODE_NAMES = {name for name, _ in NODE_ATTRIBUTES}
_EDGE_NAMES = {name for name, _ in EDGE_ATTRIBUTES}


def write_gexf_stream(graph: nx.MultiDiGraph, handle: IO[str], options: ExportOptions = ExportOptions()) -> None:
    """Write ``graph`` as GEXF 1.3 to a text handle, element by element."""
    graph = trimmed(graph, options)
    display = node_display(graph)
    dated = any(START in shown for shown in display.values())
    handle.write(_HEADER)
    handle.write('  <graph mode="dynamic" timeformat="date">\n' if dated else '  <graph mode="static">\n')
    for cls, declared in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        handle.write(f'    <attributes class="{cls}">\n')
        for name, kind in declared:
            handle.write(f'      <attribute id="{name}" title="{name}" type="{kind}" />\n')
        handle.write("    </attributes>\n")
    handle.write("    <nodes>\n")
    for node in sorted(graph.nodes):
        handle.write(_node_xml(node, graph.nodes[node], display[node], options))
    handle.write("    </nodes>\n    <edges>\n")
    for number, (source, target, relation, attrs) in enumerate(sorted_edges(graph)):
        handle.write(_edge_xml(number, source, target, relation, attrs, options))
    handle.write("    </edges>\n  </graph>\n</gexf>\n")


def write_gexf(graph: nx.MultiDiGraph, path: Path, options: ExportOptions = ExportOptions()) -> Path:
    """Write ``graph`` as GEXF 1.3 to ``path`` atomically."""
    with atomic_output(path) as handle:
        write_gexf_stream(graph, handle, options)
    return path
