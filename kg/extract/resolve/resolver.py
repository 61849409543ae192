"""Stage 2 of extraction, over the whole corpus: label mentions and resolve them to concepts.

Cheap and recomputed on every build, so lexicons, stop-lists and relation cues can change
without re-extracting a paper. For each paper it rebuilds the docs stage 1 tokenised, adds
lexicon matches, keeps the best non-overlapping spans, gives each a concept key (through the
paper's own acronym definitions and the lexicon) and notes the relation cues around it. Then,
over the corpus, each concept gets one type (lexicon first, then the weighted majority of its
mentions), a display name and aliases, and each mention its relation to its paper.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from itertools import accumulate
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.cache import fingerprint
from kg.extract.resolve.curation import AppliedCuration, Curation
from kg.extract.resolve.lexicon import CasePhraseMatcher, Lexicon, LexiconMatcher, compiled_lexicon
from kg.extract.spot.pipeline import ACRONYM_RULES, blank_pipeline, compiled_rules, has_kg_tokenizer
from kg.extract.spot.rules import SPOT_DATA
from kg.keys import (
    compact_key,
    concept_key,
    defined_short_form,
    is_ambiguous_code,
    is_bare_acronym,
    is_coined_name,
    pluralise_phrase,
    singularise,
)
from kg.records import FIELDS, Concept, Mention, Paper, SpottedPaper
from kg.schema import CONCEPT_TYPES, EVALUATES_ON, PROPOSES

RESOLVE_DATA = Path(__file__).parent / "data"
"""Stage 2's data files: an edit here never re-extracts a paper."""

_VERSIONED = "name-version"
_WORD_VERSION = "word-version"
"""The version after a capitalised word: it only extends a lexicon name ending in that word."""
_DEFINED_ELSEWHERE = "defined-long-form"
_PROPOSED_NAME_USE = "proposed-name-use"
_CURATED_ALIAS = "curation-alias"

# Rules in three tiers: when spans overlap, a lower tier wins, then the longer span. A name with
# its version ("BERT Large") outranks the lexicon's bare name inside it.
_TIERS = {
    "lexicon": 0, _CURATED_ALIAS: 0, "acronym-long": 0, "title-name": 0, "propose": 0, "called": 0, _VERSIONED: 0,
    "acronym-short": 1, "acronym-use": 1, "name": 2,
}
_PHRASE_TIER = 2
_EXTENDING_PHRASES = frozenset({"task-phrase", "method-phrase"})
"""Phrase rules whose match outranks the lexicon name it ends in."""
DEFINITION_WEIGHT = 2
_CONTEXT_TIER = 1


def _tier(rule: str) -> int:
    if rule in _TIERS:
        return _TIERS[rule]
    return _PHRASE_TIER if rule.endswith(("-phrase", "-word")) else _CONTEXT_TIER


@dataclass(frozen=True)
class CorpusSettings:
    """The corpus stage's data files, loaded: ``corpus.yaml`` and ``relations.yaml``."""

    not_names: frozenset[str]
    generic_phrases: frozenset[str]
    generic_kind_heads: frozenset[str]
    measure_heads: frozenset[str]
    generic_modifiers: frozenset[str]
    never_first_words: frozenset[str]
    unnamed_type: str | None
    proposed_type: str | None
    type_order: tuple[str, ...]
    activity_heads: frozenset[str]
    spellings: dict[str, str]
    relations: dict[str, Any]
    fingerprint: str

    @classmethod
    def load(cls, directory: Path = RESOLVE_DATA) -> "CorpusSettings":
        corpus_path, relations_path = directory / "corpus.yaml", directory / "relations.yaml"
        from kg.datafiles import load_yaml
        from kg.errors import RuleError

        corpus, relations = load_yaml(corpus_path, RuleError), load_yaml(relations_path, RuleError)
        try:
            settings = cls(
                not_names=frozenset(str(w).lower() for w in corpus["not_names"]),
                generic_phrases=frozenset(concept_key(str(w)) for w in corpus["generic_phrases"]),
                generic_kind_heads=frozenset(str(w).lower() for w in corpus["generic_kind_heads"]),
                measure_heads=frozenset(str(w).lower() for w in corpus["measure_heads"]),
                generic_modifiers=frozenset(str(w).lower() for w in corpus["generic_modifiers"]),
                never_first_words=frozenset(str(w).lower() for w in corpus["never_first_words"]),
                unnamed_type=corpus["unnamed_type"],
                proposed_type=corpus["proposed_type"],
                spellings={str(k).lower(): str(v).lower() for k, v in corpus.get("spellings", {}).items()},
                type_order=tuple(corpus["type_order"]),
                activity_heads=frozenset(str(w).lower() for w in corpus["activity_heads"]),
                relations=relations,
                fingerprint=fingerprint(corpus_path, relations_path),
            )
            for key in ("cues", "cues_in_background", "precedence", "precedence_when_proposed_by_a_cue",
                        "default_for_the_topic", "coordinators", "phrase_breaks", "copulas", "not_cues",
                        "first_person", "proposes"):
                relations[key]
        except (KeyError, TypeError) as error:
            raise RuleError(f"{corpus_path} or {relations_path}: missing or malformed section {error}") from error
        return settings


@dataclass(slots=True)
class Draft:
    """A mention before the corpus has decided its type and relation."""

    paper_id: str
    field: str
    start: int
    end: int
    text: str
    key: str
    rule: str
    votes: list[tuple[str, int]]
    sentence: tuple[int, int]
    cues: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # (distance, -length, relation, side, trigger)
    first_person: bool = False
    background: bool = False  # an abstract sentence before the first that speaks for the authors
    topic: bool = False  # in the phrase that opens the abstract: what its first sentence is about

    def to_row(self) -> tuple:
        """The draft as stored in the cache (:mod:`kg.extract.cache`): every field but its paper id."""
        return tuple(getattr(self, name) for name in _DRAFT_ROW)

    @classmethod
    def from_row(cls, row: tuple, paper_id: str) -> "Draft":
        """:meth:`to_row`'s output, for ``paper_id`` (a row of the wrong length raises TypeError)."""
        return cls(paper_id, *row)


