"""Scoring extraction against gold annotations (the format of ``../shared/gold``).

A gold file is JSON Lines: ``{"id", "text", "entities": [{"start", "end", "label"}]}``.
Predictions are scored per label and micro-averaged, two ways:

- exact: same start, end and label;
- partial: character IoU ≥ 0.5 and the same label, each gold span matched at most once
  (greedy by IoU, so the matching is one-to-one).

A false positive of either kind is *wrong type* when a gold span of another label covers it
with character IoU ≥ 0.5: the right name, typed wrongly (``Tally.wrong_type``).

``benchmark`` is scored as ``dataset``; ``fold`` maps further labels (``model=method`` for
SciERC, whose Method covers models). Gold labels we do not extract (``metric``) are left out
of the gold side; predictions are all counted, so a prediction that matches nothing is a
false positive.

Records whose ids share the part before ``|`` (GSAP-NER: ``paper.txt|text_unit_7``) are
paragraphs of one document. :func:`extract_gold` extracts each document as one text, as the
product reads a paper, so an acronym defined in one paragraph serves the next; offsets are
mapped back to the records.

>>> gold = [Span("a", 0, 4, "model")]
>>> score(gold, [Span("a", 0, 4, "model"), Span("a", 10, 12, "task")]).exact["model"].f1
1.0
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from kg.errors import GoldFileError
from kg.read.fields import MAX_TEXT_CHARS
from kg.read.text import replace_xml_forbidden
from kg.records import Paper
from kg.schema import CONCEPT_TYPES

SCORED_LABELS = CONCEPT_TYPES
BASE_FOLD = {"benchmark": "dataset"}


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span of one record."""

    record: str
    start: int
    end: int
    label: str


