"""Acronym definitions: "locality-sensitive hashing (LSH)".

The Schwartz & Hearst (2003) algorithm: for a short form in parentheses, the long form is the
shortest run of words before it in which the short form's characters appear in order, the
first one at the start of a word.

>>> find_long_form("LSH", "a widely used locality-sensitive hashing")
'locality-sensitive hashing'
>>> find_long_form("LLMs", "large language models")
'large language models'
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kg.keys import acronym_singular

_SHORT_FORM = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9\-./&+]{0,9}$")
_STOP_BEFORE = {",", ";", ":", "(", ")", "[", "]", ".", "?", "!", '"', "“", "”"}


_DETERMINERS = frozenset({"a", "an", "the"})


def is_short_form(text: str) -> bool:
    """Whether ``text`` could be an abbreviation: 2–10 characters, a capital, not a plain word.

    >>> is_short_form("LSH"), is_short_form("F-CNNs"), is_short_form("e.g."), is_short_form("ours")
    (True, True, False, False)
    """
    if len(text) < 2 or not _SHORT_FORM.match(text):
        return False
    capitals = sum(c.isupper() for c in text)
    return capitals >= 2 or (capitals == 1 and not text[0].isupper()) or (capitals >= 1 and any(c.isdigit() for c in text))


def find_long_form(short: str, candidate: str) -> str | None:
    """The long form of ``short`` at the end of ``candidate`` (Schwartz & Hearst), or None."""
    letters = acronym_singular(short) or short
    s_index, l_index = len(letters) - 1, len(candidate) - 1
    while s_index >= 0:
        char = letters[s_index].lower()
        if not char.isalnum():
            s_index -= 1
            continue
        while l_index >= 0 and (
            candidate[l_index].lower() != char
            or (s_index == 0 and l_index > 0 and candidate[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = candidate.rfind(" ", 0, l_index + 1) + 1
    long_form = candidate[start:]
    if len(long_form) <= len(short):
        return None
    if long_form.lower().startswith(short.lower()) and not _are_initials(letters, long_form):
        return None  # "DEtector (DET)"; but "Deliberate Evolution (DE)" spells its initials
    return long_form


def _are_initials(letters: str, long_form: str) -> bool:
    """Whether ``letters`` are the initials of the words of ``long_form``, in order.

    >>> _are_initials("DE", "Deliberate Evolution"), _are_initials("DET", "Detector")
    (True, False)
    """
    words = re.split(r"[\s\-]+", long_form)
    return len(words) == len(letters) and all(w[:1].lower() == c.lower() for w, c in zip(words, letters))


def find_abbreviations(doc: Doc) -> list[tuple[Span, Span]]:
    """(long form, short form) span pairs defined in ``doc`` as "long form (SHORT)"."""
    pairs: list[tuple[Span, Span]] = []
    for token in doc[1:-2]:
        if token.text != "(" or doc[token.i + 2].text != ")":
            continue
        short = doc[token.i + 1 : token.i + 2]
        if not is_short_form(short.text):
            continue
        end = token.i
        max_words = min(len(short.text) + 5, len(short.text) * 2)
        start = end
        sentence_start = token.sent.start
        while start > sentence_start and end - start < max_words and doc[start - 1].text not in _STOP_BEFORE:
            start -= 1
        if start == end:
            continue
        window = doc[start:end]
        long_text = find_long_form(short.text, window.text)
        if long_text is None:
            continue
        char_start = window.end_char - len(long_text)
        long_span = doc.char_span(char_start, window.end_char, alignment_mode="strict")
        while long_span is not None and len(long_span) > 1 and long_span[0].lower_ in _DETERMINERS:
            long_span = long_span[1:]  # "a decoder-only diffusion transformer (DiT)"
        if long_span is not None:
            pairs.append((long_span, short))
    return pairs
