"""How fast is ``kg export neo4j``? Median of a few exports, and the ratio to a naive loader.

    python benchmarks/neo4j_export.py                     # the seeds/ graph
    python benchmarks/neo4j_export.py --papers 10000      # the first 10,000 corpus abstracts

Each run empties the database, then times :func:`kg.neo4j.sync.export_graph` (constraints,
the read of what the database holds, then batched UNWIND … CREATE, two transactions in
flight). Two more figures, median of as many runs: the same load with one stale kg node left
in the emptied database (read, remove it, create the rest), and a re-export of the unchanged
graph (read and compare, nothing written). The naive loader has the same constraints but sends
one auto-commit transaction per relationship (MATCH both ends, CREATE, SET), timed on a sample
of relationships deleted for the purpose.

Uses the server NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD names, else starts the local one
(kg/neo4j/server.py). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import secrets
import statistics
import sys
import time
from contextlib import ExitStack
from itertools import islice
from pathlib import Path

import networkx as nx
from neo4j import Driver, GraphDatabase

ROOT = Path(__file__).resolve().parent.parent

from kg.build import assemble, graph_of  # noqa: E402
from kg.extract import extract  # noqa: E402
from kg.neo4j.connection import Neo4jTarget  # noqa: E402
from kg.neo4j.server import LocalNeo4j  # noqa: E402
from kg.neo4j.sync import BATCH_SIZE, export_graph, graph_relationships, relationship_create_cypher  # noqa: E402
from kg.read import ReadLog  # noqa: E402
from kg.read.formats import parse_jsonl  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"


def corpus_graph(papers: int) -> nx.MultiDiGraph:
    """The graph of the corpus's first ``papers`` abstracts (0: the seeds/ sample)."""
    if papers == 0:
        return graph_of([ROOT / "seeds"])
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = list(parse_jsonl(islice(lines, papers), str(CORPUS), ReadLog()))
    return assemble(extract(records))


def empty(driver: Driver, database: str) -> float:
    """Delete everything, in chunks so a large graph never needs one huge transaction; seconds taken."""
    started = time.perf_counter()
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    return time.perf_counter() - started


def server(stack: ExitStack) -> tuple[Neo4jTarget, Driver]:
    """The server NEO4J_URI names, else a local one started for the benchmark (stopped with
    ``stack``), and a driver for it."""
    target = Neo4jTarget.from_environment()
    if target is None:
        password = secrets.token_hex(12)
        local = stack.enter_context(LocalNeo4j.start(password, heap="2g", page_cache="1g"))
        target = Neo4jTarget(local.uri, local.user, password)
    return target, stack.enter_context(GraphDatabase.driver(target.uri, auth=(target.user, target.password)))


def naive_load(driver: Driver, target: Neo4jTarget, graph: nx.MultiDiGraph, rows: int) -> float:
    """Relationships per second when each one is its own auto-commit transaction."""
    sample = [(relation, {"source": source, "target": target, "properties": properties})
              for (relation, source, target), properties in graph_relationships(graph).items()][:rows]
    with driver.session(database=target.database) as session:
        for relation, row in sample:  # remove them, so the naive loader creates what it loads
            session.run(f"MATCH (a {{id: $source}})-[r:`{relation}`]->(b) "
                        "WHERE coalesce(b.id, b.key) = $target DELETE r", row).consume()
        started = time.perf_counter()
        for relation, row in sample:
            session.run(relationship_create_cypher(relation), rows=[row]).consume()
        return len(sample) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=0, help="corpus abstracts to build from (0: seeds/)")
    parser.add_argument("--runs", type=int, default=3, help="timed exports (the median is reported)")
    parser.add_argument("--warmups", type=int, default=3,
                        help="untimed exports first (the server's JIT keeps speeding up for a few)")
    parser.add_argument("--naive-rows", type=int, default=2000, help="relationships the naive loader loads")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args()

    started = time.perf_counter()
    graph = corpus_graph(args.papers)
    build_seconds = time.perf_counter() - started
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()

    with ExitStack() as stack:
        target, driver = server(stack)
        for _ in range(args.warmups):  # JIT, query plans, page cache
            empty(driver, target.database)
            export_graph(graph, target, args.batch_size)
        seconds, sync_seconds = [], []
        for _ in range(args.runs):
            empty(driver, target.database)
            seconds.append(export_graph(graph, target, args.batch_size).seconds)
        for _ in range(args.runs):
            empty(driver, target.database)
            driver.execute_query("CREATE (:Paper {id: 'stale'})", database_=target.database)
            sync_seconds.append(export_graph(graph, target, args.batch_size).seconds)
        rerun = statistics.median(export_graph(graph, target, args.batch_size).seconds for _ in range(args.runs))
        naive = naive_load(driver, target, graph, args.naive_rows)
        export_graph(graph, target, args.batch_size)  # leave the database equal to the graph

    median = statistics.median(seconds)
    relationships_per_second = edges / median
    source = f"{args.papers} corpus abstracts" if args.papers else "seeds/"
    print(f"| graph | nodes | relationships | export s (median of {args.runs}) | rows/s | relationships/s "
          f"| naive rel/s | ratio | load beside a stale node s (rel/s) | unchanged re-export s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    sync = statistics.median(sync_seconds)
    print(f"| {source} | {nodes:,} | {edges:,} | {median:.2f} | {(nodes + edges) / median:,.0f} "
          f"| {relationships_per_second:,.0f} | {naive:,.0f} | {relationships_per_second / naive:.0f}× "
          f"| {sync:.2f} ({edges / sync:,.0f}) | {rerun:.2f} |")
    print(f"(graph built in {build_seconds:.0f} s; {args.warmups} warm-up exports; timed first loads: "
          f"{', '.join(f'{s:.2f}' for s in seconds)} s; loads beside a stale node: "
          f"{', '.join(f'{s:.2f}' for s in sync_seconds)} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
