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
TLS_SCHEMES = ("bolt+s", "bolt+ssc", "neo4j+s", "neo4j+ssc")
SYSTEM_DATABASE = "system"


def shown_uri(uri: str) -> str:
    """``uri`` as it may be printed: credentials written into it (``bolt://user:PW@host``) hidden.

    >>> shown_uri("bolt://neo4j:s3cret@db.example:7687"), shown_uri("neo4j://host")
    ('bolt://***@db.example:7687', 'neo4j://host')
    """
    scheme, sep, rest = uri.partition("://")
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return uri
    return f"{scheme}{sep}***@{authority.rpartition('@')[2]}{slash}{path}"


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
    """One line saying what went wrong, in the user's terms (the server's message kept for the
    rest); never the password, also not one written into the URI."""
    uri = shown_uri(target.uri)
    if isinstance(error, AuthError):
        return f"Neo4j at {uri} refused user {target.user!r}: wrong password or unknown user"
    if isinstance(error, ServiceUnavailable):
        if target.uri.partition("://")[0] in TLS_SCHEMES:
            return (f"cannot reach Neo4j at {uri} over TLS: is it running, and serving TLS there? "
                    f"(bolt:// for a server without TLS; {_first_line(error)})")
        return f"cannot reach Neo4j at {uri}: is the server running? ({_first_line(error)})"
    if isinstance(error, ClientError) and error.code == "Neo.ClientError.Database.DatabaseNotFound":
        return f"database {target.database!r} does not exist on {uri}"
    if isinstance(error, ConfigurationError):
        return f"cannot use URI {uri!r}: {_first_line(error)}"
    if isinstance(error, Neo4jError):
        return f"Neo4j: {error.code}: {_first_line(error.message or str(error))}"
    return f"Neo4j driver: {_first_line(error)}"


def _first_line(error: object) -> str:
    """The first line of an error's text, without the trailing colon the driver ends some with
    (so it reads inside parentheses)."""
    text = str(error).strip()
    return text.splitlines()[0].rstrip(":").rstrip() if text else type(error).__name__


@contextmanager
def open_driver(target: Neo4jTarget, connection_timeout: float = 10.0) -> Iterator[Driver]:
    """A driver whose server, credentials and database were checked; :class:`ServerProblem` otherwise.

    Any driver or server error escaping the ``with`` block is turned into a :class:`ServerProblem`
    too. Transient errors inside managed transactions (``execute_read``/``execute_write``) are
    retried by the driver before they get here.
    """
    scheme, _, rest = target.uri.partition("://")
    if scheme not in BOLT_SCHEMES:
        raise ServerProblem(f"cannot use URI {shown_uri(target.uri)!r}: use bolt:// or neo4j:// (Bolt, port 7687 by default)")
    if "@" in rest.partition("/")[0]:
        raise ServerProblem(f"cannot use URI {shown_uri(target.uri)!r}: kg takes no credentials in the URI; "
                            "give the user with --user and the password in NEO4J_PASSWORD")
    if target.database == SYSTEM_DATABASE:
        raise ServerProblem(f"database {SYSTEM_DATABASE!r} is Neo4j's administration database, which holds no "
                            "graph: give --database neo4j (or another graph database)")
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
