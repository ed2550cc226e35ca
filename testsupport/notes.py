"""Notes: a tiny docs folder, a note writer, and a body as GitHub renders the *Note* issue form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from .project import PROJECT

__all__ = ["FORM", "FRONT", "TICKED", "TODAY", "form_body", "make_docs", "write_note"]

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
FORM = PROJECT / ".github" / "ISSUE_TEMPLATE" / "note.yml"
TICKED = (
    "- [X] Every fact in the note has a source listed above.\n"
    "- [X] The note is not medical advice for a particular patient."
)


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


def form_body(**answers: str) -> str:
    """A body as GitHub renders the Note form (``### Label``, the answer, ``_No response_`` for
    an empty optional field, ``- [X]`` for a ticked box); ``answers`` by field id replace the
    defaults."""
    values = {
        "topic": "Outcome in a later Japanese trial",
        "kind": "knowledge",
        "note": "A later trial, **MLL-10**, used a *risk-stratified* approach.",
        "sources": "doi:10.1182/blood.2019004741\nPMID 32845001",
        "page": "results.md",
        "section": "_No response_",
        "checks": TICKED,
        **answers,
    }
    fields = [f for f in yaml.safe_load(FORM.read_text(encoding="utf-8"))["body"] if "id" in f]
    return "\n\n".join(f"### {f['attributes']['label']}\n\n{values[f['id']]}" for f in fields)
