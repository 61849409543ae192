"""Shared fixtures: the seed build (made once per session) and small extraction helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build, extract
from kg.extract.lexicon import Lexicon, LexiconEntry
from kg.extract.resolve import Resolver
from kg.papers import Paper, ReadLog

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The graph of seeds/ and the folder its exports were written to."""
    out = tmp_path_factory.mktemp("seed-build")
    graph, summary = build([SEEDS], out)
    return graph, summary, out


def paper(title: str, abstract: str, paper_id: str = "p1") -> Paper:
    return Paper(id=paper_id, title=title, abstract=abstract, source="test")


def lexicon_of(*rows: tuple[str, str, str, str]) -> Lexicon:
    """A lexicon from (name, type, match, 'alias;alias') rows."""
    return Lexicon(LexiconEntry(n, t, m, tuple(a for a in aliases.split(";") if a), ("test",)) for n, t, m, aliases in rows)


def run_extraction(papers: list[Paper], lexicon: Lexicon | None = None):
    """Both extraction stages; ``lexicon`` replaces the shipped one when given."""
    resolver = Resolver(lexicon=lexicon) if lexicon is not None else None
    return extract(papers, resolver=resolver).resolution


def mentions_by_text(resolution, field: str | None = None) -> dict[str, tuple[str, str]]:
    """{mention text: (label, concept key)} — convenient for asserting on small texts."""
    return {m.text: (m.label, m.concept) for m in resolution.mentions if field is None or m.field == field}
