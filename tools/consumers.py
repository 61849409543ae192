"""What the JavaScript consumers make of kg's exports: Cytoscape.js and graphology, headless in Node.

    python tools/consumers.py fetch              # npm ci in tools/js (once; node_modules is git-ignored)
    python tools/consumers.py check FILE...      # what Cytoscape.js / graphology / graphology-gexf read
    python tools/consumers.py check --as=cytoscape graph.json   # force one reader

The checker is ``tools/js/check_exports.mjs`` (its head says what it reads and prints); the
packages are pinned in ``tools/js/package.json`` and ``package-lock.json``. ``make test`` runs
``fetch`` first. Tests call :func:`check_with_node`; the Gephi side is ``tools/gephi_toolkit.py``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tools" / "js"
LOCK = JS / "package-lock.json"
MODULES = JS / "node_modules"
STAMP = MODULES / ".kg-installed-from-lock"
CHECKER = JS / "check_exports.mjs"
TIMEOUT_SECONDS = 300
READERS = ("cytoscape", "graphology", "gexf")


class NodeToolsUnavailable(RuntimeError):
    """Node, npm or the pinned packages cannot be had on this machine."""


class NodeCheckError(RuntimeError):
    """The checker ran but failed (not: a file a library rejected; that is a result)."""


def modules_installed() -> bool:
    """True when ``tools/js/node_modules`` was installed from the current lock file."""
    return STAMP.is_file() and STAMP.read_bytes() == LOCK.read_bytes()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise NodeToolsUnavailable(f"{name} is needed for the Cytoscape.js/graphology checks and is not on PATH "
                                   "(Node 18+, e.g. apt-get install nodejs npm)")
    return path


def fetch_node_modules(quiet: bool = True) -> Path:
    """``npm ci`` in ``tools/js`` from its lock file, once (the stamp is a copy of the lock)."""
    if modules_installed():
        return MODULES
    npm = _tool("npm")
    _tool("node")
    command = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", *(["--silent"] if quiet else [])]
    if subprocess.run(command, cwd=JS).returncode != 0:
        raise NodeToolsUnavailable("npm ci failed in tools/js (run `python tools/consumers.py fetch` to see why)")
    STAMP.write_bytes(LOCK.read_bytes())
    return MODULES


def ensure() -> None:
    """Raise :class:`NodeToolsUnavailable` unless Node is there and the packages are (or can be) installed."""
    _tool("node")
    fetch_node_modules()


def check_with_node(paths: list[str | Path], reader: str | None = None) -> dict:
    """What Cytoscape.js (``.cyjs``, ``{"elements": ...}``), graphology (its own JSON) or
    graphology-gexf (``.gexf``) make of each file: ``{"results": [one dict per file, in order]}``.

    A file a library rejects gives a result with ``error`` (the library's message), not an exception.
    ``reader`` forces one of ``cytoscape``, ``graphology``, ``gexf`` for every file.
    """
    if reader is not None and reader not in READERS:
        raise ValueError(f"reader must be one of {READERS}, not {reader!r}")
    for path in paths:
        if not Path(path).is_file():
            raise FileNotFoundError(f"no such file: {path}")
    node = _tool("node")
    fetch_node_modules()
    command = [node, str(CHECKER), *([f"--as={reader}"] if reader else []), *map(str, paths)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        raise NodeCheckError(f"check_exports.mjs did not finish in {TIMEOUT_SECONDS} s") from error
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise NodeCheckError(f"check_exports.mjs failed (exit {done.returncode}): {last}")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="npm ci in tools/js (once)")
    checking = commands.add_parser("check", help="print what Cytoscape.js / graphology read from each FILE")
    checking.add_argument("--as", dest="reader", choices=READERS, help="use this reader for every file")
    checking.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            print(fetch_node_modules(quiet=False))
        else:
            print(json.dumps(check_with_node(args.files, args.reader), indent=1, ensure_ascii=False))
        return 0
    except (NodeToolsUnavailable, NodeCheckError, FileNotFoundError, ValueError) as error:
        print(f"consumers: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
