#!/usr/bin/env python3
"""Build the shipped lexicon ``kg/extract/resolve/data/lexicons/generated.tsv`` from the raw gazetteers.

The raw lists in ``/work/shared/lexicons`` (see its README.md) are large and noisy: plain English
words ("Cell", "pass"), result-table rows ("BiLSTM-CRF+ELMo"), implementation ids
(``vit_base_patch16_224``), split suffixes ("COCO test-dev") and section headings that are not
names. Every shipped row becomes a candidate mention wherever it matches, so this script trades
recall for precision with rules that generalise (word frequency, the shape of a name,
corroboration by independent sources), never with lists taken from annotated gold data.

Pipeline: read each raw file -> clean names per source -> group rows on (key, type) and pick a
display name -> drop junk entries -> resolve keys claimed by several types -> fold entries that
name each other and clean aliases -> mark benchmarks -> choose match modes -> write a sorted TSV.

Run (needs the optional dependency group ``lexicon``: ``pip install -e '.[lexicon]'``), from the project root:
    .venv/bin/python tools/build_lexicon.py --raw ../shared/lexicons
Its tables (sources and their trust, thresholds, word lists) are data: ``tools/lexicon_rules.yaml``.
The output depends only on the input files: same input, same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

try:
    from wordfreq import zipf_frequency  # optional dependency group 'lexicon'
except ImportError:
    zipf_frequency = None

from kg.keys import compact_key, concept_key
from kg.schema import MENTION_LABELS

OUT_DIR = Path("kg/extract/resolve/data/lexicons")
"""The shipped lexicon's folder, relative to the project root."""
RULES_FILE = Path(__file__).with_name("lexicon_rules.yaml")
"""The tables this script runs on: raw files and their trust, thresholds, word lists."""
HEADER = ("name", "type", "match", "aliases", "sources")


class RulesError(Exception):
    """A problem in the rules file or the raw directory, reported as one line."""


@dataclass(frozen=True)
class SourceFile:
    """One raw file and how far its names and types can be trusted (see lexicon_rules.yaml).

    ``family`` groups files of one origin, so corroboration counts independent origins.
    ``display`` ranks its spelling as a display name (2 written for people, 1 code identifier).
    ``authority`` ranks its type when a name is claimed by several types. ``noisy`` marks the
    lists the raw README calls noisy; ``ids`` files whose one-word lower-case names are registry
    ids; ``variants`` files whose rows are variants of a family named elsewhere.
    """

    stem: str
    family: str
    display: int
    authority: int
    noisy: bool
    ids: bool
    variants: bool
    origin: str
    licence: str


_THRESHOLD_KEYS = {"common_zipf": float, "rare_zipf": float, "brand_zipf": float, "shouted_word_zipf": float,
                   "max_words": int}
_WORD_LISTS = ("function_words", "task_heads", "non_activity_heads", "technique_heads", "generic_heads")
_TOP_KEYS = {"thresholds": dict, "pwc_snapshot": str, "sources": list, "benchmark_families": list,
             "ml_words": dict, **{name: str for name in _WORD_LISTS}}
_SOURCE_KEYS = {"stem": str, "family": str, "display": int, "authority": int, "noisy": bool, "ids": bool,
                "variants": bool, "origin": str, "licence": str}


def _is_a(value: object, type_: type) -> bool:
    """``isinstance`` where a bool is not a number and an int is a float."""
    if type_ is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, type_) and (type_ is bool or not isinstance(value, bool))


def _checked(value: object, spec: dict[str, type], where: str) -> dict:
    """``value`` as a mapping with exactly the keys of ``spec``, each of its type, else RulesError."""
    if not isinstance(value, dict):
        raise RulesError(f"{where}: expected a mapping, found {type(value).__name__}")
    missing, unknown = sorted(spec.keys() - value.keys()), sorted(map(str, value.keys() - spec.keys()))
    if missing or unknown:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(unknown)}"] if unknown else [])
        raise RulesError(f"{where}: {'; '.join(problems)}")
    for key, type_ in spec.items():
        if not _is_a(value[key], type_):
            raise RulesError(f"{where}: {key} must be {type_.__name__}, found {value[key]!r}")
    return value


