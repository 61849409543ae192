"""Fault tests (issue 11, acceptance 2): a build killed at several points, its main process
killed alone, a read-only --out, a full disk. Afterwards the folder holds the previous export
set or the new one, never a mix; no worker is left running; the next build leaves no temporary
file and writes the same bytes as an undisturbed build."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, cached_records, wait_for

from kg.export.files import PENDING, staged_path

EXPORTS = ("graph.graphml", "graph.json", "graph.html")
SEEDS = ROOT / "seeds"
ABSTRACT = "We propose TinyNet{n}, a model for image classification evaluated on ImageNet against ResNet-50."


def small_input(folder: Path, count: int = 3) -> Path:
    path = folder / f"small-{count}.jsonl"
    path.write_text("".join(json.dumps({"id": f"2403.{n:05d}", "title": f"Small paper {n}",
                                        "abstract": ABSTRACT.format(n=n)}) + "\n" for n in range(count)))
    return path


def kg_build(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "build", *args, "-q"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kwargs)


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, stdout, stderr


def digests(folder: Path) -> dict[str, str | None]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() if (folder / name).exists() else None
            for name in EXPORTS}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".staged")) or p.name == PENDING)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The two export sets an undisturbed build writes: of 3 papers (the previous set) and of 40 (the new)."""
    folder = tmp_path_factory.mktemp("reference")
    small = small_input(folder)
    code, _, stderr = finished(kg_build(str(small), "--out", str(folder / "old"), "--jobs", "1", "--no-cache"))
    assert code == 0, stderr
    big = small_input(folder, 40)
    code, _, stderr = finished(kg_build(str(big), "--out", str(folder / "new"), "--jobs", "1", "--no-cache"))
    assert code == 0, stderr
    return small, big, digests(folder / "old"), digests(folder / "new")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("point", ["started", "workers-running", "exporting"])
def test_kill_9_of_the_process_group_leaves_one_whole_set(tmp_path, reference, point):
    small, big, old, new = reference
    out = tmp_path / "out"
    assert finished(kg_build(str(small), "--out", str(out), "--jobs", "1"))[0] == 0
    process = kg_build(str(big), "--out", str(out), "--jobs", "2")
    conditions = {
        "started": lambda: (out / ".kg-build.lock").exists() and process.poll() is None,
        "workers-running": lambda: len(_children(process.pid)) >= 2 or process.poll() is not None,
        "exporting": lambda: any(p.name.startswith(".graph.") for p in out.iterdir()) or process.poll() is not None,
    }
    assert wait_for(conditions[point])
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert digests(out) in (old, new)
    code, _, stderr = finished(kg_build(str(big), "--out", str(out), "--jobs", "1"))
    assert code == 0, stderr
    assert digests(out) == new
    assert leftovers(out) == []


def test_killing_the_main_process_alone_leaves_no_orphan_worker(tmp_path, reference):
    small, big, old, _ = reference
    out = tmp_path / "out"
    process = kg_build(str(SEEDS), "--out", str(out), "--jobs", "2", "--no-cache")
    assert wait_for(lambda: len(_children(process.pid)) >= 2, deadline=120)
    workers = _children(process.pid)
    os.kill(process.pid, signal.SIGKILL)  # what the OOM killer does: the workers get no signal
    process.wait(timeout=30)
    assert wait_for(lambda: not any(_alive(pid) for pid in workers), deadline=15, interval=0.05), workers


