"""Extraction throughput per core: the default pipeline against the bare spaCy pipeline it runs on.

    .venv/bin/python benchmarks/extraction_speed.py [--papers 2000] [--repeats 5]

Reads the first N abstracts of ../shared/corpus/arxiv-cs-2025.jsonl.gz (or seeds/ when the
corpus is absent), pins the process to one core, and times, in interleaved rounds:

- bare: the blank English tokenizer with our infix settings and the sentencizer, no rules;
- stage 1: the default pipeline (bare + rule matcher + acronym finder) and its records;
- stages 1+2: stage 1 plus the corpus stage (lexicon matching, resolution, relations).

Prints abstracts/s (median of the rounds) and the ratios, all from this one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from itertools import islice
from pathlib import Path

from kg.extract.resolve.resolver import Resolver, rule_weights
from kg.extract.spot.pipeline import blank_pipeline, build_pipeline
from kg.extract.spot.spotter import spot_papers
from kg.read import ReadLog, read_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"


def load(n: int):
    source = CORPUS if CORPUS.exists() else ROOT / "seeds"
    papers = list(islice(read_file(source, ReadLog()), n))
    while len(papers) < n:
        papers = papers + papers
    return papers[:n], source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    papers, source = load(args.papers)
    texts = [text for p in papers for text in (p.title, p.abstract)]
    bare, nlp, resolver = blank_pipeline(), build_pipeline(), Resolver()
    weights = rule_weights(nlp)

    def run_bare():
        for _ in bare.pipe(texts, batch_size=128):
            pass

    def run_stage1():
        return list(spot_papers(nlp, papers))

    def run_both():
        spotted = list(spot_papers(nlp, papers))
        resolver.resolve(zip(papers, spotted), weights)

    timings = {"bare": [], "stage 1": [], "stages 1+2": []}
    run_both()  # warm up: lexicon matchers, vocab
    for _ in range(args.repeats):
        for name, run in (("bare", run_bare), ("stage 1", run_stage1), ("stages 1+2", run_both)):
            started = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - started)

    rate = {name: len(papers) / statistics.median(seconds) for name, seconds in timings.items()}
    print(f"{len(papers)} papers (title + abstract) from {source.name}, one core, median of {args.repeats} rounds")
    for name, value in rate.items():
        print(f"  {name:<11} {value:8.1f} abstracts/s")
    print(f"  ratio bare / stage 1:      {rate['bare'] / rate['stage 1']:.2f}")
    print(f"  ratio bare / stages 1+2:   {rate['bare'] / rate['stages 1+2']:.2f}")


if __name__ == "__main__":
    main()