_DRAFT_ROW = tuple(f.name for f in fields(Draft) if f.name != "paper_id")
"""The fields a stored draft holds, in order (all of them: a field added later is stored too)."""

@dataclass(frozen=True)
class Resolution:
    """What stage 2 produced: concepts by key, mentions in paper order, and notes for the
    build summary (what the curation file changed)."""

    concepts: dict[str, Concept]
    mentions: list[Mention]
    notes: tuple[str, ...] = ()


_FIRST_PERSON = "FIRST_PERSON"
_NOT_CUE = "NOT_CUE"
_BENCHMARK_NAME = re.compile(r"\S(?:bench|benchmark)\b|\bbench\b")
_CUE_SIDES = ("before", "just_before", "after", "head")
_BEFORE_SIDES = ("before", "just_before")
_AFTER_SIDES = ("after", "head")
_MARKUP = re.compile(r"[\\{}<>]")
_Found = tuple[str, "str | None", int, "str | None"]
"""What spotted a span: rule, label (None: undecided), voting weight, lexicon entry key."""


_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
_INLINE_MATH = re.compile(r"\$([^$]*)\$")
_NAME_PART_END = re.compile(r"(?<=[a-z])(?=v?\d)|(?<=\d)(?=[a-z])|(?=[-/ '._])")
"""Where a coined name's leading part may end: "qwen|2.5", "albert|-xxlarge", "imagenet|v2"."""


def name_families(key: str) -> list[str]:
    """The leading parts of a coined name's key, longest first: the name it may be a version,
    size or variant of.

    >>> name_families("albert-xxlarge"), name_families("qwen2.5"), name_families("gpt-4o")
    (['albert'], ['qwen2', 'qwen'], ['gpt-4', 'gpt'])
    """
    ends = sorted({m.start() for m in _NAME_PART_END.finditer(key)} - {0, len(key)}, reverse=True)
    return [key[:end] for end in ends]


def _strip_markup(text: str) -> str:
    """A name without LaTeX, for its key and its display name: "$\\textbf{c}$hain-of-thought"
    names "chain-of-thought"; inline math loses its super- and subscript marks ("F$^3$Set" is "F3Set").

    >>> _strip_markup(r"$\\textbf{c}$hain-of-thought Distillation"), _strip_markup("H$_2$O3D"), _strip_markup("F$^3$Set")
    ('chain-of-thought Distillation', 'H2O3D', 'F3Set')
    """
    if not _MARKUP.search(text) and "$" not in text:
        return text
    text = _INLINE_MATH.sub(lambda math: re.sub(r"[\^_\s]", "", math.group(1)), text)
    return re.sub(r"[{}$]", "", _LATEX_COMMAND.sub("", text))


def _singular_name(name: str, key: str) -> str:
    """A concept's display name with its head in the singular, as its key has it: "foundation
    models" is shown as "foundation model"; a name the key keeps plural stays.

    >>> _singular_name("Foundation Models", "foundation model"), _singular_name("Synaps", "synaps")
    ('Foundation Model', 'Synaps')
    """
    *head, last = name.split(" ")
    singular = " ".join([*head, singularise(last)])
    return singular if concept_key(singular) == key else name


def _cue_forms(cue: str) -> list[str]:
    """A cue's phrases: a word ending in "~" stands for the verb's forms.

    >>> _cue_forms("outperform~"), _cue_forms("evaluate~")
    (['outperform', 'outperforms', 'outperformed', 'outperforming'], ['evaluate', 'evaluates', 'evaluated', 'evaluating'])
    >>> _cue_forms("attack~ against")
    ['attack against', 'attacks against', 'attacked against', 'attacking against']
    """
    first, _, rest = cue.partition(" ")
    if rest:
        return [f"{form} {tail}" for form in _cue_forms(first) for tail in _cue_forms(rest)]
    if not cue.endswith("~"):
        return [cue]
    verb = cue[:-1]
    if verb.endswith("e"):
        return [verb, verb + "s", verb + "d", verb[:-1] + "ing"]
    if verb.endswith(("s", "sh", "ch", "x")):
        return [verb, verb + "es", verb + "ed", verb + "ing"]
    return [verb, verb + "s", verb + "ed", verb + "ing"]


_EXAMPLE_TAIL = 40
_SENTENCE_END = re.compile(r"[.!?]")


