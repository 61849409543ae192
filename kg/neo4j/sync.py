"""Neo4j sink: an exact, idempotent, batched sync of the canonical graph into a database.

After :func:`export_graph` the database's ``Paper``/``Concept`` nodes and kg relationships
equal the graph: same labels, same properties (exactly those ``kg.schema`` declares, lists as
native lists) and nothing more, whatever was there before. How:

1. uniqueness constraints on ``Paper.id`` and ``Concept.key``, first, so every MERGE is an
   index look-up (without them each MERGE scans a label);
2. nodes, then relationships, as ``UNWIND $rows … MERGE … SET x = row`` in batches, one
   managed transaction per batch (the driver retries transient errors); data travels only as
   parameters; labels and relation types, which Cypher cannot take as parameters, come from the
   schema's whitelist; an element already equal to its row keeps its stored properties;
3. every element written gets this export's id in ``kg_build`` (declared in
   ``kg.schema.SINK_NEO4J_EXTRAS``); then kg relationships and nodes carrying another id are
   deleted (mark and sweep).

So a second export of the same graph changes nothing, a later build's export adds, updates and
removes exactly the difference, and a load killed halfway is repaired by the next export (the
killed run's marks are simply another build's).

A first load, into a database holding no ``Paper`` or ``Concept`` node, has nothing to compare
or sweep: it runs ``UNWIND … CREATE`` instead, with ``WRITERS`` transactions in flight at once
(creating relationships between existing nodes takes no lock another batch waits on). If it is
killed, the database is no longer empty, so the next export takes the MERGE path and repairs it.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Sequence

import networkx as nx
from neo4j import Driver, ManagedTransaction, Session
from tqdm import tqdm

from kg.errors import ExportRefused
from kg.export.graphml import sorted_edges
from kg.neo4j.connection import Neo4jTarget, open_driver
from kg.parallel import shards_of
from kg.schema import (
    BENCHMARK_LABEL,
    CONCEPT,
    KIND,
    LABELS,
    NEO4J_BUILD,
    NODE_KEYS,
    NODE_KINDS,
    NODE_LABELS,
    PAPER,
    RELATIONS,
    RELATION_ENDPOINTS,
    TYPE_LABELS,
    check_graph,
    node_labels,
)

BATCH_SIZE = 2_500
"""Rows per transaction: big enough to amortise a round trip, small enough for a modest heap
and for ``WRITERS`` batches to overlap on a first load."""

WRITERS = 2
"""Transactions in flight at once on a first load (one sends while the server writes another)."""

SWEEP_BATCH = 10_000
CONCEPT_TYPE_LABELS = (*TYPE_LABELS.values(), BENCHMARK_LABEL)


@dataclass(frozen=True)
class Write:
    """All nodes of one label set, or all relationships of one type, with the statement that
    syncs them (``UNWIND … MERGE``) and the one that creates them in an empty database
    (``UNWIND … CREATE``). ``counted_as`` is the kind or relation type the summary uses."""

    counted_as: str
    merge_cypher: str
    create_cypher: str
    rows: list[dict]
    parameters: dict = field(default_factory=dict)


@dataclass
class SyncSummary:
    """What an export did, per node kind and relation type."""

    build: str
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def count(self, counted_as: str, changes: Counter) -> None:
        """Add a batch's ``{'created': n, 'updated': n, 'unchanged': n}`` under a kind or type."""
        for change, rows in changes.items():
            getattr(self, change)[counted_as] += rows

    @property
    def rows(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.removed)

    def lines(self) -> list[str]:
        def part(names: Sequence[str]) -> str:
            counts = [(name, sum(c[n] for n in names)) for name, c in
                      (("created", self.created), ("updated", self.updated),
                       ("unchanged", self.unchanged), ("removed", self.removed))]
            return ", ".join(f"{name} {count}" for name, count in counts)

        rate = self.rows / self.seconds if self.seconds else 0.0
        return [
            "nodes: " + part(tuple(NODE_KINDS)),
            "relationships: " + part(tuple(RELATIONS)),
            f"seconds: {self.seconds:.1f} ({self.rows} rows, {rate:,.0f} rows/s); build {self.build}",
        ]


def _names(names: Sequence[str]) -> str:
    """``:A:B`` for labels or relation types, refusing anything the schema does not declare."""
    for name in names:
        if name not in NODE_LABELS and name not in RELATIONS:
            raise ValueError(f"{name!r} is not a label or relation type declared in kg.schema")
    return "".join(f":`{name}`" for name in names)


