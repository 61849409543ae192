"""Start-up paid once: `kg build seeds` and the start-up alone, this checkout against a baseline.

    .venv/bin/python benchmarks/startup.py [--baseline main] [--runs 5]

The baseline is the code of a git revision (``git archive`` into a temporary folder, run with
``PYTHONPATH`` on the same interpreter and packages). In interleaved rounds it times, each in a
new process:

- build: ``kg build seeds/hf-daily-papers-sample.txt --out OUT -q`` (the 51 papers of the daily-papers
  page, the figure issue 15 names; its stage-1 cache in OUT is warm: a first, untimed
  build fills it), for the baseline and for this checkout with a cold start-up cache (an empty
  ``KG_STARTUP_CACHE`` folder every time) and a warm one;
- start-up: the process that imports kg, extracts no paper (``kg.extract.extract([])``: the
  stage-1 pipeline, the resolver with its lexicon and cue matchers) and exits — what every
  extracting command pays before its first paper; its own clock splits imports from building.

Prints medians (wall and CPU seconds: the machine is shared, CPU is the steadier figure) and
the ratios to the baseline, all from this one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS_PAGE = ROOT / "seeds" / "hf-daily-papers-sample.txt"

# Both sides run through this: without the editable install's import hook, so PYTHONPATH decides
# which kg is imported (the hook would always pick this checkout).
LAUNCH = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in getattr(f, '__module__', '')"
          " and '__editable__' not in getattr(f, '__name__', '')]; ")
KG = LAUNCH + "import runpy; sys.argv = ['kg', *sys.argv[1:]]; runpy.run_module('kg.cli', run_name='__main__')"

STARTUP = LAUNCH + """
import json, time
started = time.perf_counter()
import kg.cli, kg.build
from kg.extract import extract
imported = time.perf_counter()
extract([])  # everything an extraction does before its first paper: pipeline, resolver, matchers
print(json.dumps({"imports": imported - started, "building": time.perf_counter() - imported}))
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # not from ROOT: ``python -c`` puts the working directory first on sys.path
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-startup-bench-"))
    base_code = work / "baseline"
    base_code.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "kg"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(base_code)], input=archive.stdout, check=True)
    revision = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline], capture_output=True,
                              text=True, check=True).stdout.strip()

    warm_cache = work / "startup-warm"
    variants = {  # name: (PYTHONPATH, start-up cache folder or None for a fresh one each run, output folder)
        f"baseline {revision}": (base_code, warm_cache, work / "out-baseline"),
        "this, cold start-up cache": (ROOT, None, work / "out-cold"),
        "this, warm start-up cache": (ROOT, warm_cache, work / "out-warm"),
    }

    def env_of(name: str, run: int) -> dict[str, str]:
        code, cache, _ = variants[name]
        folder = cache if cache is not None else work / f"startup-cold-{run}"
        return {**os.environ, "PYTHONPATH": str(code), "KG_STARTUP_CACHE": str(folder)}

    def build_command(name: str) -> list[str]:
        return [sys.executable, "-c", KG, "build", str(SEEDS_PAGE), "--out", str(variants[name][2]), "-q"]

    check = subprocess.run([sys.executable, "-c", LAUNCH + "import kg; print(kg.__file__)"],
                           env=env_of(next(iter(variants)), 0), cwd=tempfile.gettempdir(),
                           capture_output=True, text=True).stdout.strip()
    assert check.startswith(str(base_code)), f"the baseline run imports {check}"
    for name in variants:  # fill each stage-1 cache and the warm start-up cache; check the bytes agree
        timed(build_command(name), env_of(name, -1))
    outputs = {name: out for name, (_, _, out) in variants.items()}
    reference = {f: (outputs[f"baseline {revision}"] / f).read_bytes() for f in ("graph.json", "graph.graphml", "graph.html")}
    for name, out in outputs.items():
        assert {f: (out / f).read_bytes() for f in reference} == reference, f"{name}: exports differ from the baseline's"

    figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    parts: dict[str, list[tuple[float, float]]] = {}
    for run in range(args.runs):
        for name in variants:
            wall, cpu, _ = timed(build_command(name), env_of(name, run))
            figures.setdefault((name, "build"), []).append((wall, cpu))
            wall, cpu, stdout = timed([sys.executable, "-c", STARTUP], env_of(name, run + args.runs))
            figures.setdefault((name, "start-up"), []).append((wall, cpu))
            split = json.loads(stdout)
            parts.setdefault(name, []).append((split["imports"], split["building"]))

    base = f"baseline {revision}"
    print(f"kg build seeds/hf-daily-papers-sample.txt (51 papers), medians of {args.runs} interleaved rounds; exports byte-identical to the baseline's")
    print(f"{'':32}{'build wall':>12}{'cpu':>8}{'×base':>7}{'start-up wall':>15}{'cpu':>8}{'×base':>7}"
          f"{'imports':>9}{'building':>10}")
    for name in variants:
        row = f"{name:32}"
        for what in ("build", "start-up"):
            wall = statistics.median(w for w, _ in figures[(name, what)])
            cpu = statistics.median(c for _, c in figures[(name, what)])
            base_wall = statistics.median(w for w, _ in figures[(base, what)])
            row += f"{wall:>{12 if what == 'build' else 15}.2f}{cpu:>8.2f}{wall / base_wall:>7.2f}"
        row += f"{statistics.median(i for i, _ in parts[name]):>9.2f}{statistics.median(b for _, b in parts[name]):>10.2f}"
        print(row)
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
