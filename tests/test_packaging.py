"""The package as users install it: a wheel built from this tree, installed into a fresh virtual
environment (its dependencies from the package index), then run from a folder outside the
checkout, so nothing but the installed files can answer. An editable install would find the
data files and the named queries in the tree and hide a wheel that lacks them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from kg.errors import QueryError
from kg.query.library import load_queries

SAMPLE = DATA / "papers.jsonl"


def run(*command, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The ``kg`` command of a fresh virtual environment holding only the built wheel."""
    work = tmp_path_factory.mktemp("wheel")
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", work / "dist", ROOT, cwd=work)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (work / "dist").glob("kg-*.whl")
    assert run(sys.executable, "-m", "venv", work / "venv", cwd=work).returncode == 0
    pip = run(work / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
              wheel, cwd=work)
    assert pip.returncode == 0, pip.stderr[-3000:]
    return work / "venv" / "bin" / "kg"


def test_an_installed_kg_lists_the_named_queries(installed, tmp_path):
    result = run(installed, "query", "--list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line and not line.startswith(" ")}
    assert listed == set(load_queries())


def test_an_installed_kg_builds_the_same_graph_as_the_checkout(installed, tmp_path):
    result = run(installed, "build", SAMPLE, "--out", tmp_path / "out", "--quiet", "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reference = run(sys.executable, "-m", "kg.cli", "build", SAMPLE, "--out", tmp_path / "ref", "--quiet", "--no-cache",
                    cwd=ROOT)
    assert reference.returncode == 0, reference.stderr
    for name in ("graph.graphml", "graph.json", "graph.html"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes(), name


def test_the_wheel_holds_every_package_file_of_the_tree(installed):
    (wheel,) = (installed.parent.parent.parent / "dist").glob("kg-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if not name.startswith("kg-")}
    tracked = run("git", "ls-files", "kg", "queries", cwd=ROOT).stdout.split()
    expected = {("kg/queries/" + path.removeprefix("queries/")) if path.startswith("queries/") else path
                for path in tracked}
    assert expected <= shipped, sorted(expected - shipped)


def test_finding_no_named_queries_is_an_error_not_an_empty_list(tmp_path):
    with pytest.raises(QueryError, match="no named queries"):
        load_queries(tmp_path)
