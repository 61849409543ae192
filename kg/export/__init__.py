"""Export: the canonical graph → files (GraphML, node-link JSON, the HTML page), and those
files read back. Each format's writer and reader sit in one module (as in NetworkX's
``readwrite``); every file appears atomically (:mod:`kg.export.files`). Neo4j is a sink too,
in :mod:`kg.neo4j`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Mapping

import networkx as nx

from kg.export.display import ExportOptions

EXPORTS = ("graphml", "json", "html")
"""The default file exports of the assembled graph."""
FILE_EXPORTS = ("graphml", "json", "html", "gexf", "cyjs", "csv")
"""Every file export ``kg build --only`` and ``kg export files --only`` choose from."""
EXPORT_FILES = {"graphml": "graph.graphml", "json": "graph.json", "html": "graph.html", "gexf": "graph.gexf",
                "cyjs": "graph.cyjs", "csv": "nodes.csv + edges.csv"}


def write_exports(graph: nx.MultiDiGraph | None, out_dir: Path, formats: Iterable[str] = EXPORTS,
                  title: str = "kg graph", page=None, options: ExportOptions = ExportOptions(),
                  extra: Mapping[str, Callable[[Path], object]] | None = None, processes: int = 1) -> list[Path]:
    """Write the chosen exports of ``graph`` into ``out_dir``; the set appears at once (every
    file, or on failure none, replaces the previous one). The HTML page shows ``page``, a
    :class:`kg.export.html.Selection` (default: :func:`kg.export.html.automatic_selection`);
    ``options`` (lean, min_papers) apply to the other files. ``extra``: more files of the same
    set, each name with the function that writes it at the path it is given (the build's record
    of its papers); with no ``formats``, ``graph`` may be None. ``processes``: how many files
    are written at once, the first here and the others in forked processes
    (:func:`kg.parallel.run_forked`); the bytes do not depend on it."""
    from functools import partial

    from kg.export.cyjs import write_cyjs
    from kg.export.gexf import write_gexf
    from kg.export.graphml import write_graphml
    from kg.export.html import automatic_selection, write_html
    from kg.export.node_link import write_node_link
    from kg.export.tables import EDGES_FILE, NODES_FILE, write_tables

    from kg.errors import OutputError
    from kg.export.files import PENDING, commit_exports, recover_exports, staged_path
    from kg.parallel import ForkedTaskDied, run_forked

    writers: dict[str, tuple[tuple[str, ...], Callable[..., object]]] = {
        "graphml": ((EXPORT_FILES["graphml"],), lambda path: write_graphml(graph, path, options)),
        "json": ((EXPORT_FILES["json"],), lambda path: write_node_link(graph, path, options)),
        "html": ((EXPORT_FILES["html"],),
                 lambda path: write_html(page or automatic_selection(graph), path, title=title)),
        "gexf": ((EXPORT_FILES["gexf"],), lambda path: write_gexf(graph, path, options)),
        "cyjs": ((EXPORT_FILES["cyjs"],), lambda path: write_cyjs(graph, path, options, title=title)),
        "csv": ((NODES_FILE, EDGES_FILE), lambda nodes, edges: write_tables(graph, nodes, edges, options)),
    }
    chosen = [writers[name] for name in formats] + [((name,), write) for name, write in (extra or {}).items()]
    # every file is written first under its staged name, and the whole set renamed into place at the end
    pairs = [(staged_path(out_dir / name), out_dir / name) for names, _ in chosen for name in names]
    tasks = [partial(write, *(staged_path(out_dir / name) for name in names)) for names, write in chosen]
    recover_exports(out_dir)
    try:
        run_forked(tasks, processes)
        commit_exports(out_dir, pairs)
    except BaseException as error:
        if not (out_dir / PENDING).exists():  # a committed set is finished by the next recover_exports
            recover_exports(out_dir)  # the staged files, and what writers stopped midway left
        if isinstance(error, OSError):
            raise OutputError(f"{out_dir}: cannot write the exports: {error.strerror or error}; "
                              "the previous exports are unchanged") from error
        if isinstance(error, ForkedTaskDied):
            raise OutputError(f"{out_dir}: a process writing the exports stopped (killed, or out of memory?); "
                              "the previous exports are unchanged") from error
        raise
    return [target for _, target in pairs]


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

    import xml.etree.ElementTree as ElementTree

    from kg.errors import GraphFileError, KgError

    readers = {".json": read_node_link, ".graphml": read_graphml}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise GraphFileError(f"{path}: a graph is read from a .json (node-link) or .graphml file written by kg build")
    from kg.export.files import PENDING, recover_exports

    try:
        if (path.parent / PENDING).exists():  # a build stopped while renaming its set: finish it first
            recover_exports(path.parent)
        return reader(path)
    except OSError as error:
        raise GraphFileError(f"{path}: cannot read: {error.strerror or error}") from error
    except KgError as error:
        raise GraphFileError(f"{path}: not a graph kg build wrote: {error}") from error
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError, ElementTree.ParseError,
            nx.NetworkXError) as error:  # another tool's file, or a damaged one: say what broke, never a traceback
        reason = f"{type(error).__name__}: {error}" if isinstance(error, (KeyError, IndexError)) else str(error)
        raise GraphFileError(f"{path}: not a graph kg build wrote ({reason or type(error).__name__})") from error
