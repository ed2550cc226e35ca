"""The ``study-citation`` plugin: the build's edition, and the paper's and this edition's
references, as downloads and as every page's head metadata.

Thin hooks around :mod:`analysis.publish.edition` and :mod:`analysis.publish.citation`; the
paper's reference is the analysis bundle's ``citation`` (read from ``study-analysis``), so no
data file is parsed here. List it before ``study-analysis`` and ``mike`` in mkdocs.yml: it
sets ``config.extra.edition`` from ``site_url`` before mike points that at the canonical
edition.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from ...errors import AnalysisError
from ...publish.citation import (
    Summary,
    cff_authors,
    edition_bibtex,
    edition_jsonld,
    edition_ris,
    jsonld_script_text,
)
from ...publish.edition import Edition, current_edition
from ..artifacts.plugin import analysis_plugin
from .config import CitationConfig

__all__ = ["CITE_FILES", "CitationPlugin"]

NAME = "study-citation"
log = logging.getLogger("mkdocs.plugins.study_citation")

# The reference downloads "Cite this edition" offers (site paths), and the names they save as.
CITE_FILES = {
    "paper_bib": "cite/paper.bib",
    "paper_ris": "cite/paper.ris",
    "edition_bib": "cite/edition.bib",
    "edition_ris": "cite/edition.ris",
}


class CitationPlugin(BasePlugin[CitationConfig]):  # type: ignore[no-untyped-call]  # mkdocs's BasePlugin.__init_subclass__ is unannotated
    """Gives the templates the build's edition and every page the references' metadata."""

    def __init__(self) -> None:
        self._edition: Edition | None = None
        self._head: dict[str, object] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Resolved: mike passes a relative config path.
        self._edition = _set_edition(config, Path(config.config_file_path).resolve().parent)
        self._head = {}
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        paper = analysis_plugin(config, needed_by=NAME).bundle().citation
        assert self._edition is not None
        project = Path(config.config_file_path).resolve().parent
        summary = Summary(
            title=config.site_name,
            description=config.site_description or "",
            url=config.extra["edition"]["url"],
            edition=self._edition,
            authors=cff_authors(project / "CITATION.cff"),
            about=str(paper["url"]),
        )
        texts = {
            CITE_FILES["paper_bib"]: str(paper["bibtex"]),
            CITE_FILES["paper_ris"]: str(paper["ris"]),
            CITE_FILES["edition_bib"]: edition_bibtex(summary),
            CITE_FILES["edition_ris"]: edition_ris(summary),
        }
        for path, text in texts.items():
            files.append(File.generated(config, path, content=text))
        config.extra["cite"] = {
            **CITE_FILES,
            "paper_name": paper["name"],
            "edition_name": f"summary-{summary.version}",
        }
        self._head = {
            "highwire": paper["highwire"],
            "jsonld": jsonld_script_text(json.loads(str(paper["jsonld"])), edition_jsonld(summary)),
        }
        return files

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """The paper's Highwire tags and the JSON-LD of the paper and this edition, for
        overrides/main.html (``study_head``)."""
        if self.config.enabled and self._head:
            cast("dict[str, Any]", context).setdefault("study_head", {}).update(self._head)
        return context


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
