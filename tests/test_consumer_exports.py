"""kg's own exports opened in the real consumer tools: the Gephi Toolkit 0.10.1 (GraphML, GEXF),
Cytoscape.js 3.35 (graph.cyjs), graphology-gexf, NetworkX and python-igraph (GraphML, JSON),
the csv module (nodes.csv / edges.csv, as pandas reads them). What each tool reads is in
docs/consumer-notes.md. Without Java/Maven/Node the tool tests skip; under KG_REQUIRE_TOOLS=1 they fail.
"""

from __future__ import annotations

import csv
import json
import math

import igraph
import networkx as nx
import pytest
from conftest import SEEDS
from test_consumer_tools import gephi, node_tools  # noqa: F401  (fixtures)

from kg.assemble import sorted_edges
from kg.build import build
from kg.export import read_graph, write_exports
from kg.export.display import ExportOptions, date_interval, edge_weight, node_display, trimmed
from kg.schema import CONCEPT, KIND, LEAN_OMITTED, PAPER, RELATED_TO
from tools import consumers, gephi_toolkit

FILES = ("graphml", "json", "gexf", "cyjs", "csv")
DATED = [
    {"id": "2411.00001", "title": "Fine-tuning BERT for question answering",
     "abstract": "We fine-tune BERT on the SQuAD dataset and compare with RoBERTa.", "published": "2024-11-30"},
    {"id": "2503.00002", "title": "RoBERTa on SQuAD",
     "abstract": "We evaluate RoBERTa on the SQuAD benchmark for question answering.", "published": "2025-03-14"},
    {"id": "2507.00003", "title": "Distilling BERT",
     "abstract": "We distill BERT into a small model and evaluate on the SQuAD dataset.", "published": "2025-07"},
]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("consumer-seeds")
    graph, _ = build([SEEDS], out, FILES)
    return graph, out


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("consumer-dated")
    source = folder / "papers.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in DATED), encoding="utf-8")
    graph, _ = build([source], folder / "out", ("graphml", "gexf"))
    return graph, folder / "out"


@pytest.fixture(scope="module")
def gephi_seen(gephi, seeds, dated):  # noqa: F811
    _, out = seeds
    paths = [out / "graph.graphml", out / "graph.gexf", dated[1] / "graph.gexf"]
    return dict(zip(("graphml", "gexf", "dated-gexf"), gephi_toolkit.inspect_many(paths)))


def _problems(doc: dict) -> list[dict]:
    return [issue for issue in doc["issues"] if issue["level"] != "INFO"]


@pytest.mark.parametrize("name", ["graphml", "gexf"])
def test_gephi_imports_labels_colours_sizes_positions_and_weights_as_kg_wrote_them(seeds, gephi_seen, name):
    graph, _ = seeds
    doc = gephi_seen[name]
    assert _problems(doc) == []
    assert (doc["graph"]["node_count"], doc["graph"]["edge_count"]) == (graph.number_of_nodes(), graph.number_of_edges())
    shown = node_display(graph)
    for node in doc["nodes"]:
        expected = shown[node["id"]]
        assert node["label"] == expected["label"]
        assert (node["color"]["r"], node["color"]["g"], node["color"]["b"]) == (expected["r"], expected["g"], expected["b"])
        # Gephi's import scaler leaves kg's sizes and positions as they are
        assert node["size"] == pytest.approx(expected["size"], abs=0.01)
        assert (node["x"], node["y"]) == pytest.approx((expected["x"], expected["y"]), abs=0.1)
    weights = {f"e{n}": edge_weight(relation, attrs) for n, (_, _, relation, attrs) in enumerate(sorted_edges(graph))}
    assert {edge["id"]: edge["weight"] for edge in doc["edges"]} == pytest.approx(weights)
    relations = {edge["type_label"] for edge in doc["edges"]}
    assert RELATED_TO in relations and len(relations) > 3  # relations kept apart, not merged


def test_gephi_reads_related_to_as_undirected_from_gexf(seeds, gephi_seen):
    graph, _ = seeds
    related = sum(1 for *_, key in graph.edges(keys=True) if key == RELATED_TO)
    assert gephi_seen["gexf"]["graph"]["kind"] == "mixed"
    assert gephi_seen["gexf"]["graph"]["undirected_edge_count"] == related


def _paper_days(graph) -> tuple[str, str]:
    days = [day for _, attrs in graph.nodes(data=True) if "published" in attrs for day in date_interval(attrs["published"])]
    return min(days), max(days)


def test_gephi_timeline_spans_the_papers_dates_from_gexf(dated, gephi_seen):
    graph, _ = dated
    doc = gephi_seen["dated-gexf"]
    assert _problems(doc) == [] and doc["graph"]["dynamic"] and doc["graph"]["time_format"] == "DATE"
    bounds = doc["graph"]["time_bounds"]
    assert (bounds["low_text"], bounds["high_text"]) == _paper_days(graph) == ("2024-11-30", "2025-07-31")


