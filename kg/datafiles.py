"""User-editable data files (curation, word lists, corpus settings, relation cues) read safely:
a malformed one is a :class:`~kg.errors.KgError` naming the file and line, never a traceback.

YAML aliases (``*name``) are refused: no data file needs them, and a few hundred bytes of
nested aliases ("billion laughs") expand to gigabytes.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
>>> _ = path.write_text("a: [1, 2\\nb: 3\\n")
>>> try:
...     load_yaml(path, ValueError)
... except ValueError as error:
...     print(str(error).replace(str(path), "x.yaml"))
x.yaml:2: not valid YAML: expected ',' or ']', but got ':'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed in kg data files",
                                              event.start_mark)
        return super().compose_node(parent, index)


def load_yaml(path: Path, error: type[Exception]) -> Any:
    """The YAML document in ``path``; ``error(message)`` names the file and line of any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as problem:
        raise error(f"{path}:{text_line(Path(path).read_bytes(), problem.start)}: not UTF-8 ({problem.reason})") from problem
    except OSError as problem:
        raise error(f"{path}: cannot read: {problem.strerror or problem}") from problem
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        reason = getattr(problem, "problem", None) or str(problem)
        raise error(f"{path}{line}: not valid YAML: {reason}") from problem


def text_line(data: bytes, offset: int) -> int:
    """The 1-based line of a byte offset."""
    return data.count(b"\n", 0, offset) + 1