def test_an_interrupted_commit_is_finished_by_the_next_reader(tmp_path, reference):
    """The window between the set's renames: the journal says which staged files belong to the
    new set; whoever comes next (here kg stats) finishes the renames before reading."""
    small, big, old, new = reference
    out = tmp_path / "out"
    assert finished(kg_build(str(big), "--out", str(tmp_path / "next"), "--jobs", "1", "--no-cache"))[0] == 0
    assert finished(kg_build(str(small), "--out", str(out), "--jobs", "1", "--no-cache"))[0] == 0
    for name in EXPORTS:
        (staged_path(out / name)).write_bytes((tmp_path / "next" / name).read_bytes())
    (out / PENDING).write_text(json.dumps([[staged_path(out / n).name, n] for n in EXPORTS]))
    os.replace(staged_path(out / "graph.graphml"), out / "graph.graphml")  # killed after the first rename
    result = subprocess.run([sys.executable, "-m", "kg.cli", "stats", str(out / "graph.json")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "papers: 3" not in result.stdout
    assert digests(out) == new and leftovers(out) == []


needs_root = pytest.mark.skipif(os.geteuid() != 0 and not os.environ.get("KG_REQUIRE_TOOLS"),
                                reason="mounting a small tmpfs needs root (CI runs as root)")


@pytest.fixture
def tmpfs(tmp_path):
    if os.geteuid() != 0:
        pytest.fail("mounting a small tmpfs needs root")
    mounted = []

    def mount(size: str, *options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}", *options)), "tmpfs", str(point)],
                       check=True)
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)


@needs_root
def test_read_only_out_is_one_line_before_any_work(tmpfs, reference):
    out = tmpfs("1m", "ro") / "out"
    code, _, stderr = finished(kg_build(str(SEEDS), "--out", str(out), "--jobs", "1"))
    assert code == 1
    assert stderr == f"kg: error: {out}: cannot write there: Read-only file system\n"


@needs_root
def test_a_full_disk_keeps_the_previous_set_and_leaves_no_temporary_file(tmpfs, reference, tmp_path):
    small, big, old, new = reference
    disk = tmpfs("2600k")
    out = disk / "out"
    assert finished(kg_build(str(small), "--out", str(out), "--jobs", "1", "--no-cache"))[0] == 0
    assert digests(out) == old
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, free - 600_000))  # room for graph.json, not for the whole set
    code, _, stderr = finished(kg_build(str(big), "--out", str(out), "--jobs", "1", "--no-cache"))
    assert code == 1, stderr
    assert stderr.startswith(f"kg: error: {out}: cannot write the exports: No space left on device")
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert digests(out) == old and leftovers(out) == []
    filler.unlink()
    assert finished(kg_build(str(big), "--out", str(out), "--jobs", "1", "--no-cache"))[0] == 0
    assert digests(out) == new and leftovers(out) == []


@needs_root
@pytest.mark.parametrize("room, cause", [(8_192, "no space left on the disk"), (34_000, "(SQLITE_FULL)")],
                         ids=["opening-the-cache", "filling-the-cache"])
def test_a_full_disk_while_caching_is_one_line_and_the_cache_stays_usable(tmpfs, reference, room, cause):
    """The cache ON: with 8 KB left SQLite cannot grow the WAL index while opening the cache;
    with 32 KB it opens, and storing the first shard's records fails. Either way: one line,
    the previous set and the cache untouched (not set aside as broken), and the next build,
    with room again, reuses the cache."""
    small, big, old, new = reference
    disk = tmpfs("2600k")
    out = disk / "out"
    assert finished(kg_build(str(small), "--out", str(out), "--jobs", "1"))[0] == 0
    assert digests(out) == old and cached_records(out / ".kg-cache.sqlite") == 3
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, free - room))
    code, _, stderr = finished(kg_build(str(big), "--out", str(out), "--jobs", "1"))
    assert code == 1, stderr
    assert stderr.startswith(f"kg: error: {out / '.kg-cache.sqlite'}: cannot write the cache: no space left"), stderr
    assert cause in stderr and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert digests(out) == old and leftovers(out) == []
    assert not (out / ".kg-cache.sqlite.broken").exists()
    filler.unlink()
    assert cached_records(out / ".kg-cache.sqlite") == 3
    code, stdout, stderr = finished(kg_build(str(big), "--out", str(out), "--jobs", "1"))
    assert code == 0, stderr
    assert "extraction: 37 papers extracted, 3 from the cache" in stdout
    assert digests(out) == new and leftovers(out) == []


