"""Extraction over a corpus: stage 1 through the cache and the workers, stage 2 over everything.

Stage 1 (spot, per paper) runs only on the papers the cache (:mod:`kg.extract.cache`) lacks, in shards
mapped through :func:`kg.parallel.map_papers`; each finished shard is stored at once. Stage 2
runs in full on every build: its per-paper pass (rebuild the docs, match the lexicons, key the
mentions, find relation cues) is mapped through the same workers, its corpus pass (types,
names, relations) runs here. Workers receive papers (and stage-1 records) and return records
(and drafts): the same functions run in a local process pool or on a Dask cluster, and results
come back in shard order, so the output never depends on where or in which order work ran.
The driver holds the papers, one shard of stage-1 records at a time, and the drafts.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Sequence

from spacy.language import Language
from tqdm import tqdm

from kg.errors import WorkerMismatch
from kg.extract.compiled import code_fingerprint, collector_paused, start_up, take_warnings
from kg.extract.cache import BROKEN_RECORD, SpotCache, decode_spotted, encode_spotted, open_spot_cache
from kg.extract.resolve.curation import Curation
from kg.extract.resolve.resolver import Draft, Resolution, Resolver, rule_weights
from kg.extract.spot.pipeline import build_pipeline, pipeline_fingerprint
from kg.extract.spot.spotter import spot_papers
from kg.parallel import Workers, map_papers, shards_of
from kg.records import Paper

SHARD_SIZE = 200
"""Papers per unit of work: small enough to balance two workers and to lose little when a
build is killed, large enough that ``nlp.pipe`` batches well and a worker's reply is worth
its round trip."""



@dataclass(frozen=True)
class SpotShard:
    """Stage-1 work for a worker: papers and the rules to spot them with."""

    papers: Sequence[Paper]
    rules_dir: Path | None = None


@dataclass(frozen=True)
class SpotResult:
    """A worker's stage-1 records for a shard (encoded for the cache), and its rules' fingerprint."""

    fingerprint: str
    records: list[bytes]


@dataclass(frozen=True)
class DraftShard:
    """Stage-2 per-paper work for a worker: papers with their stage-1 records, the long forms
    the corpus defines (:meth:`Resolver.corpus_long_forms`), the stage-1 rules' voting weights
    and the data version (resolver fingerprint) the driver resolves with."""

    papers: Sequence[Paper]
    records: Sequence[bytes]
    long_forms: tuple[str, ...]
    weights: dict[str, int]
    fingerprint: str
    curation: Curation | None = None


@dataclass(frozen=True)
class DraftResult:
    """A worker's drafts for a shard (one list per paper, in paper order), and its resolver's
    fingerprint."""

    fingerprint: str
    drafts: list[list]


_DRAFT_CODE = ("kg.extract.resolve.resolver", "kg.extract.resolve.lexicon", "kg.extract.resolve.curation", "kg.keys",
               "kg.records")
"""The modules whose code makes a paper's drafts (:func:`draft_fingerprint`)."""

_PIPELINES: dict[tuple[Path | None, str], Language] = {}
_RESOLVERS: dict[str, Resolver] = {}


def worker_pipeline(rules_dir: Path | None = None) -> tuple[Language, str]:
    """The stage-1 pipeline and its rules' fingerprint, built once per process (worker or
    driver) and rule version: an edited rule file makes a new one."""
    fingerprint = pipeline_fingerprint(rules_dir)
    if (rules_dir, fingerprint) not in _PIPELINES:
        with start_up():
            _PIPELINES[(rules_dir, fingerprint)] = build_pipeline(rules_dir)
    return _PIPELINES[(rules_dir, fingerprint)], fingerprint


