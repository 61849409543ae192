"""Paper records and the readers that turn input files into them.

Readers stream: each yields :class:`Paper` records one by one and reports every malformed
record to a :class:`ReadLog` (file, line, reason) instead of stopping. :func:`read_papers`
picks the reader by file extension (``.gz`` of any), walks folders, and merges duplicates.

>>> from io import StringIO
>>> log = ReadLog()
>>> [p.id for p in parse_jsonl(StringIO('{"id": "arXiv:2401.00001v2", "title": "T", "abstract": "A."}\\n'), "x.jsonl", log)]
['2401.00001']
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

# --- the record -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper: the Paper node's properties (see ``kg.schema.PAPER``)."""

    id: str
    title: str
    abstract: str
    source: str
    arxiv_id: str | None = None
    url: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    code_links: tuple[str, ...] = ()

    def text(self, field_name: str) -> str:
        """The text of a field mentions point into: ``title`` or ``abstract``."""
        if field_name not in FIELDS:
            raise ValueError(f"unknown field {field_name!r}")
        return getattr(self, field_name)


FIELDS = ("title", "abstract")
"""The fields extraction reads, in order."""


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A record that was skipped, and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class ReadLog:
    """What reading saw: records, problems, duplicates merged, files read."""

    records: int = 0
    problems: list[ReadProblem] = field(default_factory=list)
    merged: int = 0
    files: list[str] = field(default_factory=list)
    on_problem: Callable[[ReadProblem], None] | None = None

    def problem(self, path: str, line: int, reason: str) -> None:
        item = ReadProblem(path, line, reason)
        self.problems.append(item)
        if self.on_problem is not None:
            self.on_problem(item)

    @property
    def skipped(self) -> int:
        return len(self.problems)


class InputError(Exception):
    """The input cannot be read at all (missing, unreadable, unknown format, or holds no paper)."""


# --- text cleaning ----------------------------------------------------------------------------

# XML 1.0 allows TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and U+10000–U+10FFFF; nothing else.
_XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")


def replace_xml_forbidden(text: str) -> str:
    """Replace every character XML 1.0 forbids by a space; the length never changes.

    >>> replace_xml_forbidden("a\\x00b\\x1bc")
    'a b c'
    """
    return _XML_FORBIDDEN.sub(" ", text)


def clean_text(text: str) -> str:
    """Text as stored on a Paper: XML-forbidden characters and runs of whitespace become one space.

    >>> clean_text("  Deep\\n  learning\\x0c ")
    'Deep learning'
    """
    return _SPACES.sub(" ", replace_xml_forbidden(text)).strip()


def normalise_title(title: str) -> str:
    """The form two titles are compared in when merging duplicates.

    >>> normalise_title("Attention Is All You Need!") == normalise_title("attention is all you need")
    True
    """
    return " ".join(re.findall(r"\w+", title.casefold()))


# --- ids, dates, links ------------------------------------------------------------------------

_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(?:v\d+)?")
_ARXIV_OLD = re.compile(r"([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_ARXIV_IN_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/([^\s?#]+?)(?:\.pdf)?(?:[?#]|$)", re.I)


def normalise_arxiv_id(value: str) -> str | None:
    """The arXiv id without prefix or version, or None when ``value`` is not one.

    >>> normalise_arxiv_id("arXiv:2401.01234v3"), normalise_arxiv_id("https://arxiv.org/abs/hep-th/9901001v1")
    ('2401.01234', 'hep-th/9901001')
    >>> normalise_arxiv_id("W2963403868") is None
    True
    """
    value = value.strip()
    url = _ARXIV_IN_URL.search(value)
    if url:
        value = url.group(1)
    value = re.sub(r"^arxiv:", "", value, flags=re.I)
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.fullmatch(value)
        if match:
            return match.group(1)
    return None


def month_of_arxiv_id(arxiv_id: str) -> str | None:
    """The YYYY-MM an arXiv id was issued in.

    >>> month_of_arxiv_id("2401.01234"), month_of_arxiv_id("hep-th/9901001")
    ('2024-01', '1999-01')
    """
    match = re.match(r"(?:.*/)?(\d{2})(\d{2})", arxiv_id)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    century = 1900 if year >= 91 else 2000
    return f"{century + year:04d}-{month:02d}"


