"""The two query engines side by side on a built graph: load time, size, open time, and every
named query's median latency.

    python benchmarks/query_engines.py GRAPH.json [--runs 5] [--heap 4g]

GRAPH.json is a graph ``kg build`` wrote (e.g. ``kg build corpus-20k.jsonl.gz --out b20k --only json``).
Embedded: the database is built afresh from GRAPH.json (:func:`kg.query.embedded.ensure_database`,
reading the JSON included), its file size, the median time to open it, then each query.
Neo4j: the local server (:mod:`kg.neo4j.server`) started, the graph exported into it over Bolt
(:func:`kg.neo4j.sync.export_graph`, reading the JSON included), then each query. Each query
runs once to warm up, then ``--runs`` times; a query slower than ``--timeout`` seconds is
reported as such. The examples are each query's documented ones, except paper ids, which are
taken from the graph (a pair of papers that RELATED_TO links). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path

from neo4j import GraphDatabase, Query

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.export import read_graph  # noqa: E402
from kg.neo4j.connection import Neo4jTarget  # noqa: E402
from kg.neo4j.queries import Neo4jEngine  # noqa: E402
from kg.neo4j.server import LocalNeo4j  # noqa: E402
from kg.neo4j.sync import export_graph  # noqa: E402
from kg.query.embedded import EmbeddedEngine, database_path, ensure_database  # noqa: E402
from kg.query.library import load_queries  # noqa: E402
from kg.query.run import resolved  # noqa: E402

PAPER_PARAMETERS = ("paper", "from", "to")


def timed(function, runs: int) -> tuple[float, object]:
    function()  # warm-up
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def examples(engine, queries) -> dict[str, dict]:
    pair = engine.run("MATCH (p:Paper)-[r:RELATED_TO]->(q:Paper) RETURN p.id, q.id ORDER BY r.weight DESC, p.id LIMIT 1",
                      {}).rows[0]
    out = {}
    for name, query in queries.items():
        given = {p.name: p.value for p in query.parameters if p.required}
        for parameter, value in zip(PAPER_PARAMETERS, (pair[0], pair[0], pair[1])):
            if parameter in given:
                given[parameter] = value
        out[name] = resolved(engine, query, query.bind(given))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--heap", default="4g", help="Neo4j's Java heap (default 4g)")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    queries = load_queries()
    rows = {}

    database_path(args.graph).unlink(missing_ok=True)
    started = time.perf_counter()
    path = ensure_database(args.graph)
    embedded_load = time.perf_counter() - started
    embedded_size = path.stat().st_size
    open_time, _ = timed(lambda: EmbeddedEngine(args.graph).close(), args.runs)
    with EmbeddedEngine(args.graph) as engine:
        values = examples(engine, queries)
        for name, query in queries.items():
            latency, result = timed(lambda: engine.run(query.text_for(engine.name), values[name]), args.runs)
            rows[name] = [latency, len(result.rows)]
    print(f"embedded: load {embedded_load:.1f} s, file {embedded_size / 1e6:.0f} MB, open {open_time * 1000:.0f} ms",
          file=sys.stderr, flush=True)

    password = secrets.token_hex(12)
    started = time.perf_counter()
    with LocalNeo4j.start(password, heap=args.heap, page_cache="2g") as server:
        server_start = time.perf_counter() - started
        target = Neo4jTarget(server.uri, server.user, password)
        started = time.perf_counter()
        export_graph(read_graph(args.graph), target, show_progress=False)
        neo4j_load = time.perf_counter() - started
        with GraphDatabase.driver(server.uri, auth=(server.user, password), notifications_min_severity="OFF") as driver:
            engine = Neo4jEngine(driver, target.database)
            for name, query in queries.items():
                def run(text=query.text_for(engine.name), parameters=values[name]):
                    return driver.execute_query(Query(text, timeout=args.timeout), parameters,
                                                database_=target.database)[0]
                try:
                    latency, result = timed(run, args.runs)
                    rows[name] += [latency, len(result)]
                except Exception as error:  # a timeout or the heap: reported, not fatal
                    rows[name] += [None, type(error).__name__]
    print(f"neo4j: server start {server_start:.1f} s, export over Bolt {neo4j_load:.1f} s", file=sys.stderr)

    def ms(value):
        return "—" if value is None else f"{value * 1000:,.1f}"

    print(f"\n{args.graph}: embedded load {embedded_load:.1f} s (from graph.json), file {embedded_size / 1e6:.0f} MB, "
          f"open {open_time * 1000:.0f} ms; Neo4j start {server_start:.1f} s, load {neo4j_load:.1f} s over Bolt"
          + "\n")
    print("| query | embedded ms (median) | rows | Neo4j ms (median) | rows | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (e_ms, e_rows, n_ms, n_rows) in rows.items():
        ratio = f"{n_ms / e_ms:.1f}" if e_ms and n_ms else "—"
        print(f"| {name} | {ms(e_ms)} | {e_rows} | {ms(n_ms)} | {n_rows} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