def load_rules(path: Path) -> dict:
    """The rules file as checked tables: one :class:`RulesError` line for anything malformed."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: cannot read: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RulesError(f"{path}:{mark.line + 1 if mark else '?'}: not valid YAML") from None
    data = _checked(data, _TOP_KEYS, str(path))
    _checked(data["thresholds"], _THRESHOLD_KEYS, f"{path}: thresholds")
    sources = tuple(SourceFile(**_checked(entry, _SOURCE_KEYS, f"{path}: sources[{i}]"))
                    for i, entry in enumerate(data["sources"]))
    if not all(isinstance(f, str) for f in data["benchmark_families"]):
        raise RulesError(f"{path}: benchmark_families must be a list of strings")
    if not all(isinstance(k, str) and v in ("exact", "lower") for k, v in data["ml_words"].items()):
        raise RulesError(f"{path}: ml_words must map each word to 'exact' or 'lower'")
    return {**data, "sources": sources, **{name: frozenset(data[name].split()) for name in _WORD_LISTS}}


try:
    RULES = load_rules(RULES_FILE)
except RulesError as rules_error:
    sys.exit(f"build_lexicon: error: {rules_error}")

COMMON_ZIPF = RULES["thresholds"]["common_zipf"]
RARE_ZIPF = RULES["thresholds"]["rare_zipf"]
BRAND_ZIPF = RULES["thresholds"]["brand_zipf"]
SHOUTED_WORD_ZIPF = RULES["thresholds"]["shouted_word_zipf"]
MAX_WORDS = RULES["thresholds"]["max_words"]
PWC_SNAPSHOT = RULES["pwc_snapshot"]
SOURCE_FILES: tuple[SourceFile, ...] = RULES["sources"]
SOURCES_BY_STEM = {s.stem: s for s in SOURCE_FILES}
VARIANT_FILES = tuple(s.stem for s in SOURCE_FILES if s.variants)
BENCHMARK_FAMILIES = frozenset(RULES["benchmark_families"])
ML_WORDS: dict[str, str] = RULES["ml_words"]
FUNCTION_WORDS = RULES["function_words"]
PREPOSITIONS = FUNCTION_WORDS - {"a", "an", "and", "or", "the"}
"""Words that start a modifier after a head noun ("Recognition in Videos", "Game of Poker")."""
TASK_HEADS = RULES["task_heads"]
NON_ACTIVITY_HEADS = RULES["non_activity_heads"]
TECHNIQUE_HEADS = RULES["technique_heads"]
GENERIC_HEADS = RULES["generic_heads"]

BENCHMARK_NAME = re.compile(r"(?i:bench|leaderboard|\barena\b)|Eval\b")
"""Names that announce an evaluation suite: "BIG-bench", "AlpacaEval", "Chatbot Arena"."""

# --- shapes of words and names --------------------------------------------------------------

TASK_SUFFIX = re.compile(r"(tion|sion|ing|sis|ment|ance|ence|ity|ness|al|ery|ism)$", re.I)
"""Endings of nominalised activities: "detection", "parsing", "analysis", "retrieval"."""

SINGLE_TASK_SUFFIX = re.compile(r"(tion|sion|ing|sis|ment)$", re.I)
"""A one-word task must look like an activity: "Summarization", "Chunking", "Retrosynthesis"."""

SPLIT_LABEL = re.compile(
    r"(?:mini)?(?:val|valid|validation|test|testing|dev|development|train|training)"
    r"(?:\d{4})?(?:[- ]?(?:dev|std|challenge|set|split|[ab]|\d))?(?: set)?",
    re.I,
)
"""Benchmark split labels: "val", "test-dev", "minival", "val2017", "test-std"."""

LANGUAGE_PAIR = re.compile(r"\b[a-z]{3}-[a-z]{3}$")
"""Per-language-pair task variants: "Translation crh-fra"."""

X_TO_Y = re.compile(r"\w[\s-]to[\s-]\w", re.I)
"""Conversion tasks: "Speech-to-Text", "Text to 3D", "Learning to Rank"."""

MALFORMED = re.compile(r"https?:|www\.|\.com\b|[\[\]{}<>|~\\\"\t;%]")
"""URLs, markup, characters that cannot occur in the TSV, and percentages (a configuration)."""

HUB_ID = re.compile(r"[a-z0-9][\w.-]*/[\w.-]+")
"""A Hugging Face hub id ("kmfoda/booksum"): a download handle, not a name used in prose."""

CODE_IDENTIFIER = re.compile(
    r"(Classifier|Regressor|Trainer|Pipeline|Config|ForConditionalGeneration|Encoder|Decoder)$"
)
"""Class names from package code ("GRPOTrainer", "RandomForestClassifier"): not prose."""

HF_INTERNAL = re.compile(
    r"(Assistant|Wrapper|Module|Head|Adapter|Exp|Encoder ?decoder|DualEncoder|PrivacyFilter)$", re.I
)
"""transformers model types that are components or helpers, not published models."""

QUALIFIER_PATTERNS = (
    r"^(.+?)\s*\((.*?)\)?\s*$",
    r"^(.+?):\s*(.*)$",
    r"^(.+?)\s+[-\u2013\u2014]\s+(.+)$",
    r"^(.+?),\s+(.+)$",
)
"""Qualified names: "X (Y)", "X: Y", "X - Y" (any dash), "X, Y"."""

MODEL_SIZE = re.compile(r"[-_ ](?:base|large|small|tiny|xl|xxl)$", re.I)
"""Size suffixes of table-row system names ("PhoBERT-large"): the system is the family."""



def key_of(name: str) -> str:
    """The dedupe key of the raw files: case-folded, without spaces, ``-`` and ``_``, and
    without edge punctuation ("BAM!" = "BAM")."""
    return re.sub(r"[\s_\-]+", "", name.strip().strip(".,;:!?'\"()[]").casefold())


def runtime_key(name: str) -> str:
    """The key the runtime gives the name (:func:`kg.keys.concept_key`), without spaces: names
    equal here are one concept at run time ("Highway Networks" = "Highway Network", "GANs" = "GAN")."""
    return compact_key(concept_key(name))


def words_of(name: str) -> list[str]:
    """Words split on spaces and hyphens ("Multi-Head Attention" -> 3 words)."""
    return [w for w in re.split(r"[\s\-]+", name) if w]


def content_words(name: str) -> list[str]:
    """Words that are not function words ("Labeled Faces in the Wild" -> Labeled, Faces, Wild)."""
    return [w for w in words_of(name) if w.casefold() not in FUNCTION_WORDS]


def is_common_word(word: str) -> bool:
    """A word of everyday English (by wordfreq), in any case."""
    return zipf_frequency(word, "en") >= COMMON_ZIPF


def has_inner_capital(word: str) -> bool:
    """Capitals after the first letter: acronyms and CamelCase ("GPT", "ImageNet", "LoRA")."""
    return any(c.isupper() for c in word[1:])


def is_name_marker(word: str) -> bool:
    """A word only found in names: CamelCase, an acronym, or a lone capital ("U" in "U-Net")."""
    return has_inner_capital(word) or (len(word) == 1 and word.isupper())


def is_plain_case(word: str) -> bool:
    """All lower case or Title case, the way an ordinary English word is written."""
    return word.isalpha() and (word.islower() or (word[0].isupper() and word[1:].islower()))


def is_everyday(word: str) -> bool:
    """An ordinary English word written the ordinary way ("Cell", "pass"; not "CELL")."""
    return is_plain_case(word) and is_common_word(word)


def looks_like_proper_name(name: str) -> bool:
    """Acronym, CamelCase, a lone capital or digits somewhere: the shape of a dataset or model name."""
    return any(c.isdigit() for c in name) or any(is_name_marker(w) for w in words_of(name))


def is_coined_name(name: str) -> bool:
    """Shaped like a proper name throughout: no everyday word in it ("GSM8K", "RoomEnv-v0").

    "Text-To-SQL" and "3D Object Detection" contain everyday words, so they are phrases.
    """
    return looks_like_proper_name(name) and not any(is_everyday(w) for w in content_words(name))


def is_acronym(word: str) -> bool:
    """Only capitals and digits, at least two capitals ("GLUE", "T5X", "CIFAR10")."""
    return sum(c.isupper() for c in word) >= 2 and not any(c.islower() for c in word)


def abbreviates(short: str, long: str) -> bool:
    """Whether the single token ``short`` abbreviates the phrase ``long``.

    The test of Schwartz & Hearst (2003): each letter or digit of the short form is found right
    to left in the long form, the first one at the start of a word; here the long form must also
    start with that character, have two words or more, and not merely extend the short form
    ("ETH3D Stereo" is a qualified name, not an expansion of "ETH3D").
    >>> abbreviates("CLIP", "Contrastive Language-Image Pre-training")
    True
    >>> abbreviates("USE", "Multilingual Universal Sentence Encoder")
    False
    """
    chars = [c.casefold() for c in short if c.isalnum()]
    if (
        len(chars) < 2
        or " " in short.strip()
        or not long
        or long[0].casefold() != chars[0]
        or not 2 <= len(words_of(long)) <= 2 * len(chars) + 1
        or key_of(long).startswith(key_of(short))
    ):
        return False
    text = long.casefold()
    pos = len(text) - 1
    for i in range(len(chars) - 1, -1, -1):
        while pos >= 0 and (text[pos] != chars[i] or (i == 0 and pos > 0 and text[pos - 1].isalnum())):
            pos -= 1
        if pos < 0:
            return False
        pos -= 1
    return True


def expands(a: str, b: str) -> bool:
    """Either name abbreviates the other, once a shared last word is set aside.

    >>> expands("POS Tagging", "Part-of-speech Tagging")
    True
    """
    a_words, b_words = a.split(), b.split()
    while len(a_words) > 1 and len(b_words) > 1 and a_words[-1].casefold() == b_words[-1].casefold():
        a_words, b_words = a_words[:-1], b_words[:-1]
    a, b = " ".join(a_words), " ".join(b_words)
    return abbreviates(a, b) or abbreviates(b, a)


# --- reading --------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One cleaned raw row: a name, its aliases, its type, its source id and its file."""

    name: str
    aliases: list[str]
    type: str
    source: str
    file: str

    def renamed(self, name: str, aliases: list[str]) -> Candidate:
        return Candidate(name, aliases, self.type, self.source, self.file)


