"""Notes in the built site: on their page section, on the index with a kind filter, in the
feed; note files are not pages; a bad note stops the build."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from analysis.notes.check import check_notes
from testsupport.found import some
from testsupport.project import PROJECT, copy_site_sources, run_mkdocs_build

SHIPPED = some(check_notes(PROJECT / "docs").notes, "notes shipped in docs/notes")


def test_each_note_is_in_the_section_it_refers_to(built_site: Path) -> None:
    for item in SHIPPED:
        html = (
            built_site
            / item.note.page.replace(".md", "/index.html").replace("index/index.html", "index.html")
        ).read_text(encoding="utf-8")
        at = html.index(f'id="note-{item.note.slug}"')
        if item.note.section:
            assert html.index(f'id="{item.note.section}"') < at
        assert 'class="study-note__kind"' in html


def test_the_index_lists_every_note_with_a_kind_filter(built_site: Path) -> None:
    html = (built_site / "notes/index.html").read_text(encoding="utf-8")
    for item in SHIPPED:
        assert f'id="note-{item.note.slug}" data-kind="{item.note.kind}"' in html
    for kind in ("knowledge", "pearl", "summary", "comment"):
        assert f'id="study-note-kind-{kind}"' in html


def test_note_files_are_not_published_as_pages(built_site: Path) -> None:
    assert not (built_site / "notes/_template").exists()
    for item in SHIPPED:
        assert not (built_site / "notes" / item.note.slug).exists()


def test_the_feed_lists_every_note_with_absolute_links(built_site: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(built_site / "notes/feed.xml").getroot()
    ids = [e.findtext("a:id", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert len(ids) == len(SHIPPED)
    assert all(i and i.startswith("http") for i in ids)


@pytest.mark.slow  # a build of its own
def test_a_bad_note_stops_the_build_with_file_line_and_field(tmp_path: Path) -> None:
    project = copy_site_sources(tmp_path / "project")
    (project / "docs/notes/bad.md").write_text(
        "---\nauthor: A\ndate: 2026-01-01\nkind: pearl\n---\n<script>alert(1)</script>\n"
    )
    result = run_mkdocs_build(tmp_path / "site", project=project)
    assert result.returncode != 0
    assert "docs/notes/bad.md:6: entry body, field 'forbidden-html': found a <script>" in (
        result.stderr
    )