@dataclass
class Tally:
    """True positives, false positives and false negatives of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    wrong_type: int = 0
    """False positives that a gold span of another label covers (IoU ≥ 0.5)."""

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def wrong_type_share(self) -> float:
        """The share of false positives that are a gold name of another type."""
        return self.wrong_type / self.fp if self.fp else 0.0


@dataclass
class Scores:
    """Exact and partial tallies per label (plus ``micro``), and the commonest errors."""

    exact: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    partial: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    false_positives: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    misses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))


@dataclass(frozen=True)
class GoldRecord:
    id: str
    text: str
    spans: tuple[Span, ...]
    split: str = ""

    @property
    def document(self) -> str:
        """The document the record is a part of: its id up to ``|``, else the record itself."""
        return self.id.partition("|")[0]


def _gold_record(line: bytes, mapping: Mapping[str, str]) -> GoldRecord:
    """One line of a gold file as a record; a ValueError saying what is wrong with it."""
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 (byte {error.start + 1})") from None
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValueError(f"not JSON ({error})" if isinstance(error, json.JSONDecodeError) else "not JSON (nested too deep)") from None
    if not isinstance(record, dict):
        raise ValueError(f"a JSON {type(record).__name__}, not an object")
    record_id, text, entities = record.get("id"), record.get("text"), record.get("entities", [])
    if not isinstance(record_id, str) or not record_id:
        raise ValueError(f"'id' must be a non-empty string, not {record_id!r:.40}")
    if not isinstance(text, str):
        raise ValueError(f"'text' must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"'text' has {len(text):,} characters, more than the {MAX_TEXT_CHARS:,} kg reads")
    if not isinstance(entities, list):
        raise ValueError(f"'entities' must be a list, not {type(entities).__name__}")
    spans = []
    for number, entity in enumerate(entities, start=1):
        where = f"entity {number}"
        if not isinstance(entity, dict):
            raise ValueError(f"{where} is a JSON {type(entity).__name__}, not an object")
        start, end, label = entity.get("start"), entity.get("end"), entity.get("label")
        if not all(type(value) is int for value in (start, end)):
            raise ValueError(f"{where}: 'start' and 'end' must be integers, not {start!r:.20} and {end!r:.20}")
        if not 0 <= start < end <= len(text):
            raise ValueError(f"{where}: offsets {start}..{end} are not a span of the {len(text)}-character text")
        if not isinstance(label, str):
            raise ValueError(f"{where}: 'label' must be a string, not {label!r:.20}")
        label = mapping.get(label, label)
        if label in SCORED_LABELS:
            spans.append(Span(record_id, start, end, label))
    return GoldRecord(record_id, text, tuple(spans), str(record.get("split", "")))


def read_gold(path: Path, fold: Mapping[str, str] | None = None,
              splits: Iterable[str] = ()) -> Iterator[GoldRecord]:
    """The records of a gold JSONL file, labels folded and limited to the scored ones;
    only the records of ``splits`` when given (``cv-fold-3-test`` ...).

    A line that is not a gold record (not an object, an id that is not a string, offsets that
    are not integers or not inside the text, ...) and a file without any record are a
    :class:`GoldFileError` naming the file and line: a score of a damaged gold file would be
    a wrong number, not a partial one.
    """
    mapping = {**BASE_FOLD, **(fold or {})}
    wanted = set(splits)
    read = 0
    try:
        with open(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = _gold_record(line, mapping)
                except ValueError as error:
                    raise GoldFileError(f"{path}:{number}: not a gold record: {error}") from None
                read += 1
                if not wanted or record.split in wanted:
                    yield record
    except OSError as error:
        raise GoldFileError(f"{path}: cannot read it: {error.strerror or error}") from None
    if not read:
        raise GoldFileError(f"{path}: holds no gold record (one JSON object a line: id, text, entities)")


def gold_paper(record: GoldRecord) -> Paper:
    """A gold record as a paper to extract from: its text is the abstract, the title empty.

    Only XML-forbidden characters are replaced (length kept), so gold offsets stay valid.
    """
    return Paper(id=record.id, title="", abstract=replace_xml_forbidden(record.text), source="gold")


DOCUMENT_JOINER = "\n\n"
"""What separates the paragraphs of one document when they are extracted as one text."""


def gold_documents(records: Iterable[GoldRecord]) -> tuple[list[Paper], dict[str, list[tuple[int, GoldRecord]]]]:
    """Each document of ``records`` as one paper, its paragraphs joined in file order, and
    per document the offset at which each record starts."""
    parts: dict[str, list[tuple[int, GoldRecord]]] = defaultdict(list)
    lengths: dict[str, int] = {}
    for record in records:
        offset = lengths.get(record.document, -len(DOCUMENT_JOINER)) + len(DOCUMENT_JOINER)
        parts[record.document].append((offset, record))
        lengths[record.document] = offset + len(record.text)
    papers = [Paper(id=document, title="", abstract=DOCUMENT_JOINER.join(replace_xml_forbidden(r.text) for _, r in members),
                    source="gold") for document, members in parts.items()]
    return papers, parts


def extract_gold(records: list[GoldRecord], per_record: bool = False) -> list[Span]:
    """The extractor's spans on gold records: documents extracted whole (see the module
    docstring), or each record alone with ``per_record``."""
    from kg.extract import extract

    if per_record:
        resolution = extract([gold_paper(r) for r in records]).resolution
        return [Span(m.paper_id, m.start, m.end, m.label) for m in resolution.mentions]
    papers, parts = gold_documents(records)
    resolution = extract(papers).resolution
    spans = []
    for m in resolution.mentions:
        for offset, record in parts[m.paper_id]:
            if offset <= m.start and m.end <= offset + len(record.text):
                spans.append(Span(record.id, m.start - offset, m.end - offset, m.label))
                break
    return spans


def _iou(a: Span, b: Span) -> float:
    overlap = min(a.end, b.end) - max(a.start, b.start)
    if overlap <= 0:
        return 0.0
    return overlap / (max(a.end, b.end) - min(a.start, b.start))


def score(gold: Iterable[Span], predicted: Iterable[Span], fold: Mapping[str, str] | None = None,
          texts: Mapping[str, str] | None = None) -> Scores:
    """Exact and partial scores of ``predicted`` against ``gold`` (labels folded first)."""
    mapping = {**BASE_FOLD, **(fold or {})}
    gold_by_record: dict[str, list[Span]] = defaultdict(list)
    predicted_by_record: dict[str, list[Span]] = defaultdict(list)
    for span in gold:
        gold_by_record[span.record].append(span)
    for span in predicted:
        predicted_by_record[span.record].append(Span(span.record, span.start, span.end, mapping.get(span.label, span.label)))
    scores = Scores()
    texts = texts or {}
    for record in sorted(gold_by_record.keys() | predicted_by_record.keys()):
        gold_spans, predicted_spans = gold_by_record[record], predicted_by_record[record]
        text = texts.get(record, "")
        exact_gold = set(gold_spans)

        def count_false_positive(tally: Tally, span: Span) -> None:
            tally.fp += 1
            tally.wrong_type += any(g.label != span.label and _iou(span, g) >= 0.5 for g in gold_spans)

        for span in predicted_spans:
            if span in exact_gold:
                scores.exact[span.label].tp += 1
            else:
                count_false_positive(scores.exact[span.label], span)
        for span in exact_gold - set(predicted_spans):
            scores.exact[span.label].fn += 1
        pairs = sorted(
            ((_iou(p, g), i, j) for i, p in enumerate(predicted_spans) for j, g in enumerate(gold_spans)
             if p.label == g.label and _iou(p, g) >= 0.5),
            key=lambda item: (-item[0], item[1], item[2]),
        )
        used_p, used_g = set(), set()
        for _, i, j in pairs:
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            scores.partial[predicted_spans[i].label].tp += 1
        for i, span in enumerate(predicted_spans):
            if i not in used_p:
                count_false_positive(scores.partial[span.label], span)
                scores.false_positives[span.label][text[span.start:span.end]] += 1
        for j, span in enumerate(gold_spans):
            if j not in used_g:
                scores.partial[span.label].fn += 1
                scores.misses[span.label][text[span.start:span.end]] += 1
    for tallies in (scores.exact, scores.partial):
        micro = Tally()
        for label in SCORED_LABELS:
            tally = tallies[label]
            micro.tp, micro.fp, micro.fn = micro.tp + tally.tp, micro.fp + tally.fp, micro.fn + tally.fn
            micro.wrong_type += tally.wrong_type
        tallies["micro"] = micro
    return scores


def report(scores: Scores, top: int = 10) -> str:
    """A readable table of the scores and the commonest false positives and misses."""
    lines = [f"{'label':<8} {'exact P':>8} {'R':>6} {'F1':>6}   {'partial P':>9} {'R':>6} {'F1':>6}   {'gold':>6} {'pred':>6}"
             f"   {'wrong type (exact / partial FP)':>31}"]
    for label in (*SCORED_LABELS, "micro"):
        e, p = scores.exact[label], scores.partial[label]
        wrong_type = f"{e.wrong_type_share:.3f} / {p.wrong_type_share:.3f}"
        lines.append(
            f"{label:<8} {e.precision:>8.3f} {e.recall:>6.3f} {e.f1:>6.3f}   {p.precision:>9.3f} {p.recall:>6.3f} {p.f1:>6.3f}"
            f"   {e.tp + e.fn:>6} {e.tp + e.fp:>6}   {wrong_type:>31}"
        )
    for title, table in (("false positives", scores.false_positives), ("misses", scores.misses)):
        for label in SCORED_LABELS:
            common = ", ".join(f"{text!r}×{n}" for text, n in table[label].most_common(top))
            if common:
                lines.append(f"top {title} ({label}): {common}")
    return "\n".join(lines)


# --- relations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationGold:
    """A paper and the hand-labelled relation of some of its concepts (None: not a concept);
    ``part`` says whether rules were tuned while looking at it (``dev``) or not (``heldout``)."""

    paper: Paper
    relations: dict[str, str | None]
    part: str = "dev"


@dataclass
class RelationScores:
    """Accuracy of the paper–concept relations against hand labels, and the majority baseline."""

    pairs: int = 0
    correct: int = 0
    unmatched: int = 0
    majority: str = ""
    majority_count: int = 0
    confusion: Counter = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.correct / self.pairs if self.pairs else 0.0

    @property
    def baseline(self) -> float:
        return self.majority_count / self.pairs if self.pairs else 0.0


def read_relation_gold(path: Path) -> list[RelationGold]:
    """A relation fixture: one JSON line per paper, ``{id, title, abstract, source, set, pairs:
    [{concept, name, relation}]}`` (``relation`` null marks a span that is no concept)."""
    gold = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                paper = Paper(id=record["id"], title=record["title"], abstract=record["abstract"], source=record["source"])
                gold.append(RelationGold(paper, {p["concept"]: p["relation"] for p in record["pairs"]}, record.get("set", "dev")))
    return gold


def pair_relations(mentions: Iterable) -> dict[tuple[str, str], str]:
    """The relation of each (paper, concept) pair (the corpus stage gives all the mentions of
    a pair the same one)."""
    return {(m.paper_id, m.concept): m.relation for m in mentions}


def score_relations(gold: list[RelationGold], predicted: Mapping[tuple[str, str], str]) -> RelationScores:
    """Accuracy over the labelled pairs (a concept the extractor no longer finds counts as
    wrong), next to always answering the commonest label."""
    scores = RelationScores()
    labels = Counter()
    for item in gold:
        for concept, relation in item.relations.items():
            if relation is None:
                continue
            guess = predicted.get((item.paper.id, concept))
            scores.pairs += 1
            scores.correct += guess == relation
            scores.unmatched += guess is None
            scores.confusion[(relation, guess or "-")] += 1
            labels[relation] += 1
    if labels:
        scores.majority, scores.majority_count = labels.most_common(1)[0]
    return scores
