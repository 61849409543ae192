"""What Gephi really makes of a graph file: the Gephi Toolkit 0.10.1, headless, from Python.

    python tools/gephi_toolkit.py fetch                 # the toolkit jar from Maven Central → .gephi/lib (once)
    python tools/gephi_toolkit.py inspect FILE...       # one JSON document per file (see below)
        [--no-autoscale] [--date-interval=START[,END]]
    python tools/gephi_toolkit.py render FILE OUT.pdf   # Gephi's preview export: .pdf, .svg (.png via pdftoppm)
    python tools/gephi_toolkit.py export FILE OUT.gexf  # re-export with Gephi's own exporter (.gexf, .graphml, ...)

The Java side is ``tools/gephi/GephiInspect.java``: it imports a GraphML or GEXF file through
Gephi's ``ImportController`` into a new workspace (``DefaultProcessor``, the desktop import
dialog's defaults) and prints the importer's issues and report, the graph's kind
(directed/undirected/mixed), dynamics (time format, representation, bounds), the column table
(id, title, type), and every node (id, label, colour, size, x, y, intervals, attributes) and edge
(source, target, label, weight, directed, type label, attributes). Nothing is laid out.

The jar (~83 MB, ``org.gephi:gephi-toolkit:0.10.1:all``) is fetched with Maven from
``tools/gephi/pom.xml`` into ``.gephi/lib`` (ignored by git) and the inspector is compiled once
into ``.gephi/classes`` (a JVM start is then ~1.3 s instead of ~4 s for a single-file source run).
``make test`` runs ``fetch`` first. Tests call :func:`inspect`, :func:`render` and :func:`export`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POM = ROOT / "tools" / "gephi" / "pom.xml"
SOURCE = ROOT / "tools" / "gephi" / "GephiInspect.java"
CACHE = ROOT / ".gephi"
LIB = CACHE / "lib"
CLASSES = CACHE / "classes"
STAMP = LIB / ".fetched-from-pom"
CLASSES_STAMP = CLASSES / ".compiled-from"
TIMEOUT_SECONDS = 600  # a cold JVM on 2 busy cores is a few seconds; this only stops a hung one
RENDERED = {".pdf", ".svg", ".png"}


class GephiUnavailable(RuntimeError):
    """Java, Maven or the toolkit jar cannot be had on this machine."""


class GephiError(RuntimeError):
    """The toolkit ran but failed on a file."""


def jars_fetched() -> bool:
    """True when ``.gephi/lib`` holds the jar of the current ``pom.xml`` (the stamp is its copy)."""
    return STAMP.is_file() and STAMP.read_bytes() == POM.read_bytes()


def _source_digest() -> str:
    return hashlib.sha256(SOURCE.read_bytes() + POM.read_bytes()).hexdigest()


def compiled() -> bool:
    return CLASSES_STAMP.is_file() and CLASSES_STAMP.read_text() == _source_digest()


def _tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise GephiUnavailable(f"{name} is needed for the Gephi Toolkit and is not on PATH ({hint})")
    return path


def fetch_jars(quiet: bool = True) -> Path:
    """Copy the Gephi Toolkit jar from Maven Central into ``.gephi/lib`` and compile the inspector
    into ``.gephi/classes``, each once (the stamps record what they were made from).

    Maven keeps its own cache in ``~/.m2``, so a fetch after ``rm -rf .gephi`` is offline.
    """
    if not jars_fetched():
        mvn = _tool("mvn", "e.g. apt-get install maven")
        CACHE.mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="lib.", dir=CACHE))
        command = [mvn, "-B", "-Dstyle.color=never", *(["-q"] if quiet else []), "-f", str(POM),
                   "dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
        if subprocess.run(command, stdout=subprocess.DEVNULL if quiet else None).returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise GephiUnavailable("Maven could not fetch org.gephi:gephi-toolkit:0.10.1:all (run "
                                   "`python tools/gephi_toolkit.py fetch` to see its output)")
        # swap the folder in whole, so an interrupted fetch never leaves a half-filled lib/
        shutil.rmtree(LIB, ignore_errors=True)
        staging.rename(LIB)
        STAMP.write_bytes(POM.read_bytes())
    if not compiled():
        javac = _tool("javac", "a JDK 11+ is needed, e.g. apt-get install openjdk-17-jdk-headless")
        staging = Path(tempfile.mkdtemp(prefix="classes.", dir=CACHE))
        done = subprocess.run([javac, "-nowarn", "-d", str(staging), "-cp", str(LIB / "*"), str(SOURCE)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise GephiError("javac failed on tools/gephi/GephiInspect.java: " + _last_line(done.stderr))
        shutil.rmtree(CLASSES, ignore_errors=True)
        staging.rename(CLASSES)
        CLASSES_STAMP.write_text(_source_digest())
    return LIB


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "Exception" in line or "error" in line.lower()]
    return (errors or lines or ["(no output)"])[0][:500]


JAVA_HINT = "Java 11+ is needed, e.g. apt-get install openjdk-17-jre-headless"


def ensure() -> None:
    """Raise :class:`GephiUnavailable` unless Java is there and the toolkit is (or can be) fetched."""
    _tool("java", JAVA_HINT)
    fetch_jars()


def _run(*args: str | Path) -> list[str]:
    java = _tool("java", JAVA_HINT)
    fetch_jars()
    command = [java, "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
               "-cp", f"{LIB / '*'}:{CLASSES}", "GephiInspect", *map(str, args)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        raise GephiError(f"the Gephi Toolkit did not finish in {TIMEOUT_SECONDS} s: {' '.join(command[-2:])}") from error
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 and not lines:
        raise GephiError(f"the Gephi Toolkit failed (exit {done.returncode}): {_last_line(done.stderr)}")
    return lines


def inspect_many(paths: list[str | Path], autoscale: bool = True, date_interval: str | None = None) -> list[dict]:
    """What Gephi imports from each file, in one JVM (see :func:`inspect`)."""
    for path in paths:
        if not Path(path).is_file():
            raise FileNotFoundError(f"no such file: {path}")
    options = [*([] if autoscale else ["--no-autoscale"]), *([f"--date-interval={date_interval}"] if date_interval else [])]
    return [json.loads(line) for line in _run("inspect", *options, *paths)]


def inspect(path: str | Path, autoscale: bool = True, date_interval: str | None = None) -> dict:
    """What Gephi imports from ``path``: importer settings and issues, graph kind, columns, nodes, edges.

    With ``autoscale`` (Gephi's default) the import's scaler stretches node sizes to 4..100 and
    spreads the positions; each node's ``read`` has the x, y, size the importer read before that.
    ``date_interval="START[,END]"`` then does what Data Laboratory's "Merge columns → Create time
    interval" does with those yyyy-MM-dd node columns (``date_interval`` in the answer says how it went).
    A file Gephi cannot read at all gives a document with an ``error`` key, not an exception.
    """
    return inspect_many([path], autoscale, date_interval)[0]


def render(path: str | Path, out: str | Path, dpi: int = 110) -> Path:
    """Gephi's preview of ``path`` (node labels on, straight edges, positions as in the file) as
    PDF or SVG; a ``.png`` goes through a PDF and ``pdftoppm`` (Debian's poppler-utils)."""
    out = Path(out)
    if out.suffix.lower() not in RENDERED:
        raise ValueError(f"render writes .pdf, .svg or .png, not {out.name}")
    if out.suffix.lower() == ".png":
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise GephiUnavailable("pdftoppm is needed for PNG (apt-get install poppler-utils); .pdf and .svg need nothing")
        with tempfile.TemporaryDirectory() as work:
            pdf = render(path, Path(work) / "graph.pdf")
            subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-singlefile", str(pdf), str(out.with_suffix(""))],
                           check=True)
        return out
    _written(_run("render", path, out), out)
    return out


def export(path: str | Path, out: str | Path) -> Path:
    """Import ``path`` and write it again with Gephi's exporter for ``out``'s extension (e.g. what
    GEXF version Gephi itself writes)."""
    out = Path(out)
    _written(_run("export", path, out), out)
    return out


def _written(lines: list[str], out: Path) -> None:
    answer = json.loads(lines[-1]) if lines else {}
    if "written" not in answer or not out.is_file():
        raise GephiError(f"Gephi did not write {out}: {answer.get('error', answer)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="fetch the toolkit jar into .gephi/lib and compile the inspector (once)")
    inspecting = commands.add_parser("inspect", help="print what Gephi imports from each FILE (JSON)")
    inspecting.add_argument("--no-autoscale", action="store_true",
                            help="keep the file's sizes and positions (Gephi's import scaler off)")
    inspecting.add_argument("--date-interval", metavar="START[,END]",
                            help="merge these yyyy-MM-dd node columns into Gephi's time interval, as Data Laboratory does")
    inspecting.add_argument("files", nargs="+", type=Path)
    rendering = commands.add_parser("render", help="Gephi's preview of FILE as OUT.pdf, OUT.svg or OUT.png")
    rendering.add_argument("file", type=Path)
    rendering.add_argument("out", type=Path)
    exporting = commands.add_parser("export", help="re-export FILE with Gephi's own exporter for OUT's extension")
    exporting.add_argument("file", type=Path)
    exporting.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            print(fetch_jars(quiet=False))
        elif args.command == "inspect":
            documents = inspect_many(args.files, autoscale=not args.no_autoscale, date_interval=args.date_interval)
            print(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2, ensure_ascii=False))
        elif args.command == "render":
            print(render(args.file, args.out))
        else:
            print(export(args.file, args.out))
        return 0
    except (GephiUnavailable, GephiError, FileNotFoundError, ValueError) as error:
        print(f"gephi_toolkit: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
