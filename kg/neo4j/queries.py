"""Running a query on Neo4j, read-only unless asked otherwise.

A query runs with read routing only after the planner agreed it is read-only: ``EXPLAIN``
returns the statement's type without running it, and anything but ``r`` is refused unless
the caller allows writes. The read session itself would also refuse a write (the server checks
the access mode), so the check is what lets us say why, before anything runs.
"""

from __future__ import annotations

from typing import Any, Mapping

from neo4j import Driver, RoutingControl
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath

from kg.errors import QueryError
from kg.query.results import QueryResult

STATEMENT_KINDS = {"r": "only reads", "rw": "reads and writes", "w": "writes", "s": "changes the schema"}


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



class Neo4jEngine:
    """A Neo4j server as a query engine (:class:`kg.query.run.Engine`): an open driver and a database."""

    name = "neo4j"

    def __init__(self, driver: Driver, database: str):
        self.driver, self.database = driver, database

    def run(self, cypher: str, parameters: Mapping[str, Any], allow_write: bool = False) -> QueryResult:
        return run_query(self.driver, self.database, cypher, parameters, allow_write=allow_write)
