"""Hostile input: every malformed record is one ``skipped FILE:LINE: reason`` line, counted,
and the good records around it reach graph.json; a file or setting that cannot be used at
all is one ``kg: error:`` line with its exit code. Never a traceback.

The cases run in-process (click's runner; an exception escaping the command fails the test
as a traceback would reach a user); a few run as a real ``kg`` process too.
"""

from __future__ import annotations

import gzip
import os
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from kg.cli import main

ABSTRACT = ("We propose {name}, a convolutional model for image classification, and evaluate it on "
            "ImageNet and CIFAR-10 against ResNet-50 baselines with strong results.")


def good(n: int) -> dict:
    return {"id": f"2401.{n:05d}", "title": f"Good paper number {n}", "abstract": ABSTRACT.format(name=f"GoodNet{n}")}


def line(record) -> str:
    return json.dumps(record) + "\n"


def run_kg(*args: str, cwd: Path | None = None):
    """``kg ARGS`` in this process: (exit code, stdout, stderr); any exception escaping it fails."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        pytest.fail("Traceback reached the user:\n" + "".join(traceback.format_exception(*result.exc_info)))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def built_ids(out: Path) -> set[str]:
    doc = json.loads((out / "graph.json").read_text())
    return {node["paper_id"] for node in doc["nodes"] if "paper_id" in node}


def build(tmp_path: Path, *inputs: Path, extra: tuple[str, ...] = ()):
    out = tmp_path / "out"
    code, stdout, stderr = run_kg("build", *map(str, inputs), "--out", str(out), "--only", "json", "--jobs", "1",
                                  "--no-cache", *extra)
    return out, code, stdout, stderr


def skipped_lines(stderr: str) -> list[str]:
    return [text for text in stderr.splitlines() if text.startswith("skipped ")]


# name, file content (str or bytes), the reason expected in the one skipped line, its line number
_JSONL_CASES = {
    "categories-number": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "categories": 7}\n', "categories"),
    "categories-true": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "categories": true}\n', "categories"),
    "categories-nan": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "categories": NaN}\n', "categories"),
    "categories-float": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "categories": 1.5}\n', "categories"),
    "categories-nested": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "categories": [["cs.LG"]]}\n',
                          "categories"),
    "author-name-null": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "authors": [{"name": null}]}\n',
                         "authors"),
    "authors-number": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "authors": 12}\n', "authors"),
    "authors-object": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "authors": {"a": 1}}\n', "authors"),
    "id-object": ('{"id": {"x": 1}, "title": "T", "abstract": "A b c."}\n', "id"),
    "id-float-nan": ('{"id": NaN, "title": "T", "abstract": "A b c."}\n', "id"),
    "url-list": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "url": ["http://x"]}\n', "url"),
    "published-object": ('{"id": "2402.00001", "title": "T", "abstract": "A b c.", "published": {"y": 1}}\n',
                         "published"),
    "title-number": ('{"id": "2402.00001", "title": 5, "abstract": "A b c."}\n', "title"),
    "deep-nesting": ("[" * 100_000 + "\n", "bad JSON"),
    "deep-nesting-object": ('{"a":' * 100_000 + "\n", "bad JSON"),
    "huge-integer": ('{"id": ' + "9" * 5000 + ', "title": "T", "abstract": "A b c."}\n', "bad JSON"),
    "array-line": ('["not", "a", "record"]\n', "not an object"),
    "bare-string": ('"just a string"\n', "not an object"),
    "long-abstract": (line({"id": "2402.00001", "title": "Long", "abstract": "word " * 250_001}), "characters"),
    "long-title": (line({"id": "2402.00001", "title": "T" * 1_000_001, "abstract": "A b c."}), "characters"),
}


@dataclass(frozen=True)
class Case:
    """One hostile file: its name, bytes, the ``(line, reason)`` of each skip it must report,
    and the ids of the good records in it that must reach graph.json."""

    name: str
    content: bytes
    skips: tuple[tuple[int, str], ...]
    good: tuple[str, ...]


def _jsonl_case(index: int, name: str, bad: str, reason: str) -> Case:
    first, second = good(2 * index + 1), good(2 * index + 2)
    return Case(f"{name}.jsonl", (line(first) + bad + line(second)).encode(), ((2, reason),), (first["id"], second["id"]))


def _csv_row(record: dict) -> str:
    return f'{record["id"]},"{record["title"]}","{record["abstract"]}"\n'


def _other_cases(start: int) -> list[Case]:
    """Files whose framing is hostile: compression, CSV quoting and headers, line ends, names."""
    g = [good(start + i) for i in range(40)]
    ids = [r["id"] for r in g]
    header = "id,title,abstract\n"
    jsonl = "".join(line(r) for r in g[0:3]).encode()
    compressed = gzip.compress(jsonl, mtime=0)
    many = "".join(line(r) for r in g[20:40]).encode()
    many_gz = gzip.compress(many, mtime=0)
    corrupt = bytearray(many_gz)
    corrupt[len(corrupt) // 2 : len(corrupt) // 2 + 8] = b"\xff" * 8
    return [
        Case("trailing-garbage.jsonl.gz", compressed + b"garbage after the data", ((4, "after the end of the gzip"),),
             tuple(ids[0:3])),
        Case("two-members-and-zero-padding.jsonl.gz", compressed + gzip.compress(line(g[3]).encode(), mtime=0) + b"\0" * 64,
             (), (*ids[0:3], ids[3])),
        Case("truncated.jsonl.gz", many_gz[: len(many_gz) - 30], ((None, "gzip data ends early"),), (ids[20],)),
        Case("corrupt-deflate.jsonl.gz", bytes(corrupt), ((None, "corrupt gzip data"),), ()),
        Case("unterminated-quote.csv", (header + _csv_row(g[4]) + f'{g[5]["id"]},"Broken title,"no end\n'
                                        + _csv_row(g[6]) + _csv_row(g[7])).encode(),
             ((3, "bad CSV"),), (ids[4], ids[6], ids[7])),
        Case("unterminated-quote-at-end.csv", (header + _csv_row(g[8]) + f'{g[9]["id"]},"Broken title,no end\n'
                                               + "just words\n").encode(),
             ((3, "bad CSV"), (4, "row has 1 fields")), (ids[8],)),
        Case("duplicate-header.csv", (header.replace("abstract", "title") + _csv_row(g[10])).encode(),
             ((1, "the header names 'title' twice"),), ()),
        Case("no-header.csv", _csv_row(g[11]).encode(), ((1, "no title or abstract column"),), ()),
        Case("leading-blank-lines.csv", ("\n\n" + header + _csv_row(g[12])).encode(), (), (ids[12],)),
        Case("cr-only.jsonl", (line(g[13]) + "{bad\n" + line(g[14])).replace("\n", "\r").encode(),
             ((2, "bad JSON"),), (ids[13], ids[14])),
        Case("cr-only.csv", (header + _csv_row(g[15]) + _csv_row(g[16])).replace("\n", "\r").encode(), (),
             (ids[15], ids[16])),
        Case("bad-byte-in-a-record.json", ("[\n" + json.dumps(g[17]) + ",\n" +
                                           json.dumps({**g[18], "title": "Bad \udcff"}).replace("\\udcff", "\udcff")
                                           + ",\n" + json.dumps(g[19]) + "\n]\n").encode("utf-8", "surrogateescape"),
             ((3, "undecodable bytes"),), (ids[17], ids[19])),
        Case("empty.jsonl", b"", ((1, "empty file"),), ()),
    ]


CASES = [_jsonl_case(i, name, *_JSONL_CASES[name]) for i, name in enumerate(sorted(_JSONL_CASES))]
CASES += _other_cases(len(CASES) * 2 + 1)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """One build of every hostile file together (a build costs seconds; the files are independent)."""
    folder = tmp_path_factory.mktemp("hostile")
    for case in CASES:
        (folder / "in" / case.name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "in" / case.name).write_bytes(case.content)
    out, code, stdout, stderr = build(folder, folder / "in")
    return folder / "in", code, stdout, stderr, built_ids(out)


def test_the_hostile_build_exits_0_and_counts_every_skip(hostile_build):
    _, code, stdout, stderr, _ = hostile_build
    assert code == 0, stderr
    assert f"{sum(len(c.skips) for c in CASES)} skipped" in stdout
    assert not [text for text in stderr.splitlines() if not text.startswith("skipped ")], stderr


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_record_is_one_counted_skip_and_the_good_records_survive(hostile_build, case):
    folder, _, _, stderr, ids = hostile_build
    path = folder / case.name
    reported = [text for text in skipped_lines(stderr) if text.startswith(f"skipped {path}:")]
    assert len(reported) == len(case.skips), reported
    for text, (number, reason) in zip(reported, case.skips):
        assert text.startswith(f"skipped {path}:{number if number else ''}") and reason in text, (text, number, reason)
    assert set(case.good) <= ids


def test_file_names_with_undecodable_bytes_and_control_characters_export_readable_files(tmp_path):
    import networkx as nx

    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"odd-\xff-name\x01\x1b.jsonl")
    (folder / name).write_text(line(good(901)) + "{bad\n")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(folder), "--out", str(out), "--jobs", "1",
                             "--no-cache", "--only", "graphml", "--only", "json"],
                            capture_output=True, cwd=ROOT, timeout=300)
    stderr = result.stderr.decode("utf-8")  # what kg prints is UTF-8, whatever the file name held
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "odd-\ufffd-name  .jsonl:2: bad JSON" in stderr
    graph = nx.read_graphml(out / "graph.graphml")
    sources = {attrs["source"] for _, attrs in graph.nodes(data=True) if "source" in attrs}
    assert sources == {str(folder / "odd-\ufffd-name  .jsonl")}
    assert "2401.00901" in built_ids(out)


def _graphml(body: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
            f'<graph edgedefault="directed">{body}</graph></graphml>\n')


_WRONG_GRAPHS = {
    "empty-object.json": "{}",
    "empty-array.json": "[]",
    "empty.json": "",
    "truncated.json": '{"directed": true, "multigraph": true, "graph": {}, "nodes": [{"id": "a"',
    "other-tool.json": json.dumps({"directed": False, "multigraph": False, "graph": {},
                                   "nodes": [{"id": 1}, {"id": 2}], "links": [{"source": 1, "target": 2}]}),
    "unknown-label.json": json.dumps({"directed": True, "multigraph": True, "graph": {},
                                      "nodes": [{"id": "x", "labels": ["Alien"]}], "links": []}),
    "nodes-not-a-list.json": json.dumps({"directed": True, "multigraph": True, "graph": {}, "nodes": 5, "links": []}),
    "empty.graphml": "",
    "truncated.graphml": _graphml('<node id="a">')[:80],
    "other-tool.graphml": _graphml('<node id="a"/><node id="b"/><edge source="a" target="b"/>'),
    "unknown-label.graphml": _graphml('<key id="labels" for="node" attr.name="labels" attr.type="string"/>'
                                      '<node id="a"><data key="labels">:Alien</data></node>'),
    "entity-expansion.graphml": '<?xml version="1.0"?>\n<!DOCTYPE g [<!ENTITY a "aaaaaaaaaa">'
                                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
                                '<node id="&c;"/></graph></graphml>',
    "external-entity.graphml": '<?xml version="1.0"?>\n<!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                               '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
                               '<node id="&x;"/></graph></graphml>',
    "not-xml.graphml": "\x00\x01 binary",
}


@pytest.mark.parametrize("command", ["stats", "html"])
@pytest.mark.parametrize("name", sorted(_WRONG_GRAPHS))
def test_a_wrong_graph_file_is_one_error_line_and_exit_1(tmp_path, command, name):
    path = tmp_path / name
    path.write_text(_WRONG_GRAPHS[name])
    code, stdout, stderr = run_kg(command, str(path))
    assert code == 1, (stdout, stderr)
    assert stderr.startswith(f"kg: error: {path}: ") and stderr.count("\n") == 1, stderr
    assert "root:" not in stdout + stderr


def _random_bytes(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _foreign_schema(path: Path) -> None:
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE spotted (something TEXT)")


@pytest.mark.parametrize("damage", [_random_bytes, _foreign_schema, lambda path: path.mkdir()],
                         ids=["random-bytes", "foreign-schema", "a-folder"])
def test_a_broken_cache_file_is_set_aside_with_a_warning_and_rebuilt(tmp_path, damage):
    papers = tmp_path / "papers.jsonl"
    papers.write_text(line(good(1)) + line(good(2)))
    out = tmp_path / "out"
    out.mkdir()
    cache = out / ".kg-cache.sqlite"  # the default cache of --out
    damage(cache)
    args = ("build", str(papers), "--out", str(out), "--only", "json", "--jobs", "1")
    code, stdout, stderr = run_kg(*args)
    assert code == 0, stderr
    assert f"kg: warning: {cache} was not a usable cache" in stdout
    assert (out / ".kg-cache.sqlite.broken").exists()
    assert {"2401.00001", "2401.00002"} <= built_ids(out)
    code, stdout, _ = run_kg(*args)  # the new cache works: the second build extracts nothing
    assert code == 0 and "0 papers extracted, 2 from the cache" in stdout and "warning" not in stdout


def test_output_under_a_file_is_one_line_before_any_work(tmp_path):
    papers = tmp_path / "papers.jsonl"
    papers.write_text(line(good(1)))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, stdout, stderr = run_kg("build", str(papers), "--out", str(blocker / "out"), "--no-cache")
    assert (code, stdout) == (1, "")
    assert stderr == f"kg: error: {blocker / 'out'}: cannot write there: Not a directory\n"
    code, _, stderr = run_kg("extract", str(papers), "-o", str(blocker / "mentions.jsonl"))
    assert code == 1 and stderr == f"kg: error: {blocker}: cannot write there: a file, not a folder\n"


def test_an_unknown_field_property_is_a_usage_error(tmp_path):
    papers = tmp_path / "papers.jsonl"
    papers.write_text(line(good(1)))
    code, _, stderr = run_kg("build", str(papers), "--field", "foo=bar", "--out", str(tmp_path / "out"))
    assert code == 2 and "'foo' is not one of id, title, abstract" in stderr


_DAMAGE = {  # SQL that damages the first paper's cache entries; what the re-run then does again
    "stage-1 record": (["UPDATE spotted SET record = x'789c6e6f74' WHERE key = :key",
                        "DELETE FROM drafted WHERE key = :key"],  # so that its stage-1 record is read
                       "1 paper extracted, 1 from the cache", "1 paper drafted, 1 from the cache"),
    "drafts": (["UPDATE drafted SET record = x'789c6e6f74' WHERE key = :key"],
               "0 papers extracted, 2 from the cache", "1 paper drafted, 1 from the cache"),
    "defined long forms": (["UPDATE drafted SET defines = '[' WHERE key = :key"],
                           "0 papers extracted, 2 from the cache", "1 paper drafted, 1 from the cache"),
    "corpus long forms": (["UPDATE long_forms SET forms = x'00'"],
                          "0 papers extracted, 2 from the cache", "2 papers drafted, 0 from the cache"),
}


@pytest.mark.parametrize("damage", _DAMAGE, ids=list(_DAMAGE))
def test_a_damaged_cache_record_is_a_cache_miss(tmp_path, damage):
    import sqlite3

    papers = tmp_path / "papers.jsonl"
    papers.write_text(line(good(1)) + line(good(2)))
    out = tmp_path / "out"
    args = ("build", str(papers), "--out", str(out), "--only", "json", "--jobs", "1")
    assert run_kg(*args)[0] == 0
    first = (out / "graph.json").read_bytes()
    statements, extracted, drafted = _DAMAGE[damage]
    with sqlite3.connect(out / ".kg-cache.sqlite") as connection:
        key = connection.execute("SELECT key FROM spotted ORDER BY key LIMIT 1").fetchone()[0]
        for statement in statements:
            connection.execute(statement, {"key": key})
    code, stdout, stderr = run_kg(*args)
    assert code == 0, stderr
    assert "kg: warning: 1 damaged cache records were made again" in stdout
    assert f"extraction: {extracted}" in stdout and f"resolution: {drafted}" in stdout
    assert (out / "graph.json").read_bytes() == first
    code, stdout, _ = run_kg(*args)  # and the cache is whole again
    assert code == 0 and "warning" not in stdout and "resolution: 0 papers drafted, 2 from the cache" in stdout


@pytest.mark.parametrize("raw", ["2413.00001", "2400.00001", "1501.1234", "1412.12345", "0612.1234"])
def test_an_impossible_arxiv_id_gets_no_fabricated_url(raw):
    from kg.read.fields import DEFAULT_FIELDS, paper_from_record

    paper = paper_from_record({"id": raw, "title": "T", "abstract": "A b c."}, "x.jsonl", DEFAULT_FIELDS)
    assert paper.arxiv_id is None and paper.url is None and paper.published is None
    assert paper.id.startswith("kg-")


def test_a_second_build_into_a_locked_out_is_one_line(tmp_path):
    import fcntl

    papers = tmp_path / "papers.jsonl"
    papers.write_text(line(good(1)))
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".kg-build.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        code, stdout, stderr = run_kg("build", str(papers), "--out", str(out), "--no-cache")
    assert (code, stdout) == (1, "")
    assert stderr == f"kg: error: {out}: another kg build is writing there; wait for it to finish\n"


GOLD_TEXT = "We propose GoodNet, evaluated on ImageNet."
GOLD_GOOD = {"id": "g1", "text": GOLD_TEXT, "entities": [{"start": 11, "end": 18, "label": "model"}]}
_MALFORMED_GOLD = {
    "array-line": ("[1, 2]", "a JSON list, not an object"),
    "numeric-id": (json.dumps({**GOLD_GOOD, "id": 7}), "'id' must be a non-empty string, not 7"),
    "no-id": (json.dumps({"text": GOLD_TEXT}), "'id' must be a non-empty string, not None"),
    "string-offsets": (json.dumps({**GOLD_GOOD, "entities": [{"start": "11", "end": "18", "label": "model"}]}),
                       "entity 1: 'start' and 'end' must be integers, not '11' and '18'"),
    "boolean-offset": (json.dumps({**GOLD_GOOD, "entities": [{"start": True, "end": 18, "label": "model"}]}),
                       "must be integers"),
    "offset-past-the-text": (json.dumps({**GOLD_GOOD, "entities": [{"start": 40, "end": 99, "label": "model"}]}),
                             "entity 1: offsets 40..99 are not a span of the 42-character text"),
    "negative-offset": (json.dumps({**GOLD_GOOD, "entities": [{"start": -3, "end": 4, "label": "model"}]}),
                        "offsets -3..4 are not a span"),
    "empty-span": (json.dumps({**GOLD_GOOD, "entities": [{"start": 5, "end": 5, "label": "model"}]}),
                   "offsets 5..5 are not a span"),
    "text-number": (json.dumps({**GOLD_GOOD, "text": 42}), "'text' must be a string, not int"),
    "entities-object": (json.dumps({**GOLD_GOOD, "entities": {"start": 1}}), "'entities' must be a list, not dict"),
    "entity-string": (json.dumps({**GOLD_GOOD, "entities": ["BERT"]}), "entity 1 is a JSON str, not an object"),
    "label-null": (json.dumps({**GOLD_GOOD, "entities": [{"start": 11, "end": 18, "label": None}]}),
                   "entity 1: 'label' must be a string, not None"),
    "not-json": ('{"id": "g2", "text": ', "not JSON"),
    "nested-deep": ("[" * 100_000, "not JSON (nested too deep)"),
    "bad-utf8": (b'{"id": "g2", "text": "caf\xe9"}', "not UTF-8 (byte 26)"),
    "text-too-long": (json.dumps({"id": "g2", "text": "x" * 1_000_001}), "'text' has 1,000,001 characters"),
}


@pytest.mark.parametrize("command", [("eval",), ("extract", "--gold")], ids=["eval", "extract-gold"])
@pytest.mark.parametrize("name", sorted(_MALFORMED_GOLD))
def test_a_malformed_gold_line_is_one_error_line_naming_file_and_line(tmp_path, command, name):
    bad, reason = _MALFORMED_GOLD[name]
    path = tmp_path / "gold.jsonl"
    path.write_bytes(line(GOLD_GOOD).encode() + (bad if isinstance(bad, bytes) else bad.encode()) + b"\n")
    code, stdout, stderr = run_kg(*command, str(path))
    assert code == 1 and stdout == ""
    assert stderr.startswith(f"kg: error: {path}:2: not a gold record: ") and stderr.count("\n") == 1, stderr
    assert reason in stderr, stderr


@pytest.mark.parametrize("command", [("eval",), ("extract", "--gold")], ids=["eval", "extract-gold"])
@pytest.mark.parametrize("content", ["", "\n  \n"], ids=["empty", "blank-lines"])
def test_an_empty_gold_file_is_an_error_not_a_score_of_0(tmp_path, command, content):
    path = tmp_path / "gold.jsonl"
    path.write_text(content)
    code, stdout, stderr = run_kg(*command, str(path))
    assert (code, stdout) == (1, "")
    assert stderr == f"kg: error: {path}: holds no gold record (one JSON object a line: id, text, entities)\n"


def test_docker_compose_requires_a_password_and_keeps_it_off_the_command_line():
    """No default password, and the healthcheck's cypher-shell reads it from the environment
    (a command line is visible to every user in ``ps``). No Docker engine here: the file is read."""
    import yaml

    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["neo4j"]
    environment = service["environment"]
    assert environment["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD:?")
    assert environment["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")
    check = " ".join(service["healthcheck"]["test"])
    assert "cypher-shell" in check and " -p" not in check and "--password" not in check and "NEO4J_AUTH" not in check
    assert ":-" not in (ROOT / "docker-compose.yml").read_text()  # no ${VAR:-default} anywhere


@pytest.fixture
def graph(tmp_path) -> Path:
    """The query fixture graph, copied alone into tmp_path (the embedded database would go beside it)."""
    path = tmp_path / "graph.json"
    path.write_bytes((ROOT / "tests" / "data" / "query_graph.json").read_bytes())
    return path


@pytest.mark.parametrize("args", [
    ("top_datasets", "-p", "limit=99999999999999999999"),
    ("--cypher", "RETURN $x AS x", "-p", "x:=99999999999999999999"),
    ("--cypher", "RETURN $x AS x", "-p", 'x:=[1, {"n": 9223372036854775808}]'),
], ids=["named", "ad-hoc", "ad-hoc-nested"])
def test_an_integer_no_cypher_engine_holds_is_a_usage_error_before_any_engine(tmp_path, graph, args):
    code, stdout, stderr = run_kg("query", *args, "--graph", str(graph))
    assert (code, stdout) == (2, "")
    assert stderr.startswith("kg: error: parameter ") and stderr.count("\n") == 1, stderr
    assert "outside the 64-bit integer range a Cypher parameter holds" in stderr
    assert not (tmp_path / "graph.lbdb").exists()  # refused before the embedded database was loaded


@pytest.mark.parametrize("text", ["", "  \n "])
def test_an_empty_cypher_text_is_a_usage_error(graph, text):
    code, stdout, stderr = run_kg("query", "--cypher", text, "--graph", str(graph))
    assert (code, stdout, stderr) == (2, "", "kg: error: --cypher is empty: give the query's text\n")


@pytest.mark.parametrize("value", ["-1", "-9223372036854775809"])
def test_a_negative_number_for_a_named_query_is_a_usage_error(tmp_path, graph, value):
    code, stdout, stderr = run_kg("query", "top_datasets", "-p", f"limit={value}", "--graph", str(graph))
    assert (code, stdout) == (2, "")
    assert stderr.startswith("kg: error: parameter limit: ") and stderr.count("\n") == 1, stderr
    assert not (tmp_path / "graph.lbdb").exists()


def test_the_largest_64_bit_integer_is_still_a_valid_parameter(graph):
    code, stdout, stderr = run_kg("query", "--cypher", "RETURN $x AS x", "-p", "x:=9223372036854775807",
                                  "--graph", str(graph), "--format", "json")
    assert code == 0, stderr
    assert json.loads(stdout) == [{"x": 9223372036854775807}]


@pytest.mark.parametrize("args, message", [
    (("build", str(ROOT / "seeds"), "--max-concept-share", "nan"), "Invalid value for '--max-concept-share': 'nan' is not a number from 0 to 1"),
    (("html", "GRAPH", "--focus", ""), "Invalid value for '--focus': empty; give a node id"),
    (("html", "GRAPH", "--focus", "   "), "Invalid value for '--focus': empty; give a node id"),
    (("neo4j", "start", "--heap", "banana"), "Invalid value for '--heap': 'banana' is not a Java heap size"),
    (("neo4j", "start", "--heap", "0g"), "Invalid value for '--heap': '0g' is not a Java heap size"),
], ids=["nan-share", "empty-focus", "blank-focus", "heap-word", "heap-zero"])
def test_a_nan_share_an_empty_focus_and_a_wrong_heap_are_usage_errors(tmp_path, graph, args, message):
    args = tuple(str(graph) if arg == "GRAPH" else arg for arg in args)
    code, stdout, stderr = run_kg(*args)
    assert code == 2, stderr
    assert message in stderr
    assert list(tmp_path.iterdir()) == [graph]  # nothing written, no server started


def test_a_huge_depth_stops_where_the_graph_ends(tmp_path, graph):
    code, stdout, stderr = run_kg("html", str(graph), "--focus", "concept:bert", "--depth", "99999999999",
                                  "--output", str(tmp_path / "page.html"))
    assert code == 0, stderr
    assert (tmp_path / "page.html").stat().st_size > 0
