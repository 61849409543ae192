"""What does the Neo4j sync of a daily update write? The sync by difference against a full re-sync
and against the mark-and-sweep sync it replaced, on the same update.

    .venv/bin/python benchmarks/neo4j_update.py                       # 10,000 corpus abstracts + 50
    .venv/bin/python benchmarks/neo4j_update.py --papers 2000 --runs 1

Builds the graph of the corpus's first PAPERS abstracts (the base) and of the first PAPERS+ADDED
(the update: ADDED new papers), with one stage-1 cache, like a daily ``kg build`` would. Then, each
run starting from an emptied database (constraints kept):

- **difference** (this tree's :func:`kg.neo4j.sync.export_graph`): load the base, sync the
  update; its created / updated / removed counts and wall time; then one more sync of the
  update, which must write nothing;
- **full re-sync**: empty the database and load the update from scratch (this tree's loader);
- **mark-and-sweep** (the sync at ``--baseline``, default 866bb6a, before this change, run from
  ``git archive`` of that commit in a subprocess): load the base, sync the update. It SETs its
  export id on every element, so it writes them all; its summary's "updated" counts the
  elements whose properties changed.

Prints a Markdown table (medians of ``--runs``). Uses the server NEO4J_URI / NEO4J_USER /
NEO4J_PASSWORD names, else starts the local one (kg/neo4j/server.py).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import ExitStack
from io import BytesIO
from itertools import islice
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent

from kg.build import assemble  # noqa: E402
from kg.export.node_link import write_node_link  # noqa: E402
from kg.extract import extract  # noqa: E402
from kg.neo4j.connection import Neo4jTarget  # noqa: E402
from kg.neo4j.sync import export_graph  # noqa: E402
from kg.read import ReadLog  # noqa: E402
from kg.read.formats import parse_jsonl  # noqa: E402
from kg.schema import NODE_KINDS, RELATIONS  # noqa: E402
from neo4j_export import empty, server  # noqa: E402  (benchmarks/, the folder this script runs from)

CORPUS = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"
BASELINE = "866bb6a"

# Run inside the baseline's tree: load a graph file with its sync and print its summary as JSON.
BASELINE_SYNC = """
import json, sys
from pathlib import Path
from kg.export import read_graph
from kg.neo4j.connection import Neo4jTarget
from kg.neo4j.sync import export_graph
target = Neo4jTarget.from_environment()
summary = export_graph(read_graph(Path(sys.argv[1])), target)
print(json.dumps({"seconds": summary.seconds, **{change: dict(getattr(summary, change))
                  for change in ("created", "updated", "unchanged", "removed")}}))
"""


def build(papers: int, cache: Path) -> nx.MultiDiGraph:
    """The graph of the corpus's first ``papers`` abstracts (stage 1 from and into ``cache``)."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = list(parse_jsonl(islice(lines, papers), str(CORPUS), ReadLog()))
    return assemble(extract(records, cache_path=cache))


