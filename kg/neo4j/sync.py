"""Neo4j sink: an exact sync of the canonical graph into a database that writes only the difference.

After :func:`export_graph` the database's ``Paper``/``Concept`` nodes and kg relationships
equal the graph: same kg labels, same properties (exactly those ``kg.schema`` declares, lists
as native lists) and nothing more, whatever was there before. How:

1. uniqueness constraints on ``Paper.id`` and ``Concept.key``, first, so every look-up by key
   is an index seek;
2. read what the database holds (:func:`read_database`): every ``Paper``/``Concept`` node's
   labels and properties, and every kg relationship between them with its endpoints' keys
   and its properties;
3. compare with the graph (:func:`difference`): an element is *created* when the database
   lacks it, *updated* when its properties or kg labels differ in any way (a foreign property,
   a value of another type, a missing label), *removed* when the graph lacks it (also a node
   without its key, and the second of two relationships of one type between the same nodes),
   and left alone otherwise. A relation whose type changed is the old one removed and the new
   one created (Neo4j cannot retype a relationship);
4. write only that: removals (relationships, then nodes), node updates, node creations,
   relationship updates, relationship creations, as ``UNWIND $rows …`` in batches, one managed
   transaction per batch (the driver retries transient errors). Data travels only as
   parameters; labels and relation types, which Cypher cannot take as parameters, come from
   the schema's whitelist; elements to update or remove are addressed by ``elementId``.
   Creations keep ``WRITERS`` transactions in flight (creating nodes, or relationships between
   existing nodes, takes no lock another batch waits on); the rest runs one at a time.

So a second export of the same graph reads the database and writes nothing, a later build's
export writes exactly the difference, and a sync killed halfway is repaired by the next one
(which reads what the killed one left). Nodes without a kg label, labels kg does not declare,
and relationships of other types or between other nodes are the user's and left alone (a kg
node that is removed takes its relationships with it). The read and the writes are separate
transactions: a sync assumes nobody else writes kg elements while it runs.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import networkx as nx
from neo4j import Driver, ManagedTransaction, Session
from tqdm import tqdm

from kg.assemble import sorted_edges
from kg.errors import ExportRefused
from kg.neo4j.connection import Neo4jTarget, open_driver
from kg.parallel import shards_of
from kg.schema import (
    CONCEPT,
    KIND,
    NODE_KEYS,
    NODE_KINDS,
    NODE_LABELS,
    PAPER,
    RELATIONS,
    RELATION_ENDPOINTS,
    check_graph,
    node_labels,
)

BATCH_SIZE = 2_500
"""Rows per transaction: big enough to amortise a round trip, small enough for a modest heap
and for ``WRITERS`` batches to overlap."""

WRITERS = 2
"""Creating transactions in flight at once (one is sent while the server writes another)."""

CHANGES = ("created", "updated", "unchanged", "removed")
"""What a sync did to an element, in the order the summary says it."""


# --- the two sides: what the graph says and what the database holds ---------------------------

NodeKey = tuple[str, str]
"""A node's identity in both: (kind, key)."""
RelationshipKey = tuple[str, str, str]
"""A kg relationship's identity in both: (type, source key, target key)."""


@dataclass(frozen=True)
class Stored:
    """A kg element as the database holds it (a relationship has no labels: None)."""

    element_id: str
    properties: dict
    labels: frozenset[str] | None = None


@dataclass
class DatabaseState:
    """The database's kg part as :func:`read_database` found it."""

    nodes: dict[NodeKey, Stored] = field(default_factory=dict)
    relationships: dict[RelationshipKey, Stored] = field(default_factory=dict)
    stray_nodes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Element ids of kg nodes that can never equal a graph node (no key, or a key not a
    string), per kind."""
    stray_relationships: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Element ids of kg relationships beside one of the same type between the same nodes (or
    with an endpoint without its key), per type."""

    @property
    def elements(self) -> int:
        return (len(self.nodes) + len(self.relationships) + sum(map(len, self.stray_nodes.values()))
                + sum(map(len, self.stray_relationships.values())))


def _declared(element_name: str, attrs: dict, elements: dict) -> dict:
    """The properties of a node or edge that the schema declares (``kind`` is a label, not a property)."""
    return {name: attrs[name] for name in elements[element_name].property_names if name in attrs}


