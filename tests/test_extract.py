"""The rule extractor on fixed sentences: spans, labels, guards; offsets on the seed build."""

from __future__ import annotations

import json

from conftest import SEED_PAPERS, lexicon_of, mentions_by_text, paper, run_extraction

from kg.extract.spot.pipeline import build_pipeline
from kg.extract.spot.spotter import spot_papers
from kg.records import SpottedPaper

EMPTY = lexicon_of()


def test_a_title_opening_with_a_name_proposes_it():
    resolution = run_extraction([paper(
        "TransDAE: Dual Attention Mechanism in a Hierarchical Transformer for Efficient Medical Image Segmentation",
        "We introduce TransDAE: a novel approach. Remarkably, TransDAE outperforms existing methods.",
    )], EMPTY)
    title = [m for m in resolution.mentions if m.field == "title" and m.text == "TransDAE"][0]
    assert (title.start, title.end, title.label, title.relation) == (0, 8, "model", "PROPOSES")
    assert resolution.concepts["transdae"].type == "model"
    assert {m.relation for m in resolution.mentions if m.concept == "transdae"} == {"PROPOSES"}
    assert mentions_by_text(resolution, "title")["Medical Image Segmentation"][0] == "task"


def test_datasets_and_benchmarks_from_context():
    resolution = run_extraction([paper(
        "A study",
        "We evaluate on the Synaps multi-organ dataset and the XNLI benchmark. "
        "Results on benchmarks such as MMLU-Pro are reported.",
    )], EMPTY)
    found = mentions_by_text(resolution)
    # a dataset the paper evaluates on is a benchmark: type dataset, label benchmark
    assert resolution.concepts["synaps"].type == "dataset"
    assert found["Synaps"][0] == "benchmark"
    assert found["XNLI"][0] == "benchmark"
    assert found["MMLU-Pro"][0] == "benchmark"
    relations = {m.text: m.relation for m in resolution.mentions}
    assert relations["Synaps"] == "EVALUATES_ON"


def test_a_shape_alone_makes_no_model_evidence_does():
    resolution = run_extraction([paper(
        "Comparing models",
        "We compare GPT-4o, D-LOCO, CMIP6 and KCL-London with our system. "
        "We fine-tune Llama-3-8B and the RetroMAE v2 model, and evaluate on WSC-273.",
    )], EMPTY)
    found = mentions_by_text(resolution)
    assert not {"GPT-4o", "D-LOCO", "CMIP6", "KCL-London"} & set(found), "nothing says what they are"
    assert found["Llama-3-8B"][0] == "model"  # the object of "fine-tune"
    assert found["RetroMAE v2"][0] == "model"  # "the X model"
    assert resolution.concepts["wsc 273"].type == "dataset"  # the object of "evaluate on"


def test_a_version_or_size_of_a_known_name_takes_its_type():
    lexicon = lexicon_of(("GPT-4", "model", "exact", ""), ("ALBERT", "model", "exact", ""), ("ImageNet", "dataset", "exact", ""))
    resolution = run_extraction([paper(
        "Comparing models", "We compare GPT-4o and ALBERT-xxlarge with our system on ImageNetV2 and Frob-9.",
    )], lexicon)
    found = mentions_by_text(resolution)
    assert (found["GPT-4o"][0], found["ALBERT-xxlarge"][0]) == ("model", "model")
    assert resolution.concepts["imagenetv2"].type == "dataset"
    assert "Frob-9" not in found


def test_acronyms_that_are_not_models_are_guarded():
    resolution = run_extraction([paper(
        "Training at scale",
        "We train on 8 GPUs and report F1 and SOTA results with RL and a 1.3B parameter budget on a CPU.",
    )], EMPTY)
    assert not {m.text for m in resolution.mentions} & {"GPUs", "GPU", "F1", "SOTA", "RL", "1.3B", "CPU"}


def test_generic_phrases_are_not_concepts():
    resolution = run_extraction([paper(
        "Our model",
        "Our model beats the proposed method on existing datasets and the baselines, as the results show.",
    )], EMPTY)
    assert resolution.concepts == {}


def test_acronym_definition_gives_the_long_form_key_and_labels_later_uses():
    resolution = run_extraction([paper(
        "Neural Locality Sensitive Hashing for Entity Blocking",
        "Locality-sensitive hashing (LSH) is a fundamental technique. We learn LSH functions with a network.",
    )], EMPTY)
    uses = [m for m in resolution.mentions if m.text == "LSH"]
    assert len(uses) == 2
    assert {m.concept for m in uses} == {"locality sensitive hashing"}
    concept = resolution.concepts["locality sensitive hashing"]
    assert concept.type == "method"
    assert "LSH" in concept.aliases


def test_spans_have_no_determiners_or_trailing_punctuation():
    resolution = run_extraction([paper(
        "Segmentation",
        "The task of medical image segmentation is hard. We use the ImageNet dataset, and knowledge distillation.",
    )], lexicon_of(("ImageNet", "dataset", "exact", "")))
    for m in resolution.mentions:
        assert not m.text.lower().startswith(("the ", "a ", "an ")), m.text
        assert m.text[-1].isalnum(), m.text


