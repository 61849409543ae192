"""Lexicons: known names of methods, models, datasets, benchmarks and tasks.

Lexicons are TSV files under ``data/lexicons/`` (``name, type, match, aliases, sources``).
``generated.tsv`` is built from public sources by ``tools/build_lexicon.py``; every other
``*.tsv`` there (``curated.tsv`` ...) is read after it, and a later row overrides an earlier
one with the same key. They are matched in the corpus stage, so editing them needs no
re-extraction.

Each name and alias is matched as written and with its hyphen/space variants; ``lower``
entries are matched case-insensitively and in the plural too.
"""

from __future__ import annotations

import csv
import marshal
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.errors import LexiconError
from kg.extract.cache import fingerprint
from kg.keys import concept_key, pluralise_phrase
from kg.schema import MENTION_LABELS

LEXICON_DIR = Path(__file__).parent / "data" / "lexicons"
MATCH_MODES = ("exact", "lower")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """A known name: its canonical form, type, how it is matched, and other names for it."""

    name: str
    type: str
    match: str
    aliases: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def key(self) -> str:
        return concept_key(self.name)

    def __reduce__(self):  # unpickled through __init__: twice as fast as a slots dataclass's __setstate__
        return LexiconEntry, (self.name, self.type, self.match, self.aliases, self.sources)



def read_lexicon_file(path: Path) -> Iterator[LexiconEntry]:
    """The entries of one lexicon TSV file."""
    from kg.datafiles import text_line

    try:
        yield from _lexicon_entries(path)
    except UnicodeDecodeError as error:
        raise LexiconError(f"{path}:{text_line(path.read_bytes(), error.start)}: not UTF-8 ({error.reason})") from error
    except csv.Error as error:
        raise LexiconError(f"{path}: {error}") from error


def _lexicon_entries(path: Path) -> Iterator[LexiconEntry]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for number, row in enumerate(reader, start=2):
            name, kind, match = ((row.get(column) or "").strip() for column in ("name", "type", "match"))
            if not name or kind not in MENTION_LABELS or match not in MATCH_MODES:
                raise LexiconError(f"{path}:{number}: need a name, a type in {MENTION_LABELS} and match in {MATCH_MODES}")
            yield LexiconEntry(
                name=name,
                type=kind,
                match=match,
                aliases=tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()),
                sources=tuple(s for s in (row.get("sources") or "").split("|") if s),
            )


def lexicon_files(directory: Path = LEXICON_DIR) -> list[Path]:
    """``generated.tsv`` first, then the other TSV files by name (later files override)."""
    files = sorted(directory.glob("*.tsv"), key=lambda p: (p.name != "generated.tsv", p.name))
    return files


def _variants(surface: str, match: str) -> set[str]:
    """The surface forms a name is matched in: as written, hyphens as spaces or removed, a
    leading "The" in lower case ("the Pile" for "The Pile"), and (case-insensitive entries)
    the plural."""
    surface_forms = {surface, "the " + surface[4:]} if surface.startswith("The ") else {surface}
    forms = {f for form in surface_forms for f in (form, form.replace("-", " "), form.replace("-", ""))}
    if match == "lower":
        forms |= {pluralise_phrase(form) for form in list(forms)}
    return {" ".join(form.split()) for form in forms if form.strip()}


class Lexicon:
    """All lexicon entries, indexed by concept key, with spaCy phrase matchers over them."""

    def __init__(self, entries: Iterable[LexiconEntry], fingerprint_value: str = ""):
        by_key: dict[str, LexiconEntry] = {}
        for entry in entries:
            by_key[entry.key] = entry  # a later file overrides
        self.entries = by_key
        self.fingerprint = fingerprint_value
        self.alias_keys: dict[str, str] = {}
        for key, entry in sorted(by_key.items()):
            for surface in (entry.name, *entry.aliases):
                self.alias_keys.setdefault(concept_key(surface), key)
        for key in by_key:  # a canonical name always maps to itself
            self.alias_keys[key] = key

    @classmethod
    def load(cls, directory: Path = LEXICON_DIR) -> "Lexicon":
        files = lexicon_files(directory)
        entries: list[LexiconEntry] = []
        for path in files:
            later = list(read_lexicon_file(path))
            # a later file's alias takes its key from an earlier file's entry: curated.tsv's
            # "retrieval-augmented generation" (alias RAG, a method) over generated.tsv's RAG model
            claimed = {concept_key(alias) for entry in later for alias in entry.aliases}
            entries = [entry for entry in entries if entry.key not in claimed] + later
        return cls(entries, fingerprint(*files))

    def canonical_key(self, key: str) -> str | None:
        """The key of the entry whose name or alias has this key, if any."""
        return self.alias_keys.get(key)

    def entry(self, key: str) -> LexiconEntry | None:
        return self.entries.get(key)



