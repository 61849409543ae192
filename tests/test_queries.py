"""Every named query, run on both engines (the embedded one and a real Neo4j) over the committed
fixture graph, returns exactly the rows computed here in plain Python from the same graph
(tests/data/query_graph.json); on the seeds graph, every query's documented example returns
rows, the same rows on both engines."""

from __future__ import annotations

import json
import re
import shutil
from contextlib import contextmanager
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Callable

import networkx as nx
import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase
from neo4j_fixtures import ROOT

from kg.cli import EXIT_SERVER, EXIT_USAGE, main
from kg.errors import QueryError
from kg.export import read_graph
from kg.keys import concept_key
from kg.neo4j.connection import open_driver
from kg.neo4j.queries import Neo4jEngine, run_query
from kg.neo4j.sync import export_graph
from kg.query.embedded import EmbeddedEngine
from kg.query.library import ENGINES, load_queries
from kg.query.run import run_named
from kg.schema import NODE_KINDS, NODE_LABELS, RELATIONS, node_labels

FIXTURE = ROOT / "tests" / "data" / "query_graph.json"
GRAPH = read_graph(FIXTURE)
QUERIES = load_queries()


# --- the fixture seen from Python -------------------------------------------------------------

def papers(g: nx.MultiDiGraph) -> list[dict]:
    return [a for _, a in sorted(g.nodes(data=True)) if a["kind"] == "Paper"]


def concepts(g: nx.MultiDiGraph) -> list[dict]:
    return [a for _, a in sorted(g.nodes(data=True)) if a["kind"] == "Concept"]


def links(g: nx.MultiDiGraph, relations: tuple[str, ...] | None = None) -> list[tuple[dict, str, dict]]:
    """(paper, relation, concept) for every Paper→Concept edge, optionally of some relations."""
    return [(g.nodes[s], k, g.nodes[t]) for s, t, k in g.edges(keys=True)
            if k != "RELATED_TO" and (relations is None or k in relations)]


def is_labelled(concept: dict, label: str) -> bool:
    return label in node_labels(concept)


def looked_up(g: nx.MultiDiGraph, text: str) -> set[str]:
    """The keys a concept parameter means: the concept whose key is the text or its normalised
    key; if there is none, those whose name or an alias is the text, ignoring case."""
    by_key = {c["key"] for c in concepts(g) if c["key"] in (text, concept_key(text))}
    lowered = text.lower()
    return by_key or {c["key"] for c in concepts(g)
                      if c["name"].lower() == lowered or any(a.lower() == lowered for a in c["aliases"])}


def matches(concept: dict, text: str, g: nx.MultiDiGraph) -> bool:
    return concept["key"] in looked_up(g, text)


def ranked(counts: dict[str, set], row: Callable[[str, int], dict], limit: int, key=None) -> list[dict]:
    order = key or (lambda k: (-len(counts[k]), k))
    return [row(k, len(counts[k])) for k in sorted(counts, key=order)][:limit]


# --- the answers, computed independently ------------------------------------------------------

def overview(g):
    types = Counter(c["type"] for c in concepts(g))
    relations = Counter(k for _, _, k in g.edges(keys=True))
    return ([{"element": "node", "name": "Paper", "count": len(papers(g))}]
            + [{"element": "concept", "name": t, "count": n} for t, n in sorted(types.items())]
            + [{"element": "concept", "name": "benchmark", "count": sum(1 for c in concepts(g) if c["benchmark"])}]
            + [{"element": "relationship", "name": k, "count": n} for k, n in sorted(relations.items())])


def concept_counts(g, label: str, strong: str, limit: int, columns: Callable[[dict, int, int], dict]):
    papers_of, strong_of = defaultdict(set), defaultdict(set)
    for paper, relation, concept in links(g):
        if is_labelled(concept, label):
            papers_of[concept["key"]].add(paper["id"])
            if relation == strong:
                strong_of[concept["key"]].add(paper["id"])
    by_key = {c["key"]: c for c in concepts(g)}
    order = sorted(papers_of, key=lambda k: (-len(papers_of[k]), -len(strong_of[k]), k))[:limit]
    return [columns(by_key[k], len(papers_of[k]), len(strong_of[k])) for k in order]


def top_datasets(g, limit=20):
    return concept_counts(g, "Dataset", "EVALUATES_ON", limit, lambda c, n, s: {
        "key": c["key"], "dataset": c["name"], "benchmark": c["benchmark"], "papers": n, "evaluated_on": s})


def top_tasks(g, limit=20):
    return concept_counts(g, "Task", "ADDRESSES", limit, lambda c, n, s: {
        "key": c["key"], "task": c["name"], "papers": n, "addressed_by": s})


def papers_on_task(g, task: str) -> set[str]:
    """The papers linked by any relation to the task(s) the text names."""
    return {p["id"] for p, _, c in links(g) if is_labelled(c, "Task") and matches(c, task, g)}


