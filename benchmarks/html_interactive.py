"""How fast a page of a large graph becomes interactive in headless Chromium.

Builds the graph of the first N abstracts of the shared arXiv corpus (or reads a built
graph.json), renders the page with ``--top`` as ``kg html`` would, and opens it R times, each
in a fresh Chromium (Debian's, via Playwright, network blocked). Per run it reports, in ms
from navigation start:

- ready: the page's script has built the network and vis.js has drawn it once;
- answered: the page has answered a first search (centred a concept, filled the side panel),
  which cannot happen before the main thread is free: the honest "interactive" time;

and, once, what the fitted view draws: nodes, clusters, node labels and cluster names.
``--view concepts`` measures the concept map (``kg html --concepts``) instead, ``both`` both.

Usage (from the repository root, after ``make setup``)::

    .venv/bin/python benchmarks/html_interactive.py                 # 5000 abstracts, --top 1000
    .venv/bin/python benchmarks/html_interactive.py --top 1500 --runs 7
    .venv/bin/python benchmarks/html_interactive.py --graph exports/graph.json
    .venv/bin/python benchmarks/html_interactive.py --graph BUILD75K/graph.json --view both
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import graph_of  # noqa: E402
from kg.export import read_graph  # noqa: E402
from kg.export.html import concept_map, select, write_html  # noqa: E402
from kg.schema import PAPER  # noqa: E402
from tools.browser import chromium, open_page  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"
LIMIT_MS = 5000


def first_records(corpus: Path, count: int, folder: Path) -> Path:
    """The first ``count`` lines of a .jsonl.gz corpus as a file of their own."""
    path = folder / f"first-{count}.jsonl"
    with gzip.open(corpus, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as target:
        target.writelines(itertools.islice(source, count))
    return path


def build(args: argparse.Namespace, folder: Path):
    if args.graph:
        return read_graph(args.graph)
    started = time.perf_counter()
    graph = graph_of([first_records(args.corpus, args.papers, folder)])
    papers = [node for node, kind in graph.nodes(data="kind") if kind == PAPER.name]
    print(f"built the graph of {len(papers)} papers in {time.perf_counter() - started:.1f} s: "
          f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    return graph


FITTED_COUNTS = """() => new Promise(done => { kg.network.fit(); kg.network.once('afterDrawing', () => done({
    nodes: kg.network.body.nodeIndices.length,
    clusters: JSON.parse(document.getElementById('kg-data').textContent).clusters.length,
    labels: kg.labels.filter(l => l.kind === 'node').length,
    names: kg.labels.filter(l => l.kind === 'cluster').length})); kg.network.redraw(); })"""


def drawn(page_path: Path) -> dict:
    """What the page draws at the fitted zoom."""
    with chromium(viewport={"width": 1600, "height": 1000}) as context:
        page, _ = open_page(context, page_path, timeout_ms=120_000)
        return page.evaluate(FITTED_COUNTS)


def measure(page_path: Path, query: str) -> tuple[float, float]:
    """(ready, answered) in ms from navigation start, in a fresh browser."""
    with chromium() as context:
        page, log = open_page(context, page_path, timeout_ms=120_000)
        answered = page.evaluate("q => { kg.search(q); return performance.now(); }", query)
        ready = page.evaluate("kg.readyAt")
        if log.page_errors or log.console_errors or log.blocked_requests:
            raise RuntimeError(f"the page misbehaved: {log}")
        return ready, answered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--papers", type=int, default=5000, help="abstracts read from the corpus")
    parser.add_argument("--graph", type=Path, help="a built graph.json to use instead of building")
    parser.add_argument("--top", type=int, default=1000, help="most connected papers the page keeps (0: all)")
    parser.add_argument("--view", choices=["papers", "concepts", "both"], default="papers")
    parser.add_argument("--concepts", type=int, default=300, help="concepts the concept map draws")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="also copy the page here")
    args = parser.parse_args()

    failed = False
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        folder = Path(tmp)
        graph = build(args, folder)
        for view in (["papers", "concepts"] if args.view == "both" else [args.view]):
            failed |= not measure_view(graph, view, args, folder)
    return 1 if failed else 0


def measure_view(graph, view: str, args: argparse.Namespace, folder: Path) -> bool:
    """Render one view's page, open it ``args.runs`` times; print the figures; within the goal?"""
    started = time.perf_counter()
    selection = concept_map(graph, top=args.concepts) if view == "concepts" else select(graph, top=args.top or None)
    keep = args.keep.with_name(f"{args.keep.stem}-{view}.html") if args.keep else folder / f"{view}.html"
    page_path = write_html(selection, keep, title="benchmark")
    render_s = time.perf_counter() - started
    shown = selection.shown
    print(f"--- {view} view: {selection.summary()}")
    print(f"page: {page_path.stat().st_size / 1e6:.2f} MB, rendered in {render_s:.1f} s "
          f"({shown.papers + shown.concepts} nodes, {shown.edges} edges)")
    seen = drawn(page_path)
    print(f"fitted view draws {seen['nodes']} nodes in {seen['clusters']} clusters; {seen['labels']} node labels "
          f"and {seen['names']} cluster names")
    query = max((attrs for _, attrs in selection.graph.nodes(data=True) if attrs["kind"] == "Concept"),
                key=lambda attrs: (attrs["paper_count"], attrs["name"]))["name"]
    runs = [measure(page_path, query) for _ in range(args.runs)]
    for index, (ready, answered) in enumerate(runs, 1):
        print(f"run {index}: ready {ready:.0f} ms, answered a search {answered:.0f} ms")
    ready = statistics.median(r for r, _ in runs)
    answered = statistics.median(a for _, a in runs)
    verdict = "within" if answered <= LIMIT_MS else "OVER"
    print(f"median of {len(runs)}: ready {ready:.0f} ms, interactive (answered a search) {answered:.0f} ms "
          f"— {verdict} the {LIMIT_MS / 1000:.0f} s goal")
    return answered <= LIMIT_MS

if __name__ == "__main__":
    sys.exit(main())