class _SentenceContext:
    """One doc's sentences and relation cues, computed once for all its mentions."""

    def __init__(self, doc: Doc, resolver: "Resolver"):
        self.sentence_of: list[int] = []
        self.sentence_starts: list[int] = []
        self._opening_ends: dict[int, int] = {}  # sentence → its first token that ends a phrase
        self.sentence_chars: list[tuple[int, int]] = []
        for number, sentence in enumerate(doc.sents):
            self.sentence_of.extend([number] * len(sentence))
            self.sentence_starts.append(sentence.start)
            self.sentence_chars.append((sentence.start_char, sentence.end_char))
        self.first_person: set[int] = set()
        self.words = [token.lower_ for token in doc]
        self.punctuation = [token.is_punct for token in doc]
        self.resolver = resolver
        self.cues: list[tuple[int, int, int, str, str, str]] = []  # start, end, sentence, relation, side, text
        strings = doc.vocab.strings
        spec = resolver.settings.relations
        self.windows = {side: spec[f"{side}_window"] for side in (*_BEFORE_SIDES, "head")}
        not_cues: dict[int, int] = {}  # where a cue word means something else ("defense against"): start → end
        for match_id, start, end in resolver.cue_matcher(doc):
            name = strings[match_id]
            if name == _FIRST_PERSON:
                self.first_person.add(self.sentence_of[start])
            elif name == _NOT_CUE:
                not_cues[start] = max(end, not_cues.get(start, end))
            else:
                relation, side = resolver.cue_meaning[name]
                self.cues.append((start, end, self.sentence_of[start], relation, side, doc[start:end].text))
        if not_cues:
            reach = max(end - start for start, end in not_cues.items())
            self.cues = [cue for cue in self.cues if not any(
                cue[1] <= not_cues.get(start, -1) and not_cues[start] - start > cue[1] - cue[0]
                for start in range(cue[0] - reach + 1, cue[0] + 1))]
        # cues by sentence, sorted by start, so a mention looks only at the cues within reach
        # (linear in the text's length, not quadratic: a 1M-character abstract has ~10^4 cues)
        self._by_sentence: dict[int, tuple[list[int], list[tuple]]] = {}
        for cue in sorted(self.cues, key=lambda cue: cue[0]):
            starts, cues = self._by_sentence.setdefault(cue[2], ([], []))
            starts.append(cue[0])
            cues.append(cue)
        self._longest = max((cue_end - cue_start for cue_start, cue_end, *_ in self.cues), default=0)
        self._reach = max(self.windows.values(), default=0)

    def cues_near(self, start: int, end: int, sentence: int) -> list[tuple[int, int, str, str, str]]:
        """Cues of the sentence near a mention: (distance, -length, relation, side, text), nearest first."""
        near = []
        starts, cues = self._by_sentence.get(sentence, ((), ()))
        low = bisect_left(starts, start - self._reach - self._longest)
        high = bisect_right(starts, end + self._reach)
        for cue_start, cue_end, cue_sentence, relation, side, text in cues[low:high]:
            if side in _BEFORE_SIDES and cue_end <= start and start - cue_end <= self.windows[side]:
                near.append((start - cue_end, cue_start - cue_end, relation, side, text))
            elif side == "after" and cue_start == end or side == "head" and cue_start >= end and self._heads(end, cue_start):
                near.append((cue_start - end, cue_start - cue_end, relation, side, text))
        return sorted(near)

    def opens_sentence(self, start: int) -> bool:
        """A mention at token ``start`` is in its sentence's opening phrase: only its modifiers
        before it, no phrase break or verb ("Accurate skin disease classification is a critical
        task"; not "SAM shows strong image segmentation performance")."""
        sentence = self.sentence_of[start]
        if sentence not in self._opening_ends:  # once per sentence: a long one has many mentions
            end = self.sentence_starts[sentence]
            while end < len(self.words) and self.sentence_of[end] == sentence and not self._ends_phrase(end):
                end += 1
            self._opening_ends[sentence] = end
        return start <= self._opening_ends[sentence]

    def _heads(self, end: int, head: int) -> bool:
        """The noun at ``head`` heads the phrase of a mention ending at ``end``: the words between
        are the compound's other nouns or conjuncts ("X QA datasets", "X and generation tasks"),
        after the mention's short form and a copula if any ("X (XS) is a challenging task",
        "formulate X as a classification task"), no phrase break or verb (not "X outperforms
        strong baselines")."""
        first = self._past_short_form(end)
        if head < first or head - first > self.windows["head"]:
            return False
        if first < head and self.words[first] in self.resolver.copulas:
            first += 1
        return not any(self._ends_phrase(i) and self.words[i] not in self.resolver.coordinators for i in range(first, head))

    def _ends_phrase(self, i: int) -> bool:
        """Token ``i`` is no modifier inside a noun phrase: a punctuation mark, a phrase break or a verb."""
        return self.punctuation[i] or self.words[i] in self.resolver.phrase_breaks or self.words[i] in self.resolver.verbs

    def _past_short_form(self, i: int) -> int:
        """Where the text goes on after the short form in brackets at token ``i``, or the bracket
        that closes a short form there ("medical image segmentation (MIS) datasets")."""
        if i < len(self.words) and self.words[i] == "(" and ")" in self.words[i + 1:i + 4]:
            return self.words.index(")", i + 1) + 1
        return i + 1 if i < len(self.words) and self.words[i] == ")" else i


