"""Scale: parallel and Dask extraction give the bytes of one process; the stage-1 cache hits,
misses and survives a killed build; rule edits invalidate it and lexicon or curation edits do
not; the Neo4j bulk-import CSVs hold what the regular export holds."""

from __future__ import annotations

import csv
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT, SEED_PAPERS, SEEDS, cached_records, lexicon_of, wait_for
from neo4j_fixtures import neo4j_required

import kg.extract.run as extraction_module
from kg.build import BULK_CSV_FOLDER, build
from kg.extract import extract
from kg.extract.resolve.lexicon import Lexicon
from kg.extract.resolve.resolver import CorpusSettings, Resolver
from kg.extract.spot.rules import SPOT_DATA
from kg.neo4j.bulk import ARRAY_DELIMITER, FILES, IMPORT_COMMAND, imported_properties
from kg.neo4j.server import LIB
from kg.parallel import Workers, map_papers

GRAPH_FILES = ("graph.json", "graph.graphml")


@pytest.fixture(scope="module")
def days(tmp_path_factory, seed_papers):
    """The seed papers as two daily JSONL files: all but the last 10 papers, then those 10."""
    folder = tmp_path_factory.mktemp("days")
    paths = []
    for name, part in (("day1.jsonl", seed_papers[:-10]), ("day2.jsonl", seed_papers[-10:])):
        lines = [json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n" for p in part]
        (folder / name).write_text("".join(lines), encoding="utf-8")
        paths.append(folder / name)
    return paths


@pytest.fixture
def small_shards(monkeypatch):
    """Shards of 8 papers, so the seeds make several units of work."""
    monkeypatch.setattr(extraction_module, "SHARD_SIZE", 8)


def built_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in GRAPH_FILES}


def run_build(inputs, out: Path, **options):
    _, summary = build(inputs, out, formats=("json", "graphml"), **options)
    return summary


@pytest.fixture(scope="module")
def single_process(seed_build):
    """The seed graph built in this process, without a cache: the reference bytes."""
    return built_bytes(seed_build[2])


def test_map_papers_yields_in_shard_order_whoever_finishes_first():
    finished = {n: threading.Event() for n in range(1, 10)}
    finished[9].set()

    def last_first(shard):  # shard n finishes only after shard n + 1: the reverse of shard order
        assert finished[shard[0] + 1].wait(60)
        finished[shard[0]].set()
        return shard[0]

    with ThreadPoolExecutor(8) as executor:
        assert list(map_papers(last_first, [[n] for n in range(1, 9)], executor, window=8)) == list(range(1, 9))


@pytest.mark.parametrize("workers", [Workers(jobs=2), Workers(jobs=2, scheduler="local")],
                         ids=["processes", "dask-local-cluster"])
def test_parallel_extraction_gives_the_bytes_of_one_process(tmp_path, small_shards, single_process, workers):
    summary = run_build([SEEDS], tmp_path, workers=workers)
    assert summary.extracted == SEED_PAPERS
    assert built_bytes(tmp_path) == single_process


def test_the_cache_hits_misses_and_extracts_only_new_papers(tmp_path, days, small_shards):
    cache = tmp_path / "cache.sqlite"
    first = run_build(days[:1], tmp_path / "day1", cache_path=cache)
    assert (first.extracted, first.cached) == (SEED_PAPERS - 10, 0)
    again = run_build(days[:1], tmp_path / "day1-again", cache_path=cache)
    assert (again.extracted, again.cached) == (0, SEED_PAPERS - 10)
    assert built_bytes(tmp_path / "day1-again") == built_bytes(tmp_path / "day1")

    daily = run_build(days, tmp_path / "daily", cache_path=cache)
    assert (daily.extracted, daily.cached) == (10, SEED_PAPERS - 10)
    assert f"extraction: 10 papers extracted, {SEED_PAPERS - 10} from the cache" in daily.lines()
    run_build(days, tmp_path / "full")  # no cache at all
    assert built_bytes(tmp_path / "daily") == built_bytes(tmp_path / "full")


def test_papers_with_the_same_text_share_a_record(tmp_path, seed_papers):
    twins = [seed_papers[0], replace(seed_papers[0], id="another-id")]
    extraction = extract(twins, cache_path=tmp_path / "cache.sqlite")
    assert (extraction.extracted, extraction.cached) == (1, 1)
    assert {m.paper_id for m in extraction.resolution.mentions} == {seed_papers[0].id, "another-id"}


def test_a_per_paper_rule_edit_invalidates_the_cache(tmp_path, seed_papers):
    papers = seed_papers[:10]
    cache = tmp_path / "cache.sqlite"
    rules = tmp_path / "rules"
    shutil.copytree(SPOT_DATA, rules)
    assert extract(papers, rules_dir=rules, cache_path=cache).extracted == 10
    assert extract(papers, rules_dir=rules, cache_path=cache).extracted == 0
    vocab = rules / "vocab.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert extract(papers, rules_dir=rules, cache_path=cache).extracted == 10


