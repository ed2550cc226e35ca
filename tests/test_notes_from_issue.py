"""`python -m analysis notes from-issue BODY_FILE --number N --author LOGIN` turns the body GitHub
writes for the *Note* issue form into a checked note, or exits 2 with messages naming the form
field, what was found and what is expected — never a traceback, never a file left behind.

The bodies below are written as GitHub renders an issue form (``### Label``, the answer,
``_No response_`` for an empty optional field, ``- [X]`` for a ticked box).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.notes.check import check_notes
from testsupport.notes import FORM, TICKED, form_body
from testsupport.project import PROJECT


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROJECT / "docs", tmp_path / "docs"))


def from_issue(
    docs: Path, body: str, *extra: str, number: str = "42"
) -> subprocess.CompletedProcess[str]:
    body_file = docs.parent / "issue-body.md"
    body_file.write_text(body, encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "notes",
            "from-issue",
            str(body_file),
            "--number",
            number,
            "--author",
            "ada-reader",
            "--date",
            "2026-11-26",
            "--docs",
            str(docs),
            *extra,
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def new_notes(docs: Path) -> list[Path]:
    shipped = {p.name for p in (PROJECT / "docs" / "notes").iterdir()}
    return sorted(p for p in (docs / "notes").iterdir() if p.name not in shipped)


def refused(result: subprocess.CompletedProcess[str], docs: Path) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert new_notes(docs) == []
    return result.stderr


def test_a_filled_in_form_becomes_a_note_with_complete_front_matter(docs: Path) -> None:
    result = from_issue(docs, form_body(section="salvage-and-transplant"))
    assert result.returncode == 0, result.stderr
    (note,) = new_notes(docs)
    assert note.name == "2026-11-26-issue-42-outcome-in-a-later-japanese-trial.md"
    assert result.stdout.strip() == str(note)
    _, front, body = note.read_text(encoding="utf-8").split("---\n", 2)
    assert yaml.safe_load(front) == {
        "author": {"name": "ada-reader"},
        "date": "2026-11-26",
        "kind": "knowledge",
        "title": "Outcome in a later Japanese trial",
        "page": "results.md",
        "section": "salvage-and-transplant",
    }
    assert body.startswith("A later trial, **MLL-10**, used a *risk-stratified* approach.\n")
    assert "- [doi:10.1182/blood.2019004741](https://doi.org/10.1182/blood.2019004741)" in body
    assert "- [PMID 32845001](https://pubmed.ncbi.nlm.nih.gov/32845001/)" in body
    checked = check_notes(docs, today=dt.date(2026, 11, 26))
    assert checked.problems == []
    assert note.stem in {r.note.slug for r in checked.notes}


def test_an_empty_required_field_and_an_unticked_box_are_named(docs: Path) -> None:
    body = form_body(note="_No response_", checks=TICKED.replace("[X] The note", "[ ] The note"))
    stderr = refused(from_issue(docs, body), docs)
    assert "form field 'The note': found no answer; expected one" in stderr
    assert (
        "form field 'Before submitting': found 'The note is not medical advice for a "
        "particular patient.' not ticked; expected it ticked"
    ) in stderr


def test_a_missing_heading_is_named(docs: Path) -> None:
    body = form_body().replace("### Sources\n\n", "")
    stderr = refused(from_issue(docs, body), docs)
    assert "form field 'Sources': found no '### Sources' heading; expected it" in stderr


def test_a_body_not_written_with_the_form_is_refused(docs: Path) -> None:
    stderr = refused(from_issue(docs, "Please add a note about MLL-10.\n"), docs)
    assert "found no '### Topic' heading; expected the body GitHub writes for the Note form" in (
        stderr
    )


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Read this <script>alert(1)</script> now.", "[forbidden-html] a <script> element"),
        ("See [the trial](javascript:alert(1)).", "[forbidden-link] a link with a javascript: URL"),
        ("Hidden <!-- a comment --> text.", "[forbidden-html] an HTML comment"),
        (
            'An image <img src=x onerror="alert(1)">.',
            "[forbidden-html] an HTML <img> tag with event-handler attribute onerror",
        ),
    ],
    ids=["script", "javascript-link", "html-comment", "event-handler"],
)
def test_hostile_markdown_in_the_note_is_refused_by_the_notes_check(
    docs: Path, note: str, expected: str
) -> None:
    stderr = refused(from_issue(docs, form_body(note=note)), docs)
    assert f"form field 'The note': {expected}" in stderr


def test_front_matter_lines_in_the_note_cannot_change_the_front_matter(docs: Path) -> None:
    note = "---\nauthor:\n  name: Someone Else\nkind: pearl\n---\nText."
    result = from_issue(docs, form_body(note=note))
    assert result.returncode == 0, result.stderr  # '---' lines are rules in a note's text
    (note_file,) = new_notes(docs)
    _, front, body = note_file.read_text(encoding="utf-8").split("---\n", 2)
    assert yaml.safe_load(front)["author"] == {"name": "ada-reader"}
    assert yaml.safe_load(front)["kind"] == "knowledge"
    assert body.startswith(note)
    (checked,) = [
        r
        for r in check_notes(docs, today=dt.date(2026, 11, 26)).notes
        if r.note.slug == note_file.stem
    ]
    assert checked.note.author.name == "ada-reader"
    assert "Someone Else" in checked.html  # shown as the note's text, nothing more


def test_a_title_that_looks_like_yaml_stays_a_title(docs: Path) -> None:
    topic = "kind: pearl --- author: {name: x} # not a comment"
    result = from_issue(docs, form_body(topic=topic))
    assert result.returncode == 0, result.stderr
    (note,) = new_notes(docs)
    front = yaml.safe_load(note.read_text(encoding="utf-8").split("---\n", 2)[1])
    assert (front["title"], front["kind"], front["author"]) == (
        topic,
        "knowledge",
        {"name": "ada-reader"},
    )


def test_a_multi_line_topic_is_refused(docs: Path) -> None:
    stderr = refused(from_issue(docs, form_body(topic="A title\nkind: pearl\n---")), docs)
    assert "form field 'Topic': found text over several lines; expected one line" in stderr


def test_an_unknown_page_or_section_is_named_with_the_valid_choices(docs: Path) -> None:
    stderr = refused(from_issue(docs, form_body(page="nope.md")), docs)
    assert "form field 'Page': [page] unknown page 'nope.md'. Fix: use one of: " in stderr
    stderr = refused(from_issue(docs, form_body(section="no-such-section")), docs)
    assert "form field 'Section': [section] page results.md has no section 'no-such-section'" in (
        stderr
    )


def test_a_100_kb_body_is_refused_quickly_with_its_size(docs: Path) -> None:
    body = form_body(note="A long note. " * 8000)
    assert len(body) > 100_000
    stderr = refused(from_issue(docs, body), docs)
    assert f"issue body: found {len(body):,} characters; expected at most 65,536" in stderr


def test_bad_arguments_are_messages_not_tracebacks(docs: Path) -> None:
    stderr = refused(from_issue(docs, form_body(), "--date", "26/11/2026", number="0"), docs)
    assert "--number: expected the issue's number" in stderr
    assert "--date: found '26/11/2026'; expected YYYY-MM-DD" in stderr


def test_every_field_of_the_form_is_one_the_parser_knows() -> None:
    fields = [f for f in yaml.safe_load(FORM.read_text(encoding="utf-8"))["body"] if "id" in f]
    assert {f["id"] for f in fields} == {
        "topic",
        "kind",
        "note",
        "sources",
        "page",
        "section",
        "checks",
    }
    kind = next(f for f in fields if f["id"] == "kind")
    assert kind["attributes"]["options"] == ["knowledge", "pearl", "summary", "comment"]


def test_a_body_with_windows_line_endings_as_the_api_sends_it_is_read(docs: Path) -> None:
    result = from_issue(docs, form_body().replace("\n", "\r\n"))
    assert result.returncode == 0, result.stderr
    (note,) = new_notes(docs)
    assert b"\r" not in note.read_bytes()
