"""The graph schema, declared once.

Every sink (GraphML, JSON, HTML, Neo4j, the Cypher queries) follows this module: node labels,
relation types, property names and property types are declared here and nowhere else.
:func:`check_graph` rejects a graph that carries anything undeclared, so a sink can never
write an attribute this module does not know about.

The canonical graph is a :class:`networkx.MultiDiGraph`:

- node ids are ``"paper:<Paper.id>"`` and ``"concept:<Concept.key>"``;
- every node has ``kind`` (``"Paper"`` or ``"Concept"``) plus its declared properties;
  properties whose value is unknown are absent, never ``None``;
- every edge's multigraph key is its relation type (``"USES"``, ``"RELATED_TO"`` ...), so
  a paper and a concept have at most one edge per relation.

>>> node_labels({"kind": "Concept", "type": "dataset", "benchmark": True})
('Concept', 'Dataset', 'Benchmark')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import networkx as nx

from kg.errors import SchemaError

# --- property types ---------------------------------------------------------------------------

STR, INT, FLOAT, BOOL = "str", "int", "float", "bool"
STR_LIST, INT_LIST = "list[str]", "list[int]"

_PY_TYPES: dict[str, type | tuple[type, ...]] = {
    STR: str,
    INT: int,
    FLOAT: float,
    BOOL: bool,
    STR_LIST: list,
    INT_LIST: list,
}
_ITEM_TYPES = {STR_LIST: str, INT_LIST: int}


@dataclass(frozen=True)
class Property:
    """One declared property: its name, type, whether every element must carry it, and meaning."""

    name: str
    type: str
    required: bool
    doc: str

    @property
    def is_list(self) -> bool:
        return self.type in _ITEM_TYPES


@dataclass(frozen=True)
class Element:
    """A node kind or a relation type with its declared properties."""

    name: str
    properties: tuple[Property, ...]
    doc: str

    def prop(self, name: str) -> Property:
        for prop in self.properties:
            if prop.name == name:
                return prop
        raise KeyError(f"{self.name} declares no property {name!r}")

    @property
    def property_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)


# --- property names: sinks spell them through these names, never as literals -----------------

ID, TITLE, ABSTRACT, SOURCE, ARXIV_ID, URL = "id", "title", "abstract", "source", "arxiv_id", "url"
PUBLISHED, AUTHORS, CATEGORIES, CODE_LINKS = "published", "authors", "categories", "code_links"
KEY, NAME, TYPE, BENCHMARK, ALIASES = "key", "name", "type", "benchmark", "aliases"
PAPER_COUNT, MENTION_COUNT = "paper_count", "mention_count"
FIELDS, STARTS, ENDS, TEXTS, SENTENCES, RULES, TRIGGERS = "fields", "starts", "ends", "texts", "sentences", "rules", "triggers"
WEIGHT, SHARED = "weight", "shared"
LABELS, LABEL, INTERACTION, DIRECTED = "labels", "label", "interaction", "directed"
"""Sink extras (see :data:`SINK_NODE_EXTRAS`, :data:`SINK_EDGE_EXTRAS`)."""

# --- nodes ------------------------------------------------------------------------------------

PAPER = Element(
    "Paper",
    (
        Property(ID, STR, True, "normalised arXiv id (no 'arXiv:' prefix, no version), else 'kg-' + a content hash"),
        Property(TITLE, STR, True, "title as read, XML-forbidden characters replaced by spaces"),
        Property(ABSTRACT, STR, True, "abstract as read, same cleaning as the title"),
        Property(SOURCE, STR, True, "file the paper was first read from (path as given)"),
        Property(ARXIV_ID, STR, False, "normalised arXiv id, when the input gave one"),
        Property(URL, STR, False, "http(s) link to the paper"),
        Property(PUBLISHED, STR, False, "publication date: YYYY-MM-DD, or YYYY-MM when only the month is known"),
        Property(AUTHORS, STR_LIST, True, "author names in input order"),
        Property(CATEGORIES, STR_LIST, True, "arXiv categories, primary first"),
        Property(CODE_LINKS, STR_LIST, True, "GitHub / Hugging Face http(s) links found in the abstract"),
    ),
    "A paper read from the input.",
)

CONCEPT_TYPES = ("method", "model", "dataset", "task")
"""A concept's type. A benchmark is a dataset with ``benchmark`` set."""

