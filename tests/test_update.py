"""kg update (issue 15, acceptance 4): an update of a build equals ``kg build --no-cache`` of the
union into a fresh folder, byte for byte on every default export: new papers, a new paper
defining a long form older papers use, new papers changing a concept's majority type, a removed
paper, a curation edit; a killed update leaves the previous exports whole and its re-run equals
an uninterrupted one; bad input is one line and a documented exit code."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, cached_records, wait_for

from kg.build_record import RECORD, read_record
from kg.cli import main
from kg.export.files import PENDING, staged_path

EXPORTS = ("graph.graphml", "graph.json", "graph.html")


def write_papers(path: Path, *papers: tuple[str, str, str] | dict) -> Path:
    """A JSONL input of (arXiv id, title, abstract) papers, or of whole records."""
    records = [p if isinstance(p, dict) else {"id": p[0], "title": p[1], "abstract": p[2]} for p in papers]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def kg(*args: str | Path) -> Result:
    """``kg ARGS`` in this process (the extraction start-up is paid once per test session)."""
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def exports(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in EXPORTS}


def full_build(folder: Path, *inputs: Path, options: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The exports of ``kg build --no-cache`` of ``inputs`` into a fresh folder."""
    result = kg("build", *inputs, "--out", folder, "--no-cache", "--jobs", "1", "-q", *options)
    assert result.exit_code == 0, result.stderr
    return exports(folder)


def built(folder: Path, *inputs: Path, options: tuple[str, ...] = ()) -> Path:
    """``folder`` after ``kg build`` of ``inputs`` (with its cache)."""
    result = kg("build", *inputs, "--out", folder, "--jobs", "1", "-q", *options)
    assert result.exit_code == 0, result.stderr
    return folder


def updated(folder: Path, *args: str | Path) -> Result:
    result = kg("update", folder, *args, "--jobs", "1", "-q")
    assert result.exit_code == 0, result.stderr
    return result


def concepts_of(folder: Path, paper_id: str) -> set[str]:
    """The concepts the paper links to in the folder's graph.json."""
    graph = json.loads((folder / "graph.json").read_text())
    return {link["target"] for link in graph["links"] if link["source"] == f"paper:{paper_id}"
            and link["target"].startswith("concept:")}


def concept_types(folder: Path) -> dict[str, str]:
    graph = json.loads((folder / "graph.json").read_text())
    return {node["id"]: node["type"] for node in graph["nodes"] if node["id"].startswith("concept:")}


OLD = (("2402.00001", "Tuning language models", "We fine-tune BERT with LoRA on GLUE and report accuracy."),
       ("2402.00002", "Reasoning at scale", "We train LLaMA on GSM8K and compare it against GPT-4."))
NEW = (("2402.00003", "Vision transformers", "We propose a vision transformer evaluated on ImageNet against ResNet-50."),
       ("2402.00004", "Adapters for reasoning", "We apply LoRA to LLaMA and evaluate it on GSM8K and MMLU."))


def test_an_update_equals_the_full_build_of_the_union_and_says_what_it_added_and_changed(tmp_path):
    old = write_papers(tmp_path / "old.jsonl", *OLD)
    new = write_papers(tmp_path / "new.jsonl", *NEW, {"id": "arXiv:2402.00001v2", "title": "Tuning language models",
                                                      "abstract": "Another text: the first record wins.",
                                                      "authors": ["Ada Lovelace"]})
    out = built(tmp_path / "out", old)
    result = updated(out, new)
    assert result.stdout.splitlines()[0] == ("update: 2 papers built before; added 2 (2402.00003, 2402.00004), "
                                             "changed 1 (2402.00001), removed 0")
    assert "extraction: 2 papers extracted, 2 from the cache" in result.stdout
    assert "resolution: 2 papers drafted, 2 from the cache" in result.stdout  # stage 2's per-paper pass too
    assert exports(out) == full_build(tmp_path / "full", old, new)
    assert [paper.id for paper in read_record(out / RECORD)[1]] == ["2402.00001", "2402.00002", "2402.00003",
                                                                     "2402.00004"]


