"""The ``study-analysis`` plugin: the analysis package's tables, charts and values placed in the
pages, their downloads and pictures written with the site, and each page's link preview.

Thin hooks around :mod:`~analysis.mkdocs_side.artifacts.jobs` (the bundle, computed by a child
process) and :mod:`~analysis.mkdocs_side.artifacts.inject` (the placeholders). Under ``serve``
the plugin lives across rebuilds (it has ``on_startup``) and puts the pages first after an edit
(:mod:`~analysis.mkdocs_side.artifacts.serve`). The other plugins of the site read the
analysis from here: :func:`analysis_plugin`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal, cast

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from ...errors import AnalysisError
from ...lifetime import exit_on_sigterm, interrupt_once
from ...publish.citation import social_tags
from ...publish.edition import published_address
from ...wire.bundle import Bundle
from ...wire.digest import PACKAGE_DIR
from .config import ArtifactsConfig
from .inject import Stash, inject, restore_blocks, restore_pictures
from .jobs import BundleJob, RuntimeJob, start_bundle
from .previews import first_chart, preview_png
from .serve import ServeSession

__all__ = ["NAME", "ArtifactsPlugin", "analysis_plugin"]

NAME = "study-analysis"  # the plugin's name in mkdocs.yml (its entry point)
log = logging.getLogger("mkdocs.plugins.study_analysis")


class ArtifactsPlugin(BasePlugin[ArtifactsConfig]):  # type: ignore[no-untyped-call]  # mkdocs's BasePlugin.__init_subclass__ is unannotated
    """Places the analysis package's tables, charts and values in pages."""

    def __init__(self) -> None:
        self._job: BundleJob | None = None
        self._bundle: Bundle | None = None
        self._runtime_job: RuntimeJob | None = None
        self._stashes: dict[str, Stash] = {}
        self._pictures_held: dict[str, dict[str, str]] = {}  # by page, until it is written
        self._site_values: dict[str, str] = {}
        self._previews: dict[str, tuple[str, str]] = {}
        self._serving = False
        self._serve: ServeSession | None = None  # under serve, once the config is known
        self._early: BundleJob | None = None  # started as the config was read (load_config)

    # What the other plugins read ----------------------------------------------------------

    @property
    def study_file(self) -> Path | None:
        """The study file the analysis reads (None: the packaged one)."""
        return Path(self.config.study) if self.config.study else None

    @property
    def patients_file(self) -> Path | None:
        """The real patient-level CSV the analysis reads (None: it reconstructs cohorts)."""
        return Path(self.config.patients).resolve() if self.config.patients else None

    def bundle(self) -> Bundle:
        """The analysis bundle of this build (waiting for it); :class:`PluginError` with the
        analysis's message if it cannot be computed."""
        if self._bundle is None:
            if self._job is None:
                raise PluginError(f"{NAME}: the analysis is not started (plugin disabled?)")
            try:
                self._bundle = self._job.result()
            except AnalysisError as exc:
                raise PluginError(f"analysis failed:\n{exc}") from None
            self._bundle.values.update(self._site_values)
        return self._bundle

    # Hooks --------------------------------------------------------------------------------

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Read the plugin's options, and start the bundle at once: the site generator goes on
        loading the plugins listed after this one (mkdocs-jupyter's imports take a good part
        of a build) while the child computes. ``on_config`` takes this job if the inputs are
        still the same (the key is made again), and stops it otherwise. Not on a rebuild under
        ``serve``, which starts its bundles in its own way (:class:`ServeSession`)."""
        errors, warnings = super().load_config(options, config_file_path)
        if self._early is not None:  # a config read again before it was built
            self._early.end()
            self._early = None
        if not errors and config_file_path and self.config.enabled and not self._serving:
            project = Path(config_file_path).resolve().parent
            try:
                self._early = start_bundle(
                    project / self.config.cache_dir,
                    study_file=self.study_file,
                    patients_file=self.patients_file,
                )
            except (OSError, AnalysisError):  # on_config starts it again and says what failed
                self._early = None
        return errors, warnings

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self._serving = command == "serve"
        if self._serving:
            # SIGTERM (an editor or CI stopping serve) ends it as an error would, and Ctrl-C,
            # which reaches it twice through `uv run`, interrupts it once: either way the site
            # generator's own clean-up runs to its end, so its temporary site folder is removed.
            exit_on_sigterm()
            interrupt_once()

    def on_shutdown(self) -> None:
        if self._serve is not None:
            self._serve.close()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        # Resolved: mike passes a relative config path, and the bundle child runs elsewhere.
        project = Path(config.config_file_path).resolve().parent
        edition = _edition(config)
        # Facts only the site generator knows, placeable like any value (e.g. on the handout).
        self._site_values = {
            "site_url": config.site_url or "(site_url not set in mkdocs.yml)",
            "published_address": published_address(edition),
        }
        self._runtime_job = RuntimeJob()
        if self._serving and self._serve is None:
            self._serve = ServeSession(
                project / self.config.serve_signal_dir, ahead=self.config.serve_ahead
            )
        serve = self._serve
        cache, study, patients = (
            project / self.config.cache_dir,
            self.study_file,
            self.patients_file,
        )
        self._stashes, self._pictures_held = {}, {}  # nothing of a build that failed
        early, self._early = self._early, None
        try:
            self._job = (
                start_bundle(
                    cache,
                    study_file=study,
                    patients_file=patients,
                    spawn=serve.spawn,
                    running=serve.running_bundle() or early,
                    pictures_last=True,
                )
                if serve
                else start_bundle(cache, study_file=study, patients_file=patients, running=early)
            )
        finally:
            if early is not None and early is not self._job:  # its inputs changed meanwhile
                early.end()
        if serve is not None:
            serve.started(self._job)
        self._bundle = None
        log.info(
            "analysis bundle %s: %s",
            self._job.key,
            "cached" if self._job.cached else "computing in a child process",
        )
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        bundle = self.bundle()
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
        if preview_png(self.config.preview_chart) not in bundle.external:
            charts = sorted(p for p in bundle.external if p.endswith(".png"))
            msg = (
                f"{NAME}: preview_chart {self.config.preview_chart!r} has no PNG; "
                f"expected one of the charts drawn: {charts}"
            )
            raise PluginError(msg)
        return files

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        # The last hook before MkDocs writes files: everything computed must be there by now.
        if self._serve is not None:  # before any page's template is loaded
            env.bytecode_cache = self._serve.templates
        if not self.config.enabled or self._job is None:
            return env
        try:
            self._pictures(files)
        except AnalysisError as exc:
            raise PluginError(f"analysis failed:\n{exc}") from None
        return env

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or not page.file.src_uri.endswith(".md"):
            return markdown
        try:
            markdown, stash = inject(markdown, self.bundle(), where=f"docs/{page.file.src_uri}")
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None
        self._stashes[page.file.src_uri] = stash
        return markdown

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        self._pictures_held.pop(page.file.src_uri, None)  # none left from a failed build
        stash = self._stashes.pop(page.file.src_uri, None)
        if stash is None or not stash.blocks:
            return html
        root = (get_relative_url(".", page.url) or ".").rstrip("/") + "/"
        where = f"docs/{page.file.src_uri}"
        held: dict[str, str] = {}
        try:
            # The blocks in the page's order: the first chart among them is the page's first.
            chart = first_chart("".join(stash.blocks.values()))
            # The charts' drawings stay out of what the other plugins read (the search plugin
            # would parse every SVG's markup, though it indexes only their text): on_post_page.
            html = restore_blocks(html, stash, root=root, where=where, held=held)
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None
        if chart is not None:  # the page's first chart previews it when a link is shared
            self._previews[page.file.src_uri] = chart
        self._pictures_held[page.file.src_uri] = held
        return html

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """The charts' drawings back into the written page (held from the other plugins: the
        search plugin would parse every SVG's markup, though it indexes none of it)."""
        held = self._pictures_held.pop(page.file.src_uri, None)
        if not held:
            return output
        try:
            return restore_pictures(output, held, where=f"docs/{page.file.src_uri}")
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """The page's Open Graph and Twitter card tags, with its description and chart preview
        (``study_head.social`` in overrides/main.html)."""
        if not self.config.enabled:
            return context
        site = _edition(config)["url"]
        name, alt = self._previews.get(
            page.file.src_uri,
            (self.config.preview_chart, f"Chart from {config.site_name}"),
        )
        title = config.site_name if page.is_homepage else f"{page.title} — {config.site_name}"
        description = (page.meta or {}).get("description") or (
            f"{page.title}: {config.site_description or config.site_name}"
        )
        cast("dict[str, Any]", context).setdefault("study_head", {})["social"] = social_tags(
            title=title,
            description=" ".join(str(description).split()),
            url=page.canonical_url or f"{site}{page.url}",
            image=f"{site}{preview_png(name)}",
            image_alt=alt,
            site_name=config.site_name,
        )
        return context

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
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

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._serve is not None and self.config.enabled:
            self._serve.after_build()

    # Helpers ------------------------------------------------------------------------------

    def _runtime(self) -> Path:
        assert self._runtime_job is not None
        try:
            return self._runtime_job.result()
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None

    def _pictures(self, files: Files) -> None:
        """Wait for the bundle's pictures; under serve, older ones stand in while drawn."""
        assert self._job is not None
        if self._serve is None:
            self._job.finish()
            return
        entry = self._serve.pictures_entry(self._job)
        if entry is None or entry == self._job.entry:
            return
        for path in self.bundle().external:
            file = files.get_file_from_path(path)
            stand_in = self._serve.stand_in(entry, path)
            if file is not None and stand_in.exists():
                file.abs_src_path = str(stand_in)


def _edition(config: MkDocsConfig) -> dict[str, Any]:
    """The build's edition, which the ``study-citation`` plugin sets before this one runs."""
    edition = config.extra.get("edition")
    if not isinstance(edition, dict):
        msg = f"{NAME}: no edition in config.extra; list study-citation before {NAME} in mkdocs.yml"
        raise PluginError(msg)
    return edition


def analysis_plugin(config: MkDocsConfig, *, needed_by: str) -> ArtifactsPlugin:
    """The site's ``study-analysis`` plugin, which ``needed_by`` reads the analysis from."""
    plugin = config.plugins.get(NAME)
    if not isinstance(plugin, ArtifactsPlugin) or not plugin.config.enabled:
        msg = f"{needed_by}: needs the {NAME} plugin in mkdocs.yml, enabled (it computes the analysis)"
        raise PluginError(msg)
    return plugin
