"""The ``study-notebooks`` plugin's settings (``plugins: - study-notebooks:`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

__all__ = ["NotebooksConfig"]


class NotebooksConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs's Config.__init_subclass__ is unannotated
    enabled = c.Type(bool, default=True)
    """Execute the notebooks (when their inputs change) and show the executed copies."""
    notebooks = c.ListOfItems(c.Type(str), default=[])
    """The notebooks to execute, relative to the docs folder (mkdocs-jupyter renders them)."""
    cache_dir = c.Type(str, default=".cache/notebooks")
    """Where executed copies are kept, by the key of their inputs (relative to mkdocs.yml)."""
    serve_signal_dir = c.Type(str, default=".cache/serve")
    """Under ``serve``: the folder whose file says the work left after the pages is done (a
    rebuild follows; the same folder as ``study-analysis``'s)."""