def _change(variable: str, row: str, with_labels: bool) -> str:
    """Cypher classifying an element before it is overwritten: 'created' (kg never wrote it),
    'unchanged' (same properties and labels as the row) or 'updated'."""
    same_labels = (f" AND size(labels({variable})) = size($labels)"
                   f" AND all(label IN $labels WHERE label IN labels({variable}))") if with_labels else ""
    return (f"CASE WHEN {variable}.{NEO4J_BUILD} IS NULL THEN 'created'"
            f" WHEN size(keys({variable})) = size(keys({row})) + 1"
            f" AND all(k IN keys({row}) WHERE {variable}[k] = {row}[k]){same_labels}"
            f" THEN 'unchanged' ELSE 'updated' END")


def _overwrite(variable: str, properties: str, clauses: Sequence[str] = ()) -> list[str]:
    """Replace the element's properties (and run ``clauses``) only when it changed, then mark it.

    An unchanged element keeps its stored properties untouched: re-exporting a graph then
    writes one small property per element instead of every abstract and evidence list again.
    """
    rewrite = " ".join((f"SET {variable} = {properties}", *clauses))
    return [f"FOREACH (_ IN CASE WHEN change = 'unchanged' THEN [] ELSE [1] END | {rewrite})",
            f"SET {variable}.{NEO4J_BUILD} = $build",
            "RETURN change, count(*) AS rows"]


def node_cypher(labels: tuple[str, ...]) -> str:
    """The statement writing nodes with exactly ``labels``: MERGE on the kind's key, replace
    all properties, and for concepts reset the type labels (a concept's type can change)."""
    _names(labels)  # refuse anything off the whitelist before building any text
    kind = labels[0]
    key = NODE_KEYS[kind]
    clauses = []
    if kind == CONCEPT.name:
        clauses.append(f"REMOVE n{_names(CONCEPT_TYPE_LABELS)}")
    if labels[1:]:
        clauses.append(f"SET n{_names(labels[1:])}")
    return "\n".join([
        "UNWIND $rows AS row",
        f"MERGE (n{_names((kind,))} {{{key}: row.{key}}})",
        f"WITH n, row, {_change('n', 'row', with_labels=True)} AS change",
        *_overwrite("n", "row", clauses),
    ])


def _endpoints(relation: str) -> list[str]:
    source, target = RELATION_ENDPOINTS[relation]
    return ["UNWIND $rows AS row",
            f"MATCH (a{_names((source,))} {{{NODE_KEYS[source]}: row.source}})",
            f"MATCH (b{_names((target,))} {{{NODE_KEYS[target]}: row.target}})"]


def relationship_cypher(relation: str) -> str:
    """The statement writing relationships of one type between existing nodes, by their keys."""
    _names((relation,))
    return "\n".join([
        *_endpoints(relation),
        f"MERGE (a)-[r{_names((relation,))}]->(b)",
        f"WITH r, row, {_change('r', 'row.properties', with_labels=False)} AS change",
        *_overwrite("r", "row.properties"),
    ])


_CREATED = f"SET x.{NEO4J_BUILD} = $build RETURN 'created' AS change, count(*) AS rows"


def create_node_cypher(labels: tuple[str, ...]) -> str:
    """The first-load statement for nodes with exactly ``labels`` (no existing node to compare)."""
    return f"UNWIND $rows AS row CREATE (x{_names(labels)}) SET x = row {_CREATED}"


def create_relationship_cypher(relation: str) -> str:
    """The first-load statement for relationships of one type between nodes already created."""
    _names((relation,))
    return "\n".join([*_endpoints(relation),
                      f"CREATE (a)-[x{_names((relation,))}]->(b) SET x = row.properties {_CREATED}"])


def _declared(element_name: str, attrs: dict, elements: dict) -> dict:
    """The properties of a node or edge that the schema declares (``kind`` is a label, not a property)."""
    return {name: attrs[name] for name in elements[element_name].property_names if name in attrs}


def node_writes(graph: nx.MultiDiGraph) -> list[Write]:
    """One :class:`Write` per label set, rows sorted by key, so exports are reproducible."""
    groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for _, attrs in sorted(graph.nodes(data=True)):
        groups[node_labels(attrs)].append(_declared(attrs[KIND], attrs, NODE_KINDS))
    return [Write(labels[0], node_cypher(labels), create_node_cypher(labels), rows, {LABELS: list(labels)})
            for labels, rows in sorted(groups.items())]


def relationship_writes(graph: nx.MultiDiGraph) -> list[Write]:
    """One :class:`Write` per relation type, rows sorted by endpoints."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for source, target, relation, attrs in sorted_edges(graph):
        source_attrs, target_attrs = graph.nodes[source], graph.nodes[target]
        groups[relation].append({
            "source": source_attrs[NODE_KEYS[source_attrs[KIND]]],
            "target": target_attrs[NODE_KEYS[target_attrs[KIND]]],
            "properties": _declared(relation, attrs, RELATIONS),
        })
    return [Write(relation, relationship_cypher(relation), create_relationship_cypher(relation), groups[relation])
            for relation in sorted(groups)]


def create_constraints(session: Session) -> None:
    """Uniqueness of each node kind's key, created idempotently before any MERGE."""
    for kind, key in NODE_KEYS.items():
        cypher = (f"CREATE CONSTRAINT kg_{kind.lower()}_{key} IF NOT EXISTS "
                  f"FOR (n{_names((kind,))}) REQUIRE n.{key} IS UNIQUE")
        session.execute_write(lambda tx: tx.run(cypher).consume())


