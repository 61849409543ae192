"""Link quality of RELATED_TO against a TF-IDF cosine baseline on the same abstracts.

    .venv/bin/python benchmarks/link_quality.py [--papers 10000] [--top-k 10] [--seed 1]

Draws papers from ../shared/corpus/arxiv-cs-2025.jsonl.gz (seeded), extracts concepts with the
default pipeline and links papers as `kg build` does (IDF-weighted shared concepts, the default
LinkSettings). For every paper, its top-k neighbours by weight; the score is the share of them
whose primary arXiv category (the first listed) is the paper's own, averaged over the papers
that have neighbours. The baseline ranks neighbours by the cosine of TF-IDF vectors of title +
abstract (words of 2+ letters, English stop words out, sublinear tf, l2 norm). Also printed:
how many papers get any neighbour, the score of both on the papers both link, and chance (the
share of random pairs in one category).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from scipy import sparse

from kg.assemble import LinkSettings, related_pairs
from kg.extract import extract
from kg.records import Paper

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"
STOP_WORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how however i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such
than that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves via
using based show shows shown propose proposed paper approach method methods results new novel""".split())


def sample_papers(n: int, seed: int) -> list[Paper]:
    """``n`` corpus papers drawn at random (reservoir sampling, so the file is read once)."""
    rng = random.Random(seed)
    chosen: list[dict] = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if len(chosen) < n:
                chosen.append(json.loads(line))
            elif (j := rng.randrange(i + 1)) < n:
                chosen[j] = json.loads(line)
    return [Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source="corpus",
                  categories=tuple(r.get("categories") or ())) for r in chosen]


def concept_neighbours(papers: list[Paper], top_k: int) -> dict[str, list[str]]:
    """Each paper's top-k RELATED_TO neighbours, heaviest first."""
    mentions = extract(papers).resolution.mentions
    concepts: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        concepts[m.paper_id].add(m.concept)
    weights: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for a, b, weight, _ in related_pairs(concepts, len(papers), LinkSettings(top_k=top_k)):
        weights[a].append((weight, b))
        weights[b].append((weight, a))
    return {p: [q for _, q in sorted(ws, key=lambda t: (-t[0], t[1]))[:top_k]] for p, ws in weights.items()}


def tfidf_neighbours(papers: list[Paper], top_k: int, block: int = 2048) -> dict[str, list[str]]:
    """Each paper's top-k neighbours by TF-IDF cosine of title + abstract."""
    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for i, paper in enumerate(papers):
        counts = Counter(w for w in re.findall(r"[a-z][a-z0-9\-]+", f"{paper.title} {paper.abstract}".lower())
                         if w not in STOP_WORDS)
        for word, count in counts.items():
            rows.append(i)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            values.append(1 + math.log(count))
    tf = sparse.csr_matrix((values, (rows, cols)), shape=(len(papers), len(vocabulary)))
    df = np.bincount(tf.indices, minlength=len(vocabulary))
    matrix = tf @ sparse.diags(np.log(len(papers) / df) + 1)
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    matrix = sparse.diags(1 / np.maximum(norms, 1e-12)) @ matrix
    transposed = matrix.T.tocsc()
    result = {}
    for start in range(0, len(papers), block):
        scores = (matrix[start:start + block] @ transposed).toarray()
        for offset, row in enumerate(scores):
            i = start + offset
            row[i] = -1
            best = np.argpartition(-row, top_k)[:top_k]
            result[papers[i].id] = [papers[j].id for j in sorted(best, key=lambda j: (-row[j], papers[j].id)) if row[j] > 0]
    return result


def same_category_share(neighbours: dict[str, list[str]], category: dict[str, str], only: set[str] | None = None) -> tuple[float, int]:
    """Mean share of a paper's neighbours in its primary category, and over how many papers."""
    shares = [sum(category[q] == category[p] for q in qs) / len(qs)
              for p, qs in neighbours.items() if qs and (only is None or p in only)]
    return (sum(shares) / len(shares) if shares else 0.0), len(shares)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    papers = [p for p in sample_papers(args.papers, args.seed) if p.categories]
    category = {p.id: p.categories[0] for p in papers}
    started = time.perf_counter()
    linked = concept_neighbours(papers, args.top_k)
    concept_seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = tfidf_neighbours(papers, args.top_k)
    tfidf_seconds = time.perf_counter() - started
    counts = Counter(category.values())
    chance = sum((c / len(papers)) ** 2 for c in counts.values())
    both = {p for p, qs in linked.items() if qs} & {p for p, qs in baseline.items() if qs}
    print(f"{len(papers)} corpus papers (seed {args.seed}), top-{args.top_k} neighbours, primary arXiv category")
    print(f"{'links':<26} {'papers linked':>14} {'same category':>14} {'on papers both link':>20} {'seconds':>8}")
    for name, neighbours, seconds in (("RELATED_TO (concepts)", linked, concept_seconds),
                                      ("TF-IDF cosine", baseline, tfidf_seconds)):
        share, linked_papers = same_category_share(neighbours, category)
        on_both, _ = same_category_share(neighbours, category, both)
        print(f"{name:<26} {linked_papers:>14} {share:>14.3f} {on_both:>20.3f} {seconds:>8.1f}")
    print(f"{'chance (random pairs)':<26} {'':>14} {chance:>14.3f}")


if __name__ == "__main__":
    main()
