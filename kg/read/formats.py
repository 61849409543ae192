"""The parsers, one per input format: each streams :class:`~kg.records.Paper` records from
decoded lines (or text) and reports every malformed record to the :class:`~kg.read.log.ReadLog`.

>>> from io import StringIO
>>> log = ReadLog()
>>> [p.id for p in parse_jsonl(StringIO('{"id": "arXiv:2401.00001v2", "title": "T", "abstract": "A."}\\n'), "x.jsonl", log)]
['2401.00001']
"""

from __future__ import annotations

import csv
import json
import re
from typing import Any, Iterable, Iterator, Mapping

from kg.read.fields import DEFAULT_FIELDS, paper_from_record
from kg.read.log import ReadLog
from kg.records import Paper


def parse_jsonl(lines: Iterable[str], path: str, log: ReadLog, names: Mapping | None = None,
                bad_lines: set[int] | None = None) -> Iterator[Paper]:
    """JSON Lines: one record a line; blank lines are ignored."""
    names = names or DEFAULT_FIELDS
    bad_lines = bad_lines if bad_lines is not None else set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        log.records += 1
        if number in bad_lines:
            continue  # already reported as undecodable
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as error:
            log.problem(path, number, json_problem(error))
            continue
        yield from _paper_or_problem(record, path, number, log, names)


def json_problem(error: ValueError | RecursionError) -> str:
    """The reason a JSON text could not be parsed, in one short phrase."""
    if isinstance(error, json.JSONDecodeError):
        return f"bad JSON: {error.msg} (column {error.colno})"
    if isinstance(error, RecursionError):
        return "bad JSON: nested too deeply"
    return f"bad JSON: {str(error).split(';')[0]}"  # e.g. an integer of more than 4,300 digits


def _paper_or_problem(record: Any, path: str, line: int, log: ReadLog, names: Mapping) -> Iterator[Paper]:
    if not isinstance(record, dict):
        log.problem(path, line, f"record is a JSON {type(record).__name__}, not an object")
        return
    try:
        yield paper_from_record(record, path, names)
    except ValueError as error:
        log.problem(path, line, str(error))


def parse_json(text: str, path: str, log: ReadLog, names: Mapping | None = None,
               bad_lines: Mapping[int, str] | None = None) -> Iterator[Paper]:
    """A JSON array of records (arXiv metadata or Hugging Face daily papers), or one record,
    or an object holding such an array under ``papers``/``data``/``items``/``results``.
    ``bad_lines``: lines that held undecodable bytes (line -> reason); a record spanning one
    is skipped."""
    names = names or DEFAULT_FIELDS
    bad_lines = dict(bad_lines or {})
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        log.records += 1
        log.problem(path, getattr(error, "lineno", 1), json_problem(error) + "; file skipped")
        return
    if isinstance(document, dict):
        for key in ("papers", "data", "items", "results"):
            if isinstance(document.get(key), list):
                document = document[key]
                break
        else:
            document = [document]
    if not isinstance(document, list):
        log.records += 1
        log.problem(path, 1, "JSON holds neither a record nor a list of records")
        return
    starts = _element_lines(text)
    for index, record in enumerate(document):
        log.records += 1
        first = starts[index] if index < len(starts) else 1
        last = starts[index + 1] - 1 if index + 1 < len(starts) else text.count("\n") + 1
        spoilt = [number for number in bad_lines if first <= number <= last]
        if spoilt:
            log.problem(path, first, bad_lines[spoilt[0]] + f" on line {spoilt[0]}")
            for number in spoilt:
                del bad_lines[number]
            continue
        yield from _paper_or_problem(record, path, first, log, names)
    for number, reason in sorted(bad_lines.items()):  # outside every record: nothing lost
        log.records += 1
        log.problem(path, number, reason + " between records")


