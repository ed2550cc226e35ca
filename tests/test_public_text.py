"""Public text names no internal tracker issue: a reader of the site or of the public repository
has no such issue to look up, so a page or a data file gives the reason itself."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from testsupport.project import PROJECT

# What a tracker reference looks like: "issue 8", "Issue #12", "issue #3".
TRACKER_REFERENCE = r"\bissue #?[0-9]+"
PUBLIC_FOLDERS = ("docs", "analysis/data")


def test_the_pages_and_data_files_name_no_tracker_issue() -> None:
    """The repository's own grep, as a reader (or CI) would run it."""
    result = subprocess.run(
        ["grep", "-rniE", TRACKER_REFERENCE, *PUBLIC_FOLDERS],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, f"tracker references found:\n{result.stdout}{result.stderr}"
    # …and the grep does look at files: the same command finds a word every page has.
    control = subprocess.run(
        ["grep", "-rliE", r"\bthe\b", *PUBLIC_FOLDERS],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "docs/appraisal.md" in control.stdout
    assert "analysis/data/appraisal.yaml" in control.stdout


def test_the_grep_pattern_finds_the_forms_a_tracker_reference_takes() -> None:
    for text in ("first draft, issue 8", "see Issue #12", "(issue #3)"):
        assert re.search(TRACKER_REFERENCE, text, flags=re.IGNORECASE), text
    for text in ("the issue of 2009", "tissue 8", "issues open"):
        assert not re.search(TRACKER_REFERENCE, text, flags=re.IGNORECASE), text


def test_the_built_pages_downloads_and_search_index_name_no_tracker_issue(
    built_site: Path,
) -> None:
    pattern = re.compile(TRACKER_REFERENCE, flags=re.IGNORECASE)
    files = [
        *built_site.rglob("*.html"),
        *(built_site / "downloads").rglob("*.yaml"),
        *(built_site / "downloads").rglob("*.csv"),
    ]
    index = built_site / "search" / "search_index.json"
    assert len([f for f in files if f.suffix == ".html"]) > 10
    assert any(f.name == "appraisal.yaml" for f in files)
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(built_site)}: {m.group(0)!r}" for m in pattern.finditer(text)]
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    assert len(docs) > 10
    for doc in docs:
        for m in pattern.finditer(doc["title"] + " " + doc["text"]):
            found.append(f"search index, {doc['location']}: {m.group(0)!r}")
    assert found == []
