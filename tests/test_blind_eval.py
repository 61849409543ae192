"""benchmarks/blind_eval.py's scoring, on a made-up paper (never on the blind set itself, whose
test half is sealed)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import blind_eval  # noqa: E402

ABSTRACT = "We fine-tune BERT on SQuAD for question answering and compare with RoBERTa."


def _mention(name: str, type_: str, relation: str) -> dict:
    start = ABSTRACT.index(name)
    return {"name": name, "type": type_, "relation": relation,
            "mentions": [{"field": "abstract", "start": start, "end": start + len(name), "text": name}]}


def test_pairs_baseline_and_entities_on_a_made_up_paper():
    record = {"id": "x:1", "split": "dev", "title": "A made-up paper", "abstract": ABSTRACT, "concepts": [
        _mention("BERT", "model", "USES"), _mention("SQuAD", "benchmark", "EVALUATES_ON"),
        _mention("question answering", "task", "ADDRESSES"), _mention("RoBERTa", "model", "COMPARES_WITH"),
        {"name": "Nowhere", "type": "method", "relation": "PROPOSES", "mentions": []},
    ]}
    half, mentions = blind_eval.score_half([record])
    assert mentions, "the extractor finds the names"
    by_name = {name: (gold, predicted, base) for _, name, gold, predicted, base in half.pairs}
    assert by_name["Nowhere"] == ("PROPOSES", None, "USES")
    assert by_name["SQuAD"][2] == "EVALUATES_ON" and by_name["question answering"][2] == "ADDRESSES"
    assert len(half.found) == 4 and len(half.pairs) == 5
    assert half.baseline(half.pairs) == 3 / 5
    assert half.entities.exact["model"].tp + half.entities.exact["model"].fn == 2
    text = blind_eval.table({"dev": half})
    assert "type-default baseline" in text and "COMPARES_WITH" in text
