"""The notes check: each rule gives the file, line, rule and a fix; good notes pass."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import NoteProblem, StudyDataError
from analysis.notes.check import check_notes
from analysis.notes.schema import valid_orcid
from analysis.study.load import load_study
from testsupport.notes import FRONT, TODAY, make_docs, write_note
from testsupport.project import PROJECT, STUDY_FILE


def problems_of(docs: Path) -> list[NoteProblem]:
    return check_notes(docs, today=TODAY).problems


def only_problem(docs: Path) -> NoteProblem:
    problems = problems_of(docs)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return make_docs(tmp_path)


def test_a_good_note_passes_and_is_rendered(docs: Path) -> None:
    write_note(docs, "A *fine* note.\n")
    result = check_notes(docs, today=TODAY)
    assert result.problems == []
    assert [r.note.slug for r in result.notes] == ["a-note"]
    assert "<em>fine</em>" in result.notes[0].html


def test_the_template_copied_under_a_note_name_passes(docs: Path) -> None:
    shutil.copy(PROJECT / "docs/notes/_template.md", docs / "notes/2026-11-20-my-note.md")
    assert check_notes(docs, today=TODAY.replace(year=2027)).problems == []


def test_the_shipped_notes_pass() -> None:
    result = check_notes(PROJECT / "docs")
    assert result.problems == []
    assert result.notes


def test_the_template_itself_is_not_a_note(docs: Path) -> None:
    shutil.copy(PROJECT / "docs/notes/_template.md", docs / "notes/_template.md")
    assert check_notes(docs, today=TODAY).notes == []


def test_missing_front_matter_is_reported_on_line_1(docs: Path) -> None:
    write_note(docs, "Just text.\n", front="")
    p = only_problem(docs)
    assert (p.file, p.line, p.rule) == ("docs/notes/a-note.md", 1, "front-matter")
    assert "_template.md" in p.fix


def test_invalid_yaml_is_reported_at_its_line(docs: Path) -> None:
    write_note(docs, "Text.\n", front="---\nauthor:\n  name: A\nkind: [pearl\n---\n")
    p = only_problem(docs)
    assert p.rule == "front-matter"
    assert p.line in (4, 5)


def test_unknown_kind_names_the_valid_kinds(docs: Path) -> None:
    write_note(docs, "Text.\n", front=FRONT.replace("kind: pearl", "kind: rumour"))
    p = only_problem(docs)
    assert (p.line, p.rule) == (5, "kind")
    assert "rumour" in p.found
    assert "knowledge, pearl, summary, comment" in p.fix


def test_missing_author_name_is_an_error(docs: Path) -> None:
    write_note(docs, "Text.\n", front=FRONT.replace("  name: Ada Reader\n", "  orcid: x\n"))
    assert {p.rule for p in problems_of(docs)} == {"author"}


def test_orcid_check_digit_is_verified() -> None:
    assert valid_orcid("0000-0002-1825-0097")
    assert not valid_orcid("0000-0002-1825-0098")


def test_impossible_date_is_an_error(docs: Path) -> None:
    write_note(docs, "Text.\n", front=FRONT.replace("2026-11-20", "2026-02-30"))
    p = only_problem(docs)
    assert (p.line, p.rule) == (4, "date")
    assert "not a real calendar date" in p.found


def test_future_date_is_an_error(docs: Path) -> None:
    write_note(docs, "Text.\n", front=FRONT.replace("2026-11-20", "2026-12-01"))
    p = only_problem(docs)
    assert (p.line, p.rule) == (4, "date")
    assert "future" in p.found


def test_unknown_page_lists_the_pages(docs: Path) -> None:
    write_note(docs, "Text.\n", front=FRONT.replace("results.md", "result.md"))
    p = only_problem(docs)
    assert (p.line, p.rule) == (6, "page")
    assert "results.md" in p.fix


def test_unknown_section_lists_the_sections_of_the_page(docs: Path) -> None:
    write_note(docs, "Text.\n", front=FRONT.replace("section: survival", "section: surv"))
    p = only_problem(docs)
    assert (p.line, p.rule) == (7, "section")
    assert "survival" in p.fix


def test_forbidden_html_is_reported_at_its_line(docs: Path) -> None:
    write_note(docs, "Fine line.\n\nBad <script>alert(1)</script> line.\n")
    p = problems_of(docs)[0]
    assert (p.file, p.line, p.rule) == ("docs/notes/a-note.md", 11, "forbidden-html")
    assert "<script>" in p.found
    assert "<sup>" in p.fix


def test_event_handler_and_style_attributes_are_named(docs: Path) -> None:
    write_note(docs, '<sup onclick="x()" style="color:red">1</sup>\n')
    found = problems_of(docs)[0].found
    assert "event-handler attribute onclick" in found
    assert "style attribute" in found


def test_a_less_than_sign_before_a_letter_gets_a_hint(docs: Path) -> None:
    write_note(docs, "age <three months\n")
    assert "a < b" in problems_of(docs)[0].fix


def test_external_image_says_where_to_put_the_file(docs: Path) -> None:
    write_note(docs, '![graph](https://bestmedicaljournal.com/study_graph.jpg "Title")\n')
    p = only_problem(docs)
    assert (p.line, p.rule) == (9, "external-image")
    assert "docs/notes/study_graph.jpg" in p.fix


def test_image_beside_the_note_passes(docs: Path) -> None:
    (docs / "notes/graph.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write_note(docs, '![graph](graph.png "Title")\n')
    assert problems_of(docs) == []


def test_svg_image_with_a_script_is_rejected(docs: Path) -> None:
    (docs / "notes/graph.svg").write_text("<svg><script>alert(1)</script></svg>")
    write_note(docs, '![graph](graph.svg "Title")\n')
    assert only_problem(docs).rule == "forbidden-html"


def test_broken_relative_link_is_reported(docs: Path) -> None:
    write_note(docs, "See [this](../nowhere.md).\n")
    p = only_problem(docs)
    assert (p.line, p.rule) == (9, "broken-link")


def test_link_to_a_missing_section_is_reported(docs: Path) -> None:
    write_note(docs, "See [this](../results.md#nowhere).\n")
    p = only_problem(docs)
    assert p.rule == "broken-link"
    assert "survival" in p.fix


def test_duplicate_slugs_are_reported(docs: Path) -> None:
    write_note(docs, "One.\n", name="same.md")
    write_note(docs, "Two.\n", name="sub/same.md")
    assert only_problem(docs).rule == "duplicate-slug"


def test_empty_note_is_reported(docs: Path) -> None:
    write_note(docs, "\n   \n")
    assert only_problem(docs).rule == "empty-note"


def test_unsupported_markdown_such_as_a_heading_is_reported(docs: Path) -> None:
    write_note(docs, "Text.\n\n## A heading\n")
    p = only_problem(docs)
    assert (p.line, p.rule) == (11, "unsupported-formatting")


def test_a_footnote_defined_twice_is_reported(docs: Path) -> None:
    write_note(docs, "a[^1](one)\n\n[^1]: two\n")
    assert only_problem(docs).rule == "footnote"


def test_one_bad_note_does_not_hide_the_others(docs: Path) -> None:
    write_note(docs, "Good.\n", name="good.md")
    write_note(docs, "<iframe src=x></iframe>\n", name="bad.md")
    result = check_notes(docs, today=TODAY)
    assert [r.note.slug for r in result.notes] == ["good"]
    assert [p.file for p in result.problems] == ["docs/notes/bad.md"]


def test_cli_exits_non_zero_and_prints_file_line_field_found_and_fix(docs: Path) -> None:
    write_note(docs, "<script>alert(1)</script>\n")
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "notes", "check", "--docs", str(docs)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=False,
    )
    assert run.returncode == 1
    assert "docs/notes/a-note.md:9: entry body, field 'forbidden-html': found a <script>" in (
        run.stderr
    )
    assert "; expected remove it" in run.stderr


def test_a_note_and_a_data_file_word_their_problems_in_one_shape(
    docs: Path, tmp_path: Path
) -> None:
    """CONTRIBUTING promises one message format: file:line, entry, field, found, expected."""
    write_note(docs, "Text.\n", front=FRONT.replace("kind: pearl", "kind: pearl\ncolour: red"))
    note = str(only_problem(docs))
    study = tmp_path / "study.yaml"
    study.write_text("colour: red\n" + STUDY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(StudyDataError) as info:
        load_study(study)
    data = str(info.value.problems[0])
    shape = re.compile(r"^\S+:\d+: entry [^,]+, field '[^']+': found .+; expected .+$")
    assert shape.match(note), note
    assert shape.match(data), data
    assert "field 'colour': found unknown field 'colour'" in note
    assert "field 'colour': found unknown field 'colour'" in data


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x1b"])
def test_a_line_separator_in_the_front_matter_is_named_not_read_as_the_end_of_a_line(
    docs: Path, separator: str
) -> None:
    """str.splitlines ends a line at U+2028 and the like: a title holding one, before a '---',
    ended the front matter early and gave a confusing YAML error."""
    front = FRONT.replace("kind: pearl", f"kind: pearl\ntitle: 'A title{separator}---{separator}x'")
    write_note(docs, "Text.\n", front=front)
    problem = only_problem(docs)
    assert problem.line == 6
    assert problem.found == (
        f"the line of 'title' holds a control or line-separator character (U+{ord(separator):04X})"
    )
    assert "YAML" not in problem.found
