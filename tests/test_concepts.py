"""Concept identity: key folding, acronyms, merging and never merging, types."""

from __future__ import annotations

import pytest
from conftest import lexicon_of, mentions_by_text, paper, run_extraction

from kg.keys import concept_key

EMPTY = lexicon_of()


@pytest.mark.parametrize("variants", [
    ("Large Language Models", "large language model", "large-language models"),
    ("pre-trained model", "Pre-trained Models", "pre trained models"),
    ("Transformers", "transformer", "Transformer"),
    ("GPT-4o", "GPT 4o", "gpt-4o's"),
])
def test_case_plural_hyphen_and_possessive_variants_fold(variants):
    assert len({concept_key(v) for v in variants}) == 1


def test_llms_large_language_models_and_its_definition_are_one_node():
    resolution = run_extraction([
        paper("Training LLMs over Neurally Compressed Text",
              "We explore training large language models (LLMs) over compressed text. LLMs learn.", "a"),
        paper("Frozen Transformers", "Large Language Models (LLMs) are strong encoders.", "b"),
        paper("Another", "Recent large language models reason well.", "c"),
    ], EMPTY)
    keys = {m.concept for m in resolution.mentions if "LLM" in m.text or "anguage" in m.text}
    assert keys == {"large language model"}
    concept = resolution.concepts["large language model"]
    assert concept.paper_count == 3
    assert {"LLMs", "large language models", "Large Language Models"} <= set(concept.aliases) | {concept.name}


def test_different_long_forms_of_one_acronym_never_merge():
    resolution = run_extraction([
        paper("APE for context", "We propose adaptive parallel encoding (APE). APE is fast.", "a"),
        paper("Positions", "We study absolute position embedding (APE) in transformers. APE helps.", "b"),
        paper("Bare use", "Our results improve with APE on long inputs.", "c"),
    ], EMPTY)
    by_paper = {}
    for m in resolution.mentions:
        if m.text == "APE":
            by_paper.setdefault(m.paper_id, set()).add(m.concept)
    assert by_paper == {"a": {"adaptive parallel encoding"}, "b": {"absolute position embedding"}}


def test_a_bare_acronym_resolves_through_the_lexicon():
    lexicon = lexicon_of(("retrieval-augmented generation", "method", "lower", "RAG"))
    resolution = run_extraction([paper("RAG at scale", "We improve RAG pipelines for question answering.")], lexicon)
    rag = [m for m in resolution.mentions if m.text == "RAG"]
    assert rag and {m.concept for m in rag} == {"retrieval augmented generation"}
    assert resolution.concepts["retrieval augmented generation"].name == "retrieval-augmented generation"


def test_the_lexicon_decides_the_type_before_the_mentions_do():
    lexicon = lexicon_of(("FooBench", "benchmark", "exact", ""))
    resolution = run_extraction([paper("Study", "We train the FooBench model, a new network.")], lexicon)
    concept = resolution.concepts["foobench"]
    assert (concept.type, concept.benchmark) == ("dataset", True)


def test_the_majority_of_mentions_decides_otherwise():
    resolution = run_extraction([
        paper("One", "We evaluate on the ZetaSet dataset.", "a"),
        paper("Two", "Results on the ZetaSet dataset improve.", "b"),
        paper("Three", "ZetaSet, a new model, is strong.", "c"),
    ], EMPTY)
    assert resolution.concepts["zetaset"].type == "dataset"
    assert resolution.concepts["zetaset"].paper_count == 3


def test_a_name_some_paper_proposes_links_papers_that_cite_it():
    resolution = run_extraction([
        paper("ClimaX: A foundation model for weather and climate", "We develop ClimaX, a flexible model.", "a"),
        paper("Weather", "We fine-tune ClimaX for regional forecasts.", "b"),
    ], EMPTY)
    relations = {(m.paper_id, m.relation) for m in resolution.mentions if m.concept == "climax"}
    assert ("a", "PROPOSES") in relations
    assert ("b", "USES") in relations
    assert resolution.concepts["climax"].type == "model"


def test_the_lexicon_matches_the_pile_in_running_text_and_a_curated_alias_wins():
    from kg.extract.resolve.lexicon import Lexicon

    lexicon = Lexicon.load()
    assert lexicon.entry(lexicon.canonical_key("rag")).type == "method"  # curated.tsv's alias over generated.tsv's model
    resolution = run_extraction([paper("Pretraining", "We pretrain on the Pile and fine-tune with RAG.")], lexicon)
    found = mentions_by_text(resolution)
    assert found["the Pile"][0] in ("dataset", "benchmark")
    assert found["RAG"][0] == "method"


def test_a_plural_head_is_shown_in_the_singular_and_modalities_are_no_datasets():
    resolution = run_extraction([paper(
        "Driving", "We train convolutional neural networks on LiDAR and camera benchmarks and on English "
        "and Chinese datasets. Convolutional neural networks are fast.",
    )], lexicon_of())
    assert resolution.concepts["convolutional neural network"].name.lower() == "convolutional neural network"
    assert not {"LiDAR", "English", "Chinese"} & {m.text for m in resolution.mentions}
