"""De-duplication: records of one paper merge, by arXiv id, then by normalised title (two
different arXiv ids never merge); the first record wins and the others fill its gaps."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from kg.read.log import ReadLog
from kg.read.text import normalise_title
from kg.records import Paper


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


def deduplicate(papers: Iterable[Paper], log: ReadLog) -> list[Paper]:
    """The distinct papers, in input order, each merged with its duplicates (counted in ``log``)."""
    kept: list[Paper] = []
    by_arxiv_id: dict[str, int] = {}
    by_title: dict[str, int] = {}
    for paper in papers:
        title = normalise_title(paper.title)
        index = by_arxiv_id.get(paper.arxiv_id) if paper.arxiv_id else None
        if index is None and title in by_title:
            candidate = by_title[title]
            if paper.arxiv_id is None or kept[candidate].arxiv_id is None:
                index = candidate
        if index is None:
            index = len(kept)
            kept.append(paper)
        else:
            log.merged += 1
            kept[index] = merge_papers(kept[index], paper)
        by_title.setdefault(title, index)
        if kept[index].arxiv_id:
            by_arxiv_id[kept[index].arxiv_id] = index
    return kept