def read_raw(raw_dir: Path, spec: SourceFile) -> list[Candidate]:
    """Rows of one raw file (header skipped), with ``;``-separated aliases split."""
    path = raw_dir / f"{spec.stem}.tsv"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: cannot read: {error}") from None
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != 4:
            raise RulesError(f"{path}:{number}: expected 4 tab-separated cells (name, aliases, type, source), found {len(cells)}")
        name, aliases, type_, source = cells
        alias_list = [a.rstrip(".") for a in map(strip_symbols, aliases.split(";")) if a]
        rows.append(Candidate(strip_symbols(name), alias_list, type_.lower(), source.strip(), spec.stem))
    return rows


def strip_symbols(text: str) -> str:
    """Trim spaces and decorative symbols around a name ("🇳🇴 NorEval" -> "NorEval")."""
    return "".join(c for c in text if unicodedata.category(c) != "So").strip()


class Stats:
    """Counts that make the filtering choices visible in the summary."""

    def __init__(self) -> None:
        self.rows_in: Counter[str] = Counter()
        self.rows_out: Counter[str] = Counter()
        self.source_ids: dict[str, set[str]] = {}
        self.dropped: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)

    def drop(self, rule: str, what: str) -> None:
        self.dropped[rule] += 1
        if len(self.examples[rule]) < 3:
            self.examples[rule].append(what)


# --- per-source cleaning --------------------------------------------------------------------


def split_qualifier(name: str) -> tuple[str, str]:
    """Split "X (Y)", "X: Y", "X - Y" or "X, Y" into the head name and its qualifier.

    PwC and timm attach configurations, expansions and subtitles this way:
    "ARC (Challenge)", "DaViT: Dual Attention Vision Transformers", "SVHN, 1000 labels".
    An unbalanced "BigEarthNet (official" loses its dangling part too.
    """
    for pattern in QUALIFIER_PATTERNS:
        match = re.match(pattern, name)
        if match and re.search(r"[A-Za-z]", match.group(1)):
            return match.group(1).strip(), match.group(2).strip()
    return name, ""


def clean_qualified(cand: Candidate, stats: Stats) -> Candidate | None:
    """Keep the head of a qualified name; keep a qualifier only as its abbreviation or expansion.

    "COCO (Common Objects in Context)" keeps "Common Objects in Context" as an alias,
    "ARC (Challenge)" drops "Challenge", "Waymo Open Dataset: Vehicle (...)" loses both
    qualifiers; a citation ("Xia and Ding, 2019") is dropped.
    """
    name, aliases = cand.name, list(cand.aliases)
    while True:
        head, qualifier = split_qualifier(name)
        if head == name:
            return cand.renamed(name, aliases)
        if re.fullmatch(r"(19|20)\d\d", qualifier):
            stats.drop("citation or dated heading", cand.name)
            return None
        inside = {p.strip() for p in re.split(r"[;,]", qualifier)} | {qualifier, name, head}
        aliases = [a for a in aliases if a not in inside]
        if qualifier and expands(qualifier, head):
            aliases.append(qualifier)
        name = head


def clean_hf_name(cand: Candidate, stats: Stats) -> Candidate | None:
    """Fix transformers display names built from class stems; drop internal model types.

    "Qwen2_5_VL" -> "Qwen2.5-VL", "Gemma3ForConditionalGeneration" -> "Gemma3";
    "Gemma4Assistant", "TimmWrapper" and "Encoder decoder" are parts or helpers, not models.
    """
    name = re.sub(r"ForConditionalGeneration$", "", cand.name)
    name = re.sub(r"(\d)_(\d)", r"\1.\2", name).strip("_")
    if HF_INTERNAL.search(name) or name.count("_") > 1:
        stats.drop("transformers: internal or component type", cand.name)
        return None
    return cand.renamed(name.replace("_", "-"), cand.aliases)


def clean_dataset_id(cand: Candidate, stats: Stats) -> Candidate | None:
    """A registry's short lower-case dataset id that is no English word is the acronym papers
    write in capitals: "mnli" -> "MNLI", "qqp" -> "QQP" (not "race", "drop": words)."""
    if re.fullmatch(r"[a-z]{3,4}", cand.name) and not is_common_word(cand.name):
        return cand.renamed(cand.name.upper(), cand.aliases)
    return cand


def clean_table_model(cand: Candidate, stats: Stats) -> Candidate | None:
    """Keep only clean one-token system names from NLP-progress result tables.

    Table rows mix systems with features, citations and ensembles ("BiLSTM-CRF+ELMo",
    "rnn-ext + abs + RL + rerank", "Tsai & Roth", "val-LS-skip"). A usable name is one token
    without lower-case word parts, CamelCase or an acronym of five or more characters ("BiDAF",
    "ConvKB", "HIBERT"), with any size suffix removed ("PhoBERT-large" -> "PhoBERT").
    """
    name = MODEL_SIZE.sub("", cand.name)
    clean = re.fullmatch(r"[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9]", name) is not None
    lower_part = any(part.isalpha() and part.islower() for part in name.split("-"))
    camel = any(c.islower() for c in name) and has_inner_capital(name)
    if not clean or lower_part or not (camel or (is_acronym(name) and len(name) >= 5)):
        stats.drop("nlp-progress table row that is not a clean name", cand.name)
        return None
    return cand.renamed(name, [])


def clean_timm_family(cand: Candidate, stats: Stats) -> Candidate | None:
    """Turn free-text timm family titles into names ("GhostNet & GhostNetV2" -> "GhostNet")."""
    cleaned = clean_qualified(cand, stats)
    if cleaned is None or not re.search(r"\s(?:&|and)\s", cleaned.name):
        return cleaned
    named = [a for a in cleaned.aliases if re.fullmatch(r"[A-Za-z][A-Za-z0-9]+", a)]
    if not named:
        stats.drop("timm: free-text family title", cand.name)
        return None
    return cleaned.renamed(named[0], named[1:])


