"""The named Cypher queries of ``queries/*.cypher``: their questions, parameters and text.

Each file is one question. It starts with ``//`` comment lines: the first says what it
answers, the others explain; a line ``// param NAME (TYPE, default VALUE): meaning`` declares
an optional parameter, ``// param NAME (TYPE, e.g. VALUE): meaning`` a required one. TYPE is
``str``, ``int``, ``float``, ``list[str]`` (comma-separated on the command line), ``month``
(``YYYY-MM``, or ``latest``: the query takes the graph's latest month), ``concept_type``
(``any``, or one of :data:`kg.schema.CONCEPT_TYPES`) or ``concept``: a
concept's name, key or alias, which :func:`kg.query.run.run_named` turns into the list of
concept keys it means before the query runs, so the query looks concepts up by key (an index
seek on Neo4j, a primary-key look-up on the embedded engine): ``UNWIND $concept AS wanted
MATCH (c:Concept) WHERE c.key = wanted``.

A query has one text for every engine, unless ``queries/ENGINE/NAME.cypher`` exists (with
the same header): then that engine runs that text. Only what the dialects cannot share lives
there (LadybugDB has no ``allShortestPaths``).

>>> p = Parameter("limit", "int", required=False, value="10", doc="rows")
>>> p.parse("25")
25
>>> p.parse("-1")
Traceback (most recent call last):
kg.errors.QueryError: parameter limit: -1 is negative (a named query's numbers count rows or papers)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Mapping

from kg.errors import QueryError
from kg.schema import CONCEPT_TYPES

_PARAM_LINE = re.compile(r"^//\s*param\s+(\w+)\s+\((str|int|float|list\[str\]|month|concept_type|concept),\s*(default|e\.g\.)\s+(.*?)\):\s*(.*)$")
LATEST_MONTH = "latest"
"""A ``month`` parameter's value meaning "the latest month any paper of the graph is from"."""
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> str:
    """A ``month`` parameter: ``YYYY-MM`` (as ``left(p.published, 7)`` gives it) or ``latest``.

    >>> parse_month("2025-03"), parse_month("latest")
    ('2025-03', 'latest')
    >>> parse_month("2025-3")
    Traceback (most recent call last):
    ...
    ValueError: not YYYY-MM or latest
    """
    if text == LATEST_MONTH or _MONTH.match(text):
        return text
    raise ValueError("not YYYY-MM or latest")


ANY_CONCEPT_TYPE = "any"
"""A ``concept_type`` parameter's value meaning "every type"."""


def parse_concept_type(text: str) -> str:
    """A ``concept_type`` parameter: ``any`` or one concept type, so a misspelt type is an error,
    not an empty answer.

    >>> parse_concept_type("dataset")
    'dataset'
    >>> parse_concept_type("datasets")
    Traceback (most recent call last):
    ...
    ValueError: not any or one of method, model, dataset, task
    """
    if text == ANY_CONCEPT_TYPE or text in CONCEPT_TYPES:
        return text
    raise ValueError(f"not {ANY_CONCEPT_TYPE} or one of {', '.join(CONCEPT_TYPES)}")


_PARSERS = {
    "str": str,
    "int": int,
    "float": float,
    "list[str]": lambda text: [item.strip() for item in text.split(",") if item.strip()],
    "month": parse_month,
    "concept_type": parse_concept_type,
    "concept": str,  # resolved to keys by kg.query.run, which needs the engine
}
_EXPECTED = {"month": "a month (YYYY-MM, or latest)",
             "concept_type": f"{ANY_CONCEPT_TYPE} or one of {', '.join(CONCEPT_TYPES)}"}
"""What a parameter of a type must be, as a usage error says it."""
CONCEPT_TYPE = "concept"
CYPHER_INT_RANGE = (-2**63, 2**63 - 1)
"""The integers a Cypher parameter can hold (64-bit, on both engines): a value outside is a
usage error here, not an engine's cryptic cast failure."""
ENGINES = ("embedded", "neo4j")
"""Where a named query can run: the embedded engine (:mod:`kg.query.embedded`) or a Neo4j server."""



@dataclass(frozen=True)
class Parameter:
    """A declared query parameter: its type, and its default (optional) or an example (required)."""

    name: str
    type: str
    required: bool
    value: str
    doc: str

    def parse(self, text: str) -> Any:
        try:
            value = _PARSERS[self.type](text)
        except ValueError:
            raise QueryError(f"parameter {self.name}: {text!r} is not {_EXPECTED.get(self.type, self.type)}") from None
        _check_int_range(self.name, value)
        if self.type == "int" and value < 0:
            raise QueryError(f"parameter {self.name}: {value} is negative (a named query's numbers count rows or papers)")
        return value

    def usage(self) -> str:
        return f"{self.name}={self.value}" if self.required else f"[{self.name}={self.value}]"


