"""Concept identity: canonical keys, plurals, acronyms and coined names.

A concept's key is its normalised canonical name, independent of its type: case, plurals,
possessives and hyphen/space variants fold together.

>>> concept_key("Large Language Models"), concept_key("LLMs"), concept_key("GPT-4o's")
('large language model', 'llm', 'gpt 4o')
>>> concept_key("Transformers"), concept_key("Synaps")
('transformer', 'synaps')
>>> compact_key("pre training") == compact_key("pretraining")
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Container

_POSSESSIVE = re.compile(r"['’]s?$")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/]+")
_EDGE_PUNCTUATION = "\"'“”‘’`.,;:!?()[]{}<>"
KEEP_FINAL_S = ("ss", "us", "is", "ics", "ous", "as", "ys", "os")
"""Endings of words whose final "s" is not a plural ("loss", "corpus", "analysis", "Texas")."""
# A lone capitalised word is a name ("Synaps", "Atlas") unless it ends like a common plural
# ("Transformers", "Models", "Networks").
_COMMON_PLURAL_ENDINGS = ("ers", "ors", "ions", "ments", "ings", "ies", "els", "rks", "ods", "ures", "ches", "ques", "ets")
_SINGULAR_EXCEPTIONS = {"series": "series", "species": "species", "caches": "cache", "niches": "niche", "data": "data"}


def acronym_singular(text: str) -> str | None:
    """The acronym a plural acronym is the plural of ("LLMs" → "LLM"), else None: the one
    acronym-plural check of the project.

    >>> [acronym_singular(t) for t in ("LLMs", "GANs", "A.Bs", "LLM", "LLMS", "Texas", "s")]
    ['LLM', 'GAN', 'A.B', None, None, None, None]
    """
    return text[:-1] if text.endswith("s") and text[:-1].isupper() else None


def singularise(word: str) -> str:
    """The singular of an English noun or of an acronym plural ("LLMs" → "LLM"), conservatively.

    >>> [singularise(w) for w in ["networks", "strategies", "losses", "approaches", "corpus", "LLMs", "GANs", "bias"]]
    ['network', 'strategy', 'loss', 'approach', 'corpus', 'LLM', 'GAN', 'bias']
    """
    lower = word.lower()
    if lower in _SINGULAR_EXCEPTIONS:
        return _SINGULAR_EXCEPTIONS[lower] if word.islower() else word
    if len(word) >= 3 and (acronym := acronym_singular(word)):
        return acronym
    if len(word) <= 3 or not word.isalpha() or not word[1:].islower():
        return word
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if lower.endswith(KEEP_FINAL_S) or not lower.endswith("s"):
        return word
    return word[:-1]


def pluralise_phrase(phrase: str) -> str:
    """The phrase with its last word in the plural (used to match lexicon names).

    >>> pluralise_phrase("diffusion model"), pluralise_phrase("strategy"), pluralise_phrase("loss")
    ('diffusion models', 'strategies', 'losses')
    """
    head, _, last = phrase.rpartition(" ")
    if not last.isalpha() or not last.islower() or last.endswith("s") and singularise(last) != last:
        return phrase
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh", "z")):
        plural = last + "es"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


@lru_cache(maxsize=1 << 18)  # a corpus repeats its names: "LLM" 22,000 times in 75k abstracts
def concept_key(text: str) -> str:
    """The normalised name a concept is identified by."""
    words = [w.strip(_EDGE_PUNCTUATION) for w in _SEPARATORS.split(text.strip())]
    words = [_POSSESSIVE.sub("", w) for w in words if w]
    words = [w for w in words if w]
    if not words:
        return ""
    last = words[-1]
    proper_name = len(words) == 1 and last[:1].isupper() and not last[:-1].isupper()
    if last.isalpha() and (not proper_name or last.lower().endswith(_COMMON_PLURAL_ENDINGS)):
        words[-1] = singularise(last)
    return " ".join(words).casefold()


def compact_key(key: str) -> str:
    """A key with spaces removed: keys equal here name the same concept ("pre training", "pretraining")."""
    return key.replace(" ", "")


def is_bare_acronym(text: str) -> bool:
    """All capitals (an optional plural 's'), no digits: "LLM", "LLMs", "APE", "RAG".

    >>> is_bare_acronym("APE"), is_bare_acronym("LLMs"), is_bare_acronym("GPT-4"), is_bare_acronym("ClimaX")
    (True, True, False, False)
    """
    core = acronym_singular(text) or text
    letters = core.replace("-", "").replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def defined_short_form(text: str, short_forms: Container[str]) -> str | None:
    """The defined short form ``text`` is, as written or in the plural ("LLMs" for "LLM"), else None.

    >>> [defined_short_form(t, {"LLM", "GPS"}) for t in ("LLMs", "LLM", "GPS", "LLMss", "GP")]
    ['LLM', 'LLM', 'GPS', None, None]
    """
    if text in short_forms:
        return text
    if text.endswith("s") and text[:-1] in short_forms:
        return text[:-1]
    return None


_SECTION_NUMBER = re.compile(r"^[A-Z]?\d*(?:\.\d+)+")


def is_ambiguous_code(text: str) -> bool:
    """A bare acronym, a code of at most three letters and digits ("C4", "L2", "M3"), a
    section number ("A.1") or a token opening with a digit ("300D", "2L"): such a token
    names something only where a definition, the lexicon or the context says what.

    >>> [is_ambiguous_code(t) for t in ("APE", "C4", "A.1.7", "300D", "GPT-4o", "T5-Base", "ClimaX")]
    [True, True, True, True, False, False, False]
    """
    if is_bare_acronym(text) or text[:1].isdigit() or _SECTION_NUMBER.match(text):
        return True
    return " " not in text and len(re.sub(r"[^A-Za-z0-9]", "", text)) <= 3


@lru_cache(maxsize=1 << 18)
def is_coined_name(text: str) -> bool:
    """A word with a capital inside or a digit: a coined name, not a phrase of plain words.

    >>> [is_coined_name(t) for t in ("ClimaX", "GPT-4o", "LLMs", "Natural Language", "exact match")]
    [True, True, True, False, False]
    """
    return any(any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word) for word in text.split())