def variant_name(variant_id: str, families: dict[str, str]) -> str | None:
    """A prose name for a size variant of a known family: resnet50 -> "ResNet-50".

    Only ``<family><depth>`` and ``<family>_<letter><digit>`` ids qualify ("vgg16",
    "efficientnet_b0"); ids with patch sizes, widths or resolutions are implementation detail.
    """
    match = re.fullmatch(r"([a-z]+?)(\d+)|([a-z]+)_([a-z]\d)", variant_id)
    if not match:
        return None
    family, size = match.group(1, 2) if match.group(1) else match.group(3, 4)
    display = families.get(family)
    if display is None or display[-1].isdigit():
        return None
    return f"{display}-{size.upper()}"


def family_names(cands: Iterable[Candidate]) -> dict[str, str]:
    """Display names of model families by key, to name their variants ("resnet" -> "ResNet")."""
    names: dict[str, str] = {}
    for cand in sorted(cands, key=lambda c: (-SOURCES_BY_STEM[c.file].display, c.name)):
        if cand.type == "model" and " " not in cand.name and looks_like_proper_name(cand.name):
            names.setdefault(key_of(cand.name), cand.name)
    return names


def clean_variants(cands: list[Candidate], families: dict[str, str], stats: Stats) -> list[Candidate]:
    """Name timm/torchvision variant ids after their family; drop the ones without a prose form."""
    kept = []
    for cand in cands:
        name = variant_name(cand.name, families)
        if name is None:
            stats.drop("model variant id without a prose form", cand.name)
        else:
            kept.append(cand.renamed(name, []))
    return kept


CLEANERS: dict[str, Callable[[Candidate, Stats], Candidate | None]] = {
    "hf_transformers_model": clean_hf_name,
    "nlpprogress_model": clean_table_model,
    "timm_model_family": clean_timm_family,
    "tfds_dataset": clean_dataset_id,
}


def clean_sources(raw: dict[str, list[Candidate]], stats: Stats) -> list[Candidate]:
    """Apply the per-source cleaning; variants last, since they borrow their family's name."""
    out: list[Candidate] = []
    for stem, cands in raw.items():
        if stem not in VARIANT_FILES:
            cleaner = CLEANERS.get(stem, clean_qualified)
            out.extend(c for c in (cleaner(cand, stats) for cand in cands) if c is not None)
    families = family_names(out)
    for stem in VARIANT_FILES:
        out.extend(clean_variants(raw[stem], families, stats))
    return out


# --- entries --------------------------------------------------------------------------------


@dataclass
class Entry:
    """All candidates sharing one (key, type): the unit that becomes one output row.

    ``absorbed`` holds candidates of another type that lost to this one in
    :func:`resolve_types`: they add sources, not spellings.
    """

    key: str
    type: str
    candidates: list[Candidate] = field(default_factory=list)
    absorbed: list[Candidate] = field(default_factory=list)
    name: str = ""
    aliases: set[str] = field(default_factory=set)
    match: str = ""

    @property
    def files(self) -> set[str]:
        return {c.file for c in (*self.candidates, *self.absorbed)}

    @property
    def sources(self) -> set[str]:
        return {c.source for c in (*self.candidates, *self.absorbed)}

    @property
    def families(self) -> set[str]:
        return {SOURCES_BY_STEM[f].family for f in self.files}

    @property
    def authority(self) -> int:
        return max(SOURCES_BY_STEM[f].authority for f in self.files)

    @property
    def only_noisy(self) -> bool:
        return all(SOURCES_BY_STEM[f].noisy for f in self.files)

    def absorb(self, other: Entry) -> None:
        """Take over another entry's candidates and aliases (its name becomes an alias)."""
        self.candidates.extend(other.candidates)
        self.absorbed.extend(other.absorbed)
        self.aliases |= other.aliases | {other.name}

    def rank(self) -> tuple[int, int]:
        """Evidence for the entry: independent origins, then the most reliable type source."""
        return (len(self.families), self.authority)


def is_implementation_id(cand: Candidate) -> bool:
    """Snake case or a hub id anywhere, or a one-word lower-case name from a file of registry ids."""
    if "_" in cand.name or HUB_ID.fullmatch(cand.name):
        return True
    return SOURCES_BY_STEM[cand.file].ids and " " not in cand.name and cand.name == cand.name.lower()


def is_shouted(name: str) -> bool:
    """Several words all in capitals ("AUDIO-VISUAL QUESTION ANSWERING"), not an acronym."""
    return name.isupper() and sum(len(w) >= 3 and w.isupper() for w in re.findall(r"[A-Za-z]+", name)) >= 2


def is_prose_split(spelling: str) -> bool:
    """A class stem split into whole words ("Stable Diffusion"), not into morphemes ("Res Net")."""
    words = spelling.split()
    return len(words) > 1 and all(is_acronym(w) or (is_plain_case(w) and len(w) >= 5) for w in words)


def choose_display(entry: Entry) -> str:
    """The best spelling of the entry's key among its candidates.

    Code-identifier sources contribute their same-key aliases too, so "StableDiffusion" can be
    shown as "Stable Diffusion". Preferred: not a registry id, written for people, with
    capitals but not shouted ("MMLU" beats "mmlu"), a class stem split into whole words, used
    by more raw rows ("CIFAR-10" beats "CIFAR10"), fewer spaces; ties go to the smaller string.
    """
    spellings = [(c.name, c) for c in entry.candidates]
    spellings += [(a, c) for c in entry.candidates if SOURCES_BY_STEM[c.file].display == 1 for a in c.aliases]
    spellings = [(s, c) for s, c in spellings if key_of(s) == entry.key]
    rows = Counter(s for s, _ in spellings)

    def score(spelling: str, cand: Candidate) -> tuple:
        return (
            not is_implementation_id(cand.renamed(spelling, [])),
            SOURCES_BY_STEM[cand.file].display,
            spelling != spelling.lower(),
            not is_shouted(spelling),
            is_prose_split(spelling),
            rows[spelling],
            -spelling.count(" "),
        )

    best = max(score(*pair) for pair in spellings)
    return min(s for s, c in spellings if score(s, c) == best)


def group_entries(cands: list[Candidate]) -> list[Entry]:
    """Group candidates on (key, type) and pick each group's display name."""
    groups: dict[tuple[str, str], Entry] = {}
    for cand in cands:
        key = key_of(cand.name)
        if key:
            groups.setdefault((key, cand.type), Entry(key, cand.type)).candidates.append(cand)
    for entry in groups.values():
        entry.name = choose_display(entry)
        entry.aliases = {a for c in entry.candidates for a in c.aliases}
    return sorted(groups.values(), key=lambda e: (e.key, e.type))


