"""The records the stages hand on: read → :class:`Paper` → spot → :class:`SpottedPaper` →
resolve → :class:`Mention` and :class:`Concept` → assemble.

Plain frozen dataclasses, so every stage is a function of the previous one's records and
tests can build them without files, servers or spaCy.

>>> paper = Paper(id="2401.00001", title="T", abstract="We use BERT.", source="x.jsonl")
>>> paper.text("abstract")
'We use BERT.'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

# --- read -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper: the Paper node's properties (see ``kg.schema.PAPER``)."""

    id: str
    title: str
    abstract: str
    source: str
    arxiv_id: str | None = None
    url: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    code_links: tuple[str, ...] = ()

    def text(self, field_name: str) -> str:
        """The text of a field mentions point into: ``title`` or ``abstract``."""
        if field_name not in FIELDS:
            raise ValueError(f"unknown field {field_name!r}")
        return getattr(self, field_name)


FIELDS = ("title", "abstract")
"""The fields extraction reads, in order."""


# --- spot (stage 1) -------------------------------------------------------------------------


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

    def to_doc(self, vocab) -> "Doc":
        from spacy.tokens import Doc  # spaCy loads only where docs are made

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


# --- resolve (stage 2) -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """A resolved mention: where it is, what it names, and how the paper relates to it."""

    paper_id: str
    field: str
    start: int
    end: int
    text: str
    label: str
    rule: str
    sentence: str
    concept: str
    relation: str
    trigger: str


@dataclass(frozen=True, slots=True)
class Concept:
    """A Concept node's properties (see ``kg.schema.CONCEPT``)."""

    key: str
    name: str
    type: str
    benchmark: bool
    aliases: tuple[str, ...]
    paper_count: int
    mention_count: int

    @property
    def label(self) -> str:
        """The mention label this concept gives: its type, or ``benchmark``."""
        return "benchmark" if self.benchmark else self.type
