"""Running a query on Neo4j, read-only unless asked otherwise.

A query runs with read routing only after the planner agreed it is read-only: ``EXPLAIN``
returns the statement's type without running it, and anything but ``r`` is refused unless
the caller allows writes. The read session itself would also refuse a write (the server checks
the access mode), so the check is what lets us say why, before anything runs.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from neo4j import Driver, RoutingControl
from neo4j.exceptions import ClientError
from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath

from kg.errors import QueryError
from kg.query.results import QueryResult

STATEMENT_KINDS = {"r": "only reads", "rw": "reads and writes", "w": "writes", "s": "changes the schema"}
_ADMINISTRATION = "AdministrationCommand"
_PROCEDURE = "ProcedureCall"
_PLAN_PREFIX = re.compile(r"\s*(EXPLAIN|PROFILE)\b", re.IGNORECASE)


def _operators(plan: Mapping[str, Any] | None) -> Iterator[str]:
    """The operator names of a plan tree (``AdministrationCommand@system`` → ``AdministrationCommand``)."""
    if plan:
        yield plan.get("operatorType", "").partition("@")[0]
        for child in plan.get("children", ()):
            yield from _operators(child)


def _kind_in_words(kind: str, plan: Mapping[str, Any] | None) -> str:
    """What the planner's verdict means for this statement: 's' covers schema changes, and also
    administration commands (users, roles, databases) and DBMS procedures."""
    operators = set(_operators(plan))
    if kind == "s" and _ADMINISTRATION in operators:
        return "is an administration command (users, roles, databases)"
    if kind == "s" and _PROCEDURE in operators:
        return "calls a procedure that may administer the server"
    return STATEMENT_KINDS.get(kind, kind)


def _explained(driver: Driver, database: str, cypher: str, parameters: Mapping[str, Any]):
    """The planner's summary of ``cypher``, not run: (query type, plan)."""
    summary = driver.execute_query("EXPLAIN " + cypher, parameters, database_=database,
                                   routing_=RoutingControl.READ).summary
    return summary.query_type, summary.plan


def statement_kind(driver: Driver, database: str, cypher: str, parameters: Mapping[str, Any]) -> str:
    """The planner's verdict on ``cypher`` without running it: 'r', 'rw', 'w' or 's'."""
    return _explained(driver, database, cypher, parameters)[0]


def plan_rows(plan: Mapping[str, Any], profiled: bool, depth: int = 0) -> Iterator[list]:
    """A plan tree as table rows, depth-first, the operator marked with its depth ("· " each)."""
    arguments = plan.get("args", {})
    row = ["· " * depth + plan.get("operatorType", "").partition("@")[0], arguments.get("Details", ""),
           round(arguments.get("EstimatedRows", 0), 1)]
    if profiled:
        row += [plan.get("rows", 0), plan.get("dbHits", 0)]
    yield row
    for child in plan.get("children", ()):
        yield from plan_rows(child, profiled, depth + 1)


def run_query(driver: Driver, database: str, cypher: str, parameters: Mapping[str, Any],
              allow_write: bool = False) -> QueryResult:
    """Run ``cypher`` with read routing if the planner calls it read-only; a query that writes is
    refused with :class:`QueryError` unless ``allow_write`` (then it runs with write routing).

    ``EXPLAIN …`` returns the plan as rows (nothing runs); ``PROFILE …`` runs the query (after
    the same read-only check) and returns the plan with the rows and database hits of each
    operator instead of the query's rows. An error in the statement itself (syntax, a parameter
    of the wrong type) is a :class:`QueryError`.
    """
    prefix = _PLAN_PREFIX.match(cypher)
    mode = prefix.group(1).upper() if prefix else None
    statement = cypher[prefix.end():] if prefix else cypher
    try:
        kind, plan = _explained(driver, database, statement, parameters)
        if kind != "r" and not allow_write:
            raise QueryError(f"refused: the planner says this query {_kind_in_words(kind, plan)}; "
                             "add --write to run it")
        if mode == "EXPLAIN":
            return QueryResult(["operator", "details", "estimated rows"], list(plan_rows(plan, False)))
        routing = RoutingControl.READ if kind == "r" else RoutingControl.WRITE
        if mode == "PROFILE":
            summary = driver.execute_query("PROFILE " + statement, parameters, database_=database,
                                           routing_=routing).summary
            return QueryResult(["operator", "details", "estimated rows", "rows", "db hits"],
                               list(plan_rows(summary.profile, True)))
        records, _, keys = driver.execute_query(statement, parameters, database_=database, routing_=routing)
    except ClientError as error:
        if not (error.code or "").startswith("Neo.ClientError.Statement."):
            raise
        message = (error.message or str(error)).strip().splitlines()
        raise QueryError(f"Neo4j: {error.code}: {message[0] if message else ''}") from None
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
