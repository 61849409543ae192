"""The concept map (``kg html --concepts``): which concepts and links it draws, checked against
counts made here from the graph, and the page in headless Chromium on the 1,000-abstract sample:
labels and cluster names at the fitted zoom, a concept's panel lists its papers with evidence, a
link's panel the papers naming both, a listed paper lights its concepts, search and #fragments,
and hostile names run no script. Nothing waits a fixed time (renderer events, promises)."""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export import write_exports
from kg.export.html import concept_map, write_html
from kg.export.html.concepts import LINKS_PER_CONCEPT, MIN_TOGETHER, PAPERS_PER_CONCEPT
from kg.export.html.selection import paper_degree
from kg.schema import CO_OCCURS, CONCEPT, KIND, PAPER, PAPER_COUNT, RELATED_TO, TOGETHER, WEIGHT
from tools.browser import open_page

from test_html_browser import CANARY_IMAGE

FITTED = ("() => new Promise(done => { kg.network.stopSimulation(); kg.network.fit();"
          " kg.network.once('afterDrawing', () => done(kg.labels)); kg.network.redraw(); })")
OPACITY = "() => Object.fromEntries(kg.network.body.nodeIndices.map(id => [id, kg.network.body.nodes[id].options.opacity]))"
CLICK_EDGE = "id => { kg.network.body.emitter.emit('click', {nodes: [], edges: [id], pointer: {DOM: {x: 0, y: 0}}}); }"


def named_by(graph) -> dict[str, set[str]]:
    """Per concept, the papers with a relation to it (RELATED_TO is paper-paper)."""
    papers: dict[str, set[str]] = {}
    for paper, concept, relation in graph.edges(keys=True):
        if relation != RELATED_TO:
            papers.setdefault(concept, set()).add(paper)
    return papers


