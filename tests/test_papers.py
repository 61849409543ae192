"""Readers: every format, malformed records, duplicates, cleaning, ids."""

from __future__ import annotations

import gzip
from io import StringIO
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.read import ReadLog, read_papers
from kg.read.formats import parse_daily_text
from kg.read.ids import content_id, normalise_arxiv_id
from kg.read.text import clean_text

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parent.parent / "seeds"


def read(*paths, **kwargs):
    log = ReadLog()
    return read_papers([DATA / p if not Path(p).is_absolute() else p for p in paths], log, **kwargs), log


def test_daily_papers_page_gives_51_papers_and_no_chrome():
    papers, log = read(SEEDS / "hf-daily-papers-sample.txt")
    assert len(papers) == 51
    assert log.skipped == 0
    assert papers[0].title.startswith("TransDAE: Dual Attention Mechanism")
    assert papers[0].abstract.startswith("In healthcare, medical image segmentation")
    titles = {p.title for p in papers}
    assert not titles & {"Subscribe", "Daily Papers", "new", "Aug 7", "byAK and the research community"}
    assert papers[-1].code_links == ("https://github.com/microsoft/ArchScale",)


def test_daily_text_reports_a_title_without_abstract():
    log = ReadLog()
    text = "Subscribe\n\nA Title\n\n" + "word " * 30 + "\n\nOrphan Title At The End\n"
    papers = list(parse_daily_text(StringIO(text), "page.txt", log))
    assert [p.title for p in papers] == ["A Title"]
    assert [(p.line, p.reason) for p in log.problems] == [(7, "title without an abstract")]


def test_jsonl_malformed_records_are_reported_with_line_and_skipped():
    papers, log = read("papers.jsonl")
    problems = {(Path(p.path).name, p.line): p.reason for p in log.problems}
    assert problems[("papers.jsonl", 2)].startswith("bad JSON")
    assert problems[("papers.jsonl", 3)] == "missing abstract"
    assert problems[("papers.jsonl", 8)].startswith("record is a JSON list")
    assert log.skipped == 3
    assert log.records == 7  # the blank line is not a record
    assert [p.id for p in papers] == ["2401.00001", "2401.00004"]


def test_jsonl_fields_are_normalised():
    papers, log = read("papers.jsonl")
    first = papers[0]
    assert first.arxiv_id == "2401.00001"
    assert first.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")
    assert first.categories == ("cs.CL", "cs.LG", "cs.AI")  # the duplicate adds a category
    assert first.published == "2024-01-15"
    assert first.url == "https://arxiv.org/abs/2401.00001"  # the duplicate's javascript: URL is dropped
    assert first.code_links == ("https://github.com/a/b",)


def test_duplicates_merge_by_arxiv_id_then_title():
    papers, log = read("papers.jsonl")
    assert log.merged == 2  # same id (v3), and same title without id
    assert papers[0].title == "Good Paper One"


def test_two_different_arxiv_ids_never_merge(tmp_path):
    path = tmp_path / "same-title.jsonl"
    path.write_text(
        '{"id": "2401.11111", "title": "Introduction", "abstract": "One."}\n'
        '{"id": "2501.22222", "title": "Introduction", "abstract": "Two."}\n'
        '{"title": "Introduction", "abstract": "Three."}\n'
    )
    papers, log = read(path)
    assert [p.abstract for p in papers] == ["One.", "Two."]
    assert log.merged == 1


def test_xml_forbidden_characters_become_spaces_and_markup_is_kept_as_text():
    papers, _ = read("papers.jsonl")
    paper = next(p for p in papers if p.id == "2401.00004")
    assert paper.title == "<script>alert(1)</script> Title with controls"
    assert "\x07" not in paper.abstract and "\x1b" not in paper.abstract
    assert all(ch == "\t" or ch == "\n" or ord(ch) >= 0x20 for ch in paper.title + paper.abstract)


def test_clean_text_keeps_the_length_of_xml_forbidden_replacements():
    assert clean_text("a\x00b") == "a b"


def test_gzip_is_read_by_extension():
    papers, log = read("papers.jsonl.gz")
    assert [p.title for p in papers] == ["Gzipped Paper"]
    assert log.skipped == 0


def test_undecodable_bytes_are_reported_and_the_rest_is_read():
    papers, log = read("bad-bytes.jsonl")
    assert [p.id for p in papers] == ["2403.00001", "2403.00003"]
    assert [(p.line, p.reason.split(" (")[0]) for p in log.problems] == [(2, "undecodable bytes")]


def test_csv_with_quoted_commas_and_newlines():
    papers, log = read("papers.csv")
    assert [p.id for p in papers] == ["2404.00001", "2404.00002", "2404.00004"]
    assert papers[0].title == "Commas, in a title"
    assert papers[0].abstract == "An abstract, with commas, and a newline inside."
    assert papers[0].authors == ("Ada Lovelace", "Alan Turing")
    # the record on physical line 5 lacks an abstract (the first record spans lines 2-3)
    assert [(p.line, p.reason) for p in log.problems] == [(5, "missing abstract")]


def test_hugging_face_daily_papers_json():
    papers, log = read("hf-daily.json")
    assert len(papers) == 1
    paper = papers[0]
    assert (paper.id, paper.title, paper.published) == ("2405.00001", "HF Paper", "2024-05-02")
    assert paper.authors == ("A. Author", "B. Author")
    assert paper.abstract.startswith("A summary from the Hugging Face API")
    assert [(p.line, p.reason) for p in log.problems] == [(20, "missing abstract")]


def test_field_names_are_configurable(tmp_path):
    path = tmp_path / "custom.jsonl"
    path.write_text('{"paper_title": "T", "text": "Body.", "arxiv": "2301.00005"}\n')
    papers, _ = read(path, fields={"title": "paper_title", "abstract": "text"})
    assert (papers[0].title, papers[0].abstract, papers[0].id, papers[0].published) == ("T", "Body.", "2301.00005", "2023-01")


def test_format_can_be_forced(tmp_path):
    path = tmp_path / "papers.data"
    path.write_text('{"title": "T", "abstract": "A."}\n')
    with pytest.raises(InputError, match="unknown format"):
        read(path)
    papers, _ = read(path, fmt="jsonl")
    assert papers[0].id == content_id("T", "A.")


def test_a_folder_is_read_recursively(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_text('{"title": "A", "abstract": "First."}\n')
    with gzip.open(tmp_path / "b.jsonl.gz", "wt") as handle:
        handle.write('{"title": "B", "abstract": "Second."}\n')
    (tmp_path / "notes.md").write_text("ignored")
    papers, log = read(tmp_path)
    assert sorted(p.title for p in papers) == ["A", "B"]


def test_missing_or_empty_input_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "nope.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(InputError, match="no paper could be read"):
        read(empty)
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    with pytest.raises(InputError, match="holds no readable input"):
        read(folder)


def test_corrupt_gzip_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match="cannot read"):
        read(path)


@pytest.mark.parametrize("raw, expected", [
    ("arXiv:2401.01234v3", "2401.01234"),
    ("2401.01234", "2401.01234"),
    ("https://arxiv.org/pdf/2401.01234v1.pdf", "2401.01234"),
    ("hep-th/9901001v2", "hep-th/9901001"),
    ("10.1145/3292500", None),
])
def test_arxiv_ids_are_normalised(raw, expected):
    assert normalise_arxiv_id(raw) == expected


def test_content_id_is_stable_and_ignores_case_and_punctuation():
    assert content_id("A Title!", "Body.") == content_id("a title", "body")
    assert content_id("A Title", "Body") != content_id("A Title", "Other body")