def test_stage_one_is_a_pure_function_of_the_text_and_round_trips_as_json():
    nlp = build_pipeline()
    papers = [paper("APE: Faster Context-Augmented Generation via Adaptive Parallel Encoding",
                    "Context-augmented generation (CAG) techniques use APE, i.e. adaptive parallel encoding (APE).")]
    first, second = list(spot_papers(nlp, papers)), list(spot_papers(build_pipeline(), papers))
    assert first == second
    data = json.loads(json.dumps(first[0].to_json()))
    assert SpottedPaper.from_json(data) == first[0]
    assert ("APE", "adaptive parallel encoding") in {(a.short, a.long.lower()) for a in first[0].abbreviations}


def test_every_seed_mention_points_at_its_text(seed_build):
    graph, _, _ = seed_build
    checked = 0
    for source, target, relation, attrs in graph.edges(keys=True, data=True):
        if relation == "RELATED_TO":
            continue
        paper_attrs = graph.nodes[source]
        for field, start, end, text, sentence in zip(attrs["fields"], attrs["starts"], attrs["ends"], attrs["texts"], attrs["sentences"]):
            assert paper_attrs[field][start:end] == text
            assert text in sentence and sentence in paper_attrs[field]
            checked += 1
    assert checked > 500


def test_the_seed_build_finds_every_paper_and_every_type(seed_build):
    graph, summary, _ = seed_build
    assert summary.papers == SEED_PAPERS
    types = {attrs["type"] for _, attrs in graph.nodes(data=True) if attrs["kind"] == "Concept"}
    benchmarks = [attrs for _, attrs in graph.nodes(data=True) if attrs["kind"] == "Concept" and attrs["benchmark"]]
    assert types == {"method", "model", "dataset", "task"}
    assert benchmarks


def test_the_first_kind_noun_of_an_apposition_says_what_a_name_is():
    resolution = run_extraction([paper(
        "Motion", "We introduce Frobnix-4D, a framework that repurposes large language models for motion."
    )], EMPTY)
    assert resolution.concepts["frobnix 4d"].type == "method"


def test_what_the_text_says_types_a_name_the_paper_introduces_or_builds_on():
    resolution = run_extraction([paper(
        "Counting", "We evaluate on Jiangsu and a new dataset, FRB-London, created by ourselves, and on "
        "climate datasets derived from QMIP7. Our agent, powered by Zork-R1, is fast. We propose Blork-9 for counting.",
    )], EMPTY)
    types = {key: concept.type for key, concept in resolution.concepts.items()}
    assert types["frb london"] == "dataset" and types["qmip7"] == "dataset"
    assert types["zork r1"] == "model"
    assert types["blork 9"] == "method"  # proposed, nothing says what it is: corpus.yaml proposed_type


def test_a_phrase_ending_in_a_lexicon_name_of_its_type_outranks_it():
    lexicon = lexicon_of(("classification", "task", "lower", ""), ("reinforcement learning", "method", "lower", ""))
    resolution = run_extraction([paper(
        "Skin", "We address skin disease classification and classification of plants with a two-stage "
                "reinforcement learning scheme and large-scale pre-training.",
    )], lexicon)
    found = mentions_by_text(resolution)
    assert found["skin disease classification"][0] == "task"
    assert found["classification"][0] == "task"  # alone, the lexicon name
    assert "reinforcement learning" in found and "two-stage reinforcement learning" not in found
    assert "pre-training" in found and "large-scale pre-training" not in found


def test_the_noun_after_a_definition_types_it_when_its_long_form_does_not():
    resolution = run_extraction([paper(
        "Speech", "We propose the Dual-Track Streaming Response (DTSR) framework. We call it Quick Glance "
                  "Evolution (QGE), an agentic framework for search. The Morph Gate Dispatch (MGD) module routes. "
                  "Audio-Visual Video Parsing (AVVP) models parse. We add Drift Echo (DE), an agentic framework. "
                  "DTSR, QGE, MGD and DE are fast.",
    )], EMPTY)
    types = {key: concept.type for key, concept in resolution.concepts.items()}
    assert types["dual track streaming response"] == "method"
    assert types["quick glance evolution"] == "method"
    assert types["morph gate dispatch"] == "method"
    assert types["audio visual video parsing"] == "task"  # the long form's head first: models for the task
    assert types["drift echo"] == "method"  # a short form that opens its long form, spelling its initials


def test_every_name_of_a_list_of_examples_takes_the_kind_of_the_list():
    resolution = run_extraction([paper(
        "Chat", "Ours beats MLLMs such as Zork-4o, Blorp-3 and Quillon. Datasets such as FooSet-1 and Barset are small.",
    )], EMPTY)
    types = {key: concept.type for key, concept in resolution.concepts.items()}
    assert types["zork 4o"] == types["blorp 3"] == types["quillon"] == "model"
    assert types["fooset 1"] == types["barset"] == "dataset"


def test_a_known_model_name_keeps_its_version_and_a_version_alone_makes_no_concept():
    resolution = run_extraction([paper(
        "Open and closed models",
        "We fine-tune Llama 3.1 8B and compare it with Claude 3.5 Sonnet, Gemini 1.5 Pro and Mistral 7B. "
        "Our agent is written in Python 3.10; Table 2.1 lists the results.")])
    found = mentions_by_text(resolution)
    for name in ("Llama 3.1 8B", "Claude 3.5 Sonnet", "Gemini 1.5 Pro", "Mistral 7B"):
        assert found[name][0] == "model", name
    assert not any(text.startswith(("Python", "Table", "3.10", "2.1")) for text in found)
