"""``kg eval`` on the gold files of ``../shared/gold`` — on the first records of each, committed
gzipped in ``tests/data/gold`` (a user's clone has no ``../shared``): each reads, a slice of each
is extracted and scored; paragraphs of one document are extracted together with offsets intact."""

from __future__ import annotations

import gzip
import json
from itertools import islice

import pytest
from conftest import ROOT

from kg.evaluate import extract_gold, gold_documents, read_gold, score

SLICES = sorted((ROOT / "tests" / "data" / "gold").glob("*.jsonl.gz"))
"""The first 160 records of each gold file (400 lines of GSAP-NER), as in ../shared/gold."""
FOLDS = {"scierc.jsonl": {"model": "method"}}


@pytest.fixture(scope="module")
def gold_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gold")
    for path in SLICES:
        (folder / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
    return folder


def test_the_four_gold_files_are_sampled():
    assert [p.name for p in SLICES] == [f"{n}.jsonl.gz" for n in ("dataset_ner_heddes", "gsap-ner", "scierc", "tdmsci")]


@pytest.mark.parametrize("name", [p.name.removesuffix(".gz") for p in SLICES])
def test_every_gold_file_reads_and_scores(gold_dir, name):
    path = gold_dir / name
    fold = FOLDS.get(path.name)
    records = list(read_gold(path, fold))
    assert len(records) > 100
    for record in records:
        for span in record.spans:
            assert 0 <= span.start < span.end <= len(record.text)
    sample = records[:150]
    predicted = extract_gold(sample)
    by_id = {r.id: r.text for r in sample}
    assert all(p.record in by_id and p.end <= len(by_id[p.record]) for p in predicted)
    scores = score([s for r in sample for s in r.spans], predicted, fold, by_id)
    assert 0 < scores.partial["micro"].f1 <= 1


@pytest.fixture(scope="module")
def gsap_slice(gold_dir, tmp_path_factory):
    """The first paragraphs of GSAP-NER's first two documents, split field kept."""
    path = gold_dir / "gsap-ner.jsonl"
    with open(path, encoding="utf-8") as handle:
        lines = list(islice(handle, 400))
    documents = []
    for line in lines:
        document = json.loads(line)["id"].partition("|")[0]
        if document not in documents:
            documents.append(document)
    kept = [line for line in lines if json.loads(line)["id"].partition("|")[0] in documents[:2]][:60]
    out = tmp_path_factory.mktemp("gold") / "gsap-slice.jsonl"
    out.write_text("".join(kept), encoding="utf-8")
    return out


def test_paragraphs_of_a_document_are_extracted_together_with_record_offsets(gsap_slice):
    records = list(read_gold(gsap_slice))
    papers, parts = gold_documents(records)
    assert len(papers) == 2
    for paper in papers:
        for offset, record in parts[paper.id]:
            assert paper.abstract[offset:offset + len(record.text)] == record.text
    texts = {r.id: r.text for r in records}
    together = extract_gold(records)
    alone = extract_gold(records, per_record=True)
    assert together and alone
    assert all(texts[s.record][s.start:s.end].strip() == texts[s.record][s.start:s.end] for s in together)


def test_kg_eval_scores_chosen_splits(gsap_slice):
    from test_cli import kg

    splits = sorted({json.loads(line)["split"] for line in gsap_slice.read_text().splitlines()})
    result = kg("eval", str(gsap_slice), "--split", splits[0], "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["splits"] == [splits[0]] and scores["records"] > 0
    none = kg("eval", str(gsap_slice), "--split", "no-such-split", "--json")
    assert none.returncode == 2 and not none.stdout  # scoring no record is not a score of 0
    assert f"{gsap_slice} has no record of split no-such-split" in none.stderr and "Traceback" not in none.stderr
