"""The page as a map of the field, in headless Chromium: labels at the fitted zoom, named
clusters and the cluster list, the neighbourhood highlight, colour by month, search by arXiv id
and for concepts left out, the paper panel's full concept list, #node fragments.

Two pages: the seeds (51 papers, physics on) and a committed sample of 1,000 corpus abstracts
(tests/data/corpus-sample.jsonl.gz, every 74th line of ../shared/corpus; physics off, the
automatic selection ``kg build`` makes). Nothing waits a fixed time: tests wait on the
renderer's events (``afterDrawing``, ``animationFinished``) or poll with a deadline.
"""

from __future__ import annotations

import json
import re
import shlex

import pytest
from click.testing import CliRunner

from conftest import SEEDS
from kg.build import graph_of
from kg.cli import main
from kg.export import write_exports
from kg.export.html import automatic_selection, select, write_html
from kg.schema import CONCEPT, KIND, PAPER, RELATED_TO
from tools.browser import open_page


REDRAWN = "() => new Promise(done => { kg.network.once('afterDrawing', () => done(kg.labels)); kg.network.redraw(); })"
FITTED = ("() => new Promise(done => { kg.network.stopSimulation(); kg.network.fit();"
          " kg.network.once('afterDrawing', () => done(kg.labels)); kg.network.redraw(); })")


@pytest.fixture(scope="module")
def sample(sample_graph, tmp_path_factory):
    """The sample's graph, its graph.json and the page ``kg build`` would write for it."""
    folder = tmp_path_factory.mktemp("sample")
    graph = sample_graph
    write_exports(graph, folder, formats=("json",))
    selection = automatic_selection(graph)
    page = write_html(selection, folder / "graph.html", title="corpus sample", source=str(folder / "graph.json"))
    return graph, selection, page


@pytest.fixture(scope="module")
def seed_file(seed_graph, tmp_path_factory):
    return write_html(select(seed_graph), tmp_path_factory.mktemp("map") / "graph.html", title="Seed papers")


def page_data(page) -> dict:
    return json.loads(page.text_content("#kg-data"))


def _boxes_apart(labels: list[dict]) -> bool:
    return not any(a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]
                   for i, a in enumerate(labels) for b in labels[i + 1:])


@pytest.mark.parametrize("which", ["seeds", "sample"])
def test_top_concepts_and_cluster_names_are_drawn_at_the_fitted_zoom(browser, seed_file, sample, which):
    path = seed_file if which == "seeds" else sample[2]
    page, log = open_page(browser, path)
    try:
        labels = page.evaluate(FITTED)
        data = page_data(page)
        box = page.locator("#kg-network").bounding_box()
        drawn = set(page.evaluate("kg.network.body.nodeIndices"))
        concepts = sorted((n for n in data["nodes"] if n["id"] in data["concepts"] and n["id"] in drawn),
                          key=lambda n: (-n["size"], n["id"]))[:5]
        by_id = {label["id"]: label for label in labels}
        assert concepts[0]["id"] in by_id, "the largest concept is labelled"
        assert sum(n["id"] in by_id for n in concepts) >= 3, (labels[:8], page.evaluate("kg.skippedLabels.slice(0, 8)"))
        for n in concepts:
            if n["id"] not in by_id:
                continue
            label = by_id[n["id"]]
            assert label["text"] == data["concepts"][n["id"]]["name"][:31] or label["text"].endswith("…")
            at = page.evaluate("id => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", n["id"])
            assert abs(label["x"] + label["w"] / 2 - at["x"]) < 1.5, "centred under its node"
            assert 0 < label["y"] - at["y"] < 60, "just below its node"
        assert _boxes_apart(labels), "no two labels overlap"
        assert all(0 <= b["x"] and b["x"] + b["w"] <= box["width"] and 0 <= b["y"] and b["y"] + b["h"] <= box["height"]
                   for b in labels)
        names = [b["text"] for b in labels if b["kind"] == "cluster"]
        assert names and set(names) <= {c["name"] for c in data["clusters"]}
        assert log.page_errors == [] and log.console_errors == []
    finally:
        page.close()