def lift(together: int, papers: int, papers_a: int, papers_b: int) -> float:
    """How many times more often than chance a and b share a paper, to 2 decimals rounded half up."""
    return (200 * together * papers + papers_a * papers_b) // (2 * papers_a * papers_b) / 100


def lift_rows(g, with_it: dict[str, set], its_papers: set[str], papers_of: dict[str, set], min_papers: int,
              limit: int, together: str) -> list[dict]:
    """One row per concept with at least min_papers of its papers_of among its_papers (with_it),
    by lift, then papers together (the column named ``together``), then key."""
    by_key, total = {c["key"]: c for c in concepts(g)}, len(papers(g))
    rows = [{"key": k, "name": by_key[k]["name"], "type": by_key[k]["type"],
             "lift": lift(len(both), total, len(its_papers), len(papers_of[k])), together: len(both),
             "papers": len(papers_of[k])}
            for k, both in with_it.items() if len(both) >= min_papers]
    return sorted(rows, key=lambda r: (-r["lift"], -r[together], r["key"]))[:limit]


def methods_for_task(g, task, min_papers=2, limit=20):
    on_task, users = papers_on_task(g, task), defaultdict(set)
    for p, _, c in links(g, ("USES", "PROPOSES")):
        if c["type"] in ("method", "model"):
            users[c["key"]].add(p["id"])
    with_it = {k: ps & on_task for k, ps in users.items() if ps & on_task}
    return lift_rows(g, with_it, on_task, users, min_papers, limit, "on_task")


def usual_baselines(g, task, limit=20):
    on_task, comparing = papers_on_task(g, task), defaultdict(set)
    for p, _, c in links(g, ("COMPARES_WITH",)):
        comparing[c["key"]].add(p["id"])
    with_it = {k: ps & on_task for k, ps in comparing.items() if ps & on_task}
    rows = lift_rows(g, with_it, on_task, comparing, 1, len(with_it), "on_task")
    return sorted(rows, key=lambda r: -r["on_task"])[:limit]  # stable: then by lift and key


def papers_proposing_models(g, limit=50):
    proposed = defaultdict(list)
    for p, _, c in links(g, ("PROPOSES",)):
        if c["type"] == "model":
            proposed[p["id"]].append(c)
    by_id = {p["id"]: p for p in papers(g)}
    rows = [{"paper": pid, "title": by_id[pid]["title"], "published": by_id[pid].get("published"),
             "models": [c["name"] for c in sorted(models, key=lambda c: c["key"])]} for pid, models in proposed.items()]
    rows.sort(key=lambda r: r["paper"])
    rows.sort(key=lambda r: r["published"] or "", reverse=True)  # newest first, undated last; stable: then id
    return rows[:limit]


def related_papers(g, paper, limit=10):
    rows = []
    for s, t, k, attrs in g.edges(keys=True, data=True):
        if k == "RELATED_TO" and paper in (g.nodes[s]["id"], g.nodes[t]["id"]):
            other = g.nodes[t] if g.nodes[s]["id"] == paper else g.nodes[s]
            rows.append({"paper": other["id"], "title": other["title"], "weight": attrs["weight"], "shared": attrs["shared"]})
    return sorted(rows, key=lambda r: (-r["weight"], r["paper"]))[:limit]


def concept_path(g, max_concept_papers=100, **ends):
    undirected = nx.Graph((s, t) for s, t, k in g.edges(keys=True) if k != "RELATED_TO")
    undirected.remove_nodes_from([n for n, a in g.nodes(data=True)
                                  if a["kind"] == "Concept" and a["paper_count"] > max_concept_papers])
    source, target = f"paper:{ends['from']}", f"paper:{ends['to']}"
    try:
        paths = list(nx.all_shortest_paths(undirected, source, target))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
    node = lambda n: g.nodes[n]
    rows = {tuple(node(n).get("id", node(n).get("key")) for n in path):
            [node(n).get("name", node(n).get("title")) for n in path] for path in paths if len(path) - 1 <= 8}
    return [{"hops": len(ids) - 1, "ids": list(ids), "names": rows[ids]} for ids in sorted(rows)]


def co_occurring_concepts(g, concept, min_papers=2, limit=20):
    keys, papers_of = looked_up(g, concept), defaultdict(set)
    for p, _, c in links(g):
        papers_of[c["key"]].add(p["id"])
    its_papers = set().union(*(papers_of[k] for k in keys))
    with_it = {k: ps & its_papers for k, ps in papers_of.items() if k not in keys and ps & its_papers}
    return lift_rows(g, with_it, its_papers, papers_of, min_papers, limit, "together")


