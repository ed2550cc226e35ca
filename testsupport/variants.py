"""One changed copy of the site, built once, for every test that reads a changed but valid site.

Each change is one a test checks; they touch different pages, so one build serves them all:

* the salvage remission edited from 15/37 to 16/37 in the copy's own study file
  (``tests/test_site_build.py``: an edited number is recomputed on the next build);
* a reader's note on ``checks.md#open-questions``, written by ``python -m analysis notes
  from-issue`` from a *Note* form body (``tests/test_notes_suggest.py``);
* built with a GitHub repository address (``REPO_URL``), as the publish command sets it, so each
  notes section links to the Note form (``tests/test_notes_suggest.py``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .notes import form_body
from .project import PROJECT, STUDY_FILE, copy_site_sources, run_mkdocs_build

__all__ = ["EDITED_REMISSION", "READER_NOTE", "REPO_URL", "build_changed_site", "use_study_text"]

# (before, after) in study.yaml: the salvage remission rate.
EDITED_REMISSION = (
    "numerator: 15\n    denominator: 37\n    percent: 40.5",
    "numerator: 16\n    denominator: 37\n    percent: 43.2",
)
REPO_URL = "https://github.com/owner/study-site"
READER_NOTE = "2026-11-20-issue-7-outcome-in-a-later-japanese-trial"  # its slug


def use_study_text(project: Path, text: str) -> None:
    """Give a copy of the site its own study file holding ``text`` (the plugin's ``study``)."""
    (project / "study.yaml").write_text(text, encoding="utf-8")
    config = project / "mkdocs.yml"
    setting = "  - study-analysis:\n"
    assert setting in config.read_text(encoding="utf-8"), "mkdocs.yml: no study-analysis plugin"
    config.write_text(
        config.read_text(encoding="utf-8").replace(setting, f"{setting}      study: study.yaml\n"),
        encoding="utf-8",
    )


def build_changed_site(root: Path) -> Path:
    """Copy the site's sources under ``root``, make every change above, build strictly; return
    the built site (the build's output is in the assertion if it fails)."""
    project = copy_site_sources(root / "project")
    before, after = EDITED_REMISSION
    study = STUDY_FILE.read_text(encoding="utf-8")
    assert study.count(before) == 1, f"{STUDY_FILE}: the salvage remission is no longer {before!r}"
    use_study_text(project, study.replace(before, after))
    body = root / "body.md"
    body.write_text(form_body(page="checks.md", section="open-questions"), encoding="utf-8")
    command = [sys.executable, "-m", "analysis", "notes", "from-issue", str(body)]
    command += ["--number", "7", "--author", "ada-reader", "--date", "2026-11-20"]
    made = subprocess.run(
        [*command, "--docs", str(project / "docs")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert (project / "docs" / "notes" / f"{READER_NOTE}.md").is_file(), made.stdout
    site = root / "site"
    built = run_mkdocs_build(site, project=project, extra_env={"REPO_URL": REPO_URL})
    assert built.returncode == 0, built.stderr
    return site