def test_clusters_are_named_by_their_concepts_and_the_list_zooms(browser, sample):
    graph, _, path = sample
    page, log = open_page(browser, path)
    try:
        data = page_data(page)
        page.evaluate(FITTED)
        scale = page.evaluate("kg.network.getScale()")
        index = next(i for i, c in enumerate(data["clusters"]) if i > 0 and c["size"] >= 10)
        cluster = data["clusters"][index]
        members = {n["id"] for n in data["nodes"] if n["cluster"] == index}
        names = {data["concepts"][n]["name"] for n in members if n in data["concepts"]}
        assert cluster["name"].split(" · ") and set(cluster["name"].split(" · ")) <= names
        listed = page.eval_on_selector_all("#kg-clusters a", "as => as.map(a => a.textContent)")
        assert listed[index] == cluster["name"]
        page.evaluate("() => { window.zoomed = new Promise(done => kg.network.once('animationFinished', done)); }")
        page.click(f"#kg-clusters a[data-kg-cluster='{index}']")
        page.evaluate("() => window.zoomed")
        assert page.evaluate("kg.network.getScale()") > scale, "zoomed in on a cluster smaller than the graph"
        box = page.locator("#kg-network").bounding_box()
        points = page.evaluate("ids => ids.map(id => kg.network.canvasToDOM(kg.network.getPositions([id])[id]))", sorted(members))
        assert all(-1 <= p["x"] <= box["width"] + 1 and -1 <= p["y"] <= box["height"] + 1 for p in points)
        assert page.text_content("#kg-panel h2") == cluster["name"]
        assert page.get_attribute("html", "data-kg-highlight") == f"cluster:{index}"
        assert log.page_errors == []
    finally:
        page.close()


def test_selecting_a_node_lights_its_neighbours_and_dims_the_rest_until_cleared(browser, seed_file, seed_graph):
    page, _ = open_page(browser, seed_file)
    try:
        page.evaluate("kg.network.stopSimulation()")
        paper = max((n for n, kind in seed_graph.nodes(data=KIND) if kind == PAPER.name),
                    key=lambda n: (seed_graph.degree(n), n))
        page.evaluate("id => new Promise(done => { kg.network.once('animationFinished', done); kg.select(id); })", paper)
        expected = {paper} | set(seed_graph.succ[paper]) | set(seed_graph.pred[paper])
        opacity = page.evaluate("() => Object.fromEntries(kg.network.body.nodeIndices.map(id => [id, kg.network.body.nodes[id].options.opacity]))")
        assert {n for n, o in opacity.items() if o == 1} == expected
        assert {o for n, o in opacity.items() if n not in expected} == {0.15}
        labels = page.evaluate(REDRAWN)
        assert {label["id"] for label in labels} <= expected and paper in {label["id"] for label in labels}
        page.keyboard.press("Escape")
        opacity = page.evaluate("() => kg.network.body.nodeIndices.map(id => kg.network.body.nodes[id].options.opacity)")
        assert set(opacity) == {1}
    finally:
        page.close()


def _month(attrs: dict) -> str:
    return attrs["published"][:7]


def test_the_time_overlay_colours_by_month_and_the_range_hides_other_months(browser, sample, seed_file, tmp_path):
    graph, selection, path = sample
    page, log = open_page(browser, path)
    try:
        page.check("input[name='kg-colour'][value='month']")
        papers = {n: a for n, a in selection.graph.nodes(data=True) if a[KIND] == PAPER.name}
        months = sorted({_month(a) for a in papers.values()})
        assert len(months) > 3
        assert page.is_visible("#kg-month-legend")
        assert [page.text_content("#kg-month-first"), page.text_content("#kg-month-last")] == [months[0], months[-1]]
        colours = page.evaluate("() => Object.fromEntries(kg.network.body.nodeIndices.filter(id => id.startsWith('paper:'))"
                                ".map(id => [id, kg.network.body.nodes[id].options.color.background]))")
        by_month: dict[str, set] = {}
        for node, colour in colours.items():
            by_month.setdefault(_month(papers[node]), set()).add(colour)
        assert all(len(c) == 1 for c in by_month.values()), "one colour per month"
        assert by_month[months[0]] == {"#440154"} and by_month[months[-1]] == {"#fde725"}
        assert len({next(iter(c)) for c in by_month.values()}) == len(by_month), "months told apart"
        page.select_option("#kg-month-from", label=months[-1])
        drawn = page.evaluate("kg.network.body.nodeIndices.filter(id => id.startsWith('paper:'))")
        assert drawn and {_month(papers[n]) for n in drawn} == {months[-1]}
        assert log.page_errors == []
    finally:
        page.close()
    seeds, _ = open_page(browser, seed_file)
    try:  # the seeds: only the arXiv sample is dated (seeds/README.md)
        seeds.check("input[name='kg-colour'][value='month']")
        assert [seeds.text_content("#kg-month-first"), seeds.text_content("#kg-month-last")] == ["2026-05", "2026-06"]
    finally:
        seeds.close()
    undated = write_html(select(graph_of([SEEDS / "hf-daily-papers-sample.txt"])), tmp_path / "page.html", title="page")
    page, _ = open_page(browser, undated)
    try:  # the daily-papers page saved as text gives no year, so no dates: the page says so
        page.check("input[name='kg-colour'][value='month']")
        assert page.is_visible("#kg-month-none")
    finally:
        page.close()