def worker_resolver(expected: str, curation: Curation | None = None) -> Resolver:
    """The resolver of the shipped lexicons and corpus settings with ``curation``, built once
    per process; built again when the data files changed since (a long-lived worker)."""
    if expected not in _RESOLVERS:
        with start_up():
            resolver = Resolver(curation=curation)
        _RESOLVERS[resolver.fingerprint] = resolver
        if resolver.fingerprint != expected:
            return resolver  # the caller reports the mismatch
    return _RESOLVERS[expected]


def spot_shard(shard: SpotShard) -> SpotResult:
    """Stage 1 for one shard, in a worker: a pure function of the papers' text and the rules."""
    nlp, fingerprint = worker_pipeline(shard.rules_dir)
    return SpotResult(fingerprint, [encode_spotted(spotted) for spotted in spot_papers(nlp, shard.papers)])


def draft_shard(shard: DraftShard) -> DraftResult:
    """Stage 2's per-paper pass for one shard, in a worker."""
    resolver = worker_resolver(shard.fingerprint, shard.curation)
    long_forms = resolver.long_form_matcher(shard.long_forms)
    return DraftResult(resolver.fingerprint, [
        resolver.draft_paper(paper, decode_spotted(record, paper), shard.weights, long_forms)
        for paper, record in zip(shard.papers, shard.records)])


def _check(worker: str, driver: str, what: str) -> None:
    if worker != driver:
        raise WorkerMismatch(f"a worker runs {what} {worker}, this build {driver}: "
                             "install the same kg and data files on every worker")


def _progress(total: int, description: str, show: bool) -> tqdm:
    return tqdm(total=total, desc=description, unit="paper", disable=None if show else True, leave=False)


def spot_missing(papers: Sequence[Paper], cache: SpotCache, executor: Executor | None = None, window: int = 4,
                 rules_dir: Path | None = None, show_progress: bool = False) -> int:
    """Run stage 1 on the papers the cache lacks, storing each shard as it completes; how many.

    Papers with the same text are extracted once. A worker whose rules differ from the
    driver's stops the build rather than filling the cache with records under the wrong key.
    """
    keys = [cache.key(paper) for paper in papers]
    missing = cache.missing(keys)
    todo = list({key: paper for key, paper in zip(keys, papers) if key in missing}.items())
    shards = list(shards_of(todo, SHARD_SIZE))
    tasks = (SpotShard(tuple(paper for _, paper in shard), rules_dir) for shard in shards)
    with _progress(len(todo), "extracting", show_progress) as progress:
        for shard, result in zip(shards, map_papers(spot_shard, tasks, executor, window)):
            _check(result.fingerprint, cache.fingerprint, "rules")
            cache.put((key, record) for (key, _), record in zip(shard, result.records))
            progress.update(len(shard))
    return len(todo)


def draft_papers(papers: Sequence[Paper], cache: SpotCache, resolver: Resolver, long_forms: tuple[str, ...],
                 weights: dict[str, int], executor: Executor | None, window: int = 4,
                 show_progress: bool = False) -> Iterator[tuple[Sequence[Paper], list[list]]]:
    """Stage 2's per-paper pass for these papers, a shard at a time, in paper order: each
    shard's papers and their drafts (one list per paper); on the workers, or here without."""
    shards = shards_of(papers, SHARD_SIZE)
    if executor is None:
        matcher = resolver.long_form_matcher(long_forms)
        results = ((shard, [resolver.draft_paper(paper, spotted, weights, matcher)
                            for paper, spotted in cache.records(shard)]) for shard in shards)
    else:
        shards = list(shards)
        tasks = (DraftShard(shard, [cache.get(cache.key(paper)) for paper in shard], long_forms, weights,
                            resolver.fingerprint, resolver.curation) for shard in shards)
        results = zip(shards, map_papers(draft_shard, tasks, executor, window))
    with _progress(len(papers), "resolving", show_progress) as progress:
        for shard, result in results:
            if isinstance(result, DraftResult):
                _check(result.fingerprint, resolver.fingerprint, "lexicons and corpus settings")
                result = result.drafts
            yield shard, result
            progress.update(len(shard))


