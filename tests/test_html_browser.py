"""The HTML page in headless Chromium (Debian's, driven by Playwright; see tools/browser.py).

Every page opens from disk with all non-file requests blocked. Without a browser these tests
skip, except under KG_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from kg.export.html import select, write_html
from kg.export.html.page import style_label
from tools.browser import open_page

DRAWN = "[kg.network.body.nodeIndices.length, kg.network.body.edgeIndices.length]"


@pytest.fixture(scope="module")
def seed_file(seed_graph, tmp_path_factory):
    return write_html(select(seed_graph), tmp_path_factory.mktemp("page") / "graph.html", title="Seed papers")


@pytest.fixture
def seed(browser, seed_file):
    page, log = open_page(browser, seed_file)
    yield page, log
    page.close()


CANARY_IMAGE = """() => new Promise(resolve => {
    const img = new Image();
    img.addEventListener("error", () => { img.remove(); resolve(true); });
    img.src = "data:,not-an-image";
    document.body.appendChild(img);
})"""


def select_and_wait(page, node: str) -> None:
    """Select a drawn node and wait for the renderer's ``animationFinished`` event: selecting
    centres the node with an animation."""
    page.evaluate("id => new Promise(resolve => { kg.network.once('animationFinished', resolve); kg.select(id); })", node)


def freeze(page) -> None:
    """Stop the physics simulation: nodes still drifting would move away from where a test
    clicks or expects the view centred."""
    page.evaluate("kg.network.stopSimulation()")


def drawn_nodes_of(page, group: str) -> int:
    return page.evaluate("g => kg.network.body.nodeIndices.filter(id => kg.nodes.get(id).group === g).length", group)


def test_seed_page_loads_offline_without_errors_and_draws_the_whole_graph(seed, seed_graph):
    page, log = seed
    assert log.console_errors == [] and log.page_errors == []
    assert log.blocked_requests == [], "the page asked for something beyond its own file"
    assert page.evaluate(DRAWN) == [seed_graph.number_of_nodes(), seed_graph.number_of_edges()]
    counts = page.text_content("#kg-counts")
    assert f"{seed_graph.number_of_nodes()} of {seed_graph.number_of_nodes()} nodes" in counts
    assert page.text_content("#kg-selection").startswith("Showing the whole graph")
    legend = page.eval_on_selector_all(".kg-toggles .kg-count", "cs => cs.map(c => c.textContent)")
    assert legend and "0" not in legend, "no empty legend rows"


def test_searching_a_concept_centres_and_highlights_it(seed, seed_graph):
    page, _ = seed
    node, attrs = max(((n, a) for n, a in seed_graph.nodes(data=True) if a["kind"] == "Concept"),
                      key=lambda item: (item[1]["paper_count"], item[0]))
    freeze(page)
    page.fill("#kg-search", attrs["name"])
    page.press("#kg-search", "Enter")
    assert page.evaluate("kg.network.getSelectedNodes()") == [node]
    assert page.text_content("#kg-panel h2") == attrs["name"]
    assert page.text_content("#kg-search-status").startswith(attrs["name"])
    box = page.locator("#kg-network").bounding_box()
    # the centring animation ends when the node sits at the centre: poll for it, with a deadline
    page.wait_for_function("([id, w, h]) => { const p = kg.network.canvasToDOM(kg.network.getPositions([id])[id]);"
                           " return Math.abs(p.x - w / 2) < 30 && Math.abs(p.y - h / 2) < 30; }",
                           arg=[node, box["width"], box["height"]], timeout=30_000)


def test_a_type_checkbox_hides_that_type_and_its_edges(seed, seed_graph):
    page, _ = seed
    labels = Counter(style_label(a) for _, a in seed_graph.nodes(data=True))
    task_edges = sum(1 for _, target in seed_graph.edges() if style_label(seed_graph.nodes[target]) == "Task")
    assert drawn_nodes_of(page, "Task") == labels["Task"] > 0
    page.uncheck("input[data-kg-toggle='Task']")
    assert drawn_nodes_of(page, "Task") == 0
    assert page.evaluate(DRAWN) == [seed_graph.number_of_nodes() - labels["Task"], seed_graph.number_of_edges() - task_edges]
    page.check("input[data-kg-toggle='Task']")
    assert page.evaluate(DRAWN) == [seed_graph.number_of_nodes(), seed_graph.number_of_edges()]


def test_a_relation_checkbox_and_the_min_papers_input_filter(seed, seed_graph):
    page, _ = seed
    related = sum(1 for *_, key in seed_graph.edges(keys=True) if key == "RELATED_TO")
    page.uncheck("input[data-kg-toggle='RELATED_TO']")
    assert page.evaluate(DRAWN)[1] == seed_graph.number_of_edges() - related
    page.check("input[data-kg-toggle='RELATED_TO']")
    rare = {n for n, a in seed_graph.nodes(data=True) if a["kind"] == "Concept" and a["paper_count"] < 2}
    # papers left with no link to anything still drawn go too
    lonely = {n for n, a in seed_graph.nodes(data=True) if a["kind"] == "Paper"
              and not (set(seed_graph.succ[n]) | set(seed_graph.pred[n])) - rare}
    assert lonely, "the seeds have papers whose every concept is in one paper"
    page.fill("#kg-min-papers-value", "2")
    page.dispatch_event("#kg-min-papers-value", "change")
    assert page.evaluate(DRAWN)[0] == seed_graph.number_of_nodes() - len(rare) - len(lonely)
    # the slider is logarithmic: its position for 2 papers is log(2) / log(most papers) of its track
    most = max(a["paper_count"] for _, a in seed_graph.nodes(data=True) if a["kind"] == "Concept")
    assert page.input_value("#kg-min-papers") == str(round(math.log(2) / math.log(most) * 1000))


def test_clicking_a_paper_shows_its_abstract_with_mentions_highlighted(seed, seed_graph):
    page, _ = seed
    paper = max((n for n, a in seed_graph.nodes(data=True) if a["kind"] == "Paper"),
                key=lambda n: (seed_graph.out_degree(n), n))
    attrs = seed_graph.nodes[paper]
    freeze(page)
    page.evaluate("id => kg.network.moveTo({position: kg.network.getPositions([id])[id], scale: 2})", paper)
    point = page.evaluate("id => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", paper)
    box = page.locator("#kg-network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert page.text_content("#kg-panel h2") == attrs["title"]
    assert page.text_content("#kg-panel .kg-abstract") == attrs["abstract"]
    marks = page.eval_on_selector_all("#kg-panel .kg-abstract mark", "ms => ms.map(m => [m.textContent, m.className])")
    expected = {text for _, _, key, data in seed_graph.out_edges(paper, keys=True, data=True) if key != "RELATED_TO"
                for field, text in zip(data["fields"], data["texts"]) if field == "abstract"}
    assert marks and {text for text, _ in marks} <= expected
    assert {cls for _, cls in marks} <= {"kg-method", "kg-model", "kg-dataset", "kg-benchmark", "kg-task"}
    assert page.locator("#kg-panel h3", has_text="USES").count() + page.locator("#kg-panel h3", has_text="ADDRESSES").count() > 0


def test_a_concept_panel_lists_its_papers_aliases_and_evidence(seed, seed_graph):
    page, _ = seed
    node = max((n for n, a in seed_graph.nodes(data=True) if a["kind"] == "Concept"),
               key=lambda n: (bool(seed_graph.nodes[n]["aliases"]), seed_graph.nodes[n]["paper_count"], n))
    attrs = seed_graph.nodes[node]
    page.evaluate("id => kg.select(id)", node)
    assert page.text_content("#kg-panel h2") == attrs["name"]
    assert attrs["aliases"], "the chosen concept should have aliases to show"
    assert page.text_content("#kg-panel p:not(.kg-meta)") == "Also: " + ", ".join(attrs["aliases"])
    papers = {seed_graph.nodes[p]["title"] for p in seed_graph.predecessors(node)}
    listed = page.eval_on_selector_all("#kg-panel li > span > a", "as => as.map(a => a.textContent)")
    assert set(listed) == papers
    marked = page.eval_on_selector_all("#kg-panel .kg-evidence mark", "ms => ms.map(m => m.textContent)")
    texts = {t for _, _, key, d in seed_graph.in_edges(node, keys=True, data=True) for t in d["texts"]}
    assert marked and set(marked) <= texts


def test_clicking_a_related_edge_lists_the_shared_concepts(seed, seed_graph):
    page, _ = seed
    source, target, attrs = next((u, v, a) for u, v, k, a in sorted(seed_graph.edges(keys=True, data=True)) if k == "RELATED_TO")
    freeze(page)
    edge_id = page.evaluate("([a, b]) => kg.edges.get({filter: e => e.from === a && e.to === b})[0].id", [source, target])
    page.evaluate("id => { const e = kg.edges.get(id); const p = kg.network.getPositions([e.from, e.to]);"
                  " kg.network.moveTo({position: {x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2}, scale: 3}); }",
                  edge_id)
    box = page.locator("#kg-network").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.evaluate("kg.network.getSelectedEdges()") == [edge_id]
    assert page.text_content("#kg-panel h2") == "Related papers"
    shared = page.eval_on_selector_all("#kg-panel ul:last-of-type li a", "as => as.map(a => a.textContent)")
    assert shared == [seed_graph.nodes[f"concept:{key}"]["name"] for key in attrs["shared"]]


def test_malicious_titles_run_no_script(browser, malicious_graph, tmp_path):
    path = write_html(select(malicious_graph), tmp_path / "evil.html", title="<img src=x onerror=alert(0)>")
    page, log = open_page(browser, path)
    freeze(page)
    hovered = 0
    try:
        for node in sorted(malicious_graph.nodes):
            if not page.evaluate("id => kg.network.body.nodeIndices.includes(id)", node):
                page.evaluate("id => kg.select(id)", node)
                continue  # hidden by a default filter: its panel, but no tooltip to show
            select_and_wait(page, node)
            position = page.evaluate("id => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", node)
            box = page.locator("#kg-network").bounding_box()
            page.mouse.move(box["x"] + position["x"], box["y"] + position["y"])  # shows the tooltip
            page.wait_for_selector("div.vis-tooltip", state="visible", timeout=30_000)
            page.mouse.move(box["x"] + 1, box["y"] + 1)
            page.wait_for_selector("div.vis-tooltip", state="hidden", timeout=30_000)
            hovered += 1
        assert hovered >= 5, "tooltips were shown"
        clusters = page.locator("#kg-clusters a[data-kg-cluster]")
        for i in range(clusters.count()):  # cluster names are made of the (hostile) concept names
            clusters.nth(i).click()
        page.evaluate("() => new Promise(done => { kg.network.once('afterDrawing', done); kg.network.redraw(); })")
        assert page.evaluate("kg.labels.length") > 0, "labels, hostile names among them, were drawn on the canvas"
        evil_title = malicious_graph.nodes["paper:2501.00001"]["title"]
        page.fill("#kg-search", evil_title)
        page.press("#kg-search", "Enter")
        # an injected image's onerror fires when its load fails: once a canary image of our own has
        # failed to decode, any image the page made before it has had its chance to fire
        page.evaluate(CANARY_IMAGE)
        assert log.dialogs == [], "a payload ran"
        assert page.text_content("#kg-panel h2") == evil_title, "the title shows as text"
        links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
        assert all(href == "#" or href.startswith(("http://", "https://")) for href in links), links
        assert page.evaluate("document.querySelectorAll('img, iframe, svg image, script[src]').length") == 0
        assert page.evaluate("document.querySelectorAll('script').length") == 3
        assert page.title() == "<img src=x onerror=alert(0)>"
        page.evaluate("id => kg.select(id)", "paper:2501.00002")  # astral characters before its mentions
        marks = page.eval_on_selector_all("#kg-panel .kg-abstract mark", "ms => ms.map(m => m.textContent)")
        texts = {t for _, _, k, d in malicious_graph.out_edges("paper:2501.00002", keys=True, data=True)
                 if k != "RELATED_TO" for f, t in zip(d["fields"], d["texts"]) if f == "abstract"}
        assert marks and set(marks) <= texts
        assert log.page_errors == [] and log.console_errors == []
    finally:
        page.close()
