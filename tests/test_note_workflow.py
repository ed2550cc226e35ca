"""scripts/note_from_issue.sh, the whole of the Note workflow's work, run as the workflow runs it:
in a clone whose `origin` is a bare repository on disk, with a fake `gh` that records what it
was asked to do (the real one would talk to GitHub)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from testsupport.notes import form_body
from testsupport.project import PROJECT

WORKFLOW = PROJECT / ".github" / "workflows" / "note-from-issue.yml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "github-actions[bot]",
    "GIT_AUTHOR_EMAIL": "bot@example.org",
    "GIT_COMMITTER_NAME": "github-actions[bot]",
    "GIT_COMMITTER_EMAIL": "bot@example.org",
}


# The stand-in for GitHub's `gh`: it logs each call (and the body file it is given) to GH_LOG,
# and keeps the repository's pull requests in GH_DB, answering as the real one does: `gh pr
# view BRANCH` finds the newest pull request of that branch in any state (closed ones too),
# `gh pr list --head BRANCH --state open` only the open ones.
FAKE_GH = r"""#!/usr/bin/env bash
{ printf "gh"; printf " %q" "$@"; printf "\n"; } >> "$GH_LOG"
for arg in "$@"; do
  if [ "${prev:-}" = --body-file ]; then cat "$arg" >> "$GH_LOG"; fi
  prev=$arg
done
exec python3 - "$@" << 'PY'
import json, os, sys
args, db_file = sys.argv[1:], os.environ["GH_DB"]
db = json.load(open(db_file)) if os.path.exists(db_file) else {"prs": [], "next": 43}
def option(name):
    return args[args.index(name) + 1] if name in args else None
prs = db["prs"]
if args[:2] == ["pr", "view"]:
    found = [p for p in prs if p["head"] == args[2]]
    if not found:
        sys.exit(1)
    print(found[-1]["url"])
elif args[:2] == ["pr", "list"]:
    found = [p for p in prs if p["head"] == option("--head")
             and option("--state") in (None, "all", p["state"])]
    if found:
        print(found[-1]["url"])
elif args[:2] == ["pr", "create"]:
    url = f"https://github.com/owner/repo/pull/{db['next']}"
    prs.append({"number": db["next"], "head": option("--head"), "state": "open", "url": url})
    db["next"] += 1
    print(url)
