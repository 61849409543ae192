"""Acceptance 4 of issue 11: a malformed line in each user-editable data file is one error
naming the file and line (``kg: error: FILE:LINE: …`` from the CLI, exit 1), never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KgError
from kg.extract.resolve.lexicon import LEXICON_DIR, Lexicon
from kg.extract.resolve.resolver import RESOLVE_DATA, CorpusSettings
from kg.extract.spot.rules import SPOT_DATA, load_rules, load_vocab


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def _break(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(line - 1, text)
    path.write_text("".join(lines), encoding="utf-8")


def test_lexicon_tsv(tmp_path):
    folder = _copy(LEXICON_DIR, tmp_path / "lexicons")
    _break(folder / "curated.tsv", 3, "a name\tnot-a-type\tlower\t\t\n")
    with pytest.raises(KgError, match=rf"^{folder / 'curated.tsv'}:3: "):
        Lexicon.load(folder)


def test_lexicon_tsv_bad_bytes(tmp_path):
    folder = _copy(LEXICON_DIR, tmp_path / "lexicons")
    with (folder / "curated.tsv").open("ab") as handle:
        handle.write(b"caf\xe9\tmodel\tlower\t\t\n")
    lines = (folder / "curated.tsv").read_bytes().count(b"\n")
    with pytest.raises(KgError, match=rf"^{folder / 'curated.tsv'}:{lines}: not UTF-8"):
        Lexicon.load(folder)


@pytest.mark.parametrize("bad, reason", [("{not json\n", "Expecting"), ('["an", "array"]\n', "unique 'id'")])
def test_patterns_jsonl(tmp_path, bad, reason):
    folder = _copy(SPOT_DATA, tmp_path / "spot")
    _break(folder / "patterns.jsonl", 2, bad)
    with pytest.raises(KgError, match=rf"^{folder / 'patterns.jsonl'}:2: .*{reason}"):
        load_rules(folder / "patterns.jsonl", load_vocab(folder))


@pytest.mark.parametrize("bad, reason", [("broken: [a, b\n", "not valid YAML"), ("bomb: *nothing\n", "aliases")])
def test_vocab_yaml(tmp_path, bad, reason):
    folder = _copy(SPOT_DATA, tmp_path / "spot")
    _break(folder / "vocab.yaml", 2, bad)
    with pytest.raises(KgError, match=rf"^{folder / 'vocab.yaml'}:\d+: .*{reason}"):
        load_vocab(folder)


@pytest.mark.parametrize("name", ["relations.yaml", "corpus.yaml"])
def test_relations_and_corpus_yaml(tmp_path, name):
    folder = tmp_path / "resolve"
    folder.mkdir()
    for file in ("relations.yaml", "corpus.yaml"):
        shutil.copy(RESOLVE_DATA / file, folder / file)
    _break(folder / name, 4, "  - [unclosed\n")
    with pytest.raises(KgError, match=rf"^{folder / name}:\d+: not valid YAML"):
        CorpusSettings.load(folder)


CURATION_CASES = {
    "bad-yaml": ("merge: [[a, b]\nrename: {x: y}\n", ":2: not valid YAML"),
    "alias-bomb": ('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
                   'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n', ":2: not valid YAML: YAML aliases"),
    "bad-bytes": (b"merge: [[a, b]]\nrename: {caf\xe9: x}\n", ":2: not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(CURATION_CASES))
def test_curation_yaml_through_the_cli(tmp_path, case):
    content, reason = CURATION_CASES[case]
    path = tmp_path / "curation.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(main, ["build", "--curation", str(path), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert result.stderr == f"kg: error: {path}{reason}" + result.stderr.split(reason, 1)[1]
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
