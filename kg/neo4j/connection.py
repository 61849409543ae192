"""Connecting to Neo4j, and saying in one line why it failed.

The export (:mod:`kg.neo4j.sync`) and the query runner (:mod:`kg.neo4j.queries`) share this: both
open a driver with :func:`open_driver`, which checks the server, the credentials and the
database up front, so a wrong URI, password or database name ends the command at once with a
:class:`ServerProblem` that the CLI prints as one line, instead of a traceback after retries.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ClientError, ConfigurationError, DriverError, Neo4jError, ServiceUnavailable

from kg.errors import ServerProblem

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass(frozen=True)
class Neo4jTarget:
    """Where to connect: the server, the credentials and the database (never printed whole)."""

    uri: str
    user: str
    password: str
    database: str = "neo4j"

    def __repr__(self) -> str:  # keep the password out of tracebacks and logs
        return f"Neo4jTarget(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"

    @classmethod
    def from_environment(cls) -> "Neo4jTarget | None":
        """The server ``NEO4J_URI`` names, with ``NEO4J_USER``, ``NEO4J_PASSWORD`` and
        ``NEO4J_DATABASE`` (defaults: neo4j, empty, neo4j); None when ``NEO4J_URI`` is unset."""
        if not os.environ.get("NEO4J_URI"):
            return None
        return cls(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                   os.environ.get("NEO4J_PASSWORD", ""), os.environ.get("NEO4J_DATABASE", "neo4j"))



def describe_error(error: Exception, target: Neo4jTarget) -> str:
    """One line saying what went wrong, in the user's terms (the server's message kept for the rest)."""
    if isinstance(error, AuthError):
        return f"Neo4j at {target.uri} refused user {target.user!r}: wrong password or unknown user"
    if isinstance(error, ServiceUnavailable):
        return f"cannot reach Neo4j at {target.uri}: is the server running? ({_first_line(error)})"
    if isinstance(error, ClientError) and error.code == "Neo.ClientError.Database.DatabaseNotFound":
        return f"database {target.database!r} does not exist on {target.uri}"
    if isinstance(error, ConfigurationError):
        return f"cannot use URI {target.uri!r}: {_first_line(error)}"
    if isinstance(error, Neo4jError):
        return f"Neo4j: {error.code}: {_first_line(error.message or str(error))}"
    return f"Neo4j driver: {_first_line(error)}"


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def open_driver(target: Neo4jTarget, connection_timeout: float = 10.0) -> Iterator[Driver]:
    """A driver whose server, credentials and database were checked; :class:`ServerProblem` otherwise.

    Any driver or server error escaping the ``with`` block is turned into a :class:`ServerProblem`
    too. Transient errors inside managed transactions (``execute_read``/``execute_write``) are
    retried by the driver before they get here.
    """
    scheme = target.uri.partition("://")[0]
    if scheme not in BOLT_SCHEMES:
        raise ServerProblem(f"cannot use URI {target.uri!r}: use bolt:// or neo4j:// (Bolt, port 7687 by default)")
    try:
        driver = GraphDatabase.driver(target.uri, auth=(target.user, target.password),
                                      connection_timeout=connection_timeout,
                                      # the server's hints would be logged as multi-line warnings
                                      notifications_min_severity="OFF", warn_notification_severity="OFF")
    except (ValueError, DriverError) as error:
        raise ServerProblem(describe_error(error, target)) from None
    try:
        with driver:
            driver.verify_connectivity()
            driver.execute_query("RETURN 1", database_=target.database)
            yield driver
    except (Neo4jError, DriverError) as error:
        raise ServerProblem(describe_error(error, target)) from None