def graph_nodes(graph: nx.MultiDiGraph) -> dict[NodeKey, tuple[tuple[str, ...], dict]]:
    """Every node of ``graph`` as (kind, key) → (labels, properties), in node order."""
    nodes = {}
    for _, attrs in sorted(graph.nodes(data=True)):
        kind = attrs[KIND]
        nodes[(kind, attrs[NODE_KEYS[kind]])] = (node_labels(attrs), _declared(kind, attrs, NODE_KINDS))
    return nodes


def graph_relationships(graph: nx.MultiDiGraph) -> dict[RelationshipKey, dict]:
    """Every edge of ``graph`` as (type, source key, target key) → properties, sorted by endpoints."""
    relationships = {}
    for source, target, relation, attrs in sorted_edges(graph):
        source_attrs, target_attrs = graph.nodes[source], graph.nodes[target]
        key = (relation, source_attrs[NODE_KEYS[source_attrs[KIND]]], target_attrs[NODE_KEYS[target_attrs[KIND]]])
        relationships[key] = _declared(relation, attrs, RELATIONS)
    return relationships


def _names(names: Iterable[str]) -> str:
    """``:A:B`` for labels or relation types, refusing anything the schema does not declare."""
    names = tuple(names)
    for name in names:
        if name not in NODE_LABELS and name not in RELATIONS:
            raise ValueError(f"{name!r} is not a label or relation type declared in kg.schema")
    return "".join(f":`{name}`" for name in names)


READ_BATCH = 2_500
"""Nodes read per query (their properties), and source papers per query reading relationships.
Each query returns its rows as one list: a record per element would cost the client more than
the data."""


def read_labels_cypher() -> str:
    """Every kg node's element id and labels, as one list."""
    kinds = " OR ".join(f"n{_names((kind,))}" for kind in NODE_KINDS)
    return f"MATCH (n) WHERE {kinds} RETURN collect([elementId(n), labels(n)]) AS rows"


def read_properties_cypher() -> str:
    """The properties of the nodes whose element ids are ``$rows``, as one list."""
    return "UNWIND $rows AS id MATCH (n) WHERE elementId(n) = id RETURN collect([id, properties(n)]) AS rows"


def read_relationships_cypher(relation: str) -> str:
    """The kg relationships of one type from the nodes whose element ids are ``$rows`` to nodes
    of the type's target kind: element id, the endpoints' keys and properties, as one list."""
    source, target = RELATION_ENDPOINTS[relation]
    return (f"UNWIND $rows AS id MATCH (a{_names((source,))}) WHERE elementId(a) = id "
            f"MATCH (a)-[r{_names((relation,))}]->(b{_names((target,))}) "
            f"RETURN collect([elementId(r), a.{NODE_KEYS[source]}, b.{NODE_KEYS[target]}, properties(r)]) AS rows")


def _rows(session: Session, cypher: str, rows: Sequence = ()) -> list:
    return session.execute_read(lambda tx: tx.run(cypher, rows=_Rows(rows)).single(strict=True)["rows"])


def read_database(session: Session, batch_size: int = READ_BATCH) -> DatabaseState:
    """What the database's kg part holds (see :class:`DatabaseState`)."""
    state = DatabaseState()
    labelled = {element_id: frozenset(labels) for element_id, labels in _rows(session, read_labels_cypher())}
    for ids in shards_of(sorted(labelled), batch_size):
        for element_id, properties in _rows(session, read_properties_cypher(), ids):
            labels = labelled[element_id]
            kind = PAPER.name if PAPER.name in labels else CONCEPT.name
            key = properties.get(NODE_KEYS[kind])
            if isinstance(key, str):
                state.nodes[(kind, key)] = Stored(element_id, properties, labels & set(NODE_LABELS))
            else:
                state.stray_nodes[kind].append(element_id)
    for relation, (source, _) in RELATION_ENDPOINTS.items():
        sources = sorted(element_id for element_id, labels in labelled.items() if source in labels)
        found = [row for ids in shards_of(sources, batch_size)
                 for row in _rows(session, read_relationships_cypher(relation), ids)]
        for element_id, source_key, target_key, properties in sorted(found):
            key = (relation, source_key, target_key)
            if key in state.relationships or not isinstance(source_key, str) or not isinstance(target_key, str):
                state.stray_relationships[relation].append(element_id)
            else:
                state.relationships[key] = Stored(element_id, properties)
    return state


