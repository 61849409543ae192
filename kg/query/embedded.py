"""The embedded engine: the built graph in LadybugDB, in-process, with no server and no Java.

``kg query`` runs here unless asked for Neo4j. The database is a single file beside the
graph it was loaded from (``exports/graph.json`` → ``exports/graph.lbdb``), built on first use
and rebuilt whenever the graph file changes (a stamp beside it records the graph file's hash,
the schema and the LadybugDB version), so a query never answers from a stale copy.

How the schema becomes tables (all names from :mod:`kg.schema`): LadybugDB is schema-first and
a node lives in exactly one table, so there is one ``Paper`` table and one ``Concept`` table
(the concept's type label is its ``type`` property, ``Benchmark`` its ``benchmark`` property);
one relationship table per relation type. The named queries therefore select a concept type by
``c.type``, which Neo4j answers the same way. Keys are primary keys (a hash index), so a
look-up ``MATCH (c:Concept {key: k})`` is an index seek here as it is in Neo4j.

The database is opened read-only: it is a copy of the graph file, and a write would be lost at
the next rebuild; a query that writes is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from kg.errors import InputError, QueryError
from kg.query.results import QueryResult
from kg.schema import (
    BOOL,
    FLOAT,
    INT,
    INT_LIST,
    KIND,
    NODE_KEYS,
    NODE_KINDS,
    RELATION_ENDPOINTS,
    RELATIONS,
    STR,
    STR_LIST,
    Element,
    describe,
)

DATABASE_SUFFIX = ".lbdb"
STAMP_SUFFIX = ".lbdb.stamp"
_COLUMN_TYPES = {STR: "STRING", INT: "INT64", FLOAT: "DOUBLE", BOOL: "BOOLEAN",
                 STR_LIST: "STRING[]", INT_LIST: "INT64[]"}
_FROM, _TO = "from", "to"  # the column names COPY reads a relationship's ends from
_READ_ONLY = "read-only database"
_MIB = 1 << 20


def buffer_pool_bytes(size: int) -> int:
    """LadybugDB's memory (pages and a query's intermediate results) for a database file or a load
    of ``size`` bytes: four times that, at least 1 GiB and at most 8 GiB (its default, 80 % of the
    machine's memory, makes opening slow; 2 × the file ran out on tasks_sharing_methods at 20k).

    >>> buffer_pool_bytes(5 << 20) >> 20, buffer_pool_bytes(1 << 30) >> 20
    (1024, 4096)
    """
    return min(max(1024 * _MIB, 4 * size), 8192 * _MIB)


def database_path(graph_file: Path) -> Path:
    """Where the embedded database of ``graph_file`` lives: beside it, ``graph.lbdb``."""
    return graph_file.with_suffix(DATABASE_SUFFIX)


def _quoted(name: str) -> str:
    # schema names only (never user input); some are Cypher keywords in LadybugDB ("starts")
    return f"`{name}`"


def _arrow_type(pa, prop_type: str):
    return {STR: pa.string(), INT: pa.int64(), FLOAT: pa.float64(), BOOL: pa.bool_(),
            STR_LIST: pa.list_(pa.string()), INT_LIST: pa.list_(pa.int64())}[prop_type]


def table_statements() -> list[str]:
    """The ``CREATE … TABLE`` statements of the schema.

    >>> table_statements()[0][:45]
    'CREATE NODE TABLE `Paper`(`id` STRING PRIMARY'
    """
    statements = []
    for element in NODE_KINDS.values():
        columns = [f"{_quoted(p.name)} {_COLUMN_TYPES[p.type]}"
                   + (" PRIMARY KEY" if p.name == NODE_KEYS[element.name] else "") for p in element.properties]
        statements.append(f"CREATE NODE TABLE {_quoted(element.name)}({', '.join(columns)})")
    for name, element in RELATIONS.items():
        start, end = RELATION_ENDPOINTS[name]
        columns = [f"FROM {_quoted(start)} TO {_quoted(end)}"]
        columns += [f"{_quoted(p.name)} {_COLUMN_TYPES[p.type]}" for p in element.properties]
        statements.append(f"CREATE REL TABLE {_quoted(name)}({', '.join(columns)})")
    return statements


def _stamp(graph_file: Path) -> str:
    """What the database was built from: the graph file's bytes, the schema, the engine version."""
    import ladybug

    digest = hashlib.sha256()
    with graph_file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return json.dumps({"graph_sha256": digest.hexdigest(), "ladybug": ladybug.__version__,
                       "schema": hashlib.sha256(describe().encode()).hexdigest()}, sort_keys=True)


def _columns(element: Element, rows: list[Mapping[str, Any]], ends: tuple[list, list] | None = None):
    import pyarrow as pa

    arrays, names = [], []
    if ends is not None:
        arrays += [pa.array(ends[0], pa.string()), pa.array(ends[1], pa.string())]
        names += [_FROM, _TO]
    for prop in element.properties:
        arrays.append(pa.array([row.get(prop.name) for row in rows], _arrow_type(pa, prop.type)))
        names.append(prop.name)
    return pa.Table.from_arrays(arrays, names=names)


def load_graph(graph, path: Path, size_hint: int = 0) -> None:
    """Write the canonical graph ``graph`` into a new LadybugDB database file at ``path``
    (``size_hint``: the bytes of the file it came from, to size the page cache)."""
    import ladybug

    database = ladybug.Database(str(path), buffer_pool_size=buffer_pool_bytes(size_hint))
    try:
        connection = ladybug.Connection(database)
        for statement in table_statements():
            connection.execute(statement)
        for kind, element in NODE_KINDS.items():
            rows = [attrs for _, attrs in sorted(graph.nodes(data=True)) if attrs[KIND] == kind]
            connection.execute(f"COPY {_quoted(kind)} FROM $rows", {"rows": _columns(element, rows)})
        by_relation: dict[str, list] = {relation: [] for relation in RELATIONS}
        for source, target, relation, attrs in graph.edges(keys=True, data=True):
            by_relation[relation].append((source, target, attrs))
        for relation, element in RELATIONS.items():
            edges = sorted(by_relation.pop(relation), key=lambda edge: edge[:2])
            key_of = [NODE_KEYS[kind] for kind in RELATION_ENDPOINTS[relation]]
            ends = ([graph.nodes[s][key_of[0]] for s, _, _ in edges], [graph.nodes[t][key_of[1]] for _, t, _ in edges])
            table = _columns(element, [attrs for _, _, attrs in edges], ends)
            connection.execute(f"COPY {_quoted(relation)} FROM $rows", {"rows": table})
        connection.close()
    finally:
        database.close()


def ensure_database(graph_file: Path, *, show: Callable[[str], None] | None = None) -> Path:
    """The embedded database of ``graph_file``, (re)built when missing or out of date.

    A rebuild writes a new file beside the old and renames it into place, so a reader never
    opens a half-written database and an interrupted rebuild leaves the old one.
    """
    from kg.export import read_graph

    if not graph_file.is_file():
        raise InputError(f"no graph at {graph_file}: run `kg build` first (or give --graph FILE)")
    path, stamp_path = database_path(graph_file), graph_file.with_suffix(STAMP_SUFFIX)
    stamp = _stamp(graph_file)
    if path.is_file() and stamp_path.is_file() and stamp_path.read_text(encoding="utf-8") == stamp:
        return path
    if show is not None:
        show(f"loading {graph_file} into the embedded engine ({path.name}) …")
    try:
        graph = read_graph(graph_file)
    except (ValueError, OSError) as error:
        raise InputError(f"cannot read the graph {graph_file}: {error}") from None
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(handle)
    os.unlink(temporary)  # LadybugDB creates the file itself
    try:
        load_graph(graph, Path(temporary), size_hint=graph_file.stat().st_size)
        os.replace(temporary, path)
        stamp_path.write_text(stamp, encoding="utf-8")
    finally:
        for leftover in (Path(temporary), Path(temporary + ".wal")):
            leftover.unlink(missing_ok=True)
    return path


# Spellings that differ between Neo4j's Cypher and LadybugDB's, outside string literals and
# comments (a comment is skipped whole: an apostrophe in "// the paper's id" opens no literal).
_STRING_OR_CODE = re.compile(r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/)"
                             r"|([^'\"`/]+|['\"`/])", re.S)
