"""Export: the canonical graph → files (GraphML, node-link JSON, the HTML page), and those
files read back. Each format's writer and reader sit in one module (as in NetworkX's
``readwrite``); every file appears atomically (:mod:`kg.export.files`). Neo4j is a sink too,
in :mod:`kg.neo4j`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import networkx as nx

from kg.export.display import ExportOptions

EXPORTS = ("graphml", "json", "html")
"""The default file exports of the assembled graph."""
FILE_EXPORTS = ("graphml", "json", "html", "gexf", "cyjs", "csv")
"""Every file export ``kg build --only`` and ``kg export files --only`` choose from."""
EXPORT_FILES = {"graphml": "graph.graphml", "json": "graph.json", "html": "graph.html", "gexf": "graph.gexf",
                "cyjs": "graph.cyjs", "csv": "nodes.csv + edges.csv"}


def write_exports(graph: nx.MultiDiGraph, out_dir: Path, formats: Iterable[str] = EXPORTS,
                  title: str = "kg graph", page=None, options: ExportOptions = ExportOptions()) -> list[Path]:
    """Write the chosen exports of ``graph`` into ``out_dir``; each file appears atomically.
    The HTML page shows ``page``, a :class:`kg.export.html.Selection` (default:
    :func:`kg.export.html.automatic_selection`); ``options`` (lean, min_papers) apply to the
    other files."""
    from kg.export.cyjs import write_cyjs
    from kg.export.gexf import write_gexf
    from kg.export.graphml import write_graphml
    from kg.export.html import automatic_selection, write_html
    from kg.export.node_link import write_node_link
    from kg.export.tables import write_tables

    writers: dict[str, Callable[[], list[Path]]] = {
        "graphml": lambda: [write_graphml(graph, out_dir / EXPORT_FILES["graphml"], options)],
        "json": lambda: [write_node_link(graph, out_dir / EXPORT_FILES["json"], options)],
        "html": lambda: [write_html(page or automatic_selection(graph), out_dir / EXPORT_FILES["html"], title=title)],
        "gexf": lambda: [write_gexf(graph, out_dir / EXPORT_FILES["gexf"], options)],
        "cyjs": lambda: [write_cyjs(graph, out_dir / EXPORT_FILES["cyjs"], options, title=title)],
        "csv": lambda: write_tables(graph, out_dir, options),
    }
    return [path for name in formats for path in writers[name]()]


def is_graph_file(path: Path) -> bool:
    """True for a graph ``kg build`` wrote (``.graphml``, or node-link ``.json``), False for paper input.

    A papers file can be ``.json`` too; the node-link writer starts every file with its
    ``directed``/``multigraph`` header, so the first bytes tell them apart without parsing it all.
    """
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        return True
    if suffix != ".json" or not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(256)
    return b'"multigraph"' in head and b'"nodes"' in head


def read_graph(path: Path) -> nx.MultiDiGraph:
    """The canonical graph stored in ``path`` (``.json`` node-link or ``.graphml``), checked
    against the schema."""
    from kg.export.graphml import read_graphml
    from kg.export.node_link import read_node_link

    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_node_link(path)
    if suffix == ".graphml":
        return read_graphml(path)
    raise ValueError("a graph is read from a .json (node-link) or .graphml file written by kg build")