def same_benchmarks(g, paper, limit=20):
    linked, evaluated = defaultdict(set), defaultdict(set)  # paper id -> keys of its datasets and tasks
    for p, relation, c in links(g):
        if is_labelled(c, "Dataset") or is_labelled(c, "Task"):
            linked[p["id"]].add(c["key"])
            if relation == "EVALUATES_ON" and is_labelled(c, "Dataset"):
                evaluated[p["id"]].add(c["key"])
    by_key = {c["key"]: c for c in concepts(g)}
    titles = {p["id"]: p["title"] for p in papers(g)}
    rows = []
    for q, keys in linked.items():
        shared = sorted(linked[paper] & keys)
        if q == paper or not shared:
            continue
        datasets = [by_key[k]["name"] for k in shared if by_key[k]["type"] == "dataset"]
        tasks = [by_key[k]["name"] for k in shared if by_key[k]["type"] == "task"]
        rows.append({"paper": q, "title": titles[q], "both_evaluate_on": len(evaluated[paper] & evaluated[q]),
                     "shared_datasets": len(datasets), "datasets": datasets, "shared_tasks": len(tasks), "tasks": tasks})
    return sorted(rows, key=lambda r: (-r["both_evaluate_on"], -r["shared_datasets"], -r["shared_tasks"], r["paper"]))[:limit]


def concept_evidence(g, concept, limit=50):
    rows = []
    for s, t, k, attrs in g.edges(keys=True, data=True):
        c = g.nodes[t]
        if k != "RELATED_TO" and matches(c, concept, g):
            rows.append({"key": c["key"], "name": c["name"], "aliases": c["aliases"], "paper": g.nodes[s]["id"],
                         "relation": k, "mentions": attrs["mention_count"], "texts": attrs["texts"],
                         "sentences": attrs["sentences"]})
    return sorted(rows, key=lambda r: (r["key"], r["paper"], r["relation"]))[:limit]


def concept_by_month(g, concept):
    months = defaultdict(set)
    for p, _, c in links(g):
        if matches(c, concept, g):
            months[p.get("published", "unknown")[:7]].add(p["id"])
    return [{"month": m, "papers": len(months[m])} for m in sorted(months)]


def papers_by_month(g):
    months = Counter(p.get("published", "unknown")[:7] for p in papers(g))
    return [{"month": m, "papers": n} for m, n in sorted(months.items())]


def under_connected_papers(g, max_related=0, limit=20):
    related = Counter()
    for s, t, k in g.edges(keys=True):
        if k == "RELATED_TO":
            related.update([s, t])
    rows = [{"paper": p["id"], "title": p["title"], "related": related[f"paper:{p['id']}"],
             "concept_links": sum(1 for _, _, k in g.out_edges(f"paper:{p['id']}", keys=True) if k != "RELATED_TO")}
            for p in papers(g)]
    rows = [r for r in rows if r["related"] <= max_related]
    return sorted(rows, key=lambda r: (r["related"], r["concept_links"], r["paper"]))[:limit]


def tasks_sharing_methods(g, max_method_papers=50, limit=20):
    tasks_of, methods_of = defaultdict(set), defaultdict(set)
    for p, relation, c in links(g):
        if relation == "ADDRESSES" and is_labelled(c, "Task"):
            tasks_of[p["id"]].add(c["key"])
        if relation in ("USES", "PROPOSES") and is_labelled(c, "Method") and c["paper_count"] <= max_method_papers:
            methods_of[p["id"]].add(c["key"])
    per_task = defaultdict(set)
    for pid, tasks in tasks_of.items():
        for task in tasks:
            per_task[task] |= methods_of[pid]
    by_key = {c["key"]: c for c in concepts(g)}
    rows = []
    for t1, t2 in combinations(sorted(per_task), 2):
        names = sorted({by_key[k]["name"] for k in per_task[t1] & per_task[t2]})
        if names:
            rows.append({"task": by_key[t1]["name"], "other_task": by_key[t2]["name"], "shared": len(names), "methods": names})
    return sorted(rows, key=lambda r: (-r["shared"], r["task"], r["other_task"]))[:limit]


def datasets_for_concept(g, concept, limit=20):
    about = defaultdict(set)  # paper id -> the looked-up concepts it is linked to
    for p, _, c in links(g):
        if matches(c, concept, g):
            about[p["id"]].add(c["key"])
    counts = defaultdict(set)
    for p, _, d in links(g, ("EVALUATES_ON",)):
        if is_labelled(d, "Dataset") and about[p["id"]] - {d["key"]}:
            counts[d["key"]].add(p["id"])
    by_key = {c["key"]: c for c in concepts(g)}
    return ranked(counts, lambda k, n: {"key": k, "dataset": by_key[k]["name"], "benchmark": by_key[k]["benchmark"],
                                        "papers": n}, limit)


TRICKY_CONCEPT = 'odd\\alias'

