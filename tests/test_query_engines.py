"""The two query engines on the seeds graph: every named query's documented example returns
rows, and the embedded engine (LadybugDB, in-process) returns exactly Neo4j's rows; each
engine refuses what it must (writes on the embedded copy, reading the server's files)."""

from __future__ import annotations

import shutil
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEED_PAPERS
from kg.cli import EXIT_INPUT, EXIT_SERVER, main
from kg.errors import QueryError
from kg.export import read_graph
from kg.export.node_link import write_node_link
from kg.neo4j.connection import open_driver
from kg.neo4j.queries import Neo4jEngine
from kg.neo4j.sync import export_graph
from kg.query.embedded import EmbeddedEngine, database_path
from kg.query.library import CONCEPT_TYPE, load_queries
from kg.query.run import BY_KEY, resolved, run_named
from kg.schema import KIND, PAPER, PUBLISHED

QUERIES = load_queries()


def example(name: str) -> dict[str, str]:
    return {p.name: p.value for p in QUERIES[name].parameters if p.required}


@pytest.fixture(scope="module")
def seed_file(seed_build, tmp_path_factory) -> Path:
    """The seeds' graph.json in a folder of its own (the embedded database is written beside it)."""
    path = tmp_path_factory.mktemp("seed-query") / "graph.json"
    shutil.copyfile(seed_build[2] / "graph.json", path)
    return path


@pytest.fixture(scope="module")
def embedded(seed_file):
    with EmbeddedEngine(seed_file) as engine:
        yield engine


@pytest.fixture(scope="module")
def seeds_in_neo4j(seed_graph, neo4j_target, neo4j_driver):
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_target.database)
    export_graph(seed_graph, neo4j_target)
    # Plan on the loaded graph's statistics, not on those of whatever the session's database held
    # before (resample the indexes, wait, clear cached plans): the index-seek test failed now and
    # then when the planner still saw another test's graph.
    neo4j_driver.execute_query("CALL db.prepareForReplanning(300)", database_=neo4j_target.database)
    with open_driver(neo4j_target) as driver:
        yield Neo4jEngine(driver, neo4j_target.database)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_example_gives_the_same_rows_on_both_engines(name, embedded, seeds_in_neo4j):
    on_embedded = run_named(embedded, QUERIES[name], example(name))
    on_neo4j = run_named(seeds_in_neo4j, QUERIES[name], example(name))

    assert on_embedded.columns == on_neo4j.columns
    assert on_embedded.rows == on_neo4j.rows
    assert on_embedded.rows, f"{name}'s example {example(name)} gives no rows on the seeds"


def test_the_seeds_dated_papers_are_the_arxiv_sample_from_two_months(seed_graph):
    """What new_concepts and rising_concepts answer from on the seeds: the daily-papers page gives
    no date (no year, no arXiv ids); the 24 arXiv records take their month from their ids."""
    papers = [data for _, data in seed_graph.nodes(data=True) if data[KIND] == PAPER.name]
    months = Counter(data[PUBLISHED][:7] for data in papers if PUBLISHED in data)
    assert len(papers) == SEED_PAPERS and months == {"2026-05": 12, "2026-06": 12}


def test_kg_query_answers_from_the_built_graph_without_a_server(seed_file):
    runner = CliRunner()
    env = {"NEO4J_URI": "bolt://127.0.0.1:1", "KG_ENGINE": None}  # a server that is not there
    database_path(seed_file).unlink(missing_ok=True)

    first = runner.invoke(main, ["query", "top_datasets", "--graph", str(seed_file)], env=env)
    again = runner.invoke(main, ["query", "top_datasets", "--graph", str(seed_file), "--format", "json"], env=env)

    datasets = sum(1 for _, data in read_graph(seed_file).nodes(data=True) if data.get("type") == "dataset")
    assert first.exit_code == 0, first.output
    assert "loading" in first.stderr and first.stdout.rstrip().endswith(f"({min(datasets, 20)} rows)")
    assert again.exit_code == 0 and "loading" not in again.stderr  # the database was kept
    assert len(json.loads(again.stdout)) == min(datasets, 20)


def test_the_embedded_database_follows_the_graph_file(seed_file, tmp_path):
    graph = tmp_path / "graph.json"
    shutil.copyfile(seed_file, graph)
    count = QUERIES["papers_by_month"]
    with EmbeddedEngine(graph) as engine:
        before = run_named(engine, count, {}).rows
    # the same graph with one paper fewer: the next query must see it, not the old database
    smaller = read_graph(graph)
    removed = min(n for n, kind in smaller.nodes(data=KIND) if kind == PAPER.name)
    month = smaller.nodes[removed][PUBLISHED][:7]
    smaller.remove_node(removed)
    write_node_link(smaller, graph)
    with EmbeddedEngine(graph) as engine:
        after = run_named(engine, count, {}).rows
    assert after == [[row_month, papers - (row_month == month)] for row_month, papers in before]


@pytest.mark.parametrize("cypher", [
    "CREATE (n:Paper {id: 'written'}) RETURN n",
    "MATCH (p:Paper) SET p.title = 'x' RETURN count(p)",
    "MATCH (n) DETACH DELETE n",
])
def test_the_embedded_engine_refuses_writes(embedded, cypher):
    with pytest.raises(QueryError, match="read-only"):
        embedded.run(cypher, {})
    assert embedded.run("MATCH (p:Paper) RETURN count(p) AS n", {}).rows == [[SEED_PAPERS]]


