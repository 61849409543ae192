"""Concept audit of a corpus build (issue 13, acceptance 4): draw concepts, score their judgements.

    .venv/bin/python benchmarks/concept_audit.py draw GRAPH.json --commit SHA [--out FILE]
    .venv/bin/python benchmarks/concept_audit.py score [--draw FILE] [--judgements FILE]

``draw`` reads a graph.json that ``kg build`` wrote with evidence (not ``--lean``) and writes
the 200 most-shared concepts (by paper count, ties by key) and 200 drawn at random
(``--seed``, default 13) from the rest, each with its key, name, type, paper count and up to
three mention sentences from different papers (an abstract's sentence rather than the title
where there is one; the mention marked «like this»), to judge by. The first line of the
file records the build: the commit of the code that built it, its paper and concept counts.

``score`` reads the draw and the hand judgements (one line per drawn concept; the fields and
how to judge are in benchmarks/data/audit/GUIDELINES.md) and prints, per group, the share of
real concepts, the share of right types among them and among all, each with its Wilson 95 %
interval and counts, beside a type-default baseline, and the commonest error kinds with
examples. A judgement file that does not cover exactly the draw is an error.

Reproduce an audit (a 75k build takes 5–10 minutes on this machine; the audit of landed code is
in benchmarks/data/audit/9767041/, give its files to ``score`` with ``--draw`` and ``--judgements``)::

    PYTHONPATH=$PWD .venv/bin/python -m kg.cli build ../shared/corpus/arxiv-cs-2025.jsonl.gz \\
        --out /tmp/audit75k --only json --no-cache
    .venv/bin/python benchmarks/concept_audit.py draw /tmp/audit75k/graph.json --commit <SHA>
    .venv/bin/python benchmarks/concept_audit.py score
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from kg.errors import GraphFileError, InputError, KgError
from kg.schema import CONCEPT, MENTION_LABELS, PAPER, PAPER_CONCEPT_RELATIONS

AUDIT = Path(__file__).resolve().parent / "data" / "audit"
DRAW_FILE = AUDIT / "concepts.jsonl"
JUDGEMENTS_FILE = AUDIT / "judgements.jsonl"
GROUPS = ("most-shared", "random")
GROUP_SIZE = 200
SEED = 13
CONTEXTS = 3
SNIPPET_CHARS = 240
TYPES = MENTION_LABELS  # what a judge may name as the right type: the four concept types and benchmark
# Acceptance 4 of issue 13: real concepts / right types among all, per group.
TARGETS = {"most-shared": (0.95, 0.90), "random": (0.90, 0.85)}


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (95 % for z = 1.96); (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


# ---------------------------------------------------------------------------------- draw

def concept_type(node: dict) -> str:
    """The type a user sees: a Dataset that carries Benchmark is a benchmark."""
    return "benchmark" if node.get("benchmark") else node["type"]


def snippet(sentence: str, mention: str) -> str:
    """The sentence cut to about SNIPPET_CHARS around its first occurrence of the mention, marked."""
    at = sentence.find(mention)
    if at < 0:
        return sentence[:SNIPPET_CHARS]
    end = at + len(mention)
    room = max(0, SNIPPET_CHARS - len(mention)) // 2
    start, stop = max(0, at - room), min(len(sentence), end + room)
    return ("…" if start else "") + sentence[start:at] + "«" + mention + "»" + sentence[end:stop] + (
        "…" if stop < len(sentence) else "")


def read_graph(path: Path) -> dict:
    try:
        graph = json.loads(path.read_text(encoding="utf-8"))
        graph["nodes"], graph["links"]
    except OSError as error:
        raise GraphFileError(f"{path}: cannot read: {error.strerror or error}") from error
    except (ValueError, KeyError, TypeError) as error:
        raise GraphFileError(f"{path}: not a node-link graph.json kg build wrote ({error})") from error
    return graph


def draw(graph: dict, commit: str, graph_name: str, seed: int = SEED) -> list[dict]:
    """The header record and the drawn concepts, most-shared first, each with its contexts
    (the random group and the contexts drawn with ``seed``)."""
    concepts = {n["id"]: n for n in graph["nodes"] if CONCEPT.name in n.get("labels", ())}
    if not concepts:
        raise GraphFileError(f"{graph_name}: holds no concept")
    evidence: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for edge in graph["links"]:
        if edge.get("key") in PAPER_CONCEPT_RELATIONS and edge["target"] in concepts and edge.get("sentences"):
            mentions = list(zip(edge["fields"], edge["sentences"], edge["texts"]))
            _, sentence, text = next((m for m in mentions if m[0] == "abstract"), mentions[0])
            evidence[edge["target"]][edge["source"]] = (sentence, text)
    if not evidence:
        raise GraphFileError(f"{graph_name}: carries no evidence sentences (built with --lean?)")
    ranked = sorted(concepts.values(), key=lambda n: (-n["paper_count"], n["key"]))
    top, rest = ranked[:GROUP_SIZE], sorted(ranked[GROUP_SIZE:], key=lambda n: n["key"])
    drawn = random.Random(seed).sample(rest, min(GROUP_SIZE, len(rest)))
    papers = sum(1 for n in graph["nodes"] if PAPER.name in n.get("labels", ()))
    records = [{"build": {"commit": commit, "graph": graph_name, "papers": papers,
                          "concepts": len(concepts), "seed": seed}}]
    for group, nodes in (("most-shared", top), ("random", drawn)):
        for node in nodes:
            by_paper = evidence.get(node["id"], {})
            chosen = random.Random(f"{seed}:{node['key']}").sample(sorted(by_paper), min(CONTEXTS, len(by_paper)))
            records.append({"group": group, "key": node["key"], "name": node["name"], "type": concept_type(node),
                            "paper_count": node["paper_count"],
                            "contexts": [snippet(*by_paper[p]) for p in sorted(chosen)]})
    return records


# --------------------------------------------------------------------------------- score

@dataclass(frozen=True)
class Judged:
    group: str
    key: str
    type: str
    concept_ok: bool
    type_ok: bool | None
    right_type: str | None
    error: str | None

    @property
    def type_ok_dataset_folded(self) -> bool:
        """A right type when dataset and benchmark count as one (the product's Dataset node)."""
        return bool(self.type_ok) or {self.type, self.right_type} == {"dataset", "benchmark"}

    @property
    def error_kind(self) -> str | None:
        if not self.concept_ok:
            return self.error or "unstated"
        return None if self.type_ok else f"type {self.type}→{self.right_type}"


def read_jsonl(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from error
    records = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as error:
                raise InputError(f"{path}:{number}: not a JSON line ({error})") from error
    return records


def join(drawn: list[dict], judgements: list[dict], judgements_name: str) -> list[Judged]:
    """The judged draw; every drawn concept judged exactly once, nothing else judged."""
    concepts = {r["key"]: r for r in drawn if "key" in r}
    seen: Counter[str] = Counter(j.get("key") for j in judgements)
    twice = sorted(k for k, n in seen.items() if n > 1)
    missing = sorted(set(concepts) - set(seen))
    extra = sorted(set(seen) - set(concepts), key=str)
    if twice or missing or extra:
        raise InputError(f"{judgements_name}: does not cover the draw exactly: "
                         f"{len(missing)} not judged {missing[:3]}, {len(extra)} not drawn {extra[:3]}, "
                         f"{len(twice)} judged twice {twice[:3]}")
    joined = []
    for j in judgements:
        concept = concepts[j["key"]]
        ok, type_ok, right = j.get("concept_ok"), j.get("type_ok"), j.get("right_type")
        if not isinstance(ok, bool) or (ok and not isinstance(type_ok, bool)) or (
                ok and not type_ok and right not in TYPES):
            raise InputError(f"{judgements_name}: {j['key']!r}: concept_ok must be true or false; when true, "
                             f"type_ok true or false and a wrong type's right_type one of {', '.join(TYPES)}")
        joined.append(Judged(concept["group"], j["key"], concept["type"], ok, type_ok if ok else None,
                             right if ok and not type_ok else None, j.get("error")))
    return joined


def share(successes: int, n: int) -> str:
    low, high = wilson(successes, n)
    return f"{successes / n if n else 0:.3f} [{low:.3f}, {high:.3f}] ({successes}/{n})"


def score_lines(judged: list[Judged], examples: int = 3, kinds: int = 8) -> list[str]:
    """The report: figures per group, a type-default baseline, the commonest error kinds."""
    lines = []
    for group in GROUPS:
        items = [j for j in judged if j.group == group]
        if not items:
            continue
        n = len(items)
        good = [j for j in items if j.concept_ok]
        typed = sum(1 for j in good if j.type_ok)
        folded = sum(1 for j in good if j.type_ok_dataset_folded)
        right_types = Counter(j.type if j.type_ok else j.right_type for j in good)
        commonest, commonest_n = right_types.most_common(1)[0] if good else ("-", 0)
        concept_target, type_target = TARGETS[group]
        lines += [
            f"{group}: {n} concepts",
            f"  correct concepts                     {share(len(good), n)}   target ≥ {concept_target:.2f}",
            f"  correct types among correct concepts {share(typed, len(good))}",
            f"  correct types among all              {share(typed, n)}   target ≥ {type_target:.2f}",
            f"  ... with dataset ≡ benchmark         {share(folded, n)}",
            f"  baseline: every correct concept typed {commonest} (the commonest right type): "
            f"{share(commonest_n, len(good))} of correct concepts",
        ]
    for title, items in (("all", judged), *((g, [j for j in judged if j.group == g]) for g in GROUPS)):
        tally = Counter(j.error_kind for j in items if j.error_kind)
        if not tally:
            continue
        lines.append(f"commonest error kinds, {title}:")
        for kind, count in tally.most_common(kinds):
            keys = [j.key for j in items if j.error_kind == kind][:examples]
            lines.append(f"  {count:>3}  {kind:<24} e.g. {'; '.join(keys)}")
    return lines


# ----------------------------------------------------------------------------------- cli

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    draw_command = commands.add_parser("draw", help="draw the concepts to judge from a build's graph.json")
    draw_command.add_argument("graph", type=Path)
    draw_command.add_argument("--commit", required=True, help="commit of the code that built the graph")
    draw_command.add_argument("--out", type=Path, default=DRAW_FILE)
    draw_command.add_argument("--seed", type=int, default=SEED,
                              help=f"seed of the random group and of the contexts (default {SEED}, the committed draw)")
    score_command = commands.add_parser("score", help="score the judgements of a draw")
    score_command.add_argument("--draw", type=Path, default=DRAW_FILE)
    score_command.add_argument("--judgements", type=Path, default=JUDGEMENTS_FILE)
    args = parser.parse_args(argv)
    try:
        if args.command == "draw":
            records = draw(read_graph(args.graph), args.commit, args.graph.name, args.seed)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
            print(f"wrote {len(records) - 1} concepts to {args.out}")
        else:
            drawn = read_jsonl(args.draw)
            lines = score_lines(join(drawn, read_jsonl(args.judgements), args.judgements.name))
            build = next((r["build"] for r in drawn if "build" in r), {})
            print(f"build: commit {build.get('commit', '?')}, {build.get('papers', '?')} papers, "
                  f"{build.get('concepts', '?')} concepts")
            print("\n".join(lines))
    except KgError as error:
        print(f"kg: error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