MENTION_LABELS = ("method", "model", "dataset", "benchmark", "task")
"""Labels a mention can carry (what ``kg extract`` writes)."""

CONCEPT = Element(
    "Concept",
    (
        Property(KEY, STR, True, "normalised canonical name: the concept's identity, independent of its type"),
        Property(NAME, STR, True, "canonical display name"),
        Property(TYPE, STR, True, "one of " + ", ".join(CONCEPT_TYPES)),
        Property(BENCHMARK, BOOL, True, "a dataset used for evaluation (also carries the Benchmark label)"),
        Property(ALIASES, STR_LIST, True, "other surface forms seen or known, sorted"),
        Property(PAPER_COUNT, INT, True, "number of papers that mention the concept"),
        Property(MENTION_COUNT, INT, True, "number of mentions over all papers"),
    ),
    "A method, model, dataset (benchmark) or task.",
)

NODE_KINDS = {PAPER.name: PAPER, CONCEPT.name: CONCEPT}
KIND = "kind"
"""The node attribute naming a node's kind (``"Paper"`` or ``"Concept"``) in the canonical graph."""
TYPE_LABELS = {"method": "Method", "model": "Model", "dataset": "Dataset", "task": "Task"}
BENCHMARK_LABEL = "Benchmark"
NODE_LABELS = (PAPER.name, CONCEPT.name, *TYPE_LABELS.values(), BENCHMARK_LABEL)
"""Every label a node can carry (Neo4j labels come only from this whitelist)."""

NODE_KEYS = {PAPER.name: ID, CONCEPT.name: KEY}
"""The property that identifies a node of each kind (unique in Neo4j)."""


def node_id(kind: str, key: str) -> str:
    """The NetworkX node id of a paper or concept.

    >>> node_id("Paper", "2401.00001")
    'paper:2401.00001'
    """
    return f"{kind.lower()}:{key}"


def node_labels(attrs: Mapping[str, Any]) -> tuple[str, ...]:
    """All labels of a node: its kind, then for concepts its type label and maybe Benchmark."""
    if attrs[KIND] == PAPER.name:
        return (PAPER.name,)
    labels = [CONCEPT.name, TYPE_LABELS[attrs["type"]]]
    if attrs.get("benchmark"):
        labels.append(BENCHMARK_LABEL)
    return tuple(labels)


# --- relations --------------------------------------------------------------------------------

_EVIDENCE = (
    Property(MENTION_COUNT, INT, True, "number of mentions supporting the relation"),
    Property(FIELDS, STR_LIST, True, "per mention: 'title' or 'abstract'"),
    Property(STARTS, INT_LIST, True, "per mention: start character offset into its field"),
    Property(ENDS, INT_LIST, True, "per mention: end character offset (exclusive)"),
    Property(TEXTS, STR_LIST, True, "per mention: the text at those offsets"),
    Property(SENTENCES, STR_LIST, True, "per mention: the sentence it occurs in"),
    Property(RULES, STR_LIST, True, "per mention: the rule that spotted it"),
    Property(TRIGGERS, STR_LIST, True, "per mention: the cue that decided the relation ('' for MENTIONS)"),
)

PROPOSES, EVALUATES_ON, COMPARES_WITH = "PROPOSES", "EVALUATES_ON", "COMPARES_WITH"
ADDRESSES, USES, MENTIONS = "ADDRESSES", "USES", "MENTIONS"
PAPER_CONCEPT_RELATIONS = (PROPOSES, EVALUATES_ON, COMPARES_WITH, ADDRESSES, USES, MENTIONS)
"""Paper→Concept relation types, strongest first: a mention gets the first whose cue fires."""

_RELATION_DOCS = {
    PROPOSES: "the paper introduces the concept",
    EVALUATES_ON: "the paper evaluates on the dataset or benchmark",
    COMPARES_WITH: "the paper compares against the concept (a baseline)",
    ADDRESSES: "the paper works on the task",
    USES: "the paper builds on or uses the concept",
    MENTIONS: "the paper mentions the concept, no stronger relation found",
}

