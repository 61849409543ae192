"""Neo4j bulk-import CSVs (``neo4j-admin database import full``), straight from the records.

For graphs too big to hold as one NetworkX graph: the files are written from the papers,
concepts and mentions extraction gives and from the sparse ``RELATED_TO`` projection, so the
build never assembles the graph. They follow ``kg.schema`` as every sink does: the same
labels, relation types and property names, typed in the header (``paper_count:long``,
``aliases:string[]`` …), identity in ``id:ID(Paper)`` and ``key:ID(Concept)``.

Files (each with its header as the first line):

- ``papers.csv``, ``concepts.csv``: nodes, ``:LABEL`` holds every label of the node;
- ``mentions.csv``: Paper→Concept relations with their evidence, ``:TYPE`` the relation;
- ``related.csv``: ``RELATED_TO`` between papers, once per pair from the smaller id.

Arrays are joined by U+001F (a character XML forbids, so the reader replaced it in every text
and it can never be part of a value); strings are always quoted, so an empty string stays a
string; an absent optional property is an empty cell. Import with :data:`IMPORT_COMMAND`.
Neo4j's importer reads an array cell that is empty, quoted or not, as no property, so an
empty list (a paper without authors) and a list of one empty string (the ``triggers`` of a
lone mention no cue decided) are absent after an import: :func:`imported_properties` counts
what an import holds.
"""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from kg.assemble import LinkSettings, concept_properties, graph_edges, paper_properties
from kg.errors import BulkCsvError
from kg.export.files import atomic_output
from kg.records import Concept, Mention, Paper
from kg.schema import (
    BOOL,
    CONCEPT,
    FLOAT,
    INT,
    INT_LIST,
    KIND,
    NODE_KEYS,
    PAPER,
    PAPER_CONCEPT_RELATIONS,
    RELATED_TO,
    RELATIONS,
    STR_LIST,
    Element,
    node_labels,
)

ARRAY_DELIMITER = "\x1f"
FILES = {"papers": "papers.csv", "concepts": "concepts.csv", "mentions": "mentions.csv", "related": "related.csv"}
IMPORT_COMMAND = (
    "neo4j-admin database import full neo4j --array-delimiter=U+001F --multiline-fields=true "
    "--nodes=papers.csv --nodes=concepts.csv --relationships=mentions.csv --relationships=related.csv"
)
"""Run in the folder of the files (Neo4j stopped; ``--overwrite-destination`` to replace a database)."""

_HEADER_TYPES = {INT: "long", FLOAT: "double", BOOL: "boolean", STR_LIST: "string[]", INT_LIST: "long[]"}
_EVIDENCE = RELATIONS[PAPER_CONCEPT_RELATIONS[0]]  # every Paper→Concept relation has the same properties
_RELATED = RELATIONS[RELATED_TO]



def _column(element: Element, name: str) -> str:
    prop = element.prop(name)
    if name == NODE_KEYS.get(element.name):
        return f"{name}:ID({element.name})"
    suffix = _HEADER_TYPES.get(prop.type)
    return f"{name}:{suffix}" if suffix else name


def node_header(element: Element) -> list[str]:
    """The header of a node file: the identity column, every declared property, ``:LABEL``.

    >>> node_header(CONCEPT)[:4]
    ['key:ID(Concept)', 'name', 'type', 'benchmark:boolean']
    """
    return [_column(element, p.name) for p in element.properties] + [":LABEL"]


def relation_header(element: Element, start: str, end: str) -> list[str]:
    """The header of a relationship file: endpoints in their id spaces, ``:TYPE``, properties."""
    return [f":START_ID({start})", f":END_ID({end})", ":TYPE"] + [_column(element, p.name) for p in element.properties]


def csv_cell(value: Any) -> str:
    r"""A value as ``neo4j-admin`` reads it back: absent as an empty cell, strings and lists
    quoted (so an empty string stays one), numbers bare, booleans in lower case.

    >>> [csv_cell(v) for v in (None, 'a "b" c', 3, 0.5, True, ["a", "b"])]
    ['', '"a ""b"" c"', '3', '0.5', 'true', '"a\x1fb"']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        items = [str(item) for item in value]
        if any(ARRAY_DELIMITER in item for item in items):
            raise BulkCsvError(f"a list value holds the array delimiter U+001F: {value!r}")
        value = ARRAY_DELIMITER.join(items)
    return '"' + value.replace('"', '""') + '"'


class _Writer:
    """One bulk-import file: the header, then a line per row."""

    def __init__(self, handle: IO[str], header: list[str]):
        self.handle = handle
        self.row(header)

    def row(self, values: Iterable[Any]) -> None:
        self.handle.write(",".join(csv_cell(value) for value in values) + "\n")


def _node_rows(element: Element, records: Iterable[dict]) -> Iterator[list[Any]]:
    for props in records:
        labels = node_labels({KIND: element.name, **props})
        yield [props.get(p.name) for p in element.properties] + [ARRAY_DELIMITER.join(labels)]


@dataclass
class BulkCsv:
    """The files written and the relationships in them, by type."""

    paths: list[Path]
    relations: Counter = field(default_factory=Counter)


def write_bulk_csv(papers: Iterable[Paper], concepts: Mapping[str, Concept], mentions: Iterable[Mention],
                   out_dir: Path, links: LinkSettings = LinkSettings()) -> BulkCsv:
    """Write the four bulk-import files of a graph into ``out_dir``, each atomically.

    The same records give the same bytes, and the files hold exactly what
    :func:`kg.assemble.build_graph` would put in the graph.
    """
    paths = {name: out_dir / file_name for name, file_name in FILES.items()}
    written = BulkCsv(list(paths.values()))
    papers = sorted(papers, key=lambda p: p.id)
    with atomic_output(paths["papers"]) as handle:
        writer = _Writer(handle, node_header(PAPER))
        for row in _node_rows(PAPER, (paper_properties(p) for p in papers)):
            writer.row(row)
    with atomic_output(paths["concepts"]) as handle:
        writer = _Writer(handle, node_header(CONCEPT))
        for row in _node_rows(CONCEPT, (concept_properties(concepts[key]) for key in sorted(concepts))):
            writer.row(row)
    with ExitStack() as files:
        evidence = _Writer(files.enter_context(atomic_output(paths["mentions"])),
                           relation_header(_EVIDENCE, PAPER.name, CONCEPT.name))
        related = _Writer(files.enter_context(atomic_output(paths["related"])),
                          relation_header(_RELATED, PAPER.name, PAPER.name))
        for source, target, relation, properties in graph_edges(mentions, len(papers), links):
            writer, element = (related, _RELATED) if relation == RELATED_TO else (evidence, _EVIDENCE)
            writer.row([source, target, relation, *(properties[p.name] for p in element.properties)])
            written.relations[relation] += 1
    return written


def imported_properties(attrs: Mapping[str, Any]) -> int:
    """How many of an element's properties a bulk import stores (see the module docstring).

    >>> imported_properties({"id": "p1", "authors": [], "triggers": [""], "texts": ["", ""]})
    2
    """
    return sum(1 for value in attrs.values() if value is not None and value != [] and value != [""])