def test_an_update_keeps_the_build_settings(tmp_path):
    old = write_papers(tmp_path / "old.jsonl", *OLD)
    new = write_papers(tmp_path / "new.jsonl", *NEW)
    options = ("--lean", "--top-k", "1", "--max-concept-share", "1", "--min-papers", "2")
    out = built(tmp_path / "out", old, options=options)
    updated(out, new)
    assert exports(out) == full_build(tmp_path / "full", old, new, options=options)
    assert exports(out) != full_build(tmp_path / "default", old, new)  # the settings change the bytes


def test_a_long_form_a_new_paper_defines_changes_the_older_papers_concepts(tmp_path):
    """The new paper defines "hierarchical token pruning (HTP)"; an older paper that wrote
    "adaptive hierarchical token pruning" then names the defined concept, as in the full build:
    it is drafted again, the older paper without the long form is not. Removing the new paper
    again drafts the older one again, and the graph is the first build's."""
    old = write_papers(tmp_path / "old.jsonl",
                       ("2402.00001", "Pruning for speed", "We combine adaptive hierarchical token pruning with BERT on GLUE."),
                       ("2402.00002", "Token budgets", "We apply HTP to LLaMA and evaluate it on MMLU."))
    new = write_papers(tmp_path / "new.jsonl",
                       ("2402.00003", "Pruning tokens", "We propose hierarchical token pruning (HTP), a method that "
                                                        "removes redundant tokens in vision transformers, and evaluate HTP on ImageNet."))
    out = built(tmp_path / "out", old)
    assert "concept:adaptive hierarchical token pruning" in concepts_of(out, "2402.00001")
    first = exports(out)
    assert "resolution: 2 papers drafted, 1 from the cache" in updated(out, new).stdout  # the new one, and 2402.00001
    assert "concept:hierarchical token pruning" in concepts_of(out, "2402.00001")
    assert "concept:adaptive hierarchical token pruning" not in concept_types(out)
    assert exports(out) == full_build(tmp_path / "full", old, new)
    assert "resolution: 1 paper drafted, 1 from the cache" in updated(out, "--remove", "2402.00003").stdout
    assert exports(out) == first


def test_new_papers_that_change_a_concepts_majority_type_retype_it_as_the_full_build_does(tmp_path):
    old = write_papers(tmp_path / "old.jsonl", ("2402.00001", "A strong model", "ZetaSet, a new model, is strong on GLUE."),
                       OLD[1])
    new = write_papers(tmp_path / "new.jsonl",
                       *((f"2402.0001{n}", f"Evaluation {n}", f"We evaluate BERT on the ZetaSet dataset ({n}).")
                         for n in range(2)))
    out = built(tmp_path / "out", old)
    assert concept_types(out)["concept:zetaset"] == "model"
    updated(out, new)
    assert concept_types(out)["concept:zetaset"] == "dataset"
    assert exports(out) == full_build(tmp_path / "full", old, new)


def test_a_removed_paper_leaves_the_graph_of_a_build_without_it(tmp_path):
    papers = write_papers(tmp_path / "papers.jsonl", *OLD, *NEW)
    out = built(tmp_path / "out", papers)
    result = updated(out, "--remove", "2402.00002", "--remove", "2402.00003")
    assert result.stdout.splitlines()[0] == ("update: 4 papers built before; added 0, changed 0, "
                                             "removed 2 (2402.00002, 2402.00003)")
    write_papers(papers, OLD[0], NEW[1])  # the same input file, without the removed papers' records
    assert exports(out) == full_build(tmp_path / "full", papers)


def test_a_paper_removed_and_given_again_is_replaced(tmp_path):
    papers = write_papers(tmp_path / "papers.jsonl", *OLD)
    out = built(tmp_path / "out", papers)
    fixed = write_papers(tmp_path / "fixed.jsonl", (OLD[1][0], OLD[1][1], "We train LLaMA on MATH with PPO."))
    result = updated(out, fixed, "--remove", OLD[1][0])
    assert result.stdout.splitlines()[0] == "update: 2 papers built before; added 0, changed 1 (2402.00002), removed 0"
    write_papers(papers, OLD[0])
    assert exports(out) == full_build(tmp_path / "full", papers, fixed)