def baseline_tree(revision: str, folder: Path) -> Path:
    """The ``kg`` package of ``revision``, unpacked into ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "kg"], capture_output=True, check=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def baseline_sync(tree: Path, graph_file: Path, target: Neo4jTarget) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "NEO4J_URI": target.uri, "NEO4J_USER": target.user,
           "NEO4J_PASSWORD": target.password, "NEO4J_DATABASE": target.database}
    done = subprocess.run([sys.executable, "-c", BASELINE_SYNC, str(graph_file)], env=env, cwd=tree,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def totals(counts: dict, names) -> int:
    return sum(counts.get(name, 0) for name in names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000, help="corpus abstracts in the base build")
    parser.add_argument("--added", type=int, default=50, help="abstracts the update adds")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each sync (the median is reported)")
    parser.add_argument("--baseline", default=BASELINE, help="commit whose mark-and-sweep sync to compare with")
    args = parser.parse_args()

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-neo4j-update-")))
        started = time.perf_counter()
        base = build(args.papers, folder / "cache.sqlite")
        base_seconds = time.perf_counter() - started
        update = build(args.papers + args.added, folder / "cache.sqlite")
        update_seconds = time.perf_counter() - started - base_seconds
        graph_files = {"base": folder / "base.json", "update": folder / "update.json"}
        write_node_link(base, graph_files["base"])
        write_node_link(update, graph_files["update"])
        tree = baseline_tree(args.baseline, folder / "baseline")

        target, driver = server(stack)
        difference, rerun, full, swept = [], [], [], []
        for _ in range(args.runs):
            empty(driver, target.database)
            export_graph(base, target)
            difference.append(export_graph(update, target))
            rerun.append(export_graph(update, target))
            full_seconds = empty(driver, target.database)
            full.append(full_seconds + export_graph(update, target).seconds)
            empty(driver, target.database)
            baseline_sync(tree, graph_files["base"], target)
            swept.append(baseline_sync(tree, graph_files["update"], target))
        export_graph(update, target)  # leave the database equal to the update (it holds kg_build marks)

    nodes, relationships = update.number_of_nodes(), update.number_of_edges()
    last = difference[-1]
    print(f"base: {args.papers:,} abstracts, {base.number_of_nodes():,} nodes, {base.number_of_edges():,} "
          f"relationships (built in {base_seconds:.0f} s); update: +{args.added} abstracts, {nodes:,} nodes, "
          f"{relationships:,} relationships (built in {update_seconds:.0f} s, stage 1 cached)")
    print()
    print("| sync of the update | nodes created | updated | removed | relationships created | updated | removed "
          f"| relationships written | share | seconds (median of {args.runs}) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    written = sum(last.created[r] + last.updated[r] + last.removed[r] for r in RELATIONS)
    print(f"| difference (this tree) | {totals(last.created, NODE_KINDS)} | {totals(last.updated, NODE_KINDS)} "
          f"| {totals(last.removed, NODE_KINDS)} | {totals(last.created, RELATIONS)} "
          f"| {totals(last.updated, RELATIONS)} | {totals(last.removed, RELATIONS)} | {written:,} "
          f"| {written / relationships:.2%} | {statistics.median(s.seconds for s in difference):.2f} |")
    print(f"| full re-sync (empty, load) | {nodes:,} | 0 | all | {relationships:,} | 0 | all | {relationships:,} "
          f"| 100% | {statistics.median(full):.2f} |")
    old = swept[-1]
    print(f"| mark-and-sweep ({args.baseline}) | {totals(old['created'], NODE_KINDS)} "
          f"| {totals(old['updated'], NODE_KINDS)} (all {nodes:,} marked) | {totals(old['removed'], NODE_KINDS)} "
          f"| {totals(old['created'], RELATIONS)} | {totals(old['updated'], RELATIONS)} (all marked) "
          f"| {totals(old['removed'], RELATIONS)} | {relationships:,} | 100% "
          f"| {statistics.median(s['seconds'] for s in swept):.2f} |")
    print()
    print("difference runs: " + ", ".join(f"{s.seconds:.2f} s (read {s.read_seconds:.2f})" for s in difference)
          + f"; full re-syncs: {', '.join(f'{s:.2f}' for s in full)} s; mark-and-sweep: "
          + ", ".join(f"{s['seconds']:.2f}" for s in swept) + " s")
    print(f"difference per type: {'; '.join(last.lines()[:2])}")
    print("a second sync of the update wrote " + ", ".join(str(s.written) for s in rerun)
          + f" elements ({statistics.median(s.seconds for s in rerun):.2f} s, median)")
    same = all(s.created == last.created and s.updated == last.updated and s.removed == last.removed
               for s in difference)
    print(f"every difference run wrote the same counts: {same}")
    return 0 if same and not any(s.written for s in rerun) else 1


if __name__ == "__main__":
    sys.exit(main())
