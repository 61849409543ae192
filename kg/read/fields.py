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