CASES = [
    ("overview", {}, overview, {}),
    ("top_datasets", {}, top_datasets, {}),
    ("top_datasets", {"limit": "2"}, top_datasets, {"limit": 2}),
    ("top_tasks", {}, top_tasks, {}),
    ("methods_for_task", {"task": "MT"}, methods_for_task, {"task": "MT"}),
    ("methods_for_task", {"task": "Image Classification"}, methods_for_task, {"task": "Image Classification"}),
    ("methods_for_task", {"task": "text generation", "min_papers": "1"}, methods_for_task,
     {"task": "text generation", "min_papers": 1}),
    ("usual_baselines", {"task": "text generation"}, usual_baselines, {"task": "text generation"}),
    ("usual_baselines", {"task": "machine translation"}, usual_baselines, {"task": "machine translation"}),
    ("papers_proposing_models", {}, papers_proposing_models, {}),
    ("related_papers", {"paper": "2403.00005"}, related_papers, {"paper": "2403.00005"}),
    ("related_papers", {"paper": "2401.00002", "limit": "2"}, related_papers, {"paper": "2401.00002", "limit": 2}),
    ("concept_path", {"from": "2401.00002", "to": "2402.00004"}, concept_path, {"from": "2401.00002", "to": "2402.00004"}),
    ("concept_path", {"from": "2403.00006", "to": "2402.00003"}, concept_path, {"from": "2403.00006", "to": "2402.00003"}),
    ("concept_path", {"from": "2401.00001", "to": "kg-0123456789abcdef"}, concept_path,
     {"from": "2401.00001", "to": "kg-0123456789abcdef"}),
    # BERT (3 papers) is the shortest link; under a cap of 2 papers the chains are longer
    ("concept_path", {"from": "2401.00002", "to": "2402.00004", "max_concept_papers": "2"}, concept_path,
     {"from": "2401.00002", "to": "2402.00004", "max_concept_papers": 2}),
    ("concept_path", {"from": "2403.00006", "to": "2402.00003", "max_concept_papers": "3"}, concept_path,
     {"from": "2403.00006", "to": "2402.00003", "max_concept_papers": 3}),
    ("co_occurring_concepts", {"concept": "spec decoding"}, co_occurring_concepts, {"concept": "spec decoding"}),
    ("co_occurring_concepts", {"concept": "GPT4"}, co_occurring_concepts, {"concept": "GPT4"}),
    ("co_occurring_concepts", {"concept": "GPT4", "min_papers": "1", "limit": "6"}, co_occurring_concepts,
     {"concept": "GPT4", "min_papers": 1, "limit": 6}),
    ("concept_evidence", {"concept": TRICKY_CONCEPT}, concept_evidence, {"concept": TRICKY_CONCEPT}),
    ("same_benchmarks", {"paper": "2401.00001"}, same_benchmarks, {"paper": "2401.00001"}),
    ("same_benchmarks", {"paper": "2404.00008"}, same_benchmarks, {"paper": "2404.00008"}),
    ("concept_evidence", {"concept": "beam search"}, concept_evidence, {"concept": "beam search"}),
    ("concept_evidence", {"concept": 'ODD "QUOTED" $CONCEPT}'}, concept_evidence, {"concept": 'ODD "QUOTED" $CONCEPT}'}),
    ("concept_by_month", {"concept": "GPT4"}, concept_by_month, {"concept": "GPT4"}),
    ("concept_by_month", {"concept": "bert"}, concept_by_month, {"concept": "bert"}),
    ("papers_by_month", {}, papers_by_month, {}),
    ("under_connected_papers", {}, under_connected_papers, {}),
    ("under_connected_papers", {"max_related": "2"}, under_connected_papers, {"max_related": 2}),
    ("tasks_sharing_methods", {}, tasks_sharing_methods, {}),
    ("tasks_sharing_methods", {"max_method_papers": "2"}, tasks_sharing_methods, {"max_method_papers": 2}),
    ("datasets_for_concept", {"concept": "speculative decoding"}, datasets_for_concept, {"concept": "speculative decoding"}),
    ("datasets_for_concept", {"concept": "image classification"}, datasets_for_concept,
     {"concept": "image classification"}),
]


@pytest.fixture(scope="module")
def loaded(neo4j_target, neo4j_driver):
    """The fixture graph exported into the session's (emptied) database, for the whole module."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_target.database)
    export_graph(GRAPH, neo4j_target)
    return neo4j_target


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory) -> Path:
    """A copy of the fixture graph in a folder of its own (the embedded database goes beside it)."""
    path = tmp_path_factory.mktemp("query-graph") / "graph.json"
    shutil.copyfile(FIXTURE, path)
    return path


@contextmanager
def engine_for(kind: str, request, graph_file: Path):
    """The embedded engine on ``graph_file``, or the session's Neo4j holding the same graph."""
    if kind == "embedded":
        with EmbeddedEngine(graph_file) as engine:
            yield engine
    else:
        target = request.getfixturevalue("loaded")
        with open_driver(target) as driver:
            yield Neo4jEngine(driver, target.database)


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, fixture_file):
    with engine_for(request.param, request, fixture_file) as engine:
        yield engine


# --- the questions researchers ask (issue 14): what is new, what rises, datasets for a task,
# --- papers like this one; their answers, cases, and the inputs that must give no rows ---------