# --- entry filters --------------------------------------------------------------------------


def corroborated(entry: Entry) -> bool:
    """Listed by two independent origins, or carrying an expansion that fits its letters."""
    return len(entry.families) >= 2 or any(abbreviates(entry.name, a) for a in entry.aliases)


def malformed(entry: Entry) -> bool:
    """URLs, markup, no letters, a bare number or year, or a leading operator."""
    name = entry.name
    return (
        MALFORMED.search(name) is not None
        or re.fullmatch(r"[\d\W]+", name) is not None
        or name[0] in "+-,.:/&#"
    )


def sentence_like(entry: Entry) -> bool:
    """Titles and descriptions: too long, a question or full stop, a comparison ("CIFAR-10 vs
    ImageNet"), or prose in sentence case.

    "Labeled Faces in the Wild" is a name (content words capitalised); "Resolving the Scope and
    focus of negation" is a heading.
    """
    name = entry.name
    words = name.split()
    if len(words) > MAX_WORDS or "?" in name or name.endswith(".") or re.search(r"\s(vs\.?|versus)\s", name):
        return True
    function = sum(w.casefold() in FUNCTION_WORDS for w in words)
    lowercase = any(w[0].islower() for w in content_words(name)[1:])
    return len(words) >= 4 and function >= 2 and lowercase


def too_short(entry: Entry) -> bool:
    """Two characters or fewer: "AP", "CS", "EM" are everywhere.

    A capital with a digit listed by two origins ("T5", "C4") is a name, not an abbreviation.
    """
    name = entry.name
    coined = re.fullmatch(r"[A-Z]\d|\d[A-Z]", name) is not None
    return len(name) <= 2 and not (coined and len(entry.families) >= 2)


def short_without_shape(entry: Entry) -> bool:
    """Three or four characters without a capital or digit ("scan", "wit"): too ambiguous."""
    return len(entry.name) <= 4 and not any(c.isupper() or c.isdigit() for c in entry.name)


def implementation_id_only(entry: Entry) -> bool:
    """Every spelling is a registry id ("ag_news_subset", "accentdb", "nadamw"): not prose."""
    return all(is_implementation_id(c) for c in entry.candidates)


def plain_word(entry: Entry) -> bool:
    """One everyday English word written like one ("Ant", "Cell", "pass", "Goal", "Flux").

    Hyphenated compounds count when all parts are everyday words ("Copy-Paste", "In-house"),
    except capitalised compounds naming datasets or models ("Office-Home", "Persona-Chat").
    Task names have their own test (:func:`generic_task`).
    """
    name = entry.name
    if entry.type == "task" or " " in name or name in ML_WORDS:
        return False
    words = content_words(name)
    if not words or not all(is_everyday(w) for w in words):
        return False
    capitalised_compound = len(words) > 1 and all(w[0].isupper() for w in words)
    # a capitalised model name two origins list is a name ("Reformer": Papers with Code, transformers)
    corroborated_model = entry.type == "model" and name[0].isupper() and len(entry.families) >= 2
    return not (capitalised_compound and entry.type in ("dataset", "model") or corroborated_model)


def shouted_word(entry: Entry) -> bool:
    """An everyday word in capitals ("USE", "GATE", "ROAD") with too little evidence.

    Kept when two origins list it ("GLUE", "DROP", "RACE") or an expansion fits its letters; a
    package or curated method list vouches for it unless the word is very common ("INCLUDE").
    """
    name = entry.name
    if not (name.isalpha() and name.isupper() and is_common_word(name)) or corroborated(entry):
        return False
    return entry.only_noisy or zipf_frequency(name, "en") >= SHOUTED_WORD_ZIPF


def lone_short_acronym(entry: Entry) -> bool:
    """A three-letter dataset acronym found only in the noisy lists ("CSD", "FSI").

    Such acronyms are coined ad hoc in many abstracts, so one noisy listing is not evidence.
    """
    return (
        entry.type == "dataset"
        and re.fullmatch(r"[A-Z]{3}", entry.name) is not None
        and entry.only_noisy
        and not corroborated(entry)
    )


def task_head(name: str) -> str:
    """The head word of a task name: the last word before any prepositional modifier.

    "Action Recognition In Videos" -> "Recognition"; "Game of Poker" -> "Game";
    "Vision and Language Navigation" -> "Navigation".
    """
    tokens = name.split()
    cut = next((i for i, t in enumerate(tokens) if i and t.casefold() in PREPOSITIONS), len(tokens))
    return words_of(" ".join(tokens[:cut]))[-1]


def is_activity(word: str) -> bool:
    """A word that can head a task name ("Detection", "Retrieval", "Transfer", "NER")."""
    folded = word.casefold()
    if folded in NON_ACTIVITY_HEADS:
        return False
    return TASK_SUFFIX.search(word) is not None or folded in TASK_HEADS


def generic_task(entry: Entry) -> bool:
    """Task names that do not name an activity ("Image", "Time Series", "College Mathematics").

    A one-word task must end like an activity ("Summarization", "Chunking"); a longer one needs
    an activity as head word or the "X to Y" form; alternatives with "/" are configurations
    ("Age/Unbiased"). Coined names ("GSM8K", "MMLU") are left to :func:`resolve_types`, which
    makes them datasets, and to :func:`named_task`.
    """
    name = entry.name
    if entry.type != "task" or is_coined_name(name):
        return False
    if LANGUAGE_PAIR.search(name) or "/" in name:
        return True
    if len(words_of(name)) == 1:
        return not SINGLE_TASK_SUFFIX.search(name)
    return not (X_TO_Y.search(name) or is_activity(task_head(name)))


def common_single_word(entry: Entry) -> bool:
    """A one-word method or task that is not rare in English ("ontology", "prediction", "lasso").

    Such names are matched in any case, so they must be rare words, or be corroborated by two
    origins ("classification", "parsing"), or be on the short list of ML words ("dropout").
    """
    name = entry.name
    return (
        entry.type in ("method", "task")
        and is_plain_case(name)
        and len(name) > 4
        and name not in ML_WORDS
        and zipf_frequency(name, "en") >= RARE_ZIPF
        and len(entry.families) < 2
    )


def descriptive_dataset(entry: Entry) -> bool:
    """A dataset "name" that is a heading or a description, not a proper name.

    Dataset names are proper names. A conversion ("English-to-Vietnamese"), a phrase headed
    like a task ("Natural Language Generation"), one with lower-case content words ("Social
    media"), a bare "<word> Dataset" label, or two everyday words from the noisy lists only
    ("Hate Speech") is a heading; such Title-case phrases would also match every paper title
    that uses them.
    """
    name = entry.name
    if entry.type != "dataset":
        return False
    if X_TO_Y.search(name):
        return True
    words = content_words(name)
    if " " not in name or len(words) < 2 or looks_like_proper_name(name):
        return False
    head = words[-1]
    if is_activity(head) and not head.casefold().endswith(("al", "ity")):
        return True
    if any(w[0].islower() for w in words[1:]):
        return True
    if len(words) == 2 and head.casefold() in GENERIC_HEADS and is_everyday(words[0]):
        return True
    everyday = all(is_everyday(w) for w in words)
    return everyday and len(words) == 2 and entry.only_noisy and len(entry.families) < 2


