"""Graph assembly, the sparse RELATED_TO projection and the schema check."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT

from kg.assemble import LinkSettings, related_pairs
from kg.errors import SchemaError
from kg.schema import (
    CONCEPT,
    KIND,
    NODE_KINDS,
    NODE_LABELS,
    PAPER,
    RELATIONS,
    SINK_EDGE_EXTRAS,
    SINK_NODE_EXTRAS,
    SINK_RENAMED,
    check_graph,
)


def test_shared_rare_concepts_weigh_more_than_common_ones():
    concepts = {
        "a": {"rare", "common"}, "b": {"rare", "common"}, "c": {"common"}, "d": {"common", "x"}, "e": {"x"}, "f": set(),
    }
    pairs = {(a, b): (w, shared) for a, b, w, shared in related_pairs(concepts, 6, LinkSettings(max_share=1.0))}
    # each shared concept: ln(100,000 / its paper count), rounded to 0.1
    assert pairs[("a", "b")] == (round(round(math.log(1e5 / 2), 1) + round(math.log(1e5 / 4), 1), 6), ["rare", "common"])
    assert pairs[("a", "c")][1] == ["common"]
    assert pairs[("a", "b")][0] > pairs[("d", "e")][0] > pairs[("a", "c")][0]


def test_weights_move_only_where_a_shared_concepts_paper_count_moves():
    """A growing corpus leaves a pair's weight alone unless what it shares changes its count
    by enough to show at 0.1 (the Neo4j sync then rewrites only those relationships)."""
    concepts = {f"p{i}": {"vit", f"own{i}"} for i in range(40)}
    concepts |= {"q0": {"lora", "vit"}, "q1": {"lora", "vit"}}
    before = {(a, b): w for a, b, w, _ in related_pairs(concepts, len(concepts), LinkSettings(max_share=1.0))}
    grown = concepts | {f"new{i}": {f"other{i % 3}"} for i in range(30)} | {"new-lora": {"lora"}}
    after = {(a, b): w for a, b, w, _ in related_pairs(grown, len(grown), LinkSettings(max_share=1.0))}
    assert after[("p0", "p1")] == before[("p0", "p1")] == round(math.log(1e5 / 42), 1)  # vit: 42 papers still
    # lora: 2 -> 3 papers, ln(1e5/2) = 10.82 -> ln(1e5/3) = 10.41: visible, so q0-q1 moves
    assert before[("q0", "q1")] == round(10.8 + 7.8, 6) and after[("q0", "q1")] == round(10.4 + 7.8, 6)


def test_top_k_keeps_each_papers_heaviest_links():
    concepts = {f"p{i}": {"hub"} for i in range(6)}
    concepts["p0"] |= {"r"}
    concepts["p1"] |= {"r"}
    pairs = related_pairs(concepts, 7, LinkSettings(top_k=1, max_share=1.0))  # a 7th paper has no concept
    for paper in concepts:
        assert any(paper in (a, b) for a, b, _, _ in pairs)
    assert ("p0", "p1") in {(a, b) for a, b, _, _ in pairs}
    assert len(pairs) < 15  # not every pair of the hub


def test_a_concept_in_too_many_papers_links_nobody():
    concepts = {f"p{i}": {"llm"} for i in range(10)}
    concepts["p0"] |= {"lsh"}
    concepts["p1"] |= {"lsh"}
    pairs = related_pairs(concepts, 10, LinkSettings(max_share=0.25))
    assert [(a, b, shared) for a, b, _, shared in pairs] == [("p0", "p1", ["lsh"])]
    assert related_pairs(concepts, 10, LinkSettings(max_share=1.0, max_papers=5)) == pairs


def test_related_pairs_are_deterministic_and_ordered():
    concepts = {f"p{i}": {f"c{i % 3}", f"d{i % 4}"} for i in range(40)}
    first = related_pairs(concepts, 40, LinkSettings(top_k=3, block_rows=7))
    second = related_pairs(dict(reversed(list(concepts.items()))), 40, LinkSettings(top_k=3, block_rows=16))
    assert first == second
    assert all(a < b for a, b, _, _ in first)


def _valid_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("paper:p1", kind="Paper", id="p1", title="T", abstract="A", source="s",
                   authors=[], categories=[], code_links=[])
    graph.add_node("concept:bert", kind="Concept", key="bert", name="BERT", type="model", benchmark=False,
                   aliases=[], paper_count=1, mention_count=1)
    evidence = {name: [] for name in ("fields", "texts", "sentences", "rules", "triggers")}
    graph.add_edge("paper:p1", "concept:bert", key="USES", mention_count=0, starts=[], ends=[], **evidence)
    return graph


def test_a_graph_that_follows_the_schema_passes():
    check_graph(_valid_graph())


@pytest.mark.parametrize("break_it, message", [
    (lambda g: g.nodes["paper:p1"].update(colour="red"), "not declared"),
    (lambda g: g.nodes["concept:bert"].update(paper_count="1"), "is not int"),
    (lambda g: g.nodes["concept:bert"].update(paper_count=True), "is not int"),
    (lambda g: g.nodes["concept:bert"].update(aliases=["x", 3]), "not str"),
    (lambda g: g.nodes["paper:p1"].pop("title"), "required property 'title'"),
    (lambda g: g.nodes["concept:bert"].update(type="gadget"), "type 'gadget'"),
    (lambda g: g.nodes["concept:bert"].update(benchmark=True), "only a dataset"),
    (lambda g: g.add_edge("paper:p1", "concept:bert", key="LIKES"), "undeclared relation"),
    (lambda g: g.edges["paper:p1", "concept:bert", "USES"].update(weight=1.0), "not declared"),
    (lambda g: g.add_node("thing:x", kind="Thing"), "unknown kind"),
])
def test_the_schema_check_fails_on_anything_undeclared(break_it, message):
    graph = _valid_graph()
    break_it(graph)
    with pytest.raises(SchemaError, match=message):
        check_graph(graph)


def test_the_seed_graph_follows_the_schema(seed_build):
    graph, _, _ = seed_build
    check_graph(graph)
    kinds = {attrs["kind"] for _, attrs in graph.nodes(data=True)}
    assert kinds == {PAPER.name, CONCEPT.name}
    assert {key for _, _, key in graph.edges(keys=True)} <= set(RELATIONS)
    assert any(key == "RELATED_TO" for _, _, key in graph.edges(keys=True))


SINKS = sorted([ROOT / "kg" / "assemble.py", *(ROOT / "kg" / "export").rglob("*.py"), *(ROOT / "kg" / "neo4j").rglob("*.py"),
                *(ROOT / "kg" / "query").rglob("*.py")])
SCHEMA_NAMES = {KIND, *NODE_LABELS, *RELATIONS}


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module's code, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("path", SINKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_sinks_take_labels_relations_and_kind_from_the_schema(path):
    literals = [(line, text) for line, text in _code_strings(path) if text in SCHEMA_NAMES]
    assert literals == [], f"write kg.schema's constants instead of {literals}"


FILE_SINKS = [ROOT / "kg" / "export" / f"{name}.py"
              for name in ("graphml", "node_link", "files", "stored", "display", "gexf", "cyjs", "tables")]
FORMAT_WORDS = {"id", "source", "key", "directed"}
"""Words of the file formats themselves (node-link ``id``/``source``/``key``, GEXF ``type="directed"``,
node-link's ``directed`` header), spelled like schema names."""
PROPERTY_NAMES = ({p.name for e in (*NODE_KINDS.values(), *RELATIONS.values()) for p in e.properties}
                  | set(SINK_NODE_EXTRAS) | set(SINK_EDGE_EXTRAS) | set(SINK_RENAMED.values())) - FORMAT_WORDS


@pytest.mark.parametrize("path", FILE_SINKS, ids=lambda p: p.name)
def test_file_sinks_take_property_names_from_the_schema(path):
    literals = [(line, text) for line, text in _code_strings(path) if text in PROPERTY_NAMES]
    assert literals == [], f"write kg.schema's names instead of {literals}"