@pytest.fixture(scope="module")
def sample_map(sample_graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("concept-map")
    selection = concept_map(sample_graph)
    page = write_html(selection, folder / "concepts.html", title="sample concepts", source="graph.json")
    return selection, page


def test_the_map_draws_the_concepts_in_most_papers_linked_by_association_strength(sample_graph, sample_map):
    selection, _ = sample_map
    drawn = selection.graph
    concepts = [n for n, a in sample_graph.nodes(data=True) if a[KIND] == CONCEPT.name]
    by_count = sorted(concepts, key=lambda n: (-sample_graph.nodes[n][PAPER_COUNT], sample_graph.nodes[n]["key"]))
    assert set(drawn.nodes) == set(by_count[:300]) and all(drawn.nodes[n][KIND] == CONCEPT.name for n in drawn)
    papers = named_by(sample_graph)
    total = sum(1 for _, kind in sample_graph.nodes(data=KIND) if kind == PAPER.name)
    # every pair named together often enough, with its strength, counted here independently
    pairs = {}
    for a, b in combinations(sorted(drawn.nodes), 2):
        both = len(papers[a] & papers[b])
        if both >= MIN_TOGETHER:
            pairs[a, b] = (both * total / (len(papers[a]) * len(papers[b])), both)
    strongest: dict[str, list] = {}
    for (a, b), (value, both) in pairs.items():
        strongest.setdefault(a, []).append((-value, -both, b))
        strongest.setdefault(b, []).append((-value, -both, a))
    expected = {tuple(sorted((a, other))) for a, rows in strongest.items()
                for *_, other in sorted(rows)[:LINKS_PER_CONCEPT]}
    links = {tuple(sorted((u, v))): d for u, v, k, d in drawn.edges(keys=True, data=True)}
    assert all(k == CO_OCCURS for *_, k in drawn.edges(keys=True))
    assert set(links) == expected and len(links) > 200
    for pair, attrs in links.items():
        assert attrs[TOGETHER] == pairs[pair][1]
        assert attrs[WEIGHT] == pytest.approx(pairs[pair][0], abs=5e-4)
    assert max(Counter(n for pair in links for n in pair).values()) > LINKS_PER_CONCEPT, "kept when either side keeps it"


def test_the_panels_list_each_concepts_most_connected_papers(sample_graph, sample_map):
    selection, _ = sample_map
    papers = named_by(sample_graph)
    expected = set()
    for concept in selection.graph:
        expected |= set(sorted(papers[concept], key=lambda p: (-paper_degree(sample_graph, p), p))[:PAPERS_PER_CONCEPT])
    assert set(selection.listed) == expected
    assert selection.summary().startswith("Concept map of the 300 concepts in most papers")
    assert f"the panels list {len(expected)} of 1000 papers" in selection.summary()


def test_in_chromium_labels_clusters_panels_link_and_listed_paper(browser, sample_graph, sample_map):
    selection, path = sample_map
    page, log = open_page(browser, path)
    try:
        labels = page.evaluate(FITTED)
        data = json.loads(page.text_content("#kg-data"))
        assert data["view"] == "concepts" and data["nodes"] and all(n["id"] in data["concepts"] for n in data["nodes"])
        top = sorted(data["nodes"], key=lambda n: (-n["size"], n["id"]))[:5]
        drawn_labels = {label["id"] for label in labels if label["kind"] == "node"}
        assert top[0]["id"] in drawn_labels and sum(n["id"] in drawn_labels for n in top) >= 3
        names = {label["text"] for label in labels if label["kind"] == "cluster"}
        assert names and names <= {c["name"] for c in data["clusters"]}
        assert all(c["papers"] > 0 for c in data["clusters"]), "a concept cluster counts its papers"

        concept = top[0]["id"]
        page.evaluate("id => new Promise(done => { kg.network.once('animationFinished', done); kg.select(id); })", concept)
        assert page.text_content("#kg-panel h2") == sample_graph.nodes[concept]["name"]
        listed = [p for p in selection.listed if sample_graph.has_edge(p, concept)]
        shown = page.eval_on_selector_all("#kg-panel > ul > li > span > a", "as => as.map(a => a.textContent)")
        assert sorted(shown) == sorted(sample_graph.nodes[p]["title"] for p in listed)

        u, v, attrs = next((u, v, a) for u, v, a in sorted(selection.graph.edges(data=True)) if a[TOGETHER] >= 3)
        edge_id = page.evaluate("([a, b]) => kg.edges.get({filter: e => e.from === a && e.to === b})[0].id", [u, v])
        page.evaluate(CLICK_EDGE, edge_id)
        assert page.text_content("#kg-panel h2") == "Named together"
        assert f"In {attrs[TOGETHER]} papers together, {attrs[WEIGHT]} times" in page.text_content("#kg-panel .kg-meta")
        both = page.eval_on_selector_all("#kg-panel ul:last-of-type li a", "as => as.map(a => a.textContent)")
        expected = {p for p in selection.listed if sample_graph.has_edge(p, u) and sample_graph.has_edge(p, v)}
        assert sorted(both) == sorted(sample_graph.nodes[p]["title"] for p in expected) and both

        paper = max(selection.listed, key=lambda p: (sum(c in selection.graph for c in sample_graph.succ[p]), p))
        page.evaluate("id => kg.select(id)", paper)
        assert page.text_content("#kg-panel h2") == sample_graph.nodes[paper]["title"]
        assert page.get_attribute("html", "data-kg-highlight") == paper
        lit = {n for n, o in page.evaluate(OPACITY).items() if o == 1}
        assert lit == {c for c in sample_graph.succ[paper] if c in selection.graph}

        found = page.evaluate("q => kg.search(q)", "arXiv:" + sample_graph.nodes[paper]["id"])
        assert found == paper and page.text_content("#kg-panel h2") == sample_graph.nodes[paper]["title"]
        assert log.page_errors == [] and log.console_errors == [] and log.blocked_requests == []
    finally:
        page.close()
    page, log = open_page(browser, path, fragment=concept)
    try:
        page.wait_for_function("() => kg.openedFragment", timeout=30_000)
        assert page.text_content("#kg-panel h2") == sample_graph.nodes[concept]["name"]
    finally:
        page.close()


def test_hostile_names_on_the_concept_map_run_no_script(browser, malicious_graph, tmp_path):
    selection = concept_map(malicious_graph, min_together=1)
    assert selection.graph.number_of_edges() > 0
    path = write_html(selection, tmp_path / "evil.html", title="<img src=x onerror=alert(0)>")
    page, log = open_page(browser, path)
    try:
        page.evaluate(FITTED)
        for node in [*sorted(selection.graph.nodes), *selection.listed]:
            page.evaluate("id => kg.select(id)", node)
        for edge_id in page.evaluate("kg.edges.getIds()"):
            page.evaluate(CLICK_EDGE, edge_id)
        for i in range(page.locator("#kg-clusters a[data-kg-cluster]").count()):
            page.locator("#kg-clusters a[data-kg-cluster]").nth(i).click()
        page.evaluate(CANARY_IMAGE)
        assert log.dialogs == [], "a payload ran"
        assert page.evaluate("document.querySelectorAll('img, iframe, svg image, script[src]').length") == 0
        assert log.page_errors == [] and log.console_errors == []
    finally:
        page.close()


def test_kg_html_concepts_writes_the_map_and_refuses_what_it_cannot_draw(sample_graph, tmp_path):
    write_exports(sample_graph, tmp_path, formats=("json",))
    runner = CliRunner()
    result = runner.invoke(main, ["html", str(tmp_path / "graph.json"), "--concepts", "--top", "50",
                                  "--types", "model,dataset", "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Concept map of the 50 concepts in most papers of types dataset, model")
    text = (tmp_path / "map.html").read_text(encoding="utf-8")
    data = json.loads(text.split('id="kg-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["nodes"]) == 50 and {data["concepts"][n["id"]]["type"] for n in data["nodes"]} <= {"model", "dataset"}
    for args, message in ((["--focus", "BERT"], "--concepts draws concepts alone"),
                          (["--relations", "USES"], "--concepts draws concepts alone"),
                          (["--types", "paper"], "unknown concept types")):
        result = runner.invoke(main, ["html", str(tmp_path / "graph.json"), "--concepts", *args])
        assert result.exit_code == 2 and message in result.output, result.output
        assert "Traceback" not in result.output