def months_of(g) -> dict[str, str]:
    """Paper id → the YYYY-MM of its date, for the papers that have one."""
    return {p["id"]: p["published"][:7] for p in papers(g) if "published" in p}


def chosen_month(g, month: str) -> str | None:
    """``month``, or for ``latest`` the latest month a paper is from (None: no paper has a date)."""
    return max(months_of(g).values(), default=None) if month == "latest" else month


def new_concepts(g, month="latest", type="any", limit=20):
    month, dated = chosen_month(g, month), months_of(g)
    published = {p["id"]: p["published"] for p in papers(g) if "published" in p}
    seen = defaultdict(set)  # concept key -> its dated papers
    for p, _, c in links(g):
        if p["id"] in dated and type in ("any", c["type"]):
            seen[c["key"]].add(p["id"])
    by_key, titles = {c["key"]: c for c in concepts(g)}, {p["id"]: p["title"] for p in papers(g)}
    rows = []
    for key, ids in seen.items():
        if min(dated[i] for i in ids) == month:
            this_month = [i for i in ids if dated[i] == month]
            first = min(this_month, key=lambda i: (published[i], i))
            rows.append({"key": key, "name": by_key[key]["name"], "type": by_key[key]["type"],
                         "papers": len(this_month), "first_paper": first, "title": titles[first]})
    return sorted(rows, key=lambda r: (-r["papers"], r["key"]))[:limit]


def rising_concepts(g, month="latest", min_papers=3, limit=20):
    month, dated = chosen_month(g, month), months_of(g)
    previous = max((m for m in dated.values() if month is not None and m < month), default=None)
    if previous is None:
        return []
    totals = Counter(dated.values())
    now, before = defaultdict(set), defaultdict(set)
    for p, _, c in links(g):
        if dated.get(p["id"]) == month:
            now[c["key"]].add(p["id"])
        elif dated.get(p["id"]) == previous:
            before[c["key"]].add(p["id"])
    by_key, rows = {c["key"]: c for c in concepts(g)}, []
    for key, ids in now.items():
        if len(ids) >= min_papers:
            share_now = (len(ids) + 1) * (totals[previous] + 1)
            share_before = (len(before[key]) + 1) * (totals[month] + 1)
            growth = (200 * share_now + share_before) // (2 * share_before) / 100  # rounded half up
            rows.append({"key": key, "name": by_key[key]["name"], "type": by_key[key]["type"], "month": month,
                         "papers": len(ids), "previous_month": previous, "previous_papers": len(before[key]),
                         "growth": growth})
    return sorted(rows, key=lambda r: (-r["growth"], -r["papers"], r["key"]))[:limit]


def datasets_for_task(g, task, max_models=5, limit=20):
    on_task = papers_on_task(g, task)
    linked, evaluating = defaultdict(set), defaultdict(set)
    for p, relation, d in links(g, ("EVALUATES_ON", "USES")):
        if p["id"] in on_task and is_labelled(d, "Dataset"):
            linked[d["key"]].add(p["id"])
            if relation == "EVALUATES_ON":
                evaluating[d["key"]].add(p["id"])
    models_of = defaultdict(set)  # paper id -> the methods and models it uses or proposes
    for p, _, m in links(g, ("USES", "PROPOSES")):
        if m["type"] in ("method", "model"):
            models_of[p["id"]].add(m["key"])
    by_key, rows = {c["key"]: c for c in concepts(g)}, []
    for key in sorted(linked, key=lambda k: (-len(linked[k]), -len(evaluating[k]), k))[:limit]:
        using = Counter(m for pid in linked[key] for m in models_of[pid])
        models = [by_key[m]["name"] for m in sorted(using, key=lambda m: (-using[m], m))][:max_models]
        rows.append({"key": key, "dataset": by_key[key]["name"], "benchmark": by_key[key]["benchmark"],
                     "papers": len(linked[key]), "evaluated_on": len(evaluating[key]), "models": models})
    return rows


