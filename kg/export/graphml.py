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
columns. Edge ids are ``e0``, ``e1`` … in sorted order. Written a thousand elements at a time, so a
graph of any size is written without its XML in memory. Dates: GraphML has no date type Gephi
reads; ``published`` stays a string (Data Laboratory can merge it into a time interval), and
the timeline comes with ``graph.gexf``.
"""

from __future__ import annotations

from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Callable, Iterator

import networkx as nx

from kg.assemble import sorted_edges
from kg.export.display import ExportOptions, edge_weight, node_display, stored_names, trimmed
from kg.export.files import atomic_output, batches, json_text
from kg.export.stored import restored_edge, restored_node
from kg.schema import (
    BOOL,
    DIRECTED,
    FLOAT,
    INT,
    INT_LIST,
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
    STR_LIST,
    WEIGHT,
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
_EDGE_EXTRA_KEYS = tuple(_EDGE_KEY_IDS.get(name, name) for name in (INTERACTION, LABEL, WEIGHT, DIRECTED))


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


def _json_strings(values: list[str]) -> str:
    return "[" + ", ".join(map(encode_basestring, values)) + "]"


def _json_ints(values: list[int]) -> str:
    return "[" + ", ".join(map(str, values)) + "]"


_BOOLEAN_TEXT = {True: "true", False: "false"}
_TYPE_TEXT: dict[str, Callable[[object], str]] = {
    STR_LIST: _json_strings, INT_LIST: _json_ints, BOOL: _BOOLEAN_TEXT.__getitem__}
""":func:`attribute_text` of a value of each declared type, picked once a property instead of
tested on every value: the lists as :func:`~kg.export.files.json_text` writes them (``", "``
between items) in half its time on the short lists evidence holds; the rest ``str``."""


class _Columns:
    """The properties an element kind writes, worked out once a write: (key id, property name,
    text of a value) of each, in order."""

    def __init__(self, element: Element, options: ExportOptions, key_ids: dict[str, str], extras: tuple[str, ...] = ()):
        types = {p.name: p.type for p in element.properties}
        self.columns = [(key_ids.get(stored, stored), name, _TYPE_TEXT.get(types[name], str))
                        for name, stored in stored_names(element, options) if stored not in extras]
        self.keys = tuple(key for key, _, _ in self.columns)
        self.names = frozenset(name for _, name, _ in self.columns)

    def written(self, attrs: dict) -> tuple[tuple[str, ...], list[str]]:
        """The key ids and texts of the properties ``attrs`` has."""
        columns = self.columns
        if not attrs.keys() >= self.names:
            columns = [column for column in columns if column[1] in attrs]
        keys = self.keys if columns is self.columns else tuple(key for key, _, _ in columns)
        return keys, [text(attrs[name]) for _, name, text in columns]


@lru_cache(maxsize=None)
def _data_template(keys: tuple[str, ...]) -> str:
    """The ``<data>`` lines of these keys, a ``{}`` for each text (a few key lists a write)."""
    return "".join(f'      <data key="{key}">{{}}</data>\n' for key in keys)


def _data(keys: tuple[str, ...], texts: list[str]) -> str:
    """The ``<data>`` lines of these keys and texts, made with one ``str.format``; the texts are
    escaped only when one needs it (mostly none does)."""
    joined = "".join(texts)
    if "&" in joined or "<" in joined or ">" in joined:
        texts = [_escaped(text) for text in texts]
    return _data_template(keys).format(*texts)


def _node_xml(node: str, xml_id: str, attrs: dict, shown: dict, columns: _Columns) -> str:
    keys, texts = columns.written(attrs)
    extras = [":" + ":".join(node_labels(attrs)), node, *map(str, shown.values())]
    data = _data((LABELS, NAME, *shown, *keys), extras + texts)
    return f'    <node id="{xml_id}">\n{data}    </node>\n'


def _edge_xml(number: int, source: str, target: str, relation: str, attrs: dict, columns: _Columns) -> str:
    """``source`` and ``target`` as XML attribute text."""
    keys, texts = columns.written(attrs)
    extras = [relation, relation, str(edge_weight(relation, attrs)), _BOOLEAN_TEXT[relation != RELATED_TO]]
    data = _data(_EDGE_EXTRA_KEYS + keys, extras + texts)
    return f'    <edge source="{source}" target="{target}" id="e{number}" label="{relation}">\n{data}    </edge>\n'


def _elements(graph: nx.MultiDiGraph, options: ExportOptions) -> Iterator[str]:
    """The text of each ``<node>``, then of each ``<edge>``."""
    display = node_display(graph)
    node_columns = {kind: _Columns(element, options, {}) for kind, element in NODE_KINDS.items()}
    # an edge's weight is written once, as the extra
    edge_columns = {relation: _Columns(element, options, _EDGE_KEY_IDS, extras=(WEIGHT,))
                    for relation, element in RELATIONS.items()}
    xml_ids = {}
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        xml_ids[node] = _escaped(node, _ATTRIBUTE_ESCAPES)
        yield _node_xml(node, xml_ids[node], attrs, display[node], node_columns[attrs[KIND]])
    for number, (source, target, relation, attrs) in enumerate(sorted_edges(graph)):
        yield _edge_xml(number, xml_ids[source], xml_ids[target], relation, attrs, edge_columns[relation])


def write_graphml_stream(graph: nx.MultiDiGraph, handle: IO[str], options: ExportOptions = ExportOptions()) -> None:
    """Write ``graph`` as GraphML to a text handle, a thousand elements at a time (no XML tree in memory)."""
    handle.write(_HEADER)
    for key_id, domain, name, kind in _keys():
        handle.write(f'  <key id="{key_id}" for="{domain}" attr.name="{name}" attr.type="{kind}" />\n')
    handle.write('  <graph edgedefault="directed">\n')
    for batch in batches(_elements(trimmed(graph, options), options)):
        handle.write("".join(batch))
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