def test_kg_query_without_a_graph_says_so(tmp_path):
    result = CliRunner().invoke(main, ["query", "top_datasets", "--graph", str(tmp_path / "graph.json")],
                                env={"KG_ENGINE": None})

    assert result.exit_code == EXIT_INPUT and "kg build" in result.stderr


def test_a_bad_query_on_the_embedded_engine_is_one_line(seed_file):
    result = CliRunner().invoke(main, ["query", "--cypher", "MATCH (n RETURN n", "--graph", str(seed_file)],
                                env={"KG_ENGINE": None})

    assert result.exit_code == EXIT_SERVER
    # one error line, after the progress line of the first load when this test runs first
    errors = [line for line in result.stderr.splitlines() if not line.startswith("loading ")]
    assert len(errors) == 1 and errors[0].startswith("kg: error: embedded engine:")


@pytest.mark.parametrize("cypher", [
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line LIMIT 1",
    "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN * LIMIT 1",
    # an apostrophe in a comment opens no string literal that would hide the clause
    "// the paper's id\nLOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN * LIMIT 1",
    "/* it's */ LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN * LIMIT 1",
])
def test_the_embedded_engine_reads_no_files(embedded, cypher):
    with pytest.raises(QueryError, match="reads files"):
        embedded.run(cypher, {})


def test_neo4j_refuses_to_read_local_files(seeds_in_neo4j):
    # the local launcher sets allow_file_urls false; a Docker image confines file URLs to /import
    with pytest.raises(QueryError, match="(?i)file"):  # a statement the server refuses: one QueryError line
        seeds_in_neo4j.run("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line LIMIT 1", {})


def operators(plan: dict) -> set[str]:
    """Every operator of a Neo4j plan (the driver's summary.profile), without the @database suffix."""
    return {plan["operatorType"].split("@")[0]} | {op for child in plan.get("children", []) for op in operators(child)}


LOOK_UPS = sorted(name for name, query in QUERIES.items() if any(p.type == CONCEPT_TYPE for p in query.parameters))


@pytest.mark.parametrize("name", ["(the look-up itself)", *LOOK_UPS])
def test_concept_look_ups_seek_the_key_index_on_neo4j(name, seeds_in_neo4j):
    assert len(LOOK_UPS) >= 6
    engine = seeds_in_neo4j
    if name in QUERIES:
        query = QUERIES[name]
        text, values = query.text_for(engine.name), resolved(engine, query, query.bind(example(name)))
    else:
        text, values = BY_KEY, {"keys": ["bert", "BERT"]}
    summary = engine.driver.execute_query("PROFILE " + text, values, database_=engine.database).summary

    used = operators(summary.profile)
    assert used & {"NodeUniqueIndexSeek", "NodeIndexSeek"}, f"{name}: no index seek in {sorted(used)}"
    assert not used & {"AllNodesScan"}, f"{name}: scans every node"


def test_concept_path_checks_its_cap_inside_the_shortest_path_search_on_neo4j(seeds_in_neo4j):
    """The frequency cap is a predicate on every node of the path, which Neo4j checks while it
    searches; a predicate it cannot inline (nodes(path)[1..-1] did) makes it fall back to
    expanding every path up to 8 hops (VarLengthExpand under AntiConditionalApply)."""
    engine, query = seeds_in_neo4j, QUERIES["concept_path"]
    values = query.bind(example("concept_path"))
    summary = engine.driver.execute_query("PROFILE " + query.text_for(engine.name), values,
                                          database_=engine.database).summary

    used = operators(summary.profile)
    assert "ShortestPath" in used
    assert not {op for op in used if op.startswith("VarLengthExpand")} | (used & {"AntiConditionalApply"}), sorted(used)


@pytest.mark.parametrize("mode", ["EXPLAIN", "PROFILE"])
def test_explain_and_profile_on_the_embedded_engine_print_its_plan(seed_file, mode):
    result = CliRunner().invoke(main, ["query", "--cypher", f"{mode} MATCH (p:Paper) RETURN count(p) AS n",
                                       "--graph", str(seed_file)], env={"KG_ENGINE": None})

    assert result.exit_code == 0, result.output
    assert "Physical Plan" in result.stdout and "SCAN_NODE_TABLE" in result.stdout
    assert len(result.stdout.splitlines()) > 10  # the drawing, line by line, not one truncated cell


def test_a_text_parameter_where_a_number_is_needed_gets_the_hint_on_the_embedded_engine(seed_file):
    result = CliRunner().invoke(main, ["query", "--cypher", "MATCH (p:Paper) RETURN p.id LIMIT $n", "-p", "n=5",
                                       "--graph", str(seed_file)], env={"KG_ENGINE": None})

    assert result.exit_code == EXIT_SERVER and result.stderr.count("\n") == 1
    assert result.stderr.startswith("kg: error: embedded engine:")
    assert result.stderr.rstrip().endswith("-p n=5 passes the text '5': -p n:=5 passes the number (JSON)")
