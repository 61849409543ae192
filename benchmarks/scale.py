"""Scale benchmarks: the full corpus build, incremental rebuilds, memory growth, extraction scaling.

    .venv/bin/python benchmarks/scale.py full         # acceptance 1: the 74,728-abstract build
    .venv/bin/python benchmarks/scale.py incremental  # acceptance 3: 50 new abstracts (after `full`)
    .venv/bin/python benchmarks/scale.py memory       # acceptance 4: peak RSS at 10k…75k (after `full`)
    .venv/bin/python benchmarks/scale.py scaling      # acceptance 2: 1 and 2 processes, Dask LocalCluster
    .venv/bin/python benchmarks/scale.py update       # issue 15, acceptance 1: kg update +500, +50, a curation edit

Builds run as users run them (``kg build`` in a subprocess, default pipeline: GraphML, JSON
and HTML, all cores) in ``--work`` (default /tmp/kg-scale). While one runs, the resident
memory of its whole process tree (driver and workers) is sampled every 0.1 s; the peak of the
sum is reported, with the driver's own peak. CPU seconds are the tree's user+system time, so a
busy machine shows as wall time well above CPU time; the load average is printed too. Each
command prints a Markdown table and appends its figures as JSON to ``WORK/results.jsonl``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"
KG = [sys.executable, "-m", "kg.cli"]
NEW_PAPERS = 50


class TreeSampler:
    """Samples a process and all its descendants every ``interval`` seconds: the peak of their
    summed resident memory (and the driver's alone), and their cumulative CPU seconds over time
    (a worker's CPU counts up to its last sample, so a pool that exits keeps its share)."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak_total = self.peak_driver = 0
        self.cpu_by_pid: dict[int, float] = {}
        self.timeline: list[tuple[float, float]] = []  # (seconds since start, cumulative CPU seconds)
        self.started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        total = driver = 0
        for process in [self.process, *self.process.children(recursive=True)]:
            try:
                rss, times = process.memory_info().rss, process.cpu_times()
            except psutil.Error:
                continue
            total += rss
            driver = rss if process is self.process else driver
            self.cpu_by_pid[process.pid] = times.user + times.system
        self.peak_total, self.peak_driver = max(self.peak_total, total), max(self.peak_driver, driver)
        self.timeline.append((time.perf_counter() - self.started, sum(self.cpu_by_pid.values())))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._sample()
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def cpu_at(self, seconds: float) -> float:
        """Cumulative CPU seconds of the tree at ``seconds`` after the start."""
        earlier = [cpu for at, cpu in self.timeline if at <= seconds]
        return earlier[-1] if earlier else 0.0

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def stage_cpu(sampler: TreeSampler, stages: dict[str, float], wall: float) -> dict[str, float]:
    """CPU seconds of the process tree per build stage. The summary's stages run back to back
    and end when the build ends (less the summary's printing), so they are placed from the end."""
    at = wall - 0.2 - sum(stages.values())
    cpu = {}
    for name, seconds in stages.items():
        cpu[name] = round(sampler.cpu_at(at + seconds) - sampler.cpu_at(at), 1)
        at += seconds
    return cpu


def run_kg(args: list[str], log: Path) -> dict:
    """Run ``kg`` with ``args``: wall and CPU seconds (total and per stage), peak memory."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with open(log, "w") as output:
        process = subprocess.Popen([*KG, *args], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        with TreeSampler(process.pid) as sampler:
            code = process.wait()
    wall = time.perf_counter() - started
    text = log.read_text()
    if code != 0:
        raise SystemExit(f"kg {' '.join(args)} failed ({code}); see {log}")
    stages = {name: float(value) for name, value in re.findall(r"(\w+) ([\d.]+)", text.split("seconds: ")[1].splitlines()[0])}
    counts = re.search(r"extraction: (\d+) papers? extracted, (\d+) from the cache", text)
    drafted = re.search(r"resolution: (\d+) papers? drafted", text)
    return {
        "args": args, "wall_s": round(wall, 1), "load_avg_start": round(load, 2), "load_avg_end": round(os.getloadavg()[0], 2),
        "cpu_s": round(sum(sampler.cpu_by_pid.values()), 1),
        "peak_rss_total_mib": round(sampler.peak_total / 2**20), "peak_rss_driver_mib": round(sampler.peak_driver / 2**20),
        "stages_s": stages, "stages_cpu_s": stage_cpu(sampler, stages, wall),
        "extracted": int(counts.group(1)), "cached": int(counts.group(2)),
        "drafted": int(drafted.group(1)) if drafted else None,
        "summary": [line for line in text.splitlines() if not line.startswith("wrote")],
    }


def record(work: Path, name: str, result: dict) -> None:
    with open(work / "results.jsonl", "a") as handle:
        handle.write(json.dumps({"benchmark": name, "time": time.strftime("%Y-%m-%d %H:%M"), **result}) + "\n")
    print(json.dumps(result, indent=1))


def sizes(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_size for path in sorted(folder.iterdir()) if path.is_file() and not path.name.startswith(".")}


def full(work: Path, jobs: str | None) -> None:
    """Acceptance 1: the whole corpus, a fresh cache, the default exports."""
    out, cache = work / "full", work / "cache.sqlite"
    for leftover in (cache, Path(f"{cache}-wal"), Path(f"{cache}-shm")):
        leftover.unlink(missing_ok=True)
    args = ["build", str(CORPUS), "--out", str(out), "--cache", str(cache), "--quiet", *(["--jobs", jobs] if jobs else [])]
    result = run_kg(args, work / "full.log")
    result["outputs_bytes"] = sizes(out)
    result["cache_bytes"] = cache.stat().st_size
    record(work, "full", result)


def _last_keys(count: int) -> list[str]:
    """Cache keys of the corpus's last ``count`` papers, under the current rules."""
    from kg.extract.cache import paper_key
    from kg.extract.spot.pipeline import pipeline_fingerprint
    from kg.read import ReadLog, read_papers

    papers, rules = read_papers([CORPUS], ReadLog()), pipeline_fingerprint()
    return [paper_key(paper, rules) for paper in papers[-count:]]


def incremental(work: Path, jobs: str | None) -> None:
    """Acceptance 3: the cache a build of all but the last 50 papers leaves, then the whole
    corpus: exactly 50 extracted, the result byte for byte the full build's (``full``)."""
    cache = work / "cache.sqlite"
    with sqlite3.connect(cache) as connection:  # yesterday's cache: the 50 "new" papers not in it
        connection.executemany("DELETE FROM spotted WHERE key = ?", [(key,) for key in _last_keys(NEW_PAPERS)])
    out = work / "incremental"
    args = ["build", str(CORPUS), "--out", str(out), "--cache", str(cache), "--quiet", *(["--jobs", jobs] if jobs else [])]
    result = run_kg(args, work / "incremental.log")
    assert (result["extracted"], result["cached"]) == (NEW_PAPERS, 74728 - NEW_PAPERS), result
    full_run = [json.loads(line) for line in open(work / "results.jsonl") if '"benchmark": "full"' in line][-1]
    result["extract_share_of_full"] = round(result["stages_s"]["extract"] / full_run["stages_s"]["extract"], 4)
    result["identical_to_full"] = {name: (out / name).read_bytes() == (work / "full" / name).read_bytes()
                                   for name in ("graph.graphml", "graph.json", "graph.html")}
    record(work, "incremental", result)


def _digests(folder: Path) -> dict[str, str]:
    """SHA-256 of the default exports in ``folder``. Not the build record: it holds the build's
    settings, and the cache path of ``kg build`` differs from ``--no-cache``'s by design."""
    import hashlib

    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
            for name in ("graph.graphml", "graph.json", "graph.html")}


def update(work: Path, jobs: str | None) -> None:
    """Issue 15, acceptance 1: ``kg build`` of all but the corpus's last 550 papers (with a
    curation file), ``kg update`` with the next 500, then with the last 50, then after a
    curation edit (no new papers); each update timed against a full build (``--no-cache``) of
    the same papers and curation in the same run, and its files compared with that build's."""
    import shutil

    with gzip.open(CORPUS, "rt", encoding="utf-8") as source:
        lines = source.readlines()
    inputs = {"base": lines[:-550], "new-500": lines[-550:-50], "new-50": lines[-50:]}
    for name, part in inputs.items():
        (work / f"{name}.jsonl").write_text("".join(part), encoding="utf-8")
    curation = work / "curation.yaml"
    curation.write_text("rename: {llama: LLaMA}\n")
    out, reference = work / "update", work / "update-full"
    for folder in (out, reference):
        shutil.rmtree(folder, ignore_errors=True)
    jobs_args = ["--jobs", jobs] if jobs else []
    runs = {"base build": run_kg(["build", str(work / "base.jsonl"), "--out", str(out), "--curation", str(curation),
                                  "--quiet", *jobs_args], work / "update-base.log")}
    runs["+500"] = run_kg(["update", str(out), str(work / "new-500.jsonl"), "--quiet", *jobs_args], work / "update-500.log")
    runs["+50"] = run_kg(["update", str(out), str(work / "new-50.jsonl"), "--quiet", *jobs_args], work / "update-50.log")
    after_50 = _digests(out)
    runs["full build"] = run_kg(["build", str(work / "base.jsonl"), str(work / "new-500.jsonl"), str(work / "new-50.jsonl"),
                                 "--out", str(reference), "--curation", str(curation), "--no-cache", "--quiet",
                                 *jobs_args], work / "update-full.log")
    identical = {"+50": after_50 == _digests(reference)}
    curation.write_text("rename: {llama: LLaMA}\ndrop: [lora]\nretype: {GSM8K: task}\n")
    runs["curation edit"] = run_kg(["update", str(out), "--quiet", *jobs_args], work / "update-curation.log")
    shutil.rmtree(reference)
    runs["full build, edited curation"] = run_kg(
        ["build", str(work / "base.jsonl"), str(work / "new-500.jsonl"), str(work / "new-50.jsonl"), "--out",
         str(reference), "--curation", str(curation), "--no-cache", "--quiet", *jobs_args], work / "update-full-2.log")
    identical["curation edit"] = _digests(out) == _digests(reference)
    full_wall = runs["full build"]["wall_s"]
    result = {
        "runs": runs, "identical_to_full_build": identical,
        "share_of_full_build_wall": {name: round(runs[name]["wall_s"] / full_wall, 3)
                                     for name in ("+500", "+50", "curation edit")},
    }
    record(work, "update", result)
    print("| run | wall s | share of the full build | papers extracted | drafted | stages (s) |")
    print("|---|---:|---:|---:|---:|---|")
    for name, run in runs.items():
        share = run["wall_s"] / full_wall
        stages = ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in run["stages_s"].items())
        print(f"| {name} | {run['wall_s']:.1f} | {share:.3f} | {run['extracted']} | {run['drafted']} | {stages} |")
    print(f"identical to the full build: {identical}")


