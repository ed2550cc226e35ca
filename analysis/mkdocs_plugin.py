"""MkDocs glue: the only module that imports MkDocs. Thin hooks around :mod:`analysis.bundle`
and :mod:`analysis.inject`; nothing in the analysis imports this module."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .bundle import PACKAGE_DIR, Bundle, BundleJob, start_bundle
from .edition import current_edition
from .errors import AnalysisError
from .inject import Stash, inject, restore_blocks

__all__ = ["AnalysisPlugin", "AnalysisPluginConfig"]

log = logging.getLogger("mkdocs.plugins.study_analysis")


class AnalysisPluginConfig(base.Config):
    enabled = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/analysis")
    study = c.Optional(c.File(exists=True))


class AnalysisPlugin(BasePlugin[AnalysisPluginConfig]):
    """Places the analysis package's tables, charts and values in pages."""

    def __init__(self) -> None:
        self._job: BundleJob | None = None
        self._bundle: Bundle | None = None
        self._stashes: dict[str, Stash] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Resolved: mike passes a relative config path, and the bundle child runs elsewhere.
        project = Path(config.config_file_path).resolve().parent
        _set_edition(config, project)
        if not self.config.enabled:
            return config
        study = Path(self.config.study) if self.config.study else None
        self._job = start_bundle(project / self.config.cache_dir, study_file=study)
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
            except AnalysisError as exc:
                raise PluginError(f"analysis failed:\n{exc}") from None
        return self._bundle

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        for path, content in sorted(self._result().files.items()):
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled:
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
        stash = self._stashes.pop(page.file.src_uri, None)
        if stash is None or not stash.blocks:
            return html
        root = get_relative_url(".", page.url) or "."
        root = root.rstrip("/") + "/"
        try:
            return restore_blocks(html, stash, root=root, where=f"docs/{page.file.src_uri}")
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None

    def on_serve(self, server, *, config: MkDocsConfig, builder):  # type: ignore[no-untyped-def]
        if self.config.enabled:
            server.watch(str(PACKAGE_DIR))
            if self.config.study:
                server.watch(str(Path(self.config.study).resolve()))
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
