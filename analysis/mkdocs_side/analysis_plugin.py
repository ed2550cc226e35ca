"""MkDocs glue for the analysis (with the notes plugin, the only modules that import MkDocs).

Thin hooks around :mod:`analysis.mkdocs_side.bundle` and :mod:`analysis.mkdocs_side.inject`;
nothing in the analysis imports this module. Under ``serve`` the plugin lives across rebuilds
(it has ``on_startup``) and puts the pages first after an edit (:mod:`analysis.mkdocs_side.serve`).
"""

from __future__ import annotations

import html as html_lib
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
from ..publish.citation import (
    Summary,
    edition_bibtex,
    edition_jsonld,
    edition_ris,
    jsonld_script_text,
    social_tags,
)
from ..publish.edition import Edition, current_edition
from ..wire.bundle import Bundle
from ..wire.digest import PACKAGE_DIR
from .artifacts.inject import Stash, inject, restore_blocks
from .artifacts.jobs import BundleJob, RuntimeJob, start_bundle
from .artifacts.serve import ServeSession
from .notebooks.job import NotebookJob
from .notebooks.page import clean_notebook_html

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
    # The chart whose build-time PNG previews a page that has no chart of its own.
    preview_chart = c.Type(str, default="patient_flow")
    serve_signal_dir = c.Type(str, default=".cache/serve")  # watched by serve (see serve.py)