_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def normalise_date(value: str) -> str | None:
    """YYYY-MM-DD (or YYYY-MM) from an ISO-like date, else None.

    >>> normalise_date("2024-06-07T17:59:59.000Z"), normalise_date("2023-11"), normalise_date("June")
    ('2024-06-07', '2023-11', None)
    """
    match = _DATE.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return match.group(0) if match.group(3) else f"{match.group(1)}-{match.group(2)}"


_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.I)
_CODE_HOSTS = re.compile(r"https?://(?:www\.)?(?:github\.com|huggingface\.co|hf\.co)/", re.I)


def is_http_url(value: str) -> bool:
    """Whether ``value`` is an http(s) URL (the only links the graph keeps).

    >>> is_http_url("https://arxiv.org/abs/1"), is_http_url("javascript:alert(1)")
    (True, False)
    """
    return re.fullmatch(r"https?://[^\s<>\"']+", value.strip(), flags=re.I) is not None


def find_code_links(text: str) -> tuple[str, ...]:
    """GitHub and Hugging Face links in a text, trailing punctuation removed, in order, unique.

    >>> find_code_links("Code: https://github.com/a/b. Weights at https://huggingface.co/c/d)")
    ('https://github.com/a/b', 'https://huggingface.co/c/d')
    """
    links: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        if _CODE_HOSTS.match(url):
            links[url] = None
    return tuple(links)


def content_id(title: str, abstract: str) -> str:
    """A stable id for a paper the input gives no arXiv id for."""
    digest = hashlib.sha256(f"{normalise_title(title)}\n{normalise_title(abstract)}".encode()).hexdigest()
    return f"kg-{digest[:16]}"


# --- from a raw record to a Paper -------------------------------------------------------------

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "arxiv_id", "paper_id", "arxiv"),
    "title": ("title",),
    "abstract": ("abstract", "summary"),
    "authors": ("authors", "author"),
    "categories": ("categories", "category"),
    "published": ("published", "publishedAt", "update_date", "date", "submittedOnDailyAt"),
    "url": ("url", "link", "abs_url"),
}
"""Record fields tried, in order, for each Paper property. ``--field`` puts a name in front."""


