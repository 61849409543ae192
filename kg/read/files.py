"""Files and folders to papers: the format by extension (``.gz`` of any), folders walked,
bytes decoded with line numbers, each file handed to its parser."""

from __future__ import annotations

import io
import os
import stat
import zlib
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from kg.errors import InputError
from kg.read.fields import field_names
from kg.read.formats import parse_csv, parse_daily_text, parse_json, parse_jsonl
from kg.read.log import ReadLog
from kg.read.text import replace_xml_forbidden
from kg.records import Paper

FORMATS = ("text", "jsonl", "json", "csv")
_EXTENSIONS = {".txt": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}


def detect_format(path: Path) -> str | None:
    """The format a file's extension names (``.gz`` looks at the extension before it)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"


def display_name(path: Path) -> str:
    """A path as it is shown and stored (a Paper's ``source``): bytes that are not UTF-8 become
    U+FFFD and characters XML forbids become spaces, so every sink can write it."""
    return replace_xml_forbidden(os.fsencode(path).decode("utf-8", errors="replace"))


def _chunks(handle: io.BufferedIOBase, gzipped: bool, path: str, state: dict) -> Iterator[bytes]:
    """The file's bytes (decompressed, every gzip member in turn). A corrupt or truncated gzip
    stream, or trailing bytes after the last member, ends the data there: ``state["problem"]``
    says why, and the caller reports it at the line where the data stopped."""
    if not gzipped:
        while chunk := handle.read(_CHUNK):
            yield chunk
        return
    inflater = zlib.decompressobj(wbits=31)
    pending = b""
    while True:
        chunk = pending or handle.read(_CHUNK)
        pending = b""
        if not chunk:
            if not inflater.eof and state.get("started"):
                state["problem"] = "gzip data ends early (truncated file); the rest is lost"
            return
        if not state.get("started") and not chunk.startswith(_GZIP_MAGIC[: len(chunk)]):
            raise InputError(f"{path}: cannot read: not gzip data, although the name ends in .gz")
        state["started"] = True
        try:
            yield inflater.decompress(chunk)
        except zlib.error as error:
            state["problem"] = f"corrupt gzip data ({error}); the rest of the file is lost"
            return
        if inflater.eof:
            rest = inflater.unused_data
            if not rest.strip(b"\0"):
                rest = handle.read(_CHUNK)
                while rest and not rest.strip(b"\0"):
                    rest = handle.read(_CHUNK)
                if not rest:
                    return
            if not rest.lstrip(b"\0").startswith(_GZIP_MAGIC):
                state["problem"] = "bytes after the end of the gzip data; ignored"
                return
            inflater, pending = zlib.decompressobj(wbits=31), rest.lstrip(b"\0")


def _raw_lines(chunks: Iterable[bytes], state: dict) -> Iterator[bytes]:
    """Lines of the byte stream, ended by LF, CRLF or a lone CR (old Mac files), endings kept;
    when the stream stopped early (``state["problem"]``) its unfinished last line is dropped."""
    rest = b""
    for chunk in chunks:
        rest += chunk
        lines = rest.splitlines(keepends=True)
        rest = lines.pop() if lines and (not lines[-1].endswith((b"\n", b"\r")) or lines[-1].endswith(b"\r")) else b""
        yield from lines
    if rest and not state.get("problem"):
        yield rest


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


class _Counted:
    """Lines passed through, counted (where a stream that stopped early stopped)."""

    def __init__(self, lines: Iterable[bytes]):
        self.lines, self.count = iter(lines), 0

    def __iter__(self) -> Iterator[bytes]:
        for line in self.lines:
            self.count += 1
            yield line


def read_file(path: Path, log: ReadLog, fmt: str | None = None,
              fields: Mapping[str, str] | None = None) -> Iterator[Paper]:
    """Stream the papers of one file (not yet de-duplicated)."""
    fmt = fmt or detect_format(path)
    source = display_name(path)
    if fmt not in FORMATS:
        raise InputError(f"{source}: unknown format; use one of {', '.join(_EXTENSIONS)} (optionally .gz) or --format")
    names = field_names(fields)
    log.files.append(source)
    bad_lines: set[int] = set()
    state: dict = {}
    before = log.records
    try:
        with open(path, "rb") as handle:
            raw = _Counted(_raw_lines(_chunks(handle, path.suffix.lower() == ".gz", source, state), state))
            if fmt == "json":
                text, bad = _read_whole(raw)
                yield from parse_json(text, source, log, names, bad)
            else:
                lines = _decoded_lines(raw, source, log, bad_lines)
                if fmt == "jsonl":
                    yield from parse_jsonl(lines, source, log, names, bad_lines)
                elif fmt == "csv":
                    yield from parse_csv(lines, source, log, names, bad_lines)
                else:
                    yield from parse_daily_text(lines, source, log, bad_lines)
    except OSError as error:
        raise InputError(f"{source}: cannot read: {error.strerror or error}") from error
    if state.get("problem"):
        log.records += 1
        log.problem(source, raw.count + 1, state["problem"])
    elif log.records == before and raw.count == 0:
        log.records += 1
        log.problem(source, 1, "empty file")


def _read_whole(raw: Iterable[bytes]) -> tuple[str, dict[int, str]]:
    """The whole text, and the lines holding undecodable bytes (replaced) with the reason."""
    lines, bad = [], {}
    for number, line in enumerate(raw, start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as error:
            bad[number] = f"undecodable bytes ({error.reason} at byte {error.start})"
            lines.append(line.decode("utf-8", errors="replace"))
    if lines:
        lines[0] = lines[0].removeprefix("\ufeff")
    return "".join(lines), bad


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
                raise InputError(f"{display_name(path)}: folder holds no readable input (.txt, .jsonl, .json, .csv, optionally .gz)")
            files.extend(found)
        elif path.exists():
            if stat.S_ISCHR(path.stat().st_mode) or stat.S_ISBLK(path.stat().st_mode):
                raise InputError(f"{display_name(path)}: a device, not a file; save the data to a file first")
            files.append(path)
        else:
            raise InputError(f"{display_name(path)}: no such file or folder")
    return files