def similar_papers(g, paper, max_concept_papers=100, limit=10):
    concepts_of = defaultdict(set)
    for p, _, c in links(g):
        concepts_of[p["id"]].add(c["key"])
    by_key, titles = {c["key"]: c for c in concepts(g)}, {p["id"]: p["title"] for p in papers(g)}
    mine = {k for k in concepts_of[paper] if 2 <= by_key[k]["paper_count"] <= max_concept_papers}
    rows = []
    for other, keys in concepts_of.items():
        shared = sorted(mine & keys, key=lambda k: (by_key[k]["paper_count"], k))
        if other != paper and shared:
            millionths = sum(1_000_000 // by_key[k]["paper_count"] for k in shared)
            rows.append({"paper": other, "title": titles[other], "score": (millionths + 500) // 1000 / 1000,
                         "shared": len(shared), "concepts": [by_key[k]["name"] for k in shared]})
    return sorted(rows, key=lambda r: (-r["score"], r["paper"]))[:limit]


CASES += [
    ("new_concepts", {"month": "2024-01"}, new_concepts, {"month": "2024-01"}),
    ("new_concepts", {"month": "2024-02"}, new_concepts, {"month": "2024-02"}),  # a month-only date sorts first
    ("new_concepts", {"month": "2024-01", "type": "model", "limit": "2"}, new_concepts,
     {"month": "2024-01", "type": "model", "limit": 2}),
    ("rising_concepts", {"min_papers": "1"}, rising_concepts, {"min_papers": 1}),  # latest: 2024-04
    ("rising_concepts", {"month": "2024-02", "min_papers": "2"}, rising_concepts, {"month": "2024-02", "min_papers": 2}),
    ("rising_concepts", {"month": "2024-03", "min_papers": "1", "limit": "3"}, rising_concepts,
     {"month": "2024-03", "min_papers": 1, "limit": 3}),
    ("datasets_for_task", {"task": "MT"}, datasets_for_task, {"task": "MT"}),
    ("datasets_for_task", {"task": "image classification", "max_models": "2"}, datasets_for_task,
     {"task": "image classification", "max_models": 2}),
    ("datasets_for_task", {"task": "text generation", "limit": "1"}, datasets_for_task,
     {"task": "text generation", "limit": 1}),
    ("similar_papers", {"paper": "2401.00001"}, similar_papers, {"paper": "2401.00001"}),
    ("similar_papers", {"paper": "2403.00006", "max_concept_papers": "3"}, similar_papers,
     {"paper": "2403.00006", "max_concept_papers": 3}),
    ("similar_papers", {"paper": "2402.00003", "limit": "2"}, similar_papers, {"paper": "2402.00003", "limit": 2}),
]

NO_ROWS = [
    ("new_concepts", {}, new_concepts, {}),  # latest, 2024-04: every concept of its paper was seen before
    ("new_concepts", {"month": "2023-12"}, new_concepts, {"month": "2023-12"}),  # no paper from then
    ("rising_concepts", {"month": "2024-01", "min_papers": "1"}, rising_concepts,
     {"month": "2024-01", "min_papers": 1}),  # the first month: nothing to compare with
    ("rising_concepts", {"month": "2024-07", "min_papers": "1"}, rising_concepts,
     {"month": "2024-07", "min_papers": 1}),  # after the last paper
    ("rising_concepts", {}, rising_concepts, {}),  # latest, but no concept is in 3 of its papers
    ("datasets_for_task", {"task": "code generation"}, datasets_for_task, {"task": "code generation"}),  # no such task
    ("datasets_for_task", {"task": "WMT14"}, datasets_for_task, {"task": "WMT14"}),  # a dataset, not a task
    ("similar_papers", {"paper": "kg-0123456789abcdef"}, similar_papers, {"paper": "kg-0123456789abcdef"}),
    ("similar_papers", {"paper": "2401.00001", "max_concept_papers": "1"}, similar_papers,
     {"paper": "2401.00001", "max_concept_papers": 1}),  # every concept it shares is a "hub"
    ("similar_papers", {"paper": "no-such-paper"}, similar_papers, {"paper": "no-such-paper"}),
]
"""Inputs that must give no rows, on both engines as in Python (the cases above must give some)."""


@pytest.mark.parametrize("name, given, answer, arguments", NO_ROWS, ids=[f"{c[0]}-{i}" for i, c in enumerate(NO_ROWS)])
def test_these_inputs_give_no_rows(engine, name, given, answer, arguments):
    assert answer(GRAPH, **arguments) == []
    assert run_named(engine, QUERIES[name], given).rows == []


@pytest.mark.parametrize("month", ["2024-13", "2024-1", "March", "LATEST", ""])
def test_a_month_that_is_not_yyyy_mm_is_one_usage_line(month):
    result = CliRunner().invoke(main, ["query", "rising_concepts", "-p", f"month={month}"], env={"KG_ENGINE": None})

    assert result.exit_code == EXIT_USAGE and result.stderr.count("\n") == 1
    assert f"parameter month: {month!r} is not a month (YYYY-MM, or latest)" in result.stderr


@pytest.mark.parametrize("concept_type", ["datasets", "Model", "benchmarks", ""])
def test_a_concept_type_that_is_not_one_is_one_usage_line_not_an_empty_answer(concept_type):
    result = CliRunner().invoke(main, ["query", "new_concepts", "-p", f"type={concept_type}"], env={"KG_ENGINE": None})

    assert result.exit_code == EXIT_USAGE and result.stderr.count("\n") == 1
    assert f"parameter type: {concept_type!r} is not any or one of method, model, dataset, task" in result.stderr


def test_every_query_has_a_case():
    assert len(QUERIES) >= 12
    assert {name for name, *_ in CASES} == set(QUERIES)


@pytest.mark.parametrize("name, given, answer, arguments", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_query_rows_equal_the_python_answer(engine, name, given, answer, arguments):
    expected = answer(GRAPH, **arguments)
    # only the path to the paper that shares no concept may be empty
    assert expected or arguments.get("to") == "kg-0123456789abcdef", "a case whose answer is empty proves little"
    assert run_named(engine, QUERIES[name], given).records() == expected


def test_kg_query_prints_table_json_and_csv(loaded):
    env = {"NEO4J_URI": loaded.uri, "NEO4J_PASSWORD": loaded.password, "KG_ENGINE": "neo4j"}
    runner = CliRunner()
    args = ["query", "related_papers", "--param", "paper=2403.00005"]

    as_json = runner.invoke(main, [*args, "--format", "json"], env=env)
    as_csv = runner.invoke(main, [*args, "--format", "csv"], env=env)
    as_table = runner.invoke(main, args, env=env)

    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == related_papers(GRAPH, "2403.00005")
    assert as_csv.stdout.splitlines()[0] == "paper,title,weight,shared"
    assert len(as_csv.stdout.splitlines()) == 1 + len(related_papers(GRAPH, "2403.00005"))
    assert as_table.stdout.splitlines()[0].split() == ["paper", "title", "weight", "shared"]
    assert as_table.stdout.rstrip().endswith(f"({len(related_papers(GRAPH, '2403.00005'))} rows)")


def test_kg_query_list_shows_every_query_with_its_purpose():
    result = CliRunner().invoke(main, ["query", "--list"])

    assert result.exit_code == 0
    for query in QUERIES.values():
        assert query.name in result.stdout and query.purpose in result.stdout


def test_ad_hoc_cypher_takes_string_and_json_parameters(loaded):
    env = {"NEO4J_URI": loaded.uri, "NEO4J_PASSWORD": loaded.password, "KG_ENGINE": "neo4j"}
    result = CliRunner().invoke(main, ["query", "--cypher", "MATCH (p:Paper) WHERE p.title CONTAINS $word "
                                       "RETURN p.id AS id ORDER BY id LIMIT $n", "-p", "word=$param and }",
                                       "-p", "n:=5", "--format", "json"], env=env)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"id": "2403.00006"}]