@pytest.mark.parametrize("edit, drafted", [
    # merges, renames, drops and retypes act in the corpus pass: every paper's drafts stay valid
    ("drop: [lora]\nretype: {GSM8K: task}\n", 0),
    # an alias is looked for in every paper's text (here in one): every paper is drafted again
    ("aliases: {LoRA: [adapters]}\n", 4),
], ids=["corpus-pass-edit", "alias-edit"])
def test_an_update_after_a_curation_edit_equals_a_full_build_with_the_new_curation(tmp_path, edit, drafted):
    papers = write_papers(tmp_path / "papers.jsonl", *OLD, *NEW)
    curation = tmp_path / "curation.yaml"
    curation.write_text("rename: {llama: LLaMA-1}\n")
    out = built(tmp_path / "out", papers, options=("--curation", str(curation)))
    before = exports(out)
    curation.write_text("rename: {llama: LLaMA-1}\n" + edit)
    result = updated(out)
    assert "update: 4 papers built before; added 0, changed 0, removed 0" in result.stdout
    assert "extraction: 0 papers extracted, 4 from the cache" in result.stdout
    assert f"resolution: {drafted} papers drafted, {4 - drafted} from the cache" in result.stdout
    assert exports(out) != before
    assert exports(out) == full_build(tmp_path / "full", papers, options=("--curation", str(curation)))


# --- a killed update --------------------------------------------------------------------------

_STALLED_UPDATE = """
import sys, threading
from pathlib import Path
import kg.build as b, kg.extract.run as e
out, new, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
e.SHARD_SIZE = 2
if point == "extracting":  # two shards cached, then the update waits to be killed
    spot, done = e.spot_shard, []
    def stalled(shard):
        if len(done) == 2:
            threading.Event().wait()
        done.append(shard)
        return spot(shard)
    e.spot_shard = stalled
else:  # "committing": every file of the new set staged, none renamed into place
    write = b.write_record
    def stalled(path, settings, papers):
        write(path, settings, papers)
        threading.Event().wait()
    b.write_record = stalled
b.update(out, [new])
"""


@pytest.mark.parametrize("point", ["extracting", "committing"])
def test_a_killed_update_leaves_the_previous_exports_and_its_rerun_equals_an_uninterrupted_one(tmp_path, point):
    old = write_papers(tmp_path / "old.jsonl", *OLD)
    new = write_papers(tmp_path / "new.jsonl", *NEW, *(
        (f"2402.001{n:02d}", f"Paper {n}", f"We propose TinyNet{n}, a model for image classification evaluated on "
                                          "ImageNet against ResNet-50.") for n in range(8)))
    out = built(tmp_path / "out", old)
    previous, previous_record = exports(out), (out / RECORD).read_bytes()
    progress = {"extracting": lambda: cached_records(out / ".kg-cache.sqlite") >= 2 + 4,
                "committing": lambda: staged_path(out / RECORD).exists()}[point]
    process = subprocess.Popen([sys.executable, "-c", _STALLED_UPDATE, str(out), str(new), point], cwd=ROOT,
                               start_new_session=True, stderr=subprocess.PIPE, text=True)
    assert wait_for(lambda: progress() or process.poll() is not None, interval=0.05)
    assert process.poll() is None, process.stderr.read()  # stalled at the point, not finished or failed
    if point == "committing":
        assert all(staged_path(out / name).exists() for name in EXPORTS) and not (out / PENDING).exists()
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    assert exports(out) == previous and (out / RECORD).read_bytes() == previous_record

    result = updated(out, new)
    cached = 2 + 4 if point == "extracting" else 12  # the killed update's finished shards were kept
    assert f"extraction: {12 - cached} papers extracted, {cached} from the cache" in result.stdout
    assert exports(out) == full_build(tmp_path / "full", old, new)
    assert not [p.name for p in out.iterdir() if p.name.endswith((".tmp", ".staged")) or p.name == PENDING]


# --- bad input --------------------------------------------------------------------------------


def run_kg(*args: str | Path) -> subprocess.CompletedProcess:
    """``kg ARGS`` as a user runs it: its own process, its exit code and its stderr."""
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    return built(folder / "out", write_papers(folder / "old.jsonl", *OLD))


