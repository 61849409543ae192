"""Resolve (and spot) time per character for one very long abstract, 10k to 1M characters.

    .venv/bin/python benchmarks/long_text.py [--sizes 10000,30000,100000,300000,1000000] [--repeats 3]

The abstract is the seed abstracts concatenated (real sentences, real cues and mentions) and
cut at the size; one paper, one process, no cache. Both stages should be linear: the
microseconds per character should stay flat as the text grows. Prints one row per size
(medians of the repeats) and the ratio of the largest size's per-character time to the smallest's.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from kg.extract import extract
from kg.extract.resolve.resolver import Resolver
from kg.read import ReadLog, read_file
from kg.records import Paper

ROOT = Path(__file__).resolve().parent.parent


def long_abstract(size: int) -> str:
    abstracts = [paper.abstract for paper in read_file(ROOT / "seeds" / "hf-daily-papers-sample.txt", ReadLog())]
    text = ""
    while len(text) < size:
        text += " ".join(abstracts) + " "
    return text[:size].rsplit(" ", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000,300000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    resolver = Resolver()
    rows = []
    print(f"{'characters':>10}  {'spot s':>8}  {'resolve s':>9}  {'spot us/char':>12}  {'resolve us/char':>15}")
    for size in (int(s) for s in args.sizes.split(",")):
        paper = Paper(id="long", title="A long paper", abstract=long_abstract(size), source="benchmark")
        spot, resolve = [], []
        for _ in range(args.repeats):
            seconds: dict[str, float] = {}
            extract([paper], resolver=resolver, seconds=seconds)
            spot.append(seconds["extract"])
            resolve.append(seconds["resolve"])
        chars = len(paper.abstract)
        row = (chars, statistics.median(spot), statistics.median(resolve))
        rows.append(row)
        print(f"{chars:>10,}  {row[1]:>8.2f}  {row[2]:>9.2f}  {row[1] / chars * 1e6:>12.2f}  {row[2] / chars * 1e6:>15.2f}")
    first, last = rows[0], rows[-1]
    print(f"per-character ratio largest/smallest: spot {last[1] / last[0] / (first[1] / first[0]):.2f}, "
          f"resolve {last[2] / last[0] / (first[2] / first[0]):.2f}")


if __name__ == "__main__":
    main()
