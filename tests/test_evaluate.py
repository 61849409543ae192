"""The scorer, on spans whose scores are worked out by hand."""

from __future__ import annotations

import pytest
from conftest import DATA

from kg.evaluate import Span, read_gold, report, score


def test_exact_and_partial_matching_by_hand():
    gold = [Span("r", 0, 4, "model"), Span("r", 10, 30, "task"), Span("r", 40, 45, "dataset")]
    predicted = [
        Span("r", 0, 4, "model"),        # exact
        Span("r", 12, 30, "task"),       # IoU 18/20 = 0.9: partial only
        Span("r", 40, 45, "benchmark"),  # benchmark scores as dataset: exact
        Span("r", 50, 55, "method"),     # matches nothing
    ]
    scores = score(gold, predicted)
    assert (scores.exact["model"].tp, scores.exact["task"].tp, scores.exact["dataset"].tp) == (1, 0, 1)
    assert (scores.exact["task"].fp, scores.exact["task"].fn) == (1, 1)
    assert scores.partial["task"].tp == 1
    assert scores.exact["micro"].precision == pytest.approx(2 / 4)
    assert scores.exact["micro"].recall == pytest.approx(2 / 3)
    assert scores.partial["micro"].f1 == pytest.approx(2 * (3 / 4) * 1 / (3 / 4 + 1))


def test_partial_matching_is_one_to_one_and_needs_iou_one_half():
    gold = [Span("r", 0, 10, "task")]
    predicted = [Span("r", 0, 9, "task"), Span("r", 1, 10, "task"), Span("r", 0, 4, "task")]
    scores = score(gold, predicted)
    assert (scores.partial["task"].tp, scores.partial["task"].fp, scores.partial["task"].fn) == (1, 2, 0)


def test_labels_fold_and_unscored_gold_labels_are_left_out(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a", "text": "BERT F1", "entities": [{"start": 0, "end": 4, "label": "model"}, {"start": 5, "end": 7, "label": "metric"}]}\n')
    records = list(read_gold(path, {"model": "method"}))
    assert [s.label for s in records[0].spans] == ["method"]
    scores = score(records[0].spans, [Span("a", 0, 4, "model")], {"model": "method"})
    assert scores.exact["method"].tp == 1


def test_the_hand_annotated_sample_reads():
    records = list(read_gold(DATA / "gold-sample.jsonl"))
    assert len(records) == 6
    for record in records:
        for span in record.spans:
            assert record.text[span.start:span.end].strip() == record.text[span.start:span.end]


def test_a_false_positive_covered_by_a_gold_span_of_another_label_is_wrong_type():
    gold = [Span("r", 0, 4, "dataset"), Span("r", 10, 30, "task"), Span("r", 40, 50, "model")]
    predicted = [
        Span("r", 0, 4, "model"),      # the gold name, typed wrongly: wrong type, exact and partial
        Span("r", 12, 30, "method"),   # IoU 0.9 with a task: wrong type
        Span("r", 40, 44, "method"),   # IoU 0.4 with the model: only a false positive
        Span("r", 41, 50, "model"),    # right type, boundary off: exact FP, partial TP, not wrong type
        Span("r", 60, 65, "task"),     # matches nothing
    ]
    scores = score(gold, predicted)
    assert (scores.exact["model"].fp, scores.exact["model"].wrong_type) == (2, 1)
    assert (scores.exact["method"].fp, scores.exact["method"].wrong_type) == (2, 1)
    assert (scores.exact["micro"].fp, scores.exact["micro"].wrong_type) == (5, 2)
    assert scores.exact["micro"].wrong_type_share == 2 / 5
    assert (scores.partial["micro"].fp, scores.partial["micro"].wrong_type) == (4, 2)
    assert "wrong type" in report(scores)
