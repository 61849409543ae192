"""The spaCy pipeline of the per-paper extraction stage.

The default pipeline is a blank English tokenizer (hyphenated words kept whole, so "XLM-R",
"GPT-4o" and "multi-organ" are one token each), a rule-based sentencizer, and two rule
components registered by name:

- ``kg_rule_matcher``: the token patterns of ``patterns.jsonl`` (a spaCy ``Matcher``);
- ``kg_acronyms``: "long form (SHORT)" definitions, found with the Schwartz–Hearst algorithm.

Both write their findings to ``doc.spans["kg"]``: span label = mention label (or ``""`` when
the corpus stage decides), span ``id_`` = rule name. Definitions also go to
``doc._.kg_abbreviations`` as (long, short) span pairs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import spacy
from spacy.lang.char_classes import ALPHA, ALPHA_LOWER, ALPHA_UPPER, CONCAT_QUOTES, LIST_ELLIPSES, LIST_ICONS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from kg import __version__
from kg.extract.cache import fingerprint
from kg.extract.spot.acronyms import find_abbreviations
from kg.extract.spot.rules import SPOT_DATA, VOCAB_FILES, Rule, load_rules, load_vocab

SPANS_KEY = "kg"
ACRONYM_RULES = ("acronym-long", "acronym-short")

if not Doc.has_extension("kg_abbreviations"):
    Doc.set_extension("kg_abbreviations", default=None)


def label_from_heads(tokens: Span, vocab: dict[str, Any]) -> str | None:
    """The type a phrase's wording points to: a dataset or benchmark noun first, then a model
    noun, then a task or method head — or None when nothing says.

    Used for the long forms of acronyms and for the subtitle of a title that opens with a name.
    """
    words = {t.lower_ for t in tokens}
    for label, lists in (
        ("benchmark", ("benchmark_nouns",)),
        ("dataset", ("dataset_nouns",)),
        ("model", ("model_nouns", "model_heads")),
        ("task", ("task_heads",)),
        ("method", ("method_heads", "method_nouns")),
    ):
        if any(words.intersection(vocab[name]) for name in lists):
            return label
    return None


class RuleMatcher:
    """Runs the token-pattern rules and records each match (or its ``entity`` part) as a span,
    unless the word before or after it fits the rule's ``not_after`` / ``not_before`` token."""

    def __init__(self, nlp: Language, rules: list[Rule]):
        self.rules = {rule.id: rule for rule in rules}
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.neighbour_matcher = Matcher(nlp.vocab, validate=True)
        for rule in rules:
            self.matcher.add(rule.id, [list(rule.pattern)], greedy="LONGEST")
            for side in ("not_after", "not_before"):
                if getattr(rule, side):
                    self.neighbour_matcher.add(f"{rule.id}|{side}", [[token] for token in getattr(rule, side)])

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.setdefault(SPANS_KEY, [])
        strings = doc.vocab.strings
        neighbours = {(strings[match_id], start) for match_id, start, _ in self.neighbour_matcher(doc)}
        for match_id, start, end, alignment in self.matcher(doc, with_alignments=True):
            rule = self.rules[strings[match_id]]
            if (f"{rule.id}|not_after", start - 1) in neighbours or (f"{rule.id}|not_before", end) in neighbours:
                continue
            if rule.entity is not None:
                first, last = rule.entity
                positions = [start + offset for offset, index in enumerate(alignment) if first <= index < last]
                if not positions:
                    continue
                start, end = positions[0], positions[-1] + 1
            group.append(Span(doc, start, end, label=rule.label or "", span_id=rule.id))
        return doc


class AcronymFinder:
    """Finds "long form (SHORT)" pairs; labels both by the long form's head noun when it has
    one, else by the kind noun right after the definition."""

    NOUN_AFTER_WORDS = 2
    """Words that may come between a definition and its kind noun: "(MMSE-THP) update algorithm"."""
    APPOSITION_WORDS = 7
    """Words of an apposition searched for its kind noun: "(DE), an agentic framework"."""

    def __init__(self, vocab: dict[str, Any]):
        self.vocab = vocab
        self.kind_nouns = frozenset(vocab["kind_nouns"])

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.setdefault(SPANS_KEY, [])
        pairs = find_abbreviations(doc)
        for long_span, short_span in pairs:
            label = label_from_heads(long_span[-1:], self.vocab) or self._label_after(doc, short_span) or ""
            group.append(Span(doc, long_span.start, long_span.end, label=label, span_id=ACRONYM_RULES[0]))
            group.append(Span(doc, short_span.start, short_span.end, label=label, span_id=ACRONYM_RULES[1]))
        doc._.kg_abbreviations = pairs
        return doc

    def _label_after(self, doc: Doc, short_span: Span) -> str | None:
        """What the noun after a definition says it is: "Discourse-Aware ... Response (DDTSR)
        framework", "Mixture-of-Experts (MoE) architectures", "Deliberate Evolution (DE), an
        agentic framework"."""
        after = short_span.end + 1  # past the ")"
        words = doc[after : after + self.NOUN_AFTER_WORDS + 1]
        if len(words) > 1 and words[0].text == "," and words[1].lower_ in ("a", "an"):
            words = doc[after + 2 : after + 2 + self.APPOSITION_WORDS]
        for token in words:
            if token.is_punct or not token.is_lower:
                return None
            if token.lower_ in self.kind_nouns:
                return label_from_heads(doc[token.i : token.i + 1], self.vocab)
        return None