def test_lexicon_and_curation_edits_reuse_the_cache(tmp_path, seed_papers):
    papers = seed_papers[:10]
    cache = tmp_path / "cache.sqlite"
    before = extract(papers, cache_path=cache)
    assert before.extracted == 10
    name = before.resolution.mentions[0].text

    curated = Resolver(settings=replace(CorpusSettings.load(), not_names=CorpusSettings.load().not_names | {name.lower()}))
    after_curation = extract(papers, resolver=curated, cache_path=cache)
    assert (after_curation.extracted, after_curation.cached) == (0, 10)
    assert name not in {m.text for m in after_curation.resolution.mentions}

    shipped = Lexicon.load()
    lexicon = Lexicon([*shipped.entries.values(), *lexicon_of(("Frobnicated Papers", "task", "lower", "")).entries.values()])
    marked = [replace(papers[0], abstract=papers[0].abstract + " We study frobnicated papers.")] + papers[1:]
    extract(marked, cache_path=cache)
    after_lexicon = extract(marked, resolver=Resolver(lexicon=lexicon), cache_path=cache)
    assert after_lexicon.extracted == 0
    assert "frobnicated paper" in after_lexicon.resolution.concepts


_SLOW_BUILD = """
import sys, threading
from pathlib import Path
import kg.build as b, kg.extract.run as e
e.SHARD_SIZE = 4
spot, done = e.spot_shard, []
def stalled(shard):  # three shards go through, then the build waits to be killed
    if len(done) == 3:
        threading.Event().wait()
    done.append(shard)
    return spot(shard)
e.spot_shard = stalled
b.build([Path(sys.argv[1])], Path(sys.argv[2]), formats=("json",), cache_path=Path(sys.argv[3]))
"""


