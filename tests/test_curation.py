"""The curation file: each correction (merge, rename, split, drop, retype, aliases) on a small
corpus, its report in the build summary, and how the command line finds the file."""

from __future__ import annotations

import pytest
import yaml
from conftest import lexicon_of, paper

from kg.errors import CurationError
from kg.extract import extract
from kg.extract.resolve.curation import Curation
from kg.extract.resolve.resolver import Resolver

LEXICON = lexicon_of(
    ("large language model", "model", "lower", "LLM"),
    ("retrieval-augmented generation", "method", "lower", "RAG"),
)
PAPERS = [
    paper("GPT-4o at work", "We evaluate the GPT-4o model and the GPT4-Omni model with large language models on our framework.", "a"),
    paper("ClimaX: a weather model", "ClimaX forecasts the weather. We test ClimaX on the APE benchmark.", "b"),
    paper("APE: adaptive parallel encoding", "We propose APE for long contexts. APE is fast.", "c"),
    paper("Retrieval", "Retrieval augmentation helps large language models answer questions.", "d"),
]


def resolve(curation: dict | None):
    parsed = Curation.parse(curation, "test") if curation is not None else None
    return extract(PAPERS, resolver=Resolver(lexicon=LEXICON, curation=parsed)).resolution


def concept_of(resolution, text: str, paper_id: str | None = None):
    keys = {m.concept for m in resolution.mentions if m.text == text and paper_id in (None, m.paper_id)}
    assert len(keys) == 1, (text, keys)
    return resolution.concepts[keys.pop()]


def test_without_curation_the_rules_decide():
    resolution = resolve(None)
    assert concept_of(resolution, "GPT-4o").key != concept_of(resolution, "GPT4-Omni").key
    assert concept_of(resolution, "ClimaX").type == "model"
    assert resolution.notes == ()


def test_merge_makes_one_concept_named_by_the_first_name():
    resolution = resolve({"merge": [["GPT-4o", "GPT4-Omni"]]})
    merged = concept_of(resolution, "GPT4-Omni")
    assert merged is concept_of(resolution, "GPT-4o")
    assert merged.name == "GPT-4o" and "GPT4-Omni" in merged.aliases
    assert "1 merge group (1 mention)" in resolution.notes[0]


def test_rename_shows_a_concept_under_another_name_and_keeps_the_old_one_as_alias():
    resolution = resolve({"rename": {"ClimaX": "ClimaX-Weather"}})
    concept = concept_of(resolution, "ClimaX")
    assert concept.name == "ClimaX-Weather" and concept.key == "climax weather"
    assert "ClimaX" in concept.aliases


def test_split_gives_one_name_a_different_concept_in_the_papers_listed():
    resolution = resolve({"split": [{"name": "APE", "into": {"adaptive parallel encoding": ["c"]}}]})
    assert concept_of(resolution, "APE", "c").key == "adaptive parallel encoding"
    assert concept_of(resolution, "APE", "c").name == "adaptive parallel encoding"
    assert concept_of(resolution, "APE", "b").key == "ape"


def test_drop_removes_a_concept_everywhere_and_names_fold_like_keys():
    resolution = resolve({"drop": ["LLMs"]})
    assert "large language model" not in resolution.concepts
    assert not [m for m in resolution.mentions if "language model" in m.text]
    assert "1 drop (2 mentions)" in resolution.notes[0]


def test_retype_overrides_rules_and_lexicon_and_may_make_a_benchmark():
    resolution = resolve({"retype": {"ClimaX": "dataset", "LLM": "method"}})
    assert concept_of(resolution, "ClimaX").type == "dataset"
    assert resolution.concepts["large language model"].type == "method"
    assert len(resolution.notes) == 1  # both retypes applied: none reported unmatched
    merged = resolve({"merge": [["GPT-4o", "GPT4-Omni"]], "retype": {"GPT4-Omni": "method"}})
    assert concept_of(merged, "GPT-4o").type == "method" and len(merged.notes) == 1
    benchmark = resolve({"retype": {"ClimaX": "benchmark"}})
    assert concept_of(benchmark, "ClimaX").label == "benchmark"


def test_aliases_are_found_in_the_text_and_join_their_concept():
    resolution = resolve({"aliases": {"RAG": ["retrieval augmentation"]}})
    concept = concept_of(resolution, "Retrieval augmentation")
    assert concept.key == "retrieval augmented generation"
    assert concept.type == "method"


def test_entries_that_match_nothing_are_reported():
    resolution = resolve({"drop": ["no such concept"], "merge": [["GPT-4o", "GPT-5"]]})
    assert "matched no mention" in resolution.notes[-1]
    assert "drop 'no such concept'" in resolution.notes[-1] and "merge 'GPT-5'" in resolution.notes[-1]


@pytest.mark.parametrize("data, message", [
    ({"remove": ["x"]}, "unknown section"),
    ({"retype": {"X": "gadget"}}, "is not one of"),
    ({"merge": "X"}, "expected a list"),
    ({"split": [{"name": "APE"}]}, "needs 'name' and 'into'"),
    (["x"], "expected a mapping"),
])
def test_malformed_curation_is_an_error_that_says_where(data, message):
    with pytest.raises(CurationError, match=message):
        Curation.parse(data, "curation.yaml")


def test_the_documented_example_file_parses():
    from conftest import ROOT

    example = ROOT / "docs" / "curation.example.yaml"
    curation = Curation.load(example)
    assert curation.merge and curation.rename and curation.split and curation.drop and curation.retype and curation.aliases
    assert yaml.safe_load(example.read_text())


def test_kg_build_reads_curation_yaml_in_the_working_directory_or_the_given_path(tmp_path):
    from conftest import SEEDS
    from test_cli import kg

    (tmp_path / "curation.yaml").write_text("drop: [LLMs]\n")
    result = kg("build", str(SEEDS), "--out", str(tmp_path / "out"), "--only", "json", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "curation curation.yaml: " in result.stdout and "1 drop (" in result.stdout
    other = tmp_path / "fixes.yaml"
    other.write_text("retype:\n  ClimaX: gadget\n")
    bad = kg("build", str(SEEDS), "--out", str(tmp_path / "out"), "--curation", str(other), "-q", cwd=tmp_path)
    assert bad.returncode == 1 and "is not one of" in bad.stderr and bad.stderr.startswith("kg: error:")
