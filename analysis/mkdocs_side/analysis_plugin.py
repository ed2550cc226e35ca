"""MkDocs glue: the only module that imports MkDocs. Thin hooks around :mod:`analysis.mkdocs_side.bundle`
and :mod:`analysis.mkdocs_side.inject`; nothing in the analysis imports this module.

Under ``serve`` the plugin lives across rebuilds (it has ``on_startup``) and puts the pages first
after an edit (:mod:`analysis.mkdocs_side.serve`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Literal

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..errors import AnalysisError
from ..publish.edition import current_edition
from .bundle import PACKAGE_DIR, Bundle, BundleJob, start_bundle
from .inject import Stash, inject, restore_blocks
from .notebook import NotebookJob
from .runtime import RuntimeJob
from .serve import ServeSession

__all__ = ["FOLLOWING_TITLE", "AnalysisPlugin", "AnalysisPluginConfig"]

log = logging.getLogger("mkdocs.plugins.study_analysis")


class AnalysisPluginConfig(base.Config):
    enabled = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/analysis")
    study = c.Optional(c.File(exists=True))
    patients = c.Optional(
        c.File(exists=True)
    )  # real patient-level CSV replacing the reconstruction
    notebooks = c.ListOfItems(c.Type(str), default=[])  # docs-relative notebooks to execute
    notebook_cache_dir = c.Type(str, default=".cache/notebooks")
    serve_signal_dir = c.Type(str, default=".cache/serve")  # watched by serve (see serve.py)


_STYLE = re.compile(r'<style type="text/css">(.*?)</style>', re.DOTALL)
# Scripts nbconvert's template adds that would load MathJax or Mermaid from a CDN (or, with an
# empty MathJax URL, the page itself); the site's notebooks use neither.
_CDN_SCRIPTS = (
    re.compile(r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>'),
    re.compile(r'<script type="text/x-mathjax-config">.*?</script>', re.DOTALL),
    re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.DOTALL),
)
FOLLOWING_TITLE = "Being executed again"  # the notice on a notebook page that serve shows stale
_FOLLOWING = (
    f'<div class="admonition info"><p class="admonition-title">{FOLLOWING_TITLE}</p>'
    "<p>This is the notebook as last executed. It is running again with your edit; this page "
    "reloads when it is done (<code>serve</code> only).</p></div>\n"
)


class AnalysisPlugin(BasePlugin[AnalysisPluginConfig]):
    """Places the analysis package's tables, charts and values in pages."""

    def __init__(self) -> None:
        self._job: BundleJob | None = None
        self._bundle: Bundle | None = None
        self._stashes: dict[str, Stash] = {}
        self._site_values: dict[str, str] = {}
        self._notebooks: dict[str, NotebookJob] = {}
        self._notebook_css: dict[str, str] = {}
        self._serving = False
        self._serve: ServeSession | None = None  # under serve, once the config is known
        self._follow: set[str] = set()  # notebooks this build shows as last executed

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self._serving = command == "serve"

    def on_shutdown(self) -> None:
        if self._serve is not None:
            self._serve.close()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Resolved: mike passes a relative config path, and the bundle child runs elsewhere.
        project = Path(config.config_file_path).resolve().parent
        _set_edition(config, project)
        if not self.config.enabled:
            return config
        study = Path(self.config.study) if self.config.study else None
        # Facts only the site generator knows, placeable like any value (e.g. on the handout).
        self._site_values = {"site_url": config.site_url or "(site_url not set in mkdocs.yml)"}
        self._runtime_job = RuntimeJob()
        patients = Path(self.config.patients).resolve() if self.config.patients else None
        if self._serving and self._serve is None:
            self._serve = ServeSession(project / self.config.serve_signal_dir)
        serve = self._serve
        self._job = start_bundle(
            project / self.config.cache_dir,
            study_file=study,
            patients_file=patients,
            **({"spawn": serve.spawn, "running": serve.running_bundle()} if serve else {}),
        )
        self._follow = set()
        self._notebooks = {}
        for uri in self.config.notebooks:
            job = NotebookJob(
                project / self.config.notebook_cache_dir,
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
        self._notebook_css = {}
        self._bundle = None
        log.info(
            "analysis bundle %s: %s",
            self._job.key,
            "cached" if self._job.cached else "computing in a child process",
        )
        return config

    def _result(self) -> Bundle:
        if self._bundle is None:
            assert self._job is not None
            try:
                self._bundle = self._job.result()
                self._bundle.values.update(self._site_values)
            except AnalysisError as exc:
                raise PluginError(f"analysis failed:\n{exc}") from None
        return self._bundle

    def _runtime(self) -> Path:
        try:
            return self._runtime_job.result()
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        bundle = self._result()
        for path in sorted(bundle.files):
            files.append(File.generated(config, path, content=bundle.files[path]))
        assert self._job is not None
        for path in bundle.external:  # drawn while the pages are built; see on_env
            files.append(
                File.generated(config, path, abs_src_path=str(self._job.external_file(path)))
            )
        files.append(
            File.generated(config, "javascripts/vega-runtime.js", abs_src_path=str(self._runtime()))
        )
        for uri, job in self._notebooks.items():
            file = files.get_file_from_path(uri)
            if file is None:
                raise PluginError(f"study-analysis: notebook '{uri}' is not in docs/")
            # Point the page at the executed copy (same relative path under the cache folder);
            # it is waited for only when that page is read (on_pre_page), so the other pages
            # are built while the notebook runs.
            shown = self._serve.shown(uri) if uri in self._follow and self._serve else job.root
            file.src_dir = str(shown)
            file.__dict__.pop("abs_src_path", None)
        return files

    def _notebook(self, uri: str) -> None:
        job = self._notebooks[uri]
        cached = job.cached
        try:
            executed = job.result()
        except AnalysisError as exc:
            raise PluginError(f"docs/{uri}: {exc}") from None
        if self._serve is not None:
            self._serve.shown(uri, job.root)
        log.info("notebook %s: %s %s", uri, "cached" if cached else "executed", executed)

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        uri = page.file.src_uri
        if uri in self._notebooks and uri not in self._follow:  # before mkdocs-jupyter reads it
            self._notebook(uri)
        return page

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        # The last hook before MkDocs writes files: everything computed must be there by now.
        if not self.config.enabled:
            return env
        for uri, job in self._notebooks.items():  # a notebook page MkDocs did not read
            if not job.cached and uri not in self._follow:
                self._notebook(uri)
        if self._job is not None:
            try:
                self._pictures(files)
            except AnalysisError as exc:
                raise PluginError(f"analysis failed:\n{exc}") from None
        return env

    def _pictures(self, files: Files) -> None:
        """Wait for the bundle's pictures; under serve, older ones stand in while drawn."""
        assert self._job is not None
        if self._serve is None:
            self._job.finish()
            return
        entry = self._serve.pictures_entry(self._job)
        if entry is None or entry == self._job.entry:
            return
        for path in self._result().external:
            file = files.get_file_from_path(path)
            stand_in = self._serve.stand_in(entry, path)
            if file is not None and stand_in.exists():
                file.abs_src_path = str(stand_in)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or not page.file.src_uri.endswith(".md"):
            return markdown
        try:
            markdown, stash = inject(markdown, self._result(), where=f"docs/{page.file.src_uri}")
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None
        self._stashes[page.file.src_uri] = stash
        return markdown

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        root = get_relative_url(".", page.url) or "."
        root = root.rstrip("/") + "/"
        if page.file.src_uri in self._notebooks:
            html = self._external_styles(html, root)
            if page.file.src_uri in self._follow:
                log.info(
                    "notebook %s: shown as last executed while it runs again", page.file.src_uri
                )
                html = _FOLLOWING + html
            return html
        stash = self._stashes.pop(page.file.src_uri, None)
        if stash is None or not stash.blocks:
            return html
        try:
            return restore_blocks(html, stash, root=root, where=f"docs/{page.file.src_uri}")
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None

    def _external_styles(self, html: str, root: str) -> str:
        """Move a rendered notebook's inline styles (~600 KB) into one cacheable CSS file."""
        for pattern in _CDN_SCRIPTS:
            html = pattern.sub("", html)
        css = "\n".join(m.group(1) for m in _STYLE.finditer(html))
        if not css:
            return html
        name = f"assets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
        self._notebook_css[name] = css
        html = _STYLE.sub("", html)
        return f'<link rel="stylesheet" href="{root}{name}">\n{html}'

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for name, css in self._notebook_css.items():
            target = Path(config.site_dir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(css, encoding="utf-8")
        if self._serve is None or not self.config.enabled:
            return
        for uri in self._follow:  # the pages are out: now the notebook, in the background
            self._serve.follow_notebook(uri, self._notebooks[uri])
        self._serve.after_build()

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        if self.config.enabled:
            server.watch(str(PACKAGE_DIR))
            if self._serve is not None:  # work done after the pages brings a rebuild
                self._serve.signal_dir.mkdir(parents=True, exist_ok=True)
                server.watch(str(self._serve.signal_dir))
            if self.config.study:
                server.watch(str(Path(self.config.study).resolve()))
            if self.config.patients:
                server.watch(str(Path(self.config.patients).resolve()))
        return server


def _set_edition(config: MkDocsConfig, project: Path) -> None:
    """Expose the build's edition to templates as ``config.extra.edition``."""
    try:
        edition = current_edition(project_dir=project)
    except AnalysisError as exc:
        raise PluginError(str(exc)) from None
    # Runs before mike's hook, which points site_url at the canonical edition: here it is the root.
    root = (config.site_url or "/").rstrip("/") + "/"
    url = f"{root}{edition.name}/" if edition.name else root
    config.extra["edition"] = {**edition.to_dict(), "url": url}
    if edition.name is None:
        # Not built by mike: there is no versions.json beside the site for a selector to fetch.
        config.extra.pop("version", None)