def brand_spelling(entry: Entry) -> bool:
    """An everyday word in its brand spelling ("YouTube", "iPhone", "PhD") from the noisy lists.

    One capital inside a common word is how products and degrees are written; a dataset named
    so would match every mention of the product.
    """
    name = entry.name
    return (
        entry.only_noisy
        and name.isalpha()
        and sum(c.isupper() for c in name[1:]) == 1
        and zipf_frequency(name, "en") >= BRAND_ZIPF
    )


def named_task(entry: Entry) -> bool:
    """A task whose name is coined like a dataset or model and that no other entry absorbed.

    "XLM-R", "SMAC" or "D4RL" in PwC's task list are not tasks; "NER" is folded into
    "named entity recognition" before this test.
    """
    return entry.type == "task" and is_coined_name(entry.name) and not SINGLE_TASK_SUFFIX.search(entry.name)


Filter = tuple[str, Callable[[Entry], bool]]

ENTRY_FILTERS: tuple[Filter, ...] = (
    ("malformed (URL, markup, number, operator)", malformed),
    ("sentence, title or over-long name", sentence_like),
    ("name of <= 2 characters", too_short),
    ("3-4 characters without capital or digit", short_without_shape),
    ("implementation id only", implementation_id_only),
    ("plain English word", plain_word),
    ("everyday word in brand spelling, noisy lists only", brand_spelling),
    ("English word in capitals without corroboration", shouted_word),
    ("3-letter dataset acronym from noisy lists only", lone_short_acronym),
    ("task name that is not an activity", generic_task),
    ("one-word method or task that is not a rare word", common_single_word),
    ("dataset name that is a heading or description", descriptive_dataset),
)
LATE_FILTERS: tuple[Filter, ...] = (("task named like a dataset or model", named_task),)


def apply_filters(entries: list[Entry], filters: tuple[Filter, ...], stats: Stats) -> list[Entry]:
    """Drop entries failing any filter; the first failing filter is the one counted."""
    kept = []
    for entry in entries:
        failed = next((label for label, test in filters if test(entry)), None)
        if failed:
            stats.drop(failed, f"{entry.name} ({entry.type})")
        else:
            kept.append(entry)
    return kept


# --- types ----------------------------------------------------------------------------------


def resolve_types(entries: list[Entry], stats: Stats, key: Callable[[Entry], str] = lambda e: e.key) -> list[Entry]:
    """Keep one entry per key: the runtime keys concepts by name alone, so a second type would
    silently replace the first.

    A task named like a dataset ("GSM8K", "MMLU" in PwC's task list) is the dataset, and a
    phrase claimed by a task and a dataset heading is the task. Otherwise the type from the
    most reliable source wins (a package declaring it beats PwC, PwC beats table rows and
    PwC's task list, so "Knowledge Distillation" stays a method), then the type with more
    origins ("SuperGLUE" the benchmark over "SuperGlue" the matcher). The loser's sources go to
    the winner, not its aliases, which may describe another concept ("DAC" the codec is not
    "Dynamic Algorithm Configuration"). Run again with :func:`runtime_key`, it also merges
    entries of one type whose names differ only by a plural ("Epinion" / "Epinions"); then the
    loser's aliases, which name the same concept, go along.
    """
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[key(entry)].append(entry)
    kept = []
    for group in groups.values():
        while len(group) > 1:
            loser = pick_loser(group)
            group.remove(loser)
            winner = max(group, key=type_strength)
            winner.absorbed.extend(loser.candidates + loser.absorbed)
            if winner.type == loser.type:
                winner.aliases |= {a for a in loser.aliases if runtime_key(a) != runtime_key(winner.name)}
            stats.drop(f"same key, other type or plural: {loser.type} -> {winner.type}", f"{loser.name} -> {winner.name}")
        kept.extend(group)
    return sorted(kept, key=lambda e: (e.key, e.type))


def type_strength(entry: Entry) -> tuple[int, int, str]:
    """How reliable an entry's type is: its best source, then its origins (then a fixed order)."""
    return (entry.authority, len(entry.families), entry.type)


def pick_loser(group: list[Entry]) -> Entry:
    """The entry of ``group`` (two or more types for one key) with the less plausible type."""
    task = next((e for e in group if e.type == "task"), None)
    if task is not None:
        if is_coined_name(task.name):
            return task
        dataset = next((e for e in group if e.type == "dataset"), None)
        if dataset is not None:
            return dataset
    return min(group, key=type_strength)


def retype_techniques(entries: list[Entry], stats: Stats) -> None:
    """Type ``method`` a task whose head word names a technique ("Multi-Task Learning",
    "Data Augmentation"), unless a prepositional modifier makes it an activity
    ("Few-Shot Transfer Learning for Saliency Prediction" stays a task)."""
    for entry in entries:
        words = entry.name.split()
        if entry.type == "task" and task_head(entry.name).casefold() in TECHNIQUE_HEADS and words[-1] == task_head(entry.name):
            stats.drop("task named by a technique head: task -> method", entry.name)
            entry.type = "method"


def mark_benchmarks(entries: list[Entry]) -> None:
    """Type evaluation suites ``benchmark``: names from evaluation harnesses (which include GLUE,
    SuperGLUE, MMLU, GSM8K, HellaSwag, BIG-bench) and names announcing one ("...Bench")."""
    for entry in entries:
        harness = bool(entry.families & BENCHMARK_FAMILIES)
        if entry.type == "dataset" and (harness or BENCHMARK_NAME.search(entry.name)):
            entry.type = "benchmark"


# --- aliases --------------------------------------------------------------------------------


