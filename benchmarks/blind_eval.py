"""Entities and typed relations on the blind set (``benchmarks/data/blind``), dev and test apart.

    .venv/bin/python benchmarks/blind_eval.py                 # dev only: the half rules may be tuned on
    .venv/bin/python benchmarks/blind_eval.py --test          # dev and test side by side (report only)
    .venv/bin/python benchmarks/blind_eval.py --errors        # dev: every wrong relation and entity error

Each half is extracted on its own (title and abstract, as ``kg build`` reads a paper), so the
corpus stage's votes of one half never reach the other. Printed per half:

- entity exact F1 per type (abstract mentions only, every occurrence, as annotated; benchmark
  scored as dataset), with precision and recall, and the wrong-type share of the false
  positives (a gold span of another type covers them with character IoU ≥ 0.5);
- typed-relation accuracy over the annotated paper–concept pairs the extractor finds (a gold
  concept is found when a predicted mention of the same field overlaps one of its mentions with
  character IoU ≥ 0.5; the predicted concept with most such mentions), and over all annotated
  pairs with a concept not found counted as wrong;
- the text-blind type-default baseline on the same pairs: the gold type alone decides
  (model/method → USES, task → ADDRESSES, dataset/benchmark → EVALUATES_ON);
- per relation, the precision of the predicted relation and its recall, over found pairs;
  COMPARES_WITH recall is an acceptance figure.

The test half is sealed: read its errors never; print it only to report (``--test``).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.evaluate import BASE_FOLD, SCORED_LABELS, Span, score
from kg.extract import extract
from kg.records import Paper
from kg.schema import ADDRESSES, EVALUATES_ON, USES

BLIND = Path(__file__).resolve().parent / "data" / "blind" / "abstracts.jsonl"
TYPE_DEFAULT = {"method": USES, "model": USES, "task": ADDRESSES, "dataset": EVALUATES_ON, "benchmark": EVALUATES_ON}
RELATIONS = ("PROPOSES", "EVALUATES_ON", "ADDRESSES", "USES", "COMPARES_WITH", "MENTIONS")


@dataclass
class HalfScores:
    """What one half scores: entity tallies, relation pairs (gold, predicted or None, baseline)."""

    entities: object = None
    pairs: list[tuple[str, str, str | None, str, str]] = field(default_factory=list)  # id, name, gold, predicted, baseline

    @property
    def found(self) -> list[tuple[str, str, str | None, str, str]]:
        return [pair for pair in self.pairs if pair[3] is not None]

    @staticmethod
    def accuracy(pairs) -> float:
        return sum(g == p for _, _, g, p, _ in pairs) / len(pairs) if pairs else 0.0

    @staticmethod
    def baseline(pairs) -> float:
        return sum(g == b for _, _, g, _, b in pairs) / len(pairs) if pairs else 0.0

    def precision(self, relation: str) -> tuple[float, int]:
        predicted = [(g, p) for _, _, g, p, _ in self.found if p == relation]
        return (sum(g == p for g, p in predicted) / len(predicted) if predicted else 0.0), len(predicted)

    def recall(self, relation: str) -> tuple[float, int]:
        gold = [(g, p) for _, _, g, p, _ in self.found if g == relation]
        return (sum(g == p for g, p in gold) / len(gold) if gold else 0.0), len(gold)


def read_blind(path: Path = BLIND) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap / (max(a[1], b[1]) - min(a[0], b[0])) if overlap > 0 else 0.0


def score_half(records: list[dict]) -> tuple[HalfScores, list]:
    """The scores of one half and the extractor's mentions on it."""
    papers = [Paper(id=r["id"], title=r["title"], abstract=r["abstract"], source="corpus") for r in records]
    mentions = extract(papers).resolution.mentions
    relation_of = {(m.paper_id, m.concept): m.relation for m in mentions}
    by_paper_field: dict[tuple[str, str], list] = defaultdict(list)
    for m in mentions:
        by_paper_field[(m.paper_id, m.field)].append(m)
    scores = HalfScores()
    gold_spans = [Span(r["id"], s["start"], s["end"], BASE_FOLD.get(c["type"], c["type"]))
                  for r in records for c in r["concepts"] for s in c["mentions"] if s["field"] == "abstract"]
    predicted_spans = [Span(m.paper_id, m.start, m.end, m.label) for m in mentions if m.field == "abstract"]
    scores.entities = score(gold_spans, predicted_spans, texts={r["id"]: r["abstract"] for r in records})
    for r in records:
        for concept in r["concepts"]:
            votes = Counter()
            for gold in concept["mentions"]:
                for m in by_paper_field[(r["id"], gold["field"])]:
                    if _iou((gold["start"], gold["end"]), (m.start, m.end)) >= 0.5:
                        votes[m.concept] += 1
            key = min(votes, key=lambda k: (-votes[k], k)) if votes else None
            predicted = relation_of.get((r["id"], key)) if key else None
            scores.pairs.append((r["id"], concept["name"], concept["relation"], predicted, TYPE_DEFAULT[concept["type"]]))
    return scores, mentions