def compiled_rules(directory: Path) -> tuple[list[Rule], dict[str, Any]]:
    """The rules and word lists of a rules folder, from the start-up cache while its files
    (and the code reading them) are unchanged: the YAML word lists are slow to parse."""
    from kg.extract.compiled import cached, code_fingerprint

    code = code_fingerprint("kg.extract.spot.rules", "kg.keys", "kg.datafiles")
    key = fingerprint(*_rule_files(directory), extra=f"{directory.resolve()}; code {code}")

    def build() -> tuple[list[Rule], dict[str, Any]]:
        vocab = load_vocab(directory)
        return load_rules(directory / "patterns.jsonl", vocab), vocab

    return cached("rules", key, build)


@Language.factory("kg_rule_matcher", default_config={"rules_dir": None})
def make_rule_matcher(nlp: Language, name: str, rules_dir: str | None) -> RuleMatcher:
    rules, _ = compiled_rules(Path(rules_dir) if rules_dir else SPOT_DATA)
    return RuleMatcher(nlp, rules)


@Language.factory("kg_acronyms", default_config={"rules_dir": None})
def make_acronym_finder(nlp: Language, name: str, rules_dir: str | None) -> AcronymFinder:
    _, vocab = compiled_rules(Path(rules_dir) if rules_dir else SPOT_DATA)
    return AcronymFinder(vocab)


# spaCy's English infixes without the two hyphen rules (letter-letter, digit-digit), as in
# spaCy's "modifying existing rule sets" example: names such as XLM-R, GPT-4o, Llama-3-8B and
# words such as multi-organ stay one token each.
INFIXES = LIST_ELLIPSES + LIST_ICONS + [
    r"(?<=[{al}{q}])\.(?=[{au}{q}])".format(al=ALPHA_LOWER, au=ALPHA_UPPER, q=CONCAT_QUOTES),
    r"(?<=[{a}]),(?=[{a}])".format(a=ALPHA),
    r"(?<=[{a}0-9])[:<>=/](?=[{a}])".format(a=ALPHA),
]


# "BERT-based", "GPT-like", "task-specific", and in a title "LLM-Based", "ASP-Based": the name and
# the modifier become two tokens. A sentence's full stop after a name such as "ImageNet-1K" (see TOKEN_MATCH).
SUFFIXES = [r"(?<=[A-Za-z0-9])-(?i:based|like|style|driven|aware|guided|specific|free|only|powered|centric|oriented|inspired|enhanced)$",
            r"(?<=[0-9][KMBTkmbt])\.$"]


# "ImageNet-1K", "JFT-300M", "Llama-3-8B": a name ending in a number with a unit letter stays one
# token (spaCy's suffix rules would split the unit off as in "4K"); a bare "4K" still splits.
TOKEN_MATCH = r"^(?=.*[A-Za-z].*[0-9])[A-Za-z0-9][A-Za-z0-9\-.]*[0-9][KMBTkmbt]$"


TOKENIZER = "kg.Tokenizer.v1"


@spacy.registry.tokenizers(TOKENIZER)
def make_tokenizer():
    """spaCy's English tokenizer with our infixes, suffixes and token match, made in one go:
    each of those set on a made tokenizer reloads its ~2,700 special cases (a third of a second
    for the three)."""

    def tokenizer(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(nlp.vocab, rules=defaults.tokenizer_exceptions,
                         prefix_search=compile_prefix_regex(defaults.prefixes).search,
                         suffix_search=compile_suffix_regex(SUFFIXES + list(defaults.suffixes)).search,
                         infix_finditer=compile_infix_regex(INFIXES).finditer,
                         token_match=re.compile(TOKEN_MATCH).match, url_match=defaults.url_match)

    return tokenizer


def has_kg_tokenizer(nlp: Language) -> bool:
    """Whether ``nlp`` was made with :func:`make_tokenizer` (by its config), as
    :func:`blank_pipeline` and :func:`build_pipeline` are."""
    return nlp.config["nlp"]["tokenizer"] == {"@tokenizers": TOKENIZER}


def blank_pipeline() -> Language:
    """Blank English with our tokenizer settings and a sentencizer: the pipeline the rules run on."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe("sentencizer")
    return nlp


def build_pipeline(rules_dir: Path | None = None) -> Language:
    """The default extraction pipeline: :func:`blank_pipeline` plus the rule components."""
    nlp = blank_pipeline()
    config = {"rules_dir": str(rules_dir) if rules_dir else None}
    nlp.add_pipe("kg_rule_matcher", config=config)
    nlp.add_pipe("kg_acronyms", config=config)
    return nlp


def pipeline_fingerprint(rules_dir: Path | None = None) -> str:
    """What the per-paper stage's output depends on besides the text: rule files, versions and
    the code of the stage's components (an edit to the acronym finder re-extracts like a
    pattern edit)."""
    from kg.extract.compiled import code_fingerprint

    tokenizer = "|".join([*INFIXES, *SUFFIXES, TOKEN_MATCH])
    code = code_fingerprint("kg.extract.spot.pipeline", "kg.extract.spot.acronyms", "kg.extract.spot.spotter")
    return fingerprint(*_rule_files(rules_dir or SPOT_DATA),
                       extra=f"kg {__version__}; spaCy {spacy.__version__}; tokenizer {tokenizer}; code {code}")


def _rule_files(directory: Path) -> list[Path]:
    return [directory / "patterns.jsonl", *(directory / name for name in VOCAB_FILES if (directory / name).exists())]
