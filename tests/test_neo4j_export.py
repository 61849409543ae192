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
    export_graph,
    node_create_cypher,
    node_remove_cypher,
    node_update_cypher,
    read_labels_cypher,
    read_properties_cypher,
    read_relationships_cypher,
    relationship_create_cypher,
    relationship_remove_cypher,
    relationship_update_cypher,
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
    """The kg part equals the graph (labels kg does not declare are the user's, and stay)."""
    stored, labels = database_graph(driver, target.database)
    assert graph_contents(stored) == graph_contents(graph)
    kg_labels = {node: tuple(label for label in stored_labels if label in NODE_LABELS)
                 for node, stored_labels in labels.items()}
    assert kg_labels == {node: tuple(sorted(node_labels(attrs))) for node, attrs in graph.nodes(data=True)}
    counted, _, _ = driver.execute_query(  # reading back into a graph would merge duplicates
        "MATCH (:Paper)-[r]->(b) WHERE type(r) IN $types AND (b:Paper OR b:Concept) RETURN count(r) AS n",
        types=list(RELATIONS), database_=target.database)
    assert counted[0]["n"] == graph.number_of_edges()


def changes(summary) -> dict:
    """A summary's non-zero created / updated / removed counts, per kind or type."""
    return {change: dict(+getattr(summary, change)) for change in ("created", "updated", "removed")
            if +getattr(summary, change)}


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

    assert not summary.changed and summary.written == 0
    assert sum(summary.unchanged.values()) == seed_graph.number_of_nodes() + seed_graph.number_of_edges()
    assert summary.read == seed_graph.number_of_nodes() + seed_graph.number_of_edges()
    assert element_ids(neo4j_driver, empty_database) == before  # same elements (same ids), same properties


def test_later_build_adds_updates_and_removes(neo4j_driver, empty_database, seed_graph, later_graph):
    export_graph(seed_graph, empty_database)

    summary = export_graph(later_graph, empty_database)

    assert_database_equals(neo4j_driver, empty_database, later_graph)
    assert summary.created["Paper"] == 2 and summary.removed["Paper"] == 10
    assert summary.removed["RELATED_TO"] > 0 and summary.updated["Concept"] > 0  # paper counts changed

    export_graph(seed_graph, empty_database)  # and back
    assert_database_equals(neo4j_driver, empty_database, seed_graph)


def _a_paper(graph: nx.MultiDiGraph, with_uses: bool = False) -> str:
    """The first paper (by node id) of ``graph``, with a USES relationship if asked."""
    return next(node for node in sorted(graph) if graph.nodes[node]["kind"] == "Paper"
                and (not with_uses or any(key == "USES" for _, _, key in graph.out_edges(node, keys=True))))


def test_a_changed_property_updates_that_node_only(neo4j_driver, empty_database, seed_graph):
    export_graph(seed_graph, empty_database)
    changed = seed_graph.copy()
    changed.nodes[_a_paper(changed)]["title"] = "A title changed by a later build"
    concept = next(node for node in sorted(changed) if changed.nodes[node]["kind"] == "Concept")
    changed.nodes[concept]["aliases"] = [*changed.nodes[concept]["aliases"], "another alias"]

    summary = export_graph(changed, empty_database)

    assert changes(summary) == {"updated": {"Paper": 1, "Concept": 1}}
    assert_database_equals(neo4j_driver, empty_database, changed)
    assert not export_graph(changed, empty_database).changed


def test_an_added_and_a_removed_paper_create_and_remove_only_theirs(neo4j_driver, empty_database, seed_graph):
    export_graph(seed_graph, empty_database)
    changed = seed_graph.copy()
    gone = _a_paper(changed)
    gone_relationships = Counter(key for *_, key in changed.in_edges(gone, keys=True))
    gone_relationships.update(key for *_, key in changed.out_edges(gone, keys=True))
    changed.remove_node(gone)
    concept = next(node for node in sorted(changed) if changed.nodes[node]["kind"] == "Concept")
    changed.add_node("paper:2501.00009", kind="Paper", id="2501.00009", title=TRICKY_TITLE, abstract="New.",
                     source="test", authors=["O'Brien"], categories=["cs.LG"], code_links=[])
    changed.add_edge("paper:2501.00009", concept, key="USES", mention_count=1, fields=["abstract"], starts=[0],
                     ends=[3], texts=["New"], sentences=["New."], rules=["test"], triggers=[""])

    summary = export_graph(changed, empty_database)

    assert changes(summary) == {"created": {"Paper": 1, "USES": 1},
                                "removed": {"Paper": 1, **gone_relationships}}
    assert_database_equals(neo4j_driver, empty_database, changed)


