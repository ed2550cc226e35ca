"""The ``study-notebooks`` plugin: each notebook executed when its inputs change, and its page
built from the executed copy.

Thin hooks around :mod:`~analysis.mkdocs_side.notebooks.job` (execution in a child process,
cached) and :mod:`~analysis.mkdocs_side.notebooks.page` (the rendered page made valid). List it
before ``mkdocs-jupyter`` in mkdocs.yml: a notebook is executed before mkdocs-jupyter reads it.
The notebook analyses what the pages do: the patient file of ``study-analysis``. Under
``serve``, a notebook whose inputs changed is shown as last executed while it runs again
(:mod:`~analysis.mkdocs_side.notebooks.serve`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ...errors import AnalysisError
from ..artifacts.plugin import analysis_plugin
from .config import NotebooksConfig
from .job import NotebookJob
from .page import clean_notebook_html
from .serve import NotebookFollowing

__all__ = ["FOLLOWING_TITLE", "NotebooksPlugin"]

NAME = "study-notebooks"
log = logging.getLogger("mkdocs.plugins.study_notebooks")

FOLLOWING_TITLE = "Being executed again"  # the notice on a notebook page that serve shows stale
_FOLLOWING = (
    f'<div class="admonition info"><p class="admonition-title">{FOLLOWING_TITLE}</p>'
    "<p>This is the notebook as last executed. It is running again with your edit; this page "
    "reloads when it is done (<code>serve</code> only).</p></div>\n"
)


class NotebooksPlugin(BasePlugin[NotebooksConfig]):  # type: ignore[no-untyped-call]  # mkdocs's BasePlugin.__init_subclass__ is unannotated
    """Executes the site's notebooks and shows the executed copies."""

    def __init__(self) -> None:
        self._notebooks: dict[str, NotebookJob] = {}
        self._css: dict[str, str] = {}
        self._serving = False
        self._serve: NotebookFollowing | None = None  # under serve, once the config is known
        self._follow: set[str] = set()  # notebooks this build shows as last executed

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self._serving = command == "serve"

    def on_shutdown(self) -> None:
        if self._serve is not None:
            self._serve.close()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._notebooks, self._follow, self._css = {}, set(), {}
        if not self.config.enabled:
            return config
        project = Path(config.config_file_path).resolve().parent
        patients = analysis_plugin(config, needed_by=NAME).patients_file
        if self._serving and self._serve is None:
            self._serve = NotebookFollowing(project / self.config.serve_signal_dir)
        serve = self._serve
        for uri in self.config.notebooks:
            job = NotebookJob(
                project / self.config.cache_dir,
                Path(config.docs_dir) / uri,
                uri,
                patients_file=patients,
                start=serve is None,
            )
            if serve is not None:
                job, follow = serve.notebook_job(job, uri)
                if follow:
                    self._follow.add(uri)
            self._notebooks[uri] = job
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        for uri, job in self._notebooks.items():
            file = files.get_file_from_path(uri)
            if file is None:
                raise PluginError(f"{NAME}: notebook '{uri}' is not in docs/")
            # Point the page at the executed copy (same relative path under the cache folder);
            # it is waited for only when that page is read (on_pre_page), so the other pages
            # are built while the notebook runs.
            shown = self._serve.shown(uri) if uri in self._follow and self._serve else job.root
            file.src_dir = str(shown)
            file.__dict__.pop("abs_src_path", None)
        return files

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        uri = page.file.src_uri
        if uri in self._notebooks and uri not in self._follow:  # before mkdocs-jupyter reads it
            self._executed(uri)
        return page

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        # The last hook before MkDocs writes files: every notebook must be executed by now.
        for uri, job in self._notebooks.items():  # a notebook page MkDocs did not read
            if not job.cached and uri not in self._follow:
                self._executed(uri)
        return env

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        uri = page.file.src_uri
        if uri not in self._notebooks:
            return html
        root = (get_relative_url(".", page.url) or ".").rstrip("/") + "/"
        html = self._external_styles(html, root)
        if uri in self._follow:
            log.info("notebook %s: shown as last executed while it runs again", uri)
            html = _FOLLOWING + html
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for name, css in self._css.items():
            target = Path(config.site_dir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(css, encoding="utf-8")
        if self._serve is None:
            return
        for uri in self._follow:  # the pages are out: now the notebook, in the background
            self._serve.follow_notebook(uri, self._notebooks[uri])

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        if self._serve is not None and self.config.enabled:  # a notebook run again: a rebuild
            self._serve.signal_dir.mkdir(parents=True, exist_ok=True)
            server.watch(str(self._serve.signal_dir))
        return server

    def _executed(self, uri: str) -> None:
        job = self._notebooks[uri]
        cached = job.cached
        try:
            executed = job.result()
        except AnalysisError as exc:
            raise PluginError(f"docs/{uri}: {exc}") from None
        if self._serve is not None:
            self._serve.shown(uri, job.root)
        log.info("notebook %s: %s %s", uri, "cached" if cached else "executed", executed)

    def _external_styles(self, html: str, root: str) -> str:
        """Move a rendered notebook's inline styles (~600 KB) into one cacheable CSS file."""
        page = clean_notebook_html(html)
        if not page.css:
            return page.html
        self._css[page.css_name] = page.css
        return f'<link rel="stylesheet" href="{root}{page.css_name}">\n{page.html}'
