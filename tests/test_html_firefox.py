"""The page in Debian's Firefox (firefox-esr through WebDriver BiDi, tools/firefox.py): the same
map checks as tests/test_html_map.py runs in Chromium, on the seeds and the 1,000-paper sample
(labels, cluster names and the cluster list's zoom, highlight, month colours, search by arXiv id
and for a left-out concept, panels, fragments), the concept map, and the XSS canary (a dialog
is a page error, and every step fails on one).
Without Firefox these tests skip, except under KG_REQUIRE_BROWSER=1 (CI), where they fail.
Steps wait on the renderer's events (promises), never a fixed time."""

from __future__ import annotations

import json
import os

import pytest

from kg.export.html import automatic_selection, concept_map, select, write_html
from kg.schema import CONCEPT, KIND, PAPER
from tools.browser import BrowserUnavailable
from tools.firefox import evaluate_in_firefox


FITTED = ("new Promise(done => { kg.network.stopSimulation(); kg.network.fit();"
          " kg.network.once('afterDrawing', () => done(kg.labels)); kg.network.redraw(); })")
SELECTED = "new Promise(done => { kg.network.once('animationFinished', () => done(kg.network.getSelectedNodes())); kg.select(%r); })"
OPACITY = "Object.fromEntries(kg.network.body.nodeIndices.map(id => [id, kg.network.body.nodes[id].options.opacity]))"


def run(path, steps, fragment=""):
    try:
        out = evaluate_in_firefox(path, steps, fragment)
    except BrowserUnavailable as error:
        if os.environ.get("KG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KG_REQUIRE_BROWSER=1 but no Firefox: {error}")
        pytest.skip(f"no Firefox: {error}")
    assert out["pageErrors"] == [] and out["consoleErrors"] == [] and out["blocked"] == [], out
    return out["results"]


@pytest.fixture(scope="module")
def pages(seed_graph, sample_graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("firefox")
    sample = sample_graph
    selection = automatic_selection(sample)
    concepts = concept_map(sample)
    return {"seeds": (seed_graph, seed_graph, write_html(select(seed_graph), folder / "seeds.html")),
            "sample": (sample, selection.graph, write_html(selection, folder / "sample.html")),
            "concepts": (sample, concepts, write_html(concepts, folder / "concepts.html"))}


@pytest.mark.parametrize("which", ["seeds", "sample"])
def test_in_firefox_labels_highlight_search_and_fragments(pages, which):
    graph, shown, path = pages[which]
    concept = max((n for n, a in shown.nodes(data=True) if a[KIND] == CONCEPT.name), key=lambda n: (shown.degree(n), n))
    paper = max((n for n, a in shown.nodes(data=True) if a[KIND] == PAPER.name), key=lambda n: (shown.degree(n), n))
    labels, clusters, selected, opacity, panel, search = run(path, [
        FITTED,
        "JSON.parse(document.getElementById('kg-data').textContent).clusters.map(c => c.name)",
        SELECTED % paper,
        OPACITY,
        "document.querySelector('#kg-panel .kg-concept-count').textContent",
        "(() => { kg.network.stopSimulation(); return kg.search('arXiv:' + %r + 'v3'); })()" % graph.nodes[paper]["id"],
    ])
    ids = {label["id"] for label in labels}
    assert concept in ids or any(label["kind"] == "node" for label in labels)
    assert any(label["kind"] == "cluster" and label["text"] in clusters for label in labels), "cluster names drawn"
    assert not any(a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]
                   for i, a in enumerate(labels) for b in labels[i + 1:]), "no two labels overlap"
    assert selected == [paper]
    expected = {paper} | set(shown.succ[paper]) | set(shown.pred[paper])
    assert {n for n, o in opacity.items() if o == 1} == expected
    concepts = {c for c in graph.succ[paper] if graph.nodes[c][KIND] == CONCEPT.name}  # drawn or not
    assert panel.startswith(f"{len(concepts)} concepts")
    assert search == paper
    opened, heading = run(path, ["new Promise(done => { const t = () => kg.openedFragment ? done(kg.openedFragment) : requestAnimationFrame(t); t(); })",
                                 "document.querySelector('#kg-panel h2').textContent"], fragment=concept)
    assert opened == concept and heading == graph.nodes[concept]["name"]