@dataclass(frozen=True)
class NamedQuery:
    """One ``queries/NAME.cypher`` file: its question, parameters and Cypher text."""

    name: str
    purpose: str
    description: str
    parameters: tuple[Parameter, ...]
    cypher: str
    variants: Mapping[str, str] = field(default_factory=dict)
    """Engine name → that engine's own text, where the dialects differ too much for one."""

    def text_for(self, engine: str) -> str:
        """The Cypher text ``engine`` runs."""
        return self.variants.get(engine, self.cypher)

    def bind(self, given: Mapping[str, str]) -> dict[str, Any]:
        """Typed parameter values from ``key=value`` strings, defaults filled in."""
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise QueryError(f"{self.name} takes no parameter {', '.join(unknown)} "
                             f"(it takes: {', '.join(declared) or 'none'})")
        values = {}
        for parameter in self.parameters:
            if parameter.name in given:
                values[parameter.name] = parameter.parse(given[parameter.name])
            elif parameter.required:
                raise QueryError(f"{self.name} needs --param {parameter.name}=… (e.g. {parameter.value})")
            else:
                values[parameter.name] = parameter.parse(parameter.value)
        return values


def parse_query(name: str, text: str) -> NamedQuery:
    """A :class:`NamedQuery` from a file's text; :class:`QueryError` if its header is missing."""
    header = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        header.append(line)
    parameters, notes = [], []
    for line in header:
        match = _PARAM_LINE.match(line)
        if match:
            pname, ptype, kind, value, doc = match.groups()
            parameters.append(Parameter(pname, ptype, kind == "e.g.", value, doc))
        else:
            notes.append(line[2:].strip())
    if not notes or not notes[0]:
        raise QueryError(f"query {name}: the first line must be a // comment saying what it answers")
    return NamedQuery(name, notes[0], " ".join(n for n in notes[1:] if n), tuple(parameters), text)


def load_queries(directory: Path | Traversable | None = None) -> dict[str, NamedQuery]:
    """Every ``*.cypher`` file in ``directory`` (default: the installed ``kg.queries``, i.e. the
    project's ``queries/``) by name, the file name without ``.cypher``. Finding none is an error:
    an install without its queries must say so, not list nothing."""
    folder = directory if directory is not None else files("kg.queries")
    paths = sorted((path for path in folder.iterdir() if path.name.endswith(".cypher")), key=lambda p: p.name)
    if not paths:
        raise QueryError(f"no named queries (*.cypher) in {folder}: the kg install is incomplete")
    queries = {}
    for path in paths:
        name = path.name.removesuffix(".cypher")
        query = parse_query(name, path.read_text(encoding="utf-8"))
        variants = {}
        for engine in ENGINES:
            variant = folder / engine / path.name
            if variant.is_file():
                text = variant.read_text(encoding="utf-8")
                if parse_query(name, text).parameters != query.parameters:
                    raise QueryError(f"query {name}: {engine}/{path.name} declares other parameters than {path.name}")
                variants[engine] = text
        queries[name] = NamedQuery(query.name, query.purpose, query.description, query.parameters, query.cypher,
                                   variants)
    return queries


def parse_assignments(values: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["key=value", ...]`` → ``{"key": "value"}``; the value may itself contain '='."""
    out = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"{value!r}: use KEY=VALUE")
        out[key.strip()] = text
    return out


def adhoc_parameters(given: Mapping[str, str]) -> dict[str, Any]:
    """An ad-hoc query's parameters: ``key=value`` is a string, ``key:=value`` is JSON (a number,
    list, true ...), as in HTTPie, so "25" stays a string unless asked for.

    >>> adhoc_parameters({"name": "25", "limit:": "25"})
    {'name': '25', 'limit': 25}
    """
    values = {}
    for key, text in given.items():
        if key.endswith(":"):
            try:
                values[key[:-1]] = json.loads(text)
            except ValueError:
                raise QueryError(f"parameter {key[:-1]}: {text!r} is not JSON") from None
            _check_int_range(key[:-1], values[key[:-1]])
        else:
            values[key] = text
    return values


def _check_int_range(name: str, value: Any) -> None:
    """:class:`QueryError` if ``value`` is, or holds (in a list or map), an integer outside
    :data:`CYPHER_INT_RANGE`.

    >>> _check_int_range("ids", [1, {"n": 2**63}])
    Traceback (most recent call last):
    kg.errors.QueryError: parameter ids: 9223372036854775808 is outside the 64-bit integer range a Cypher parameter holds
    """
    if isinstance(value, list):
        for item in value:
            _check_int_range(name, item)
    elif isinstance(value, dict):
        for item in value.values():
            _check_int_range(name, item)
    elif isinstance(value, int) and not isinstance(value, bool):
        low, high = CYPHER_INT_RANGE
        if not low <= value <= high:
            raise QueryError(f"parameter {name}: {value} is outside the 64-bit integer range a Cypher parameter holds")


def typed_value_hint(given: Mapping[str, str]) -> str:
    """When a failed ad-hoc query was given ``key=value`` parameters that read as numbers, lists
    or booleans: a hint that ``=`` passes text and ``:=`` the typed value; else ''.

    >>> typed_value_hint({"n": "5", "name": "BERT", "k:": "3"})
    "; -p n=5 passes the text '5': -p n:=5 passes the number (JSON)"
    """
    hints = []
    for key, text in given.items():
        if key.endswith(":"):
            continue
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if not isinstance(value, str) and value is not None:
            kind = "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__
            kind = {"list": "list", "bool": "boolean", "dict": "map"}.get(kind, kind)
            hints.append(f"-p {key}={text} passes the text {text!r}: -p {key}:={text} passes the {kind} (JSON)")
    return "; " + "; ".join(hints) if hints else ""
