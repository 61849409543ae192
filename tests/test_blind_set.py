"""The blind evaluation set (``benchmarks/data/blind``): the committed files are what the hand
annotations produce, they validate, and ``kg eval`` reads the gold file. Nothing here runs the
extractor on the set (it was annotated blind and must stay unseen by rule work)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import annotate_blind  # noqa: E402

from kg.evaluate import read_gold  # noqa: E402


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_annotations_validate_and_reproduce_the_committed_files():
    records, errors = annotate_blind.build(require_all=True)
    assert errors == []
    assert _lines(annotate_blind.OUT) == records
    assert _lines(annotate_blind.GOLD) == [annotate_blind.gold_line(r) for r in records]


def test_split_and_size_are_as_drawn():
    drawn = _lines(annotate_blind.DRAWN)
    records = _lines(annotate_blind.OUT)
    assert [r["id"] for r in records] == [d["id"] for d in drawn]
    assert {r["id"]: r["split"] for r in records} == {d["id"]: d["split"] for d in drawn}
    assert Counter(r["split"] for r in records) == {"dev": 40, "test": 40}
    assert sum(len(r["concepts"]) for r in records) >= 200


def test_kg_eval_reads_the_gold_file_with_benchmark_folded_into_dataset():
    gold = list(read_gold(annotate_blind.GOLD))
    assert len(gold) == 80
    labels = Counter(span.label for record in gold for span in record.spans)
    assert set(labels) <= {"method", "model", "dataset", "task"} and labels["dataset"] > 0
    for record in gold:
        for span in record.spans:
            assert 0 <= span.start < span.end <= len(record.text)
    assert {r.split for r in gold} == {"dev", "test"}
    assert len(list(read_gold(annotate_blind.GOLD, splits=["test"]))) == 40
