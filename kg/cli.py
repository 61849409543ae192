"""The ``kg`` command line: a thin layer over ``kg.build``, ``kg.evaluate`` and the exporters.

Exit codes: 0 done; 1 the input could not be read (or, with --strict, records were skipped);
2 wrong usage.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from kg import __version__
from kg.papers import FORMATS, InputError, ReadLog, ReadProblem, read_papers

EXIT_INPUT = 1


def _fields(values: tuple[str, ...]) -> dict[str, str]:
    fields = {}
    for value in values:
        prop, sep, name = value.partition("=")
        if not sep or not prop or not name:
            raise click.BadParameter(f"{value!r}: use PROPERTY=NAME, e.g. abstract=summary", param_hint="--field")
        fields[prop.strip()] = name.strip()
    return fields


def _report_problem(problem: ReadProblem) -> None:
    click.echo(f"skipped {problem}", err=True)


def _fail(message: str) -> None:
    click.echo(f"kg: error: {message}", err=True)
    sys.exit(EXIT_INPUT)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build knowledge graphs of machine-learning papers.

    Reads titles and abstracts (Hugging Face daily-papers page text or JSON, arXiv-style JSONL /
    JSON, CSV, .gz of any, or folders of them), extracts methods, models, datasets, benchmarks and
    tasks with spaCy rules, links papers through shared concepts, and writes GraphML, node-link
    JSON and an interactive HTML page.

    \b
    Quick start:
      kg build                    # seeds/ -> exports/graph.{graphml,json,html}
      kg build papers.jsonl.gz --out my-graph
      kg stats exports/graph.json
    """


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Folder the exports are written to.")
@click.option("--only", "formats", multiple=True, type=click.Choice(["graphml", "json", "html", "neo4j-csv"]),
              help="Write only these exports (repeatable). Default: graphml, json and html. neo4j-csv: Neo4j "
                   "bulk-import files in OUT/neo4j-import/, written without assembling the graph when alone.")
@click.option("--top-k", type=click.IntRange(0), default=10, show_default=True,
              help="RELATED_TO links kept per paper (0: none).")
@click.option("--max-concept-share", type=click.FloatRange(0, 1), default=0.25, show_default=True,
              help="A concept in a larger share of the papers does not link them.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any input record was skipped.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no per-record messages; only the summary.")
@click.option("--jobs", "-j", type=click.IntRange(1), default=None,
              help="Processes extracting in parallel (default: all cores). The output does not depend on it.")
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
          strict: bool, quiet: bool, jobs: int | None, cache_path: Path | None, no_cache: bool,
          scheduler: str | None, fmt: str | None, fields: tuple[str, ...]) -> None:
    """Build the graph of INPUTS (files or folders; default: seeds/) and write its exports.

    Malformed records are reported with file and line, counted and skipped; the rest goes on.
    Exports are written atomically: an interrupted build leaves the previous files intact, and
    what it extracted stays in the cache for the next build.
    """
    from kg.build import EXPORTS, build as run_build
    from kg.graph import LinkSettings
    from kg.parallel import Workers

    if no_cache and cache_path is not None:
        raise click.BadParameter("give --cache PATH or --no-cache, not both", param_hint="--no-cache")
    log = ReadLog(on_problem=None if quiet else _report_problem)
    try:
        _, summary = run_build(
            list(inputs) or [Path("seeds")], out_dir, formats or EXPORTS, fmt, _fields(fields),
            LinkSettings(top_k=top_k, max_share=max_concept_share), log, show_progress=not quiet,
            cache_path=None if no_cache else cache_path or out_dir / ".kg-cache.sqlite",
            workers=Workers(jobs, scheduler),
        )
    except InputError as error:
        _fail(str(error))
        return
    for line in summary.lines():
        click.echo(line)
    if strict and log.skipped:
        _fail(f"{log.skipped} input records were skipped (--strict)")


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
    from kg.build import extract as run_extract
    from kg.evaluate import gold_paper, read_gold
    from kg.export.files import atomic_output

    log = ReadLog(on_problem=_report_problem)
    try:
        if gold:
            papers = [gold_paper(record) for path in inputs for record in read_gold(path)]
        else:
            papers = read_papers(inputs, log, fmt, _fields(fields))
    except (InputError, ValueError, OSError) as error:
        _fail(str(error))
        return
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
@click.option("--top", type=click.IntRange(0), default=10, show_default=True, help="False positives and misses listed per label.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
def evaluate(gold_files: tuple[Path, ...], folds: tuple[str, ...], top: int, as_json: bool) -> None:
    """Score the extractor on gold annotations: precision, recall and F1 per label, exact spans
    and partial matches (character IoU >= 0.5, one-to-one); benchmark counts as dataset."""
    from kg.build import extract as run_extract
    from kg.evaluate import SCORED_LABELS, Span, gold_paper, read_gold, report, score

    fold = {}
    for value in folds:
        source, sep, target = value.partition("=")
        if not sep:
            raise click.BadParameter(f"{value!r}: use LABEL=LABEL", param_hint="--fold")
        fold[source] = target
    for path in gold_files:
        records = list(read_gold(path, fold))
        extraction = run_extract([gold_paper(r) for r in records], show_progress=True)
        predicted = [Span(m.paper_id, m.start, m.end, m.label) for m in extraction.resolution.mentions]
        scores = score([s for r in records for s in r.spans], predicted, fold, {r.id: r.text for r in records})
        if as_json:
            table = {kind: {label: {"precision": round(t.precision, 4), "recall": round(t.recall, 4), "f1": round(t.f1, 4),
                                     "tp": t.tp, "fp": t.fp, "fn": t.fn}
                            for label, t in tallies.items() if label in (*SCORED_LABELS, "micro")}
                     for kind, tallies in (("exact", scores.exact), ("partial", scores.partial))}
            click.echo(json.dumps({"gold": str(path), "records": len(records), **table}, sort_keys=True))
        else:
            click.echo(f"{path} ({len(records)} records)")
            click.echo(report(scores, top))


@main.command()
@click.argument("graph_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def stats(graph_file: Path) -> None:
    """Counts of a built graph (graph.json or graph.graphml): papers, concepts per type,
    relations per type, the most connected concepts."""
    from kg.io import read_graph

    try:
        graph = read_graph(graph_file)
    except (ValueError, OSError) as error:
        _fail(f"{graph_file}: {error}")
        return
    kinds = Counter(attrs.get("kind") for _, attrs in graph.nodes(data=True))
    types = Counter(("benchmark" if attrs.get("benchmark") else attrs.get("type"))
                    for _, attrs in graph.nodes(data=True) if attrs.get("kind") == "Concept")
    relations = Counter(key for _, _, key in graph.edges(keys=True))
    click.echo(f"papers: {kinds['Paper']}")
    click.echo(f"concepts: {kinds['Concept']} (" + ", ".join(f"{k} {v}" for k, v in sorted(types.items())) + ")")
    click.echo(f"edges: {graph.number_of_edges()} (" + ", ".join(f"{k} {v}" for k, v in sorted(relations.items())) + ")")
    top = sorted(((attrs["paper_count"], attrs["name"], attrs["type"]) for _, attrs in graph.nodes(data=True)
                  if attrs.get("kind") == "Concept"), key=lambda t: (-t[0], t[1]))[:15]
    click.echo("most shared concepts: " + "; ".join(f"{name} ({kind}, {count})" for count, name, kind in top))


@main.command()
def schema() -> None:
    """Print the graph schema: every label, relation type and property with its type."""
    from kg.schema import describe

    click.echo(describe())


if __name__ == "__main__":
    main()
