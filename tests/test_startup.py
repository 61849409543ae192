"""The start-up cache (kg/extract/compiled.py): the lexicon's phrase patterns and the stage-1 rules
are built once and loaded after; a data-file edit rebuilds them; a damaged file is a warning."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS

from kg.extract import compiled
from kg.extract.resolve.lexicon import LexiconMatcher, compiled_lexicon
from kg.extract.spot.pipeline import blank_pipeline, compiled_rules
from kg.extract.spot.rules import SPOT_DATA

LEXICON = "name\ttype\tmatch\taliases\tsources\nBERT\tmodel\texact\tBERT-base\t\nImageNet\tdataset\tlower\t\t\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "startup"
    monkeypatch.setenv("KG_STARTUP_CACHE", str(folder))
    compiled.COUNTS.clear()
    compiled.take_warnings()
    return folder


@pytest.fixture
def lexicon_dir(tmp_path):
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "generated.tsv").write_text(LEXICON, encoding="utf-8")
    return folder


def found(nlp, lexicon, patterns, text: str) -> list[tuple[str, str]]:
    matcher = LexiconMatcher(nlp, lexicon, patterns)
    doc = nlp.make_doc(text)
    return [(doc[start:end].text, entry.key) for start, end, entry in matcher.find(doc)]


TEXT = "We fine-tune BERT-base and BERT on IMAGENET; Bert is not matched."


def test_the_lexicon_is_built_once_then_loaded_and_matches_the_same(cache_dir, lexicon_dir):
    nlp = blank_pipeline()
    first = compiled_lexicon(nlp, lexicon_dir)
    second = compiled_lexicon(blank_pipeline(), lexicon_dir)
    assert compiled.COUNTS["lexicon"] == {"built": 1, "loaded": 1}
    uncached = found(nlp, first[0], None, TEXT)  # the patterns made from the lexicon on the spot
    assert found(nlp, *first, TEXT) == found(nlp, *second, TEXT) == uncached
    assert ("BERT-base", "bert") in uncached and ("IMAGENET", "imagenet") in uncached


def test_a_lexicon_edit_rebuilds_and_finds_the_new_name(cache_dir, lexicon_dir):
    nlp = blank_pipeline()
    compiled_lexicon(nlp, lexicon_dir)
    with open(lexicon_dir / "generated.tsv", "a", encoding="utf-8") as handle:
        handle.write("LoRA\tmethod\texact\t\t\n")
    lexicon, patterns = compiled_lexicon(nlp, lexicon_dir)
    assert compiled.COUNTS["lexicon"] == {"built": 2, "loaded": 0}
    assert ("LoRA", "lora") in found(nlp, lexicon, patterns, "We add LoRA to BERT.")


def test_a_rule_file_edit_rebuilds_the_rules(cache_dir, tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(SPOT_DATA, rules_dir)
    rules, vocab = compiled_rules(rules_dir)
    assert compiled_rules(rules_dir) == (rules, vocab)
    assert compiled.COUNTS["rules"] == {"built": 1, "loaded": 1}
    with open(rules_dir / "vocab.yaml", "a", encoding="utf-8") as handle:
        handle.write("\nextra_words_for_the_test: [zyzzyva]\n")
    _, edited = compiled_rules(rules_dir)
    assert compiled.COUNTS["rules"]["built"] == 2
    assert edited["extra_words_for_the_test"] == ["zyzzyva"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "folder"])
def test_a_damaged_cache_file_is_a_warning_and_rebuilt(cache_dir, lexicon_dir, damage):
    nlp = blank_pipeline()
    expected = found(nlp, *compiled_lexicon(nlp, lexicon_dir), TEXT)
    (path,) = cache_dir.glob("lexicon-*.pickle")
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x00\xff" * 100)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "foreign":  # another artefact's valid file under this name
        path.write_bytes(data.replace(b" lexicon ", b" rules ", 1))
    else:
        path.unlink()
        path.mkdir()
    assert found(nlp, *compiled_lexicon(nlp, lexicon_dir), TEXT) == expected
    warnings = compiled.take_warnings()
    assert len(warnings) == 1 and warnings[0].startswith("kg: warning: ") and str(path) in warnings[0]
    assert compiled.COUNTS["lexicon"] == {"built": 2, "loaded": 0}
    if damage != "folder":  # rewritten: the next start-up loads it without a word
        compiled_lexicon(nlp, lexicon_dir)
        assert compiled.COUNTS["lexicon"]["loaded"] == 1 and not compiled.take_warnings()


def test_kg_build_warns_on_a_damaged_cache_and_writes_the_same_graph(tmp_path, seed_build):
    folder = tmp_path / "startup"
    env = {"KG_STARTUP_CACHE": str(folder), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "kg.cli", "build", str(SEEDS), "--no-cache", "-q", "--only", "json"]
    first = subprocess.run([*command, "--out", str(tmp_path / "a")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    for path in folder.glob("*.pickle"):
        path.write_bytes(b"not a cache file")
    second = subprocess.run([*command, "--out", str(tmp_path / "b")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    assert second.stdout.count("kg: warning: ") == 2  # the lexicon's and the rules' files
    reference = (seed_build[2] / "graph.json").read_bytes()
    assert (tmp_path / "a" / "graph.json").read_bytes() == (tmp_path / "b" / "graph.json").read_bytes() == reference


def test_a_resolver_from_the_warm_cache_resolves_the_seeds_as_one_built_from_the_files(cache_dir, seed_papers):
    from kg.extract import extract
    from kg.extract.resolve.lexicon import Lexicon
    from kg.extract.resolve.resolver import Resolver

    cold = extract(seed_papers).resolution  # fills the cache
    warm = extract(seed_papers).resolution
    assert compiled.COUNTS["lexicon"] == {"built": 1, "loaded": 1}
    from_files = extract(seed_papers, resolver=Resolver(lexicon=Lexicon.load())).resolution  # no cache involved
    assert len(warm.mentions) > 100 and warm.mentions == cold.mentions == from_files.mentions
    assert warm.concepts == cold.concepts == from_files.concepts