# --- the difference --------------------------------------------------------------------------

def same_value(stored: Any, wanted: Any) -> bool:
    """Whether a stored property value is exactly the graph's: same type too (``1`` is not
    ``1.0`` nor ``True``), lists item by item.

    >>> same_value([1, 2], [1, 2]), same_value(1, True), same_value(1.0, 1)
    (True, False, False)
    """
    if type(stored) is not type(wanted):
        return False
    if isinstance(wanted, list):
        return len(stored) == len(wanted) and all(map(same_value, stored, wanted))
    return stored == wanted


def same_properties(stored: dict, wanted: dict) -> bool:
    """Whether an element's stored properties are exactly ``wanted``, nothing more."""
    return stored.keys() == wanted.keys() and all(same_value(stored[name], wanted[name]) for name in wanted)


@dataclass(frozen=True)
class Write:
    """Rows for one statement: ``counted_as`` is the node kind or relation type they count
    under, ``change`` what they do to it (``created``, ``updated`` or ``removed``)."""

    counted_as: str
    change: str
    cypher: str
    rows: list


def node_create_cypher(labels: tuple[str, ...]) -> str:
    """Create nodes with exactly ``labels`` and a row's properties."""
    return f"UNWIND $rows AS row CREATE (n{_names(labels)}) SET n = row RETURN count(*) AS rows"


def node_update_cypher(labels: tuple[str, ...]) -> str:
    """Replace a node's properties (by element id) and give it exactly these kg labels."""
    others = [label for label in NODE_LABELS if label not in labels]
    return (f"UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.id SET n = row.properties "
            f"REMOVE n{_names(others)} SET n{_names(labels)} RETURN count(*) AS rows")


def node_remove_cypher() -> str:
    """Delete nodes by element id, with their relationships."""
    return "UNWIND $rows AS id MATCH (n) WHERE elementId(n) = id DETACH DELETE n RETURN count(*) AS rows"


def relationship_create_cypher(relation: str) -> str:
    """Create relationships of one type between existing nodes, found by their keys."""
    relation_type = _names((relation,))
    source, target = RELATION_ENDPOINTS[relation]
    return "\n".join([
        "UNWIND $rows AS row",
        f"MATCH (a{_names((source,))} {{{NODE_KEYS[source]}: row.source}})",
        f"MATCH (b{_names((target,))} {{{NODE_KEYS[target]}: row.target}})",
        f"CREATE (a)-[r{relation_type}]->(b) SET r = row.properties RETURN count(*) AS rows",
    ])


def relationship_update_cypher(relation: str) -> str:
    """Replace the properties of relationships of one type, by element id."""
    return (f"UNWIND $rows AS row MATCH ()-[r{_names((relation,))}]->() WHERE elementId(r) = row.id "
            "SET r = row.properties RETURN count(*) AS rows")


def relationship_remove_cypher(relation: str) -> str:
    """Delete relationships of one type by element id."""
    return (f"UNWIND $rows AS id MATCH ()-[r{_names((relation,))}]->() WHERE elementId(r) = id "
            "DELETE r RETURN count(*) AS rows")


@dataclass
class Difference:
    """What a sync must write, as stages written in order, and what it leaves alone."""

    relationship_removals: list[Write] = field(default_factory=list)
    node_removals: list[Write] = field(default_factory=list)
    node_updates: list[Write] = field(default_factory=list)
    node_creations: list[Write] = field(default_factory=list)
    relationship_updates: list[Write] = field(default_factory=list)
    relationship_creations: list[Write] = field(default_factory=list)
    unchanged: Counter = field(default_factory=Counter)

    def stages(self) -> list[tuple[list[Write], int]]:
        """(writes, transactions in flight) in the order they run: removals first, so no element
        id they name can have been reused; a relationship's ends before it; creations with
        ``WRITERS`` in flight."""
        return [(self.relationship_removals, 1), (self.node_removals, 1), (self.node_updates, 1),
                (self.node_creations, WRITERS), (self.relationship_updates, 1),
                (self.relationship_creations, WRITERS)]

    @property
    def rows(self) -> int:
        return sum(len(write.rows) for writes, _ in self.stages() for write in writes)


def _grouped(rows_by_group: dict, counted_as, change: str, cypher) -> list[Write]:
    return [Write(counted_as(group), change, cypher(group), rows) for group, rows in sorted(rows_by_group.items())]