def alias_problem(alias: str, entry: Entry) -> str | None:
    """Why ``alias`` is no use as another surface form of ``entry`` (None if it is fine)."""
    words = words_of(alias)
    if key_of(alias) == entry.key:
        return "alias: spelling variant of the name"
    if is_split_variant(alias, entry.key) or "(" in alias:
        return "alias: split or configuration of the name"
    if entry.key.startswith(key_of(alias)):
        return "alias: truncation of the name"
    extra = key_of(alias)[len(entry.key):] if key_of(alias).startswith(entry.key) else None
    if extra is not None and not re.fullmatch(r"v?\d+(?:\.\d+)*", extra):
        return "alias: extension of the name (a variant or part)"
    if (
        MALFORMED.search(alias)
        or "_" in alias
        or ":" in alias
        or len(alias.split()) > MAX_WORDS
        or not words
        or words[0].casefold() in FUNCTION_WORDS
    ):
        return "alias: id, markup or description"
    if " " not in alias and CODE_IDENTIFIER.search(alias):
        return "alias: code class name"
    if alias == alias.lower() and (" " not in alias or entry.type in ("dataset", "benchmark", "model")):
        return "alias: lower-case id or description"
    if len(alias) <= 2 and (not is_acronym(alias) or is_common_word(alias)):
        return "alias: too short or ambiguous"
    if expands(alias, entry.name):
        return None
    if " " not in alias and alias not in ML_WORDS and all(is_everyday(w) for w in content_words(alias)):
        return "alias: plain English word"
    if alias.isalpha() and alias.isupper() and is_common_word(alias):
        return "alias: plain English word"
    return None


def is_split_variant(alias: str, key: str) -> bool:
    """A split label, alone or after the name: "Test Set", "COCO test-dev", "VQA v2 val"."""
    if SPLIT_LABEL.fullmatch(alias):
        return True
    match = re.fullmatch(rf"(.+?)[\s\-]*(?:{SPLIT_LABEL.pattern})", alias, re.I)
    return match is not None and key_of(match.group(1)) == key


def drop_junk_aliases(entries: list[Entry], stats: Stats) -> None:
    """Remove aliases that are variants, splits, ids, class names, too short or plain words."""
    for entry in entries:
        for alias in sorted(entry.aliases):
            problem = alias_problem(alias, entry)
            if problem:
                entry.aliases.discard(alias)
                stats.drop(problem, f"{alias} [{entry.name}]")


def survivor(a: Entry, b: Entry) -> tuple[Entry, Entry]:
    """Of two entries for one concept, (kept, absorbed): more origins and a more reliable type
    win; on a tie, datasets and models keep the short coined name ("PVTv2", "ABCD"), methods and
    tasks the spelled-out phrase ("named entity recognition")."""
    if a.rank() != b.rank():
        return (a, b) if a.rank() > b.rank() else (b, a)
    a_shorter = (len(a.name), a.name) < (len(b.name), b.name)
    prefer_short = a.type in ("dataset", "model")
    return (a, b) if a_shorter == prefer_short else (b, a)


def fold_entries(entries: list[Entry], stats: Stats) -> list[Entry]:
    """Merge two entries of one type when one lists the other's name as an alias and one name
    abbreviates the other ("named entity recognition" / "NER", "WordNet-18-RR" / "WN18RR").

    Other alias links are not trusted to join entries: "CodeLlama" lists "Llama" and "LongBench"
    lists "longbenchv2"; those aliases are dropped later instead.
    """
    by_key = {(e.key, e.type): e for e in entries}
    gone: set[int] = set()
    for entry in entries:
        for alias in sorted(entry.aliases):
            other = by_key.get((key_of(alias), entry.type))
            if other is None or other is entry or {id(entry), id(other)} & gone:
                continue
            if expands(entry.name, other.name):
                keep, lose = survivor(entry, other)
                keep.absorb(lose)
                by_key[(lose.key, lose.type)] = keep
                gone.add(id(lose))
                stats.drop("folded into the entry naming the same concept", f"{lose.name} -> {keep.name}")
    return [e for e in entries if id(e) not in gone]


def drop_ambiguous_aliases(entries: list[Entry], stats: Stats) -> None:
    """Drop aliases that are another entry's name or that several entries share ("VOC", "Coco")."""
    names = {e.key for e in entries}
    holders: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for alias_key in {key_of(a) for a in entry.aliases} - {entry.key}:
            holders[alias_key].append(entry)
    for alias_key, owners in sorted(holders.items()):
        if alias_key in names or len(owners) > 1:
            rule = "alias: names another entry" if alias_key in names else "alias: shared by several entries"
            for entry in owners:
                for alias in sorted(a for a in entry.aliases if key_of(a) == alias_key):
                    entry.aliases.discard(alias)
                    stats.drop(rule, f"{alias} [{entry.name}]")


# --- match mode and display -----------------------------------------------------------------


def match_mode(entry: Entry) -> str:
    """``exact`` for proper names and short or capitalised forms, ``lower`` for phrases.

    Datasets and benchmarks are proper names, and so are models, except architecture phrases
    of everyday words that only Papers with Code lists as models ("Pointer Network", "Dense
    Connections"); a package's model names ("Bert Generation") are proper names. Methods and
    tasks of several words are phrases; one-word ones stay case-sensitive when they are short,
    contain digits or inner capitals ("AdamW", "k-NN").
    """
    name = entry.name
    if name in ML_WORDS:
        return ML_WORDS[name]
    if entry.type in ("dataset", "benchmark") or len(name) <= 4:
        return "exact"
    if entry.type == "model":
        words = content_words(name)
        phrase = len(words) > 1 and all(is_everyday(w) for w in words) and not looks_like_proper_name(name)
        return "lower" if phrase and entry.authority < 3 else "exact"
    if len(name.split()) > 1:
        return "lower"
    acronym_or_digit = any(c.isdigit() for c in name) or any(has_inner_capital(w) for w in words_of(name))
    return "exact" if acronym_or_digit else "lower"


PROPER_ADJECTIVE = re.compile(r"\w{3,}(ian|ean|ese|ish)$")
"""Capitalised adjectives from names and places: "Gaussian", "Euclidean", "Chinese", "English"."""


def lower_display(name: str) -> str:
    """Display of a case-insensitive entry: Title-case words in lower case.

    "Named Entity Recognition" -> "named entity recognition"; acronyms ("3D", "SQL") and
    proper adjectives ("Gaussian process", "Chinese word segmentation") keep their case, unless
    the whole name is in capitals ("PAIR TRADING").
    """
    if is_shouted(name):
        return name.lower()

    def lower(match: re.Match) -> str:
        word = match.group(0)
        return word if PROPER_ADJECTIVE.search(word) or not is_plain_case(word) else word.lower()

    return re.sub(r"[A-Za-z]+", lower, name)


def finalise(entries: list[Entry]) -> None:
    """Pick display names again (merges added spellings), then match modes; case-insensitive
    task and method phrases and plain words are displayed in lower case ("dropout"), coined
    forms keep their spelling ("Q-Learning", "Ape-X")."""
    for entry in entries:
        entry.name = choose_display(entry)
        entry.match = match_mode(entry)
        phrase = " " in entry.name or all(is_plain_case(w) for w in words_of(entry.name))
        if entry.match == "lower" and entry.type in ("task", "method") and phrase:
            entry.name = lower_display(entry.name)


# --- output ---------------------------------------------------------------------------------


