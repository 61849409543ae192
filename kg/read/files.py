"""Files and folders to papers: the format by extension (``.gz`` of any), folders walked,
bytes decoded with line numbers, each file handed to its parser."""

from __future__ import annotations

import codecs
import gzip
import io
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from kg.errors import InputError
from kg.read.fields import field_names
from kg.read.formats import parse_csv, parse_daily_text, parse_json, parse_jsonl
from kg.read.log import ReadLog
from kg.records import Paper

FORMATS = ("text", "jsonl", "json", "csv")
_EXTENSIONS = {".txt": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}


def detect_format(path: Path) -> str | None:
    """The format a file's extension names (``.gz`` looks at the extension before it)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def _open_binary(path: Path) -> io.BufferedIOBase:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _decoded_lines(raw: Iterable[bytes], path: str, log: ReadLog, bad_lines: set[int]) -> Iterator[str]:
    """Lines decoded as UTF-8; an undecodable line is reported, noted in ``bad_lines`` and
    passed on with replacement characters so multi-line records keep their shape."""
    for number, line in enumerate(raw, start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            bad_lines.add(number)
            log.problem(path, number, f"undecodable bytes ({error.reason} at byte {error.start})")
            text = line.decode("utf-8", errors="replace")
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield text




def read_file(path: Path, log: ReadLog, fmt: str | None = None,
              fields: Mapping[str, str] | None = None) -> Iterator[Paper]:
    """Stream the papers of one file (not yet de-duplicated)."""
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise InputError(f"{path}: unknown format; use one of {', '.join(_EXTENSIONS)} (optionally .gz) or --format")
    names = field_names(fields)
    source = str(path)
    log.files.append(source)
    bad_lines: set[int] = set()
    try:
        with _open_binary(path) as raw:
            if fmt == "json":
                yield from parse_json(_read_whole(raw, source, log), source, log, names)
                return
            lines = _decoded_lines(raw, source, log, bad_lines)
            if fmt == "jsonl":
                yield from parse_jsonl(lines, source, log, names, bad_lines)
            elif fmt == "csv":
                yield from parse_csv(lines, source, log, names, bad_lines)
            else:
                yield from parse_daily_text(lines, source, log, bad_lines)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise InputError(f"{path}: cannot read: {error}") from error


def _read_whole(raw: io.BufferedIOBase, source: str, log: ReadLog) -> str:
    data = raw.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        log.problem(source, line, f"undecodable bytes ({error.reason}); replaced, record kept if valid")
        return codecs.decode(data, "utf-8", errors="replace")


def input_files(paths: Iterable[Path], fmt: str | None = None) -> list[Path]:
    """The files behind the given paths: folders are walked (sorted, hidden entries skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and (fmt or detect_format(p))
            )
            if not found:
                raise InputError(f"{path}: folder holds no readable input (.txt, .jsonl, .json, .csv, optionally .gz)")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return files
