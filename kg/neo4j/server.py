"""A local Neo4j 5.26 for machines without Docker: fetch it, start it, stop it.

    python -m kg.neo4j.server fetch                # neo4j-harness jars from Maven Central, once
    NEO4J_PASSWORD=secret python -m kg.neo4j.server run --port 7687
                                                   # prints the Bolt URI when ready; Ctrl-C stops it

The server is ``launcher/LocalNeo4j.java`` beside this module (a real Neo4j Community,
in-process via ``org.neo4j.test:neo4j-harness``, run as a single-file source by Java 17). The
jars are fetched with Maven from ``launcher/pom.xml`` into kg's cache folder
(``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``), under ``neo4j/lib``.
The tests import :class:`LocalNeo4j` from here; ``make test`` runs ``fetch`` first.
"""

from __future__ import annotations

import argparse
import json
import secrets
import time
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.errors import LauncherError
from kg.user_cache import cache_dir

LAUNCHER = Path(__file__).resolve().parent / "launcher"
POM = LAUNCHER / "pom.xml"
SOURCE = LAUNCHER / "LocalNeo4j.java"


CACHE = cache_dir() / "neo4j"
LIB = CACHE / "lib"
STAMP = LIB / ".fetched-from-pom"
STARTUP_SECONDS = 180  # a cold JVM on 2 busy cores takes ~25 s; leave room



def jars_fetched() -> bool:
    """True when the cache's ``neo4j/lib`` holds the jars of the current ``pom.xml`` (the stamp is its copy)."""
    return STAMP.is_file() and STAMP.read_bytes() == POM.read_bytes()