class CasePhraseMatcher:
    """Phrases matched as written (``exact``) or in any case: two PhraseMatchers, and only
    those holding phrases run.

    >>> from spacy.lang.en import English
    >>> nlp = English()
    >>> matcher = CasePhraseMatcher(nlp)
    >>> matcher.add("A", ["BERT"], exact=True); matcher.add("B", ["imagenet"], exact=False)
    >>> [(nlp.vocab.strings[m], s, e) for m, s, e in matcher(nlp("Bert and BERT on ImageNet"))]
    [('A', 2, 3), ('B', 4, 5)]
    """

    def __init__(self, nlp: Language, vocab: Vocab | None = None):
        self.tokenizer = nlp.tokenizer
        # where the match ids (labels) are kept; ``is not None``: an empty Vocab is falsy
        self.vocab = vocab if vocab is not None else nlp.vocab
        self.exact = PhraseMatcher(self.vocab, attr="ORTH")
        self.any_case = PhraseMatcher(self.vocab, attr="LOWER")

    def add(self, label: str, phrases: Iterable[str], exact: bool) -> None:
        self.add_tokens(label, self.phrase_tokens(phrases, exact), exact)

    def phrase_tokens(self, phrases: Iterable[str], exact: bool) -> list[tuple[int, ...]]:
        """The phrases as the matcher stores them: the hashes of their tokens' text (``exact``)
        or lower-cased text. Plain ints, so they can be kept on disk (:mod:`kg.extract.compiled`)."""
        attr = "orth" if exact else "lower"
        return [tuple(getattr(token, attr) for token in doc) for doc in self.tokenizer.pipe(phrases)]

    def add_tokens(self, label: str, phrases: list[tuple[int, ...]], exact: bool) -> None:
        """Add phrases given as :meth:`phrase_tokens` (spaCy's PhraseMatcher takes such hash
        sequences as patterns, as when it is unpickled)."""
        (self.exact if exact else self.any_case).add(label, phrases)

    def __call__(self, doc: Doc) -> Iterator[tuple[int, int, int]]:
        """``(match id, start token, end token)``: the exact matches, then the others."""
        for matcher in (self.exact, self.any_case):
            if len(matcher):
                yield from matcher(doc)


LexiconPatterns = list[tuple[str, bool, list[tuple[int, ...]]]]
"""Per entry key: matched as written or not, and its phrases' token hashes."""


def lexicon_patterns(nlp: Language, lexicon: Lexicon) -> LexiconPatterns:
    """What :class:`LexiconMatcher` adds to its phrase matchers, tokenized by ``nlp``: the slow
    part of building it (every name and variant through the tokenizer), so it is cached."""
    matcher = CasePhraseMatcher(nlp)
    patterns: LexiconPatterns = []
    for key, entry in sorted(lexicon.entries.items()):
        surfaces: set[str] = set()
        for surface in (entry.name, *entry.aliases):
            surfaces |= _variants(surface, entry.match)
        exact = entry.match == "exact"
        phrases = sorted(surfaces) if exact else sorted({s.lower() for s in surfaces})
        patterns.append((key, exact, matcher.phrase_tokens(phrases, exact)))
    return patterns


def compiled_lexicon(nlp: Language, directory: Path = LEXICON_DIR) -> tuple[Lexicon, LexiconPatterns]:
    """The lexicon of ``directory`` and its matcher patterns for ``nlp``'s tokenizer (the default
    one: :func:`~kg.extract.spot.pipeline.blank_pipeline`), from the start-up cache when the
    lexicon files, the code reading them and spaCy are what they were."""
    import spacy

    from kg.extract.compiled import cached, code_fingerprint

    files = lexicon_files(directory)
    code = code_fingerprint(__name__, "kg.keys", "kg.extract.spot.pipeline")
    key = fingerprint(*files, extra=f"{directory}; code {code}; spaCy {spacy.__version__}")

    def build() -> tuple[Lexicon, bytes]:
        lexicon = Lexicon.load(directory)
        # marshal: ~24k tuples of 64-bit hashes load in 0.01 s, unpickled in 0.08 s
        return lexicon, marshal.dumps(lexicon_patterns(nlp, lexicon))

    lexicon, patterns = cached("lexicon", key, build)
    return lexicon, marshal.loads(patterns)


class LexiconMatcher:
    """Finds a lexicon's names in docs made by one pipeline's tokenizer (``patterns``: the
    lexicon's :func:`lexicon_patterns` for that tokenizer, when already at hand)."""

    def __init__(self, nlp: Language, lexicon: Lexicon, patterns: LexiconPatterns | None = None):
        self.lexicon = lexicon
        # The entry keys are the match ids, and a PhraseMatcher makes a lexeme of each: in the
        # pipeline's vocab that computes ~20 lexical attributes per key (0.2 s for the shipped
        # lexicon). A vocab of its own, without attribute getters, only has to hold the key
        # strings; matching compares the docs' token hashes with the patterns' either way.
        self.matcher = CasePhraseMatcher(nlp, Vocab())
        self.strings = self.matcher.vocab.strings
        for key, exact, phrases in patterns if patterns is not None else lexicon_patterns(nlp, lexicon):
            self.matcher.add_tokens(key, phrases, exact)

    def find(self, doc: Doc) -> Iterator[tuple[int, int, LexiconEntry]]:
        """(start token, end token, entry) of every lexicon match in ``doc``."""
        for match_id, start, end in self.matcher(doc):
            yield start, end, self.lexicon.entries[self.strings[match_id]]