def memory(work: Path, jobs: str | None, counts: list[int]) -> None:
    """Acceptance 4: peak memory of builds of the first N abstracts (stage 1 from the cache)."""
    for count in counts:
        subset = work / f"first-{count}.jsonl.gz"
        if not subset.exists():
            with gzip.open(CORPUS, "rt", encoding="utf-8") as source, gzip.open(subset, "wt", encoding="utf-8") as target:
                for number, line in enumerate(source):
                    if number >= count:
                        break
                    target.write(line)
        out = work / f"memory-{count}"
        args = ["build", str(subset), "--out", str(out), "--cache", str(work / "cache.sqlite"), "--quiet",
                *(["--jobs", jobs] if jobs else [])]
        result = run_kg(args, work / f"memory-{count}.log")
        result["papers"] = count
        result["outputs_bytes"] = sizes(out)
        record(work, "memory", result)


def scaling(work: Path, papers: int, rounds: int) -> None:
    """Acceptance 2: stage-1 throughput through the same code path with 1 process, 2 local
    processes and a 2-worker Dask LocalCluster, in interleaved rounds (workers started and
    warmed up before timing; a fresh empty cache each round)."""
    import tempfile
    from contextlib import ExitStack
    from itertools import islice

    from kg.extract.cache import SpotCache
    from kg.extract.run import SHARD_SIZE, spot_missing
    from kg.extract.spot.pipeline import pipeline_fingerprint
    from kg.parallel import Workers
    from kg.read import ReadLog, read_file

    sample = list(islice(read_file(CORPUS, ReadLog()), papers + 4 * SHARD_SIZE))
    warm, timed = sample[: 4 * SHARD_SIZE], sample[4 * SHARD_SIZE :]
    setups = {"1 process": Workers(1), "2 processes": Workers(2), "Dask LocalCluster, 2 workers": Workers(2, "local")}
    rates: dict[str, list[float]] = {name: [] for name in setups}
    per_cpu: dict[str, list[float]] = {name: [] for name in setups}

    def tree_cpu() -> float:
        processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
        return sum(t.user + t.system for t in (p.cpu_times() for p in processes))

    def run(name: str, workers: Workers, executor, batch) -> tuple[float, float]:
        """Abstracts per second of wall time, and per CPU second of this process and its workers."""
        with tempfile.TemporaryDirectory() as directory, \
                SpotCache(Path(directory) / "c.sqlite", pipeline_fingerprint()) as cache:
            cpu, started = tree_cpu(), time.perf_counter()
            spot_missing(batch, cache, executor, workers.window)
            return len(batch) / (time.perf_counter() - started), len(batch) / (tree_cpu() - cpu)

    with ExitStack() as stack:
        executors = {name: stack.enter_context(workers.open()) for name, workers in setups.items()}
        for name, workers in setups.items():
            run(name, workers, executors[name], warm)  # every worker builds its pipeline before timing
        for _ in range(rounds):
            for name, workers in setups.items():
                rate, cpu_rate = run(name, workers, executors[name], timed)
                rates[name].append(rate)
                per_cpu[name].append(cpu_rate)
    result = {"papers": len(timed), "rounds": rounds, "load_avg": round(os.getloadavg()[0], 2),
              "abstracts_per_s": {name: round(statistics.median(values), 1) for name, values in rates.items()},
              "all_rounds": {name: [round(v, 1) for v in values] for name, values in rates.items()},
              "abstracts_per_cpu_s": {name: round(statistics.median(values), 1) for name, values in per_cpu.items()}}
    one = result["abstracts_per_s"]["1 process"]
    result["ratio_to_1_process"] = {name: round(rate / one, 2) for name, rate in result["abstracts_per_s"].items()}
    record(work, "scaling", result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("full", "incremental", "memory", "scaling", "update"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-scale"))
    parser.add_argument("--jobs", default=None, help="kg build --jobs (default: all cores)")
    parser.add_argument("--counts", default="10000,25000,50000", help="memory: corpus prefixes to build (75k: `full`)")
    parser.add_argument("--papers", type=int, default=3000, help="scaling: abstracts per round")
    parser.add_argument("--rounds", type=int, default=3, help="scaling: rounds per setup")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.command == "full":
        full(args.work, args.jobs)
    elif args.command == "incremental":
        incremental(args.work, args.jobs)
    elif args.command == "update":
        update(args.work, args.jobs)
    elif args.command == "memory":
        memory(args.work, args.jobs, [int(c) for c in args.counts.split(",")])
    else:
        scaling(args.work, args.papers, args.rounds)


if __name__ == "__main__":
    main()
