"""kg: knowledge graphs of machine-learning literature.

The Python API, for notebooks and scripts (everything else is internal)::

    import kg
    graph = kg.read_graph("exports/graph.json")        # a networkx.MultiDiGraph, checked against kg.schema
    graph = kg.build_graph(["papers.jsonl"])           # or build one in memory from paper files
    kg.write_exports(graph, "out", ["gexf", "csv"], options=kg.ExportOptions(lean=True, min_papers=2))

Nodes are ``paper:<id>`` / ``concept:<key>`` with ``kind`` and the properties ``kg schema``
lists; each edge's key is its relation (``USES``, ``RELATED_TO`` …).
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["ExportOptions", "build_graph", "read_graph", "write_exports"]


def read_graph(path):
    """The graph in a ``graph.json`` or ``graph.graphml`` kg wrote (lean files too)."""
    from pathlib import Path

    from kg.export import read_graph as read

    return read(Path(path))


def build_graph(inputs, fmt: str | None = None, fields: dict[str, str] | None = None):
    """The graph of paper files or folders (any format ``kg build`` reads), built in memory."""
    from kg.build import graph_of

    return graph_of(list(inputs), fmt, fields)


def write_exports(graph, out_dir, formats=("graphml", "json", "html"), options=None):
    """Write ``formats`` (graphml, json, html, gexf, cyjs, csv) of ``graph`` into ``out_dir``; the paths."""
    from pathlib import Path

    from kg.export import write_exports as write
    from kg.export.display import ExportOptions as Options

    return write(graph, Path(out_dir), list(formats), options=options or Options())


def __getattr__(name: str):
    if name == "ExportOptions":
        from kg.export.display import ExportOptions

        return ExportOptions
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