def join_aliases(aliases: set[str]) -> str:
    """Aliases sorted case-insensitively (then exactly, for determinism) and ``;``-joined."""
    return ";".join(sorted(aliases, key=lambda a: (a.casefold(), a)))


def tsv_rows(entries: list[Entry]) -> list[tuple[str, ...]]:
    """Output rows sorted by (type, name); aliases sorted and ``;``-joined, sources ``|``-joined."""
    rows = [(e.name, e.type, e.match, join_aliases(e.aliases), "|".join(sorted(e.sources))) for e in entries]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def write_tsv(path: Path, rows: list[tuple[str, ...]]) -> None:
    """Write the header and rows as UTF-8 with LF line ends."""
    for row in rows:
        if any(re.search(r"[\t\n\r]", cell) for cell in row) or ";" in row[0]:
            raise ValueError(f"bad cell in {row!r}")
    lines = ["\t".join(HEADER), *("\t".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


NOTICE_HEAD = """\
# NOTICE for `generated.tsv`

`generated.tsv` is generated by `tools/build_lexicon.py` from public gazetteer material (names of
datasets, benchmarks, tasks, methods and models); do not edit it by hand, re-run the script. No
annotated gold set (SciERC, GSAP-NER, TDMSci, SciREX) was used to build it.

## Licence: CC BY-SA 4.0 (share-alike)

`generated.tsv` contains names taken from the Papers with Code data, which is licensed under the
Creative Commons Attribution-ShareAlike 4.0 International licence
(<https://creativecommons.org/licenses/by-sa/4.0/>). `generated.tsv` is an adaptation of that
data and is therefore itself licensed under **CC BY-SA 4.0**: you may share and adapt it if you
give appropriate credit, indicate changes, and distribute your adaptations under the same
licence. This applies to `generated.tsv` only, not to the project's code or other data files.

**Attribution.** Contains data from Papers with Code (paperswithcode.com), CC BY-SA 4.0, taken
from the July 2025 snapshot in {pwc_snapshot} and from the June 2022 `methods.json.gz` dump kept in
github.com/mariaayuso/topic-modeling-on-software @ 93b8bffee2a87c0ff64bee77be81d51a6af378e7.
Also contains data from sota-extractor (CC BY-SA 4.0 data) and NLP-progress (MIT), and names
declared by the Python packages listed below.

**Changes made.** Names were filtered (plain English words, short or ambiguous names, registry
ids, headings, sentences, table rows), split labels and qualifiers were removed, entries were
merged across sources and on abbreviations, types were resolved, aliases were cleaned, and a
match mode was assigned to every row. Every rule is in `tools/build_lexicon.py`.

## Sources

The `sources` column of `generated.tsv` lists the source ids below (`|`-joined).

| source id | raw file | origin | licence | raw rows | rows using it |
|---|---|---|---|---|---|
"""

NOTICE_TAIL = """
Package names were read from the source files of the listed PyPI releases (wheels fetched with
`pip download --no-deps`, read as text or syntax trees, never installed or run); they are used
as identifiers. Not used: `merged_all.tsv` (the union of the files above, rebuilt here) and
`pwc_method_collections.tsv` (the raw PwC method collections; the method/model split is taken
as given).
"""


def write_notice(path: Path, stats: Stats) -> None:
    """Write NOTICE.md: the CC BY-SA notice, attribution, and each source with its origin and licence."""
    lines = [NOTICE_HEAD.format(pwc_snapshot=PWC_SNAPSHOT)]
    for spec in SOURCE_FILES:
        ids = ", ".join(f"`{i}`" for i in sorted(stats.source_ids[spec.stem]))
        counts = f"{stats.rows_in[spec.stem]} | {stats.rows_out[spec.stem]}"
        lines.append(f"| {ids} | `{spec.stem}.tsv` | {spec.origin} | {spec.licence} | {counts} |\n")
    lines.append(NOTICE_TAIL)
    path.write_text("".join(lines), encoding="utf-8")


def build(raw_dir: Path, stats: Stats) -> list[Entry]:
    """Run the whole pipeline on the raw directory and return the final entries."""
    raw = {spec.stem: read_raw(raw_dir, spec) for spec in SOURCE_FILES}
    for stem, rows in raw.items():
        stats.rows_in[stem] = len(rows)
        stats.source_ids[stem] = {c.source for c in rows}
    entries = group_entries(clean_sources(raw, stats))
    entries = apply_filters(entries, ENTRY_FILTERS, stats)
    entries = resolve_types(entries, stats)
    entries = fold_entries(entries, stats)
    drop_junk_aliases(entries, stats)
    entries = apply_filters(entries, LATE_FILTERS, stats)
    entries = resolve_types(entries, stats, key=lambda e: runtime_key(e.name))
    drop_ambiguous_aliases(entries, stats)
    retype_techniques(entries, stats)
    mark_benchmarks(entries)
    finalise(entries)
    for entry in entries:
        for stem in entry.files:
            stats.rows_out[stem] += 1
    return entries


def print_summary(stats: Stats, rows: list[tuple[str, ...]], out: Path) -> None:
    """Rows in/out per source, rows per type and drops per filter, with a few examples."""
    print(f"wrote {len(rows)} rows to {out / 'generated.tsv'} (and NOTICE.md)")
    print("\nrows per source file (raw rows in -> output rows they contribute to):")
    for spec in SOURCE_FILES:
        print(f"  {spec.stem:28s} {stats.rows_in[spec.stem]:6d} -> {stats.rows_out[spec.stem]:6d}")
    print("\nrows per type:")
    per_type = Counter(r[1] for r in rows)
    for type_ in MENTION_LABELS:
        print(f"  {type_:10s} {per_type[type_]:6d}")
    print("\ndropped, by rule (entries are raw rows merged on key and type; aliases count one by one):")
    for rule, count in sorted(stats.dropped.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {count:6d}  {rule}   e.g. {'; '.join(stats.examples[rule])}")


def main(argv: list[str] | None = None) -> int:
    """Build the lexicon; exit 0, or 2 with one error line (bad rules, raw files or missing wordfreq)."""
    project = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, required=True,
                        help="raw gazetteer directory, one <stem>.tsv per source in lexicon_rules.yaml")
    parser.add_argument("--out", type=Path, default=project / OUT_DIR, help=f"output directory (default {OUT_DIR})")
    args = parser.parse_args(argv)
    if zipf_frequency is None:
        print("build_lexicon: error: wordfreq is not installed; run: pip install -e '.[lexicon]'", file=sys.stderr)
        return 2
    stats = Stats()
    try:
        rows = tsv_rows(build(args.raw, stats))
    except RulesError as error:
        print(f"build_lexicon: error: {error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    write_tsv(args.out / "generated.tsv", rows)
    write_notice(args.out / "NOTICE.md", stats)
    print_summary(stats, rows, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
