"""Named Cypher queries from ``queries/*.cypher``, run read-only unless asked otherwise.

Each file is one question. It starts with ``//`` comment lines: the first says what it
answers, the others explain; a line ``// param NAME (TYPE, default VALUE): meaning`` declares
an optional parameter, ``// param NAME (TYPE, e.g. VALUE): meaning`` a required one. TYPE is
``str``, ``int``, ``float`` or ``list[str]`` (comma-separated on the command line).

A query runs with read routing only after the planner agreed it is read-only: ``EXPLAIN``
returns the statement's type without running it, and anything but ``r`` is refused unless
the caller allows writes. The read session itself would also refuse a write (the server checks
the access mode), so the check is what lets us say why, before anything runs.

>>> p = Parameter("limit", "int", required=False, value="10", doc="rows")
>>> p.parse("25")
25
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from neo4j import Driver, RoutingControl
from neo4j.graph import Node, Path as GraphPath, Relationship

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
STATEMENT_KINDS = {"r": "only reads", "rw": "reads and writes", "w": "writes", "s": "changes the schema"}

_PARAM_LINE = re.compile(r"^//\s*param\s+(\w+)\s+\((str|int|float|list\[str\]),\s*(default|e\.g\.)\s+(.*?)\):\s*(.*)$")
_PARSERS = {
    "str": str,
    "int": int,
    "float": float,
    "list[str]": lambda text: [item.strip() for item in text.split(",") if item.strip()],
}


class QueryError(ValueError):
    """A query that does not exist, was given wrong parameters, or would write without permission."""


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
            return _PARSERS[self.type](text)
        except ValueError:
            raise QueryError(f"parameter {self.name}: {text!r} is not {self.type}") from None

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


def load_queries(directory: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    """Every ``*.cypher`` file in ``directory`` by name (the file name without ``.cypher``)."""
    return {path.stem: parse_query(path.stem, path.read_text(encoding="utf-8"))
            for path in sorted(directory.glob("*.cypher"))}


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
        else:
            values[key] = text
    return values


# --- running ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    """Column names and rows of plain Python values (nodes and relationships become dicts)."""

    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def statement_kind(driver: Driver, database: str, cypher: str, parameters: Mapping[str, Any]) -> str:
    """The planner's verdict on ``cypher`` without running it: 'r', 'rw', 'w' or 's'."""
    result = driver.execute_query("EXPLAIN " + cypher, parameters, database_=database, routing_=RoutingControl.READ)
    return result.summary.query_type


def run_query(driver: Driver, database: str, cypher: str, parameters: Mapping[str, Any],
              allow_write: bool = False) -> QueryResult:
    """Run ``cypher`` with read routing if the planner calls it read-only; a query that writes is
    refused with :class:`QueryError` unless ``allow_write`` (then it runs with write routing)."""
    kind = statement_kind(driver, database, cypher, parameters)
    if kind != "r" and not allow_write:
        raise QueryError(f"refused: the planner says this query {STATEMENT_KINDS.get(kind, kind)}; "
                         "add --write to run it")
    routing = RoutingControl.READ if kind == "r" else RoutingControl.WRITE
    records, _, keys = driver.execute_query(cypher, parameters, database_=database, routing_=routing)
    return QueryResult(list(keys), [[plain(value) for value in record.values()] for record in records])


def plain(value: Any) -> Any:
    """A result value as JSON-ready Python: nodes → {labels, properties}, paths → lists."""
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, GraphPath):
        return [plain(node) for node in value.nodes]
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time dates and times
        return value.iso_format()
    return value


# --- output -----------------------------------------------------------------------------------


def _cell(value: Any, width: int) -> str:
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        text = "; ".join(str(v) for v in value)
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_result(result: QueryResult, output_format: str, max_width: int = 60) -> str:
    """The result as an aligned text table, a JSON array of objects, or CSV (lists as JSON)."""
    if output_format == "json":
        return json.dumps(result.records(), ensure_ascii=False, indent=2)
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for v in row])
        return buffer.getvalue().rstrip("\n")
    cells = [[_cell(v, max_width) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines)


def format_list(queries: Mapping[str, NamedQuery]) -> str:
    """``kg query --list``: each query's name, parameters and purpose."""
    lines = []
    for query in queries.values():
        usage = " ".join(p.usage() for p in query.parameters)
        lines.append(f"{query.name}  {usage}".rstrip())
        lines.append(f"    {query.purpose}")
    return "\n".join(lines)
