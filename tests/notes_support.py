"""Helpers for the notes tests: a tiny docs folder and a note writer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

TODAY = dt.date(2026, 11, 25)
FRONT = """---
author:
  name: Ada Reader
date: 2026-11-20
kind: pearl
page: results.md
section: survival
---
"""


def make_docs(root: Path) -> Path:
    """A docs folder with two pages and an empty notes folder."""
    docs = root / "docs"
    (docs / "notes").mkdir(parents=True)
    (docs / "results.md").write_text("# Results\n\n## Survival\n\nText.\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "notes" / "index.md").write_text("# Notes\n\n<!-- notes-index -->\n")
    return docs


def write_note(docs: Path, body: str, *, name: str = "a-note.md", front: str = FRONT) -> Path:
    """Write a note (front matter + body) into ``docs/notes``; return its path."""
    path = docs / "notes" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front + body, encoding="utf-8")
    return path