_DIALECT = ((re.compile(r"\btype\s*\(", re.I), "label("),)


_READS_FILES = re.compile(r"(?<![.\w])(LOAD\s+(?:FROM|CSV|EXTENSION)|INSTALL|ATTACH|IMPORT\s+DATABASE)\b", re.I)


def ladybug_dialect(cypher: str) -> str:
    """``cypher`` with Neo4j's spelling of a function replaced by LadybugDB's: ``type(r)`` is
    ``label(r)`` there. String literals, quoted names and comments are left alone. A clause that reads
    files or fetches code (``LOAD FROM``, ``LOAD CSV``, ``INSTALL`` …) is refused: queries
    answer from the graph, as the local Neo4j, which forbids file URLs, does.

    >>> ladybug_dialect("RETURN type(r) AS t, 'type(x)' AS s")
    "RETURN label(r) AS t, 'type(x)' AS s"
    >>> ladybug_dialect("// the task's type(r)\\nRETURN type(r) AS t, 4 / 2 AS n, 'x' AS s")
    "// the task's type(r)\\nRETURN label(r) AS t, 4 / 2 AS n, 'x' AS s"
    >>> ladybug_dialect("LOAD FROM '/etc/passwd' RETURN *")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: refused: LOAD FROM reads files; kg's queries answer from the graph only
    """
    out = []
    for literal, code in _STRING_OR_CODE.findall(cypher):
        if literal:
            out.append(literal)
            continue
        reads = _READS_FILES.search(code)
        if reads:
            clause = " ".join(reads.group(1).upper().split())
            raise QueryError(f"refused: {clause} reads files; kg's queries answer from the graph only")
        for pattern, replacement in _DIALECT:
            code = pattern.sub(replacement, code)
        out.append(code)
    return "".join(out)


