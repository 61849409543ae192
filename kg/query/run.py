"""Running a named query on an engine: concept parameters become keys, then the engine runs it.

An engine is anything with ``name`` (one of :data:`kg.query.library.ENGINES`) and
``run(cypher, parameters, allow_write=False) -> QueryResult``: the embedded engine
(:class:`kg.query.embedded.EmbeddedEngine`) or a Neo4j server (:class:`kg.neo4j.queries.Neo4jEngine`).

A ``concept`` parameter is looked up the same way on both, by key first, so the look-up is an
index seek: the keys the text may be (the text itself and its normalised key,
:func:`kg.keys.concept_key`) are matched on the key index; only when none is a concept's key are
the concepts whose name or an alias equals the text, ignoring case, taken (a scan, and the
only one).
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

from kg.keys import concept_key
from kg.query.library import CONCEPT_TYPE, NamedQuery
from kg.query.results import QueryResult
from kg.schema import ALIASES, CONCEPT, NAME, NODE_KEYS

_KEY = NODE_KEYS[CONCEPT.name]
# Built from the schema's names only; the text looked up is always a parameter.
BY_KEY = (f"UNWIND $keys AS wanted MATCH (c:{CONCEPT.name}) WHERE c.{_KEY} = wanted "
          f"RETURN c.{_KEY} AS key ORDER BY key")
BY_NAME = (f"WITH $name AS name MATCH (c:{CONCEPT.name}) "  # LadybugDB wants the parameter bound first
           f"WHERE toLower(c.{NAME}) = name OR any(alias IN c.{ALIASES} WHERE toLower(alias) = name) "
           f"RETURN c.{_KEY} AS key ORDER BY key")


class Engine(Protocol):
    name: str

    def run(self, cypher: str, parameters: Mapping[str, Any], allow_write: bool = False) -> QueryResult: ...


def concept_keys(engine: Engine, text: str) -> list[str]:
    """The keys of the concepts ``text`` names: by key (an index seek), else by name or alias."""
    candidates = sorted({text, concept_key(text)} - {""})
    keys = [row[0] for row in engine.run(BY_KEY, {"keys": candidates}).rows]
    if keys:
        return keys
    return [row[0] for row in engine.run(BY_NAME, {"name": text.lower()}).rows]


def resolved(engine: Engine, query: NamedQuery, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every ``concept`` parameter replaced by the list of keys it names."""
    out = dict(values)
    for parameter in query.parameters:
        if parameter.type == CONCEPT_TYPE:
            out[parameter.name] = concept_keys(engine, values[parameter.name])
    return out


def run_named(engine: Engine, query: NamedQuery, given: Mapping[str, str]) -> QueryResult:
    """Run ``query`` on ``engine`` with ``key=value`` strings (defaults filled in, types checked)."""
    values = resolved(engine, query, query.bind(given))
    return engine.run(query.text_for(engine.name), values)
