"""Shared fixtures: the seed build (made once per session), the browser, hostile graphs, a real
Neo4j server (see neo4j_fixtures.py), and small extraction helpers."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from neo4j_fixtures import empty_database, neo4j_driver, neo4j_target  # noqa: F401  (registers the fixtures)

from kg.assemble import build_graph
from kg.build import build, graph_of
from kg.extract import extract
from kg.extract.resolve.lexicon import Lexicon, LexiconEntry
from kg.extract.resolve.resolver import Resolver
from kg.read import ReadLog, read_papers
from kg.records import Concept, Mention, Paper
from kg.schema import check_graph

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_PAPERS = 75
"""Papers in seeds/: 51 on the daily-papers page, 24 arXiv records (seeds/README.md)."""
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The graph of seeds/ and the folder its exports were written to."""
    out = tmp_path_factory.mktemp("seed-build")
    graph, summary = build([SEEDS], out)
    return graph, summary, out


@pytest.fixture(scope="session")
def seed_graph(seed_build) -> nx.MultiDiGraph:
    return seed_build[0]


@pytest.fixture(scope="session")
def sample_graph() -> nx.MultiDiGraph:
    """The graph of the committed 1,000-abstract corpus sample (tests/data/corpus-sample.jsonl.gz),
    built once per session: the page tests of both views and both browsers share it."""
    return graph_of([DATA / "corpus-sample.jsonl.gz"])


@pytest.fixture(scope="session")
def seed_papers() -> list[Paper]:
    return read_papers([SEEDS], ReadLog())


def wait_for(condition, deadline: float = 120.0, interval: float = 0.005) -> bool:
    """Poll ``condition`` until it holds (True) or ``deadline`` seconds pass (False): the one way
    the tests wait for another process, never a fixed sleep."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(interval)
    return False


def cached_records(cache: Path) -> int:
    """How many stage-1 records the cache file holds (0 before it is created), read through a
    read-only connection that is closed again (an open one would keep the WAL index on the disk)."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(sqlite3.connect(f"file:{cache}?mode=ro", uri=True)) as connection:
            return connection.execute("SELECT count(*) FROM spotted").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


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


@pytest.fixture(scope="session")
def browser():
    """A Chromium context; skipped where no browser is installed, but a failure when
    KG_REQUIRE_BROWSER=1 (CI), so a missing browser can never pass as green."""
    from tools.browser import BrowserUnavailable, chromium

    try:
        with chromium() as context:
            yield context
    except BrowserUnavailable as error:
        if os.environ.get("KG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KG_REQUIRE_BROWSER=1 but no browser: {error}")
        pytest.skip(f"no browser: {error}")


@pytest.fixture(scope="session")
def malicious_graph() -> nx.MultiDiGraph:
    """Papers whose titles, abstracts, authors, links and one concept carry script payloads;
    the papers go through the real reader and extractor, then one hand-made concept and a
    javascript: link are added (the reader itself drops such links)."""
    papers = read_papers([DATA / "malicious-papers.jsonl"], ReadLog())
    extraction = extract(papers)
    first = replace(papers[0], url="javascript:alert(5)", code_links=("javascript:alert(11)",))
    evil = Concept(key="<img src=x onerror=alert(12)>", name="<img src=x onerror=alert(12)>", type="model",
                   benchmark=False, aliases=("</script><script>alert(13)</script>", "href"), paper_count=1,
                   mention_count=1)
    title = first.title
    mention = Mention(first.id, "title", 0, 28, title[:28], "model", "test", title, evil.key, "PROPOSES", "")
    graph = build_graph([first, *papers[1:]], {**extraction.resolution.concepts, evil.key: evil},
                        [*extraction.resolution.mentions, mention])
    check_graph(graph)
    return graph