def test_a_changed_relation_type_is_the_old_removed_and_the_new_created(neo4j_driver, empty_database, seed_graph):
    export_graph(seed_graph, empty_database)
    changed = seed_graph.copy()
    paper = _a_paper(changed, with_uses=True)
    concept = next(target for _, target, key in sorted(changed.out_edges(paper, keys=True)) if key == "USES"
                   and not changed.has_edge(paper, target, key="PROPOSES"))
    changed.add_edge(paper, concept, key="PROPOSES", **changed.edges[paper, concept, "USES"])
    changed.remove_edge(paper, concept, key="USES")

    summary = export_graph(changed, empty_database)

    assert changes(summary) == {"created": {"PROPOSES": 1}, "removed": {"USES": 1}}
    assert_database_equals(neo4j_driver, empty_database, changed)


def test_export_repairs_what_others_changed_and_leaves_their_own_data(neo4j_driver, empty_database, seed_graph):
    """Foreign properties, a value of another type, a missing label, a duplicate kg relationship
    and a stray kg node are put back to the graph; the user's own nodes, labels and
    relationships of other types stay."""
    export_graph(seed_graph, empty_database)
    paper = seed_graph.nodes[_a_paper(seed_graph, with_uses=True)]["id"]
    neo4j_driver.execute_query(
        "MATCH (p:Paper {id: $paper}) SET p.extra = 1, p.title = 'changed', p:Mine "
        "WITH p MATCH (p)-[u:USES]->(c:Concept) WITH p, u, c ORDER BY c.key LIMIT 1 "
        "SET u.note = 'stray', c.paper_count = toFloat(c.paper_count), c:Benchmark "
        "CREATE (p)-[:USES {note: 'duplicate'}]->(c), (p)-[:LIKES]->(c) "
        "CREATE (:Paper {title: 'no id'}), (:Paper {id: 'not-in-graph'}), (:Mine {id: 'x'})-[:USES]->(:Mine)",
        paper=paper, database_=empty_database.database)

    summary = export_graph(seed_graph, empty_database)

    assert changes(summary) == {"updated": {"Paper": 1, "Concept": 1, "USES": 1},
                                "removed": {"Paper": 2, "USES": 1}}
    assert_database_equals(neo4j_driver, empty_database, seed_graph)
    kept, _, _ = neo4j_driver.execute_query(
        "MATCH (p:Paper:Mine {id: $paper})-[:LIKES]->(:Concept) MATCH (:Mine)-[u:USES]->(:Mine) "
        "RETURN count(*) AS n", paper=paper, database_=empty_database.database)
    assert kept[0]["n"] == 1
    assert not export_graph(seed_graph, empty_database).changed


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

    repair = export_graph(later_graph, empty_database)

    assert_database_equals(neo4j_driver, empty_database, later_graph)
    assert repair.changed and not export_graph(later_graph, empty_database).changed


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
    label_sets = (("Paper",), ("Concept", "Dataset", "Benchmark"))
    written = [cypher(labels) for labels in label_sets for cypher in (node_create_cypher, node_update_cypher)]
    written += [cypher(relation) for relation in RELATIONS for cypher in
                (relationship_create_cypher, relationship_update_cypher, relationship_remove_cypher,
                 read_relationships_cypher)]
    written += [node_remove_cypher(), read_labels_cypher(), read_properties_cypher()]
    for cypher in written:
        assert set(re.findall(r":`(\w+)`", cypher)) <= set(NODE_LABELS) | set(RELATIONS)
        assert "$rows" in cypher or cypher.startswith("MATCH")  # data only as parameters
    for evil in (("Paper", "Evil` DETACH DELETE n //"), ("Concept", "Method", "Evil")):
        for cypher in (node_create_cypher, node_update_cypher):
            with pytest.raises(ValueError):
                cypher(evil)
    for cypher in (relationship_create_cypher, relationship_update_cypher, relationship_remove_cypher):
        with pytest.raises(ValueError):
            cypher("USES`]->() DETACH DELETE a //")
