"""From a raw record (a JSON object, a CSV row) to a :class:`~kg.records.Paper`: which field
holds which property, and what a usable paper needs."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from kg.errors import InputError
from kg.read.ids import content_id, find_code_links, is_http_url, month_of_arxiv_id, normalise_arxiv_id, normalise_date
from kg.read.text import clean_text
from kg.records import Paper

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


MAX_TEXT_CHARS = 1_000_000
"""The longest title or abstract kept (spaCy's ``max_length``); a longer one skips its record."""

_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
               float: "a number", type(None): "null"}


def _first(record: Mapping[str, Any], names: Iterable[str]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def _wrong(prop: str, value: Any, expected: str) -> ValueError:
    return ValueError(f"{prop} is {_JSON_TYPES.get(type(value), type(value).__name__)}, not {expected}")


def _scalar(value: Any, prop: str, numbers: bool = False) -> str | None:
    """A string property (an integer too when ``numbers``) as text; anything else is unusable."""
    if value is None or isinstance(value, str):
        return value
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _wrong(prop, value, "a string" + (" or an integer" if numbers else ""))


def _as_names(value: Any) -> tuple[str, ...]:
    """Authors from a list of strings, a list of {"name": …}, or 'A, B and C'."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = re.split(r",\s*|\s+and\s+|;\s*", value)
    elif isinstance(value, list):
        parts = []
        for item in value:
            name = item.get("name") if isinstance(item, dict) else item
            if not isinstance(name, str):
                raise _wrong("authors", name, 'a string or {"name": "..."} in the list')
            parts.append(name)
    else:
        raise _wrong("authors", value, "a string or a list of names")
    return tuple(name for name in (clean_text(p) for p in parts) if name)


def _as_categories(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = value
    else:
        raise _wrong("categories", value, "a string or a list of strings")
    return tuple(dict.fromkeys(clean_text(p) for p in parts if clean_text(p)))


def _text(value: Any, prop: str) -> str:
    if not isinstance(value, str) or not clean_text(value):
        raise ValueError(f"missing {prop}" if value is None or isinstance(value, str) else
                         str(_wrong(prop, value, "a string")))
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"{prop} has {len(value):,} characters, more than the {MAX_TEXT_CHARS:,} kg reads")
    return clean_text(value)


def paper_from_record(record: Mapping[str, Any], source: str, names: Mapping[str, tuple[str, ...]]) -> Paper:
    """A Paper from one raw record; raises ValueError with a readable reason when it is unusable."""
    if isinstance(record.get("paper"), dict):  # Hugging Face daily-papers API items nest the paper
        record = {**{k: v for k, v in record.items() if k != "paper"}, **record["paper"]}
    title = _text(_first(record, names["title"]), "title")
    abstract = _text(_first(record, names["abstract"]), "abstract")

    raw_id = _scalar(_first(record, names["id"]), "id", numbers=True)
    raw_url = _scalar(_first(record, names["url"]), "url")
    url = clean_text(raw_url) if raw_url is not None else None
    arxiv_id = normalise_arxiv_id(raw_id) if raw_id is not None else None
    if arxiv_id is None and url:
        arxiv_id = normalise_arxiv_id(url)
    if url and not is_http_url(url):
        url = None
    if url is None and arxiv_id:
        url = f"https://arxiv.org/abs/{arxiv_id}"

    raw_date = _scalar(_first(record, names["published"]), "published", numbers=True)
    published = normalise_date(raw_date) if raw_date is not None else None
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
