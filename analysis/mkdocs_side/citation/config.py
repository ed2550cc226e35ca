"""The ``study-citation`` plugin's settings (``plugins: - study-citation:`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

__all__ = ["CitationConfig"]


class CitationConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs's Config.__init_subclass__ is unannotated
    enabled = c.Type(bool, default=True)
    """Offer the paper's and this edition's references ("Cite this edition", BibTeX and RIS
    downloads) and put the citation metadata in every page's head. The build's edition is
    given to the templates (``config.extra.edition``) either way."""