def _compare(wanted: dict, stored: dict, unchanged: Counter) -> tuple[dict, dict, dict]:
    """Split elements into created (wanted key → properties), updated (rows naming the element
    id) and removed (element ids), each grouped: ``wanted`` maps a key to (group, kg labels or
    None, properties), ``stored`` a key to :class:`Stored`. Keys start with the kind or type,
    which ``unchanged`` and the removals count under."""
    created, updated, removed = defaultdict(dict), defaultdict(list), defaultdict(list)
    for key, (group, labels, properties) in wanted.items():
        have = stored.get(key)
        if have is None:
            created[group][key] = properties
        elif have.labels != labels or not same_properties(have.properties, properties):
            updated[group].append({"id": have.element_id, "properties": properties})
        else:
            unchanged[key[0]] += 1
    for key, have in sorted(stored.items()):
        if key not in wanted:
            removed[key[0]].append(have.element_id)
    return created, updated, removed


def difference(graph: nx.MultiDiGraph, state: DatabaseState) -> Difference:
    """The writes that make the database's kg part equal to ``graph`` (see the module docstring)."""
    diff = Difference()
    wanted_nodes = {key: (labels, frozenset(labels), properties)
                    for key, (labels, properties) in graph_nodes(graph).items()}
    created, updated, removed = _compare(wanted_nodes, state.nodes, diff.unchanged)
    created = {labels: list(rows.values()) for labels, rows in created.items()}
    wanted_relationships = {key: (key[0], None, properties) for key, properties in graph_relationships(graph).items()}
    created_relationships, updated_relationships, removed_relationships = _compare(
        wanted_relationships, state.relationships, diff.unchanged)
    created_relationships = {relation: [{"source": source, "target": target, "properties": properties}
                                        for (_, source, target), properties in rows.items()]
                             for relation, rows in created_relationships.items()}
    for strays, removals in ((state.stray_nodes, removed), (state.stray_relationships, removed_relationships)):
        for counted_as, element_ids in strays.items():
            removals[counted_as].extend(element_ids)

    by_name = lambda name: name  # noqa: E731 - the group is already the kind or type
    by_kind = lambda labels: labels[0]  # noqa: E731 - a label set counts under its kind
    diff.relationship_removals = _grouped(removed_relationships, by_name, "removed", relationship_remove_cypher)
    diff.node_removals = _grouped(removed, by_name, "removed", lambda _: node_remove_cypher())
    diff.node_updates = _grouped(updated, by_kind, "updated", node_update_cypher)
    diff.node_creations = _grouped(created, by_kind, "created", node_create_cypher)
    diff.relationship_updates = _grouped(updated_relationships, by_name, "updated", relationship_update_cypher)
    diff.relationship_creations = _grouped(created_relationships, by_name, "created", relationship_create_cypher)
    return diff


# --- writing it --------------------------------------------------------------------------------

@dataclass
class SyncSummary:
    """What an export did, per node kind and relation type."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    read: int = 0
    """Elements read from the database to compare with."""
    read_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.removed.values())

    @property
    def changed(self) -> bool:
        return self.written > 0

    def lines(self) -> list[str]:
        def part(names: Sequence[str]) -> str:
            counts = [(change, getattr(self, change)) for change in CHANGES]
            total = ", ".join(f"{change} {sum(c[n] for n in names)}" for change, c in counts)
            written = [(change, c) for change, c in counts if change != "unchanged"]
            each = [f"{name} " + " ".join(f"{change} {c[name]}" for change, c in written if c[name])
                    for name in names if any(c[name] for _, c in written)]
            return total + (f" ({'; '.join(each)})" if each else "")

        return [
            "nodes: " + part(tuple(NODE_KINDS)),
            "relationships: " + part(tuple(RELATIONS)),
            f"seconds: {self.seconds:.1f} (read {self.read:,} elements in {self.read_seconds:.1f} s, "
            f"wrote {self.written:,})",
        ]


class _Rows(list):
    """A batch's rows with a one-line ``repr``: the driver (6.4) formats every parameter for its
    debug log even when debug logging is off, which cost a tenth of an export's client time and
    would put whole abstracts into a debug log."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _write_batch(tx: ManagedTransaction, cypher: str, rows: list) -> int:
    return tx.run(cypher, rows=_Rows(rows)).single(strict=True)["rows"]


