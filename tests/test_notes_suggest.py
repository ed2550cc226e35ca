"""Readers can suggest a note without git: each page section showing notes links to the Note
form with its page and section filled in, and a note written from that form builds."""

from __future__ import annotations

from pathlib import Path

from analysis.notes.check import check_notes
from analysis.notes.display import notes_block, suggest_note_url
from testsupport.project import PROJECT
from testsupport.variants import READER_NOTE, REPO_URL


def test_a_note_written_from_the_form_is_shown_in_its_section(
    changed_site: Path,
) -> None:
    html = (changed_site / "checks" / "index.html").read_text(encoding="utf-8")
    assert html.index('id="open-questions"') < html.index(f'id="note-{READER_NOTE}"')
    assert "ada-reader" in html


def test_each_section_showing_notes_links_to_the_form_with_page_and_section_filled_in(
    changed_site: Path,
) -> None:
    for page, section in (
        ("checks.md", "open-questions"),
        ("results.md", "salvage-and-transplant"),
    ):
        html = (changed_site / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        link = (
            f'<a class="study-notes__suggest" href="{REPO_URL}/issues/new?template=note.yml&amp;'
            f'page={page}&amp;section={section}">Suggest a note here</a>'
        )
        assert html.count(link) == 1, page
    index = (changed_site / "notes" / "index.html").read_text(encoding="utf-8")
    assert f'href="{REPO_URL}/issues/new?template=note.yml">Suggest a note</a>' in index


def test_the_link_goes_to_githubs_issue_form_and_only_with_a_github_repository() -> None:
    assert suggest_note_url(f"{REPO_URL}.git/", page="results.md", section="survival") == (
        f"{REPO_URL}/issues/new?template=note.yml&page=results.md&section=survival"
    )
    assert suggest_note_url(None, page="results.md") is None
    assert suggest_note_url("https://gitlab.com/owner/study-site", page="results.md") is None
    assert suggest_note_url("http://github.com/owner/study-site") is None


def test_without_a_repository_a_notes_section_has_no_suggest_link() -> None:
    items = check_notes(PROJECT / "docs").notes
    assert "Suggest a note" not in notes_block(items)
    assert "Suggest a note here" in notes_block(items, suggest_url=suggest_note_url(REPO_URL))