# The reference downloads "Cite this edition" offers (site paths), and the names they save as.
CITE_FILES = {
    "paper_bib": "cite/paper.bib",
    "paper_ris": "cite/paper.ris",
    "edition_bib": "cite/edition.bib",
    "edition_ris": "cite/edition.ris",
}
# A page's first chart: the stem of its downloads (a reconstructed chart's starts with
# "reconstructed-") from its spec's address, and its text alternative.
_CHART_ON_PAGE = re.compile(
    r'data-chart="[^"]+" data-spec="[^"]*downloads/charts/([^"/]+)\.vg\.json"[^>]*>'
    r'.*?aria-label="([^"]*)"',
    re.DOTALL,
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
        self._cite_texts: dict[str, str] = {}
        self._head: dict[str, object] = {}
        self._previews: dict[str, tuple[str, str]] = {}
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
        edition = _set_edition(config, project)
        if not self.config.enabled:
            return config
        study = Path(self.config.study) if self.config.study else None
        self._citation_metadata(config, project, edition, study)
        # Facts only the site generator knows, placeable like any value (e.g. on the handout).
        self._site_values = {
            "site_url": config.site_url or "(site_url not set in mkdocs.yml)",
            "published_address": _published_address(config.extra["edition"]),
        }
        self._runtime_job = RuntimeJob()
        patients = Path(self.config.patients).resolve() if self.config.patients else None
        if self._serving and self._serve is None:
            self._serve = ServeSession(project / self.config.serve_signal_dir)
        serve = self._serve
        self._job = start_bundle(
            project / self.config.cache_dir,
            study_file=study,
            patients_file=patients,
            **(
                {"spawn": serve.spawn, "running": serve.running_bundle(), "pictures_last": True}
                if serve
                else {}
            ),
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

    def _citation_metadata(
        self, config: MkDocsConfig, project: Path, edition: Edition, study: Path | None
    ) -> None:
        """The paper's and this edition's references, from study.yaml and the build's edition."""
        from ..study.citation import (
            doi_url,
            paper_bibtex,
            paper_highwire_tags,
            paper_jsonld,
            paper_ris,
        )
        from ..study.load import STUDY_FILE, load_study

        try:
            paper = load_study(study or STUDY_FILE).citation
        except AnalysisError as exc:
            raise PluginError(f"analysis failed:\n{exc}") from None
        summary = Summary(
            title=config.site_name,
            description=config.site_description or "",
            url=config.extra["edition"]["url"],
            edition=edition,
            authors=_cff_authors(project / "CITATION.cff"),
            about=doi_url(paper),
        )
        self._cite_texts = {
            CITE_FILES["paper_bib"]: paper_bibtex(paper),
            CITE_FILES["paper_ris"]: paper_ris(paper),
            CITE_FILES["edition_bib"]: edition_bibtex(summary),
            CITE_FILES["edition_ris"]: edition_ris(summary),
        }
        first_author = paper.authors[0].split()[-1]
        config.extra["cite"] = {
            **CITE_FILES,
            "paper_name": f"{first_author}{paper.date.year}",
            "edition_name": f"summary-{summary.version}",
        }
        self._head = {
            "highwire": paper_highwire_tags(paper),
            "jsonld": jsonld_script_text(paper_jsonld(paper), edition_jsonld(summary)),
        }

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
        for path, text in self._cite_texts.items():
            files.append(File.generated(config, path, content=text))
        if _preview_png(self.config.preview_chart) not in bundle.external:
            charts = sorted(p for p in bundle.external if p.endswith(".png"))
            msg = (
                f"study-analysis: preview_chart {self.config.preview_chart!r} has no PNG; "
                f"expected one of the charts drawn: {charts}"
            )
            raise PluginError(msg)
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
        if self._serve is not None:  # before any page's template is loaded
            env.bytecode_cache = self._serve.templates
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
            html = restore_blocks(html, stash, root=root, where=f"docs/{page.file.src_uri}")
        except AnalysisError as exc:
            raise PluginError(str(exc)) from None
        chart = _CHART_ON_PAGE.search(html)
        if chart is not None:  # the page's first chart previews it when a link is shared
            self._previews[page.file.src_uri] = (chart.group(1), html_lib.unescape(chart.group(2)))
        return html

    def on_page_context(
        self, context: dict, *, page: Page, config: MkDocsConfig, nav: object
    ) -> dict | None:
        """Per-page head metadata for overrides/main.html: the paper's Highwire tags, JSON-LD,
        and Open Graph / Twitter tags with the page's description and chart preview."""
        if not self.config.enabled or not self._head:
            return context
        site = config.extra["edition"]["url"]
        name, alt = self._previews.get(
            page.file.src_uri,
            (self.config.preview_chart, f"Chart from {config.site_name}"),
        )
        title = config.site_name if page.is_homepage else f"{page.title} — {config.site_name}"
        description = (page.meta or {}).get("description") or (
            f"{page.title}: {config.site_description or config.site_name}"
        )
        context["study_head"] = {
            **self._head,
            "social": social_tags(
                title=title,
                description=" ".join(str(description).split()),
                url=page.canonical_url or f"{site}{page.url}",
                image=f"{site}{_preview_png(name)}",
                image_alt=alt,
                site_name=config.site_name,
            ),
        }
        return context

    def _external_styles(self, html: str, root: str) -> str:
        """Move a rendered notebook's inline styles (~600 KB) into one cacheable CSS file."""
        page = clean_notebook_html(html)
        if not page.css:
            return page.html
        self._notebook_css[page.css_name] = page.css
        return f'<link rel="stylesheet" href="{root}{page.css_name}">\n{page.html}'

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


def _preview_png(stem: str) -> str:
    """The site path of a chart's PNG, from the stem of its downloads' names."""
    return f"downloads/charts/{stem}.png"


def _cff_authors(path: Path) -> tuple[str, ...]:
    """The authors CITATION.cff credits (``name``, or given and family names); none if absent."""
    import yaml

    if not path.is_file():
        return ()
    authors = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("authors") or []
    names = (
        a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p)
        for a in authors
    )
    return tuple(n for n in names if n)


def _published_address(edition: dict[str, str | None]) -> str:
    """ " · online at URL" for a build the publish command made (an edition or dev), else "".

    An unpublished preview has no address a reader could return to: its ``site_url`` is the
    local default (``http://127.0.0.1:8000/``) or wherever it happens to be served.
    """
    if edition["kind"] == "preview" or not edition["url"]:
        return ""
    return f" · online at {edition['url']}"


def _set_edition(config: MkDocsConfig, project: Path) -> Edition:
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
    return edition
