"""tools/build_lexicon.py on small generated raw files: its rules, its bytes, its errors.

The real raw gazetteers live outside the project (``../shared/lexicons``); these tests write a
few rows per source file into ``tmp_path`` and run the tool's ``main`` on them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "build_lexicon.py"
sys.path.insert(0, str(TOOL.parent))
import build_lexicon  # noqa: E402  (a script in tools/, not a package)

RAW_HEADER = "name\taliases\ttype\tsource"
ROWS = {
    "pwc_dataset": ["COCO\tCOCO minival;COCO test-dev\tDataset\tpwc", "Cell\t\tDataset\tpwc",
                    "ImageNet\tImageNet val\tDataset\tpwc"],
    "torchvision_dataset": ["ImageNet\t\tDataset\ttorchvision"],
    "sotaextractor_dataset": ["COCO\t\tDataset\tsota"],  # corroborates "COCO", a word in capitals
    "pwc_model": ["ResNet\tResidual Network\tModel\tpwc-methods"],
    "hf_transformers_model": ["ResNet\t\tModel\ttransformers"],
    "pwc_task": ["Object Detection\t\tTask\tpwc", "Pass\t\tTask\tpwc"],
    "sotaextractor_task": ["Object Detection\t\tTask\tsota"],
    "pwc_method": ["Adam\t\tMethod\tpwc-methods", "Dropout\t\tMethod\tpwc-methods"],
    "lmeval_dataset": ["HellaSwag\t\tDataset\tlm-eval"],
    "tfds_dataset": ["mnli\t\tDataset\ttfds", "race\t\tDataset\ttfds"],
}
ROWS["pwc_model"].append("Reformer\t\tModel\tpwc-methods")
ROWS["hf_transformers_model"].append("Reformer\t\tModel\ttransformers")
ROWS["pwc_model"].append("Performer\t\tModel\tpwc-methods")


def write_raw(folder: Path, rows: dict[str, list[str]] = ROWS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for spec in build_lexicon.SOURCE_FILES:
        lines = [RAW_HEADER, *rows.get(spec.stem, [])]
        (folder / f"{spec.stem}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def generated_rows(out: Path) -> dict[str, list[str]]:
    lines = (out / "generated.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "\t".join(build_lexicon.HEADER)
    return {line.split("\t")[0]: line.split("\t") for line in lines[1:]}


def test_the_rules_keep_names_and_drop_plain_words(tmp_path):
    raw = write_raw(tmp_path / "raw")
    assert build_lexicon.main(["--raw", str(raw), "--out", str(tmp_path / "out")]) == 0
    rows = generated_rows(tmp_path / "out")
    assert rows["COCO"][1] == "dataset" and "test-dev" not in rows["COCO"][3]  # split labels removed
    assert rows["ResNet"][1] == "model" and "Residual Network" in rows["ResNet"][3]
    assert rows["object detection"][1:3] == ["task", "lower"]  # a phrase of plain words matches in any case
    assert rows["HellaSwag"][1] == "benchmark"  # an evaluation harness names benchmarks
    assert rows["Adam"][2] == "exact" and rows["dropout"][2] == "lower"  # ml_words of the rules file
    assert "Cell" not in rows and "Pass" not in rows  # plain English words
    assert rows["Reformer"][1] == "model" and "Performer" not in rows  # a word as a model name: two origins needed
    assert rows["MNLI"][1:3] == ["dataset", "exact"] and "RACE" not in rows  # a registry id that is no word, in capitals
    notice = (tmp_path / "out" / "NOTICE.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in notice and "`pwc_dataset.tsv`" in notice


def test_same_input_same_bytes(tmp_path):
    raw = write_raw(tmp_path / "raw")
    for out in ("a", "b"):
        assert build_lexicon.main(["--raw", str(raw), "--out", str(tmp_path / out)]) == 0
    for name in ("generated.tsv", "NOTICE.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("damage, expected", [
    (lambda raw: (raw / "pwc_task.tsv").unlink(), "pwc_task.tsv: cannot read"),
    (lambda raw: (raw / "pwc_model.tsv").write_text(RAW_HEADER + "\nResNet\tModel\n", encoding="utf-8"),
     "pwc_model.tsv:2: expected 4 tab-separated cells"),
])
def test_bad_raw_files_end_in_one_line_and_exit_2(tmp_path, damage, expected):
    raw = write_raw(tmp_path / "raw")
    damage(raw)
    done = run_tool("--raw", str(raw), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith("build_lexicon: error: ") and expected in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_raw_directory_is_required(tmp_path):
    done = run_tool("--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "--raw" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("edit, expected", [
    (lambda text: text.replace("max_words: 6", "max_words: six"), "thresholds: max_words must be int"),
    (lambda text: text.replace("  - stem: pwc_task\n", "  - stem: pwc_task\n    colour: red\n"),
     "sources[1]: unknown colour"),
    (lambda text: text.replace("task_heads: >-", "task_heads: [\n"), "not valid YAML"),
    (lambda text: text.replace("  Adam: exact", "  Adam: sometimes"), "ml_words must map"),
])
def test_a_malformed_rules_file_is_one_error(tmp_path, edit, expected):
    rules = tmp_path / "lexicon_rules.yaml"
    rules.write_text(edit(build_lexicon.RULES_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(build_lexicon.RulesError, match=re.escape(expected)):
        build_lexicon.load_rules(rules)


def test_the_shipped_rules_load():
    rules = build_lexicon.load_rules(build_lexicon.RULES_FILE)
    assert [s.stem for s in rules["sources"]][:2] == ["pwc_dataset", "pwc_task"]
    assert "detection" not in rules["task_heads"] and "transfer" in rules["task_heads"]


def test_without_wordfreq_the_tool_says_how_to_install_it(tmp_path):
    blocked = ("import runpy, sys; sys.modules['wordfreq'] = None; sys.argv = ['build_lexicon.py', '--raw', 'x'];"
               f" runpy.run_path({str(TOOL)!r}, run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == "build_lexicon: error: wordfreq is not installed; run: pip install -e '.[lexicon]'"
