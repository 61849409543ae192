"""The shipped lexicon data: ``kg/extract/resolve/data/lexicons/generated.tsv`` and its NOTICE.md.

The file is built by ``tools/build_lexicon.py`` from raw gazetteers outside the project; these
tests check the committed result only: its format (a contract the extractor reads), and that
well-known names are in it while plain words and other junk, which would match everywhere, are not.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

import pytest

from kg.extract.resolve.lexicon import LEXICON_DIR

LEXICONS = LEXICON_DIR
GENERATED = LEXICONS / "generated.tsv"
NOTICE = LEXICONS / "NOTICE.md"
HEADER = "name\ttype\tmatch\taliases\tsources"
TYPES = {"method", "model", "dataset", "benchmark", "task"}
MATCH_MODES = {"exact", "lower"}


class Row(NamedTuple):
    name: str
    type: str
    match: str
    aliases: tuple[str, ...]
    sources: tuple[str, ...]


def key(name: str) -> str:
    """The dedupe key of the lexicon contract: case-folded, ignoring spaces, '-' and '_'."""
    return re.sub(r"[\s_\-]+", "", name.casefold())


def matches(row: Row, text: str) -> bool:
    """Whether ``text`` is the row's name as the matcher compares it (case-insensitive for lower)."""
    return row.name == text or (row.match == "lower" and row.name.casefold() == text.casefold())


@pytest.fixture(scope="module")
def lines() -> list[str]:
    raw = GENERATED.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    return raw.decode("utf-8").split("\n")[:-1]


@pytest.fixture(scope="module")
def rows(lines) -> list[Row]:
    parsed = []
    for line in lines[1:]:
        name, type_, match, aliases, sources = line.split("\t")
        parsed.append(Row(name, type_, match, tuple(aliases.split(";")) if aliases else (), tuple(sources.split("|"))))
    return parsed


def test_header_and_five_columns(lines):
    assert lines[0] == HEADER
    assert len(lines) > 1000
    bad = [line for line in lines[1:] if line.count("\t") != 4]
    assert not bad


def test_rows_are_sorted_by_type_then_name(rows):
    assert [(r.type, r.name) for r in rows] == sorted((r.type, r.name) for r in rows)


def test_every_type_and_match_mode_is_allowed(rows):
    assert {r.type for r in rows} == TYPES
    assert {r.match for r in rows} <= MATCH_MODES


def test_names_aliases_and_sources_are_clean(rows):
    for row in rows:
        assert row.name and row.name == row.name.strip() and ";" not in row.name, row
        assert row.sources and all(row.sources), row
        for alias in row.aliases:
            assert len(alias) >= 2 and alias == alias.strip(), row
            assert key(alias) != key(row.name), f"{alias!r} is a mere variant of {row.name!r}"


def test_no_duplicate_key_and_type(rows):
    counts = Counter((key(r.name), r.type) for r in rows)
    assert [k for k, n in counts.items() if n > 1] == []


def test_no_key_is_given_two_types(rows):
    # The runtime keys concepts by name alone: a second type would silently replace the first.
    counts = Counter(key(r.name) for r in rows)
    assert [k for k, n in counts.items() if n > 1] == []


def test_no_alias_names_another_row(rows):
    names = {key(r.name) for r in rows}
    clashes = [(a, r.name) for r in rows for a in r.aliases if key(a) in names]
    assert clashes == []


@pytest.mark.parametrize("name, type_", [
    ("ImageNet", "dataset"),
    ("COCO", "dataset"),
    ("CIFAR-10", "dataset"),
    ("BERT", "model"),
    ("ResNet-50", "model"),
    ("Stable Diffusion", "model"),
    ("LoRA", "method"),
    ("Adam", "method"),
    ("dropout", "method"),
    ("knowledge distillation", "method"),
    ("question answering", "task"),
    ("named entity recognition", "task"),
    ("GSM8K", "benchmark"),
    ("MMLU", "benchmark"),
    ("GLUE", "benchmark"),
    ("HellaSwag", "benchmark"),
    ("MNLI", "dataset"),
    ("QQP", "dataset"),
    ("The Pile", "benchmark"),
    ("Reformer", "model"),
])
def test_well_known_names_are_present(rows, name, type_):
    assert any(matches(r, name) and r.type == type_ for r in rows)


def test_acronyms_keep_their_long_forms(rows):
    ner = next(r for r in rows if matches(r, "named entity recognition"))
    assert "NER" in ner.aliases
    gsm8k = next(r for r in rows if r.name == "GSM8K")
    assert "Grade School Math Word Problems" in gsm8k.aliases


@pytest.mark.parametrize("junk", [
    "Ant", "Cell", "pass", "Goal", "Bark", "Beam", "iris", "titanic", "Flux", "Wan", "Aria",
    "Image", "Text", "Attribute", "Time Series", "Wikipedia", "YouTube",
])
def test_plain_words_are_absent(rows, junk):
    assert [r for r in rows if matches(r, junk)] == []


@pytest.mark.parametrize("split", ["dev", "test", "val", "train", "validation", "minival", "test-dev", "Test Set"])
def test_bare_split_words_are_neither_names_nor_aliases(rows, split):
    assert [r for r in rows if matches(r, split) or split in r.aliases] == []


def test_short_names_and_acronyms_are_case_sensitive(rows):
    loose = [r for r in rows if r.match == "lower" and (len(r.name) <= 4 or re.fullmatch(r"[A-Z0-9]{2,}", r.name))]
    assert loose == []


def test_datasets_and_benchmarks_are_matched_exactly(rows):
    assert [r for r in rows if r.type in ("dataset", "benchmark") and r.match != "exact"] == []


def test_no_implementation_ids_or_sentences(rows):
    for row in rows:
        assert "_" not in row.name and "http" not in row.name and "?" not in row.name, row
        assert len(row.name.split()) <= 6, row


def test_notice_names_every_source_and_the_share_alike_licence(rows):
    notice = NOTICE.read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in notice and "Papers with Code" in notice and "share-alike" in notice.lower()
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in notice
    missing = {s for r in rows for s in r.sources if f"`{s}`" not in notice}
    assert missing == set()