def _damaged(record: Path) -> dict[str, bytes]:
    good = gzip.decompress(record.read_bytes())
    header, first, rest = good.split(b"\n", 2)
    return {
        "not gzip": b"not gzip data",
        "truncated": record.read_bytes()[:-12],
        "bad JSON": gzip.compress(header + b"\n{\"id\": \n" + rest),
        "a paper of the wrong shape": gzip.compress(header + b"\n" + first.replace(b'"title"', b'"name"') + b"\n" + rest),
        "a wrong count": gzip.compress(header.replace(b'"papers": 2', b'"papers": 3') + b"\n" + first + b"\n" + rest),
        "another header": gzip.compress(b'{"kg_build_record": 99}\n' + first + b"\n" + rest),
        "bad settings": gzip.compress(header.replace(b'"top_k": 10', b'"top_k": "ten"') + b"\n" + first + b"\n" + rest),
    }


@pytest.mark.parametrize("damage", ["not gzip", "truncated", "bad JSON", "a paper of the wrong shape", "a wrong count",
                                    "another header", "bad settings"])
def test_a_damaged_build_record_is_one_line_and_exit_1_and_nothing_changes(tmp_path, small_build, damage):
    out = tmp_path / "out"
    out.mkdir()
    for name in EXPORTS:
        (out / name).write_bytes((small_build / name).read_bytes())
    (out / RECORD).write_bytes(_damaged(small_build / RECORD)[damage])
    result = run_kg("update", out, "-q")
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"kg: error: {out / RECORD}") and "run kg build with all the inputs again" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and exports(out) == exports(small_build)


def test_a_folder_kg_build_did_not_write_is_one_line_and_exit_1(tmp_path, small_build):
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "graph.json").write_text("{}")
    for folder, message in ((tmp_path / "plain", "no record of a kg build"), (tmp_path / "missing", "no such folder")):
        result = run_kg("update", folder, "-q")
        assert (result.returncode, len(result.stderr.splitlines())) == (1, 1), result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "missing").exists()


def test_an_unknown_remove_id_and_an_unreadable_input_change_nothing(tmp_path, small_build):
    before = exports(small_build)
    unknown = run_kg("update", small_build, "--remove", "2402.99999", "-q")
    assert unknown.returncode == 2
    assert unknown.stderr == (f"kg: error: --remove 2402.99999: no such paper in {small_build} (2 papers); "
                              "nothing was changed\n")
    missing = run_kg("update", small_build, tmp_path / "today.jsonl", "-q")
    assert missing.returncode == 1 and missing.stderr == f"kg: error: {tmp_path / 'today.jsonl'}: no such file or folder\n"
    assert exports(small_build) == before
    usage = run_kg("update")
    assert usage.returncode == 2 and "Usage: kg update [OPTIONS] OUT [NEW_INPUT]..." in usage.stderr


def test_a_curation_file_gone_since_the_build_is_one_line_and_exit_1(tmp_path):
    curation = tmp_path / "curation.yaml"
    curation.write_text("drop: [bert]\n")
    out = built(tmp_path / "out", write_papers(tmp_path / "old.jsonl", *OLD), options=("--curation", str(curation)))
    before = exports(out)
    curation.unlink()
    result = run_kg("update", out, "-q")
    assert result.returncode == 1
    assert result.stderr == f"kg: error: {curation}: the curation file this build used is gone; put it back, " \
                            "or kg build again without it\n"
    assert exports(out) == before


def test_a_stored_draft_comes_back_equal_with_every_field(tmp_path):
    """A cached draft is the draft: every field survives the cache, so a field added to Draft
    later cannot be dropped on the way (the cached build would differ from a fresh one)."""
    from dataclasses import fields

    from kg.extract.cache import SpotCache
    from kg.extract.resolve.resolver import Draft

    sample = {"paper_id": "p", "field": "abstract", "start": 3, "end": 7, "text": "BERT", "key": "bert",
              "rule": "lexicon", "votes": [("model", 2)], "sentence": (0, 12),
              "cues": [(1, -3, "USES", "before", "use")]}
    values = {f.name: sample.get(f.name, True) for f in fields(Draft)}  # the flags all set
    draft = Draft(**values)
    with SpotCache(tmp_path / "cache.sqlite", "rules") as cache:
        cache.put_drafts("resolver", "forms", [("k", ("long form",), [draft.to_row()])])
        assert [Draft.from_row(row, "p") for row in cache.drafts("k")] == [draft]
        assert [[Draft.from_row(row, "p") for row in rows] for rows in cache.drafts_of(["k", "k"])] == [[draft]] * 2
