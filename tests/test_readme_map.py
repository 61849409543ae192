"""README's "Where things are" map matches the tree: every path it names exists, and every
module and package of ``kg/`` (and every top-level folder) is named in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def map_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Where things are", 1)[1]
    return section.split("```", 2)[1].strip("\n").splitlines()


def named_paths(lines: list[str]) -> list[Path]:
    """The path each map line starts with, relative to the folder of the nearest less indented
    line above it that names a folder ("  spot/" is in "kg/extract/", its "data/" in "spot/")."""
    paths: list[Path] = []
    folders: list[tuple[int, Path]] = [(-1, ROOT)]  # (indent, folder), innermost last
    for line in lines:
        indent, first = len(line) - len(line.lstrip()), line.split()[0]
        if not re.fullmatch(r"[\w./-]+", first) or not ("/" in first or first.endswith(".py")):
            continue
        while folders[-1][0] >= indent:
            folders.pop()
        path = folders[-1][1] / first
        paths.append(path)
        if first.endswith("/"):
            folders.append((indent, path))
    return paths


def test_every_path_the_map_names_exists():
    paths = named_paths(map_block())
    assert len(paths) > 15
    missing = [str(p.relative_to(ROOT)) for p in paths if not p.exists()]
    assert not missing, f"README's map names paths that do not exist: {missing}"


def tracked(pattern: str) -> list[str]:
    return subprocess.run(["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()


def test_the_map_names_every_module_and_folder():
    text = "\n".join(map_block())
    names = {Path(f).parts[1] for f in tracked("kg/") if len(Path(f).parts) > 2 or Path(f).suffix == ".py"}
    names |= {Path(f).parts[2] for f in tracked("kg/") if len(Path(f).parts) > 3 and Path(f).parts[2] != "__init__.py"}
    names -= {"__init__.py"}
    unnamed = sorted(n for n in names if re.sub(r"\.py$", "", n) not in text)
    assert not unnamed, f"README's map does not say where these are: {unnamed}"
    top = {Path(f).parts[0] for f in tracked(".") if len(Path(f).parts) > 1 and not f.startswith(".")}
    assert not sorted(t for t in top if f"{t}/" not in text), "a top-level folder is missing from README's map"
