"""How much do RELATED_TO weights churn when papers are added, and what does the weighting change?

    .venv/bin/python benchmarks/related_weight_churn.py [--start 0] [--papers 10000] [--added 50]

Extracts corpus lines START … START+PAPERS (the base build) and START … START+PAPERS+ADDED (the
update), both with one stage-1 cache (a temporary folder, or --cache), then links both with the
weighting `kg build` uses (:func:`kg.assemble.concept_weight`: ln(reference / paper count),
rounded) and with the weighting before issue 15 (ln(N / paper count), N the graph's paper count,
unrounded). Prints, per weighting: the top-10 neighbours' mean Jaccard with the old ones, the
share of neighbours in the paper's primary arXiv category, and the RELATED_TO created / updated
(weight or shared list differs) / removed by the update. docs/quality.md has the figures for
--start 0 (dev) and --start 20000 (test).
"""

from __future__ import annotations

import argparse
import gzip
import math
import tempfile
from collections import defaultdict
from itertools import islice
from pathlib import Path

import numpy as np

import kg.assemble as assemble
from kg.assemble import LinkSettings, related_pairs
from kg.extract import extract
from kg.read import ReadLog
from kg.read.formats import parse_jsonl

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"


def linked(papers, cache: Path):
    """(paper → concept keys, paper count, paper → primary category, paper–concept relationships)."""
    extraction = extract(papers, cache_path=cache)
    concepts = defaultdict(set)
    for mention in extraction.resolution.mentions:
        concepts[mention.paper_id].add(mention.concept)
    categories = {p.id: (p.categories[0] if p.categories else None) for p in extraction.papers}
    evidence = len({(m.paper_id, m.concept, m.relation) for m in extraction.resolution.mentions})
    return concepts, len(extraction.papers), categories, evidence


def pairs(concepts, total: int, old: bool):
    if not old:
        return related_pairs(concepts, total)
    current = assemble.concept_weight
    assemble.concept_weight = lambda count, links=LinkSettings(): math.log(total / count)
    try:
        return related_pairs(concepts, total)
    finally:
        assemble.concept_weight = current


def neighbours(links, k: int = 10) -> dict[str, set[str]]:
    weights = defaultdict(list)
    for a, b, weight, _ in links:
        weights[a].append((-weight, b))
        weights[b].append((-weight, a))
    return {p: {q for _, q in sorted(ws)[:k]} for p, ws in weights.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--added", type=int, default=50)
    parser.add_argument("--cache", type=Path, help="stage-1 cache file (default: a temporary one)")
    args = parser.parse_args()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = list(parse_jsonl(islice(lines, args.start, args.start + args.papers + args.added),
                                   str(CORPUS), ReadLog()))
    with tempfile.TemporaryDirectory() as folder:
        cache = args.cache or Path(folder) / "cache.sqlite"
        base = linked(records[: args.papers], cache)
        update = linked(records, cache)
    old_neighbours = neighbours(pairs(base[0], base[1], old=True))
    print("| weighting | Jaccard with old | same category | RELATED_TO created / updated / removed "
          "(of the update's) | share of all relationships |")
    print("|---|---|---|---|---|")
    for name, old in (("ln(N / count) (before issue 15)", True), ("concept_weight (now)", False)):
        before, after = pairs(base[0], base[1], old), pairs(update[0], update[1], old)
        found = neighbours(before)
        jaccard = np.mean([len(old_neighbours[p] & found.get(p, set())) / len(old_neighbours[p] | found.get(p, set()))
                           for p in old_neighbours])
        agree = np.mean([np.mean([base[2][q] == base[2][p] for q in qs]) for p, qs in found.items() if qs])
        e0 = {(a, b): (w, tuple(s)) for a, b, w, s in before}
        e1 = {(a, b): (w, tuple(s)) for a, b, w, s in after}
        created, removed = len(e1.keys() - e0.keys()), len(e0.keys() - e1.keys())
        updated = sum(1 for key in e0.keys() & e1.keys() if e0[key] != e1[key])
        changed = created + updated + removed
        print(f"| {name} | {jaccard:.3f} | {agree:.3f} | {created:,} / {updated:,} / {removed:,} of {len(e1):,} "
              f"({changed / len(e1):.1%}) | {changed / (len(e1) + update[3]):.1%} |")


if __name__ == "__main__":
    main()
