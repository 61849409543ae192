"""``kg export neo4j`` against a real Neo4j: the database equals the graph, every time."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import wait_for
from neo4j_fixtures import ROOT, database_graph, graph_contents

from kg.build import assemble
from kg.cli import EXIT_SERVER, EXIT_USAGE, main
from kg.export import read_graph
from kg.export.node_link import write_node_link
from kg.extract import extract
from kg.neo4j.connection import Neo4jTarget
from kg.neo4j.sync import (
    BATCH_SIZE,
    create_node_cypher,
    create_relationship_cypher,
    export_graph,
    node_cypher,
    relationship_cypher,
    sweep_cypher,
)
from kg.records import Paper
from kg.schema import NODE_LABELS, RELATIONS, node_labels

TRICKY_TITLE = 'He said "MATCH (n) DETACH DELETE n" \\ and \\\\ then $x } {y} RETURN 1; // CREATE (:Evil)'


@pytest.fixture(scope="module")
def later_graph(seed_papers: list[Paper]) -> nx.MultiDiGraph:
    """A later build: ten seed papers gone, two new ones (one titled to break naive Cypher)."""
    added = [
        Paper(id="2501.00001", title=TRICKY_TITLE, abstract="We fine-tune BERT on ImageNet with dropout.",
              source="test", authors=("O'Brien, \"Bob\"",)),
        Paper(id="2501.00002", title="Speculative decoding with a $ budget }", source="test",
              abstract="We propose speculative decoding for large language models and evaluate on GSM8K."),
    ]
    return assemble(extract(seed_papers[10:] + added))


def assert_database_equals(driver, target: Neo4jTarget, graph: nx.MultiDiGraph) -> None:
    stored, labels = database_graph(driver, target.database)
    assert graph_contents(stored) == graph_contents(graph)
    assert labels == {node: tuple(sorted(node_labels(attrs))) for node, attrs in graph.nodes(data=True)}


def element_ids(driver, target: Neo4jTarget) -> dict:
    records, _, _ = driver.execute_query(
        "MATCH (n) RETURN elementId(n) AS id, properties(n) AS p "
        "UNION ALL MATCH ()-[r]->() RETURN elementId(r) AS id, properties(r) AS p", database_=target.database)
    return {record["id"]: record["p"] for record in records}


def test_export_counts_and_properties_equal_the_graph(neo4j_driver, empty_database, seed_graph):
    summary = export_graph(seed_graph, empty_database)

    label_counts, _, _ = neo4j_driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n", database_=empty_database.database)
    expected_labels = Counter(label for _, attrs in seed_graph.nodes(data=True) for label in node_labels(attrs))
    assert {r["label"]: r["n"] for r in label_counts} == expected_labels
    type_counts, _, _ = neo4j_driver.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", database_=empty_database.database)
    assert {r["type"]: r["n"] for r in type_counts} == Counter(k for _, _, k in seed_graph.edges(keys=True))
    assert_database_equals(neo4j_driver, empty_database, seed_graph)
    assert sum(summary.created.values()) == seed_graph.number_of_nodes() + seed_graph.number_of_edges()
    assert not summary.updated and not summary.removed


def test_second_export_changes_nothing(neo4j_driver, empty_database, seed_graph):
    export_graph(seed_graph, empty_database)
    before = element_ids(neo4j_driver, empty_database)

    summary = export_graph(seed_graph, empty_database)

    assert not summary.changed
    assert sum(summary.unchanged.values()) == seed_graph.number_of_nodes() + seed_graph.number_of_edges()
    after = element_ids(neo4j_driver, empty_database)
    strip = lambda ids: {k: {p: v for p, v in props.items() if p != "kg_build"} for k, props in ids.items()}
    assert strip(after) == strip(before)  # same elements (same ids), same properties


def test_later_build_adds_updates_and_removes(neo4j_driver, empty_database, seed_graph, later_graph):
    export_graph(seed_graph, empty_database)

    summary = export_graph(later_graph, empty_database)

    assert_database_equals(neo4j_driver, empty_database, later_graph)
    assert summary.created["Paper"] == 2 and summary.removed["Paper"] == 10
    assert summary.removed["RELATED_TO"] > 0 and summary.updated["Concept"] > 0  # paper counts changed

    export_graph(seed_graph, empty_database)  # and back
    assert_database_equals(neo4j_driver, empty_database, seed_graph)


def test_export_fixes_what_others_changed(neo4j_driver, empty_database, seed_graph):
    """Stray properties, labels, kg-typed relationships and nodes are put back to the graph."""
    export_graph(seed_graph, empty_database)
    neo4j_driver.execute_query(
        "MATCH (p:Paper) WITH p ORDER BY p.id LIMIT 1 SET p.extra = 1, p.title = 'changed' "
        "WITH p MATCH (c:Concept) WITH p, c ORDER BY c.key LIMIT 1 "
        "SET c:Benchmark REMOVE c.aliases CREATE (p)-[:USES {note: 'stray'}]->(c) "
        "CREATE (:Paper {id: 'not-in-graph'})", database_=empty_database.database)

    summary = export_graph(seed_graph, empty_database)

    assert_database_equals(neo4j_driver, empty_database, seed_graph)
    assert summary.updated["Paper"] == 1 and summary.updated["Concept"] == 1 and summary.removed["Paper"] == 1


@pytest.mark.parametrize("older_build", [True, False], ids=["sync", "first-load"])
def test_killed_export_then_rerun_equals_uninterrupted(neo4j_driver, empty_database, seed_graph, later_graph,
                                                       tmp_path: Path, older_build: bool):
    """SIGKILL the CLI halfway through a load (small batches make it last), then export again:
    both when the kill lands on a database holding an older build (MERGE sync) and when it lands
    on a first load into an empty database (CREATE)."""
    if older_build:
        export_graph(seed_graph, empty_database)
    graph_file = tmp_path / "graph.json"
    write_node_link(later_graph, graph_file)
    env = {**os.environ, "NEO4J_URI": empty_database.uri, "NEO4J_USER": empty_database.user,
           "NEO4J_PASSWORD": empty_database.password, "NEO4J_DATABASE": empty_database.database}
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "export", "neo4j", str(graph_file),
                                "--batch-size", "3", "--quiet"], env=env, stdout=subprocess.DEVNULL)
    def arriving() -> bool:  # the later build's nodes have started to arrive (or the export ended)
        written, _, _ = neo4j_driver.execute_query(
            "MATCH (p:Paper {id: '2501.00001'}) RETURN count(p) AS n", database_=empty_database.database)
        return bool(written[0]["n"]) or process.poll() is not None

    wait_for(arriving, interval=0.01)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the export finished before it could be killed"
    stored, _ = database_graph(neo4j_driver, empty_database.database)
    assert graph_contents(stored) != graph_contents(later_graph)  # really interrupted halfway

    export_graph(later_graph, empty_database)

    assert_database_equals(neo4j_driver, empty_database, later_graph)


def test_cli_export_reads_a_graph_file_and_reports(neo4j_driver, empty_database, tmp_path: Path):
    env = {"NEO4J_URI": empty_database.uri, "NEO4J_PASSWORD": empty_database.password}
    graph_file = ROOT / "tests" / "data" / "query_graph.json"

    result = CliRunner().invoke(main, ["export", "neo4j", str(graph_file), "--quiet"], env=env)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("nodes: created 23, updated 0, unchanged 0, removed 0")
    assert_database_equals(neo4j_driver, empty_database, read_graph(graph_file))
    assert empty_database.password not in result.output


@pytest.mark.parametrize("change, message", [
    ({"password": "wrong-password"}, "refused user 'neo4j'"),
    ({"uri": "bolt://127.0.0.1:1"}, "cannot reach Neo4j at bolt://127.0.0.1:1"),
    ({"database": "nosuchdb"}, "database 'nosuchdb' does not exist"),
    ({"uri": "http://127.0.0.1:7474"}, "use bolt:// or neo4j://"),
    ({"database": "system"}, "database 'system' is Neo4j's administration database, which holds no graph"),
    ({"uri": lambda uri, password: uri.replace("://", f"://neo4j:{password}@")}, "kg takes no credentials in the URI"),
    ({"uri": lambda uri, password: uri.replace("bolt://", "bolt+s://")}, "over TLS: is it running, and serving TLS"),
], ids=["password", "unreachable", "database", "http", "system", "password-in-uri", "tls-to-plain"])
def test_cli_export_fails_in_one_line(neo4j_target, change, message):
    settings = {"uri": neo4j_target.uri, "password": neo4j_target.password, "database": neo4j_target.database,
                **{key: value(neo4j_target.uri, neo4j_target.password) if callable(value) else value
                   for key, value in change.items()}}
    graph_file = ROOT / "tests" / "data" / "query_graph.json"

    result = CliRunner().invoke(main, ["export", "neo4j", str(graph_file), "--quiet", "--uri", settings["uri"],
                                       "--database", settings["database"]],
                                env={"NEO4J_PASSWORD": settings["password"]})

    assert result.exit_code == EXIT_SERVER
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert neo4j_target.password not in result.output  # also not when it was written into --uri
    assert "RETURN 1" not in result.stderr and "):)" not in result.stderr and "::" not in result.stderr


def test_cli_export_help_states_the_batch_size():
    result = CliRunner().invoke(main, ["export", "neo4j", "--help"])

    assert result.exit_code == 0 and f"[default: {BATCH_SIZE:,}]" in result.output


def test_cli_export_without_password_or_terminal_fails(tmp_path, monkeypatch):
    import kg.neo4j.server

    monkeypatch.setattr(kg.neo4j.server, "STATE", tmp_path / "server.json")  # no `kg neo4j start` record either
    result = CliRunner().invoke(main, ["export", "neo4j", "--quiet"], env={"NEO4J_PASSWORD": None})

    assert result.exit_code == EXIT_USAGE and result.stderr == (
        "kg: error: set NEO4J_PASSWORD (no terminal to ask for the password)\n")


def _one_paper_graph(paper_id: str) -> nx.MultiDiGraph:
    return assemble(extract([Paper(id=paper_id, title="Another corpus", source="test",
                                   abstract="We propose FooNet for image classification on ImageNet.")]))


def test_an_empty_or_unrelated_graph_is_refused_unless_replace(neo4j_driver, empty_database, seed_graph):
    """Exporting is a sync: a graph without papers, or from another corpus, would remove every
    kg paper of the database. That is refused (nothing written) unless asked for with --replace."""
    from kg.errors import ExportRefused

    export_graph(_one_paper_graph("2409.00001"), empty_database)  # into an empty database: fine
    export_graph(seed_graph, empty_database, replace=True)
    with pytest.raises(ExportRefused, match=r"^the graph holds no paper: .* add --replace"):
        export_graph(nx.MultiDiGraph(), empty_database)
    with pytest.raises(ExportRefused, match=r"^no paper of the graph \(1\) is among the kg papers"):
        export_graph(_one_paper_graph("2409.00001"), empty_database)
    assert_database_equals(neo4j_driver, empty_database, seed_graph)  # nothing was written

    shared = assemble(extract([Paper(id=seed_graph.nodes[n]["id"], title="Kept", abstract="We use BERT.", source="t")
                               for n in sorted(seed_graph) if seed_graph.nodes[n]["kind"] == "Paper"][:1]))
    export_graph(shared, empty_database)  # shares a paper: a normal sync, however much it removes
    assert_database_equals(neo4j_driver, empty_database, shared)


def test_cli_export_of_an_unrelated_graph_is_one_line_and_exit_2_and_replace_allows_it(neo4j_driver, empty_database,
                                                                                        tmp_path):
    env = {"NEO4J_URI": empty_database.uri, "NEO4J_PASSWORD": empty_database.password}
    export_graph(_one_paper_graph("2409.00001"), empty_database)
    graph_file = ROOT / "tests" / "data" / "query_graph.json"

    refused = CliRunner().invoke(main, ["export", "neo4j", str(graph_file), "--quiet"], env=env)
    assert refused.exit_code == EXIT_USAGE and refused.stderr.count("\n") == 1, refused.output
    assert refused.stderr.startswith("kg: error: no paper of the graph (") and "--replace" in refused.stderr
    replaced = CliRunner().invoke(main, ["export", "neo4j", str(graph_file), "--quiet", "--replace"], env=env)
    assert replaced.exit_code == 0, replaced.output
    assert_database_equals(neo4j_driver, empty_database, read_graph(graph_file))  # the other paper is gone


def test_cypher_names_only_whitelisted_labels_and_types():
    written = [node_cypher(labels) for labels in (("Paper",), ("Concept", "Dataset", "Benchmark"))]
    written += [create_node_cypher(labels) for labels in (("Paper",), ("Concept", "Dataset", "Benchmark"))]
    written += [cypher(relation) for relation in RELATIONS
                for cypher in (relationship_cypher, create_relationship_cypher)]
    written += [sweep_cypher(name) for name in (*RELATIONS, "Paper", "Concept")]
    for cypher in written:
        assert set(re.findall(r":`(\w+)`", cypher)) <= set(NODE_LABELS) | set(RELATIONS)
    for evil in (("Paper", "Evil` DETACH DELETE n //"), ("Concept", "Method", "Evil")):
        for cypher in (node_cypher, create_node_cypher):
            with pytest.raises(ValueError):
                cypher(evil)
    for cypher in (relationship_cypher, create_relationship_cypher):
        with pytest.raises(ValueError):
            cypher("USES`]->() DETACH DELETE a //")
