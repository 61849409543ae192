"""The build: read → extract (stage 1 spot, stage 2 resolve) → assemble → export, with a summary.

Each stage is a function of the previous one's typed records; this module only wires them
together, times them and reports progress.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import networkx as nx

from kg.assemble import LinkSettings, build_graph
from kg.build_record import RECORD, BuildSettings, read_record, write_record
from kg.errors import InputError, UnknownPaperError
from kg.export import EXPORT_FILES, EXPORTS, write_exports
from kg.export.display import ExportOptions
from kg.export.html.selection import automatic_selection
from kg.extract import Extraction, extract
from kg.extract.compiled import collector_paused
from kg.extract.resolve.curation import Curation
from kg.parallel import Workers, local_processes
from kg.read import ReadLog, read_papers
from kg.records import Paper
from kg.schema import check_graph

BULK_CSV = "neo4j-csv"
"""Neo4j bulk-import CSVs, written from the records: with only these the graph is never assembled."""
BULK_CSV_FOLDER = "neo4j-import"
PARALLEL_EXPORT_EDGES = 20_000
"""A graph with fewer edges has its files written one after another in this process: they take
well under a second, less than starting a process for each."""


@dataclass(frozen=True)
class PaperChanges:
    """What ``kg update`` changed in the papers built before it, by paper id."""

    built: int
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @classmethod
    def between(cls, built: Sequence[Paper], kept: Sequence[Paper], merged: Sequence[Paper],
                removed: frozenset[str]) -> "PaperChanges":
        """The changes from ``built`` to ``merged``: ``kept`` (``built`` without the ``removed``
        ids) are the first papers of ``merged``, each merged with its new records; a paper
        removed and given again is changed when its record differs, else nothing happened to it."""
        before = {paper.id: paper for paper in built}
        new = merged[len(kept):]
        again = {paper.id for paper in new} & removed
        return cls(
            built=len(built),
            added=tuple(paper.id for paper in new if paper.id not in again),
            changed=tuple([after.id for old, after in zip(kept, merged) if old != after] +
                          [paper.id for paper in new if paper.id in again and paper != before[paper.id]]),
            removed=tuple(paper.id for paper in built if paper.id in removed - again),
        )

    def line(self) -> str:
        def ids(which: tuple[str, ...]) -> str:
            shown = ", ".join(which[:5]) + (", …" if len(which) > 5 else "")
            return f"{len(which)} ({shown})" if which else "0"

        return (f"update: {self.built} papers built before; added {ids(self.added)}, changed {ids(self.changed)}, "
                f"removed {ids(self.removed)}")


@dataclass
class BuildSummary:
    """What a build did: counts, seconds per stage and files written (and, of an update, the
    papers it changed)."""

    read: ReadLog
    papers: int = 0
    extracted: int = 0
    cached: int = 0
    drafted: int = 0
    mentions: Counter = field(default_factory=Counter)
    concepts: Counter = field(default_factory=Counter)
    edges: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: PaperChanges | None = None

    def lines(self) -> list[str]:
        read = self.read
        out = [
            *([self.changes.line()] if self.changes is not None else []),
            f"papers: {self.papers} ({read.records} records read, {read.skipped} skipped, {read.merged} duplicates merged)",
            f"extraction: {_papers(self.extracted)} extracted, {self.cached} from the cache",
            f"resolution: {_papers(self.drafted)} drafted, {self.papers - self.drafted} from the cache",
            "mentions: " + _counts(self.mentions),
            "concepts: " + _counts(self.concepts),
            "edges: " + _counts(self.edges),
            *self.notes,
            "seconds: " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in self.seconds.items()),
        ]
        out += [f"wrote {path}" for path in self.files]
        return out


def _papers(count: int) -> str:
    return f"{count} paper" if count == 1 else f"{count} papers"


def _counts(counter: Counter) -> str:
    total = sum(counter.values())
    return f"{total} (" + ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) + ")" if total else "0"


def assemble(extraction: Extraction, links: LinkSettings = LinkSettings()) -> nx.MultiDiGraph:
    """The canonical graph of an extraction, checked against the schema."""
    resolution = extraction.resolution
    with collector_paused():
        graph = build_graph(extraction.papers, resolution.concepts, resolution.mentions, links)
        check_graph(graph)
    return graph


def graph_of(inputs: Iterable[Path | str], fmt: str | None = None, fields: Mapping[str, str] | None = None,
             links: LinkSettings = LinkSettings(), log: ReadLog | None = None,
             show_progress: bool = False) -> nx.MultiDiGraph:
    """The canonical graph of the inputs, built in memory without writing files (for sinks
    that take the graph directly, like ``kg export neo4j papers.jsonl``)."""
    papers = read_papers(inputs, log or ReadLog(), fmt, fields)
    return assemble(extract(papers, show_progress=show_progress), links)


def build(inputs: Iterable[Path | str], out_dir: Path, formats: Iterable[str] = EXPORTS,
          fmt: str | None = None, fields: Mapping[str, str] | None = None,
          links: LinkSettings = LinkSettings(), log: ReadLog | None = None,
          show_progress: bool = False, curation: Curation | None = None, cache_path: Path | None = None,
          workers: Workers = Workers(), options: ExportOptions = ExportOptions(),
          strict: bool = False) -> tuple[nx.MultiDiGraph | None, BuildSummary]:
    """Read the inputs, extract, assemble the graph and write its exports into ``out_dir``,
    with the record ``kg update`` builds on (:mod:`kg.build_record`).

    ``formats``: any of :data:`EXPORTS` and :data:`BULK_CSV`; with only the latter no graph is
    assembled (None is returned). ``curation``: user corrections applied in the corpus stage
    (:mod:`kg.extract.curation`), recorded by their file (``curation.source``) for updates to read
    again. ``cache_path``: the stage-1 cache to reuse and fill (None:
    none kept); ``workers``: where per-paper work runs (default: this process); ``options``:
    ``--lean`` / ``--min-papers`` for the file exports (:class:`kg.export.display.ExportOptions`);
    ``strict``: a skipped input record stops the build before any work (:class:`~kg.errors.InputError`),
    so the previous exports stay as they were.
    """
    settings = BuildSettings(formats=tuple(formats), fmt=fmt, fields=dict(fields or {}), links=links,
                             options=options, curation=Path(curation.source) if curation is not None else None,
                             cache=cache_path)
    summary = BuildSummary(read=log or ReadLog())
    with _exclusive(out_dir):
        return _build(lambda: read_papers(inputs, summary.read, fmt, fields), out_dir, settings, curation, summary,
                      show_progress, workers, strict)


def update(out_dir: Path, inputs: Iterable[Path | str] = (), remove: Iterable[str] = (), log: ReadLog | None = None,
           show_progress: bool = False, workers: Workers = Workers(),
           strict: bool = False) -> tuple[nx.MultiDiGraph | None, BuildSummary]:
    """Build ``out_dir`` again as its record says (:mod:`kg.build_record`), without the papers of
    the ids in ``remove`` and with those of ``inputs``: the same graph, byte for byte, as
    :func:`build` of the remaining papers' inputs followed by ``inputs``, with the recorded
    settings; the curation file is read again, the cache reused. ``summary.changes`` says what
    was added, changed and removed.

    Raises :class:`~kg.errors.InputError` when ``out_dir`` holds no build record or a damaged
    one, or an input cannot be read, and :class:`~kg.errors.UnknownPaperError` when ``remove``
    names a paper the build does not hold; either before anything is written.
    """
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: no such folder; kg update adds to a folder kg build wrote")
    remove = frozenset(remove)
    summary = BuildSummary(read=log or ReadLog())
    with _exclusive(out_dir):
        settings, built = read_record(out_dir / RECORD)
        unknown = sorted(remove - {paper.id for paper in built})
        if unknown:
            raise UnknownPaperError(f"--remove {', '.join(unknown)}: no such paper in {out_dir} "
                                    f"({len(built)} papers); nothing was changed")
        if settings.curation is not None and not settings.curation.is_file():
            raise InputError(f"{settings.curation}: the curation file this build used is gone; put it back, "
                             "or kg build again without it")
        curation = Curation.load(settings.curation) if settings.curation is not None else None

        def papers() -> list[Paper]:
            kept = [paper for paper in built if paper.id not in remove]
            merged = read_papers(inputs, summary.read, settings.fmt, settings.fields, built=kept)
            summary.changes = PaperChanges.between(built, kept, merged, remove)
            return merged

        return _build(papers, out_dir, settings, curation, summary, show_progress, workers, strict)


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """``out_dir``, checked writable before any work and locked: a second build into the same
    folder stops at once with one line instead of mixing its files with the first's."""
    import fcntl

    from kg.errors import OutputError
    from kg.export.files import LOCK, recover_exports, writable_folder

    writable_folder(out_dir)
    with open(out_dir / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            raise OutputError(f"{out_dir}: another kg build is writing there; wait for it to finish") from error
        recover_exports(out_dir)  # finish or clean up what an interrupted build left
        yield


def _build(read: Callable[[], list[Paper]], out_dir: Path, settings: BuildSettings, curation: Curation | None,
           summary: BuildSummary, show_progress: bool, workers: Workers,
           strict: bool) -> tuple[nx.MultiDiGraph | None, BuildSummary]:
    """The build of the papers ``read`` returns, its exports and record written into ``out_dir``."""
    formats, links = settings.formats, settings.links
    started = time.perf_counter()
    papers = read()
    if strict and summary.read.skipped:
        raise InputError(f"{summary.read.skipped} input records were skipped (--strict); nothing was written")
    summary.seconds["read"] = time.perf_counter() - started
    summary.papers = len(papers)

    extraction = extract(papers, curation=curation, show_progress=show_progress, seconds=summary.seconds,
                         cache_path=settings.cache, workers=workers)
    summary.extracted, summary.cached, summary.drafted = extraction.extracted, extraction.cached, extraction.drafted
    summary.notes = list(extraction.resolution.notes)
    summary.mentions = Counter(m.label for m in extraction.resolution.mentions)
    summary.concepts = Counter(c.label for c in extraction.resolution.concepts.values())

    graph_formats = [name for name in formats if name != BULK_CSV]
    graph = None
    if graph_formats:
        started = time.perf_counter()
        graph = assemble(extraction, links)
        summary.seconds["assemble"] = time.perf_counter() - started
        summary.edges = Counter(key for _, _, key in graph.edges(keys=True))

    started = time.perf_counter()
    if BULK_CSV in formats:
        from kg.neo4j.bulk import IMPORT_COMMAND, write_bulk_csv

        resolution = extraction.resolution
        bulk = write_bulk_csv(papers, resolution.concepts, resolution.mentions, out_dir / BULK_CSV_FOLDER, links)
        summary.files += bulk.paths
        summary.edges = bulk.relations
        summary.notes.append(f"import them into Neo4j (stopped): cd {out_dir / BULK_CSV_FOLDER} && {IMPORT_COMMAND}")
    del extraction  # from here the graph holds all the exports need
    with collector_paused():
        page = automatic_selection(graph) if graph is not None and "html" in graph_formats else None
        large = graph is not None and graph.number_of_edges() >= PARALLEL_EXPORT_EDGES
        summary.files += write_exports(graph, out_dir, graph_formats, page=page, options=settings.options,
                                       extra={RECORD: lambda path: write_record(path, settings, papers)},
                                       processes=local_processes(workers) if large else 1)
    if page is not None and page.steps:
        summary.notes.append(f"{EXPORT_FILES['html']}: {page.summary()} "
                             "Run `kg html GRAPH --focus NAME` or `--top N` on graph.json to render other parts.")
    summary.seconds["export"] = time.perf_counter() - started
    return graph, summary
