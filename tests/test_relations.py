"""Typed relations: the cues on small texts, and accuracy on the hand-labelled fixture
(tests/data/README.md) against the majority-class baseline."""

from __future__ import annotations

from conftest import DATA, lexicon_of, paper, run_extraction

from kg.evaluate import pair_relations, read_relation_gold, score_relations
from kg.extract import extract

EMPTY = lexicon_of()


def relations_of(resolution) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for m in resolution.mentions:
        found.setdefault(m.concept, set()).add(m.relation)
    return found


def test_one_relation_per_paper_and_concept_the_strongest():
    resolution = run_extraction([paper(
        "A study",
        "We propose a pyramid learning strategy. The pyramid learning strategy is applied with care.",
    )], EMPTY)
    assert relations_of(resolution)["pyramid learning"] == {"PROPOSES"}


def test_cues_decide_the_relation():
    resolution = run_extraction([paper(
        "A study",
        "We evaluate on the Synaps multi-organ dataset. Our method outperforms TransUNet. "
        "It improves medical image segmentation without knowledge distillation.",
    )], lexicon_of(("TransUNet", "model", "exact", ""), ("knowledge distillation", "method", "lower", "")))
    relations = relations_of(resolution)
    assert relations["synaps"] == {"EVALUATES_ON"}
    assert relations["transunet"] == {"COMPARES_WITH"}
    assert relations["medical image segmentation"] == {"ADDRESSES"}
    assert relations["knowledge distillation"] == {"MENTIONS"}


def test_a_preposition_cue_only_counts_right_before_the_mention():
    resolution = run_extraction([paper(
        "A study",
        "Models in many domains show limited adversarial robustness.",
    )], lexicon_of(("adversarial robustness", "task", "lower", "")))
    assert relations_of(resolution)["adversarial robustness"] == {"MENTIONS"}


def test_a_title_phrase_of_its_own_is_the_contribution():
    resolution = run_extraction([paper("Dynamic Token Merging for Efficient Language Models", "We study tokens.")], EMPTY)
    assert relations_of(resolution)["dynamic token merging"] == {"PROPOSES"}


def test_a_title_that_studies_a_phrase_does_not_propose_it():
    resolution = run_extraction([paper("Exploring Dilated Neighborhood Attention for Image Restoration",
                                       "We study attention.")], EMPTY)
    assert relations_of(resolution)["dilated neighborhood attention"] == {"USES"}


def test_in_background_sentences_what_others_use_is_only_mentioned():
    resolution = run_extraction([paper(
        "A study",
        "Restormer employs knowledge distillation for speed. Existing methods also tackle the image deblurring task. "
        "We propose a pyramid learning strategy. It introduces a token merging step that uses TransUNet.",
    )], lexicon_of(("TransUNet", "model", "exact", ""), ("knowledge distillation", "method", "lower", ""),
                   ("Restormer", "model", "exact", ""), ("image deblurring", "task", "lower", ""),
                   ("token merging", "method", "lower", "")))
    relations = relations_of(resolution)
    assert relations["knowledge distillation"] == {"MENTIONS"}  # background: the USES cue is someone else's
    assert relations["image deblurring"] == {"ADDRESSES"}  # "the X task" still names the problem
    assert relations["transunet"] == {"USES"}  # after the authors speak, cues count again
    assert relations["token merging"] == {"PROPOSES"}  # a bare propose verb just before it


def test_an_example_takes_the_relation_of_what_it_exemplifies():
    resolution = run_extraction([paper(
        "A study",
        "We propose a pyramid learning strategy. It performs better than TransUNet on some of the harder public "
        "benchmarks, e.g., Restormer.",
    )], lexicon_of(("TransUNet", "model", "exact", ""), ("Restormer", "model", "exact", "")))
    assert relations_of(resolution)["restormer"] == {"COMPARES_WITH"}


MODELS = lexicon_of(("TransUNet", "model", "exact", ""), ("Restormer", "model", "exact", ""),
                    ("SwinIR", "model", "exact", ""), ("MambaIR", "model", "exact", ""))


def test_the_word_that_governs_a_list_governs_each_of_its_mentions():
    resolution = run_extraction([paper(
        "A study",
        "We propose a pyramid learning strategy. It is faster than TransUNet, Restormer, SwinIR and MambaIR.",
    )], MODELS)
    relations = relations_of(resolution)
    assert relations["swinir"] == relations["mambair"] == {"COMPARES_WITH"}  # beyond the reach of "than"


def test_the_noun_that_heads_a_list_heads_each_of_its_mentions():
    resolution = run_extraction([paper(
        "A study", "We propose a pyramid learning strategy. We also report TransUNet, Restormer, SwinIR and MambaIR baselines.",
    )], MODELS)
    relations = relations_of(resolution)
    assert relations["transunet"] == relations["restormer"] == relations["mambair"] == {"COMPARES_WITH"}


