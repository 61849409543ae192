"""Query: the named questions of ``queries/``, their parameters, and how answers print.
Where they run: :mod:`kg.neo4j.queries` (a Neo4j server)."""
