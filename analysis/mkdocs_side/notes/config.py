"""The ``study-notes`` plugin's settings (``plugins: - study-notes:`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

__all__ = ["NotesConfig"]


class NotesConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs's Config.__init_subclass__ is unannotated
    enabled = c.Type(bool, default=True)
    """Check the notes and place them on their pages, on the Notes page and in the feed."""
    feed_limit = c.Type(int, default=50)
    """The newest notes the Atom feed (``notes/feed.xml``) lists."""