def test_a_build_killed_mid_way_then_rerun_equals_an_uninterrupted_one(tmp_path, small_shards, single_process):
    cache = tmp_path / "cache.sqlite"
    process = subprocess.Popen([sys.executable, "-c", _SLOW_BUILD, str(SEEDS), str(tmp_path / "killed"), str(cache)],
                               cwd=ROOT)
    assert wait_for(lambda: cached_records(cache) >= 12 or process.poll() is not None, interval=0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = cached_records(cache)
    assert 12 <= kept < SEED_PAPERS and kept % 4 == 0  # whole shards only
    assert not (tmp_path / "killed" / "graph.json").exists()

    rerun = run_build([SEEDS], tmp_path / "rerun", cache_path=cache)
    assert (rerun.extracted, rerun.cached) == (SEED_PAPERS - kept, kept)
    assert built_bytes(tmp_path / "rerun") == single_process  # the uninterrupted build's bytes


# --- Neo4j bulk-import CSVs -------------------------------------------------------------------

_PARSERS = {"long": int, "double": float, "boolean": lambda text: text == "true", "string": str}


def load_bulk_csv(folder: Path) -> tuple[dict, dict]:
    """The files read as neo4j-admin reads them: {(label set, id): properties} and
    {(start, type, end): properties}. An empty cell is no property."""
    nodes, relations = {}, {}
    for name in FILES.values():
        with open(folder / name, encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            for row in rows:
                props, special = {}, {}
                for column, cell in zip(header, row):
                    name_part, _, kind = column.partition(":")
                    if not name_part:
                        special[kind] = cell
                        continue
                    if kind.startswith("ID("):
                        special["ID"] = cell
                        kind = "string"
                    if cell == "":
                        continue
                    parse = _PARSERS[kind.removesuffix("[]") or "string"]
                    props[name_part] = [parse(i) for i in cell.split(ARRAY_DELIMITER)] if kind.endswith("[]") else parse(cell)
                if "LABEL" in special:
                    nodes[(frozenset(special["LABEL"].split(ARRAY_DELIMITER)), special["ID"])] = props
                else:
                    relations[(special[next(k for k in special if k.startswith("START_ID"))], special["TYPE"],
                               special[next(k for k in special if k.startswith("END_ID"))])] = props
    return nodes, relations


def _expected_import(graph: nx.MultiDiGraph) -> tuple[dict, dict]:
    """What an import of ``graph`` holds: lists that an array cell cannot carry are absent."""
    def stored(attrs):
        return {k: v for k, v in attrs.items() if k != "kind" and imported_properties({k: v})}

    from kg.schema import NODE_KEYS, node_labels

    nodes = {(frozenset(node_labels(a)), a[NODE_KEYS[a["kind"]]]): stored(a) for _, a in graph.nodes(data=True)}
    relations = {(graph.nodes[s].get("id"), key, graph.nodes[t].get("id", graph.nodes[t].get("key"))): stored(a)
                 for s, t, key, a in graph.edges(keys=True, data=True)}
    return nodes, relations


@pytest.fixture(scope="module")
def bulk_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("bulk")
    graph, summary = build([SEEDS], out, formats=("json", "neo4j-csv"))
    only_csv, csv_summary = build([SEEDS], out / "only", formats=("neo4j-csv",))
    return graph, summary, out, only_csv, csv_summary


def test_bulk_csvs_hold_what_the_regular_export_holds(bulk_build):
    graph, summary, out, _, _ = bulk_build
    nodes, relations = load_bulk_csv(out / BULK_CSV_FOLDER)
    expected_nodes, expected_relations = _expected_import(graph)
    assert (len(nodes), len(relations)) == (graph.number_of_nodes(), graph.number_of_edges())
    assert nodes == expected_nodes
    assert relations == expected_relations
    assert any(line.endswith(IMPORT_COMMAND) for line in summary.lines())


def test_bulk_csvs_alone_need_no_graph_and_are_the_same_bytes(bulk_build):
    _, summary, out, only_csv, csv_summary = bulk_build
    assert only_csv is None and "assemble" not in csv_summary.seconds
    assert csv_summary.edges == summary.edges
    for name in FILES.values():
        assert (out / "only" / BULK_CSV_FOLDER / name).read_bytes() == \
            (out / BULK_CSV_FOLDER / name).read_bytes()


def _import_tool_classpath() -> str | None:
    """Neo4j's jars (neo4j-harness, where ``python -m kg.neo4j.server fetch`` puts them, or a
    folder named by KG_NEO4J_LIB), if they hold the import tool."""
    folder = Path(os.environ.get("KG_NEO4J_LIB") or LIB)
    return f"{folder}/*" if glob.glob(str(folder / "neo4j-import-tool-*.jar")) and shutil.which("java") else None


def test_neo4j_admin_imports_the_bulk_csvs_with_the_regular_counts(bulk_build, tmp_path):
    classpath = _import_tool_classpath()
    if classpath is None:
        reason = "Neo4j's import tool is not fetched (make neo4j-jars, or KG_NEO4J_LIB)"
        pytest.fail(reason) if neo4j_required() else pytest.skip(reason)
    graph, _, out, _, _ = bulk_build
    home = tmp_path / "neo4j-home"
    (home / "conf").mkdir(parents=True)
    command = ["java", "-Xmx1g", "-cp", classpath, "org.neo4j.cli.AdminTool", *IMPORT_COMMAND.split()[1:]]
    result = subprocess.run(command, cwd=out / BULK_CSV_FOLDER, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    expected_nodes, expected_relations = _expected_import(graph)
    properties = sum(map(len, expected_nodes.values())) + sum(map(len, expected_relations.values()))
    imported = result.stdout[result.stdout.index("Imported:"):]
    assert f"{graph.number_of_nodes()} nodes" in imported
    assert f"{graph.number_of_edges()} relationships" in imported
    assert f"{properties} properties" in imported


# --- large graphs -----------------------------------------------------------------------------


_PAGE_OF_A_PART = """
import sys
from pathlib import Path
import kg.build as b, kg.export.html.page as h, kg.export.html.selection as s
s.AUTOMATIC_NODE_LIMIT, s.AUTOMATIC_TOP = 100, 20
h.PHYSICS_NODE_LIMIT = 10  # a precomputed layout, which depends on node order
b.build([Path(sys.argv[1])], Path(sys.argv[2]), formats=("html",))
"""


def test_the_page_of_a_part_is_the_same_bytes_in_every_process(tmp_path):
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", _PAGE_OF_A_PART, str(SEEDS), str(tmp_path / seed)], cwd=ROOT, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
    assert (tmp_path / "1" / "graph.html").read_bytes() == (tmp_path / "2" / "graph.html").read_bytes()


# --- the command line -------------------------------------------------------------------------


def test_kg_build_keeps_a_cache_in_the_output_folder_and_says_what_came_from_it(tmp_path):
    from test_cli import kg

    def kg_build(*args):
        return kg("build", "--out", str(tmp_path), "-q", *args)

    first = kg_build("--jobs", "1")
    assert first.returncode == 0, first.stderr
    assert f"extraction: {SEED_PAPERS} papers extracted, 0 from the cache" in first.stdout
    assert (tmp_path / ".kg-cache.sqlite").exists()
    second = kg_build("--jobs", "2", "--only", "json")
    assert f"extraction: 0 papers extracted, {SEED_PAPERS} from the cache" in second.stdout
    assert f"extraction: {SEED_PAPERS} papers extracted" in kg_build("--no-cache", "--only", "json").stdout
    assert kg_build("--no-cache", "--cache", str(tmp_path / "c.sqlite")).returncode == 2
