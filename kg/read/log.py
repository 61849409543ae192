"""What reading saw: every record skipped with its file, line and reason, and the counts
the build's summary reports.

>>> log = ReadLog()
>>> log.problem("papers.jsonl", 3, "missing abstract")
>>> log.skipped, str(log.problems[0])
(1, 'papers.jsonl:3: missing abstract')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A record that was skipped, and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class ReadLog:
    """What reading saw: records, problems, duplicates merged, files read."""

    records: int = 0
    problems: list[ReadProblem] = field(default_factory=list)
    merged: int = 0
    files: list[str] = field(default_factory=list)
    on_problem: Callable[[ReadProblem], None] | None = None

    def problem(self, path: str, line: int, reason: str) -> None:
        item = ReadProblem(path, line, reason)
        self.problems.append(item)
        if self.on_problem is not None:
            self.on_problem(item)

    @property
    def skipped(self) -> int:
        return len(self.problems)