class _Rows(list):
    """A batch's rows with a one-line ``repr``: the driver (6.4) formats every parameter for its
    debug log even when debug logging is off, which cost a tenth of an export's client time and
    would put whole abstracts into a debug log."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _write_batch(tx: ManagedTransaction, cypher: str, rows: list[dict], build: str, parameters: dict) -> Counter:
    result = tx.run(cypher, rows=_Rows(rows), build=build, **parameters)
    return Counter({record["change"]: record["rows"] for record in result})


def holds_kg_nodes(session: Session) -> bool:
    """Whether the database has any ``Paper`` or ``Concept`` node (else an export is a first load)."""
    cypher = " UNION ".join(f"MATCH (n{_names((kind,))}) RETURN 1 AS found LIMIT 1" for kind in NODE_KINDS)
    return session.execute_read(lambda tx: tx.run(cypher).single() is not None)


def sweep_cypher(counted_as: str) -> str:
    """Delete, a batch at a time, kg nodes of one kind or kg relationships of one type that
    this export did not mark. Relationships are matched with their endpoint kinds, so a user's
    own relationships of the same type between other nodes are left alone."""
    stale = f"coalesce(x.{NEO4J_BUILD}, '') <> $build"
    if counted_as in RELATIONS:
        source, target = RELATION_ENDPOINTS[counted_as]
        match, delete = f"MATCH ({_names((source,))})-[x{_names((counted_as,))}]->({_names((target,))})", "DELETE x"
    else:
        match, delete = f"MATCH (x{_names((counted_as,))})", "DETACH DELETE x"
    return f"{match} WHERE {stale} WITH x LIMIT $limit {delete} RETURN count(*) AS removed"


def sweep(session: Session, build: str, batch_size: int = SWEEP_BATCH) -> Counter:
    """Remove what the export ``build`` did not write: relationships first, then nodes."""
    removed: Counter = Counter()
    for counted_as in (*RELATIONS, *NODE_KINDS):
        cypher = sweep_cypher(counted_as)
        while True:
            count = session.execute_write(
                lambda tx: tx.run(cypher, build=build, limit=batch_size).single(strict=True)["removed"])
            removed[counted_as] += count
            if count < batch_size:
                break
    return +removed


def _load(driver: Driver, target: Neo4jTarget, writes: list[Write], batch_size: int, first_load: bool,
          summary: SyncSummary, bar: tqdm) -> None:
    """Send every write's rows in batches, one managed transaction each (the driver retries
    transient errors); nodes before relationships. A first load keeps ``WRITERS`` in flight."""
    def send(write: Write, rows: list[dict]) -> tuple[Write, int, Counter]:
        cypher = write.create_cypher if first_load else write.merge_cypher
        with driver.session(database=target.database) as session:
            return write, len(rows), session.execute_write(_write_batch, cypher, rows, summary.build,
                                                           write.parameters)

    nodes = [write for write in writes if write.counted_as in NODE_KINDS]
    relationships = [write for write in writes if write.counted_as in RELATIONS]
    with ThreadPoolExecutor(WRITERS if first_load else 1) as pool:
        for stage in (nodes, relationships):
            batches = [(write, rows) for write in stage for rows in shards_of(write.rows, batch_size)]
            for write, rows, changes in pool.map(lambda batch: send(*batch), batches):
                summary.count(write.counted_as, changes)
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
    """Make the database's kg part equal to ``graph``; return what changed.

    Unless ``replace``, a graph that would remove every kg paper the database holds is refused
    (:func:`refuse_a_wipe`). Raises :class:`kg.errors.ServerProblem` (one line) when the server
    cannot be used and :class:`kg.schema.SchemaError` when the graph does not follow the schema.
    """
    check_graph(graph)
    writes = node_writes(graph) + relationship_writes(graph)
    summary = SyncSummary(build=uuid.uuid4().hex)
    started = time.perf_counter()
    with open_driver(target) as driver:
        with driver.session(database=target.database) as session:
            create_constraints(session)
            if not replace:
                refuse_a_wipe(session, graph)
            first_load = not holds_kg_nodes(session)
        total = sum(len(write.rows) for write in writes)
        with tqdm(total=total, unit="row", desc="neo4j", leave=False, disable=None if show_progress else True) as bar:
            _load(driver, target, writes, batch_size, first_load, summary, bar)
        if not first_load:
            with driver.session(database=target.database) as session:
                summary.removed = sweep(session, summary.build)
    summary.seconds = time.perf_counter() - started
    return summary
