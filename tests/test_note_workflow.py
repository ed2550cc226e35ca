"""scripts/note_from_issue.sh, the whole of the Note workflow's work, run as the workflow runs it:
in a clone whose `origin` is a bare repository on disk, with a fake `gh` that records what it
was asked to do (the real one would talk to GitHub)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import PROJECT
from .test_notes_from_issue import form_body

WORKFLOW = PROJECT / ".github" / "workflows" / "note-from-issue.yml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "github-actions[bot]",
    "GIT_AUTHOR_EMAIL": "bot@example.org",
    "GIT_COMMITTER_NAME": "github-actions[bot]",
    "GIT_COMMITTER_EMAIL": "bot@example.org",
}


def _fake_gh(folder: Path) -> Path:
    script = folder / "gh"
    script.write_text(
        "#!/usr/bin/env bash\n"
        '{ printf "gh"; printf " %q" "$@"; printf "\\n"; } >> "$GH_LOG"\n'
        'for arg in "$@"; do\n'
        '  if [ "${prev:-}" = --body-file ]; then cat "$arg" >> "$GH_LOG"; fi\n'
        "  prev=$arg\n"
        "done\n"
        'if [ "$1 $2" = "pr view" ]; then exit 1; fi\n'
        'if [ "$1 $2" = "pr create" ]; then echo https://github.com/owner/repo/pull/43; fi\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of the project's files (main branch) whose origin is a bare repository."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    work = tmp_path / "work"
    for name in ("analysis", "docs", "scripts", ".github"):
        shutil.copytree(PROJECT / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-C", str(work)]
    env = {**os.environ, **GIT_ENV}
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "project"], check=True, env=env)
    subprocess.run([*git, "remote", "add", "origin", str(origin)], check=True)
    subprocess.run([*git, "push", "-q", "origin", "main"], check=True)
    return work


def run_script(clone: Path, body: str, **env: str) -> tuple[subprocess.CompletedProcess, str]:
    log = clone.parent / "gh.log"
    environment = {
        **os.environ,
        **GIT_ENV,
        "PATH": f"{_fake_gh(clone.parent)}{os.pathsep}{os.environ['PATH']}",
        "GH_LOG": str(log),
        "PYTHON": sys.executable,
        "ISSUE_BODY": body,
        "ISSUE_NUMBER": "42",
        "ISSUE_AUTHOR": "ada-reader",
        "ISSUE_CREATED": "2026-11-26T09:30:00Z",
        **env,
    }
    result = subprocess.run(
        ["bash", str(clone / "scripts" / "note_from_issue.sh")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    return result, log.read_text(encoding="utf-8") if log.exists() else ""


def _remote_files(clone: Path, branch: str) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(clone.parent / "origin.git"), "ls-tree", "-r", "--name-only", branch],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.split() if out.returncode == 0 else []


def test_an_approved_note_is_pushed_to_its_branch_and_a_pull_request_is_opened(
    clone: Path,
) -> None:
    result, gh = run_script(clone, form_body(section="salvage-and-transplant"))
    assert result.returncode == 0, result.stderr
    note = "docs/notes/2026-11-26-issue-42-outcome-in-a-later-japanese-trial.md"
    assert note in _remote_files(clone, "note/issue-42")
    assert note not in _remote_files(clone, "main")
    assert "gh pr create --base main --head note/issue-42 --title Note\\ from\\ issue\\ #42" in gh
    assert "Closes #42" in gh
    assert "gh issue comment 42 --body-file" in gh
    assert "the note is in pull request https://github.com/owner/repo/pull/43" in gh


def test_a_note_with_problems_gets_them_as_an_issue_comment_and_no_branch(clone: Path) -> None:
    result, gh = run_script(clone, form_body(note="<script>alert(1)</script>"))
    assert result.returncode == 0, result.stderr
    assert _remote_files(clone, "note/issue-42") == []
    assert "gh pr create" not in gh
    assert "gh issue comment 42 --body-file" in gh
    assert "form field 'The note': [forbidden-html] a <script> element" in gh


def test_shell_syntax_in_the_issue_is_never_run(clone: Path) -> None:
    marker = clone.parent / "pwned"
    hostile = form_body(topic=f"$(touch {marker}) `touch {marker}`", note=f"'; touch {marker}; '")
    result, _ = run_script(clone, hostile, ISSUE_AUTHOR=f"x; touch {marker}")
    assert not marker.exists()
    assert result.returncode == 0, result.stderr  # the bad author login is reported on the issue


def test_the_workflow_runs_the_script_on_approval_with_the_issue_passed_through_env() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = workflow.get("on", workflow.get(True))
    assert on == {"issues": {"types": ["labeled"]}}
    (job,) = workflow["jobs"].values()
    assert "github.event.label.name == 'note-approved'" in job["if"]
    assert "contains(github.event.issue.labels.*.name, 'note')" in job["if"]
    run = [s for s in job["steps"] if "run" in s]
    assert run[-1]["run"] == "scripts/note_from_issue.sh"
    assert run[-1]["env"]["ISSUE_BODY"] == "${{ github.event.issue.body }}"
    assert all("${{" not in s["run"] for s in run)
