"""Read: input files and folders → distinct :class:`~kg.records.Paper` records.

Readers stream: each yields papers one by one and reports every malformed record to a
:class:`ReadLog` (file, line, reason) instead of stopping. :func:`read_papers`, the stage's
entry point, picks the reader by file extension (``.gz`` of any), walks folders, and merges
duplicates.
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from kg.errors import InputError
from kg.read.dedupe import deduplicate
from kg.read.files import FORMATS, display_name, input_files, read_file
from kg.read.log import ReadLog, ReadProblem
from kg.records import Paper

__all__ = ["FORMATS", "ReadLog", "ReadProblem", "read_file", "read_papers"]


def read_papers(paths: Iterable[Path | str], log: ReadLog, fmt: str | None = None,
                fields: Mapping[str, str] | None = None, built: Sequence[Paper] = ()) -> list[Paper]:
    """All distinct papers of the inputs, in input order (see :mod:`kg.read.dedupe`).

    ``built``: distinct papers read before (a previous build's, for ``kg update``): the inputs
    merge into them as if their files had come first, and they stay the first papers returned,
    in their order, each at its index (merged with any record of it the inputs hold).

    Raises :class:`~kg.errors.InputError` when an input is missing or unreadable, or when no
    paper at all could be read.
    """
    files = input_files([Path(p) for p in paths], fmt)
    if files and all(path.is_file() and path.stat().st_size == 0 for path in files):
        raise InputError(f"{display_name(files[0])}: empty file; no paper could be read")
    papers = deduplicate(chain(built, (paper for path in files for paper in read_file(path, log, fmt, fields))), log)
    if not papers:
        detail = f" ({log.skipped} malformed records)" if log.skipped else ""
        raise InputError(f"no paper could be read from the input{detail}")
    return papers
