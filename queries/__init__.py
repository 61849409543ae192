"""The named Cypher queries, one question per ``.cypher`` file (see :mod:`kg.query.library`).

This folder installs as the package ``kg.queries`` (``pyproject.toml`` maps it), so a wheel
ships the queries and ``importlib.resources`` finds them in a checkout and an install alike.
"""
