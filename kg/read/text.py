"""Text as stored on a Paper: what XML forbids replaced, whitespace folded, titles compared."""

from __future__ import annotations

import re

# XML 1.0 allows TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and U+10000–U+10FFFF; nothing else.
_XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")


def replace_xml_forbidden(text: str) -> str:
    """Replace every character XML 1.0 forbids by a space; the length never changes.

    >>> replace_xml_forbidden("a\\x00b\\x1bc")
    'a b c'
    """
    return _XML_FORBIDDEN.sub(" ", text)


def clean_text(text: str) -> str:
    """Text as stored on a Paper: XML-forbidden characters and runs of whitespace become one space.

    >>> clean_text("  Deep\\n  learning\\x0c ")
    'Deep learning'
    """
    return _SPACES.sub(" ", replace_xml_forbidden(text)).strip()


def normalise_title(title: str) -> str:
    """The form two titles are compared in when merging duplicates.

    >>> normalise_title("Attention Is All You Need!") == normalise_title("attention is all you need")
    True
    """
    return " ".join(re.findall(r"\w+", title.casefold()))
