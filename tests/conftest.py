"""Shared fixtures: a real Neo4j server for the session (see neo4j_fixtures.py)."""

from neo4j_fixtures import empty_database, neo4j_driver, neo4j_target  # noqa: F401  (registers the fixtures)
