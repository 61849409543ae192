"""Start-up paid once: what the pipeline and the matchers compute from the data files, on disk.

Every command that extracts used to spend seconds before reading a paper: tokenizing the
~24,000 lexicon names for the phrase matcher, parsing the lexicon TSV and the YAML word
lists. Those results are pure functions of the data files' bytes, the code that reads them
and the spaCy version, so they are kept in ``startup/`` under kg's cache folder
(``$KG_STARTUP_CACHE``, else ``$KG_CACHE_DIR/startup``, else ``$XDG_CACHE_HOME/kg/startup``, else
``~/.cache/kg/startup``), one file per artefact and fingerprint:

- an edited data file (or kg, or spaCy) has another fingerprint: the artefact is built again;
- a damaged or foreign file (its checksum or header does not match) is a ``kg: warning:``
  (:func:`take_warnings`) and the artefact is built again and rewritten, never a traceback;
- a cache folder that cannot be written is no error: the artefact is built in memory each time.

A file is a header line (magic, artefact name, fingerprint, SHA-256 of the payload) and a
pickle. The payload is unpickled only when the checksum matches; the folder is the user's own,
as trusted as the installed code.

>>> import tempfile, os
>>> before = os.environ.get("KG_STARTUP_CACHE")
>>> os.environ["KG_STARTUP_CACHE"] = tempfile.mkdtemp()
>>> cached("demo", "f1", lambda: [1, 2]), cached("demo", "f1", lambda: "not called")
([1, 2], [1, 2])
>>> COUNTS["demo"]
{'built': 1, 'loaded': 1}
>>> _ = os.environ.pop("KG_STARTUP_CACHE") if before is None else os.environ.update(KG_STARTUP_CACHE=before)
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from kg.user_cache import cache_dir

T = TypeVar("T")

MAGIC = b"kg-startup-cache 1"
COUNTS: dict[str, dict[str, int]] = defaultdict(lambda: {"built": 0, "loaded": 0})
"""Per artefact: how often this process built it and loaded it from the cache (tests read it)."""
_WARNINGS: list[str] = []


def startup_dir() -> Path:
    """The folder of the start-up cache (see the module's docstring)."""
    if os.environ.get("KG_STARTUP_CACHE"):
        return Path(os.environ["KG_STARTUP_CACHE"])
    return cache_dir() / "startup"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused, for work that allocates millions of objects
    and no cycles (start-up, stage 2's corpus pass, assembly, the exports): each collection
    scans every live object, and at 10,000 abstracts they took a quarter of the corpus pass and
    of assembly (benchmarks/scale.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def start_up() -> Iterator[None]:
    """Start-up work (the pipeline, the matchers) with the collector paused: it allocates
    hundreds of thousands of long-lived objects and no garbage, and the collections it would
    trigger cost ~0.2 s. Afterwards those objects are frozen (:func:`gc.freeze`): the build's
    later collections, and the one at exit, skip them."""
    with collector_paused():
        try:
            yield
        finally:
            gc.freeze()


def code_fingerprint(*modules: str) -> str:
    """A hash of the source files of kg modules (named as ``kg.extract.spot.pipeline``): an
    edit to the code that builds an artefact changes its fingerprint like a data-file edit."""
    import importlib.util

    digest = hashlib.sha256()
    for name in modules:
        origin = importlib.util.find_spec(name).origin
        digest.update(Path(origin).read_bytes())
    return digest.hexdigest()[:16]


def take_warnings() -> list[str]:
    """The ``kg: warning:`` lines about damaged cache files since the last call."""
    warnings = list(_WARNINGS)
    _WARNINGS.clear()
    return warnings


def cached(name: str, fingerprint: str, build: Callable[[], T]) -> T:
    """The artefact ``name`` for ``fingerprint``: loaded from the start-up cache, or built with
    ``build()`` and stored there."""
    fingerprint = f"{fingerprint}-py{sys.version_info[0]}{sys.version_info[1]}"  # pickle and marshal formats
    path = startup_dir() / f"{name}-{fingerprint}.pickle"
    value = _load(path, name, fingerprint)
    if value is not _MISSING:
        COUNTS[name]["loaded"] += 1
        return value
    value = build()
    COUNTS[name]["built"] += 1
    _store(path, name, fingerprint, value)
    return value


_MISSING = object()


def _header(name: str, fingerprint: str, payload: bytes) -> bytes:
    return b" ".join((MAGIC, name.encode(), fingerprint.encode(), hashlib.sha256(payload).hexdigest().encode())) + b"\n"


def _load(path: Path, name: str, fingerprint: str):
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _MISSING
    except OSError as error:  # a folder in its place, no permission: build in memory
        _WARNINGS.append(f"kg: warning: {path}: cannot read the start-up cache ({error.strerror or error}); rebuilt")
        return _MISSING
    header, _, payload = data.partition(b"\n")
    if header + b"\n" != _header(name, fingerprint, payload):
        _WARNINGS.append(f"kg: warning: {path} is not a usable start-up cache file (damaged or foreign); rebuilt")
        return _MISSING
    try:
        return pickle.loads(payload)  # noqa: S301 - checksummed, written by kg into the user's cache
    except Exception as error:  # a file written by another kg whose classes moved: any unpickling error
        _WARNINGS.append(f"kg: warning: {path}: the start-up cache could not be read ({error}); rebuilt")
        return _MISSING


def _store(path: Path, name: str, fingerprint: str, value) -> None:
    """Write the artefact atomically (a reader sees the old file or the whole new one); a
    folder that cannot be written only means the next start-up builds it again."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(_header(name, fingerprint, payload) + payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
    _prune(path.parent, name)


KEEP = 8
"""Files kept per artefact: other data versions (another rules folder, a checkout of another
kg) hit again without rebuilding, and a folder edited all day does not grow without bound."""


def _prune(folder: Path, name: str) -> None:
    def age(path: Path) -> float:
        try:
            return -path.stat().st_mtime
        except OSError:
            return 0.0

    for old in sorted(folder.glob(f"{name}-*.pickle"), key=age)[KEEP:]:
        old.unlink(missing_ok=True)