class Resolver:
    """Holds what resolution needs once: the tokenizer's vocab, the lexicon matcher, cue matcher."""

    def __init__(self, lexicon: Lexicon | None = None, settings: CorpusSettings | None = None,
                 nlp: Language | None = None, curation: Curation | None = None):
        self.nlp = nlp or blank_pipeline()
        patterns = None
        if lexicon is None and has_kg_tokenizer(self.nlp):  # the shipped lexicon on kg's tokenizer: cacheable
            lexicon, patterns = compiled_lexicon(self.nlp)
        self.lexicon = lexicon if lexicon is not None else Lexicon.load()
        self.settings = settings or CorpusSettings.load()
        self.curation = curation
        self.lexicon_matcher = LexiconMatcher(self.nlp, self.lexicon, patterns)
        self.alias_matcher = self._alias_matcher(curation.alias_surfaces() if curation else [])
        relations = self.settings.relations
        self.cue_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.cue_meaning: dict[str, tuple[str, str]] = {}
        for relation, spec in relations["cues"].items():
            for side in _CUE_SIDES:
                for cue in spec.get(side, []):
                    for phrase in _cue_forms(cue):
                        name = f"{relation}|{side}|{phrase}"
                        self.cue_meaning[name] = (relation, side)
                        self.cue_matcher.add(name, [self.nlp.make_doc(phrase)])
        self.cue_matcher.add(_FIRST_PERSON, list(self.nlp.tokenizer.pipe(relations["first_person"])))
        self.cue_matcher.add(_NOT_CUE, [self.nlp.make_doc(form) for phrase in relations["not_cues"] for form in _cue_forms(phrase)])
        self.proposal_rules = frozenset(relations["proposes"]["rules"])
        self.title_contribution_types = frozenset(relations["proposes"]["title_types"])
        self.title_study_words = frozenset(w.lower() for w in relations["proposes"]["title_study_words"])
        self.phrase_breaks = frozenset(w.lower() for w in relations["phrase_breaks"])
        self.copulas = frozenset(w.lower() for w in relations["copulas"])
        self.coordinators = frozenset(w.lower() for w in relations["coordinators"])
        self.verbs = frozenset(compiled_rules(SPOT_DATA)[1].get("verbs", ()))  # stage 1's word classes
        self.example_marker = re.compile(
            r"(?:^|\W)(?:" + "|".join(re.escape(m) for m in relations["examples"]) + r")[\W_]*$", re.IGNORECASE)
        # what joins two mentions of one list: a comma, a conjunction or both, after the closing
        # bracket of the first's short form if any ("Vision Transformer (ViT) and CLIP")
        conjunctions = "|".join(re.escape(c) for c in relations["coordinators"])
        self.coordination = re.compile(rf"\s*\)?\s*(?:,\s*(?:(?:{conjunctions})\s+)?|(?:{conjunctions})\s+)$", re.IGNORECASE)
        self._long_forms: tuple[tuple[str, ...], PhraseMatcher] | None = None

    def _alias_matcher(self, surfaces: list[str]) -> CasePhraseMatcher:
        """The curation's aliases: as written when they have capitals, else in any case."""
        matcher = CasePhraseMatcher(self.nlp)
        for surface in surfaces:
            matcher.add(_CURATED_ALIAS, [surface], exact=surface != surface.lower())
        return matcher

    @property
    def fingerprint(self) -> str:
        curation = self.curation.fingerprint if self.curation else ""
        return f"{self.lexicon.fingerprint}-{self.settings.fingerprint}-{curation}"

    @property
    def drafting_fingerprint(self) -> str:
        """What :meth:`draft_paper` reads of the data: the lexicon, the corpus settings and, of
        the curation, only the alias surfaces it looks for (its merges, renames, drops and
        retypes act in the corpus pass, so editing them leaves every paper's drafts valid)."""
        aliases = hashlib.sha256("\0".join(self.curation.alias_surfaces()).encode()).hexdigest()[:16] \
            if self.curation else ""
        return f"{self.lexicon.fingerprint}-{self.settings.fingerprint}-{aliases}"

    # --- pass A: one paper ------------------------------------------------------------------

    def corpus_long_forms(self, spotted: Iterable[SpottedPaper]) -> tuple[str, ...]:
        """The long forms the corpus's papers define ("large language models (LLMs)"), to be
        found in every paper: one that writes "large language models" without defining it
        names the same concept. Small and plain, so a driver can collect them in a first pass
        and send them to workers."""
        return tuple(sorted({form for paper in spotted for form in self.paper_long_forms(paper)}))

    def paper_long_forms(self, spotted: SpottedPaper) -> tuple[str, ...]:
        """One paper's part of :meth:`corpus_long_forms`: the long forms it defines, lower-cased,
        without one-word and generic ones."""
        forms = set()
        for form in {a.long.lower() for a in spotted.abbreviations}:
            words = form.split()
            plain = all(w.replace("-", "").isalpha() for w in words)
            if len(words) >= 2 and plain and not self.is_generic(concept_key(form)):
                forms.add(form)
        return tuple(sorted(forms))

    @staticmethod
    def papers_with(papers: Sequence[Paper], forms: Iterable[str]) -> set[int]:
        """The positions of the papers whose text may hold one of the long ``forms`` (or its
        plural), as :meth:`long_form_matcher` would find it: a superset, from the text with
        every space removed and case folded (a match of the matcher's tokens is a match there,
        since its tokens are the text's, in any case, with at most a space between them).
        What an edit of the corpus's long forms can change: other papers' drafts stay as
        they were.

        >>> papers = [Paper(id=str(n), title="T", abstract=text, source="s") for n, text in
        ...           enumerate(["We train Large  Language\\nModels.", "A language model.", "Vision-language models."])]
        >>> sorted(Resolver.papers_with(papers, ["large language model", "vision-language model"]))
        [0, 2]
        """
        texts = ["\0".join("".join(paper.text(name).split()).casefold() for name in FIELDS) for paper in papers]
        ends = list(accumulate(len(text) + 1 for text in texts))  # where each paper's text (and separator) ends
        squashed = "\0".join(texts)
        found = set()
        for form in forms:
            for variant in {form, pluralise_phrase(form)}:
                needle = "".join(variant.split()).casefold()
                at = squashed.find(needle)
                while at >= 0:
                    paper = bisect_right(ends, at)
                    found.add(paper)
                    at = squashed.find(needle, ends[paper])  # go on in the next paper
        return found

    def long_form_matcher(self, forms: tuple[str, ...]) -> PhraseMatcher:
        """A matcher for :meth:`corpus_long_forms`' output, singular and plural; made once per
        set of forms (a worker drafts every shard of a build with the same one)."""
        if self._long_forms is None or self._long_forms[0] != forms:
            matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
            for form in forms:
                matcher.add(_DEFINED_ELSEWHERE, list(self.nlp.tokenizer.pipe(sorted({form, pluralise_phrase(form)}))))
            self._long_forms = (forms, matcher)
        return self._long_forms[1]

    def draft_paper(self, paper: Paper, spotted: SpottedPaper, rule_weights: dict[str, int],
                    long_forms: PhraseMatcher | None = None) -> list[Draft]:
        """The paper's non-overlapping mentions with keys, votes and relation cues
        (``long_forms``: see :meth:`long_form_matcher`)."""
        abbreviations = {a.short: concept_key(_strip_markup(a.long)) for a in spotted.abbreviations}
        drafts: list[Draft] = []
        docs = {name: spotted.tokens[name].to_doc(self.nlp.vocab) for name in FIELDS if spotted.tokens.get(name) is not None}
        proposed_names = self._proposed_names(docs, spotted)
        for field_name, doc in docs.items():
            context = _SentenceContext(doc, self)
            text = doc.text  # built from the tokens on every access: once per field
            head: Draft | None = None  # the previous mention: what an example ("e.g., X") may exemplify
            conjuncts: list[Draft] = []  # the mentions of the list the previous one ends ("A, B and")
            for (start, end), found in self._candidate_spans(doc, field_name, spotted, rule_weights, long_forms,
                                                             proposed_names):
                span = doc.char_span(start, end)
                key = self._key(span.text, abbreviations)
                if not key:
                    continue
                sentence = context.sentence_of[span.start]
                cues = context.cues_near(span.start, span.end, sentence)
                sentence_chars = context.sentence_chars[sentence]
                gap = text[head.end:start] if head is not None else ""
                if head is not None and self._exemplifies(gap):
                    cues = head.cues + cues
                if head is not None and self.coordination.match(gap):
                    # one list, one governor: each conjunct has the cues of the one before it, and
                    # those before have the cues after the last ("A and B baselines")
                    after = [cue for cue in cues if cue[3] in _AFTER_SIDES]
                    for conjunct in conjuncts:
                        conjunct.cues = conjunct.cues + after
                    cues = head.cues + cues
                else:
                    conjuncts = []
                drafts.append(Draft(
                    paper_id=paper.id, field=field_name, start=start, end=end, text=span.text, key=key,
                    rule=min((f[0] for f in found), key=lambda r: (_tier(r), r)),
                    # a lexicon entry votes only for the concept it names: the paper's own
                    # "(APE)" definition outranks a lexicon benchmark called APE
                    votes=[(label, weight) for _, label, weight, entry in found if label and entry in (None, key)],
                    sentence=sentence_chars,
                    cues=cues,
                    first_person=field_name == "title" or sentence in context.first_person,
                    topic=field_name == "abstract" and sentence == 0 and context.opens_sentence(span.start),
                    background=field_name != "title" and sentence < min(context.first_person, default=len(context.sentence_chars)),
                ))
                head = drafts[-1]
                conjuncts.append(head)
        return self._drop_unsupported_acronyms(drafts, abbreviations)

    def _exemplifies(self, gap: str) -> bool:
        """The text between two mentions makes the second an example of the first: it ends with
        a marker of examples ("on some benchmarks, e.g., "), and no sentence ends before the
        marker (the sentence splitter may end one at "e.g.")."""
        tail = gap[-_EXAMPLE_TAIL:]  # a marker and its punctuation are short: search only the end
        marker = self.example_marker.search(tail)
        return marker is not None and not _SENTENCE_END.search(gap, 0, len(gap) - len(tail) + marker.start() + 1)

    def _proposed_names(self, docs: dict[str, Doc], spotted: SpottedPaper) -> set[tuple[str, ...]]:
        """The words of each name the paper introduces ("we introduce Instella, a family of ...")."""
        names = set()
        for candidate in spotted.candidates:
            if candidate.rule in self.proposal_rules and candidate.field in docs:
                span = docs[candidate.field].char_span(candidate.start, candidate.end)
                if span is not None and span.text[:1].isupper():
                    names.add(tuple(t.text for t in span))
        return names

    def _candidate_spans(self, doc: Doc, field_name: str, spotted: SpottedPaper, rule_weights: dict[str, int],
                         long_forms: PhraseMatcher | None, proposed_names: set[tuple[str, ...]] = frozenset(),
                         ) -> list[tuple[tuple[int, int], list[_Found]]]:
        """Stage-1 candidates, lexicon matches, long forms defined in the corpus and every
        occurrence of a name the paper introduces, grouped by span, overlaps removed."""
        by_span: dict[tuple[int, int], list[_Found]] = defaultdict(list)
        if proposed_names:
            words = [t.text for t in doc]
            for name in proposed_names:
                for i in range(len(words) - len(name) + 1):
                    if tuple(words[i:i + len(name)]) == name:
                        span = doc[i:i + len(name)]
                        by_span[(span.start_char, span.end_char)].append((_PROPOSED_NAME_USE, None, 1, None))
        version_ends: dict[int, int] = {}  # where a version after a capitalised word starts → its end
        for candidate in spotted.candidates:
            if candidate.field != field_name:
                continue
            if candidate.rule == _WORD_VERSION:
                version_ends[candidate.start] = max(candidate.end, version_ends.get(candidate.start, 0))
            else:
                by_span[(candidate.start, candidate.end)].append(
                    (candidate.rule, candidate.label, rule_weights.get(candidate.rule, 1), None))
        versioned = {start: end for (start, end), found in by_span.items() if any(f[0] == _VERSIONED for f in found)}
        for start, end, entry in self.lexicon_matcher.find(doc):
            span = doc[start:end]
            by_span[(span.start_char, span.end_char)].append(("lexicon", entry.type, 1, entry.key))
            version_end = versioned.get(span.start_char, 0)
            if doc[end - 1].whitespace_ == " ":  # a version one space after the name: "Llama 3.1"
                version_end = max(version_end, version_ends.get(span.end_char + 1, 0))
            if version_end > span.end_char:
                # "SQuAD 2.0", "Llama 3.1 8B" are of the type of the "SQuAD", "Llama" they version
                by_span[(span.start_char, version_end)].append(("lexicon", entry.type, 1, None))
        for _, start, end in long_forms(doc) if long_forms is not None else ():
            span = doc[start:end]
            by_span[(span.start_char, span.end_char)].append((_DEFINED_ELSEWHERE, None, 1, None))
        for _, start, end in self.alias_matcher(doc):
            span = doc[start:end]
            by_span[(span.start_char, span.end_char)].append((_CURATED_ALIAS, None, 1, None))
        lexicon_ends = {(end, label) for (_, end), found in by_span.items() for rule, label, _, _ in found if rule == "lexicon"}

        def span_tier(span: tuple[int, int], found: list[_Found]) -> int:
            # a task or method phrase that ends in a lexicon name of its type names it more
            # exactly, so it outranks it: "skin disease classification", "controllable video
            # generation"; a model's modifiers say which one, not what ("deep convolutional
            # neural networks" are convolutional neural networks)
            if any(f[0] in _EXTENDING_PHRASES and (span[1], f[1]) in lexicon_ends for f in found):
                return 0
            return min(_tier(f[0]) for f in found)

        ranked = sorted(by_span.items(), key=lambda item: (span_tier(*item), item[0][0] - item[0][1], item[0][0]))
        taken_starts: list[int] = []  # the chosen spans are disjoint: sorted by start, their ends are sorted too
        taken_ends: list[int] = []
        chosen = []
        for (start, end), found in ranked:
            place = bisect_right(taken_starts, start)
            if place and taken_ends[place - 1] > start or place < len(taken_starts) and taken_starts[place] < end:
                continue  # overlaps the chosen span before it or the one after it
            taken_starts.insert(place, start)
            taken_ends.insert(place, end)
            chosen.append(((start, end), found))
        return sorted(chosen)

    def _key(self, text: str, abbreviations: dict[str, str]) -> str:
        """The concept key of a mention: through the paper's definition of a short form, then
        through the lexicon's names and aliases, else its own normalised text."""
        key = abbreviations.get(defined_short_form(text, abbreviations) or text) or concept_key(_strip_markup(text))
        if self.settings.spellings:
            key = " ".join(self.settings.spellings.get(word, word) for word in key.split(" "))
        return self.lexicon.canonical_key(key) or key

    def _drop_unsupported_acronyms(self, drafts: list[Draft], abbreviations: dict[str, str]) -> list[Draft]:
        """A bare acronym or short code ("APE", "C4") stays only when this paper defines it, the
        lexicon knows it, or this paper says what it is ("the APE benchmark", "we propose APE")."""
        supported = {d.key for d in drafts if d.votes or d.rule in self.proposal_rules}
        kept = []
        for draft in drafts:
            bare = is_ambiguous_code(draft.text) and draft.key == concept_key(draft.text)
            known = self.lexicon.entry(draft.key) is not None or defined_short_form(draft.text, abbreviations) is not None
            if bare and not known and draft.key not in supported:
                continue
            kept.append(draft)
        return kept

    # --- pass B: the corpus -----------------------------------------------------------------

    def resolve(self, pairs: Iterable[tuple[Paper, SpottedPaper]], rule_weights: dict[str, int]) -> Resolution:
        """Stage 2 over all papers held in memory (``(paper, spotted)`` pairs, any order; the
        output is sorted). A large corpus goes through :mod:`kg.extract.run` instead, which
        makes the same two passes over the stage-1 cache."""
        pairs = list(pairs)
        long_forms = self.long_form_matcher(self.corpus_long_forms(spotted for _, spotted in pairs))
        drafts = self.draft_corpus(pairs, rule_weights, long_forms)
        return self.resolve_drafts(drafts, {paper.id: paper for paper, _ in pairs})

    def draft_corpus(self, pairs: Iterable[tuple[Paper, SpottedPaper]], rule_weights: dict[str, int],
                     long_forms: PhraseMatcher) -> list[Draft]:
        """:meth:`draft_paper` for each ``(paper, spotted)`` pair, in their order."""
        return [draft for paper, spotted in pairs for draft in self.draft_paper(paper, spotted, rule_weights, long_forms)]

    def resolve_drafts(self, drafts: list[Draft], texts: dict[str, Paper]) -> Resolution:
        """Pass B alone, over every paper's :meth:`draft_paper` output (computed anywhere:
        pass A is per paper, so it can run in worker processes)."""
        drafts = [d for d in drafts if not self._is_stopped(d)]
        self._merge_compact_keys(drafts)
        curation = AppliedCuration(self.curation, self.name_key) if self.curation else None
        if curation is not None:
            drafts = self._curate(drafts, curation)
        types = self._decide_types(drafts, curation)
        drafts = [d for d in drafts if d.key in types]
        proposed = {(d.paper_id, d.key) for d in drafts if d.rule in self.proposal_rules or self._names_contribution(d, types, texts)}
        self._speak_for_the_authors(drafts, proposed)
        mentions = []
        for draft in sorted(drafts, key=lambda d: (d.paper_id, FIELDS.index(d.field), d.start)):
            concept_type, benchmark_votes = types[draft.key]
            relation, trigger = self._relation(draft, concept_type, (draft.paper_id, draft.key) in proposed)
            paper = texts[draft.paper_id]
            start, end = draft.sentence
            mentions.append(Mention(
                paper_id=draft.paper_id, field=draft.field, start=draft.start, end=draft.end, text=draft.text,
                label=concept_type, rule=draft.rule, sentence=paper.text(draft.field)[start:end],
                concept=draft.key, relation=relation, trigger=trigger,
            ))
        mentions = self._one_relation_per_pair(mentions, proposed)
        concepts = self._concepts(mentions, types, curation)
        mentions = [m if m.label == (label := concepts[m.concept].label) else replace(m, label=label) for m in mentions]
        return Resolution(concepts=concepts, mentions=mentions, notes=tuple(curation.report()) if curation else ())

    def name_key(self, name: str) -> str:
        """The concept key a written name gets: its normalised form, or its lexicon entry's."""
        return self._key(name, {})

    @staticmethod
    def _curate(drafts: list[Draft], curation: AppliedCuration) -> list[Draft]:
        """The drafts with the curation's merges, renames, splits, aliases applied, and its drops left out."""
        kept = []
        for draft in drafts:
            key = curation.key(draft.key, draft.paper_id)
            if key is not None:
                draft.key = key
                kept.append(draft)
        return kept

    def _is_stopped(self, draft: Draft) -> bool:
        """Not a concept: a stopped name ("GPU"), a version of one ("TPU v3"), a generic phrase,
        or markup the abstract kept ("\\textbf{Positional")."""
        not_names = self.settings.not_names
        if _MARKUP.search(draft.text) or draft.text.lower() in not_names or draft.key in not_names:
            return True
        if self.is_generic(draft.key):
            return True
        return draft.rule == _VERSIONED and draft.text.split()[0].lower() in not_names

    def is_generic(self, key: str) -> bool:
        """A key that names nothing in particular: a generic phrase ("deep learning", "point
        cloud"), a measure ("attack success rate", "spatial information"), generic modifiers before a kind noun ("pre trained model", "vision encoder"), a
        coordination of generic phrases ("understanding and generation") or the half of one
        that starts with its conjunction ("and segmentation")."""
        settings = self.settings
        if key in settings.generic_phrases:
            return True
        *modifiers, head = key.split(" ")
        if head in settings.measure_heads:
            return True
        if not modifiers:
            return False
        if modifiers[0] in settings.never_first_words:
            return True
        if head in settings.generic_kind_heads and all(word in settings.generic_modifiers for word in modifiers):
            return True
        left, conjunction, right = key.partition(" and ")
        return bool(conjunction) and self.is_generic(left) and self.is_generic(right)

    def _merge_compact_keys(self, drafts: list[Draft]) -> None:
        """Keys equal but for spaces name one concept; the lexicon's key, else the most
        spaced-out one, represents them."""
        variants: dict[str, set[str]] = defaultdict(set)
        for draft in drafts:
            variants[compact_key(draft.key)].add(draft.key)
        representative = {}
        for keys in variants.values():
            known = sorted(k for k in keys if self.lexicon.entry(k))
            choice = known[0] if known else min(keys, key=lambda k: (-k.count(" "), k))
            representative.update({k: choice for k in keys})
        for draft in drafts:
            draft.key = representative[draft.key]

    def _decide_types(self, drafts: list[Draft], curation: AppliedCuration | None = None) -> dict[str, tuple[str, bool]]:
        """Each key's type and whether it is a benchmark (the curation's word first, then the
        lexicon's, then the votes); keys nothing types are left out."""
        votes: dict[str, Counter] = defaultdict(Counter)
        named: set[str] = set()
        coined: set[str] = set()
        proposed: set[str] = set()
        for draft in drafts:
            named.add(draft.key)
            if draft.rule in self.proposal_rules:
                proposed.add(draft.key)
            if is_coined_name(draft.text) and concept_key(draft.text) == draft.key:
                coined.add(draft.key)
            for label, weight in draft.votes:
                votes[draft.key][label] += weight
        order = self.settings.type_order
        decided = {}
        for key in sorted(named):
            entry = self.lexicon.entry(key)
            tally = votes.get(key, Counter())
            if entry is None and _BENCHMARK_NAME.search(key):
                tally = tally + Counter(benchmark=1)  # "E3D-Bench", "Union14M-Benchmark" name evaluation suites
            benchmark = tally["benchmark"] > 0 or (entry is not None and entry.type == "benchmark")
            by_type = Counter({t: tally[t] + (tally["benchmark"] if t == "dataset" else 0) for t in CONCEPT_TYPES})
            curated = curation.type_of(key) if curation is not None else None
            if curated is not None:
                concept_type, benchmark = ("dataset", True) if curated == "benchmark" else (curated, False)
            elif entry is not None:
                concept_type = "dataset" if entry.type == "benchmark" else entry.type
            elif sum(by_type.values()):
                concept_type = max(CONCEPT_TYPES, key=lambda t: (by_type[t], -order.index(t)))
                if concept_type == "dataset" and key.rpartition(" ")[2] in self.settings.activity_heads:
                    # "reward modeling" is a task where "RM benchmarks" vote it a benchmark
                    concept_type, benchmark = "task", False
            elif key in coined and (family := self._family_entry(key)) is not None:
                # a version, size or variant of a known name: "Qwen2.5", "ALBERT-xxlarge", "ImageNetV2"
                concept_type, benchmark = ("dataset", True) if family.type == "benchmark" else (family.type, False)
            elif key in proposed and self.settings.proposed_type:
                # a name the paper introduces without saying what it is ("we propose KCL-London")
                concept_type = self.settings.proposed_type
            elif key in coined and not is_bare_acronym(key.upper()) and self.settings.unnamed_type:
                # a coined name nothing types, when corpus.yaml gives it a type; a phrase of plain
                # words nothing types ("natural language (NL)", "Exact Match (EM)") is no concept
                concept_type = self.settings.unnamed_type
            else:
                continue
            decided[key] = (concept_type, benchmark and concept_type == "dataset")
        return decided

    def _family_entry(self, key: str):
        """The lexicon entry of the known name a coined name is a version or variant of, if any
        (its leading part, at least two characters: "qwen" for "qwen2.5")."""
        for family in name_families(key):
            if len(family) >= 2 and (entry := self.lexicon.entry(family)) is not None:
                return entry
        return None

    @staticmethod
    def _speak_for_the_authors(drafts: list[Draft], proposed: set[tuple[str, str]]) -> None:
        """A sentence that names what the paper proposes ("ProtInvTree reformulates sequence
        generation as ...") speaks for the authors as "we" does."""
        voiced = {(d.paper_id, d.field, d.sentence) for d in drafts if (d.paper_id, d.key) in proposed}
        for draft in drafts:
            if (draft.paper_id, draft.field, draft.sentence) in voiced:
                draft.first_person = True

    def _names_contribution(self, draft: Draft, types: dict[str, tuple[str, bool]], texts: dict[str, Paper]) -> bool:
        """A title names what the paper contributes with a phrase of its own: a method the
        lexicon does not know, in two or more capitalised words ("Dynamic Token Merging") —
        unless the title studies it: the word before it is a study word ("Exploring Dilated
        Neighborhood Attention for ...") or the title asks a question."""
        words = draft.text.split()
        if not (draft.field == "title" and draft.key in types and types[draft.key][0] in self.title_contribution_types
                and len(words) >= 2 and all(w[:1].isupper() for w in words) and self.lexicon.entry(draft.key) is None):
            return False
        title = texts[draft.paper_id].title
        before = title[:draft.start].split()
        return "?" not in title and not (before and before[-1].lower() in self.title_study_words)

    def _one_relation_per_pair(self, mentions: list[Mention], named: set[tuple[str, str]]) -> list[Mention]:
        """Every mention of a concept in a paper gets the pair's relation: the first of the
        precedence order among them (the trigger stays with the mentions that gave it); for a
        concept only a PROPOSES cue proposes (not a name the paper gives, ``named``), the first
        of ``precedence_when_proposed_by_a_cue``."""
        ranks = {order: {relation: i for i, relation in enumerate(self.settings.relations[order])}
                 for order in ("precedence", "precedence_when_proposed_by_a_cue")}
        best: dict[tuple[str, str], str] = {}
        for m in mentions:
            pair = (m.paper_id, m.concept)
            rank = ranks["precedence" if pair in named else "precedence_when_proposed_by_a_cue"]
            if pair not in best or rank[m.relation] < rank[best[pair]]:
                best[pair] = m.relation
        return [m if m.relation == best[(m.paper_id, m.concept)]
                else replace(m, relation=best[(m.paper_id, m.concept)], trigger="") for m in mentions]

    def _relation(self, draft: Draft, concept_type: str, proposed: bool) -> tuple[str, str]:
        if proposed:
            return PROPOSES, draft.text if draft.rule in self.proposal_rules else ""
        allowed = self.settings.relations["cues"]
        in_background = self.settings.relations["cues_in_background"] if draft.background else None
        for _, _, relation, side, trigger in draft.cues:
            if in_background is not None and side not in in_background.get(relation, ()):
                continue
            if concept_type in allowed[relation]["types"]:
                return relation, trigger
        if draft.first_person:
            defaults = self.settings.relations["default_when_first_person"]
        elif draft.topic and draft.background:
            defaults = self.settings.relations["default_for_the_topic"]
        else:
            defaults = self.settings.relations["default_in_background" if draft.background else "default"]
        return defaults[concept_type], ""

    def _concepts(self, mentions: list[Mention], types: dict[str, tuple[str, bool]],
                  curation: AppliedCuration | None = None) -> dict[str, Concept]:
        surfaces: dict[str, Counter] = defaultdict(Counter)
        papers: dict[str, set[str]] = defaultdict(set)
        evaluated: set[str] = set()
        for mention in mentions:
            surfaces[mention.concept][mention.text] += 1
            papers[mention.concept].add(mention.paper_id)
            if mention.relation == EVALUATES_ON:
                evaluated.add(mention.concept)
        concepts = {}
        for key in sorted(surfaces):
            concept_type, benchmark = types[key]
            entry = self.lexicon.entry(key)
            forms = surfaces[key]
            curated_name = curation.name_of(key) if curation is not None else None
            if curated_name is not None:
                name = curated_name
            elif entry is not None:
                name = entry.name
            else:
                full = [f for f in forms if concept_key(_strip_markup(f)) == key] or list(forms)
                name = _singular_name(_strip_markup(max(sorted(full), key=lambda f: forms[f])), key)
            aliases = sorted({f for f in forms if f != name}, key=lambda f: (f.casefold(), f))  # ties by the text: set order varies by process
            concepts[key] = Concept(
                key=key, name=name, type=concept_type,
                benchmark=concept_type == "dataset" and (benchmark or key in evaluated),
                aliases=tuple(aliases), paper_count=len(papers[key]), mention_count=sum(forms.values()),
            )
        return concepts


def rule_weights(nlp: Language) -> dict[str, int]:
    """The voting weight of each stage-1 rule, from the pipeline's pattern file; a definition's
    long form says what its short form is ("Audio-Visual Video Parsing (AVVP)" is a task), and
    outvotes contexts like "AVVP models" (models for the task)."""
    weights = {rule_id: rule.weight for rule_id, rule in nlp.get_pipe("kg_rule_matcher").rules.items()}
    return {**weights, **{rule: DEFINITION_WEIGHT for rule in ACRONYM_RULES}}