def table(halves: dict[str, HalfScores]) -> str:
    names = list(halves)
    lines = ["entity exact F1 (P / R), abstract mentions", f"  {'type':<9}" + "".join(f"{n:>24}" for n in names)]
    for label in (*SCORED_LABELS, "micro"):
        cells = []
        for n in names:
            t = halves[n].entities.exact[label]
            cells.append(f"{t.f1:.3f} ({t.precision:.2f}/{t.recall:.2f}) n={t.tp + t.fn}")
        lines.append(f"  {label:<9}" + "".join(f"{c:>24}" for c in cells))
    lines.append(f"  {'wrong type':<9}" + "".join(
        f"{halves[n].entities.exact['micro'].wrong_type_share:.3f} of {halves[n].entities.exact['micro'].fp} FP".rjust(24)
        for n in names))
    lines.append("typed relations")
    for title, pick in (("found pairs", lambda h: h.found), ("all pairs, not found = wrong", lambda h: h.pairs)):
        lines.append(f"  {title}")
        lines.append(f"    {'pairs':<28}" + "".join(f"{len(pick(halves[n])):>12}" for n in names))
        lines.append(f"    {'accuracy':<28}" + "".join(f"{HalfScores.accuracy(pick(halves[n])):>12.3f}" for n in names))
        lines.append(f"    {'type-default baseline':<28}" + "".join(f"{HalfScores.baseline(pick(halves[n])):>12.3f}" for n in names))
        lines.append(f"    {'accuracy - baseline':<28}" + "".join(
            f"{HalfScores.accuracy(pick(halves[n])) - HalfScores.baseline(pick(halves[n])):>+12.3f}" for n in names))
    lines.append("  per relation: precision of the predicted relation / n predicted, recall / n gold (found pairs)")
    for relation in RELATIONS:
        cells = []
        for n in names:
            p, np_ = halves[n].precision(relation)
            r, nr = halves[n].recall(relation)
            cells.append(f"P {p:.2f}/{np_:<3} R {r:.2f}/{nr:<3}")
        lines.append(f"  {relation:<16}" + "".join(f"{c:>26}" for c in cells))
    return "\n".join(lines)


def errors(half: HalfScores) -> str:
    lines = ["wrong relations (gold -> predicted):"]
    for paper, name, gold, predicted, _ in half.pairs:
        if gold != predicted:
            lines.append(f"  {paper} {name!r}: {gold} -> {predicted}")
    confusion = Counter((g, p) for _, _, g, p, _ in half.pairs if g != p)
    lines.append("confusion: " + ", ".join(f"{g}->{p} {n}" for (g, p), n in confusion.most_common()))
    for title, table_ in (("false positives", half.entities.false_positives), ("misses", half.entities.misses)):
        for label in SCORED_LABELS:
            common = ", ".join(f"{t!r}×{n}" for t, n in table_[label].most_common(40))
            if common:
                lines.append(f"{title} ({label}): {common}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--test", action="store_true", help="also score the sealed test half (report only)")
    parser.add_argument("--errors", action="store_true", help="list the dev half's errors")
    args = parser.parse_args()
    records = read_blind()
    halves = {}
    for split in ("dev", "test") if args.test else ("dev",):
        halves[split], _ = score_half([r for r in records if r["split"] == split])
    print(table(halves))
    if args.errors:
        print(errors(halves["dev"]))


if __name__ == "__main__":
    main()