def test_gephi_timeline_from_graphml_start_and_end(gephi, dated, gephi_seen):  # noqa: F811
    graph, out = dated
    doc = gephi_toolkit.inspect(out / "graph.graphml", date_interval="start,end")
    assert _problems(doc) == [] and doc["graph"]["dynamic"]
    gexf_bounds = gephi_seen["dated-gexf"]["graph"]["time_bounds"]
    assert (doc["graph"]["time_bounds"]["low"], doc["graph"]["time_bounds"]["high"]) == (gexf_bounds["low"], gexf_bounds["high"])


def test_cytoscape_js_and_graphology_load_cyjs_and_gexf_with_every_element(node_tools, seeds):  # noqa: F811
    graph, out = seeds
    results = consumers.check_with_node([out / "graph.cyjs", out / "graph.gexf"])["results"]
    counts = (graph.number_of_nodes(), graph.number_of_edges())
    for result in results:
        assert "error" not in result, result
        assert (result["node_count"], result["edge_count"]) == counts
    cyjs, gexf = results
    assert cyjs["warnings"] == [] and cyjs["dropped_edges"] == 0
    assert gexf["undirected_edge_count"] == sum(1 for *_, k in graph.edges(keys=True) if k == RELATED_TO)


def test_networkx_and_igraph_read_graphml_with_equal_counts_and_no_nan_where_kg_wrote(seeds):
    graph, out = seeds
    counts = (graph.number_of_nodes(), graph.number_of_edges())
    back = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == counts
    assert all(isinstance(value, bool) for _, value in back.nodes(data="benchmark") if value is not None)
    loaded = igraph.Graph.Read_GraphML(str(out / "graph.graphml"))
    assert (loaded.vcount(), loaded.ecount()) == counts
    assert len(set(loaded.vs["name"])) == loaded.vcount()  # igraph's name index is unique
    assert not any(math.isnan(w) for w in loaded.es["weight"])
    for attribute in ("size", "r", "g", "b", "x", "y"):
        assert not any(math.isnan(v) for v in loaded.vs[attribute]), attribute
    concepts = [v for v in loaded.vs if v["labels"].startswith(":" + CONCEPT.name)]
    assert concepts and not any(math.isnan(v["paper_count"]) for v in concepts)
    assert set(loaded.vs["label"]) == {attrs["label"] for attrs in node_display(graph).values()}


def test_networkx_reads_cyjs_back_into_kgs_graph(seeds):
    graph, out = seeds
    back = nx.cytoscape_graph(json.loads((out / "graph.cyjs").read_text(encoding="utf-8")))
    assert isinstance(back, nx.MultiDiGraph)
    assert set(back.nodes) == set(graph.nodes)
    assert sorted(back.edges(keys=True)) == sorted(graph.edges(keys=True))
    for node, attrs in graph.nodes(data=True):
        read = back.nodes[node]
        assert read["label"] == node_display(graph)[node]["label"]
        assert {name: read.get(name) for name in ("paper_count", "benchmark", "aliases") if name in attrs} == \
               {name: attrs[name] for name in ("paper_count", "benchmark", "aliases") if name in attrs}
    for source, target, relation, attrs in graph.edges(keys=True, data=True):
        assert back.edges[source, target, relation]["weight"] == edge_weight(relation, attrs)