def _as_in_a_terminal() -> None:
    """Ctrl-C's default action, as a shell in a terminal gives it: a test run started in the
    background by a script inherits SIGINT ignored, and kg (like Python) keeps an ignored SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    # 600 papers: seconds of work after the lock appears, so the signal lands mid-build even
    # when a loaded machine runs this process late
    many = small_input(tmp_path, 600)
    out = tmp_path / "out"
    process = kg_build(str(many), "--out", str(out), "--jobs", "1", "--no-cache", preexec_fn=_as_in_a_terminal)
    assert wait_for(lambda: (out / ".kg-build.lock").exists() or process.poll() is not None)
    assert process.poll() is None, "the build ended before it could be interrupted"
    os.kill(process.pid, signal.SIGINT)
    code, _, stderr = finished(process)
    assert (code, stderr) == (130, "kg: error: interrupted\n")
    assert not (out / "graph.json").exists() and leftovers(out) == []


FORKED_WAITERS = """
import sys, threading
from pathlib import Path
from kg.parallel import run_forked

def waiter(number):
    def task():
        Path(sys.argv[1], str(number)).write_text(str(__import__("os").getpid()))
        threading.Event().wait()  # until the process is stopped
    return task

try:
    run_forked([waiter(0), waiter(1)], 2)
except KeyboardInterrupt:
    print("interrupted")
"""


@pytest.mark.parametrize("stop", ["ctrl-c", "kill -9"])
def test_forked_writers_end_with_the_process_that_forked_them(tmp_path, stop):
    """kg.parallel.run_forked (the exports of a large graph; the first task in the caller, the
    second forked): Ctrl-C is handled by the caller alone (the forked task ignores it and is
    terminated), and a caller killed by SIGKILL takes its forked task with it; no process is
    left and no traceback is printed."""
    process = subprocess.Popen([sys.executable, "-c", FORKED_WAITERS, str(tmp_path)], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_as_in_a_terminal,
                               start_new_session=True)
    assert wait_for(lambda: all((tmp_path / str(n)).is_file() and (tmp_path / str(n)).read_text()
                                for n in range(2)) or process.poll() is not None)
    forked = [int((tmp_path / str(n)).read_text()) for n in range(2)]
    if stop == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole foreground group
        stdout, stderr = process.communicate(timeout=60)
        assert (process.returncode, stdout, stderr) == (0, "interrupted\n", "")
    else:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert wait_for(lambda: not any(_alive(pid) for pid in forked), deadline=15, interval=0.05), forked


def test_a_forked_tasks_error_of_any_size_reaches_the_caller():
    """An error larger than a pipe's buffer (64 KiB) comes back whole: the caller reads each
    task's pipe before it waits for the process to end (the other order never returns)."""
    script = """
from kg.parallel import run_forked

def fails():
    raise ValueError("x" * 300_000)

try:
    run_forked([lambda: None, fails], 2)  # the first task runs in the caller, the second forked
except ValueError as error:
    print(len(str(error)))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "300000\n", "")


def test_a_failed_task_stops_the_forked_ones_before_the_error_is_raised(tmp_path):
    """The caller goes on after run_forked raises (kg.export turns the error into one line and
    cleans up): by then no forked task may still be running or writing."""
    import threading

    from kg.parallel import run_forked

    marker = tmp_path / "forked"

    def waits_forever():
        marker.write_text(str(os.getpid()))
        threading.Event().wait()

    def fails_once_the_other_runs():
        assert wait_for(lambda: marker.is_file() and marker.read_text())
        raise ValueError("the first task failed")

    with pytest.raises(ValueError, match="the first task failed"):
        run_forked([fails_once_the_other_runs, waits_forever], 2)
    assert not _alive(int(marker.read_text()))
