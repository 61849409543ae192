"""The record a build keeps beside its exports: its settings and its papers as read, in build
order, so ``kg update`` can build again with more (or fewer) papers without the old inputs.

One gzipped JSON Lines file, :data:`RECORD`: a header line (``{"kg_build_record": 1,
"papers": N, "settings": {...}}``), then one :class:`~kg.records.Paper` a line. It is written
as one more file of the export set (:func:`kg.export.write_exports`), so it always describes
the exports beside it: a killed build leaves the previous record with the previous exports.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / RECORD
>>> paper = Paper(id="2401.00001", title="T", abstract="A.", source="x.jsonl", authors=("Ada",))
>>> write_record(path, BuildSettings(), [paper])
>>> read_record(path) == (BuildSettings(), [paper])
True
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from kg.assemble import LinkSettings
from kg.errors import InputError
from kg.export import EXPORTS, FILE_EXPORTS
from kg.export.display import ExportOptions
from kg.export.files import atomic_output, json_text
from kg.records import Paper

RECORD = ".kg-papers.jsonl.gz"
"""The build record's file name in the output folder."""
_VERSION = 1
_TUPLES = ("authors", "categories", "code_links")
_OPTIONAL = ("arxiv_id", "url", "published")


@dataclass(frozen=True)
class BuildSettings:
    """What a build was asked for besides its inputs: ``kg update`` builds again with these.

    ``curation``: the curation file, read again by every update (None: none); ``cache``: the
    stage-1 cache (None: none kept), stored relative to the output folder when inside it."""

    formats: tuple[str, ...] = EXPORTS
    fmt: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    links: LinkSettings = LinkSettings()
    options: ExportOptions = ExportOptions()
    curation: Path | None = None
    cache: Path | None = None


def write_record(path: Path, settings: BuildSettings, papers: Sequence[Paper]) -> None:
    """Write the record of a build of ``papers`` with ``settings`` at ``path`` (atomically)."""
    header = {"kg_build_record": _VERSION, "papers": len(papers), "settings": _settings_data(settings, path.parent)}
    with atomic_output(path, binary=True) as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=1, mtime=0) as zipped:
            text = io.TextIOWrapper(zipped, encoding="utf-8", newline="\n")
            text.write(json_text(header) + "\n")
            text.writelines(json_text(_paper_data(paper)) + "\n" for paper in papers)
            text.flush()
            text.detach()


def read_record(path: Path) -> tuple[BuildSettings, list[Paper]]:
    """The settings and papers of the build recorded at ``path``. Raises
    :class:`~kg.errors.InputError` when there is none or it is damaged."""
    where, papers = f"{path}:1", []
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as handle:
            header = json.loads(handle.readline() or "null")
            if not isinstance(header, dict) or header.get("kg_build_record") != _VERSION:
                raise ValueError("not a kg build record (or one of another kg version)")
            settings = _settings(header.get("settings"), path.parent)
            for number, line in enumerate(handle, start=2):
                where = f"{path}:{number}"
                papers.append(_paper(json.loads(line)))
        where = str(path)
        if header.get("papers") != len(papers) or not papers:
            raise ValueError(f"it holds {len(papers)} papers, its header says {header.get('papers')}")
    except FileNotFoundError:
        raise InputError(f"{path.parent}: no record of a kg build ({RECORD}): not a folder kg build wrote, "
                         "or one an older kg wrote; run kg build with all the inputs once") from None
    except (ValueError, TypeError, RecursionError, EOFError, zlib.error) as error:  # UnicodeDecodeError is a ValueError
        raise InputError(f"{where}: damaged build record ({error or 'it ends early'}); "
                         "run kg build with all the inputs again") from error
    except OSError as error:  # unreadable, or not gzip data (gzip.BadGzipFile)
        raise InputError(f"{path}: cannot read the build record: {error.strerror or error}; "
                         "run kg build with all the inputs again") from error
    return settings, papers


def _paper_data(paper: Paper) -> dict[str, Any]:
    return {name: list(value) if name in _TUPLES else value
            for name, value in ((f.name, getattr(paper, f.name)) for f in dataclasses.fields(Paper))}


def _paper(data: Any) -> Paper:
    names = [f.name for f in dataclasses.fields(Paper)]
    if not isinstance(data, dict) or sorted(data) != sorted(names):
        raise ValueError(f"a paper is an object of {', '.join(names)}")
    for name in names:
        value = data[name]
        if name in _TUPLES:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ValueError(f"{name} is not a list of strings")
        elif not isinstance(value, str) and not (value is None and name in _OPTIONAL):
            raise ValueError(f"{name} is not a string")
    return Paper(**{name: tuple(data[name]) if name in _TUPLES else data[name] for name in names})


def _settings_data(settings: BuildSettings, folder: Path) -> dict[str, Any]:
    def stored(path: Path | None) -> str | None:
        if path is None:
            return None
        path = path.resolve()
        return str(path.relative_to(folder.resolve()) if path.is_relative_to(folder.resolve()) else path)

    return {"formats": list(settings.formats), "fmt": settings.fmt, "fields": dict(settings.fields),
            "links": dataclasses.asdict(settings.links), "options": dataclasses.asdict(settings.options),
            "curation": stored(settings.curation), "cache": stored(settings.cache)}


def _settings(data: Any, folder: Path) -> BuildSettings:
    if not isinstance(data, dict) or sorted(data) != sorted(_settings_data(BuildSettings(), folder)):
        raise ValueError("the settings are not the ones kg build records")
    from kg.build import BULK_CSV
    from kg.read import FORMATS
    from kg.read.fields import DEFAULT_FIELDS

    formats, fields = data["formats"], data["fields"]
    if not isinstance(formats, list) or not formats or not set(formats) <= {*FILE_EXPORTS, BULK_CSV}:
        raise ValueError("formats is not a list of exports")
    if not isinstance(fields, dict) or not set(fields) <= set(DEFAULT_FIELDS) or \
            not all(isinstance(value, str) for value in fields.values()):
        raise ValueError("fields is not a mapping of paper properties to field names")
    if data["fmt"] is not None and data["fmt"] not in FORMATS:
        raise ValueError("fmt is not an input format")
    for name in ("curation", "cache"):
        if data[name] is not None and not isinstance(data[name], str):
            raise ValueError(f"{name} is not a path")
    return BuildSettings(
        formats=tuple(formats), fmt=data["fmt"], fields=fields,
        links=_same_types(LinkSettings, data["links"]), options=_same_types(ExportOptions, data["options"]),
        curation=folder / data["curation"] if data["curation"] is not None else None,
        cache=folder / data["cache"] if data["cache"] is not None else None,
    )


def _same_types(cls: type, data: Any):
    """An instance of the dataclass ``cls`` from ``data``: every field, each of its default's type."""
    defaults = dataclasses.asdict(cls())
    if not isinstance(data, dict) or sorted(data) != sorted(defaults):
        raise ValueError(f"{cls.__name__} holds other fields than {', '.join(defaults)}")
    for name, value in data.items():
        kind = type(defaults[name])
        if type(value) is not kind and not (kind is float and type(value) is int):
            raise ValueError(f"{cls.__name__}.{name} is not a {kind.__name__}")
    return cls(**data)