def test_a_noun_after_a_mention_counts_only_when_it_heads_the_mention_phrase():
    tasks = lexicon_of(("image segmentation", "task", "lower", ""), ("image quality assessment", "task", "lower", ""),
                       ("reading comprehension", "task", "lower", ""), ("code understanding", "task", "lower", ""),
                       ("video parsing", "task", "lower", ""), ("emotion cause extraction", "task", "lower", ""),
                       ("medical image segmentation", "task", "lower", ""))
    resolution = run_extraction([paper(
        "A study",
        "SAM shows strong image segmentation performance across various tasks. Video parsing is a hard task. "
        "Reading comprehension QA datasets are scarce. Code understanding and generation tasks are hard. "
        "Most methods formulate emotion cause extraction as a pairwise classification task. "
        "The medical image segmentation (MIS) datasets are rare. "
        "We propose a defense for image quality assessment (IQA) models based on randomized smoothing.",
    )], tasks)
    relations = relations_of(resolution)  # background sentences: only the task nouns after a mention count
    assert relations["image segmentation"] == {"MENTIONS"}  # "tasks" heads another phrase
    assert relations["video parsing"] == {"ADDRESSES"}  # through a copula
    assert relations["reading comprehension"] == relations["code understanding"] == {"ADDRESSES"}  # compound, conjunct
    assert relations["emotion cause extraction"] == {"ADDRESSES"}  # "formulate X as a ... task"
    assert relations["medical image segmentation"] == {"ADDRESSES"}  # past its short form
    assert relations["image quality assessment"] == {"ADDRESSES"}  # "based on" says what the models are


def test_a_verb_ends_the_phrase_a_noun_after_the_mention_heads():
    resolution = run_extraction([paper(
        "A study", "We propose a pyramid learning strategy. On top of it, MambaIR outperforms strong baselines.",
    )], MODELS)
    assert relations_of(resolution)["mambair"] == {"USES"}  # it is no baseline: it beats them


def test_against_after_a_word_of_attack_or_defence_names_no_baseline():
    resolution = run_extraction([paper(
        "Prompt Injection Attacks Against TransUNet",
        "We benchmark our method against Restormer. We improve defenses against SwinIR. "
        "Our method is compared against MambaIR.",
    )], MODELS)
    relations = relations_of(resolution)
    assert relations["transunet"] == relations["swinir"] == {"USES"}
    assert relations["restormer"] == {"COMPARES_WITH"}  # after "benchmark our method": a comparison
    assert relations["mambair"] == {"COMPARES_WITH"}


def test_over_after_a_measure_of_a_difference_names_a_baseline():
    resolution = run_extraction([paper(
        "A study",
        "We propose a pyramid learning strategy. It raises the mean accuracy of segmentation models by 3.2% over "
        "TransUNet and gives a large speedup over Restormer. It runs over SwinIR features.",
    )], MODELS)
    relations = relations_of(resolution)
    assert relations["transunet"] == relations["restormer"] == {"COMPARES_WITH"}
    assert relations["swinir"] == {"USES"}


def test_a_task_that_opens_the_abstract_is_the_problem_it_addresses():
    tasks = lexicon_of(("skin disease classification", "task", "lower", ""), ("image segmentation", "task", "lower", ""),
                       ("Restormer", "model", "exact", ""))
    resolution = run_extraction([paper(
        "A study",
        "Accurate skin disease classification is critical for diagnosis. Restormer is often used in image "
        "segmentation. We propose a pyramid learning strategy.",
    )], tasks)
    relations = relations_of(resolution)
    assert relations["skin disease classification"] == {"ADDRESSES"}
    assert relations["image segmentation"] == relations["restormer"] == {"MENTIONS"}  # not the opening task; not a task


def test_what_the_paper_proposes_a_kind_of_and_compares_with_is_compared_with():
    resolution = run_extraction([paper(
        "A study",
        "We propose a novel certified defense method for image models. We introduce PyraNet, a restoration network. "
        "We run comparisons against five state-of-the-art certified defenses. Compared to the strongest of "
        "them, PyraNet is faster.",
    )], lexicon_of(("certified defense", "method", "lower", "")))
    relations = relations_of(resolution)
    assert relations["certified defense"] == {"COMPARES_WITH"}
    assert relations["pyranet"] == {"PROPOSES"}  # a name the paper gives stays its proposal


def test_relation_accuracy_on_the_hand_labelled_pairs_beats_the_majority_baseline():
    gold = read_relation_gold(DATA / "relations-gold.jsonl")
    mentions = extract([item.paper for item in gold]).resolution.mentions
    scores = score_relations(gold, pair_relations(mentions))
    assert scores.pairs >= 150
    # measured 0.802 (docs/quality.md); the guard leaves room for rule edits, not for regressions
    assert scores.accuracy >= 0.78
    assert scores.accuracy > scores.baseline + 0.3
    heldout = score_relations([item for item in gold if item.part == "heldout"],
                              pair_relations(mentions))
    assert heldout.pairs >= 50 and heldout.accuracy > heldout.baseline + 0.3
