"""Readers can suggest a note without git: each page section showing notes links to the Note
form with its page and section filled in, and a note written from that form builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.notes.check import check_notes
from analysis.notes.display import notes_block, suggest_note_url
from testsupport.notes import form_body
from testsupport.project import PROJECT, copy_site_sources, run_mkdocs_build

REPO = "https://github.com/owner/study-site"


@pytest.fixture(scope="module")
def site_with_a_reader_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the site with one more note, written by `notes from-issue` from a form body,
    built strictly with a GitHub repository address (as the publish command sets it)."""
    root = tmp_path_factory.mktemp("suggest")
    project = copy_site_sources(root / "project")
    if (PROJECT / ".cache").is_dir():  # the bundle and notebook caches: same inputs, no recompute
        shutil.copytree(PROJECT / ".cache", project / ".cache")
    body = root / "body.md"
    body.write_text(form_body(page="checks.md", section="open-questions"), encoding="utf-8")
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "notes",
            "from-issue",
            str(body),
            "--number",
            "7",
            "--author",
            "ada-reader",
            "--date",
            "2026-11-20",
            "--docs",
            str(project / "docs"),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    site = root / "site"
    built = run_mkdocs_build(site, project=project, extra_env={"REPO_URL": REPO})
    assert built.returncode == 0, built.stderr
    return site


@pytest.mark.slow
def test_a_note_written_from_the_form_is_shown_in_its_section(
    site_with_a_reader_note: Path,
) -> None:
    html = (site_with_a_reader_note / "checks" / "index.html").read_text(encoding="utf-8")
    slug = "2026-11-20-issue-7-outcome-in-a-later-japanese-trial"
    assert html.index('id="open-questions"') < html.index(f'id="note-{slug}"')
    assert "ada-reader" in html


@pytest.mark.slow
def test_each_section_showing_notes_links_to_the_form_with_page_and_section_filled_in(
    site_with_a_reader_note: Path,
) -> None:
    for page, section in (
        ("checks.md", "open-questions"),
        ("results.md", "salvage-and-transplant"),
    ):
        html = (site_with_a_reader_note / page.removesuffix(".md") / "index.html").read_text(
            encoding="utf-8"
        )
        link = (
            f'<a class="study-notes__suggest" href="{REPO}/issues/new?template=note.yml&amp;'
            f'page={page}&amp;section={section}">Suggest a note here</a>'
        )
        assert html.count(link) == 1, page
    index = (site_with_a_reader_note / "notes" / "index.html").read_text(encoding="utf-8")
    assert f'href="{REPO}/issues/new?template=note.yml">Suggest a note</a>' in index


def test_the_link_goes_to_githubs_issue_form_and_only_with_a_github_repository() -> None:
    assert suggest_note_url(f"{REPO}.git/", page="results.md", section="survival") == (
        f"{REPO}/issues/new?template=note.yml&page=results.md&section=survival"
    )
    assert suggest_note_url(None, page="results.md") is None
    assert suggest_note_url("https://gitlab.com/owner/study-site", page="results.md") is None
    assert suggest_note_url("http://github.com/owner/study-site") is None


def test_without_a_repository_a_notes_section_has_no_suggest_link() -> None:
    items = check_notes(PROJECT / "docs").notes
    assert "Suggest a note" not in notes_block(items)
    assert "Suggest a note here" in notes_block(items, suggest_url=suggest_note_url(REPO))