def _element_lines(text: str) -> list[int]:
    """Line numbers where the top-level array's elements start (best effort, for messages)."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    position = text.find("[")
    if position < 0:
        return [1]
    position += 1
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return lines
        lines.append(text.count("\n", 0, position) + 1)
        try:
            _, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return lines


class _Replayable:
    """Lines for a csv reader, numbered, that can be wound back to re-read lines a broken
    record swallowed (an unterminated quote runs on through the records after it)."""

    def __init__(self, lines: Iterable[str]):
        self.lines, self.replay, self.taken, self.number = iter(lines), [], [], 0

    def __iter__(self) -> "_Replayable":
        return self

    def __next__(self) -> str:
        line = self.replay.pop() if self.replay else next(self.lines)
        self.number += 1
        self.taken.append(line)
        return line

    def start_row(self) -> int:
        """Forget what the last row took; the line number the next row starts on."""
        self.taken = []
        return self.number + 1

    def rewind(self) -> None:
        """Re-read every line the last row took but its first."""
        self.replay.extend(reversed(self.taken[1:]))
        self.number -= len(self.taken) - 1
        self.taken = []


def parse_csv(lines: Iterable[str], path: str, log: ReadLog, names: Mapping | None = None,
              bad_lines: set[int] | None = None) -> Iterator[Paper]:
    """CSV with a header row; quoted fields may hold commas and newlines.

    A record the csv module cannot parse (an unterminated quote, text after a closing quote)
    is skipped, and the lines it ran over are read again as records of their own, so one
    broken quote loses one record. A header naming a column twice, or naming no title or no
    abstract column (a file without a header), skips the file with that reason.
    """
    names = names or DEFAULT_FIELDS
    bad_lines = bad_lines if bad_lines is not None else set()
    source = _Replayable(lines)
    reader = csv.reader(source, strict=True)
    header: list[str] = []
    while not any(header):  # blank lines before the header
        line = source.start_row()
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        except csv.Error as error:
            log.records += 1
            log.problem(path, line, f"bad CSV header: {error}; file skipped")
            return
    repeated = sorted({h for h in header if header.count(h) > 1})
    missing = [prop for prop in ("title", "abstract") if not set(names[prop]) & set(header)]
    if repeated or missing:
        log.records += 1
        reason = (f"the header names {', '.join(map(repr, repeated))} twice" if repeated else
                  f"the header has no {' or '.join(missing)} column (looked for {', '.join(names[missing[0]])}); "
                  "is the header row missing?")
        log.problem(path, line, reason + "; file skipped")
        return
    while True:
        line = source.start_row()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            log.records += 1
            log.problem(path, line, f"bad CSV: {error}; record skipped")
            source.rewind()
            reader = csv.reader(source, strict=True)
            continue
        end = source.number + 1
        if not any(cell.strip() for cell in row):
            continue
        log.records += 1
        if any(number in bad_lines for number in range(line, end)):
            continue  # already reported as undecodable
        if len(row) != len(header):
            log.problem(path, line, f"row has {len(row)} fields, the header {len(header)}")
            continue
        yield from _paper_or_problem(dict(zip(header, row)), path, line, log, names)


_CHROME = re.compile(
    r"(new|subscribe|daily papers|get trending papers.*|by\s*ak and the research community|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(,?\s+\d{4})?|"
    r"\d{4}-\d{2}-\d{2}|[\d\s·•,.kK]+|previous|next|upvote|submitted by.*)",
    re.I,
)
_MIN_ABSTRACT_WORDS = 20
_MAX_TITLE_WORDS = 40


def parse_daily_text(lines: Iterable[str], path: str, log: ReadLog, bad_lines: set[int] | None = None) -> Iterator[Paper]:
    """The Hugging Face "Daily Papers" page saved as text: a title paragraph, then its abstract.

    Page chrome ("Subscribe", "Daily Papers", a date line ...) is skipped; a title-like
    paragraph without an abstract after it is reported.
    """
    bad_lines = bad_lines if bad_lines is not None else set()
    paragraphs: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and number not in bad_lines:
            paragraphs.append((number, line.strip()))
    index = 0
    while index < len(paragraphs):
        number, text = paragraphs[index]
        following = paragraphs[index + 1][1] if index + 1 < len(paragraphs) else ""
        if _CHROME.fullmatch(text):
            index += 1
            continue
        if len(text.split()) <= _MAX_TITLE_WORDS and len(following.split()) >= _MIN_ABSTRACT_WORDS:
            log.records += 1
            yield from _paper_or_problem({"title": text, "abstract": following}, path, number, log, DEFAULT_FIELDS)
            index += 2
            continue
        log.records += 1
        reason = "abstract without a title" if len(text.split()) >= _MIN_ABSTRACT_WORDS else "title without an abstract"
        log.problem(path, number, reason)
        index += 1
