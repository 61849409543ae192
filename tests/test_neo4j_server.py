"""``kg neo4j start`` → ``stop`` → ``start`` keeps the database, and ``kg query --engine neo4j``
and ``kg export neo4j`` find the started server with no environment variables."""

from __future__ import annotations

import json
import shutil
import socket

import pytest
from click.testing import CliRunner
from neo4j_fixtures import ROOT, neo4j_required

import kg.neo4j.server as server
from kg.cli import EXIT_SERVER, main

FIXTURE = ROOT / "tests" / "data" / "query_graph.json"
NO_ENV = {"NEO4J_URI": None, "NEO4J_PASSWORD": None, "KG_ENGINE": "neo4j"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_state(tmp_path, monkeypatch):
    """The server record in a folder of the test's own (never the user's running server)."""
    if shutil.which("java") is None or not server.jars_fetched():
        if neo4j_required():
            pytest.fail("Java and the Neo4j jars (make neo4j-jars) are needed", pytrace=False)
        pytest.skip("no Java or no Neo4j jars")
    monkeypatch.setattr(server, "STATE", tmp_path / "server.json")
    yield tmp_path
    server.stop_lasting()


def test_start_stop_start_keeps_the_data(own_state):
    runner = CliRunner()
    data, port = own_state / "data", str(free_port())

    started = runner.invoke(main, ["neo4j", "start", "--data", str(data), "--port", port], env=NO_ENV)
    assert started.exit_code == 0, started.output
    assert started.stdout.strip() == f"bolt://127.0.0.1:{port}"
    assert runner.invoke(main, ["neo4j", "status"], env=NO_ENV).exit_code == 0
    exported = runner.invoke(main, ["export", "neo4j", str(FIXTURE), "--quiet"], env=NO_ENV)
    assert exported.exit_code == 0, exported.output
    before = runner.invoke(main, ["query", "overview", "--format", "json"], env=NO_ENV)
    assert before.exit_code == 0, before.output

    assert runner.invoke(main, ["neo4j", "stop"], env=NO_ENV).exit_code == 0
    stopped = runner.invoke(main, ["neo4j", "status"], env=NO_ENV)
    assert stopped.exit_code == EXIT_SERVER and "no local Neo4j" in stopped.stderr
    again = runner.invoke(main, ["neo4j", "start", "--data", str(data), "--port", port], env=NO_ENV)
    assert again.exit_code == 0, again.output
    after = runner.invoke(main, ["query", "overview", "--format", "json"], env=NO_ENV)

    assert after.exit_code == 0, after.output
    rows = json.loads(after.stdout)
    assert rows == json.loads(before.stdout) and rows[0] == {"element": "node", "name": "Paper", "count": 8}
    second = runner.invoke(main, ["neo4j", "start", "--data", str(data), "--port", port], env=NO_ENV)
    assert second.exit_code == EXIT_SERVER and "already running" in second.stderr


def test_import_of_the_bulk_csvs_then_query(own_state, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    built = runner.invoke(main, ["build", str(ROOT / "seeds"), "--out", str(out), "--only", "json",
                                 "--only", "neo4j-csv"])
    assert built.exit_code == 0, built.output

    imported = runner.invoke(main, ["neo4j", "import", str(out / "neo4j-import"), "--data", str(own_state / "data"),
                                    "--port", str(free_port())], env=NO_ENV)
    assert imported.exit_code == 0, imported.output
    on_neo4j = runner.invoke(main, ["query", "top_datasets", "--format", "json"], env=NO_ENV)
    embedded = runner.invoke(main, ["query", "top_datasets", "--format", "json", "--graph", str(out / "graph.json"),
                                    "--engine", "embedded"], env=NO_ENV)

    assert on_neo4j.exit_code == 0, on_neo4j.output
    assert json.loads(on_neo4j.stdout) == json.loads(embedded.stdout) and json.loads(embedded.stdout)
