"""What the publish command is handed, run as Deploy and maintainers run it, through ``make``:
a version, an alias and a remote that try to run a command or take a preview's place, and a
push that loses a race with a preview.

Each test works in a scratch git repository (a copy of this project's files, its own history,
this checkout's ``.venv`` and ``.tools`` linked in) so that nothing can reach a real remote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testsupport.project import PROJECT

_SKIP = {".git", ".venv", ".tools", ".cache", "site", "__pycache__", ".pytest_cache"}
_SKIP |= {".ruff_cache", ".hypothesis", "node_modules"}
_LEAKY = {"VIRTUAL_ENV", "PYTHONPATH", "MIKE_DOCS_VERSION", "STUDY_SOURCE_COMMIT", "MAKEFLAGS"}
IDENTITY = {
    "GIT_AUTHOR_NAME": "github-actions[bot]",
    "GIT_AUTHOR_EMAIL": "bot@example.org",
    "GIT_COMMITTER_NAME": "github-actions[bot]",
    "GIT_COMMITTER_EMAIL": "bot@example.org",
}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def scratch_project(root: Path, *, whole: bool) -> Path:
    """A committed copy of the project (``whole``: everything a build needs; else only what
    ``make publish`` and ``make diff`` start from)."""
    work = root / "work"
    if whole:
        shutil.copytree(PROJECT, work, ignore=lambda _d, names: [n for n in names if n in _SKIP])
    else:
        work.mkdir()
        for name in ("Makefile", "pyproject.toml", "uv.lock", ".gitignore"):
            shutil.copy(PROJECT / name, work / name)
        shutil.copytree(
            PROJECT / "analysis", work / "analysis", ignore=lambda _d, n: _SKIP & set(n)
        )
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    subprocess.run(
        ["git", "commit", "-q", "-m", "project"],
        cwd=work,
        env={**os.environ, **IDENTITY},
        check=True,
    )
    for name in (".venv", ".tools"):
        (work / name).symlink_to(PROJECT / name)
    (work / ".git" / "info" / "exclude").write_text(".venv\n.tools\n", encoding="utf-8")
    return work


def make(work: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``make ARGS`` as a person types it; the environment is taken as installed (``-o``)."""
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    env.update(IDENTITY)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != bin_dir)
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.synced", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return scratch_project(tmp_path, whole=False)


HOSTILE = [  # (make arguments with {marker}, what the refusal says)
    (['VERSION=2026.1";touch {marker};"'], "edition name '2026.1\";touch"),
    (["VERSION=2026.1'; touch {marker}; '"], "edition name \"2026.1'; touch"),
    (["VERSION=$(shell touch {marker})"], "edition name '$(shell touch"),
    (["VERSION=`touch {marker}`"], "edition name '`touch"),
    (["VERSION=dev", 'ALIAS=latest";touch {marker};"'], "alias 'latest\";touch"),
    (["VERSION=dev", "REMOTE=$$(touch {marker})"], "--remote '$$(touch"),  # make's $$ is $
]


@pytest.mark.parametrize(("args", "message"), HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_a_version_alias_or_remote_is_data_to_make_publish_never_a_command(
    work: Path, args: list[str], message: str
) -> None:
    marker = work.parent / "pwned"
    result = make(work, "publish", *(a.format(marker=marker) for a in args))
    assert not marker.exists(), "the value ran as a command"
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_base_revision_is_data_to_make_diff_never_a_command(work: Path) -> None:
    marker = work.parent / "pwned"
    result = make(work, "diff", f'BASE=HEAD";touch {marker};"', "OUT=out/diff.md", "PR=7")
    assert not marker.exists(), "the value ran as a command"
    assert result.returncode != 0
    assert "no such commit" in result.stderr, result.stderr


def test_pr_is_reserved_and_refused_as_an_alias(work: Path) -> None:
    """pr/ on gh-pages holds the pull-request previews: an alias there would mix with them."""
    remote = work.parent / "remote.git"
    git(work.parent, "init", "-q", "--bare", str(remote))
    git(work, "remote", "add", "origin", str(remote))
    result = make(work, "publish", "VERSION=dev", "ALIAS=pr")
    assert result.returncode != 0
    assert "alias 'pr' is reserved: pr/ on gh-pages holds the pull-request previews" in (
        result.stderr
    )
    assert git(remote, "for-each-ref") == ""


def test_a_remote_given_as_a_path_is_refused_before_anything_runs(work: Path) -> None:
    remote = work.parent / "remote.git"
    git(work.parent, "init", "-q", "--bare", str(remote))
    result = make(work, "publish", "VERSION=dev", f"REMOTE={remote}")
    assert result.returncode != 0
    assert f"--remote '{remote}': no git remote of that name" in result.stderr
    assert git(remote, "for-each-ref") == ""


# The remote's pre-receive hook: on the first push only, a preview is pushed to gh-pages while
# the deploy's push is under way, so that the deploy's push loses the race.
A_PREVIEW_MEANWHILE = r"""#!/bin/sh
marker="$(git rev-parse --git-dir)/raced"
[ -e "$marker" ] && exit 0
touch "$marker"
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_INDEX_FILE="$(mktemp -u)"
git read-tree refs/heads/gh-pages
blob=$(printf 'a preview\n' | git hash-object -w --stdin)
git update-index --add --cacheinfo "100644,$blob,pr/7/index.html"
tree=$(git write-tree)
export GIT_AUTHOR_NAME=p GIT_AUTHOR_EMAIL=p@example.org GIT_COMMITTER_NAME=p GIT_COMMITTER_EMAIL=p@example.org
git update-ref refs/heads/gh-pages "$(git commit-tree "$tree" -p refs/heads/gh-pages -m preview)"
rm -f "$GIT_INDEX_FILE"
"""


@pytest.mark.slow  # publishes twice (four site builds)
def test_a_deploy_whose_push_loses_a_race_with_a_preview_keeps_both(tmp_path: Path) -> None:
    """Deploys and previews no longer share a queue, so a preview can reach gh-pages while dev
    is being published: Deploy's own command, `make publish VERSION=dev`, makes its commits
    again on top of the preview and pushes them."""
    work = scratch_project(tmp_path, whole=True)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "origin", "main")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(A_PREVIEW_MEANWHILE, encoding="utf-8")
    hook.chmod(0o755)
    (remote / "raced").touch()  # the first publish creates gh-pages undisturbed
    first = make(work, "publish", "VERSION=dev", timeout=1200)
    assert first.returncode == 0, first.stderr
    (remote / "raced").unlink()
    about = work / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA change on main.\n", "utf-8")
    git(work, "commit", "-q", "-am", "A change on main")
    result = make(work, "publish", "VERSION=dev", timeout=1200)
    assert result.returncode == 0, result.stderr
    files = git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert "pr/7/index.html" in files, "the preview pushed meanwhile is kept"
    assert "A change on main." in git(remote, "show", "gh-pages:dev/about/index.html")
    log = git(remote, "log", "--format=%s", "gh-pages").splitlines()
    assert log.index("preview") > 0, "the deploy's commits come after the preview's"
    assert git(work, "status", "--porcelain") == ""
