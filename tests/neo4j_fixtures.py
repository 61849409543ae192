"""A real Neo4j for the tests, one per session, and a reader of what the database holds.

The server is, in order: the one ``NEO4J_URI`` (``NEO4J_USER``, ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``) names; a ``neo4j:5.26-community`` container when a Docker engine answers
(testcontainers); the local launcher (:mod:`kg.neo4j.server`: Java 17 + Maven). With none of
them the Neo4j tests skip with the reasons, except in CI (``CI`` or ``KG_REQUIRE_NEO4J`` set),
where they fail: a CI run that silently skipped the database would prove nothing.
"""

from __future__ import annotations

import os
import secrets
from contextlib import ExitStack
from pathlib import Path
from typing import Iterator

import networkx as nx
import pytest
from neo4j import Driver, GraphDatabase

from kg.neo4j.connection import Neo4jTarget
from kg.schema import CONCEPT, NODE_KEYS, PAPER, RELATIONS, node_id

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "neo4j:5.26-community"


def neo4j_required() -> bool:
    """CI must test against a real server: there, no server is a failure, not a skip."""
    flags = (os.environ.get("KG_REQUIRE_NEO4J", ""), os.environ.get("CI", ""))
    return any(flag.strip().lower() not in ("", "0", "false", "no") for flag in flags)


def _docker_target(stack: ExitStack, password: str, reasons: list[str]) -> Neo4jTarget | None:
    try:
        import docker

        docker.from_env(timeout=5).ping()
    except Exception as error:  # any failure here just means: no usable Docker engine
        reasons.append(f"no Docker engine ({type(error).__name__})")
        return None
    from testcontainers.community.neo4j import Neo4jContainer

    container = stack.enter_context(Neo4jContainer(IMAGE, password=password))
    return Neo4jTarget(container.get_connection_url(), "neo4j", password)


def _launcher_target(stack: ExitStack, password: str, reasons: list[str]) -> Neo4jTarget | None:
    from kg.errors import LauncherError
    from kg.neo4j.server import LocalNeo4j

    try:
        server = stack.enter_context(LocalNeo4j.start(password))
    except LauncherError as error:
        reasons.append(f"local launcher failed: {error}")
        return None
    return Neo4jTarget(server.uri, server.user, password)


@pytest.fixture(scope="session")
def neo4j_target() -> Iterator[Neo4jTarget]:
    """Where the session's Neo4j is; starts one when the environment names none."""
    given = Neo4jTarget.from_environment()
    if given is not None:
        yield given
        return
    password = secrets.token_hex(12)
    reasons: list[str] = ["NEO4J_URI not set"]
    with ExitStack() as stack:
        target = _docker_target(stack, password, reasons) or _launcher_target(stack, password, reasons)
        if target is None:
            message = "no Neo4j server: " + "; ".join(reasons)
            if neo4j_required():
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        yield target


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_target: Neo4jTarget) -> Iterator[Driver]:
    with GraphDatabase.driver(neo4j_target.uri, auth=(neo4j_target.user, neo4j_target.password),
                              notifications_min_severity="OFF") as driver:
        driver.verify_connectivity()
        yield driver


@pytest.fixture
def empty_database(neo4j_driver: Driver, neo4j_target: Neo4jTarget) -> Neo4jTarget:
    """The session's database with every node and relationship deleted (constraints stay)."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_target.database)
    return neo4j_target


def database_graph(driver: Driver, database: str) -> tuple[nx.MultiDiGraph, dict[str, tuple[str, ...]]]:
    """kg's part of the database read back as a canonical graph, and
    each node's labels, sorted, to compare with ``kg.schema.node_labels``."""
    graph, labels = nx.MultiDiGraph(), {}
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE n:Paper OR n:Concept RETURN labels(n) AS labels, properties(n) AS properties",
        database_=database)
    for record in nodes:
        kind = PAPER.name if PAPER.name in record["labels"] else CONCEPT.name
        properties = record["properties"]
        node = node_id(kind, properties[NODE_KEYS[kind]])
        graph.add_node(node, kind=kind, **properties)
        labels[node] = tuple(sorted(record["labels"]))
    edges, _, _ = driver.execute_query(
        "MATCH (a:Paper)-[r]->(b) WHERE type(r) IN $types AND (b:Paper OR b:Concept) "
        "RETURN a.id AS source, b:Paper AS to_paper, coalesce(b.id, b.key) AS target, type(r) AS type, "
        "properties(r) AS properties", types=list(RELATIONS), database_=database)
    for record in edges:
        target = node_id(PAPER.name if record["to_paper"] else CONCEPT.name, record["target"])
        graph.add_edge(node_id(PAPER.name, record["source"]), target, key=record["type"], **record["properties"])
    return graph, labels


def graph_contents(graph: nx.MultiDiGraph) -> tuple[dict, dict]:
    """Nodes and edges with their attributes, comparable with ``==`` (edge keys are relation types)."""
    return ({node: dict(attrs) for node, attrs in graph.nodes(data=True)},
            {(s, t, k): dict(attrs) for s, t, k, attrs in graph.edges(keys=True, data=True)})
