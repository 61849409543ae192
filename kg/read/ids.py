"""Identifiers and links read from records: arXiv ids, dates, http(s) URLs, code links, and
the content id of a paper that has no arXiv id."""

from __future__ import annotations

import hashlib
import re

from kg.read.text import normalise_title

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
    match = _ARXIV_NEW.fullmatch(value)
    if match:
        return match.group(1) if _possible_new_id(match.group(1)) else None
    match = _ARXIV_OLD.fullmatch(value)
    return match.group(1) if match else None


def _possible_new_id(arxiv_id: str) -> bool:
    """A month 01–12 from 2007-04 on, 4 digits after the dot until 2014, 5 from 2015.

    >>> [_possible_new_id(i) for i in ("2401.00001", "2413.00001", "1412.1234", "1501.1234", "0703.1234")]
    [True, False, True, False, False]
    """
    stamp, number = arxiv_id.split(".")
    month = int(stamp[2:])
    return 1 <= month <= 12 and stamp >= "0704" and (len(number) == 4) == (stamp <= "1412")


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