def fetch_jars(quiet: bool = True) -> Path:
    """Copy neo4j-harness and its dependencies from Maven Central into the cache's ``neo4j/lib``, once.

    Maven keeps its own cache in ``~/.m2``, so a second fetch after ``make clean`` is offline.
    """
    if jars_fetched():
        return LIB
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LauncherError("Maven (mvn) is needed to fetch Neo4j: install it (e.g. apt-get install maven)")
    staging = Path(tempfile.mkdtemp(prefix="lib.", dir=CACHE if CACHE.is_dir() else None))
    command = [mvn, "-B", "-Dstyle.color=never", *(["-q"] if quiet else []), "-f", str(POM),
               "dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
    if subprocess.run(command).returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise LauncherError("Maven could not fetch org.neo4j.test:neo4j-harness (see its output above)")
    # swap the folder in whole, so an interrupted fetch never leaves a half-filled lib/
    CACHE.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(LIB, ignore_errors=True)
    staging.rename(LIB)
    STAMP.write_bytes(POM.read_bytes())
    return LIB


@dataclass
class LocalNeo4j:
    """A running local Neo4j: ``uri``, ``user`` and ``password`` for the driver; ``stop()`` ends it.
    Used as ``with LocalNeo4j.start("a-password") as server: connect(server.uri, ...)`` (the
    tests' ``neo4j`` fixture does exactly this against a real server).
    """

    uri: str
    password: str
    process: subprocess.Popen
    log: Path
    user: str = "neo4j"

    @classmethod
    def start(cls, password: str, port: int = 0, host: str = "127.0.0.1", heap: str = "1g",
              page_cache: str = "256m", data: Path | None = None) -> "LocalNeo4j":
        """Start a server (fetching the jars if needed) and wait until its Bolt port accepts connections.

        The child's standard input is a pipe held by this process: when this process exits, even
        killed, the pipe closes and the server stops itself.
        """
        CACHE.mkdir(parents=True, exist_ok=True)
        log = CACHE / f"server-{os.getpid()}-{port}.log"  # two servers from one checkout keep their own
        process, uri = _launch(password, log, host, port, heap, page_cache, data, lasting=False)
        return cls(uri=uri, password=password, process=process, log=log)

    def stop(self, timeout: float = 60) -> None:
        """Stop the server cleanly (SIGTERM runs Neo4j's shutdown), killing it after ``timeout`` s.
        The log is deleted after a clean stop and kept when the server died or had to be killed."""
        clean = self.process.poll() is None
        if clean:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                clean = False
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe:
                pipe.close()
        if clean:
            self.log.unlink(missing_ok=True)

    def __enter__(self) -> "LocalNeo4j":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --- a server that lasts: kg neo4j start / stop / status / import ------------------------------

STATE = CACHE / "server.json"
"""Where ``kg neo4j start`` records the running server (URI, password, pid, data folder), mode 0600,
so ``kg query --engine neo4j`` and ``kg export neo4j`` find it without environment variables."""
DEFAULT_DATA = CACHE / "data"


@dataclass(frozen=True)
class ServerState:
    uri: str
    password: str
    pid: int
    data: str
    user: str = "neo4j"

    def running(self) -> bool:
        try:  # reap it first if this very process started it (else a dead child looks alive)
            if os.waitpid(self.pid, os.WNOHANG)[0] == self.pid:
                return False
        except ChildProcessError:
            pass
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def read_state() -> ServerState | None:
    """The server ``kg neo4j start`` left running, or None (a stale record is removed)."""
    try:
        state = ServerState(**json.loads(STATE.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if not state.running():
        STATE.unlink(missing_ok=True)
        return None
    return state


def _password_of(data: Path) -> str:
    """The data folder's own password (made once, kept in it with mode 0600)."""
    secret = data / "kg-password"
    if not secret.is_file():
        data.mkdir(parents=True, exist_ok=True)
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(16))
    return secret.read_text(encoding="utf-8").strip()


def _launch(password: str, log: Path, host: str, port: int, heap: str, page_cache: str, data: Path | None,
            lasting: bool) -> tuple[subprocess.Popen, str]:
    """Start the launcher (fetching the jars if needed) and wait for its Bolt URI. A lasting
    server outlives this process and its Ctrl-C; otherwise it exits when our stdin pipe closes."""
    java = shutil.which("java")
    if java is None:
        raise LauncherError("Java 17 is needed to run the local Neo4j (e.g. apt-get install openjdk-17-jre-headless)")
    fetch_jars()
    command = [java, f"-Xmx{heap}", "-XX:+UseSerialGC", "-cp", str(LIB / "*"), str(SOURCE), "--host", host,
               "--port", str(port), "--dir", str(CACHE / "run"), "--page-cache", page_cache,
               *(["--data", str(data)] if data else []), *([] if lasting else ["--exit-on-stdin-eof"])]
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL if lasting else subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=stderr, text=True, start_new_session=lasting,
                                   env={**os.environ, "NEO4J_PASSWORD": password})
    uri = _read_uri(process, STARTUP_SECONDS)
    if uri is None:
        process.kill()
        process.wait()
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        raise LauncherError("the local Neo4j did not start; last lines of its log:\n  " + "\n  ".join(tail))
    return process, uri


def start_lasting(data: Path = DEFAULT_DATA, port: int = 7687, host: str = "127.0.0.1", heap: str = "1g",
                  page_cache: str = "512m") -> ServerState:
    """Start the local Neo4j in the background with its database in ``data`` (kept across
    restarts), wait until it answers, record it in :data:`STATE` and return that record."""
    running = read_state()
    if running is not None:
        raise LauncherError(f"a local Neo4j is already running at {running.uri} (data {running.data}); "
                            "kg neo4j stop first")
    data = data.resolve()
    password = _password_of(data)
    process, uri = _launch(password, data / "kg-server.log", host, port, heap, page_cache, data, lasting=True)
    state = ServerState(uri=uri, password=password, pid=process.pid, data=str(data))
    CACHE.mkdir(parents=True, exist_ok=True)
    fd = os.open(STATE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(state), handle)
    return state


def stop_lasting(timeout: float = 120) -> ServerState | None:
    """Stop the server :func:`start_lasting` started (cleanly: SIGTERM runs Neo4j's shutdown);
    None when none was running."""
    state = read_state()
    if state is None:
        return None
    os.kill(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while state.running() and time.monotonic() < deadline:
        time.sleep(0.2)  # polling a process that is not our child: there is no event to wait on
    if state.running():
        os.kill(state.pid, signal.SIGKILL)
    STATE.unlink(missing_ok=True)
    return state


def import_csv(folder: Path, data: Path = DEFAULT_DATA) -> None:
    """Load the bulk-import CSVs ``kg build --only neo4j-csv`` wrote (:mod:`kg.neo4j.bulk`) into the
    database in ``data`` with Neo4j's own import tool (replacing what it held); the server on
    ``data`` must be stopped. :func:`start_lasting` then serves it."""
    from kg.neo4j.bulk import FILES, IMPORT_COMMAND

    data = data.resolve()
    running = read_state()
    if running is not None and Path(running.data) == data:
        raise LauncherError(f"the local Neo4j on {data} is running; kg neo4j stop first")
    missing = [name for name in FILES.values() if not (folder / name).is_file()]
    if missing:
        raise LauncherError(f"{folder} lacks {', '.join(missing)}: write them with kg build --only neo4j-csv")
    java = shutil.which("java")
    if java is None:
        raise LauncherError("Java 17 is needed to run Neo4j's import tool")
    fetch_jars()
    conf = data / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "neo4j.conf").touch()
    command = [java, "-cp", str(LIB / "*"), "org.neo4j.cli.AdminTool", *IMPORT_COMMAND.split()[1:4],
               "--overwrite-destination", *IMPORT_COMMAND.split()[4:]]
    log = data / "kg-import.log"
    with log.open("wb") as output:
        done = subprocess.run(command, cwd=folder, stdout=output, stderr=subprocess.STDOUT,
                              env={**os.environ, "NEO4J_HOME": str(data), "NEO4J_CONF": str(conf)})
    if done.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        raise LauncherError("Neo4j's import tool failed; last lines of its output:\n  " + "\n  ".join(tail))


def _read_uri(process: subprocess.Popen, timeout: float) -> str | None:
    """The Bolt URI the server prints when ready, or None if it exits or stays silent too long."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    uri = lines[0].strip().rstrip("/") if lines else ""
    return uri if uri.startswith("bolt://") else None


def _run(args: argparse.Namespace) -> int:
    """Run a server in the foreground until Ctrl-C or SIGTERM."""
    password = os.environ.get("NEO4J_PASSWORD")
    if not password or len(password) < 8:
        print("kg.neo4j.server: set NEO4J_PASSWORD (at least 8 characters) in the environment", file=sys.stderr)
        return 2
    server = LocalNeo4j.start(password, port=args.port, host=args.host, heap=args.heap, page_cache=args.page_cache)
    print(server.uri, flush=True)
    print(f"kg.neo4j.server: Neo4j 5.26 running, user neo4j, log {server.log}; Ctrl-C stops it", file=sys.stderr)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(1) and server.process.poll() is None:
        pass
    server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="fetch the neo4j-harness jars into the cache (once)")
    run = commands.add_parser("run", help="start a server; password from NEO4J_PASSWORD")
    run.add_argument("--port", type=int, default=7687, help="Bolt port (0: a free one; default 7687)")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--heap", default="1g", help="Java heap (default 1g)")
    run.add_argument("--page-cache", default="512m", help="Neo4j page cache (default 512m)")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            print(fetch_jars(quiet=False))
            return 0
        return _run(args)
    except LauncherError as error:
        print(f"kg.neo4j.server: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