def test_in_firefox_the_concept_map_draws_labels_and_cluster_names_and_opens_panels(pages):
    graph, selection, path = pages["concepts"]
    concept = max(selection.graph, key=lambda n: (graph.nodes[n]["paper_count"], n))
    paper = selection.listed[0]
    labels, clusters, concept_heading, paper_heading, highlight = run(path, [
        FITTED,
        "JSON.parse(document.getElementById('kg-data').textContent).clusters.map(c => c.name)",
        "(() => { kg.select(%r); return document.querySelector('#kg-panel h2').textContent; })()" % concept,
        "(() => { kg.select(%r); return document.querySelector('#kg-panel h2').textContent; })()" % paper,
        "document.documentElement.getAttribute('data-kg-highlight')",
    ])
    assert concept in {label["id"] for label in labels if label["kind"] == "node"}, "the largest concept is labelled"
    assert any(label["kind"] == "cluster" and label["text"] in clusters for label in labels), "cluster names drawn"
    assert concept_heading == graph.nodes[concept]["name"]
    assert paper_heading == graph.nodes[paper]["title"] and highlight == paper


CANARY = ("new Promise(done => { const img = new Image(); img.addEventListener('error', () => { img.remove(); done(true); });"
          " img.src = 'data:,not-an-image'; document.body.appendChild(img); })")


def test_in_firefox_month_colours_cluster_zoom_and_a_left_out_concept(pages):
    graph, shown, path = pages["sample"]
    papers = {n: a["published"][:7] for n, a in shown.nodes(data=True) if a[KIND] == PAPER.name}
    months = sorted(set(papers.values()))
    left_out = max((n for n, a in graph.nodes(data=True) if a[KIND] == CONCEPT.name and n not in shown),
                   key=lambda n: (graph.nodes[n]["paper_count"], n))
    colours, scales, status, command = run(path, [
        "(() => { document.querySelector(\"input[name='kg-colour'][value='month']\").click();"
        " return Object.fromEntries(kg.network.body.nodeIndices.filter(id => id.startsWith('paper:'))"
        ".map(id => [id, kg.network.body.nodes[id].options.color.background])); })()",
        "new Promise(done => { kg.network.stopSimulation(); kg.network.fit(); const before = kg.network.getScale();"
        " kg.network.once('animationFinished', () => done([before, kg.network.getScale()]));"
        " document.querySelector(\"#kg-clusters a[data-kg-cluster='1']\").click(); })",
        "(() => { kg.search(%r); return document.getElementById('kg-search-status').textContent; })()" % graph.nodes[left_out]["name"],
        "document.querySelector('#kg-panel code').textContent",
    ])
    by_month: dict[str, set] = {}
    for node, colour in colours.items():
        by_month.setdefault(papers[node], set()).add(colour)
    assert len(months) > 3 and all(len(c) == 1 for c in by_month.values()), "one colour per month"
    assert by_month[months[0]] == {"#440154"} and by_month[months[-1]] == {"#fde725"}
    assert scales[1] > scales[0], "the cluster list zooms in on a cluster"
    assert f"is in the graph ({graph.nodes[left_out]['paper_count']} papers) but not drawn on this page" in status
    assert command.startswith("kg html ") and command in status


def test_in_firefox_hostile_names_run_no_script(malicious_graph, tmp_path):
    path = write_html(select(malicious_graph), tmp_path / "evil.html", title="<img src=x onerror=alert(0)>")
    nodes = sorted(malicious_graph.nodes)
    evil_title = malicious_graph.nodes["paper:2501.00001"]["title"]
    heading, images, links = run(path, [
        "(() => { kg.network.stopSimulation(); %s.forEach(id => kg.select(id));"
        " document.querySelectorAll('#kg-clusters a[data-kg-cluster]').forEach(a => a.click());"
        " kg.search(%s); return document.querySelector('#kg-panel h2').textContent; })()"
        % (json.dumps(nodes), json.dumps(evil_title)),
        CANARY + ".then(() => document.querySelectorAll('img, iframe, svg image, script[src]').length)",
        "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))",
    ])  # run() fails on any page error or dialog: an alert() would be one
    assert heading == evil_title and images == 0
    assert all(href == "#" or href.startswith(("http://", "https://")) for href in links), links