def field_names(overrides: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """The field candidates with user overrides (``{"abstract": "paperAbstract"}``) tried first."""
    names = dict(DEFAULT_FIELDS)
    for prop, name in (overrides or {}).items():
        if prop not in names:
            raise InputError(f"--field {prop}=…: {prop!r} is not one of {', '.join(names)}")
        names[prop] = (name, *names[prop])
    return names


def _first(record: Mapping[str, Any], names: Iterable[str]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def _as_names(value: Any) -> tuple[str, ...]:
    """Authors from a list of strings, a list of {"name": …}, or 'A, B and C'."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = re.split(r",\s*|\s+and\s+|;\s*", value)
    elif isinstance(value, list):
        parts = [item.get("name", "") if isinstance(item, dict) else str(item) for item in value]
    else:
        parts = [str(value)]
    return tuple(name for name in (clean_text(p) for p in parts) if name)


def _as_categories(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    parts = value.split() if isinstance(value, str) else [str(v) for v in value]
    return tuple(dict.fromkeys(clean_text(p) for p in parts if clean_text(p)))


def paper_from_record(record: Mapping[str, Any], source: str, names: Mapping[str, tuple[str, ...]]) -> Paper:
    """A Paper from one raw record; raises ValueError with a readable reason when it is unusable."""
    if isinstance(record.get("paper"), dict):  # Hugging Face daily-papers API items nest the paper
        record = {**{k: v for k, v in record.items() if k != "paper"}, **record["paper"]}
    title_value = _first(record, names["title"])
    abstract_value = _first(record, names["abstract"])
    if not isinstance(title_value, str) or not clean_text(title_value):
        raise ValueError("missing title")
    if not isinstance(abstract_value, str) or not clean_text(abstract_value):
        raise ValueError("missing abstract")
    title, abstract = clean_text(title_value), clean_text(abstract_value)

    raw_id = _first(record, names["id"])
    raw_url = _first(record, names["url"])
    url = clean_text(str(raw_url)) if raw_url is not None else None
    arxiv_id = normalise_arxiv_id(str(raw_id)) if raw_id is not None else None
    if arxiv_id is None and url:
        arxiv_id = normalise_arxiv_id(url)
    if url and not is_http_url(url):
        url = None
    if url is None and arxiv_id:
        url = f"https://arxiv.org/abs/{arxiv_id}"

    raw_date = _first(record, names["published"])
    published = normalise_date(str(raw_date)) if raw_date is not None else None
    if published is None and arxiv_id:
        published = month_of_arxiv_id(arxiv_id)

    return Paper(
        id=arxiv_id or content_id(title, abstract),
        title=title,
        abstract=abstract,
        source=source,
        arxiv_id=arxiv_id,
        url=url,
        published=published,
        authors=_as_names(_first(record, names["authors"])),
        categories=_as_categories(_first(record, names["categories"])),
        code_links=find_code_links(abstract),
    )


# --- decoding with line numbers ---------------------------------------------------------------


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


# --- the readers: one per format --------------------------------------------------------------


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
        except json.JSONDecodeError as error:
            log.problem(path, number, f"bad JSON: {error.msg} (column {error.colno})")
            continue
        yield from _paper_or_problem(record, path, number, log, names)


def _paper_or_problem(record: Any, path: str, line: int, log: ReadLog, names: Mapping) -> Iterator[Paper]:
    if not isinstance(record, dict):
        log.problem(path, line, f"record is a JSON {type(record).__name__}, not an object")
        return
    try:
        yield paper_from_record(record, path, names)
    except ValueError as error:
        log.problem(path, line, str(error))


def parse_json(text: str, path: str, log: ReadLog, names: Mapping | None = None) -> Iterator[Paper]:
    """A JSON array of records (arXiv metadata or Hugging Face daily papers), or one record,
    or an object holding such an array under ``papers``/``data``/``items``/``results``."""
    names = names or DEFAULT_FIELDS
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        log.records += 1
        log.problem(path, error.lineno, f"bad JSON: {error.msg} (column {error.colno}); file skipped")
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
        yield from _paper_or_problem(record, path, starts[index] if index < len(starts) else 1, log, names)


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


def parse_csv(lines: Iterable[str], path: str, log: ReadLog, names: Mapping | None = None,
              bad_lines: set[int] | None = None) -> Iterator[Paper]:
    """CSV with a header row; quoted fields may hold commas and newlines."""
    names = names or DEFAULT_FIELDS
    bad_lines = bad_lines if bad_lines is not None else set()
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as error:
        log.problem(path, 1, f"bad CSV header: {error}")
        return
    first_line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            log.records += 1
            log.problem(path, first_line, f"bad CSV: {error}")
            first_line = reader.line_num + 1
            continue
        line, first_line = first_line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        log.records += 1
        if any(number in bad_lines for number in range(line, first_line)):
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


# --- dispatch ---------------------------------------------------------------------------------

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


def merge_papers(kept: Paper, duplicate: Paper) -> Paper:
    """The first record wins; the duplicate fills what the first lacks and adds list items."""
    def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*a, *b)))

    return replace(
        kept,
        arxiv_id=kept.arxiv_id or duplicate.arxiv_id,
        id=kept.arxiv_id or duplicate.arxiv_id or kept.id,
        url=kept.url or duplicate.url,
        published=kept.published or duplicate.published,
        authors=kept.authors or duplicate.authors,
        categories=union(kept.categories, duplicate.categories),
        code_links=union(kept.code_links, duplicate.code_links),
    )


def read_papers(paths: Iterable[Path | str], log: ReadLog, fmt: str | None = None,
                fields: Mapping[str, str] | None = None) -> list[Paper]:
    """All distinct papers of the inputs, in input order.

    Duplicates merge by arXiv id, then by normalised title (two different arXiv ids never
    merge). Raises :class:`InputError` when an input is missing or unreadable, or when no
    paper at all could be read.
    """
    papers: list[Paper] = []
    by_arxiv_id: dict[str, int] = {}
    by_title: dict[str, int] = {}
    for path in input_files([Path(p) for p in paths], fmt):
        for paper in read_file(path, log, fmt, fields):
            title = normalise_title(paper.title)
            index = by_arxiv_id.get(paper.arxiv_id) if paper.arxiv_id else None
            if index is None and title in by_title:
                candidate = by_title[title]
                if paper.arxiv_id is None or papers[candidate].arxiv_id is None:
                    index = candidate
            if index is None:
                index = len(papers)
                papers.append(paper)
            else:
                log.merged += 1
                papers[index] = merge_papers(papers[index], paper)
            by_title.setdefault(title, index)
            if papers[index].arxiv_id:
                by_arxiv_id[papers[index].arxiv_id] = index
    if not papers:
        detail = f" ({log.skipped} malformed records)" if log.skipped else ""
        raise InputError(f"no paper could be read from the input{detail}")
    return papers
