"""The HTML page without a browser: self-contained, one data island escaped once, the layout."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from kg.export.html import select, write_html
from kg.export.html.layout import cluster_layout
from kg.export.html.page import PHYSICS_NODE_LIMIT, build_network, inline_script, render_page, script_json

ROOT = Path(__file__).resolve().parent.parent


class Elements(HTMLParser):
    """Collects every start tag with its attributes, and the text of each <script> and <style>."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._text = {"script": self.scripts, "style": self.styles}.get(tag)
        if self._text is not None:
            self._text.append("")

    def handle_endtag(self, tag):
        self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text[-1] += data


def parse(page: str) -> Elements:
    elements = Elements()
    elements.feed(page)
    return elements


@pytest.fixture(scope="module")
def seed_page(seed_graph) -> str:
    return render_page(select(seed_graph), title="Seed papers")


def test_page_is_self_contained(seed_page):
    elements = parse(seed_page)
    assert "://" not in seed_page, "no http(s) address of any kind"
    for tag, attrs in elements.tags:
        assert not {"src", "href", "srcset", "action", "poster"} & set(attrs), (tag, attrs)
    assert [tag for tag, _ in elements.tags if tag in ("link", "iframe", "img", "object", "embed")] == []
    for style in elements.styles:
        assert "@import" not in style and not re.search(r"url\(\s*(?!['\"]?data:)", style)
    csp = [attrs["content"] for tag, attrs in elements.tags if attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]


def test_one_data_island_escaped_once(seed_page, seed_graph):
    elements = parse(seed_page)
    islands = [attrs for tag, attrs in elements.tags if tag == "script" and attrs.get("type") == "application/json"]
    assert len(islands) == 1 and len(elements.scripts) == 3
    assert len(re.findall(r"</script", seed_page, re.I)) == 3, "only the three script elements end"
    data = json.loads(elements.scripts[0])
    assert len(data["nodes"]) == seed_graph.number_of_nodes()
    assert len(data["edges"]) == seed_graph.number_of_edges()
    assert set(data["papers"]) | set(data["concepts"]) == set(seed_graph.nodes)
    paper = next(iter(data["papers"].values()))
    node = next(n for n in seed_graph if seed_graph.nodes[n]["kind"] == "Paper" and seed_graph.nodes[n]["title"] == paper["title"])
    assert paper["abstract"] == seed_graph.nodes[node]["abstract"], "escaping is undone by JSON.parse exactly"


def test_script_json_escapes_everything_that_could_end_or_confuse_a_script():
    text = script_json({"a": "</script><!-- & \u2028\u2029 https://x"})
    assert not re.search(r"[<>&\u2028\u2029]|://", text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 https://x"}


def test_inline_script_escapes_only_script_ends():
    source = 'var a = /</g, b = "</SCRIPT>", c = "http://w3.org";'
    assert inline_script(source) == 'var a = /</g, b = "<\\/SCRIPT>", c = "http:\\/\\/w3.org";'
    with pytest.raises(ValueError):
        inline_script("var a = '<!--';")


def test_evidence_sentences_are_written_once_per_paper(seed_graph):
    data = json.loads(parse(render_page(select(seed_graph))).scripts[0])
    for paper in data["papers"].values():
        sentences = [tuple(s) if isinstance(s, list) else s for s in paper["sentences"]]
        assert len(sentences) == len(set(sentences))
        for field, start, end, concept, relation, index in paper["mentions"]:
            assert concept in data["concepts"] and 0 <= index < len(sentences)
            assert 0 <= start < end <= len(paper[field])
            sentence_field, sentence_start, sentence_end = sentences[index]
            assert sentence_field == field and sentence_start <= start < end <= sentence_end


def test_malicious_strings_never_appear_raw(malicious_graph, tmp_path):
    page = write_html(select(malicious_graph), tmp_path / "evil.html").read_bytes().decode("utf-8")
    island = parse(page).scripts[0]
    assert "<" not in island and ">" not in island and "&" not in island
    data = json.loads(island)
    assert data["papers"]["paper:2501.00001"]["url"] is None, "only http(s) links are kept"
    assert data["papers"]["paper:2501.00001"]["code_links"] == []


def test_large_graphs_are_laid_out_in_python_with_physics_off():
    graph = nx.MultiDiGraph()
    for i in range(PHYSICS_NODE_LIMIT + 1):
        graph.add_node(f"paper:{i:05d}", kind="Paper", title=f"T{i}")
    small = build_network(graph.subgraph(list(graph)[:10]))
    large = build_network(graph)
    assert small.options["physics"]["enabled"] and not large.options["physics"]["enabled"]
    assert all("x" in node and "y" in node for node in large.nodes)


def test_cluster_layout_is_deterministic_and_keeps_communities_apart():
    graph = nx.disjoint_union(nx.complete_graph(30), nx.complete_graph(30))
    positions = cluster_layout(graph)
    assert positions == cluster_layout(graph)
    a = np.array([positions[n] for n in range(30)])
    b = np.array([positions[n] for n in range(30, 60)])
    radius = max(np.linalg.norm(a - a.mean(0), axis=1).max(), np.linalg.norm(b - b.mean(0), axis=1).max())
    assert np.linalg.norm(a.mean(0) - b.mean(0)) > 2 * radius


def test_build_says_when_its_page_shows_only_part_of_the_graph(tmp_path, monkeypatch):
    from kg.build import build

    monkeypatch.setattr("kg.export.html.selection.AUTOMATIC_NODE_LIMIT", 100)
    monkeypatch.setattr("kg.export.html.selection.AUTOMATIC_TOP", 10)
    graph, summary = build([ROOT / "seeds"], tmp_path, formats=("html",))
    assert graph.number_of_nodes() > 100
    note = next(line for line in summary.lines() if line.startswith("graph.html: "))
    assert note.startswith("graph.html: Showing the 10 most connected papers") and "left out" in note
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert "the 10 most connected papers" in page


def test_the_page_script_takes_label_and_relation_names_from_the_data_island():
    from kg.schema import KIND, NODE_LABELS, RELATIONS

    templates = ROOT / "kg" / "export" / "html" / "templates"
    for template in sorted(templates.iterdir()):
        text = template.read_text(encoding="utf-8")
        literals = sorted({name for name in (KIND, *NODE_LABELS, *RELATIONS) if re.search(rf"[\"']{name}[\"']", text)})
        assert literals == [], f"{template.name} spells schema names {literals}: take them from data.schema"


def test_clusters_are_named_deterministically_from_their_concepts(seed_graph):
    first = json.loads(parse(render_page(select(seed_graph))).scripts[0])
    again = json.loads(parse(render_page(select(seed_graph))).scripts[0])
    assert first["clusters"] == again["clusters"] and len(first["clusters"]) > 1
    for index, cluster in enumerate(first["clusters"]):
        members = {n["id"] for n in first["nodes"] if n["cluster"] == index}
        assert cluster["size"] == len(members) and set(cluster["concepts"]) <= members
        assert cluster["name"] == " · ".join(first["concepts"][c]["name"] for c in cluster["concepts"][:3])