def test_pandas_networkx_and_igraph_read_the_csv_tables_with_equal_counts_and_typed_values(seeds):
    import pandas

    graph, out = seeds
    nodes, edges = pandas.read_csv(out / "nodes.csv"), pandas.read_csv(out / "edges.csv")
    assert (len(nodes), len(edges)) == (graph.number_of_nodes(), graph.number_of_edges())
    concepts = nodes[nodes["labels"].str.startswith(":" + CONCEPT.name)]
    assert len(concepts) == sum(1 for _, kind in graph.nodes(data=KIND) if kind == CONCEPT.name)
    assert concepts["paper_count"].notna().all() and (concepts["paper_count"] >= 1).all()
    assert {type(value) for value in concepts["benchmark"]} == {bool}
    for column in ("r", "g", "b", "size"):
        assert nodes[column].notna().all(), column
    assert edges["weight"].notna().all() and (edges["weight"] > 0).all()
    assert edges["directed"].dtype == bool
    assert set(edges.loc[~edges["directed"], "relation"]) == {RELATED_TO}
    on_relations = edges[edges["relation"] != RELATED_TO]
    assert on_relations["mention_count"].notna().all()  # only RELATED_TO has none

    read = nx.from_pandas_edgelist(edges, "source", "target", edge_key="relation", edge_attr=["weight"],
                                   create_using=nx.MultiDiGraph)
    assert sorted(read.edges(keys=True)) == sorted(graph.edges(keys=True))
    # igraph names vertices by the first column (id); kg's `name` column must then be renamed.
    loaded = igraph.Graph.DataFrame(edges[["source", "target", "relation", "weight"]], directed=True,
                                    vertices=nodes.rename(columns={"name": "concept_name"}), use_vids=False)
    assert (loaded.vcount(), loaded.ecount()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert not any(math.isnan(w) for w in loaded.es["weight"])


def test_node_link_json_has_a_label_on_every_node_and_reads_back(seeds):
    graph, out = seeds
    document = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert all(node["label"] for node in document["nodes"])
    assert all("weight" in link for link in document["links"])
    assert nx.node_link_graph(document, edges="links").number_of_edges() == graph.number_of_edges()


def test_csv_tables_have_one_row_per_element_and_typed_text(seeds):
    graph, out = seeds
    with (out / "nodes.csv").open(encoding="utf-8", newline="") as handle:
        nodes = list(csv.DictReader(handle))
    with (out / "edges.csv").open(encoding="utf-8", newline="") as handle:
        edges = list(csv.DictReader(handle))
    assert (len(nodes), len(edges)) == (graph.number_of_nodes(), graph.number_of_edges())
    assert {row["id"] for row in nodes} == set(graph.nodes)
    concept = next(row for row in nodes if row["labels"].startswith(":" + CONCEPT.name))
    assert concept["benchmark"] in ("true", "false") and isinstance(json.loads(concept["aliases"]), list)
    paper = next(row for row in nodes if row["labels"] == ":" + PAPER.name)
    assert paper["paper_count"] == "" and paper["paper_id"]
    assert all(float(row["weight"]) > 0 for row in edges)
    assert {row["directed"] for row in edges if row["relation"] == RELATED_TO} == {"false"}


def test_lean_and_min_papers_leave_out_what_they_say(seeds, tmp_path):
    graph, _ = seeds
    options = ExportOptions(lean=True, min_papers=2)
    write_exports(graph, tmp_path, ("graphml", "json", "cyjs", "csv"), options=options)
    kept = trimmed(graph, options)
    for name in ("graph.graphml", "graph.json"):
        back = read_graph(tmp_path / name)
        assert set(back.nodes) == set(kept.nodes) and back.number_of_edges() == kept.number_of_edges()
        assert not any(LEAN_OMITTED & set(attrs) for _, attrs in back.nodes(data=True))
        assert not any(LEAN_OMITTED & set(attrs) for *_, attrs in back.edges(data=True))
        assert all(attrs["paper_count"] >= 2 for _, attrs in back.nodes(data=True) if attrs[KIND] == CONCEPT.name)
    assert kept.number_of_nodes() < graph.number_of_nodes()
    text = (tmp_path / "graph.graphml").read_text(encoding="utf-8")
    assert '<data key="abstract">' not in text and '<data key="sentences">' not in text


def test_lean_cyjs_without_rare_concepts_loads_whole_in_cytoscape(node_tools, seeds, tmp_path):  # noqa: F811
    graph, _ = seeds
    options = ExportOptions(lean=True, min_papers=2)
    write_exports(graph, tmp_path, ("cyjs",), options=options)
    kept = trimmed(graph, options)
    [result] = consumers.check_with_node([tmp_path / "graph.cyjs"])["results"]
    assert (result["node_count"], result["edge_count"]) == (kept.number_of_nodes(), kept.number_of_edges())


def test_every_file_export_is_deterministic(seeds, tmp_path):
    graph, first = seeds
    write_exports(graph, tmp_path, FILES)
    for name in ("graph.graphml", "graph.json", "graph.gexf", "graph.cyjs", "nodes.csv", "edges.csv"):
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


def test_the_python_api_reads_builds_and_writes(seeds, tmp_path):
    import kg

    graph, out = seeds
    back = kg.read_graph(str(out / "graph.json"))
    assert (back.number_of_nodes(), back.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())
    paths = kg.write_exports(back, tmp_path, ["gexf"], options=kg.ExportOptions(lean=True))
    assert [p.name for p in paths] == ["graph.gexf"] and "<attvalue for=\"abstract\"" not in paths[0].read_text()


def test_kg_export_files_writes_the_chosen_files_and_fails_in_one_line(seeds, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    _, out = seeds
    result = CliRunner().invoke(main, ["export", "files", str(out / "graph.json"), "--only", "csv", "--only", "cyjs",
                                       "--min-papers", "2", "--out", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["edges.csv", "graph.cyjs", "nodes.csv"]
    result = CliRunner().invoke(main, ["export", "files", str(tmp_path / "missing.json"), "--only", "csv"])
    assert result.exit_code == 1 and "Traceback" not in result.output and "kg: error:" in result.output


def test_a_lean_graph_json_still_renders_a_page(seeds, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    graph, _ = seeds
    write_exports(graph, tmp_path, ["json"], options=ExportOptions(lean=True))
    result = CliRunner().invoke(main, ["html", str(tmp_path / "graph.json"), "-o", str(tmp_path / "page.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "page.html").stat().st_size > 0
