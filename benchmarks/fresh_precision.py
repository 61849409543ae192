"""Precision on fresh abstracts: the extractor's concepts against a reader's judgements.

    .venv/bin/python benchmarks/fresh_precision.py [JUDGED.jsonl ...]

Each data file (default: every benchmarks/data/fresh-abstracts-judged*.jsonl) holds arXiv
abstracts drawn at random from ../shared/corpus and, per abstract, every distinct (text, label)
that the extractor of main or of this branch found, judged by hand without knowing which
extractor found it: "correct" (a concept, right type; benchmark counts as dataset), "wrong type"
or "not a concept". Sample 1: 16 abstracts (seed 2026, from the first 40,000 lines); sample 2:
12 abstracts (seed 4242, after line 40,000), drawn and judged after the rules were final.
Prints, per file, the share of the current extractor's items judged correct and how many it
finds of all items judged correct. Items it finds that were never judged (after a rule change)
are counted and listed, so they can be judged in turn.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from kg.evaluate import BASE_FOLD
from kg.extract import extract
from kg.records import Paper

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    paths = [Path(a) for a in sys.argv[1:]] or sorted(DATA.glob("fresh-abstracts-judged*.jsonl"))
    for path in paths:
        report(path)


def report(path: Path) -> None:
    """Precision and yield of the current extractor on one judged sample."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    judged = {(r["id"], j["text"], j["label"]): j["judgement"] for r in records for j in r["judged"]}
    papers = [Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source="corpus") for r in records]
    found = {(m.paper_id, m.text, BASE_FOLD.get(m.label, m.label))
             for m in extract(papers).resolution.mentions}
    tally = Counter(judged.get(item, "unjudged") for item in found)
    correct_total = sum(1 for v in judged.values() if v == "correct")
    judged_found = sum(n for k, n in tally.items() if k != "unjudged")
    print(f"{path.name}: {len(papers)} abstracts, {len(found)} distinct (text, label) items found")
    for kind in ("correct", "wrong type", "not a concept", "unjudged"):
        print(f"  {kind:<14} {tally[kind]:>4}")
    print(f"precision (correct / judged found): {tally['correct'] / judged_found:.3f}")
    print(f"is a concept (correct + wrong type): {(tally['correct'] + tally['wrong type']) / judged_found:.3f}")
    print(f"found {tally['correct']} of the {correct_total} items judged correct")
    for item in sorted(i for i in found if i not in judged):
        print("  unjudged:", item)


if __name__ == "__main__":
    main()
