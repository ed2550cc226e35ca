"""``python -m analysis notes check``: the notes check for people, CI and pre-commit."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import NotesError
from .check import check_notes

__all__ = ["notes_check"]


def notes_check(docs: Path) -> int:
    """Check every note under ``docs/notes``; print one line per problem (file:line: [rule]
    what was found. Fix: how to fix it) and return 1 if there is any, else 0."""
    if not docs.is_dir():
        print(
            f"error: {docs} is not a folder (pass --docs with the site's docs folder)",
            file=sys.stderr,
        )
        return 2
    result = check_notes(docs)
    if result.problems:
        print(NotesError(result.problems), file=sys.stderr)
        return 1
    print(f"{len(result.notes)} note(s) in {docs / 'notes'}: all follow the rules")
    return 0