RELATIONS: dict[str, Element] = {
    name: Element(name, _EVIDENCE, _RELATION_DOCS[name]) for name in PAPER_CONCEPT_RELATIONS
}
RELATED_TO = "RELATED_TO"
"""Papers linked through the concepts they share (the only Paper→Paper relation)."""
RELATIONS[RELATED_TO] = Element(
    RELATED_TO,
    (
        Property(WEIGHT, FLOAT, True, "sum over shared concepts of ln(100,000 / their paper count), each rounded to 0.1 "
                 "(a fixed reference, so a weight moves only when a shared concept's count does)"),
        Property(SHARED, STR_LIST, True, "keys of the shared concepts, heaviest first"),
    ),
    "Two papers sharing concepts; undirected, stored once from the smaller to the larger paper id.",
)

RELATION_ENDPOINTS = {
    **{name: (PAPER.name, CONCEPT.name) for name in PAPER_CONCEPT_RELATIONS},
    RELATED_TO: (PAPER.name, PAPER.name),
}

CO_OCCURS, TOGETHER = "CO_OCCURS", "together"
"""The concept map's link (``kg html --concepts``): two concepts the same papers name, its
``weight`` the association strength and ``together`` the papers naming both. Drawn on that page
only; never stored in the graph or a file export."""

# --- what sinks add ---------------------------------------------------------------------------

COLOR_R, COLOR_G, COLOR_B, SIZE, X, Y = "r", "g", "b", "size", "x", "y"
START, END = "start", "end"
SINK_NODE_EXTRAS = {
    LABELS: "the node's labels (GraphML and CSV: joined Neo4j-style, ':Concept:Dataset'; JSON: a list)",
    NAME: "GraphML: the node id again (Cytoscape's name column; unique, so igraph's name index works)",
    LABEL: "display label: the concept name, or the paper title cut to 60 characters",
    COLOR_R: "display colour, red 0-255: by node type (Paper, Method, Model, Dataset, Benchmark, Task)",
    COLOR_G: "display colour, green 0-255",
    COLOR_B: "display colour, blue 0-255",
    SIZE: "display size 4-40: a concept by its paper count, a paper by its degree (log scale)",
    X: "layout x, centred, the largest |x| or |y| is 5000 (Gephi keeps it as written); absent above 5,000 nodes",
    Y: "layout y, pointing up as in Gephi; absent above 5,000 nodes",
    START: "papers with a date: the first day 'published' covers, YYYY-MM-DD (GEXF: the node's interval)",
    END: "papers with a date: the last day 'published' covers (the month's last day for YYYY-MM)",
}
"""Display attributes the file sinks add to every node (GraphML, GEXF as viz, cyjs, CSV, JSON)."""
SINK_NODE_TYPES = {COLOR_R: INT, COLOR_G: INT, COLOR_B: INT, SIZE: FLOAT, X: FLOAT, Y: FLOAT}
"""The sink extras that are not strings."""
SINK_EDGE_EXTRAS = {
    INTERACTION: "GraphML and cyjs: the relation type (Cytoscape's edge label)",
    LABEL: "display label: the relation type",
    WEIGHT: "on every edge: RELATED_TO its weight (the rounded IDF sum of the shared concepts); a paper-concept relation its "
            "mention_count (the mentions supporting it)",
    DIRECTED: "false for RELATED_TO (symmetric: one edge per pair, stored from the smaller paper id), "
                "true for the paper-concept relations",
}
SINK_EDGE_TYPES = {WEIGHT: FLOAT, DIRECTED: BOOL}
CYJS_VALUE, CYJS_KEY = "value", "key"
CYJS_EXTRAS = {
    "directed": "cyjs, top level: true (the graph is directed; RELATED_TO says directed false on its edges)",
    "multigraph": "cyjs, top level: true (a paper and a concept may be linked by more than one relation type)",
    CYJS_VALUE: "cyjs node data: the node id again (NetworkX's cytoscape_graph takes the node from it)",
    CYJS_KEY: "cyjs edge data: the relation type (NetworkX's multigraph edge key, as in kg's graph)",
}
"""What ``graph.cyjs`` adds so that ``networkx.cytoscape_graph`` rebuilds kg's MultiDiGraph."""
LEAN_OMITTED = frozenset({ABSTRACT, FIELDS, STARTS, ENDS, TEXTS, SENTENCES, RULES, TRIGGERS})
"""What ``--lean`` leaves out of the file exports: abstracts and the per-mention evidence
(``mention_count`` stays). A lean file reads back with these properties missing."""
SINK_RENAMED = {ID: "paper_id"}
"""File sinks write these properties under another name: in GraphML and node-link JSON the
node's own id (``paper:…``) is ``id``, and Gephi takes an attribute named ``id`` for it."""


# --- validation -------------------------------------------------------------------------------