def test_search_finds_an_arxiv_id_and_a_concept_left_out_with_the_command_that_shows_it(browser, sample, tmp_path):
    graph, selection, path = sample
    page, _ = open_page(browser, path)
    try:
        page.evaluate("kg.network.stopSimulation()")
        paper = sorted(n for n, a in selection.graph.nodes(data=True) if a[KIND] == PAPER.name)[7]
        arxiv_id = graph.nodes[paper]["id"]
        page.fill("#kg-search", f"arXiv:{arxiv_id}v2")
        page.press("#kg-search", "Enter")
        assert page.evaluate("kg.network.getSelectedNodes()") == [paper]
        assert page.text_content("#kg-panel h2") == graph.nodes[paper]["title"]
        left_out = [n for n, a in graph.nodes(data=True) if a[KIND] == CONCEPT.name and n not in selection.graph]
        concept = max(left_out, key=lambda n: (graph.nodes[n]["paper_count"], n))
        attrs = graph.nodes[concept]
        page.fill("#kg-search", attrs["name"])
        page.press("#kg-search", "Enter")
        status = page.text_content("#kg-search-status")
        assert f"is in the graph ({attrs['paper_count']} papers) but not drawn on this page" in status
        command = page.text_content("#kg-panel code")
        assert command in status and command.startswith("kg html ")
        # the command does what it says: its page draws the concept
        args = shlex.split(command)[2:]
        result = CliRunner().invoke(main, ["html", *args, "-o", str(tmp_path / "focus.html")])
        assert result.exit_code == 0, result.output
        focus_page = (tmp_path / "focus.html").read_text(encoding="utf-8")
        island = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', focus_page, re.S).group(1)
        assert concept in json.loads(island)["concepts"]
    finally:
        page.close()


def test_the_paper_panel_lists_every_concept_and_marks_those_not_drawn(browser, sample):
    graph, selection, path = sample
    page, _ = open_page(browser, path)
    try:
        page.evaluate("kg.network.stopSimulation()")
        shown = selection.graph
        paper = min((n for n, a in shown.nodes(data=True) if a[KIND] == PAPER.name
                     and any(c not in shown for c in graph.succ[n])), key=lambda n: (-graph.out_degree(n), n))
        concepts = {c for c, keys in graph.succ[paper].items() if set(keys) - {RELATED_TO}}
        undrawn = {c for c in concepts if c not in shown}
        page.evaluate("id => kg.select(id)", paper)
        listed = page.eval_on_selector_all("#kg-panel li > span", "spans => spans.map(s => [s.firstChild.textContent,"
                                           " !!s.querySelector('.kg-undrawn')])")
        names = {graph.nodes[c]["name"]: c in undrawn for c in concepts}
        assert {name: marked for name, marked in listed if name in names} == names
        assert f"{len(concepts)} concepts, {len(undrawn)} of them not drawn" in page.text_content("#kg-panel .kg-concept-count")
        marks = set(page.eval_on_selector_all("#kg-panel mark", "ms => ms.map(m => m.title.split(' (')[0])"))
        assert {graph.nodes[c]["name"] for c in undrawn} & marks, "the undrawn concepts are highlighted too"
    finally:
        page.close()


@pytest.mark.parametrize("which", ["seeds", "sample"])
def test_a_fragment_opens_the_page_on_that_node(browser, seed_file, seed_graph, sample, which):
    graph, path = (seed_graph, seed_file) if which == "seeds" else (sample[0], sample[2])
    shown = seed_graph if which == "seeds" else sample[1].graph
    node = max((n for n, a in shown.nodes(data=True) if a[KIND] == CONCEPT.name), key=lambda n: (shown.degree(n), n))
    page, log = open_page(browser, path, fragment=node)
    try:
        page.wait_for_function("id => kg.openedFragment === id", arg=node, timeout=30_000)
        assert page.evaluate("kg.network.getSelectedNodes()") == [node]
        assert page.text_content("#kg-panel h2") == graph.nodes[node]["name"]
        assert page.get_attribute("html", "data-kg-highlight") == node
        assert log.page_errors == []
    finally:
        page.close()


def test_search_reports_a_concept_whose_papers_are_all_left_out(browser, seed_graph, tmp_path):
    selection = select(seed_graph, top=5)
    absent = [n for n, a in seed_graph.nodes(data=True) if a[KIND] == CONCEPT.name and n not in selection.graph
              and not any(p in selection.graph for p in seed_graph.pred[n])]
    concept = max(absent, key=lambda n: (seed_graph.nodes[n]["paper_count"], n))
    page, _ = open_page(browser, write_html(selection, tmp_path / "top5.html", source="exports/graph.json"))
    try:
        page.fill("#kg-search", seed_graph.nodes[concept]["name"])
        page.press("#kg-search", "Enter")
        status = page.text_content("#kg-search-status")
        assert f"is in the graph ({seed_graph.nodes[concept]['paper_count']} papers) but not on this page" in status
        assert shlex.split(page.text_content("#kg-panel code")) == ["kg", "html", "exports/graph.json", "--focus", concept]
        page.fill("#kg-search", "no such thing at all")
        page.press("#kg-search", "Enter")
        assert page.text_content("#kg-search-status") == "No match for no such thing at all in the graph"
    finally:
        page.close()
