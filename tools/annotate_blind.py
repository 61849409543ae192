#!/usr/bin/env python3
"""Turn the hand annotations of the blind set into offsets, validate them, and write the set.

Input: ``benchmarks/data/blind/drawn.jsonl`` (the seeded draw, see ``draw_blind_sample.py``)
and ``benchmarks/data/blind/annotations.yaml``, written by hand. Per paper::

    - id: arXiv:2506.11772
      concepts:
        - name: CLIP                  # canonical name (default: the first surface)
          type: model                 # method | model | dataset | benchmark | task
          relation: USES              # PROPOSES | EVALUATES_ON | ADDRESSES | USES | COMPARES_WITH | MENTIONS
          surfaces: [CLIP]            # exact surface strings, case-sensitive
          note: optional free text
      exclude:                        # occurrences of a string that are NOT this concept
        - {text: SAM, context: "SAM loss", reason: "sharpness-aware minimisation here, not the model"}
      accept:                         # hyphen-joined occurrences that are a mention all the same
        - {text: GS, context: "GS-oriented"}
      notes: optional free text

Every occurrence of every surface, in the title and in the abstract, becomes a mention:
case-sensitive, word-boundary aware (no letter or digit right before or after), longest
surface first; an occurrence inside a longer annotated span (``BERT`` in ``Sentence-BERT``) is
covered by that span. ``exclude`` drops the occurrences of ``text`` that lie inside an
occurrence of ``context`` (the whole paper when ``context`` is left out).

Validation (every problem is an error; the files are written only when there is none):

- the paper ids are exactly the drawn ones, each once;
- each concept has a name, a known type and a known relation (one relation per concept),
  names are unique in a paper, and no surface belongs to two concepts of a paper;
- type and relation agree: EVALUATES_ON only for datasets/benchmarks, ADDRESSES only for
  tasks, and a ``benchmark`` is one the paper proposes or evaluates on;
- every surface occurs at least once, every exclusion and acceptance matches something;
- mention offsets reproduce their text; no two mentions overlap;
- completeness: a case-insensitive occurrence of a surface that starts at a word boundary
  (``transformer`` for ``Transformer``, ``LLMs`` for ``LLM``, ``SAM2`` for ``SAM``) and is not
  covered by a mention must be excluded with a reason or become a surface (an all-capitals
  surface is checked case-sensitively: ``DE`` does not flag ``decouples``);
- an occurrence joined by a hyphen to a further word (``Open-Sora`` for ``Sora``) is a
  mention only if that word is a common suffix (``-based``, ``-like`` ...) or the occurrence
  is accepted explicitly; otherwise it is an error.

Outputs: ``abstracts.jsonl`` (the full set, concepts with relations and mentions) and
``abstracts.gold.jsonl`` (abstract mentions only, in the gold format ``kg eval`` reads), plus
counts per split on stdout (``--counts-md`` prints them as Markdown tables for the README).

    python3 tools/annotate_blind.py            # validate and write
    python3 tools/annotate_blind.py --check    # validate only
    python3 tools/annotate_blind.py --show arXiv:2506.11772   # the abstract with spans bracketed
    python3 tools/annotate_blind.py --consistency   # surfaces annotated in one paper, not in another
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "benchmarks" / "data" / "blind"
DRAWN = DIR / "drawn.jsonl"
ANNOTATIONS = DIR / "annotations.yaml"
OUT = DIR / "abstracts.jsonl"
GOLD = DIR / "abstracts.gold.jsonl"

TYPES = ("method", "model", "dataset", "benchmark", "task")
RELATIONS = ("PROPOSES", "EVALUATES_ON", "ADDRESSES", "USES", "COMPARES_WITH", "MENTIONS")
FIELDS = ("title", "abstract")
HYPHEN_SUFFIXES = {
    "based", "like", "style", "driven", "guided", "enhanced", "powered", "aware", "specific",
    "level", "free", "generated", "assisted", "centric", "oriented", "only", "augmented",
    "inspired", "derived", "type", "conditioned", "integrated", "empowered", "equipped",
    "compatible", "friendly", "native", "agnostic", "supervised", "annotated", "labeled",
    "labelled", "trained", "finetuned", "tuned", "informed", "induced", "related", "wise",
}
WORD = re.compile(r"\w", re.UNICODE)
URL = re.compile(r"(?:https?://|www\.)\S+")


def is_word(ch: str) -> bool:
    return bool(ch) and bool(WORD.match(ch))


def occurrences(text: str, surface: str, ignore_case: bool = False) -> list[tuple[int, int]]:
    """Start/end of each occurrence of ``surface`` with no word character on either side
    (case-insensitive: only a word boundary at the start is required)."""
    found = []
    haystack, needle = (text.lower(), surface.lower()) if ignore_case else (text, surface)
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        left_ok = not (is_word(before) and is_word(text[start]))
        right_ok = ignore_case or not (is_word(after) and is_word(text[end - 1]))
        if left_ok and right_ok:
            found.append((start, end))
        start = haystack.find(needle, start + 1)
    return found


def substrings(text: str, needle: str) -> list[tuple[int, int]]:
    """Every occurrence of ``needle`` in ``text``, word boundaries or not."""
    spans, position = [], text.find(needle)
    while position != -1:
        spans.append((position, position + len(needle)))
        position = text.find(needle, position + 1)
    return spans


def within(text: str, spans: list[tuple[int, int]], context: str | None) -> list[tuple[int, int]]:
    """The spans lying inside an occurrence of ``context`` (all of them when it is None)."""
    if context is None:
        return spans
    windows = []
    position = text.find(context)
    while position != -1:
        windows.append((position, position + len(context)))
        position = text.find(context, position + 1)
    return [s for s in spans if any(a <= s[0] and s[1] <= b for a, b in windows)]


def hyphen_joined(text: str, start: int, end: int) -> str | None:
    """The word a hyphen joins the span to, when there is one (before or after)."""
    if end + 1 < len(text) and text[end] == "-" and is_word(text[end + 1]):
        match = re.match(r"[\w]+", text[end + 1:])
        return "+" + match.group(0)
    if start >= 2 and text[start - 1] == "-" and is_word(text[start - 2]):
        match = re.search(r"[\w]+$", text[:start - 1])
        return "-" + match.group(0)
    return None


def annotate(paper: dict, entry: dict, errors: list[str]) -> list[dict]:
    """The concepts of one paper with their mentions; problems are appended to ``errors``."""
    pid = paper["id"]
    where = f"{pid}"
    concepts = entry.get("concepts") or []
    excludes = entry.get("exclude") or []
    accepts = entry.get("accept") or []
    owner: dict[str, int] = {}
    names: set[str] = set()
    for index, concept in enumerate(concepts):
        surfaces = concept.get("surfaces") or []
        name = concept.get("name") or (surfaces[0] if surfaces else None)
        concept["name"] = name
        if not name or not surfaces:
            errors.append(f"{where}: concept #{index} has no name or no surfaces")
            continue
        if concept.get("type") not in TYPES:
            errors.append(f"{where}: {name!r}: type {concept.get('type')!r} not one of {TYPES}")
        if concept.get("relation") not in RELATIONS:
            errors.append(f"{where}: {name!r}: relation {concept.get('relation')!r} not one of {RELATIONS}")
        if concept.get("relation") == "EVALUATES_ON" and concept.get("type") not in ("dataset", "benchmark"):
            errors.append(f"{where}: {name!r}: EVALUATES_ON is for datasets and benchmarks only")
        if concept.get("relation") == "ADDRESSES" and concept.get("type") != "task":
            errors.append(f"{where}: {name!r}: ADDRESSES is for tasks only")
        if concept.get("type") == "benchmark" and concept.get("relation") not in ("PROPOSES", "EVALUATES_ON"):
            errors.append(f"{where}: {name!r}: a benchmark the paper neither proposes nor evaluates on is a dataset")
        if name in names:
            errors.append(f"{where}: concept name {name!r} used twice")
        names.add(name)
        for surface in surfaces:
            if surface != surface.strip() or not surface:
                errors.append(f"{where}: {name!r}: surface {surface!r} has outer spaces or is empty")
            if surface in owner and owner[surface] != index:
                errors.append(f"{where}: surface {surface!r} belongs to two concepts")
            owner[surface] = index

    used_excludes: set[int] = set()
    used_accepts: set[int] = set()
    mentions: dict[str, list[tuple[int, int, int]]] = {}  # field -> (start, end, concept index)
    for field in FIELDS:
        text = paper[field]
        # excluded regions: URLs, and each occurrence of an exclusion's text inside its context
        regions = [(m.start(), m.end()) for m in URL.finditer(text)]
        for e_index, exclusion in enumerate(excludes):
            if not exclusion.get("text"):
                continue
            found = within(text, substrings(text, exclusion["text"]), exclusion.get("context"))
            if found:
                used_excludes.add(e_index)
            regions += found

        def excluded(start: int, end: int) -> bool:
            return any(a <= start and end <= b for a, b in regions)

        taken: list[tuple[int, int, int]] = []
        for surface in sorted(owner, key=len, reverse=True):
            index = owner[surface]
            for start, end in occurrences(text, surface):
                if excluded(start, end) or any(a <= start and end <= b for a, b, _ in taken):
                    continue  # excluded, or inside a longer mention
                clash = [(a, b) for a, b, _ in taken if a < end and start < b]
                if clash:
                    errors.append(f"{where} {field}: {surface!r} at {start} overlaps {text[clash[0][0]:clash[0][1]]!r}")
                    continue
                joined = hyphen_joined(text, start, end)
                if joined and joined[1:].lower() not in HYPHEN_SUFFIXES:
                    ok = [a for a, acc in enumerate(accepts) if acc.get("text") == surface
                          and within(text, [(start, end)], acc.get("context"))]
                    if not ok:
                        errors.append(f"{where} {field}: {surface!r} at {start} is hyphen-joined ({joined!r}): "
                                      f"add the longer form, exclude it or accept it")
                        continue
                    used_accepts.update(ok)
                taken.append((start, end, index))
        mentions[field] = sorted(taken)
        # completeness: case variants, plurals and longer words starting with a surface
        for surface in owner:
            # an acronym's lower-case letters start ordinary words ("DE" in "decouples"):
            # acronyms are checked case-sensitively (plurals and suffixes: "LLMs", "SAM2")
            acronym = surface.upper() == surface and any(c.isalpha() for c in surface)
            for start, end in occurrences(text, surface, ignore_case=True):
                if acronym and text[start:end] != surface:
                    continue
                if excluded(start, end) or any(a <= start and end <= b for a, b, _ in taken):
                    continue
                word_end = end
                while word_end < len(text) and is_word(text[word_end]):
                    word_end += 1
                found = text[start:word_end]
                if found == surface and hyphen_joined(text, start, end):
                    continue  # a hyphen-joined occurrence, already reported
                errors.append(f"{where} {field}: {found!r} at {start} (like surface {surface!r}) is not annotated: "
                              f"make it a surface or exclude it with a reason")
    for e_index, exclusion in enumerate(excludes):
        if not exclusion.get("reason"):
            errors.append(f"{where}: exclusion {exclusion} has no reason")
        if e_index not in used_excludes:
            errors.append(f"{where}: exclusion {exclusion} matches nothing")
    for a_index, acceptance in enumerate(accepts):
        if a_index not in used_accepts:
            errors.append(f"{where}: acceptance {acceptance} matches nothing")

    out = []
    for index, concept in enumerate(concepts):
        found = [
            {"field": field, "start": a, "end": b, "text": paper[field][a:b]}
            for field in FIELDS for a, b, i in mentions[field] if i == index
        ]
        for surface in concept.get("surfaces") or []:
            if not any(m["text"] == surface for m in found):
                errors.append(f"{where}: surface {surface!r} of {concept.get('name')!r} has no mention")
        out.append({"name": concept.get("name"), "type": concept.get("type"),
                    "relation": concept.get("relation"), "mentions": found,
                    **({"note": concept["note"]} if concept.get("note") else {})})
    for m in (m for c in out for m in c["mentions"]):
        if paper[m["field"]][m["start"]:m["end"]] != m["text"]:
            errors.append(f"{where}: offsets of {m} do not reproduce the text")
    return out


def load() -> tuple[list[dict], dict[str, dict]]:
    drawn = [json.loads(line) for line in DRAWN.read_text(encoding="utf-8").splitlines() if line.strip()]
    entries = yaml.safe_load(ANNOTATIONS.read_text(encoding="utf-8")) or []
    by_id: dict[str, dict] = {}
    for entry in entries:
        if entry["id"] in by_id:
            raise SystemExit(f"{entry['id']} annotated twice")
        by_id[entry["id"]] = entry
    return drawn, by_id


def build(require_all: bool) -> tuple[list[dict], list[str]]:
    drawn, by_id = load()
    errors: list[str] = []
    unknown = set(by_id) - {p["id"] for p in drawn}
    errors += [f"{pid}: not a drawn paper" for pid in sorted(unknown)]
    records = []
    for paper in drawn:
        entry = by_id.get(paper["id"])
        if entry is None:
            if require_all:
                errors.append(f"{paper['id']}: not annotated")
            continue
        concepts = annotate(paper, entry, errors)
        record = {k: paper[k] for k in ("id", "split", "title", "abstract", "published", "categories")}
        record["concepts"] = concepts
        if entry.get("notes"):
            record["notes"] = entry["notes"]
        records.append(record)
    return records, errors


def gold_line(record: dict) -> dict:
    entities = sorted(
        ({"start": m["start"], "end": m["end"], "label": c["type"]}
         for c in record["concepts"] for m in c["mentions"] if m["field"] == "abstract"),
        key=lambda e: (e["start"], e["end"]),
    )
    return {"id": record["id"], "text": record["abstract"], "entities": entities,
            "source": "kg-blind", "split": record["split"]}


def counts(records: list[dict]) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for split in ("dev", "test", "all"):
        chosen = [r for r in records if split == "all" or r["split"] == split]
        concepts = [c for r in chosen for c in r["concepts"]]
        table[split] = {
            "papers": len(chosen),
            "papers without concepts": sum(not r["concepts"] for r in chosen),
            "concepts (= relations)": len(concepts),
            "concepts per type": Counter(c["type"] for c in concepts),
            "relations per label": Counter(c["relation"] for c in concepts),
            "abstract mentions per type": Counter(c["type"] for c in concepts for m in c["mentions"] if m["field"] == "abstract"),
            "title mentions per type": Counter(c["type"] for c in concepts for m in c["mentions"] if m["field"] == "title"),
            "concepts only in the title": sum(all(m["field"] == "title" for m in c["mentions"]) for c in concepts),
        }
    return table


def print_counts(table: dict[str, dict], markdown: bool) -> None:
    if not markdown:
        for split, row in table.items():
            print(f"== {split}")
            for key, value in row.items():
                if isinstance(value, Counter):
                    value = ", ".join(f"{k} {v}" for k, v in sorted(value.items())) + f" (total {sum(value.values())})"
                print(f"  {key}: {value}")
        return
    splits = list(table)
    print("| | " + " | ".join(splits) + " |\n|---|" + "---:|" * len(splits))
    for key in ("papers", "papers without concepts", "concepts (= relations)", "concepts only in the title"):
        print(f"| {key} | " + " | ".join(str(table[s][key]) for s in splits) + " |")
    for key, labels in (("concepts per type", TYPES), ("relations per label", RELATIONS),
                        ("abstract mentions per type", TYPES), ("title mentions per type", TYPES)):
        for label in labels:
            print(f"| {key}: {label} | " + " | ".join(str(table[s][key][label]) for s in splits) + " |")
        print(f"| {key}: total | " + " | ".join(str(sum(table[s][key].values())) for s in splits) + " |")


def consistency(records: list[dict]) -> None:
    """Surface forms annotated in one paper that occur unannotated in another (a review aid:
    each hit is either a miss to fix or a different use to leave, see GUIDELINES.md)."""
    annotated: dict[str, set[str]] = {}
    for record in records:
        for concept in record["concepts"]:
            for m in concept["mentions"]:
                annotated.setdefault(m["text"], set()).add(f"{concept['type']}")
    for surface in sorted(annotated, key=str.lower):
        acronym = surface.upper() == surface
        hits = []
        for record in records:
            for field in FIELDS:
                text = record[field]
                covered = [(m["start"], m["end"]) for c in record["concepts"] for m in c["mentions"] if m["field"] == field]
                for start, end in occurrences(text, surface, ignore_case=not acronym):
                    after = text[end] if end < len(text) else ""
                    if is_word(after) or any(a <= start and end <= b for a, b in covered):
                        continue
                    if any(a < end and start < b for a, b in covered):
                        continue  # overlaps a different annotated span
                    hits.append(f"{record['id']} {field}: ...{text[max(0, start - 40):end + 40]!r}...")
        if hits:
            print(f"{surface!r} (annotated as {', '.join(sorted(annotated[surface]))}) unannotated in:")
            for hit in hits:
                print("   ", hit)


def show(pid: str) -> None:
    records, errors = build(require_all=False)
    for record in records:
        if record["id"] != pid:
            continue
        for field in FIELDS:
            text = record[field]
            spans = sorted((m["start"], m["end"], c["type"][:2] + ":" + c["relation"][:3])
                           for c in record["concepts"] for m in c["mentions"] if m["field"] == field)
            pieces, last = [], 0
            for a, b, tag in spans:
                pieces += [text[last:a], f"[{text[a:b]}]{{{tag}}}"]
                last = b
            pieces.append(text[last:])
            print(f"--- {field}\n" + "".join(pieces))
    for error in errors:
        if error.startswith(pid):
            print("ERROR", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="validate only, write nothing")
    parser.add_argument("--partial", action="store_true", help="allow papers not annotated yet")
    parser.add_argument("--show", metavar="ID")
    parser.add_argument("--counts-md", action="store_true", help="validate, print the counts as Markdown, write nothing")
    parser.add_argument("--consistency", action="store_true", help="list surfaces annotated in one paper, not in another")
    args = parser.parse_args()
    if args.show:
        show(args.show)
        return
    records, errors = build(require_all=not args.partial)
    for error in errors:
        print("ERROR", error)
    if errors:
        sys.exit(f"{len(errors)} problems; nothing written")
    if args.consistency:
        consistency(records)
        return
    print_counts(counts(records), args.counts_md)
    if args.check or args.counts_md:
        return
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    GOLD.write_text("".join(json.dumps(gold_line(r), ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} and {GOLD.relative_to(ROOT)} ({len(records)} papers)")


if __name__ == "__main__":
    main()
