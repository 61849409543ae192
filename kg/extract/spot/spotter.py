"""Stage 1 of extraction, per paper: spot candidate mentions.

:func:`spot_papers` is a pure function of each paper's text and the per-paper rules (so its
output can be cached by text hash and rule fingerprint). It records, per paper:

- candidates: field, character offsets, label (or None) and the rule that fired;
- abbreviations the paper defines ("large language models (LLMs)");
- the tokens of each field, enough to rebuild the spaCy ``Doc`` exactly in the corpus stage
  (where lexicons, which change without re-extraction, are matched).
"""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.spot.pipeline import SPANS_KEY, label_from_heads
from kg.keys import defined_short_form
from kg.records import FIELDS, Abbreviation, Candidate, FieldTokens, Paper, SpottedPaper


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
        """A title's opening name is what the paper proposes; the subtitle says what it is (a
        task in the subtitle is what the named method is for)."""
        if "bench" in span.text.lower():
            return "benchmark"
        subtitle = span.doc[span.end :]
        label = label_from_heads(subtitle, self.vocab)
        # "TokenMotion: ... for Human-centric Video Generation" names a method for the task
        return "method" if label in (None, "task") else label

    @staticmethod
    def _short_form_uses(field_name: str, doc: Doc, abbreviations: dict[str, str]) -> Iterator[Candidate]:
        """Every later use of a short form the paper defines (plural "LLMs" included)."""
        if not abbreviations:
            return
        for token in doc:
            text = token.text
            if defined_short_form(text, abbreviations) is not None:
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