def create_constraints(session: Session) -> None:
    """Uniqueness of each node kind's key, created idempotently before any write."""
    for kind, key in NODE_KEYS.items():
        cypher = (f"CREATE CONSTRAINT kg_{kind.lower()}_{key} IF NOT EXISTS "
                  f"FOR (n{_names((kind,))}) REQUIRE n.{key} IS UNIQUE")
        session.execute_write(lambda tx: tx.run(cypher).consume())


def _send(driver: Driver, target: Neo4jTarget, writes: list[Write], batch_size: int, writers: int,
          summary: SyncSummary, bar: tqdm) -> None:
    """Send the writes' rows in batches, one managed transaction each (the driver retries
    transient errors), ``writers`` at a time; count what the server says each batch did."""
    def send(write: Write, rows: list) -> tuple[Write, int, int]:
        with driver.session(database=target.database) as session:
            return write, len(rows), session.execute_write(_write_batch, write.cypher, rows)

    batches = [(write, rows) for write in writes for rows in shards_of(write.rows, batch_size)]
    with ThreadPoolExecutor(writers) as pool:
        for write, rows, done in pool.map(lambda batch: send(*batch), batches):
            getattr(summary, write.change)[write.counted_as] += done
            bar.update(rows)


def graph_paper_ids(graph: nx.MultiDiGraph) -> list[str]:
    """The ids of the graph's papers, sorted."""
    return sorted(attrs[NODE_KEYS[PAPER.name]] for _, attrs in graph.nodes(data=True) if attrs[KIND] == PAPER.name)


def shares_a_paper(session: Session, paper_ids: Sequence[str]) -> bool:
    """Whether the database holds a kg ``Paper`` with one of these ids (an index seek each, the
    key's uniqueness constraint being in place), or holds no kg ``Paper`` at all."""
    label, key = _names((PAPER.name,)), NODE_KEYS[PAPER.name]
    cypher = (f"OPTIONAL MATCH (some{label}) WITH some IS NULL AS empty LIMIT 1 "
              f"OPTIONAL MATCH (p{label}) WHERE p.{key} IN $ids RETURN empty OR p IS NOT NULL AS ok LIMIT 1")
    return session.execute_read(lambda tx: tx.run(cypher, ids=list(paper_ids)).single()["ok"])


def refuse_a_wipe(session: Session, graph: nx.MultiDiGraph) -> None:
    """:class:`ExportRefused` when exporting ``graph`` would remove every kg paper the database
    holds: a graph without papers, or one sharing none with the database (another corpus, the
    wrong file). ``kg export neo4j --replace`` skips this check."""
    ids = graph_paper_ids(graph)
    if not ids:
        raise ExportRefused("the graph holds no paper: exporting it would remove every kg paper and concept "
                            "from the database; add --replace to do that")
    if not shares_a_paper(session, ids):
        raise ExportRefused(f"no paper of the graph ({len(ids):,}) is among the kg papers in the database: "
                            "exporting it would replace them all; add --replace to do that")


def export_graph(graph: nx.MultiDiGraph, target: Neo4jTarget, batch_size: int = BATCH_SIZE,
                 show_progress: bool = False, replace: bool = False) -> SyncSummary:
    """Make the database's kg part equal to ``graph``, writing only the difference; return what changed.

    Unless ``replace``, a graph that would remove every kg paper the database holds is refused
    (:func:`refuse_a_wipe`). Raises :class:`kg.errors.ServerProblem` (one line) when the server
    cannot be used and :class:`kg.schema.SchemaError` when the graph does not follow the schema.
    """
    check_graph(graph)
    summary = SyncSummary()
    started = time.perf_counter()
    with open_driver(target) as driver:
        with driver.session(database=target.database) as session:
            create_constraints(session)
            if not replace:
                refuse_a_wipe(session, graph)
            state = read_database(session)
        summary.read, summary.read_seconds = state.elements, time.perf_counter() - started
        diff = difference(graph, state)
        summary.unchanged = diff.unchanged
        with tqdm(total=diff.rows, unit="row", desc="neo4j", leave=False,
                  disable=None if show_progress else True) as bar:
            for writes, writers in diff.stages():
                _send(driver, target, writes, batch_size, writers, summary, bar)
    summary.seconds = time.perf_counter() - started
    return summary