_PLAN_COLUMN = "explain result"
"""The one column LadybugDB answers ``EXPLAIN …`` and ``PROFILE …`` with: the plan, drawn."""


@dataclass
class EmbeddedEngine:
    """A read-only connection to the embedded database of one graph file."""

    graph_file: Path
    show: Callable[[str], None] | None = None
    """Told when the database is (re)built, which can take a while on a large graph."""
    name: str = "embedded"

    def __post_init__(self) -> None:
        import ladybug

        path = ensure_database(self.graph_file, show=self.show)
        self._database = ladybug.Database(str(path), read_only=True,
                                          buffer_pool_size=buffer_pool_bytes(path.stat().st_size))
        self._connection = ladybug.Connection(self._database)

    def run(self, cypher: str, parameters: Mapping[str, Any], allow_write: bool = False) -> QueryResult:
        """The rows of ``cypher``; :class:`QueryError` if the engine refuses or fails it."""
        text = ladybug_dialect(cypher)
        try:
            result = self._connection.execute(text, dict(parameters))
        except RuntimeError as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            if _READ_ONLY in message:
                raise QueryError("refused: the embedded engine is read-only (it is a copy of the graph file, "
                                 "rebuilt when the graph changes); write with --engine neo4j") from None
            raise QueryError(f"embedded engine: {message}") from None
        columns = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append([plain(value) for value in result.get_next()])
        if columns == [_PLAN_COLUMN] and len(rows) == 1 and isinstance(rows[0][0], str):  # EXPLAIN / PROFILE
            return QueryResult(["plan"], rows, text=rows[0][0])
        return QueryResult(columns, rows)

    def close(self) -> None:
        self._connection.close()
        self._database.close()

    def __enter__(self) -> "EmbeddedEngine":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_NODE_FIELDS = ("_ID", "_LABEL")
_REL_FIELDS = ("_ID", "_LABEL", "_SRC", "_DST")


def plain(value: Any) -> Any:
    """A LadybugDB value as the Neo4j runner gives it: nodes → {labels, properties},
    relationships → {type, properties}, paths → their nodes, dates → ISO text."""
    if isinstance(value, dict) and "_NODES" in value and "_RELS" in value:
        return [plain(node) for node in value["_NODES"]]
    if isinstance(value, dict) and "_LABEL" in value and "_SRC" in value:
        return {"type": value["_LABEL"], **{k: plain(v) for k, v in value.items()
                                           if k not in _REL_FIELDS and v is not None}}
    if isinstance(value, dict) and "_LABEL" in value:
        return {"labels": [value["_LABEL"]], **{k: plain(v) for k, v in value.items()
                                               if k not in _NODE_FIELDS and v is not None}}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
