"""The command line, run as users run it: exit codes, summaries, errors, output formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SEED_PAPERS

GOLD_SAMPLE = DATA / "gold-sample.jsonl"


def kg(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_python_dash_m_kg_is_the_kg_command():
    result = subprocess.run([sys.executable, "-m", "kg", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stdout) == (0, "kg, version 0.1.0\n"), result.stderr
    usage = subprocess.run([sys.executable, "-m", "kg", "nonsense"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert usage.returncode == 2 and usage.stderr.startswith("Usage: kg "), usage.stderr


def test_the_command_ends_without_freeing_but_flushes_all_its_output_and_keeps_its_exit_code(tmp_path):
    """``kg.cli.run`` ends the process with ``os._exit`` (freeing a large build took seconds):
    output written to a pipe, block-buffered, is all there, and every exit code comes through."""
    from click.testing import CliRunner

    from kg.cli import main

    papers = tmp_path / "one.jsonl"
    papers.write_text(json.dumps({"id": "2401.00001", "title": "BERT for tagging",
                                  "abstract": "We fine-tune BERT on CoNLL-2003 for named entity recognition."}) + "\n")
    in_process = CliRunner().invoke(main, ["extract", str(papers)])  # JSONL written with sys.stdout.writelines
    assert in_process.exit_code == 0 and '"BERT"' in in_process.stdout
    piped = subprocess.run([sys.executable, "-m", "kg", "extract", str(papers)], cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert (piped.returncode, piped.stdout) == (0, in_process.stdout), piped.stderr
    missing = kg("build", str(tmp_path / "no-such-file.jsonl"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and missing.stderr.startswith("kg: error:"), missing.stderr


def test_build_defaults_to_seeds_and_prints_a_summary(tmp_path):
    result = kg("build", "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    assert f"papers: {SEED_PAPERS} ({SEED_PAPERS} records read, 0 skipped, 0 duplicates merged)" in result.stdout
    for name in ("graph.graphml", "graph.json", "graph.html"):
        assert (tmp_path / "out" / name).stat().st_size > 0
        assert f"wrote {tmp_path / 'out' / name}" in result.stdout


def test_malformed_records_are_reported_and_the_build_goes_on(tmp_path):
    result = kg("build", str(DATA / "papers.jsonl"), "--out", str(tmp_path), "--only", "json")
    assert result.returncode == 0, result.stderr
    assert "papers.jsonl:2: bad JSON" in result.stderr
    assert "papers.jsonl:3: missing abstract" in result.stderr
    assert "3 skipped" in result.stdout
    before = (tmp_path / "graph.json").read_bytes()
    strict = kg("build", str(DATA / "papers.jsonl"), "--out", str(tmp_path), "--only", "json", "--strict", "-q",
                "--lean")  # would write a lean graph.json: --strict stops before writing anything
    assert strict.returncode == 1
    assert "kg: error: 3 input records were skipped (--strict); nothing was written" in strict.stderr
    assert (tmp_path / "graph.json").read_bytes() == before and "Traceback" not in strict.stderr


@pytest.mark.parametrize("name, content, message", [
    ("missing.jsonl", None, "no such file or folder"),
    ("empty.jsonl", "", "no paper could be read"),
    ("paper.pdf", "%PDF-1.7", "unknown format"),
])
def test_unreadable_input_is_one_clear_line_and_exit_1(tmp_path, name, content, message):
    if content is not None:
        (tmp_path / name).write_text(content)
    result = kg("build", str(tmp_path / name), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    *skips, error = result.stderr.splitlines()  # an empty file is also reported as a skip before the error
    assert error.startswith("kg: error:") and message in error
    assert all(line.startswith(f"skipped {tmp_path / name}:") for line in skips) and len(skips) <= 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "graph.json").exists()


def test_usage_errors_exit_2():
    assert kg("build", "--top-k", "-1").returncode == 2
    assert kg("no-such-command").returncode == 2


def test_help_explains_every_command():
    result = kg("--help")
    assert result.returncode == 0
    for command in ("build", "extract", "eval", "stats", "schema"):
        assert command in result.stdout
    assert "--field" in kg("build", "--help").stdout


def test_extract_writes_one_line_per_record(tmp_path):
    output = tmp_path / "mentions.jsonl"
    result = kg("extract", str(DATA / "hf-daily.json"), "-o", str(output))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [r["id"] for r in records] == ["2405.00001"]
    entity = next(e for e in records[0]["entities"] if e["text"] == "FooNet")
    assert set(entity) == {"start", "end", "label", "field", "text", "sentence", "rule"}
    assert entity["label"] == "model" and entity["field"] == "abstract"


def test_extract_reads_the_gold_format():
    result = kg("extract", "--gold", str(GOLD_SAMPLE))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in GOLD_SAMPLE.read_text().splitlines()}
    for record in records:
        for entity in record["entities"]:
            assert entity["field"] == "text"
            assert texts[record["id"]][entity["start"]:entity["end"]] == entity["text"]


def test_eval_prints_scores_per_label():
    result = kg("eval", str(GOLD_SAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert set(scores["exact"]) == {"method", "model", "dataset", "task", "micro"}
    assert 0 < scores["partial"]["micro"]["f1"] <= 1


def test_stats_reads_a_built_graph(seed_build):
    _, _, out = seed_build
    for name in ("graph.json", "graph.graphml"):
        result = kg("stats", str(out / name))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"papers: {SEED_PAPERS}\n")


def test_schema_lists_every_property():
    result = kg("schema")
    assert "| Paper | `id` |" in result.stdout and "| RELATED_TO | `weight` | float |" in result.stdout
    assert "| PROPOSES, EVALUATES_ON, COMPARES_WITH, ADDRESSES, USES, MENTIONS | `sentences` | list[str] |" in result.stdout


@pytest.mark.parametrize("address", ["not-an-address", "tcp://127.0.0.1:1"])
def test_a_scheduler_that_cannot_be_reached_is_one_line_and_exit_2(tmp_path, address):
    result = kg("build", str(DATA / "papers.jsonl"), "--out", str(tmp_path / "out"), "--scheduler", address, "-q")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"kg: error: --scheduler {address}: cannot connect")
    assert not (tmp_path / "out" / "graph.json").exists()
