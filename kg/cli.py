"""The ``kg`` command line: a thin layer over ``kg.build``, ``kg.evaluate`` and the exporters.

Exit codes: 0 done; 1 the input could not be read (or, with --strict, records were skipped);
2 wrong usage; 3 Neo4j could not be used (unreachable, wrong password, no such database, a
query failed or was refused, on Neo4j or the embedded engine).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import NoReturn

import click

from kg import __version__
from kg.errors import InputError
from kg.read import FORMATS, ReadLog, ReadProblem, read_papers

EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_SERVER = 3
DEFAULT_URI = "bolt://localhost:7687"


def _fields(values: tuple[str, ...]) -> dict[str, str]:
    fields = {}
    for value in values:
        from kg.read.fields import DEFAULT_FIELDS

        prop, sep, name = value.partition("=")
        if not sep or not prop or not name:
            raise click.BadParameter(f"{value!r}: use PROPERTY=NAME, e.g. abstract=summary", param_hint="--field")
        if prop.strip() not in DEFAULT_FIELDS:
            raise click.BadParameter(f"{prop.strip()!r} is not one of {', '.join(DEFAULT_FIELDS)}", param_hint="--field")
        fields[prop.strip()] = name.strip()
    return fields


def _report_problem(problem: ReadProblem) -> None:
    click.echo(f"skipped {problem}", err=True)


class _Share(click.FloatRange):
    """A share of the papers: a number from 0 to 1; "nan" is not one (click's range lets it through)."""

    def convert(self, value, param, ctx):
        share = super().convert(value, param, ctx)
        if share != share:
            self.fail(f"{value!r} is not a number from 0 to 1", param, ctx)
        return share


def _named_node(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--focus: a name with something in it (an empty one would silently show the whole graph)."""
    if value is not None and not value.strip():
        raise click.BadParameter("empty; give a node id such as 'concept:bert', an arXiv id, a concept name or a title")
    return value


_JAVA_SIZE = re.compile(r"[1-9][0-9]*[kKmMgG]?")


def _java_size(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """--heap: a size Java's -Xmx takes (512m, 4g), checked before a server is started for nothing."""
    if not _JAVA_SIZE.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a Java heap size such as 512m or 4g")
    return value


def _fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    click.echo(f"kg: error: {message}", err=True)
    sys.exit(code)


_input_options = [
    click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                 help="Input format for every file (default: by extension; .gz of any is read too)."),
    click.option("--field", "fields", multiple=True, metavar="PROPERTY=NAME",
                 help="Read a paper property from another record field, e.g. --field abstract=summary. Repeatable."),
]


def input_options(function):
    for option in reversed(_input_options):
        function = option(function)
    return function


def file_options(function):
    """``--lean`` and ``--min-papers``: what every file export (not html, not Neo4j) leaves out."""
    function = click.option("--min-papers", type=click.IntRange(1), default=1, show_default=True,
                            help="Leave concepts in fewer papers (and their edges) out of the file exports.")(function)
    return click.option("--lean", is_flag=True,
                        help="Leave abstracts and evidence (sentences, offsets, rules) out of the file exports: "
                             "what a desktop tool needs.")(function)


def _run_options(function):
    """``--strict``, ``--quiet`` and ``--jobs``: how kg build and kg update run."""
    function = click.option("--jobs", "-j", type=click.IntRange(1), default=None,
                            help="Processes extracting in parallel, and writing a large graph's files at once, one "
                                 "a file (default: all cores; an input of one shard of work, "
                                 "kg.extract.run.SHARD_SIZE papers, runs in this process). The output does "
                                 "not depend on it.")(function)
    function = click.option("--quiet", "-q", is_flag=True,
                            help="No progress bar, no per-record messages; only the summary.")(function)
    return click.option("--strict", is_flag=True,
                        help="Stop with status 1, writing nothing, when any input record was skipped.")(function)


EXIT_INTERRUPTED = 130


class _Kg(click.Group):
    """The command group: every :class:`~kg.errors.KgError` becomes one ``kg: error:`` line
    with its class's exit code; Ctrl-C is one line and exit 130."""

    def invoke(self, ctx: click.Context):
        from kg.errors import KgError

        try:
            return super().invoke(ctx)
        except KgError as error:
            click.echo(f"kg: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("kg: error: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=_Kg, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build knowledge graphs of machine-learning papers.

    Reads titles and abstracts (Hugging Face daily-papers page text or JSON, arXiv-style JSONL /
    JSON, CSV, .gz of any, or folders of them), extracts methods, models, datasets, benchmarks and
    tasks with spaCy rules, links papers through shared concepts, and writes GraphML, node-link
    JSON and an interactive HTML page, and syncs the graph into Neo4j to query in Cypher.

    \b
    Quick start:
      kg build                    # seeds/ -> exports/graph.{graphml,json,html}
      kg build papers.jsonl.gz --out my-graph
      kg update my-graph today.jsonl   # add today's papers to that build
      kg stats exports/graph.json
      kg html exports/graph.json --focus BERT --depth 2
      kg export neo4j exports/graph.json --uri bolt://localhost:7687
      kg query --list

    Exit codes: 0 done; 1 unreadable input (or, with --strict, skipped records);
    2 wrong usage (also: no Neo4j password and no terminal, an export needing --replace,
    a kg update --remove id the build does not hold);
    3 Neo4j unreachable, refused or missing a database, or a query
    refused or failed (on Neo4j or the embedded engine).
    """


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Folder the exports are written to.")
@click.option("--only", "formats", multiple=True,
              type=click.Choice(["graphml", "json", "html", "gexf", "cyjs", "csv", "neo4j-csv"]),
              help="Write only these exports (repeatable). Default: graphml, json and html. gexf: graph.gexf "
                   "(Gephi, with its timeline); cyjs: graph.cyjs (Cytoscape); csv: nodes.csv and edges.csv "
                   "(pandas); neo4j-csv: Neo4j bulk-import files in OUT/neo4j-import/, written without "
                   "assembling the graph when alone.")
@file_options
@click.option("--top-k", type=click.IntRange(0), default=10, show_default=True,
              help="RELATED_TO links kept per paper (0: none).")
@click.option("--max-concept-share", type=_Share(0, 1), default=0.25, show_default=True,
              help="A concept in a larger share of the papers does not link them.")
@click.option("--curation", "curation_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Curation file of corrections to the concepts (merge, rename, split, drop, retype, aliases). "
                   "Default: curation.yaml in the working directory, if there is one.")
@_run_options
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Stage-1 cache (SQLite) to reuse and fill: papers whose text and per-paper rules are "
                   "unchanged are not extracted again. Default: OUT/.kg-cache.sqlite.")
@click.option("--no-cache", is_flag=True, help="Extract every paper; keep no cache.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Extract on a Dask cluster: its scheduler's address (tcp://host:8786; --jobs: how many of "
                   "its workers to keep busy), or 'local' for a LocalCluster of --jobs workers. Every worker "
                   "needs the same kg and rule files installed.")
@input_options
def build(inputs: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], top_k: int, max_concept_share: float,
          curation_path: Path | None, strict: bool, quiet: bool, jobs: int | None, cache_path: Path | None,
          no_cache: bool, scheduler: str | None, lean: bool, min_papers: int, fmt: str | None,
          fields: tuple[str, ...]) -> None:
    """Build the graph of INPUTS (files or folders; default: seeds/) and write its exports.

    Malformed records are reported with file and line, counted and skipped; the rest goes on.
    Exports are written atomically: an interrupted build leaves the previous files intact, and
    what it extracted stays in the cache for the next build.
    """
    from kg.assemble import LinkSettings
    from kg.build import EXPORTS
    from kg.build import build as run_build
    from kg.errors import CurationError
    from kg.export.display import ExportOptions
    from kg.extract.resolve.curation import CURATION_FILE, Curation
    from kg.parallel import Workers

    if no_cache and cache_path is not None:
        raise click.BadParameter("give --cache PATH or --no-cache, not both", param_hint="--no-cache")
    log = ReadLog(on_problem=None if quiet else _report_problem)
    try:
        path = curation_path or (CURATION_FILE if CURATION_FILE.is_file() else None)
        curation = Curation.load(path) if path is not None else None
    except (CurationError, OSError) as error:
        _fail(str(error))
    try:
        _, summary = run_build(
            list(inputs) or [Path("seeds")], out_dir, formats or EXPORTS, fmt, _fields(fields),
            LinkSettings(top_k=top_k, max_share=max_concept_share), log, show_progress=not quiet, curation=curation,
            cache_path=None if no_cache else cache_path or out_dir / ".kg-cache.sqlite",
            workers=Workers(jobs, scheduler), options=ExportOptions(lean, min_papers), strict=strict,
        )
    except InputError as error:
        _fail(str(error))
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.argument("out_dir", metavar="OUT", type=click.Path(file_okay=False, path_type=Path))
@click.argument("inputs", metavar="[NEW_INPUT]...", nargs=-1, type=click.Path(path_type=Path))
@click.option("--remove", "remove", multiple=True, metavar="PAPER_ID",
              help="Take this paper (its id in the graph, e.g. 2401.01234) out of the build. Repeatable; "
                   "an id the build does not hold is a usage error and nothing is changed.")
@_run_options
def update(out_dir: Path, inputs: tuple[Path, ...], remove: tuple[str, ...], strict: bool, quiet: bool,
           jobs: int | None) -> None:
    """Add NEW_INPUT (files or folders) to the build kg build wrote in OUT, without its old inputs.

    \b
    The result is what kg build of the old inputs followed by NEW_INPUT writes, byte for byte:
    every kg build keeps its papers and settings in OUT/.kg-papers.jsonl.gz, written with the
    exports, and kg update builds again from them with the same --only, --lean, --min-papers,
    --top-k, --max-concept-share, --format, --field, curation file (read again: an edit since
    counts) and cache. A record of a paper already built fills what it lacks but does not
    replace its text (the first record wins, as in kg build); to replace a paper, --remove it
    and give it again. With no NEW_INPUT, OUT is built again (after a curation edit, or with
    --remove alone). The summary says which papers were added, changed and removed.

    \b
    Examples:
      kg build corpus.jsonl.gz --out big
      kg update big today.jsonl                  # tomorrow: only today's papers are read and extracted
      kg update big --remove 2401.01234          # take a paper out
    """
    from kg.build import update as run_update
    from kg.parallel import Workers

    log = ReadLog(on_problem=None if quiet else _report_problem)
    _, summary = run_update(out_dir, list(inputs), remove, log, show_progress=not quiet, workers=Workers(jobs),
                            strict=strict)
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSON Lines file to write (default: standard output).")
@click.option("--gold", is_flag=True, help="Inputs are gold files ({id, text, entities}); mentions use field 'text'.")
@input_options
def extract(inputs: tuple[Path, ...], output: Path | None, gold: bool, fmt: str | None, fields: tuple[str, ...]) -> None:
    """Extract concept mentions from INPUTS: one JSON line per record,
    {"id", "entities": [{"start", "end", "label", "field", "text", "sentence", "rule"}]}.

    Offsets are character offsets into the record's field (title or abstract; text for --gold).
    """
    from kg.evaluate import gold_paper, read_gold
    from kg.export.files import atomic_output, writable_folder
    from kg.extract import extract as run_extract

    if output is not None:
        writable_folder(output.parent)  # before any work, not after the whole extraction
    log = ReadLog(on_problem=_report_problem)
    # the readers' errors are KgErrors: one kg: error: line from the group (_Kg); anything else is a bug
    if gold:
        papers = [gold_paper(record) for path in inputs for record in read_gold(path)]
    else:
        papers = read_papers(inputs, log, fmt, _fields(fields))
    extraction = run_extract(papers, show_progress=output is not None)
    by_paper: dict[str, list] = {paper.id: [] for paper in papers}
    for m in extraction.resolution.mentions:
        by_paper[m.paper_id].append({
            "start": m.start, "end": m.end, "label": m.label, "field": "text" if gold else m.field,
            "text": m.text, "sentence": m.sentence, "rule": m.rule,
        })
    lines = (json.dumps({"id": pid, "entities": entities}, ensure_ascii=False) + "\n" for pid, entities in by_paper.items())
    if output is None:
        sys.stdout.writelines(lines)
    else:
        with atomic_output(output) as handle:
            handle.writelines(lines)
        click.echo(f"wrote {output}: {len(by_paper)} records, {len(extraction.resolution.mentions)} mentions", err=True)


@main.command("eval")
@click.argument("gold_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fold", "folds", multiple=True, metavar="LABEL=LABEL",
              help="Score one label as another, e.g. --fold model=method for SciERC. Repeatable.")
@click.option("--split", "splits", multiple=True, metavar="NAME",
              help="Score only the records of this split (the records' 'split' field). Repeatable.")
@click.option("--per-record", is_flag=True,
              help="Extract each record alone, not the paragraphs of one document (id before '|') together.")
@click.option("--top", type=click.IntRange(0), default=10, show_default=True, help="False positives and misses listed per label.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
def evaluate(gold_files: tuple[Path, ...], folds: tuple[str, ...], splits: tuple[str, ...], per_record: bool,
             top: int, as_json: bool) -> None:
    """Score the extractor on gold annotations: precision, recall and F1 per label, exact spans
    and partial matches (character IoU >= 0.5, one-to-one); benchmark counts as dataset."""
    from kg.evaluate import SCORED_LABELS, extract_gold, read_gold, report, score

    fold = {}
    for value in folds:
        source, sep, target = value.partition("=")
        if not sep:
            raise click.BadParameter(f"{value!r}: use LABEL=LABEL", param_hint="--fold")
        fold[source] = target
    for path in gold_files:
        records = list(read_gold(path, fold, splits))  # a malformed or empty file: a GoldFileError, one line
        if not records:
            raise click.BadParameter(f"{path} has no record of split {', '.join(splits)}", param_hint="--split")
        predicted = extract_gold(records, per_record)
        scores = score([s for r in records for s in r.spans], predicted, fold, {r.id: r.text for r in records})
        if as_json:
            table = {kind: {label: {"precision": round(t.precision, 4), "recall": round(t.recall, 4), "f1": round(t.f1, 4),
                                     "tp": t.tp, "fp": t.fp, "fn": t.fn,
                                     "wrong_type": t.wrong_type}
                            for label, t in tallies.items() if label in (*SCORED_LABELS, "micro")}
                     for kind, tallies in (("exact", scores.exact), ("partial", scores.partial))}
            click.echo(json.dumps({"gold": str(path), "records": len(records), "splits": sorted(splits), **table},
                                  sort_keys=True))
        else:
            click.echo(f"{path} ({len(records)} records{', splits ' + ', '.join(splits) if splits else ''})")
            click.echo(report(scores, top))


def _words(values: tuple[str, ...]) -> list[str]:
    """Values of a repeatable option that may also be comma-separated: ('a,b', 'c') -> [a, b, c]."""
    return [word.strip() for value in values for word in value.split(",") if word.strip()]


@main.command()
@click.argument("graph_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Page to write (default: GRAPH_FILE with the suffix .html).")
@click.option("--focus", metavar="NODE", callback=_named_node, help="Show only the neighbourhood of NODE: a node id, arXiv id, "
              "concept name or alias, or exact paper title.")
@click.option("--depth", type=click.IntRange(1), default=1, show_default=True, help="Links followed from --focus.")
@click.option("--top", type=click.IntRange(0), default=None,
              help="Keep the N most connected papers and the concepts at least two of them share "
                   "(0: no limit; default: 1000 when the graph has over 3000 nodes and no --focus).")
@click.option("--types", "types", multiple=True, metavar="TYPE[,TYPE]",
              help="Concept types to keep: method, model, dataset, benchmark, task (repeatable).")
@click.option("--relations", "relations", multiple=True, metavar="REL[,REL]",
              help="Relation types to keep, e.g. USES,RELATED_TO (repeatable).")
@click.option("--title", default=None, help="Page title (default: the graph file's name).")
@click.option("--concepts", "concept_view", is_flag=True,
              help="Draw the concept map instead: the --top concepts in most papers (default 300), linked "
                   "when papers name them together, by association strength; panels list their papers.")
def html(graph_file: Path, output: Path | None, focus: str | None, depth: int, top: int | None,
         types: tuple[str, ...], relations: tuple[str, ...], title: str | None, concept_view: bool) -> None:
    """Render an interactive page of a built graph (graph.json or graph.graphml), or of a part
    of it; the page says what it leaves out. With --concepts, a map of the corpus's concepts
    (for a large corpus, the readable overview).

    \b
    Examples:
      kg html exports/graph.json --focus "diffusion model" --depth 2
      kg html exports/graph.json --top 500 --types model,dataset
      kg html exports/graph.json --concepts -o exports/concepts.html
    """
    from kg.errors import SelectionError
    from kg.export import read_graph
    from kg.export.html import automatic_top, concept_map, select, write_html

    if concept_view and (focus or relations):
        raise click.UsageError("--concepts draws concepts alone: it takes --top and --types, not --focus or --relations")
    graph = read_graph(graph_file)  # a GraphFileError is one kg: error: line (see _Kg)
    if top is None and not focus and not concept_view:
        top = automatic_top(graph)
    try:
        if concept_view:
            selection = concept_map(graph, **({} if top is None else {"top": top}), types=_words(types))
        else:
            selection = select(graph, focus=focus, depth=depth, top=top, types=_words(types), relations=_words(relations))
    except SelectionError as error:
        raise click.BadParameter(str(error)) from error
    output = output or graph_file.with_suffix(".html")
    write_html(selection, output, title=title or graph_file.name, source=str(graph_file))
    click.echo(selection.summary())
    click.echo(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB)")


@main.command()
@click.argument("graph_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def stats(graph_file: Path) -> None:
    """Counts of a built graph (graph.json or graph.graphml): papers, concepts per type,
    relations per type, the most connected concepts."""
    from kg.export import read_graph
    from kg.schema import CONCEPT, KIND, PAPER

    graph = read_graph(graph_file)  # a GraphFileError is one kg: error: line (see _Kg)
    kinds = Counter(attrs.get(KIND) for _, attrs in graph.nodes(data=True))
    types = Counter(("benchmark" if attrs.get("benchmark") else attrs.get("type"))
                    for _, attrs in graph.nodes(data=True) if attrs.get(KIND) == CONCEPT.name)
    relations = Counter(key for _, _, key in graph.edges(keys=True))
    click.echo(f"papers: {kinds[PAPER.name]}")
    click.echo(f"concepts: {kinds[CONCEPT.name]} (" + ", ".join(f"{k} {v}" for k, v in sorted(types.items())) + ")")
    click.echo(f"edges: {graph.number_of_edges()} (" + ", ".join(f"{k} {v}" for k, v in sorted(relations.items())) + ")")
    top = sorted(((attrs["paper_count"], attrs["name"], attrs["type"]) for _, attrs in graph.nodes(data=True)
                  if attrs.get(KIND) == CONCEPT.name), key=lambda t: (-t[0], t[1]))[:15]
    click.echo("most shared concepts: " + "; ".join(f"{name} ({kind}, {count})" for count, name, kind in top))


@main.command()
def schema() -> None:
    """Print the graph schema: every label, relation type and property with its type."""
    from kg.schema import describe

    click.echo(describe())


_neo4j_options = [
    click.option("--uri", envvar="NEO4J_URI", default=None,
                 help="Bolt URI of the server (env NEO4J_URI; default: the one `kg neo4j start` started, "
                      "else bolt://localhost:7687)."),
    click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True, help="User (env NEO4J_USER)."),
    click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True,
                 help="Database (env NEO4J_DATABASE)."),
]


def neo4j_options(function):
    for option in reversed(_neo4j_options):
        function = option(function)
    return function


def _neo4j_target(uri: str | None, user: str, database: str):
    """The connection target: --uri (or NEO4J_URI), else the server ``kg neo4j start`` left
    running, else bolt://localhost:7687. The password comes from NEO4J_PASSWORD or a hidden
    prompt (or the started server's record), never from an argument (which any user could read in ``ps``)."""
    from kg.neo4j.connection import Neo4jTarget
    from kg.neo4j.server import read_state

    if uri is None:
        state = read_state()
        if state is not None and "NEO4J_PASSWORD" not in os.environ:
            return Neo4jTarget(uri=state.uri, user=state.user, password=state.password, database=database)
        uri = state.uri if state is not None else DEFAULT_URI
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            _fail("set NEO4J_PASSWORD (no terminal to ask for the password)", EXIT_USAGE)
        password = click.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    return Neo4jTarget(uri=uri, user=user, password=password, database=database)


@main.group()
def export() -> None:
    """Write a graph to files (kg export files) or send it to a database (kg export neo4j)."""


def _graph_from(sources: tuple[Path, ...], fmt: str | None, fields: tuple[str, ...], quiet: bool):
    """The graph of SOURCES: one graph file kg build wrote, read back, or inputs built in memory
    (default: exports/graph.json); a problem is a :class:`~kg.errors.KgError`, one ``kg: error:`` line."""
    from kg.build import graph_of
    from kg.export import is_graph_file, read_graph

    sources = sources or (Path("exports/graph.json"),)
    if len(sources) == 1 and is_graph_file(sources[0]):
        return read_graph(sources[0])  # any problem with the file: a GraphFileError, one line
    log = ReadLog(on_problem=None if quiet else _report_problem)
    return graph_of(list(sources), fmt, _fields(fields), log=log, show_progress=not quiet)


@export.command("files")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Folder the files are written to.")
@click.option("--only", "formats", multiple=True, required=True,
              type=click.Choice(["graphml", "json", "html", "gexf", "cyjs", "csv"]),
              help="The files to write (repeatable): graph.graphml, graph.json, graph.html, graph.gexf, "
                   "graph.cyjs, or nodes.csv and edges.csv.")
@file_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; only the files written.")
@input_options
def export_files(sources: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], lean: bool, min_papers: int,
                 quiet: bool, fmt: str | None, fields: tuple[str, ...]) -> None:
    """Write a graph's files. SOURCES is a graph kg build wrote (graph.json or graph.graphml) or
    inputs to build one from in memory; default: exports/graph.json. Each file appears atomically.

    \b
    Example:
      kg export files exports/graph.json --only gexf --only csv --lean --min-papers 2 --out lean/
    """
    from kg.export import write_exports
    from kg.export.display import ExportOptions

    graph = _graph_from(sources, fmt, fields, quiet)
    # a failed write is an OutputError (a KgError: one kg: error: line from the group)
    written = write_exports(graph, out_dir, dict.fromkeys(formats), options=ExportOptions(lean, min_papers))
    for path in written:
        click.echo(f"wrote {path}")


@export.command("neo4j")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@neo4j_options
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None,
              help="Rows per transaction  [default: 2,500]")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; only the summary.")
@click.option("--replace", is_flag=True,
              help="Export even a graph without papers, or one sharing no paper with the database's kg papers "
                   "(refused otherwise: it would remove them all).")
@input_options
def export_neo4j(sources: tuple[Path, ...], uri: str, user: str, database: str, batch_size: int | None, quiet: bool,
                 replace: bool, fmt: str | None, fields: tuple[str, ...]) -> None:
    """Sync a graph into Neo4j: afterwards the database's papers, concepts and their relationships
    equal the graph. SOURCES is a graph written by kg build (graph.json or graph.graphml) or
    inputs to build one from in memory (files or folders); default: exports/graph.json.

    \b
    Re-running changes nothing; exporting a later build adds, updates and removes the difference;
    a load that was interrupted is completed by the next run. A graph that would remove every
    kg paper in the database (it has none, or shares none with the database) is refused
    unless --replace. The password is read from NEO4J_PASSWORD, or asked for.

    \b
    Example:
      NEO4J_PASSWORD=... kg export neo4j exports/graph.json --uri bolt://localhost:7687
    """
    from kg.errors import ServerProblem
    from kg.neo4j.sync import BATCH_SIZE, export_graph

    target = _neo4j_target(uri, user, database)
    graph = _graph_from(sources, fmt, fields, quiet)
    try:
        summary = export_graph(graph, target, batch_size=batch_size or BATCH_SIZE, show_progress=not quiet,
                               replace=replace)
    except ServerProblem as error:
        _fail(str(error), EXIT_SERVER)
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter (repeatable); --list shows each query's. With --cypher, KEY:=JSON passes a number or list.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their purpose and exit.")
@click.option("--cypher", help="Run this ad-hoc Cypher instead of a named query.")
@click.option("--engine", type=click.Choice(["embedded", "neo4j"]), envvar="KG_ENGINE", default="embedded",
              show_default=True, help="embedded: the built graph, in-process (no server); neo4j: a Neo4j server "
                                      "(--uri, env KG_ENGINE).")
@click.option("--graph", "graph_file", type=click.Path(path_type=Path), default=Path("exports/graph.json"),
              show_default=True, help="The embedded engine's graph (graph.json of kg build).")
@click.option("--write", is_flag=True, help="Allow a query that writes (refused otherwise; Neo4j only).")
@neo4j_options
def query(name: str | None, params: tuple[str, ...], output_format: str, list_queries: bool, cypher: str | None,
          engine: str, graph_file: Path, write: bool, uri: str, user: str, database: str) -> None:
    """Run a named query from queries/ (or --cypher TEXT) and print its rows.

    \b
    By default the query runs in-process on the graph kg build wrote (exports/graph.json), on
    an embedded graph database kept beside it (graph.lbdb, rebuilt when the graph changes): no
    server, no Java. --engine neo4j runs it on a Neo4j server instead, read-only with read
    routing: a query the planner says would write is refused unless --write. The password is
    read from NEO4J_PASSWORD, or asked for.

    \b
    Examples:
      kg query --list
      kg query top_datasets
      kg query datasets_for_concept --param concept="speculative decoding"
      kg query --cypher 'MATCH (p:Paper) RETURN count(p) AS papers' --format json
      kg query top_datasets --engine neo4j --uri bolt://localhost:7687
    """
    from kg.errors import QueryError, ServerProblem
    from kg.query.library import adhoc_parameters, load_queries, parse_assignments, typed_value_hint
    from kg.query.results import format_list, format_result
    from kg.query.run import resolved

    try:
        queries = load_queries()
        if list_queries:
            click.echo(format_list(queries))
            return
        given = parse_assignments(params)
        if cypher is not None and name is None:
            if not cypher.strip():
                raise QueryError("--cypher is empty: give the query's text")
            named, values = None, adhoc_parameters(given)
        elif name is not None and cypher is None:
            if name not in queries:
                raise QueryError(f"no query named {name!r}; kg query --list shows them")
            named = queries[name]
            values = named.bind(given)
        else:
            raise click.UsageError("give a query NAME or --cypher TEXT (one of them)")
    except QueryError as error:
        _fail(str(error), EXIT_USAGE)

    def answer(runner):
        if named is None:
            return runner.run(cypher, values, allow_write=write)
        return runner.run(named.text_for(runner.name), resolved(runner, named, values), allow_write=write)

    if engine == "embedded":
        from kg.query.embedded import EmbeddedEngine

        try:
            with EmbeddedEngine(graph_file, show=lambda line: click.echo(line, err=True)) as runner:
                result = answer(runner)
        except InputError as error:
            _fail(str(error), EXIT_INPUT)
        except QueryError as error:
            _fail(str(error) + (typed_value_hint(given) if named is None else ""), EXIT_SERVER)
    else:
        from kg.neo4j.connection import open_driver
        from kg.neo4j.queries import Neo4jEngine

        target = _neo4j_target(uri, user, database)
        try:
            with open_driver(target) as driver:
                result = answer(Neo4jEngine(driver, target.database))
        except (QueryError, ServerProblem) as error:
            _fail(str(error) + (typed_value_hint(given) if named is None else ""), EXIT_SERVER)
    click.echo(format_result(result, output_format))


@main.group()
def neo4j() -> None:
    """A local Neo4j 5.26 that lasts (Java 17; fetched from Maven Central once): start, stop, status, import.

    \b
    kg neo4j start                 # prints the URI; kg query --engine neo4j and kg export neo4j find it
    kg export neo4j exports/graph.json
    kg query top_datasets --engine neo4j
    kg neo4j stop                  # the database stays in --data for the next start
    """


_data_option = click.option("--data", type=click.Path(path_type=Path), default=None,
                            help="The server's folder; its database is kept there across restarts "
                                 "[default: ~/.cache/kg/neo4j/data].")


@neo4j.command("start")
@_data_option
@click.option("--port", type=click.IntRange(1, 65535), default=7687, show_default=True, help="Bolt port.")
@click.option("--heap", default="1g", show_default=True, callback=_java_size,
              help="Java heap of the server (as -Xmx takes it: 512m, 4g).")
def neo4j_start(data: Path | None, port: int, heap: str) -> None:
    """Start the local Neo4j in the background, wait until it answers, print its URI."""
    from kg.errors import LauncherError
    from kg.neo4j.server import DEFAULT_DATA, start_lasting

    try:
        state = start_lasting(data or DEFAULT_DATA, port=port, heap=heap)
    except LauncherError as error:
        _fail(str(error), EXIT_SERVER)
    click.echo(state.uri)
    click.echo(f"Neo4j 5.26 running (pid {state.pid}, data {state.data}); kg neo4j stop stops it", err=True)


@neo4j.command("import")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@_data_option
@click.option("--port", type=click.IntRange(1, 65535), default=7687, show_default=True, help="Bolt port.")
def neo4j_import(folder: Path, data: Path | None, port: int) -> None:
    """Load OUT/neo4j-import (kg build --only neo4j-csv) with Neo4j's own import tool, replacing the
    local database, then start the server on it with kg's constraints and print its URI."""
    from kg.errors import LauncherError, ServerProblem
    from kg.neo4j.connection import Neo4jTarget, open_driver
    from kg.neo4j.server import DEFAULT_DATA, import_csv, start_lasting
    from kg.neo4j.sync import create_constraints

    try:
        import_csv(folder, data or DEFAULT_DATA)
        state = start_lasting(data or DEFAULT_DATA, port=port)
        with open_driver(Neo4jTarget(state.uri, state.user, state.password)) as driver, driver.session() as session:
            create_constraints(session)
    except (LauncherError, ServerProblem) as error:
        _fail(str(error), EXIT_SERVER)
    click.echo(state.uri)


@neo4j.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j that kg neo4j start started (its database stays)."""
    from kg.neo4j.server import stop_lasting

    state = stop_lasting()
    click.echo("no local Neo4j was running" if state is None else f"stopped the Neo4j at {state.uri}", err=True)


@neo4j.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs, where, and on which data (exit 3 when it does not)."""
    from kg.neo4j.server import read_state

    state = read_state()
    if state is None:
        _fail("no local Neo4j is running (kg neo4j start starts one)", EXIT_SERVER)
    click.echo(f"{state.uri}  pid {state.pid}  data {state.data}")


def run() -> None:
    """The ``kg`` command (console script and ``python -m kg``): :func:`main`, then the process
    ends without freeing what it built, once its output is flushed. Freeing a 75,000-paper
    build's graph, drafts and matchers object by object took 9 s after the summary was printed;
    the system takes the memory back at once. Nothing of kg's runs at exit (its files, caches
    and processes are closed by the commands themselves)."""
    try:
        main(prog_name="kg")  # click's standalone mode always ends in SystemExit(status)
    except SystemExit as done:
        if not isinstance(done.code, int):  # None, or a message: Python's own exit prints it
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: Python's own exit reports it
            raise done from None
        os._exit(done.code)


if __name__ == "__main__":
    run()
