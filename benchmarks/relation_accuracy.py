"""Relation accuracy on the hand-labelled paper–concept pairs, next to the majority baseline.

    .venv/bin/python benchmarks/relation_accuracy.py [tests/data/relations-gold.jsonl]

The fixture holds papers from seeds/ and from the arXiv corpus, each with some of its concepts
and the relation a reader gives them (see tests/data/README.md). The extractor runs on those
papers; each pair's relation is the one its edge gets. Prints accuracy overall, per set (dev:
looked at while writing the relation cues; heldout: labelled afterwards and not looked at) and
per source, the majority-class baseline, and the confusion of gold and predicted relations.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kg.evaluate import pair_relations, read_relation_gold, score_relations
from kg.extract import extract

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "data" / "relations-gold.jsonl"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE
    gold = read_relation_gold(path)
    mentions = extract([item.paper for item in gold]).resolution.mentions
    predicted = pair_relations(mentions)
    print(f"{'pairs':<22} {'n':>4} {'accuracy':>9} {'majority baseline':>18}")
    groups = ["all", *sorted({item.part for item in gold}), *sorted({item.paper.source for item in gold})]
    scores = {name: score_relations([item for item in gold if name in ("all", item.part, item.paper.source)],
                                    predicted)
              for name in groups}
    for name, group in scores.items():
        print(f"{name:<22} {group.pairs:>4} {group.accuracy:>9.3f} {group.baseline:>10.3f} ({group.majority})")
    print("\ngold -> predicted (count)")
    for (expected, got), count in sorted(scores["all"].confusion.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {expected:<14} -> {got:<14} {count}")


if __name__ == "__main__":
    main()
