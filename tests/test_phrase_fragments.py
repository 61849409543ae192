"""Task and method phrases cut from a longer phrase are no concepts (issue 13, acceptance 4: the
concept audit of the 75k build found them among the one-paper concepts). The sample is made-up
text shaped like the corpus sentences that produced them."""

from __future__ import annotations

import pytest

from kg.errors import KgError
from kg.extract import extract
from kg.extract.spot.rules import load_vocab
from kg.records import Paper


def _concepts(abstract: str) -> dict:
    return extract([Paper(id="f", title="A study", source="sample", abstract=abstract)]).resolution.concepts


def test_a_phrase_that_modifies_a_following_noun_is_no_concept():
    # "per-frame segmentation masks" are masks; "output reasoning path" a path
    concepts = _concepts("Prior work requires per-frame segmentation masks and a verified causal propagation path. "
                         "The model leverages intrinsic generation confidence to rank answers.")
    keys = set(concepts)
    assert not keys & {"per frame segmentation", "verified causal propagation", "intrinsic generation"}, keys


def test_a_phrase_before_a_kind_noun_a_verb_or_a_measure_stays():
    concepts = _concepts("We compare document fraud detection techniques on music modal translation datasets. "
                         "Thermal weapon segmentation remains hard, and marine obstacle detection accuracy is low. "
                         "Error diagnosis followed by scoring helps.")
    keys = set(concepts)
    assert {"document fraud detection", "music modal translation", "thermal weapon segmentation",
            "marine obstacle detection", "error diagnosis"} <= keys, keys


def test_a_phrase_after_an_adverb_is_no_concept_and_the_name_inside_it_stays():
    # the adverb says the first word is an adjective of an adjective phrase, not part of a name
    concepts = _concepts("Our renderer enables physically consistent shadow generation. "
                         "The taxonomy allows hierarchically constrained multi-skill generation. "
                         "Point tracks help temporally consistent video segmentation.")
    keys = set(concepts)
    assert not any(k.startswith(("consistent", "constrained")) for k in keys), keys
    assert "video segmentation" in keys, keys


def test_a_word_list_includes_lists_with_their_own_includes(tmp_path):
    (tmp_path / "vocab.yaml").write_text(
        "pluralise: [nouns]\nnouns: [method]\nverbs_too: [run]\nclosed: ['@nouns', '@verbs_too', via]\n"
        "followers: ['@closed', performance]\n", encoding="utf-8")
    vocab = load_vocab(tmp_path)
    assert vocab["followers"] == ["method", "methods", "performance", "run", "via"]


def test_a_word_list_that_includes_itself_is_an_error(tmp_path):
    (tmp_path / "vocab.yaml").write_text("a: ['@b']\nb: ['@a']\n", encoding="utf-8")
    with pytest.raises(KgError, match="includes itself"):
        load_vocab(tmp_path)


def test_a_phrase_cut_from_a_longer_run_of_modifiers_is_no_concept():
    # a phrase rule takes at most three modifiers: the last four words of a longer run are a piece of it
    concepts = _concepts("We study multi-view intensive-fidelity long-term video generation for driving. "
                         "Results on driving scene video generation improve.")
    keys = set(concepts)
    assert not any(k.startswith("intensive fidelity") for k in keys), keys
    assert "driving scene video generation" in keys, keys


def _title_concepts(title: str, abstract: str = "We study it.") -> dict:
    return extract([Paper(id="t", title=title, source="sample", abstract=abstract)]).resolution.concepts


def test_a_capitalised_based_suffix_is_split_off_a_name_in_a_title():
    concepts = _title_concepts("A Three-Stage LLM-Based Framework for Error Correction",
                               "We compare an ASP-Based encoder with BERT-based ones.")
    assert not any(k.endswith((" based", "-based")) for k in concepts), concepts


def test_a_name_behind_a_modifying_prefix_is_no_concept():
    concepts = _concepts("We compare against a non-CGA baseline and the strongest non-Lung-R1 model, "
                         "and study multi-LLM debate in human-AI collaboration with GPT-4o.")
    keys = set(concepts)
    assert not any(k.startswith(("non ", "multi ", "human ")) for k in keys), keys
    assert "gpt 4o" in keys, keys


def test_title_words_before_a_dataset_noun_are_no_dataset_but_a_proper_name_in_the_abstract_is():
    concepts = _title_concepts("A Survey of Idiom Datasets and a Crack and Surface Defect Dataset",
                               "We train on the Penn Treebank corpus.")
    keys = set(concepts)
    assert not keys & {"idiom", "surface defect", "crack"}, keys
    assert "penn treebank" in keys, keys
