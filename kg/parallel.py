"""Where per-paper work runs: in this process, in local worker processes, or on a Dask cluster;
and the few whole tasks run side by side on this machine (:func:`run_forked`: the exports).

All per-paper work in a build goes through :func:`map_papers`, which applies a function to
shards of papers through a ``concurrent.futures.Executor`` and yields the results in shard
order, so the output never depends on which worker finished first. Any executor works:

- ``None``: this process, one shard after another (what tests and ``--jobs 1`` use);
- a :class:`~concurrent.futures.ProcessPoolExecutor` on this machine (``--jobs N``);
- a Dask cluster's ``client.get_executor()`` (``--scheduler tcp://host:8786`` or ``local``).

>>> list(map_papers(len, [[1, 2], [3]]))
[2, 1]
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import time
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, ContextManager, Iterable, Iterator, Sequence, TypeVar

from kg.errors import SchedulerError

S = TypeVar("S")
R = TypeVar("R")

SCHEDULER_TIMEOUT = "10s"
"""How long ``--scheduler ADDRESS`` tries to reach the scheduler before giving up."""
LOCAL_CLUSTER = "local"
"""``--scheduler local``: start a Dask ``LocalCluster`` with ``--jobs`` worker processes."""


@dataclass(frozen=True)
class Workers:
    """Where per-paper work runs: ``jobs`` local processes (None: all cores; 1: this process),
    or the Dask cluster at ``scheduler`` (``"local"``: a LocalCluster of ``jobs`` workers).
    Opened for extraction and closed when it is done, so idle workers hold no memory through
    assembly and export."""

    jobs: int | None = 1
    scheduler: str | None = None

    def open(self) -> ContextManager[Executor | None]:
        return open_executor(self.jobs, self.scheduler)

    @property
    def window(self) -> int:
        """Shards in flight: two per worker keep each busy while the driver stores results
        (on a remote cluster ``jobs`` is the number of workers to keep busy)."""
        return 2 * (self.jobs or default_jobs())


def local_processes(workers: Workers) -> int:
    """How many processes of this machine the build's local work (the exports) may use:
    ``--jobs``, at most the cores there are (a Dask cluster's workers are elsewhere)."""
    return min(workers.jobs or default_jobs(), default_jobs())


def default_jobs() -> int:
    """All the cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_papers(fn: Callable[[S], R], shards: Iterable[S], executor: Executor | None = None,
               window: int = 8) -> Iterator[R]:
    """``fn(shard)`` for each shard, yielded in shard order.

    At most ``window`` shards are in flight at once, so the driver never holds more than that
    many results (or inputs) however long the input is. ``fn`` must be a module-level function
    (it is pickled to the workers) and a pure function of its shard.
    """
    if executor is None:
        yield from map(fn, shards)
        return
    pending: deque[Future] = deque()
    try:
        for shard in shards:
            pending.append(executor.submit(fn, shard))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:  # an interrupted build leaves no work queued
            future.cancel()


def shards_of(items: Sequence[S], size: int) -> Iterator[Sequence[S]]:
    """Consecutive slices of ``items`` of at most ``size`` each.

    >>> [list(s) for s in shards_of([1, 2, 3, 4, 5], 2)]
    [[1, 2], [3, 4], [5]]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ForkedTaskDied(RuntimeError):
    """A process of :func:`run_forked` ended without finishing its task (killed: the OOM killer, ``kill -9``)."""


def run_forked(tasks: Sequence[Callable[[], object]], processes: int) -> None:
    """Run every task, up to ``processes`` at once: the first here, each other one in a forked
    copy of this process, in the list's order (put the longest first: a forked copy's memory is
    its own as soon as it touches it, so the copies should be the short tasks); return when all
    are done. The first failure
    stops the rest (their processes are terminated) and is raised here: the task's own error,
    or :class:`ForkedTaskDied`; so is Ctrl-C, which the forked copies leave to this process.
    With one process or task, or where processes cannot be forked, the tasks run here one
    after another.

    A forked copy shares this process's memory until either writes to it, so a task may be any
    closure and read a graph of any size: nothing is pickled but a task's error.
    """
    if processes <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for task in tasks:
            task()
        return
    context = multiprocessing.get_context("fork")
    here, *waiting = enumerate(tasks)
    running = {}  # the parent's end of each running task's pipe: its process
    try:
        while waiting or running or here:
            while waiting and len(running) < processes - 1:
                number, task = waiting.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_forked_task, args=(task, sender, os.getpid()),
                                          name=f"kg-task-{number}", daemon=True)
                process.start()
                sender.close()
                running[receiver] = process
            if here:  # the first task runs here, beside the forked ones (one copy of memory fewer)
                here[1]()
                here = None
            # a pipe is readable when its task has said how it went, or its process has ended
            for receiver in multiprocessing.connection.wait(list(running)):
                process = running.pop(receiver)
                try:
                    error = receiver.recv()
                except EOFError:  # it ended before it could say how its task went
                    process.join()
                    error = ForkedTaskDied(f"{process.name} ended with status {process.exitcode}")
                receiver.close()
                process.join()
                if error is not None:
                    raise error
    finally:
        for receiver, process in running.items():
            process.terminate()
            process.join()
            receiver.close()


def _forked_task(task: Callable[[], object], sender, parent: int) -> None:
    """In a forked copy: run ``task`` and send None, or its error, to the parent. Ctrl-C is the
    parent's to handle (it terminates this process), and a parent that is gone ends it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)
    try:
        task()
        outcome = None
    except BaseException as error:  # sent as it is, so the parent raises what a task here would have
        outcome = error
    try:
        sender.send(outcome)
    except Exception:  # an error that cannot be pickled: its text
        sender.send(RuntimeError(f"{type(outcome).__name__}: {outcome}"))
    sender.close()


@contextmanager
def open_executor(jobs: int | None = None, scheduler: str | None = None) -> Iterator[Executor | None]:
    """The executor a build maps its extraction through.

    ``scheduler``: a Dask scheduler address (``tcp://host:8786``) or ``"local"`` for a Dask
    ``LocalCluster`` of ``jobs`` single-threaded worker processes; without it, ``jobs`` local
    processes (``None``: all cores), or this process alone when ``jobs`` is 1.
    """
    jobs = jobs or default_jobs()
    if scheduler:
        with _dask_executor(scheduler, jobs) as executor:
            yield executor
    elif jobs <= 1:
        yield None
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_exit_with_parent, initargs=(os.getpid(),)) as executor:
            yield executor


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """In a worker: exit as soon as the build's process is gone (killed by the OOM killer or
    ``kill -9``), instead of waiting forever as an orphan."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()


@contextmanager
def _dask_executor(scheduler: str, jobs: int) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:  # pragma: no cover - dask is a declared dependency
        raise RuntimeError("--scheduler needs Dask: pip install 'dask[distributed]'") from error
    if scheduler == LOCAL_CLUSTER:
        with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client.get_executor(pure=False)
    else:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError, TypeError) as error:  # unreachable, refused, or not an address
            raise SchedulerError(f"--scheduler {scheduler}: cannot connect to a Dask scheduler there "
                                 f"({error})") from None
        with client:
            yield client.get_executor(pure=False)
