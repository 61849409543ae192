"""Screenshot of the seed graph's page, taken by Debian's headless Chromium (for docs/).

Usage: .venv/bin/python tools/screenshot.py [OUT.png] [--select NODE] [--input PAPERS | --graph graph.json]
       [--title T] [--no-select] [--concepts]

(docs/sample-map.png: ``tools/screenshot.py docs/sample-map.png --input tests/data/corpus-sample.jsonl.gz
--title "kg: 1,000 corpus abstracts" --no-select``; docs/corpus-concepts.png: ``tools/screenshot.py
docs/corpus-concepts.png --graph BUILD/graph.json --concepts --no-select --title "kg: concept map, 74,728
abstracts"`` on the full corpus build.)

Builds the graph of seeds/ in memory, renders its page, waits until the layout has settled,
selects a paper (default: the one with most concepts) so the side panel shows its abstract,
and saves a PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import graph_of  # noqa: E402
from kg.export import read_graph  # noqa: E402
from kg.export.html import automatic_selection, concept_map, write_html  # noqa: E402
from tools.browser import chromium, open_page  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description="Screenshot of the seed graph's page.")
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "graph.png")
    parser.add_argument("--select", help="node id to open in the side panel")
    parser.add_argument("--input", type=Path, default=ROOT / "seeds", help="papers to build the page of")
    parser.add_argument("--title", default="kg: seed papers")
    parser.add_argument("--graph", type=Path, help="a built graph.json to show (instead of building --input)")
    parser.add_argument("--no-select", action="store_true", help="open no node: the map as it first shows")
    parser.add_argument("--concepts", action="store_true", help="the concept map (kg html --concepts)")
    args = parser.parse_args()
    graph = read_graph(args.graph) if args.graph else graph_of([args.input])
    selection = concept_map(graph) if args.concepts else automatic_selection(graph)
    node = args.select or max((n for n, kind in graph.nodes(data="kind") if kind == "Paper"),
                              key=lambda n: (graph.out_degree(n), n))
    with tempfile.TemporaryDirectory() as folder, chromium(viewport={"width": 1600, "height": 1000}) as context:
        page, log = open_page(context, write_html(selection, Path(folder) / "graph.html", title=args.title))
        if not args.no_select:
            # selecting centres the node (animated), then back to the whole graph: wait for the renderer's events
            page.evaluate("id => new Promise(done => { kg.network.once('animationFinished', done); kg.select(id); })", node)
        page.evaluate("() => new Promise(done => { kg.network.stopSimulation(); kg.network.fit();"
                      " kg.network.once('afterDrawing', done); kg.network.redraw(); })")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        if log.page_errors or log.console_errors or log.blocked_requests:
            print(f"the page misbehaved: {log}", file=sys.stderr)
            return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
