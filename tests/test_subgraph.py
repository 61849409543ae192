"""Choosing the part of a graph a page shows (kg.export.html.selection) and the `kg html` command."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.assemble import LinkSettings, build_graph
from kg.cli import main
from kg.errors import SelectionError
from kg.export.html import automatic_selection, select
from kg.export.html.selection import find_node, neighbourhood, top_papers
from kg.export.node_link import write_node_link
from kg.records import Concept, Mention, Paper
from kg.schema import check_graph

CONCEPTS = {
    "bert": ("BERT", "model", False, ("bidirectional encoder representation",)),
    "imagenet": ("ImageNet", "dataset", True, ()),
    "coco": ("COCO", "dataset", False, ()),
    "segmentation": ("segmentation", "task", False, ()),
    "dropout": ("dropout", "method", False, ()),
}
PAPER_CONCEPTS = {  # paper: [(concept, relation)]
    "p1": [("bert", "USES"), ("imagenet", "EVALUATES_ON"), ("segmentation", "ADDRESSES")],
    "p2": [("bert", "USES"), ("imagenet", "EVALUATES_ON"), ("coco", "EVALUATES_ON")],
    "p3": [("bert", "MENTIONS"), ("dropout", "PROPOSES")],
    "p4": [("coco", "USES"), ("segmentation", "ADDRESSES")],
    "p5": [("dropout", "USES")],
}


def tiny_graph():
    """Five papers, five concepts of every type, RELATED_TO between papers sharing one."""
    papers = [Paper(id=p, title=f"Paper {p}", abstract=" ".join(c for c, _ in cs), source="test")
              for p, cs in PAPER_CONCEPTS.items()]
    counts = {key: sum(key in dict(cs) for cs in PAPER_CONCEPTS.values()) for key in CONCEPTS}
    concepts = {key: Concept(key, name, kind, bench, aliases, counts[key], counts[key])
                for key, (name, kind, bench, aliases) in CONCEPTS.items()}
    mentions = []
    for paper in papers:
        for key, relation in PAPER_CONCEPTS[paper.id]:
            start = paper.abstract.index(key)
            mentions.append(Mention(paper.id, "abstract", start, start + len(key), key, concepts[key].label, "test",
                                    paper.abstract, key, relation, ""))
    graph = build_graph(papers, concepts, mentions, LinkSettings(max_share=1.0))
    check_graph(graph)
    return graph


def test_no_options_select_the_whole_graph():
    graph = tiny_graph()
    selection = select(graph)
    assert selection.shown == selection.total and selection.steps == ()
    assert selection.summary().startswith("Showing the whole graph: 5 of 5 papers, 5 of 5 concepts")


def test_types_keep_papers_and_concepts_of_those_types_benchmarks_being_datasets():
    graph = tiny_graph()
    datasets = select(graph, types=["dataset"]).graph
    assert {n for n in datasets if n.startswith("concept:")} == {"concept:imagenet", "concept:coco"}
    assert sum(n.startswith("paper:") for n in datasets) == 5
    benchmarks = select(graph, types=["benchmark"]).graph
    assert {n for n in benchmarks if n.startswith("concept:")} == {"concept:imagenet"}
    with pytest.raises(SelectionError, match="unknown concept types"):
        select(graph, types=["author"])


def test_relations_drop_concepts_left_without_an_edge():
    graph = tiny_graph()
    selection = select(graph, relations=["evaluates_on"])
    assert {key for _, _, key in selection.graph.edges(keys=True)} == {"EVALUATES_ON"}
    assert {n for n in selection.graph if n.startswith("concept:")} == {"concept:imagenet", "concept:coco"}
    assert "relations EVALUATES_ON" in selection.summary()
    assert "left out: 0 papers, 3 concepts" in selection.summary()


def test_find_node_by_id_arxiv_id_name_alias_and_title():
    graph = tiny_graph()
    assert find_node(graph, "concept:bert") == "concept:bert"
    assert find_node(graph, "bidirectional encoder representation") == "concept:bert"
    assert find_node(graph, "imagenet") == "concept:imagenet"
    assert find_node(graph, "paper p3") == "paper:p3"
    with pytest.raises(SelectionError, match="no paper or concept"):
        find_node(graph, "nothing like this")


def test_find_node_refuses_an_ambiguous_name():
    graph = tiny_graph()
    graph.nodes["concept:coco"]["aliases"] = ["BERT-ish"]
    graph.nodes["concept:dropout"]["aliases"] = ["BERT-ish"]
    with pytest.raises(SelectionError, match="names 2 nodes"):
        find_node(graph, "bert-ish")


def test_focus_keeps_the_neighbourhood_of_the_given_depth():
    graph = tiny_graph()
    assert neighbourhood(graph, "concept:dropout", 1) == {"concept:dropout", "paper:p3", "paper:p5"}
    one = select(graph, focus="dropout", depth=1)
    assert set(one.graph) == {"concept:dropout", "paper:p3", "paper:p5"}
    assert "within 1 link of “dropout”" in one.summary()
    two = select(graph, focus="dropout", depth=2)
    assert "concept:bert" in two.graph and set(one.graph) < set(two.graph)


def test_top_keeps_the_most_connected_papers_and_concepts_two_of_them_share():
    graph = tiny_graph()
    kept = top_papers(graph, 2)
    papers = {n for n in kept if n.startswith("paper:")}
    assert papers == {"paper:p1", "paper:p2"}
    assert {n for n in kept if n.startswith("concept:")} == {"concept:bert", "concept:imagenet"}
    assert "concept:dropout" in top_papers(graph, 2, keep=["concept:dropout"])
    selection = select(graph, focus="segmentation", top=1)
    assert "concept:segmentation" in selection.graph


def test_automatic_selection_cuts_only_large_graphs(monkeypatch):
    graph = tiny_graph()
    assert automatic_selection(graph).steps == ()
    monkeypatch.setattr("kg.export.html.selection.AUTOMATIC_NODE_LIMIT", 5)
    monkeypatch.setattr("kg.export.html.selection.AUTOMATIC_TOP", 2)
    assert automatic_selection(graph).shown.papers == 2


def test_kg_html_renders_a_focus_and_says_what_it_left_out(tmp_path):
    graph_file = write_node_link(tiny_graph(), tmp_path / "graph.json")
    result = CliRunner().invoke(main, ["html", str(graph_file), "--focus", "BERT", "--types", "model,dataset"])
    assert result.exit_code == 0, result.output
    assert "within 1 link of “BERT”" in result.output and "left out" in result.output
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert "within 1 link of “BERT”" in page


def test_kg_html_rejects_an_unknown_focus(tmp_path):
    graph_file = write_node_link(tiny_graph(), tmp_path / "graph.json")
    result = CliRunner().invoke(main, ["html", str(graph_file), "--focus", "no such thing"])
    assert result.exit_code == 2
    assert "no paper or concept is called" in result.output