@pytest.mark.parametrize("cypher", [
    "CREATE (n:Paper {id: 'written'}) RETURN n",
    "MATCH (p:Paper) SET p.title = 'x' RETURN count(p)",
    "MATCH (n) DETACH DELETE n",
    "CREATE INDEX kg_test IF NOT EXISTS FOR (n:Paper) ON (n.title)",
])
def test_kg_query_refuses_writes_without_write_flag(loaded, neo4j_driver, cypher):
    env = {"NEO4J_URI": loaded.uri, "NEO4J_PASSWORD": loaded.password, "KG_ENGINE": "neo4j"}

    result = CliRunner().invoke(main, ["query", "--cypher", cypher], env=env)

    assert result.exit_code == EXIT_SERVER and "refused" in result.stderr and "--write" in result.stderr
    records, _, _ = neo4j_driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=loaded.database)
    assert records[0]["n"] == GRAPH.number_of_nodes()


def test_kg_query_writes_with_write_flag(loaded, neo4j_driver):
    env = {"NEO4J_URI": loaded.uri, "NEO4J_PASSWORD": loaded.password, "KG_ENGINE": "neo4j"}

    try:
        result = CliRunner().invoke(main, ["query", "--write", "--cypher",
                                           "CREATE (n:Scratch {v: $v}) RETURN n.v AS v", "-p", "v=1"], env=env)
    finally:  # the module's other tests count the fixture's nodes
        _, summary, _ = neo4j_driver.execute_query("MATCH (n:Scratch) DELETE n", database_=loaded.database)

    assert result.exit_code == 0, result.output
    assert summary.counters.nodes_deleted == 1  # the write really happened


@pytest.mark.parametrize("cypher, message", [
    ("SHOW USERS", "refused: the planner says this query is an administration command (users, roles, databases)"),
    ("CREATE USER kg_test SET PASSWORD 'abcdefgh1'", "is an administration command"),
    ("CALL dbms.components()", "calls a procedure that may administer the server"),
    ("CREATE INDEX kg_test IF NOT EXISTS FOR (n:Paper) ON (n.title)", "this query changes the schema"),
    ("PROFILE CREATE (n:Paper {id: 'written'})", "this query writes; add --write"),
])
def test_kg_query_names_what_it_refuses(loaded, cypher, message):
    env = {"NEO4J_URI": loaded.uri, "NEO4J_PASSWORD": loaded.password, "KG_ENGINE": "neo4j"}

    result = CliRunner().invoke(main, ["query", "--cypher", cypher], env=env)

    assert result.exit_code == EXIT_SERVER and result.stderr.startswith("kg: error: refused: the planner says this query ")
    assert message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "--write" in result.stderr
    if "administration" in message:
        assert "schema" not in result.stderr


