"""Stage 1 of extraction, per paper: spot candidate mentions.

:func:`spot_papers` is a pure function of each paper's text and the per-paper rules (so its
output can be cached by text hash and rule fingerprint). It records, per paper:

- candidates: field, character offsets, label (or None) and the rule that fired;
- abbreviations the paper defines ("large language models (LLMs)");
- the tokens of each field, enough to rebuild the spaCy ``Doc`` exactly in the corpus stage
  (where lexicons, which change without re-extraction, are matched).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.pipeline import SPANS_KEY, label_from_heads
from kg.papers import FIELDS, Paper


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span a per-paper rule spotted; ``label`` None means "decide over the corpus"."""

    field: str
    start: int
    end: int
    label: str | None
    rule: str


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A short form the paper defines, and its long form."""

    short: str
    long: str


@dataclass(frozen=True, slots=True)
class FieldTokens:
    """A field's tokenisation: ``Doc(vocab, words, spaces, sent_starts)`` rebuilds it exactly."""

    words: tuple[str, ...]
    spaces: tuple[bool, ...]
    sent_starts: tuple[bool, ...]

    def to_doc(self, vocab) -> Doc:
        return Doc(vocab, words=list(self.words), spaces=list(self.spaces), sent_starts=list(self.sent_starts))


@dataclass(frozen=True, slots=True)
class SpottedPaper:
    """Everything stage 1 found in one paper."""

    paper_id: str
    candidates: tuple[Candidate, ...]
    abbreviations: tuple[Abbreviation, ...]
    tokens: dict[str, FieldTokens]

    def to_json(self) -> dict:
        return {
            "paper_id": self.paper_id,
            "candidates": [[c.field, c.start, c.end, c.label, c.rule] for c in self.candidates],
            "abbreviations": [[a.short, a.long] for a in self.abbreviations],
            "tokens": {f: [t.words, t.spaces, t.sent_starts] for f, t in self.tokens.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> "SpottedPaper":
        return cls(
            paper_id=data["paper_id"],
            candidates=tuple(Candidate(*c) for c in data["candidates"]),
            abbreviations=tuple(Abbreviation(*a) for a in data["abbreviations"]),
            tokens={f: FieldTokens(tuple(w), tuple(s), tuple(ss)) for f, (w, s, ss) in data["tokens"].items()},
        )


def _field_tokens(doc: Doc) -> FieldTokens:
    return FieldTokens(
        words=tuple(t.text for t in doc),
        spaces=tuple(bool(t.whitespace_) for t in doc),
        sent_starts=tuple(bool(t.is_sent_start) for t in doc),
    )


class Spotter:
    """Turns the docs of one paper into a :class:`SpottedPaper`."""

    def __init__(self, nlp: Language):
        self.rules = nlp.get_pipe("kg_rule_matcher").rules
        self.vocab = nlp.get_pipe("kg_acronyms").vocab

    def spot(self, paper: Paper, docs: dict[str, Doc]) -> SpottedPaper:
        candidates: list[Candidate] = []
        abbreviations: dict[str, str] = {}
        for field_name, doc in docs.items():
            for long_span, short_span in doc._.kg_abbreviations or ():
                abbreviations.setdefault(short_span.text, long_span.text)
        for field_name, doc in docs.items():
            for span in doc.spans.get(SPANS_KEY, ()):
                rule = self.rules.get(span.id_)
                if rule is not None and field_name not in rule.fields:
                    continue
                label = span.label_ or None
                if span.id_ == "title-name":
                    label = self._title_name_label(span)
                candidates.append(Candidate(field_name, span.start_char, span.end_char, label, span.id_))
            candidates.extend(self._short_form_uses(field_name, doc, abbreviations))
        candidates = sorted(set(candidates), key=lambda c: (FIELDS.index(c.field), c.start, c.end, c.rule))
        return SpottedPaper(
            paper_id=paper.id,
            candidates=tuple(candidates),
            abbreviations=tuple(Abbreviation(s, l) for s, l in sorted(abbreviations.items())),
            tokens={name: _field_tokens(doc) for name, doc in docs.items()},
        )

    def _title_name_label(self, span: Span) -> str:
        """A title's opening name is what the paper proposes; the subtitle says what it is."""
        if "bench" in span.text.lower():
            return "benchmark"
        subtitle = span.doc[span.end :]
        return label_from_heads(subtitle, self.vocab) or "method"

    @staticmethod
    def _short_form_uses(field_name: str, doc: Doc, abbreviations: dict[str, str]) -> Iterator[Candidate]:
        """Every later use of a short form the paper defines (plural "LLMs" included)."""
        if not abbreviations:
            return
        for token in doc:
            text = token.text
            short = text if text in abbreviations else text[:-1] if text.endswith("s") and text[:-1] in abbreviations else None
            if short is not None:
                yield Candidate(field_name, token.idx, token.idx + len(text), None, "acronym-use")


def spot_papers(nlp: Language, papers: Iterable[Paper], batch_size: int = 128) -> Iterator[SpottedPaper]:
    """Stage 1 over a stream of papers, in order, through ``nlp.pipe``."""
    spotter = Spotter(nlp)
    texts = ((paper.text(name), (paper, name)) for paper in papers for name in FIELDS)
    current: Paper | None = None
    docs: dict[str, Doc] = {}
    for doc, (paper, name) in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
        if current is not None and paper is not current:
            yield spotter.spot(current, docs)
            docs = {}
        current = paper
        docs[name] = doc
    if current is not None:
        yield spotter.spot(current, docs)

