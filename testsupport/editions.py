"""An edition prepared the way CONTRIBUTING.md ("Editions and publishing") tells a maintainer."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["prepare_edition"]


def prepare_edition(repo: Path, version: str, *, entry: str | None = None) -> None:
    """Set ``version`` in ``repo``'s CITATION.cff (the one place it is typed) and give it its
    CHANGELOG.md heading: ``## Unreleased`` renamed, or, with ``entry``, a new section holding
    that line. No other file changes (uv.lock records no version)."""
    citation = repo / "CITATION.cff"
    text, found = re.subn(
        r'(?m)^version: ".*"$', f'version: "{version}"', citation.read_text(encoding="utf-8")
    )
    assert found == 1, f"{citation}: no version line to set"
    citation.write_text(text, encoding="utf-8")
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    if entry is None:
        assert "\n## Unreleased\n" in text, f"{changelog}: no '## Unreleased' to rename"
        text = text.replace("\n## Unreleased\n", f"\n## {version}\n", 1)
    else:
        text += f"\n## {version}\n\n{entry}\n"
    changelog.write_text(text, encoding="utf-8")