@lru_cache(maxsize=None)
def _declared(element: Element) -> tuple[dict[str, Property], tuple[str, ...]]:
    """An element's properties by name, and the names of the required ones."""
    return {p.name: p for p in element.properties}, tuple(p.name for p in element.properties if p.required)


def _property_error(element: Element, attrs: Mapping[str, Any], ignore: tuple[str, ...],
                    omitted: frozenset[str] = frozenset()) -> str | None:
    """What is wrong with an element's properties, or None (checked for a million edges:
    the message is made only when there is one)."""
    declared, required = _declared(element)
    for name, value in attrs.items():
        if name in ignore:
            continue
        prop = declared.get(name)
        if prop is None:
            return f"property {name!r} is not declared for {element.name}"
        error = _value_error(prop, value)
        if error is not None:
            return error
    for name in required:
        if name not in attrs and name not in omitted:
            return f"required property {name!r} of {element.name} is missing"
    return None


def _value_error(prop: Property, value: Any) -> str | None:
    expected = _PY_TYPES[prop.type]
    # bool is an int subclass: keep them apart so 'True' never passes as a count
    if not isinstance(value, expected) or (prop.type in (INT, FLOAT) and isinstance(value, bool)):
        return f"{prop.name}={value!r} is not {prop.type}"
    item = _ITEM_TYPES.get(prop.type)
    if item is not None:
        for member in value:
            if not isinstance(member, item) or isinstance(member, bool):
                return f"{prop.name} holds {member!r}, not {item.__name__}"
    return None


def check_graph(graph: nx.MultiDiGraph, omitted: frozenset[str] = frozenset()) -> None:
    """Raise :class:`SchemaError` unless every node and edge follows the schema exactly
    (``omitted``: required properties that may be missing, as in a :data:`LEAN_OMITTED` file).

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("paper:x", kind="Paper", colour="red")
    >>> check_graph(g)
    Traceback (most recent call last):
    ...
    kg.errors.SchemaError: node 'paper:x': property 'colour' is not declared for Paper
    """
    if not isinstance(graph, nx.MultiDiGraph):
        raise SchemaError(f"the canonical graph is a MultiDiGraph, not {type(graph).__name__}")
    kinds: dict[str, str] = {}
    for node, attrs in graph.nodes(data=True):
        where = f"node {node!r}"
        kind = kinds[node] = attrs.get(KIND)
        element = NODE_KINDS.get(kind)
        if element is None:
            raise SchemaError(f"{where}: unknown kind {kind!r}")
        error = _property_error(element, attrs, ignore=(KIND,), omitted=omitted)
        if error is not None:
            raise SchemaError(f"{where}: {error}")
        expected_id = node_id(kind, attrs[NODE_KEYS[kind]])
        if node != expected_id:
            raise SchemaError(f"{where}: id should be {expected_id!r}")
        if kind == CONCEPT.name and attrs["type"] not in CONCEPT_TYPES:
            raise SchemaError(f"{where}: type {attrs['type']!r} is not one of {CONCEPT_TYPES}")
        if kind == CONCEPT.name and attrs["benchmark"] and attrs["type"] != "dataset":
            raise SchemaError(f"{where}: only a dataset can be a benchmark")
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        element = RELATIONS.get(key)
        error = None
        if element is None:
            error = f"undeclared relation type {key!r}"
        elif (kinds[source], kinds[target]) != RELATION_ENDPOINTS[key]:
            error = f"{key} links {RELATION_ENDPOINTS[key]}, not {(kinds[source], kinds[target])}"
        else:
            error = _property_error(element, attrs, ignore=(), omitted=omitted)
        if error is not None:
            raise SchemaError(f"edge {source!r} -{key}-> {target!r}: {error}")


def describe() -> str:
    """The schema as Markdown, for README and ``kg schema`` (relations sharing properties share rows)."""
    groups: dict[tuple[Property, ...], list[str]] = {}
    for element in (PAPER, CONCEPT, *RELATIONS.values()):
        groups.setdefault(element.properties, []).append(element.name)
    lines = ["| element | property | type | required | meaning |", "|---|---|---|---|---|"]
    for properties, names in groups.items():
        for prop in properties:
            lines.append(
                f"| {', '.join(names)} | `{prop.name}` | {prop.type} | {'yes' if prop.required else 'no'} | {prop.doc} |"
            )
    return "\n".join(lines)