@pytest.mark.parametrize("mode, columns", [("EXPLAIN", ["operator", "details", "estimated rows"]),
                                           ("PROFILE", ["operator", "details", "estimated rows", "rows", "db hits"])])
def test_kg_query_explain_and_profile_show_the_plan(loaded, mode, columns):
    env = {"NEO4J_URI": loaded.uri, "NEO4J_PASSWORD": loaded.password, "KG_ENGINE": "neo4j"}

    result = CliRunner().invoke(main, ["query", "--cypher", f"{mode.lower()} MATCH (p:Paper) WHERE p.id = $id "
                                       "RETURN p.title AS title", "-p", "id=2403.00005", "--format", "json"], env=env)

    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert list(plan[0]) == columns and plan[0]["operator"] == "ProduceResults"
    assert any(row["operator"].endswith("NodeUniqueIndexSeek") and row["operator"].startswith("· ") for row in plan)
    if mode == "PROFILE":  # it ran: the seek found the one paper
        assert plan[0]["rows"] == 1 and sum(row["db hits"] for row in plan) > 0


def test_a_text_parameter_where_a_number_is_needed_says_to_use_colon_equals(loaded):
    env = {"NEO4J_URI": loaded.uri, "NEO4J_PASSWORD": loaded.password, "KG_ENGINE": "neo4j"}

    result = CliRunner().invoke(main, ["query", "--cypher", "MATCH (p:Paper) RETURN p.id LIMIT $n", "-p", "n=5"],
                                env=env)

    assert result.exit_code == EXIT_SERVER and result.stderr.count("\n") == 1
    assert "Type mismatch for parameter 'n'" in result.stderr
    assert result.stderr.rstrip().endswith("-p n=5 passes the text '5': -p n:=5 passes the number (JSON)")


@pytest.mark.parametrize("args, message", [
    (["query", "no_such_query"], "no query named"),
    (["query", "related_papers"], "needs --param paper"),
    (["query", "related_papers", "-p", "paper=x", "-p", "colour=red"], "takes no parameter colour"),
    (["query", "top_tasks", "-p", "limit=many"], "is not int"),
])
def test_kg_query_usage_errors(args, message):
    result = CliRunner().invoke(main, args, env={"NEO4J_PASSWORD": "unused"})

    assert result.exit_code == EXIT_USAGE and message in result.stderr


def test_run_query_refuses_a_write_before_running_it(loaded, neo4j_driver):
    with open_driver(loaded) as driver, pytest.raises(QueryError, match="writes"):
        run_query(driver, loaded.database, "CREATE (:Scratch)", {})
    records, _, _ = neo4j_driver.execute_query("MATCH (n:Scratch) RETURN count(n) AS n", database_=loaded.database)
    assert records[0]["n"] == 0


# --- the queries follow the schema --------------------------------------------------------------

DECLARED_PROPERTIES = {p for element in (*NODE_KINDS.values(), *RELATIONS.values()) for p in element.property_names}


def cypher_body(text: str) -> str:
    """The query without comments and string literals (whose words are data, not names)."""
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_uses_only_schema_names(name):
    body = cypher_body(QUERIES[name].cypher)
    # Rows a query builds itself (maps it unwinds, as overview does) are its own, not the graph's.
    own_rows = set(re.findall(r"\bUNWIND\b[^;]*?\bAS\s+(\w+)", body))
    properties = {prop for variable, prop in re.findall(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)", body)
                  if variable not in own_rows}
    # A map right after a label is a pattern's properties; any other map literal is a row.
    properties |= set(re.findall(r":\s*[A-Za-z_]\w*\s*\{\s*([A-Za-z_]\w*)\s*:", body))
    assert properties <= DECLARED_PROPERTIES, f"undeclared properties {properties - DECLARED_PROPERTIES}"
    names = set(re.findall(r"[:|]\s*([A-Z][A-Za-z_]*)\b", body))
    assert names <= set(NODE_LABELS) | set(RELATIONS), f"undeclared labels or types {names - set(NODE_LABELS) - set(RELATIONS)}"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_header_declares_exactly_its_parameters(name):
    query = QUERIES[name]
    used = set(re.findall(r"\$(\w+)", cypher_body(query.cypher)))
    assert used == {p.name for p in query.parameters}
    assert query.purpose and all(p.doc for p in query.parameters)


def test_neo4j_knows_every_name_the_queries_use(loaded):
    """The server's own check: EXPLAIN warns about labels, types and properties absent from the
    database, and the fixture database holds every declared one."""
    with GraphDatabase.driver(loaded.uri, auth=(loaded.user, loaded.password),
                              warn_notification_severity="OFF") as driver:
        for query in QUERIES.values():
            example = {p.name: p.parse(p.value) for p in query.parameters}
            summary = driver.execute_query("EXPLAIN " + query.cypher, example, database_=loaded.database).summary
            unknown = [s.status_description for s in summary.gql_status_objects if s.gql_status in ("01N50", "01N51", "01N52")]
            assert not unknown, f"{query.name}: {unknown}"
