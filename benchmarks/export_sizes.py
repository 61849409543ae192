"""Export sizes and write times of the 75k build: full, --lean and --min-papers 2.

    .venv/bin/python benchmarks/export_sizes.py [--cache /tmp/kg-scale/cache.sqlite] [--work /tmp/kg-exports]

Builds the graph of the whole corpus once (stage 1 from the cache a previous build filled, e.g.
``benchmarks/scale.py full`` or any ``kg build CORPUS --cache``), then writes every file export
(graphml, json, gexf, cyjs, csv) with each option set and times each writer. Prints a Markdown
table and appends the figures as JSON to WORK/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import kg.export.cyjs  # noqa: F401  the writers, imported now: editing the tree during the long run changes nothing
import kg.export.gexf  # noqa: F401
import kg.export.graphml  # noqa: F401
import kg.export.node_link  # noqa: F401
import kg.export.tables  # noqa: F401
from kg.build import assemble
from kg.export import write_exports
from kg.export.display import ExportOptions
from kg.extract import extract
from kg.read import ReadLog, read_papers

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"
FORMATS = ("graphml", "json", "gexf", "cyjs", "csv")
VARIANTS = {"full": ExportOptions(), "--lean": ExportOptions(lean=True), "--min-papers 2": ExportOptions(min_papers=2),
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/kg-scale/cache.sqlite"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-exports"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    started = time.perf_counter()
    graph = assemble(extract(read_papers([args.corpus], ReadLog()), cache_path=args.cache))
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges "
          f"in {time.perf_counter() - started:.0f} s", flush=True)
    rows = []
    for variant, options in VARIANTS.items():
        out = args.work / variant.replace("-", "").replace(" ", "_")
        for name in FORMATS:
            started = time.perf_counter()
            paths = write_exports(graph, out, [name], options=options)
            seconds = time.perf_counter() - started
            size = sum(p.stat().st_size for p in paths)
            rows.append({"variant": variant, "format": name, "bytes": size, "seconds": round(seconds, 1)})
            print(f"| {variant} | {name} | {size / 1e6:,.1f} MB | {seconds:.1f} s |", flush=True)
            for path in paths:
                path.unlink()
    args.work.mkdir(parents=True, exist_ok=True)
    with (args.work / "results.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"rows": rows, "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}) + "\n")


if __name__ == "__main__":
    main()
