#!/usr/bin/env python3
"""Draw paper–concept pairs for hand-labelling their relation (the fixture behind
``tests/data/relations-gold.jsonl``).

Papers: the first N of seeds/ and a random sample of the arXiv corpus. Pairs: up to K concepts
per paper, drawn at random from what the extractor finds. Each line carries the paper's text,
the concept and its evidence sentences, and an empty ``relation`` for the labeller to fill in;
the extractor's own relation is left out on purpose, so the labels are not nudged by it.

    .venv/bin/python tools/sample_relation_pairs.py --out /tmp/pairs.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
from itertools import islice
from pathlib import Path

from kg.extract import extract
from kg.read import ReadLog, read_file, read_papers

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"


def sample_papers(seed_count: int, corpus_count: int, rng: random.Random) -> list:
    """The first ``seed_count`` seed papers and ``corpus_count`` corpus papers drawn from its first 20,000."""
    seeds = read_papers([ROOT / "seeds"], ReadLog())[:seed_count]
    pool = list(islice(read_file(CORPUS, ReadLog()), 20_000))
    return seeds + rng.sample(pool, corpus_count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--corpus", type=int, default=30)
    parser.add_argument("--per-paper", type=int, default=3)
    parser.add_argument("--random-seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.random_seed)
    papers = sample_papers(args.seeds, args.corpus, rng)
    resolution = extract(papers).resolution
    with open(args.out, "w", encoding="utf-8") as out:
        for paper in papers:
            mentions = [m for m in resolution.mentions if m.paper_id == paper.id]
            keys = sorted({m.concept for m in mentions})
            for key in sorted(rng.sample(keys, min(args.per_paper, len(keys)))):
                concept = resolution.concepts[key]
                evidence = sorted({m.sentence for m in mentions if m.concept == key})
                out.write(json.dumps({
                    "paper_id": paper.id, "title": paper.title, "abstract": paper.abstract,
                    "concept": key, "name": concept.name, "type": concept.type,
                    "evidence": evidence, "relation": "",
                }, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
