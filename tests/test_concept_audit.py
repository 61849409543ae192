"""benchmarks/concept_audit.py: the committed judgements cover the committed draw exactly and
score; a draw picks the most-shared concepts and a seeded random rest, with contexts; a judgement
file that misses a concept is one kg: error line. No corpus build here: a made-up graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import concept_audit as audit  # noqa: E402


def test_committed_judgements_cover_exactly_the_committed_draw_and_score(capsys):
    drawn = audit.read_jsonl(audit.DRAW_FILE)
    judgements = audit.read_jsonl(audit.JUDGEMENTS_FILE)
    drawn_keys = [r["key"] for r in drawn if "key" in r]
    assert drawn[0]["build"]["commit"]
    assert len(drawn_keys) == len(set(drawn_keys)) == 2 * audit.GROUP_SIZE
    assert sorted(j["key"] for j in judgements) == sorted(drawn_keys)
    assert audit.main(["score"]) == 0
    out = capsys.readouterr().out
    for group in audit.GROUPS:
        assert f"{group}: {audit.GROUP_SIZE} concepts" in out
    judged = audit.join(drawn, judgements, "judgements.jsonl")
    good = sum(j.concept_ok for j in judged if j.group == "random")
    assert f"({good}/{audit.GROUP_SIZE})" in out


def test_wilson_interval_matches_the_textbook_value():
    low, high = audit.wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert audit.wilson(0, 0) == (0.0, 1.0)


def made_up_graph(concepts: int) -> dict:
    """Concept i is in i // 90 + 1 papers (90 ties per count), each mention with a sentence."""
    nodes, links = [], []
    for p in range(concepts):
        nodes.append({"id": f"paper:{p}", "labels": ["Paper"]})
    for i in range(concepts):
        key = f"concept {i:03d}"
        count = i // 90 + 1
        nodes.append({"id": f"concept:{key}", "labels": ["Concept", "Model"], "key": key, "name": key.title(),
                      "type": "dataset", "benchmark": i % 3 == 0, "paper_count": count})
        for p in range(count):
            links.append({"key": "USES", "source": f"paper:{p}", "target": f"concept:{key}",
                          "fields": ["title", "abstract"], "texts": [key.title(), key],
                          "sentences": [f"Title {key.title()}", f"In paper {p} we train on {key} and more."]})
    links.append({"key": "RELATED_TO", "source": "paper:0", "target": "paper:1"})
    return {"nodes": nodes, "links": links}


def test_draw_takes_the_most_shared_by_count_then_key_and_a_seeded_random_rest():
    graph = made_up_graph(450)
    records = audit.draw(graph, "abc123", "graph.json")
    assert records[0]["build"] == {"commit": "abc123", "graph": "graph.json", "papers": 450, "concepts": 450,
                                   "seed": audit.SEED}
    top = [r for r in records[1:] if r["group"] == "most-shared"]
    rest = [r for r in records[1:] if r["group"] == "random"]
    assert len(top) == len(rest) == audit.GROUP_SIZE
    # count 5: concepts 360-449, count 4: 270-359, …; ties broken by key
    assert [r["key"] for r in top[:2]] == ["concept 360", "concept 361"]
    assert [r["key"] for r in top[88:92]] == ["concept 448", "concept 449", "concept 270", "concept 271"]
    assert not {r["key"] for r in top} & {r["key"] for r in rest}
    assert records == audit.draw(graph, "abc123", "graph.json")
    assert top[0]["type"] in {"dataset", "benchmark"}
    assert sum(r["type"] == "benchmark" for r in top) > 0
    contexts = top[0]["contexts"]
    assert len(contexts) == audit.CONTEXTS and len(set(contexts)) == audit.CONTEXTS
    assert all("«concept 360»" in c and c.startswith("In paper") for c in contexts)


def test_a_judgement_file_that_misses_a_drawn_concept_is_one_error_line(tmp_path, capsys):
    drawn = audit.draw(made_up_graph(450), "abc123", "graph.json")
    draw_file, judgement_file = tmp_path / "concepts.jsonl", tmp_path / "judgements.jsonl"
    draw_file.write_text("".join(json.dumps(r) + "\n" for r in drawn), encoding="utf-8")
    judgements = [{"key": r["key"], "concept_ok": True, "type_ok": True, "right_type": None, "note": ""}
                  for r in drawn[2:]]
    judgement_file.write_text("".join(json.dumps(j) + "\n" for j in judgements), encoding="utf-8")
    assert audit.main(["score", "--draw", str(draw_file), "--judgements", str(judgement_file)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kg: error: judgements.jsonl: does not cover the draw exactly: 1 not")


def test_scores_and_error_kinds_of_a_small_judged_draw(tmp_path, capsys):
    drawn = audit.draw(made_up_graph(450), "abc123", "graph.json")
    verdicts = []
    for number, r in enumerate(r for r in drawn if "key" in r):
        if number % 10 == 0:
            verdicts.append({"key": r["key"], "concept_ok": False, "type_ok": None, "right_type": None,
                             "error": "generic", "note": ""})
        elif number % 10 == 1:
            wrong = "benchmark" if r["type"] == "dataset" else "dataset"
            verdicts.append({"key": r["key"], "concept_ok": True, "type_ok": False, "right_type": wrong, "note": ""})
        else:
            verdicts.append({"key": r["key"], "concept_ok": True, "type_ok": True, "right_type": None, "note": ""})
    lines = audit.score_lines(audit.join(drawn, verdicts, "j"))
    text = "\n".join(lines)
    assert "correct concepts                     0.900 [0.851, 0.934] (180/200)" in text
    assert "correct types among all              0.800" in text and "(160/200)" in text
    assert "... with dataset ≡ benchmark         0.900" in text
    assert " 40  generic " in text


@pytest.mark.parametrize("bad", ['{"key": "concept 000", "concept_ok": "yes"}', "not json"])
def test_a_malformed_judgement_is_one_error_line(tmp_path, capsys, bad):
    drawn = audit.draw(made_up_graph(450), "abc123", "graph.json")
    draw_file, judgement_file = tmp_path / "concepts.jsonl", tmp_path / "judgements.jsonl"
    draw_file.write_text("".join(json.dumps(r) + "\n" for r in drawn), encoding="utf-8")
    judgement_file.write_text(bad + "\n", encoding="utf-8")
    assert audit.main(["score", "--draw", str(draw_file), "--judgements", str(judgement_file)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kg: error: ")
