"""The real-tool harness itself (tools/gephi_toolkit.py, tools/consumers.py) on its committed
sample files: what the Gephi Toolkit 0.10.1, Cytoscape.js and graphology report must match what
the samples hold, and the facts docs/consumer-notes.md gives must still be what the tools do.

Without Java/Maven/Node these tests skip; with KG_REQUIRE_TOOLS=1 (CI) they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools import consumers, gephi_toolkit

ROOT = Path(__file__).resolve().parent.parent
GEPHI_SAMPLES = ROOT / "tools" / "gephi" / "samples"
JS_SAMPLES = ROOT / "tools" / "js" / "samples"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def _unavailable(what: str, error: Exception) -> None:
    if os.environ.get("KG_REQUIRE_TOOLS") == "1":
        pytest.fail(f"KG_REQUIRE_TOOLS=1 but {what} cannot be had: {error}")
    pytest.skip(f"{what} cannot be had: {error}")


@pytest.fixture(scope="session")
def gephi() -> None:
    try:
        gephi_toolkit.ensure()
    except gephi_toolkit.GephiUnavailable as error:
        _unavailable("the Gephi Toolkit", error)


@pytest.fixture(scope="session")
def gephi_seen(gephi) -> dict[str, dict]:
    """Every Gephi sample inspected in one JVM, by file name (gephi-wrote/..., networkx-wrote/...)."""
    paths = sorted(p for p in GEPHI_SAMPLES.rglob("*") if p.suffix in (".graphml", ".gexf"))
    return {str(p.relative_to(GEPHI_SAMPLES)): doc for p, doc in zip(paths, gephi_toolkit.inspect_many(paths))}


@pytest.fixture(scope="session")
def node_tools() -> None:
    try:
        consumers.ensure()
    except consumers.NodeToolsUnavailable as error:
        _unavailable("Node with Cytoscape.js and graphology", error)


@pytest.fixture(scope="session")
def node_seen(node_tools) -> dict[str, dict]:
    """Every JS sample, and the GEXF samples through graphology-gexf, in one Node process."""
    paths = sorted(JS_SAMPLES.iterdir()) + sorted(GEPHI_SAMPLES.glob("*.gexf"))
    results = consumers.check_with_node(paths)["results"]
    return {Path(r["file"]).name: r for r in results}


def graphml_nodes(path: Path) -> dict[str, dict[str, str]]:
    """{node id: {attr.name: text}} of a GraphML sample, read with nothing but ElementTree."""
    root = ET.parse(path).getroot()
    names = {k.get("id"): k.get("attr.name") for k in root.iter(f"{GRAPHML}key")}
    return {n.get("id"): {names[d.get("key")]: d.text for d in n.iter(f"{GRAPHML}data")}
            for n in root.iter(f"{GRAPHML}node")}


def gexf_nodes(path: Path) -> dict[str, ET.Element]:
    return {n.get("id"): n for n in ET.parse(path).getroot().iter() if n.tag.endswith("}node")}


def gexf_dates(path: Path) -> list[str]:
    """Every date a GEXF sample gives its nodes: start/end/timestamp attributes and spells."""
    root = ET.parse(path).getroot()
    return sorted(value for element in root.iter() if element.tag.endswith(("}node", "}spell"))
                  for name in ("start", "end", "timestamp") if (value := element.get(name)))


def by_id(doc: dict, kind: str = "nodes") -> dict[str, dict]:
    return {element["id"]: element for element in doc[kind]}


def levels(doc: dict) -> list[tuple[str, str]]:
    return [(issue["level"], issue["message"]) for issue in doc["issues"]]


# --- Gephi: GraphML -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["graphml-named-keys.graphml", "graphml-numbered-keys.graphml"])
def test_gephi_reads_graphml_label_colour_position_size_weight_by_attr_name(gephi_seen, name):
    doc, expected = gephi_seen[name], graphml_nodes(GEPHI_SAMPLES / name)
    nodes = by_id(doc)
    assert set(nodes) == set(expected)
    for node_id, data in expected.items():
        node = nodes[node_id]
        assert node["label"] == data["label"]
        assert (node["color"]["r"], node["color"]["g"], node["color"]["b"]) == tuple(int(data[c]) for c in "rgb")
        assert (node["read"]["x"], node["read"]["y"], node["read"]["size"]) == (
            float(data["x"]), float(data["y"]), float(data["size"]))
    edges = by_id(doc, "edges")
    assert {e: (edges[e]["label"], edges[e]["weight"]) for e in edges} == {
        "e0": ("PROPOSES", 2.5), "e1": ("USES", 1.0), "e2": ("CO_OCCURS", 0.5)}
    # directed="false" on one edge of an edgedefault="directed" graph makes a mixed graph
    assert doc["graph"]["kind"] == "mixed" and not edges["e2"]["directed"] and doc["graph"]["undirected_edge_count"] == 1
    columns = {c["title"]: c for c in doc["node_columns"] if c["origin"] == "DATA"}
    assert columns["benchmark"]["type"] == "Boolean" and columns["paper_count"]["type"] == "Integer"
    assert nodes["dataset:wmt14"]["attributes"][columns["benchmark"]["id"]] is True
    assert nodes["paper:1"]["attributes"][columns["paper_count"]["id"]] is None  # missing: null, not 0
    assert nodes["paper:1"]["attributes"][columns["published"]["id"]] == "2017-06-12"  # a string, no timeline
    assert not doc["graph"]["dynamic"]


def test_gephi_drops_an_attribute_named_id_when_its_key_id_is_id(gephi_seen):
    named, numbered = gephi_seen["graphml-named-keys.graphml"], gephi_seen["graphml-numbered-keys.graphml"]
    assert "id" not in {c["title"] for c in named["node_columns"] if c["origin"] == "DATA"}
    assert not any("arXiv" in str(v) for n in named["nodes"] for v in n["attributes"].values())
    assert not any(i[0] in ("SEVERE", "WARNING") for i in levels(named))  # silently
    kept = {c["title"]: c["id"] for c in numbered["node_columns"] if c["origin"] == "DATA"}
    assert by_id(numbered)["paper:1"]["attributes"][kept["id"]] == "arXiv:1706.03762"


def test_gephi_graphml_colour_forms_types_and_names_it_takes_over(gephi_seen):
    doc = gephi_seen["graphml-colors-and-types.graphml"]
    nodes, edges = by_id(doc), doc["edges"]
    assert nodes["p1"]["color"] | {"alpha": 1.0} == {"r": 31, "g": 119, "b": 180, "alpha": 1.0}  # color="#1f77b4"
    unparsed = [m for level, m in levels(doc) if level == "WARNING" and "cant be parsed" in m]
    assert len(unparsed) == 2  # "rgb(255,0,0)" and "255,127,14"
    assert any(level == "SEVERE" and "'date'" in m for level, m in levels(doc))  # attr.type="date" ignored
    assert {c["title"] for c in doc["node_columns"] if c["origin"] == "DATA"} == {"start", "end", "tags"}  # no timeset
    assert nodes["p1"]["attributes"]["tags"] == ["a", "b"]  # liststring → String[]
    assert nodes["p3"]["label"] == "p3"  # no label: the id
    assert sorted((e["color"]["r"], e["color"]["g"], e["color"]["b"]) for e in edges) == [(0, 255, 0), (255, 0, 0)]


def test_gephi_merges_graphml_parallel_edges_unless_edge_has_label_xml_attribute(gephi_seen):
    doc = gephi_seen["graphml-parallel.graphml"]
    edges = by_id(doc, "edges")
    assert doc["graph"]["edge_count"] == 6 and len(ET.parse(GEPHI_SAMPLES / "graphml-parallel.graphml").getroot()
                                                  .findall(f".//{GRAPHML}edge")) == 9
    assert edges["ab1"]["weight"] == 3.0 and "ab2" not in edges  # label data does not keep them apart: summed
    assert (edges["ae1"]["type_label"], edges["ae2"]["type_label"]) == ("PROPOSES", "USES")  # <edge label="...">
    assert doc["graph"]["multigraph"]
    assert any("Parallel edges" in m for _, m in levels(doc))


@pytest.mark.parametrize("name, moved", [("graphml-autoscale-kept.graphml", False), ("graphml-autoscale-moved.graphml", True),
                                         ("graphml-autoscale-shrunk.graphml", True), ("gexf13-autoscale-moved.gexf", True)])
def test_gephi_import_scaler(gephi_seen, name, moved):
    nodes = gephi_seen[name]["nodes"]
    assert any((n["x"], n["y"], n["size"]) != (n["read"]["x"], n["read"]["y"], n["read"]["size"]) for n in nodes) == moved
    sizes = sorted(n["size"] for n in nodes)
    assert sizes[0] == 4.0 and sizes[-1] <= 100.0


def test_gephi_without_autoscale_keeps_the_file(gephi):
    doc = gephi_toolkit.inspect(GEPHI_SAMPLES / "graphml-autoscale-moved.graphml", autoscale=False)
    assert doc["importer"]["auto_scale"] is False
    assert all((n["x"], n["y"], n["size"]) == (n["read"]["x"], n["read"]["y"], n["read"]["size"]) for n in doc["nodes"])


def test_gephi_data_laboratory_date_merge_gives_graphml_a_timeline(gephi):
    doc = gephi_toolkit.inspect(GEPHI_SAMPLES / "graphml-dates.graphml", date_interval="published,until")
    assert doc["date_interval"].startswith("made column timeset")
    assert doc["graph"]["dynamic"] and doc["graph"]["time_format"] == "DOUBLE"  # milliseconds, shown as numbers
    nodes = by_id(doc)
    assert nodes["nextday"]["intervals"][0]["low"] == 1741910400000.0  # 2025-03-14T00:00Z
    assert nodes["nextday"]["intervals"][0]["high"] == 1741996800000.0  # 2025-03-15
    assert nodes["noend"]["intervals"][0]["high"] == "Infinity"


# --- Gephi: GEXF ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["gexf13-viz.gexf", "gexf12-viz.gexf"])
def test_gephi_reads_gexf_viz_kinds_and_typed_attributes(gephi_seen, name):
    doc = gephi_seen[name]
    assert "error" not in doc and not [i for i in levels(doc) if i[0] in ("SEVERE", "CRITICAL", "WARNING")]
    nodes = by_id(doc)
    for node_id, element in gexf_nodes(GEPHI_SAMPLES / name).items():
        viz = {child.tag.split("}")[1]: child for child in element if "viz" in child.tag}
        node = nodes[node_id]
        assert node["label"] == element.get("label")
        position, size = viz["position"], float(viz["size"].get("value"))
        # sizes span 4..100 and positions are centred on 0: Gephi keeps them as written
        assert (node["x"], node["y"], node["size"]) == (float(position.get("x")), float(position.get("y")), size)
        if viz["color"].get("r") is not None:
            assert [node["color"][c] for c in "rgb"] == [int(viz["color"].get(c)) for c in "rgb"]
    assert nodes["model:transformer"]["color"] | {"alpha": 1} == {"r": 255, "g": 127, "b": 14, "alpha": 1}
    assert nodes["paper:1"]["color"]["alpha"] == pytest.approx(0.5, abs=0.01)
    graph = doc["graph"]
    assert (graph["kind"], graph["edge_count"], graph["undirected_edge_count"], graph["multigraph"]) == ("mixed", 4, 1, True)
    assert {e["id"]: e["type_label"] for e in doc["edges"]}["e1"] == "USES"  # kind= is Gephi's edge type
    assert by_id(doc, "edges")["e0"]["weight"] == 2.5
    types = {c["title"]: c["type"] for c in doc["node_columns"] if c["origin"] == "DATA"}
    assert types == {"kind": "String", "benchmark": "Boolean", "paper_count": "Integer", "aliases": "String[]",
                     "score": "Double"}
    assert nodes["model:transformer"]["attributes"]["aliases"] == ["Transformer", "transformer model"]


@pytest.mark.parametrize("name", ["gexf13-dates.gexf", "gexf12-dates.gexf", "gexf13-timestamps.gexf"])
def test_gephi_gexf_dates_give_a_timeline_bounded_by_the_papers_dates(gephi_seen, name):
    doc = gephi_seen[name]
    dates = gexf_dates(GEPHI_SAMPLES / name)
    graph = doc["graph"]
    assert graph["dynamic"] and graph["time_format"] == "DATE"
    assert (graph["time_bounds"]["low_text"], graph["time_bounds"]["high_text"]) == (dates[0], dates[-1])
    assert graph["time_representation"] == ("TIMESTAMP" if "timestamps" in name else "INTERVAL")
    assert "intervals" not in by_id(doc)["model:transformer"] and "timestamps" not in by_id(doc)["model:transformer"]


def test_gephi_timestamp_forms(gephi_seen):
    nodes = by_id(gephi_seen["gexf13-timestamp-forms.gexf"])
    assert nodes["attr"]["timestamps"] == ["2025-03-14"] and nodes["spells"]["timestamps"] == ["2024-11-30"]
    assert nodes["attrs"]["timestamps"] == ["2024-01-02", "2024-02-03"]
    assert "timestamps" not in nodes["list"]  # <timestamps><timestamp value=...> is not read


def test_gephi_keeps_gexf_parallel_edges_apart_by_kind_only(gephi_seen):
    edges = {e["id"]: (e["type_label"], e["weight"]) for e in gephi_seen["gexf13-parallel.gexf"]["edges"]}
    assert edges == {"ab1": ("PROPOSES", 1.0), "ab2": ("USES", 2.0), "ac1": ("USES", 4.0), "ad1": (None, 5.0)}


def test_gephi_drops_an_undirected_edge_in_a_directed_gexf(gephi_seen):
    doc = gephi_seen["gexf13-undirected-in-directed.gexf"]
    assert doc["graph"]["edge_count"] == 2 and "bc" not in by_id(doc, "edges")
    assert any(level == "SEVERE" and "'bc' is ignored" in m for level, m in levels(doc))
    mixed = gephi_seen["gexf13-mixed.gexf"]
    assert (mixed["graph"]["kind"], mixed["graph"]["edge_count"], mixed["graph"]["undirected_edge_count"]) == ("mixed", 3, 1)
    assert any(level == "SEVERE" and "'mixed' is not recognized" in m for level, m in levels(mixed))


def test_gephi_rejects_the_whole_gexf_for_a_hex_colour_with_alpha(gephi_seen):
    assert "Color parameter outside of expected range" in gephi_seen["gexf13-color-hex-alpha.gexf"]["error"]


def test_gephi_collapses_what_networkx_writes_for_a_multidigraph(gephi_seen):
    gexf = gephi_seen["networkx-wrote/networkx-1.2draft.gexf"]
    assert gexf["graph"]["edge_count"] == 2  # 3 edges; no kind=, so the two paper→transformer ones are summed
    graphml = gephi_seen["networkx-wrote/networkx-named-keys.graphml"]
    assert graphml["graph"]["edge_count"] == 1  # edge ids are the keys: "USES" twice, then the merge
    assert any("Edge already exists id='USES'" in m for _, m in levels(graphml))


def test_gephi_exports_gexf_1_3(gephi, tmp_path):
    out = gephi_toolkit.export(GEPHI_SAMPLES / "gexf13-viz.gexf", tmp_path / "again.gexf")
    root = ET.parse(out).getroot()
    assert root.get("version") == "1.3" and root.tag == "{http://gexf.net/1.3}gexf"
    graph = root.find("{http://gexf.net/1.3}graph")
    assert graph.get("defaultedgetype") is None  # a mixed graph: a type= on every edge instead
    assert {e.get("type") for e in root.iter("{http://gexf.net/1.3}edge")} == {"directed", "undirected"}


def test_gephi_renders_pdf_and_svg_with_the_labels(gephi, tmp_path):
    pdf = gephi_toolkit.render(GEPHI_SAMPLES / "gexf13-viz.gexf", tmp_path / "graph.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    svg = gephi_toolkit.render(GEPHI_SAMPLES / "gexf13-viz.gexf", tmp_path / "graph.svg").read_text()
    assert {"Transformer", "WMT 2014", "Attention Is All You Need"} <= set(re.findall(r">\s*([^<>]+?)\s*</text>", svg))


def test_gephi_renders_png_through_pdftoppm(gephi, tmp_path):
    if shutil.which("pdftoppm") is None:
        _unavailable("pdftoppm", FileNotFoundError("poppler-utils is not installed (make pdftoppm)"))
    png = gephi_toolkit.render(GEPHI_SAMPLES / "gexf13-viz.gexf", tmp_path / "graph.png")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_gephi_harness_errors_are_one_line(monkeypatch, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        gephi_toolkit.inspect(tmp_path / "missing.gexf")
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "g.gexf").write_text("<gexf/>")
    with pytest.raises(gephi_toolkit.GephiUnavailable, match="java is needed") as error:
        gephi_toolkit.inspect(tmp_path / "g.gexf")
    assert "\n" not in str(error.value)
    with pytest.raises(consumers.NodeToolsUnavailable, match="node is needed") as error:
        consumers.check_with_node([tmp_path / "g.gexf"])
    assert "\n" not in str(error.value)


# --- Cytoscape.js and graphology -------------------------------------------------------------------

def test_cytoscape_reads_a_cyjs(node_seen):
    result = node_seen["kg-like.cyjs"]
    assert result["reader"] == "cytoscape 3.35.0" and "error" not in result
    assert (result["node_count"], result["edge_count"], result["loops"], result["parallel_edge_pairs"]) == (3, 4, 1, 1)
    assert result["labels"] == ["Attention Is All You Need", "Transformer", "WMT 2014"]
    assert result["edge_labels"] == ["PROPOSES", "USES", "USES", "SELF"]
    assert result["positions"] == [{"x": -1000, "y": -500}, {"x": 1000, "y": 500}, {"x": 0, "y": 0}]
    assert result["classes"] == ["concept", "dataset", "model", "paper"]


def test_cytoscape_throws_on_a_missing_endpoint_and_drops_duplicates_silently(node_seen):
    assert "nonexistent target `missing`" in node_seen["broken-missing-endpoint.cyjs"]["error"]
    duplicates = node_seen["broken-duplicates.cyjs"]
    assert (duplicates["given"], duplicates["node_count"], duplicates["edge_count"]) == ({"nodes": 5, "edges": 4}, 4, 2)
    assert duplicates["warnings"] == []
    assert duplicates["node_ids"][:2] == ["a", "b"] and duplicates["node_ids"][3] == "7"  # numeric id → "7"


def test_cytoscape_makes_nothing_useful_of_a_node_link_json(node_tools):
    results = consumers.check_with_node([JS_SAMPLES / "node-link.json", JS_SAMPLES / "node-link-edges.json"],
                                        reader="cytoscape")["results"]
    links, edges = results
    assert (links["node_count"], links["edge_count"], links["labels"]) == (3, 0, [None, None, None])  # ids: random
    assert "node-link" not in str(links["node_ids"]) and links["node_data_keys"] == ["id"]
    assert "unspecified source" in edges["error"]


def test_graphology_reads_its_own_json(node_seen):
    mixed = node_seen["graphology-mixed.json"]
    assert (mixed["type"], mixed["multi"], mixed["node_count"], mixed["edge_count"], mixed["undirected_edge_count"]) == (
        "mixed", True, 3, 4, 1)
    assert mixed["labels"] == ["Attention Is All You Need", "Transformer", "WMT 2014"]
    assert node_seen["graphology-directed.json"]["type"] == "directed"
    assert node_seen["graphology-no-edge-keys.json"]["edge_attributes"][0]["key"].startswith("geid_")


@pytest.mark.parametrize("name, message", [
    ("graphology-no-options.json", "create a multi graph"),  # default options: not multi
    ("graphology-parallel-not-multi.json", "create a multi graph"),
    ("graphology-directed-with-undirected.json", "cannot add an undirected edge to a directed graph"),
    ("graphology-missing-node.json", 'target node "missing" not found'),
])
def test_graphology_refuses(node_seen, name, message):
    assert message in node_seen[name]["error"]


def test_graphology_gexf_reads_gephi_samples(node_seen):
    viz = node_seen["gexf13-viz.gexf"]
    assert (viz["type"], viz["multi"], viz["edge_count"], viz["undirected_edge_count"]) == ("mixed", True, 4, 1)
    assert viz["node_attributes"][0]["color"] == "rgba(31,119,180,0.5)"
    # graphology-gexf keeps the edge Gephi drops, reads the file Gephi rejects, and has no dynamics
    assert node_seen["gexf13-undirected-in-directed.gexf"]["edge_count"] == 3
    assert node_seen["gexf13-color-hex-alpha.gexf"]["node_attributes"][0]["color"] == "#ff7f0e"
    assert "start" not in node_seen["gexf13-dates.gexf"]["node_attributes"][0]
    # an edge with no type= in defaultedgetype="mixed": undirected here, directed in Gephi
    assert node_seen["gexf13-mixed.gexf"]["undirected_edge_count"] == 2
