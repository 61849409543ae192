"""Shared fixtures: the seed graph (built from seeds/ once per session) and the browser."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest

from kg.build import assemble, extract
from kg.concepts import Concept, Mention
from kg.graph import build_graph
from kg.papers import ReadLog, read_papers
from kg.schema import check_graph

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def build_graph_of(paths: list[Path]) -> nx.MultiDiGraph:
    """The canonical graph of some input files, built in memory by the real pipeline."""
    return assemble(extract(read_papers(paths, ReadLog())))


@pytest.fixture(scope="session")
def seed_graph() -> nx.MultiDiGraph:
    return build_graph_of([ROOT / "seeds"])


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
