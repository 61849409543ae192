#!/usr/bin/env python3
"""Draw the blind evaluation set (issue 13): fresh corpus abstracts, split dev/test at draw time.

What it does, in order (deterministic; no kg code is imported or run):

1. Read every record of ``../shared/corpus/arxiv-cs-2025.jsonl.gz`` (74,728 arXiv cs.*
   abstracts, arXiv metadata, CC0) in file order.
2. Shuffle the record list with ``random.Random(SEED)``, ``SEED = 1313`` (fixed before the
   first draw and never changed; the set must not be re-drawn to get "nicer" papers).
3. Walk the shuffled list and keep a record unless

   - its abstract has fewer than ``MIN_WORDS = 50`` whitespace-separated words, or
   - it is *used somewhere in the project*: its normalised arXiv id (``2503.12515``: the
     ``arXiv:`` prefix, ``abs/`` URLs and a version suffix ``v2`` dropped, lower case), or its
     normalised title (NFKC, lower case, every run of non-alphanumerics one space), occurs in a
     project file. The files searched are everything under ``tests/data/``,
     ``benchmarks/data/`` and ``seeds/`` (what the issue asks), and, to be safe, every other
     text file git tracks in the repository (docs, tests, tools, README) -- except this set's
     own directory ``benchmarks/data/blind/``, so the draw stays reproducible after the set
     is committed. A title counts as occurring when its normalised form is a whole-word
     substring of a file's normalised text (ids: the same on the id-normalised text).

   until ``COUNT = 80`` records are kept. Every skipped record is printed with its reason.
   The set was drawn on the project as of commit ``f626962`` (``DRAW_COMMIT``; no
   untracked files in those directories then); ``--check`` searches the files as they were at
   that commit, so later files that cite the set's papers (this tool's own docstrings, tests,
   reports) do not change the reproduced draw.
4. Split by draw order: the 1st, 3rd, 5th ... kept record is ``dev``, the 2nd, 4th ... is
   ``test`` (40 / 40). The split is written into the output file at draw time, before any
   annotation.

The output (``--out``, default ``benchmarks/data/blind/drawn.jsonl``) has one line per paper:
``{"id", "split", "draw_rank", "title", "abstract", "published", "categories"}``. The corpus
has no date field: ``published`` is the year-month of first submission that the new-style
arXiv id encodes (``2503.12515`` -> ``2025-03``).

    python3 tools/draw_blind_sample.py            # writes benchmarks/data/blind/drawn.jsonl
    python3 tools/draw_blind_sample.py --check    # re-draws (project as at DRAW_COMMIT) and compares
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"
OUT = ROOT / "benchmarks" / "data" / "blind" / "drawn.jsonl"
SEED = 1313
COUNT = 80
MIN_WORDS = 50
REQUIRED_DIRS = ("tests/data", "benchmarks/data", "seeds")
OWN_DIR = "benchmarks/data/blind/"
DRAW_COMMIT = "f626962"  # the project as it was when the set was drawn (branch blind-set's base)

ARXIV_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")


def normalise_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def normalise_id(text: str) -> str:
    match = ARXIV_ID.search(text)
    return match.group(1) if match else text.strip().lower()


def project_texts(commit: str | None) -> dict[str, bytes]:
    """Path -> content of the files searched: the required directories (all files, tracked or
    not) and every other tracked file, from the working tree, or as they were at ``commit``."""
    def git(*args: str) -> bytes:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, check=True).stdout

    if commit:
        names = git("ls-tree", "-r", "--name-only", commit).decode().split("\n")
        return {n: git("show", f"{commit}:{n}") for n in names if n and not n.startswith(OWN_DIR)}
    files: set[Path] = set()
    for directory in REQUIRED_DIRS:
        files.update(p for p in (ROOT / directory).rglob("*") if p.is_file())
    files.update(ROOT / name for name in git("ls-files").decode().split("\n") if name)
    return {str(p.relative_to(ROOT)): p.read_bytes() for p in sorted(files)
            if p.is_file() and not str(p.relative_to(ROOT)).startswith(OWN_DIR)}


def decode(name: str, data: bytes) -> str:
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    if b"\x00" in data[:4096] and not name.endswith((".json", ".jsonl")):
        return ""  # binary (images)
    return data.decode("utf-8", errors="replace")


def used_in_project(commit: str | None = None) -> tuple[set[str], dict[str, str]]:
    """Normalised arXiv ids found anywhere in the project files, and each file's normalised text."""
    ids: set[str] = set()
    texts: dict[str, str] = {}
    for name, data in sorted(project_texts(commit).items()):
        text = decode(name, data)
        if not text:
            continue
        ids.update(ARXIV_ID.findall(text))
        texts[name] = " " + normalise_title(text) + " "
    return ids, texts


def published(arxiv_id: str) -> str | None:
    match = re.fullmatch(r"(\d{2})(\d{2})\.\d{4,5}", normalise_id(arxiv_id))
    return f"20{match.group(1)}-{match.group(2)}" if match else None


def draw(commit: str | None = None, log=sys.stderr) -> list[dict]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    random.Random(SEED).shuffle(records)
    ids, texts = used_in_project(commit)
    kept: list[dict] = []
    for record in records:
        if len(kept) == COUNT:
            break
        words = len(record["abstract"].split())
        if words < MIN_WORDS:
            print(f"skip {record['id']}: abstract has {words} words", file=log)
            continue
        if normalise_id(record["id"]) in ids:
            print(f"skip {record['id']}: its arXiv id occurs in the project", file=log)
            continue
        title = " " + normalise_title(record["title"]) + " "
        where = [name for name, text in texts.items() if title in text]
        if where:
            print(f"skip {record['id']}: its title occurs in {', '.join(where)}", file=log)
            continue
        kept.append(record)
    return [
        {"id": r["id"], "split": "dev" if rank % 2 == 0 else "test", "draw_rank": rank,
         "title": r["title"], "abstract": r["abstract"], "published": published(r["id"]),
         "categories": r["categories"]}
        for rank, r in enumerate(kept)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare a fresh draw with --out instead of writing it")
    parser.add_argument("--at", metavar="COMMIT", help="search the project files as they were at COMMIT "
                        f"(--check: default {DRAW_COMMIT}, the commit the set was drawn at)")
    args = parser.parse_args()
    papers = draw(args.at or (DRAW_COMMIT if args.check else None))
    lines = [json.dumps(p, ensure_ascii=False) + "\n" for p in papers]
    if args.check:
        same = args.out.read_text(encoding="utf-8").splitlines(keepends=True) == lines
        print("draw reproduces " + str(args.out) if same else "draw DIFFERS from " + str(args.out))
        sys.exit(0 if same else 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(lines), encoding="utf-8")
    splits = {s: sum(p["split"] == s for p in papers) for s in ("dev", "test")}
    print(f"wrote {len(papers)} papers to {args.out} ({splits})")


if __name__ == "__main__":
    main()
