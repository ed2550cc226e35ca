"""The ``study-notes`` plugin: thin hooks around :mod:`analysis.notes`. Note files are taken out
of the site's pages here, so MkDocs never renders them as ordinary pages; images beside them are
published as usual."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import defaultdict
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ...errors import NotesError
from ...notes.check import NOTES_DIR, CheckedNotes, RenderedNote, check_notes
from ...notes.display import (
    INDEX_MARKER,
    index_html,
    insert_into_section,
    notes_block,
    resolve_root,
    suggest_note_url,
)
from ...notes.feed import FEED_PATH, atom_feed
from .config import NotesConfig

__all__ = ["NotesPlugin"]

log = logging.getLogger("mkdocs.plugins.study_notes")


def _build_date() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


class NotesPlugin(BasePlugin[NotesConfig]):  # type: ignore[no-untyped-call]  # mkdocs's BasePlugin.__init_subclass__ is unannotated
    """Checks notes (the build stops on any problem) and places them on pages and in a feed."""

    def __init__(self) -> None:
        self._checked = CheckedNotes()
        self._titles: dict[str, str] = {}
        self._by_page: dict[str, list[RenderedNote]] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        docs = Path(config.docs_dir)
        self._checked = check_notes(docs, use_directory_urls=config.use_directory_urls)
        if self._checked.problems:
            raise PluginError(
                f"{NotesError(self._checked.problems)}\n"
                "Run `python -m analysis notes check` for the same list."
            )
        by_page: dict[str, list[RenderedNote]] = defaultdict(list)
        for item in self._checked.notes:
            if item.note.page:
                by_page[item.note.page].append(item)
        self._by_page = dict(by_page)
        log.info("%d note(s) checked", len(self._checked.notes))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        for file in list(files):
            uri = file.src_uri
            if (
                uri.startswith(f"{NOTES_DIR}/")
                and uri.endswith(".md")
                and (uri != f"{NOTES_DIR}/index.md")
            ):
                files.remove(file)  # a note is shown inside pages, never as a page of its own
        feed = atom_feed(
            list(self._checked.notes),
            site_url=config.site_url or "/",
            site_name=config.site_name,
            updated=_build_date(),
            limit=self.config.feed_limit,
            use_directory_urls=config.use_directory_urls,
        )
        files.append(File.generated(config, FEED_PATH, content=feed))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        self._titles = {p.file.src_uri: p.title for p in nav.pages if p.title}
        return nav

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled:
            return html
        uri = page.file.src_uri
        where = f"docs/{uri}"
        directory_urls = config.use_directory_urls
        if uri == f"{NOTES_DIR}/index.md":
            if INDEX_MARKER not in html:
                msg = f"{where}: the notes index must contain the line {INDEX_MARKER}"
                raise PluginError(msg)
            html = html.replace(
                INDEX_MARKER,
                index_html(
                    self._checked.notes,
                    page_titles=self._titles,
                    use_directory_urls=directory_urls,
                    suggest_url=suggest_note_url(config.repo_url),
                ),
            )
        by_section: dict[str | None, list[RenderedNote]] = defaultdict(list)
        for item in self._by_page.get(uri, []):
            by_section[item.note.section].append(item)
        for section, items in sorted(by_section.items(), key=lambda kv: kv[0] or ""):
            suggest = suggest_note_url(config.repo_url, page=uri, section=section)
            block = notes_block(items, use_directory_urls=directory_urls, suggest_url=suggest)
            placed = insert_into_section(html, section, block)
            if placed is None:
                msg = (
                    f"{items[0].note.file}: page {uri} has no section '#{section}' in its "
                    "built HTML; set 'section:' to a heading id of that page"
                )
                raise PluginError(msg)
            html = placed
        root = (get_relative_url(".", page.url) or ".").rstrip("/") + "/"
        return resolve_root(html, root)

    # No <link rel="alternate"> to the feed in page heads: Material's instant navigation
    # treats every alternate link as another language and fetches its sitemap.xml (a 404
    # and a console error on every page). The Notes page links the feed instead.