json.dump(db, open(db_file, "w"))
PY
"""


def _fake_gh(folder: Path) -> Path:
    script = folder / "gh"
    script.write_text(FAKE_GH, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def close_pull_requests(clone: Path) -> None:
    """A maintainer closes every pull request the bot opened (not merged)."""
    db_file = clone.parent / "gh-db.json"
    db = json.loads(db_file.read_text(encoding="utf-8"))
    for pr in db["prs"]:
        pr["state"] = "closed"
    db_file.write_text(json.dumps(db), encoding="utf-8")


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
    """The script as the workflow runs it; returns its result and this run's `gh` log."""
    log = clone.parent / "gh.log"
    log.unlink(missing_ok=True)
    environment = {
        **os.environ,
        **GIT_ENV,
        "PATH": f"{_fake_gh(clone.parent)}{os.pathsep}{os.environ['PATH']}",
        "GH_LOG": str(log),
        "GH_DB": str(clone.parent / "gh-db.json"),
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


def _comments(gh: str) -> list[str]:
    """The bodies of the issue comments in a `gh` log, each up to the next `gh` call."""
    parts = gh.split("gh issue comment 42 --body-file ")[1:]
    return [part.split("\n", 1)[1].split("\ngh ", 1)[0] for part in parts]


def test_a_note_with_thousands_of_html_tags_still_gets_an_answer_that_fits_a_comment(
    clone: Path,
) -> None:
    """8,000 unclosed "<a" once gave 67 MB of problems, a comment GitHub refuses: the reader
    got nothing. Each message is cut and a note's messages are capped."""
    result, gh = run_script(clone, form_body(note="<a" * 8000))
    assert result.returncode == 0, result.stderr
    (comment,) = _comments(gh)
    assert len(comment) < 20_000, len(comment)
    assert "form field 'The note': [forbidden-html]" in comment
    assert "7980 more HTML tag(s) or comment(s) after these 20" in comment
    assert "gh pr create" not in gh


@pytest.mark.parametrize(
    ("field", "answer", "shown"),
    [
        ("topic", "Outcome\u2028---\u2028kind: pearl", "U+2028"),
        ("topic", "Outcome\u2029later", "U+2029"),
        ("topic", "Outcome\u0085later", "U+0085"),
        ("topic", "Outcome \x1b[31mred", "U+001B"),
        ("page", "results\u2028.md", "U+2028"),
        ("section", "survival\x07", "U+0007"),  # an environment variable holds no NUL
    ],
)
def test_a_one_line_field_with_a_control_or_line_separator_character_is_refused_by_name(
    clone: Path, field: str, answer: str, shown: str
) -> None:
    labels = {"topic": "Topic", "page": "Page", "section": "Section"}
    result, gh = run_script(clone, form_body(**{field: answer}))
    assert result.returncode == 0, result.stderr
    (comment,) = _comments(gh)
    assert f"form field '{labels[field]}': found a control or line-separator character" in comment
    assert shown in comment
    assert "not valid YAML" not in comment
    assert _remote_files(clone, "note/issue-42") == []


def test_relabelling_after_the_pull_request_was_closed_opens_a_new_one_on_a_new_branch(
    clone: Path,
) -> None:
    first, gh = run_script(clone, form_body(section="salvage-and-transplant"))
    assert first.returncode == 0, first.stderr
    origin = clone.parent / "origin.git"
    rev = ["git", "-C", str(origin), "rev-parse", "note/issue-42"]
    old_tip = subprocess.run(rev, capture_output=True, text=True, check=True).stdout
    close_pull_requests(clone)

    again, gh = run_script(clone, form_body(section="salvage-and-transplant", topic="Later"))
    assert again.returncode == 0, again.stderr
    assert "gh pr create --base main --head note/issue-42-2 " in gh
    (comment,) = _comments(gh)
    assert "https://github.com/owner/repo/pull/44" in comment, "the new pull request"
    assert "pull/43" not in comment, "never the closed one"
    tip = subprocess.run(rev, capture_output=True, text=True, check=True).stdout
    assert tip == old_tip, "the closed pull request's branch is left as it was"
    assert any(f.endswith("issue-42-later.md") for f in _remote_files(clone, "note/issue-42-2"))


def test_relabelling_while_the_pull_request_is_open_updates_it(clone: Path) -> None:
    first, _ = run_script(clone, form_body(section="salvage-and-transplant"))
    assert first.returncode == 0, first.stderr
    again, gh = run_script(clone, form_body(section="salvage-and-transplant", topic="Later"))
    assert again.returncode == 0, again.stderr
    assert "gh pr create" not in gh
    (comment,) = _comments(gh)
    assert "https://github.com/owner/repo/pull/43" in comment
    assert any(f.endswith("issue-42-later.md") for f in _remote_files(clone, "note/issue-42"))
    assert _remote_files(clone, "note/issue-42-2") == []


def test_the_bot_answers_even_when_the_note_command_fails_unexpectedly(clone: Path) -> None:
    broken = clone.parent / "broken-python"
    broken.write_text("#!/bin/sh\necho 'Traceback: something broke' >&2\nexit 1\n", "utf-8")
    broken.chmod(0o755)
    result, gh = run_script(clone, form_body(), PYTHON=str(broken))
    assert result.returncode != 0, "the workflow run still fails, for a maintainer to see"
    (comment,) = _comments(gh)
    assert "could not turn this issue into a note" in comment
    assert "Traceback" not in comment
