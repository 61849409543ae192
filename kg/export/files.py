"""Atomic file output: a reader never sees a half-written export."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Iterator


json_text = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(value, ensure_ascii=False)``, the same text, without making an encoder on every
call: five times faster on the small values (evidence lists, one element) an export writes
millions of."""
sorted_json_text = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
"""``json.dumps(value, ensure_ascii=False, sort_keys=True)``, likewise."""


def batches(items: Iterator, size: int = 1000) -> Iterator[list]:
    """``items`` in lists of ``size`` (the last shorter): a writer makes one text and one write
    call a list, and holds no more than that many elements."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(path: Path, binary: bool = False) -> Iterator[IO]:
    """Write to a temporary file beside ``path``; on success flush it to disk and rename it over
    ``path`` (atomic on POSIX and Windows), on failure delete it and leave ``path`` untouched.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_output(target) as handle:
    ...     _ = handle.write("done")
    >>> target.read_text()
    'done'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes the file private; give it the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


PENDING = ".kg-exports.pending"
"""The commit journal of an export set: written once every file of the set is complete on disk,
deleted once all are renamed into place. Finding it means a build was stopped while renaming;
:func:`recover_exports` finishes the renames, so the folder holds the new set, never a mix."""
_STAGED = ".staged"
LOCK = ".kg-build.lock"


def staged_path(target: Path) -> Path:
    """Where the next version of ``target`` is written before the set is committed."""
    return target.with_name(f".{target.name}{_STAGED}")


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def commit_exports(folder: Path, pairs: list[tuple[Path, Path]]) -> None:
    """Rename each staged file onto its target, all or (after a crash, by the next
    :func:`recover_exports`) all: the journal is written first and removed last."""
    import json

    with atomic_output(folder / PENDING) as handle:
        json.dump([[staged.name, target.name] for staged, target in pairs], handle)
    _fsync_dir(folder)
    recover_exports(folder)


def recover_exports(folder: Path) -> None:
    """Finish an interrupted commit (see :data:`PENDING`), then delete what interrupted
    builds left: staged files of no commit and writers' temporary files."""
    import json

    journal = folder / PENDING
    if journal.is_file():
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))
        except ValueError:
            pairs = []  # the journal itself was being written: no rename had started
        for staged, target in pairs:
            if (folder / staged).exists():
                os.replace(folder / staged, folder / target)
        _fsync_dir(folder)
        journal.unlink()
    if folder.is_dir():
        for leftover in folder.iterdir():
            name = leftover.name
            if name.startswith(".") and (name.endswith(_STAGED) or
                                         name.endswith(".tmp") and ("graph." in name or PENDING in name or _STAGED in name)):
                leftover.unlink(missing_ok=True)


def writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and check a file can be written in it, before any work;
    an :class:`~kg.errors.OutputError` says why not."""
    from kg.errors import OutputError

    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: cannot write there: a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(prefix=".kg-probe.", dir=folder)
        os.close(descriptor)
        os.unlink(probe)
    except OSError as error:
        raise OutputError(f"{folder}: cannot write there: {error.strerror or error}") from error
