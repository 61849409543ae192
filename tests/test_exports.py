"""Exports: GraphML, node-link JSON and HTML round-trip, follow the schema, are deterministic,
safe with hostile input, and appear atomically."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
from html.parser import HTMLParser

import igraph
import networkx as nx
import pytest
from conftest import DATA, SEEDS

from kg.build import build
from kg.errors import OutputError
from kg.export import graphml as graphml_module
from kg.export import node_link as node_link_module
from kg.export import read_graph, write_exports
from kg.export.graphml import write_graphml
from kg.parallel import Workers
from kg.schema import NODE_KINDS, RELATIONS, SINK_EDGE_EXTRAS, SINK_NODE_EXTRAS, SINK_RENAMED

DECLARED_NODE = {SINK_RENAMED.get(p.name, p.name) for e in NODE_KINDS.values() for p in e.properties} | set(SINK_NODE_EXTRAS)
DECLARED_EDGE = {p.name for e in RELATIONS.values() for p in e.properties} | set(SINK_EDGE_EXTRAS)


def assert_same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True, data=True), key=repr) == sorted(b.edges(keys=True, data=True), key=repr)


def test_graphml_round_trips_through_networkx_and_igraph(seed_build):
    graph, _, out = seed_build
    path = out / "graph.graphml"
    back = nx.read_graphml(path, force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())
    loaded = igraph.Graph.Read_GraphML(str(path))
    assert (loaded.vcount(), loaded.ecount()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert "name" in loaded.vs.attributes() and "interaction" in loaded.es.attributes()
    assert_same_graph(read_graph(path), graph)


def test_graphml_key_ids_are_the_declared_attribute_names(seed_build):
    _, _, out = seed_build
    text = (out / "graph.graphml").read_text(encoding="utf-8")
    keys = re.findall(r'<key id="([^"]+)" for="(node|edge)" attr.name="([^"]+)"', text)
    node_names = {name for _, kind, name in keys if kind == "node"}
    assert keys and all(key_id == (f"edge_{name}" if kind == "edge" and name in node_names else name)
                        for key_id, kind, name in keys)
    assert ("edge_label", "edge", "label") in keys and len({key_id for key_id, _, _ in keys}) == len(keys)
    assert {name for _, kind, name in keys if kind == "node"} <= DECLARED_NODE
    assert {name for _, kind, name in keys if kind == "edge"} <= DECLARED_EDGE
    assert 'attr.name="id"' not in text  # Gephi takes it for the node id
    edge_ids = re.findall(r'<edge id="([^"]+)"', text)
    assert len(edge_ids) == len(set(edge_ids))


def test_node_link_json_has_links_and_only_declared_properties(seed_build):
    graph, _, out = seed_build
    document = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert len(document["links"]) == graph.number_of_edges() and "edges" not in document
    for node in document["nodes"]:
        assert set(node) - {"id"} <= DECLARED_NODE
    for link in document["links"]:
        assert set(link) - {"source", "target", "key"} <= DECLARED_EDGE
    assert_same_graph(read_graph(out / "graph.json"), graph)
    assert nx.node_link_graph(document, edges="links").number_of_edges() == graph.number_of_edges()


class _Resources(HTMLParser):
    """Collects every attribute that could load or link something."""

    def __init__(self):
        super().__init__()
        self.references = []

    def handle_starttag(self, tag, attrs):
        self.references += [(tag, name, value) for name, value in attrs if name in {"src", "href", "srcset", "action", "data", "poster"}]


def test_html_has_no_http_reference_and_one_data_island(seed_build):
    graph, _, out = seed_build
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", page, re.I)
    parser = _Resources()
    parser.feed(page)
    assert parser.references == []
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    islands = re.findall(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert len(islands) == 1
    data = json.loads(islands[0])
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()


def test_two_builds_give_identical_bytes(seed_build, tmp_path):
    _, _, first = seed_build
    build([SEEDS], tmp_path)
    for name in ("graph.graphml", "graph.json", "graph.html"):
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


def test_hostile_titles_are_escaped_everywhere(tmp_path):
    graph, summary = build([DATA / "malicious.jsonl"], tmp_path)
    assert summary.papers == 2
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    for raw in ("<img src=x", "<script>alert", "</script><script>", "<b>Mallory", "javascript:alert(4)", "<a href"):
        assert raw not in page
    assert "onerror" not in page.split('id="kg-data">')[0]
    back = nx.read_graphml(tmp_path / "graph.graphml")  # no XML-invalid character made it in
    titles = {attrs.get("title") for _, attrs in back.nodes(data=True)}
    assert '<img src=x onerror=alert(1)> Attention href="javascript:alert(2)"' in titles
    paper = graph.nodes["paper:2501.00001"]
    assert paper["url"] == "https://arxiv.org/abs/2501.00001"  # the javascript: URL is not kept
    assert_same_graph(read_graph(tmp_path / "graph.json"), graph)


def test_a_failed_write_leaves_the_previous_export_intact(seed_build, tmp_path, monkeypatch):
    graph, _, _ = seed_build
    target = tmp_path / "graph.graphml"
    target.write_text("previous export")

    def broken_writer(graph, handle, options):
        handle.write("<?xml half written")
        raise OSError("disk full")

    monkeypatch.setattr(graphml_module, "write_graphml_stream", broken_writer)
    with pytest.raises(OSError, match="disk full"):
        write_graphml(graph, target)
    assert target.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.graphml"]


FORKED_SET = ("graphml", "json", "html", "gexf", "cyjs", "csv")


def test_files_written_in_forked_processes_are_the_same_bytes(seed_build, tmp_path):
    graph, _, _ = seed_build
    alone, forked = tmp_path / "alone", tmp_path / "forked"
    write_exports(graph, alone, FORKED_SET, processes=1)
    written = write_exports(graph, forked, FORKED_SET, processes=2)
    assert len(written) == 7  # six formats, csv as two files
    for path in written:
        assert path.read_bytes() == (alone / path.name).read_bytes(), path.name
    assert sorted(path.name for path in forked.iterdir()) == sorted(path.name for path in alone.iterdir())


@pytest.mark.parametrize("failure", ["disk full", "killed"])
def test_a_forked_writer_that_fails_leaves_the_previous_set(seed_build, tmp_path, monkeypatch, failure):
    """The JSON writer fails in its own process (a full disk, or the OOM killer's SIGKILL) while
    the GraphML one succeeds in another: one clear error here, and the previous set, whole."""
    graph, _, _ = seed_build
    write_exports(graph, tmp_path, ("graphml", "json"), processes=1)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    def failing_writer(graph, path, options):
        path.write_text("half")
        if failure == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(node_link_module, "write_node_link", failing_writer)  # the forked processes inherit it
    parent = os.getpid()
    with pytest.raises(OutputError) as raised:
        write_exports(graph, tmp_path, ("graphml", "json"), processes=2)
    assert os.getpid() == parent
    expected = "No space left on device" if failure == "disk full" else "a process writing the exports stopped"
    assert expected in str(raised.value) and "the previous exports are unchanged" in str(raised.value)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def test_a_large_build_writes_its_files_in_parallel_with_the_same_bytes(tmp_path, monkeypatch):
    """Above PARALLEL_EXPORT_EDGES a build forks one process per file (here: any size)."""
    import kg.build
    import kg.parallel

    alone, _ = build([SEEDS], tmp_path / "alone", workers=Workers(1), cache_path=None)
    monkeypatch.setattr(kg.build, "PARALLEL_EXPORT_EDGES", 0)
    calls = []
    real = kg.parallel.run_forked
    monkeypatch.setattr(kg.parallel, "run_forked", lambda tasks, processes: calls.append(processes) or real(tasks, processes))
    build([SEEDS], tmp_path / "forked", workers=Workers(2), cache_path=None)
    assert calls == [2]
    for name in ("graph.graphml", "graph.json", "graph.html", ".kg-papers.jsonl.gz"):
        assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