def draft_fingerprint(resolver: Resolver) -> str:
    """What a paper's stored drafts depend on besides its stage-1 record and the corpus's long
    forms: the resolver's data files and curation aliases (:attr:`Resolver.drafting_fingerprint`),
    and the code that drafts."""
    return f"{resolver.drafting_fingerprint}-{code_fingerprint(*_DRAFT_CODE)}"


def draft_corpus(papers: Sequence[Paper], cache: SpotCache, resolver: Resolver, weights: dict[str, int],
                 executor: Executor | None, window: int, show_progress: bool, reuse: bool) -> tuple[list, int]:
    """Stage 2's per-paper pass over the corpus: every paper's drafts, in paper order, and how
    many papers were drafted (the rest came from the cache).

    With ``reuse``, a paper's drafts are stored in the cache with the long forms it defines, and
    used again while its stage-1 record, the resolver and the corpus's long forms it can read
    stay the same: a new paper that defines "graph neural networks (GNNs)" has drafted again
    only the papers whose text holds "graph neural networks" (:meth:`Resolver.papers_with`).
    """
    keys = [cache.key(paper) for paper in papers]
    fingerprint = draft_fingerprint(resolver)
    stored = cache.drafted(keys, fingerprint) if reuse else {}
    # first the long forms the corpus defines, from the stored drafts or the stage-1 records,
    # and which stored drafts read a form that appeared or went away since they were made
    defines = {key: found for key, (found, _) in stored.items()}
    for paper, key in zip(papers, keys):
        if key not in defines:
            defines[key] = resolver.paper_long_forms(decode_spotted(cache.get(key), paper))
    long_forms = tuple(sorted({form for found in defines.values() for form in found}))
    stale = {key for key in keys if key not in stored}
    by_digest: dict[str, list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        if key in stored:
            by_digest[stored[key][1]].append(position)
    current = frozenset(long_forms)
    for digest, positions in by_digest.items():
        try:
            changed = cache.long_forms(digest) ^ current
        except KeyError:  # the set was dropped (damaged): draft its papers again
            changed = None
        if changed is None or changed:
            read = positions if changed is None else [positions[i] for i in
                                                      resolver.papers_with([papers[p] for p in positions], changed)]
            stale.update(keys[position] for position in read)
    # then draft what has no valid stored drafts, storing each shard as it completes
    todo = list({key: paper for key, paper in zip(keys, papers) if key in stale}.items())
    digest = cache.put_long_forms(long_forms) if reuse else ""
    fresh: dict[str, list] = {}
    todo_keys = iter([key for key, _ in todo])  # in the order draft_papers returns its shards
    for shard, drafts in draft_papers([paper for _, paper in todo], cache, resolver, long_forms, weights, executor,
                                      window, show_progress):
        shard_keys = [next(todo_keys) for _ in shard]
        fresh.update(zip(shard_keys, drafts))
        if reuse:
            cache.put_drafts(fingerprint, digest, ((key, defines[key], [draft.to_row() for draft in paper_drafts])
                                                   for key, paper_drafts in zip(shard_keys, drafts)))
    if reuse:
        cache.confirm_drafts(digest, (key for key, (_, was) in stored.items() if key not in fresh and was != digest))
    stored_rows = cache.drafts_of([key for key in keys if key not in fresh])
    drafts = []
    with collector_paused():  # millions of rows decoded: a collection every few thousand scanned them all
        for paper, key in zip(papers, keys):
            if key in fresh:
                drafts += (d if d.paper_id == paper.id else replace(d, paper_id=paper.id) for d in fresh[key])
            else:
                drafts += (Draft.from_row(row, paper.id) for row in next(stored_rows))
    return drafts, sum(key in fresh for key in keys)


@contextmanager
def open_cache(path: Path | None, fingerprint: str) -> Iterator[SpotCache]:
    """The stage-1 cache at ``path``; without one, a temporary cache deleted afterwards (the
    records still go through disk, so memory holds one shard of them, not the corpus)."""
    if path is not None:
        cache, warning = open_spot_cache(path, fingerprint)
        cache.warning = warning
        with cache:
            yield cache
        return
    with tempfile.TemporaryDirectory(prefix="kg-spotted-") as directory:
        with SpotCache(Path(directory) / "spotted.sqlite", fingerprint) as cache:
            yield cache


@dataclass(frozen=True)
class Extraction:
    """The two extraction stages' output for a set of papers, and where it came from: papers
    extracted (stage 1) and drafted (stage 2's per-paper pass), the rest from the cache."""

    papers: list[Paper]
    resolution: Resolution
    extracted: int = 0
    cached: int = 0
    drafted: int = 0


def extract(papers: list[Paper], rules_dir: Path | None = None, resolver: Resolver | None = None,
            curation: Curation | None = None, show_progress: bool = False, seconds: dict[str, float] | None = None,
            cache_path: Path | None = None, workers: Workers = Workers()) -> Extraction:
    """Stage 1 (spot, per paper: cached at ``cache_path``, run on ``workers`` for the papers
    the cache lacks) and stage 2 (resolve with the shipped data and ``curation``: its per-paper
    pass on the workers too and cached at ``cache_path`` (:func:`draft_corpus`), unless
    ``resolver`` is given: one built with other data, which workers could not rebuild; its
    corpus pass over all papers, every time)."""
    seconds = seconds if seconds is not None else {}
    nlp, fingerprint = worker_pipeline(rules_dir)
    own_resolver = resolver is not None
    if workers.jobs is None and workers.scheduler is None and len(papers) <= SHARD_SIZE:
        workers = Workers(1)  # "all cores" for one shard of work: starting processes would cost more than it
    with open_cache(cache_path, fingerprint) as cache, workers.open() as executor:
        started = time.perf_counter()
        if resolver is None:
            with start_up():  # on the stage-1 pipeline's tokenizer and vocab (a second one costs 0.07 s)
                resolver = Resolver(curation=curation, nlp=nlp)
            _RESOLVERS.setdefault(resolver.fingerprint, resolver)  # forked workers inherit it
        loading = time.perf_counter() - started

        def both_stages() -> tuple[int, int, Resolution]:
            """Stage 1 for what the cache lacks, then stage 2 over all papers: (papers
            extracted, papers drafted, resolution)."""
            started = time.perf_counter()
            extracted = spot_missing(papers, cache, executor, workers.window, rules_dir, show_progress)
            seconds["extract"] = time.perf_counter() - started
            started = time.perf_counter()
            drafts, drafted = draft_corpus(papers, cache, resolver, rule_weights(nlp),
                                           None if own_resolver else executor, workers.window, show_progress,
                                           reuse=cache_path is not None and not own_resolver)
            with collector_paused():
                resolution = resolver.resolve_drafts(drafts, {paper.id: paper for paper in papers})
            if getattr(cache, "warning", None):
                resolution = replace(resolution, notes=(cache.warning, *resolution.notes))
            seconds["resolve"] = time.perf_counter() - started
            return extracted, drafted, resolution

        try:
            extracted, drafted, resolution = both_stages()
        except BROKEN_RECORD:  # a damaged record in the cache is a cache miss: extracted again
            broken = cache.drop_broken(papers)
            if not broken:
                raise  # not the cache: a bug, shown as one
            extracted, drafted, resolution = both_stages()
            resolution = replace(resolution, notes=(f"kg: warning: {broken} damaged cache records were made again",
                                                    *resolution.notes))
        seconds["resolve"] += loading
        startup_warnings = take_warnings()  # damaged start-up cache files, rebuilt
        if startup_warnings:
            resolution = replace(resolution, notes=(*startup_warnings, *resolution.notes))
        if cache_path is not None:
            cache.drop_other_rules()
    return Extraction(papers, resolution, extracted, len(papers) - extracted, drafted)
