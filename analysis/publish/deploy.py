"""Publish an edition of the site to the ``gh-pages`` branch with mike, all or nothing.

``python -m analysis publish 2026.2 --alias latest`` (or ``make publish VERSION=2026.2
ALIAS=latest``) is the one command CI and maintainers use. It refuses, changing nothing, when
the working tree is dirty, the edition name is malformed, the edition differs from the version
in ``pyproject.toml``, or the edition was already published from another commit. It then builds
the site strictly into a temporary folder (a failed build never reaches ``gh-pages``), lets mike
commit the edition and its aliases, commits a root ``404.html``, points the site root at
``latest``, and pushes once. If any step fails, the local ``gh-pages`` goes back to where it was.

mike runs as a subprocess: this module does not import MkDocs. Stopped by SIGTERM or Ctrl-C
(``python -m analysis publish`` turns SIGTERM into an exit), it ends the build or mike, and the
site generator mike started, before it puts ``gh-pages`` back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublishError
from ..lifetime import run_in_own_group
from .edition import (
    COMMIT_VAR,
    DEV,
    EDITION_PATTERN,
    VERSION_VAR,
    edition_key,
    parse_edition_name,
    project_version,
)

__all__ = ["PublishPlan", "plan_publish", "publish", "repository_urls", "strict_build"]

BRANCH = "gh-pages"
LATEST = "latest"
# Named on every command: ProperDocs reads mkdocs.yml without being told only as a legacy fallback.
CONFIG = "mkdocs.yml"
ALIAS_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
_GITHUB_REMOTE = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<slug>[\w.-]+/[\w.-]+?)(?:\.git)?/?$"
)


@dataclass(frozen=True)
class PublishPlan:
    """What a publish will do, decided before anything is built or committed."""

    version: str
    aliases: tuple[str, ...]
    remote: str
    commit: str
    commit_time: str
    remote_has_pages: bool


def _git(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        msg = f"git {' '.join(args)} failed: {(result.stderr or result.stdout).strip()}"
        raise PublishError(msg)
    return result


def _rev(project: Path, ref: str) -> str | None:
    result = _git(project, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return result.stdout.strip() or None


def repository_urls(project: Path, remote: str) -> dict[str, str]:
    """``REPO_URL`` and ``EDIT_URI`` for "edit this page" links, from a GitHub remote.

    Values already in the environment win; a remote that is not on GitHub gives none.
    """
    if os.environ.get("REPO_URL"):
        return {"REPO_URL": os.environ["REPO_URL"], "EDIT_URI": os.environ.get("EDIT_URI", "")}
    url = _git(project, "remote", "get-url", remote, check=False).stdout.strip()
    match = _GITHUB_REMOTE.match(url)
    if match is None:
        return {}
    return {"REPO_URL": f"https://github.com/{match['slug']}", "EDIT_URI": "edit/main/docs/"}


def _published_versions(project: Path, ref: str) -> list[dict[str, object]]:
    shown = _git(project, "show", f"{ref}:versions.json", check=False)
    if shown.returncode != 0:
        return []
    return list(json.loads(shown.stdout))


def plan_publish(
    project: Path, version: str, aliases: Sequence[str] = (), *, remote: str = "origin"
) -> PublishPlan:
    """Check everything that can be checked before building; raise :class:`PublishError`.

    Parameters
    ----------
    project
        The repository's working tree.
    version
        The edition to publish, ``YYYY.N`` or ``dev``.
    aliases
        Extra names for it, e.g. ``("latest",)``.
    remote
        The git remote whose ``gh-pages`` branch is the published site.
    """
    version = parse_edition_name(version)
    aliases = tuple(dict.fromkeys(aliases))
    for alias in aliases:
        if not ALIAS_PATTERN.match(alias) or alias == DEV or EDITION_PATTERN.match(alias):
            msg = (
                f"alias {alias!r} is malformed: expected a lower-case word such as "
                f"{LATEST!r}, not an edition name or {DEV!r}"
            )
            raise PublishError(msg)
    if version == DEV and LATEST in aliases:
        msg = f"the development edition cannot be {LATEST!r}: publish a numbered edition instead"
        raise PublishError(msg)

    dirty = _git(project, "status", "--porcelain", "--untracked-files=normal").stdout
    if dirty.strip():
        listing = "\n".join(f"  {line}" for line in dirty.splitlines()[:20])
        msg = (
            "the working tree has uncommitted changes, so the published edition would not "
            f"match any commit:\n{listing}\ncommit or stash them, then publish again"
        )
        raise PublishError(msg)

    declared = project_version(project)
    if version != DEV and version != declared:
        msg = (
            f"edition {version} does not match the version in pyproject.toml ({declared}): "
            f'set version = "{version}" there and in CITATION.cff, add a CHANGELOG.md '
            "entry, commit, then publish"
        )
        raise PublishError(msg)

    commit = _git(project, "rev-parse", "HEAD").stdout.strip()
    commit_time = _git(project, "log", "-1", "--format=%ct", "HEAD").stdout.strip()

    if _git(project, "remote", "get-url", remote, check=False).returncode != 0:
        msg = f"no git remote named {remote!r}; pass --remote NAME"
        raise PublishError(msg)
    heads = _git(project, "ls-remote", "--heads", remote, BRANCH).stdout.strip()
    remote_ref = f"refs/remotes/{remote}/{BRANCH}"
    if heads:
        _git(project, "fetch", "--quiet", remote, f"+refs/heads/{BRANCH}:{remote_ref}")
    published = _published_versions(project, remote_ref) if heads else []

    local = _rev(project, BRANCH)
    remote_tip = _rev(project, remote_ref) if heads else None
    if local is not None and local != remote_tip:
        ancestor = remote_tip is not None and (
            _git(project, "merge-base", "--is-ancestor", local, remote_tip, check=False).returncode
            == 0
        )
        if not ancestor:
            msg = (
                f"the local {BRANCH} branch has commits that are not on {remote}/{BRANCH} "
                f"(an unpushed mike deploy?): push them, or delete the local branch with "
                f"`git branch -D {BRANCH}`, then publish again"
            )
            raise PublishError(msg)

    for entry in published:
        if entry.get("version") != version:
            continue
        properties = entry.get("properties") or {}
        source = properties.get("commit") if isinstance(properties, dict) else None
        if version != DEV and source != commit:
            was = f"commit {str(source)[:12]}" if source else "an unrecorded commit"
            msg = (
                f"edition {version} is already published from {was}, and HEAD is "
                f"{commit[:12]}: an edition never changes once cited. Publish the change as "
                "the next edition (bump the version), or as dev"
            )
            raise PublishError(msg)

    if LATEST in aliases:
        newer = [
            str(e["version"])
            for e in published
            if EDITION_PATTERN.match(str(e.get("version", "")))
            and edition_key(str(e["version"])) > edition_key(version)
        ]
        if newer:
            msg = (
                f"edition {version} cannot become {LATEST!r}: newer edition(s) "
                f"{', '.join(sorted(newer, key=edition_key))} are already published"
            )
            raise PublishError(msg)

    return PublishPlan(version, aliases, remote, commit, commit_time, bool(heads))


def _mike() -> str:
    beside = Path(sys.executable).parent / "mike"
    found = str(beside) if beside.exists() else shutil.which("mike")
    if not found:
        msg = "mike is not installed: run `make .venv/.synced` (it is in the docs group)"
        raise PublishError(msg)
    return found


def _build_env(project: Path, plan: PublishPlan) -> dict[str, str]:
    env = dict(os.environ)
    # mike runs the `properdocs` command it finds on PATH (mike 2.2 prefers it to `mkdocs`
    # whenever ProperDocs is installed): this environment's.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    # The analysis package of the tree being published, not an installed copy from elsewhere.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(project), env.get("PYTHONPATH"))))
    env[VERSION_VAR] = plan.version
    env[COMMIT_VAR] = plan.commit
    env["SOURCE_DATE_EPOCH"] = plan.commit_time
    env.update(repository_urls(project, plan.remote))
    return env


def strict_build(project: Path, env: dict[str, str], site: Path) -> None:
    """Build ``project`` with ``properdocs build --strict`` into ``site``; raise PublishError if not.

    Parameters
    ----------
    project
        The repository's working tree (holds ``mkdocs.yml``).
    env
        The whole environment of the build (edition variables, ``SOURCE_DATE_EPOCH`` …).
    site
        The folder to build into.
    """
    # Not --quiet: it hides warnings from the strict mode's counter too (mkdocs/mkdocs#4126).
    command = [sys.executable, "-m", "properdocs", "build", "-f", CONFIG, "--strict"]
    command += ["-d", str(site)]
    result = run_in_own_group(command, cwd=project, env=env)  # ended with its children if stopped
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).splitlines()
        output = "\n".join(line for line in lines if not line.startswith("INFO")).strip()
        msg = f"the strict build failed, so nothing was published:\n{output}"
        raise PublishError(msg)


def _commit_root_file(project: Path, name: str, content: bytes, message: str) -> None:
    """Commit one file at the root of ``gh-pages`` (mike only writes inside editions)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}

        def git(*args: str, stdin: bytes | None = None) -> str:
            result = subprocess.run(
                ["git", *args], cwd=project, env=env, input=stdin, capture_output=True, check=False
            )
            if result.returncode != 0:
                raise PublishError(f"git {args[0]} failed: {result.stderr.decode().strip()}")
            return result.stdout.decode().strip()

        parent = git("rev-parse", BRANCH)
        git("read-tree", parent)
        blob = git("hash-object", "-w", "--stdin", stdin=content)
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}")
        tree = git("write-tree")
        if tree == git("rev-parse", f"{parent}^{{tree}}"):
            return
        new = git("commit-tree", tree, "-p", parent, "-m", message)
        git("update-ref", f"refs/heads/{BRANCH}", new, parent)


def _run(command: list[str], project: Path, env: dict[str, str], what: str) -> None:
    # mike runs the site generator as a process of its own: stopping mike alone would leave it.
    result = run_in_own_group(command, cwd=project, env=env)
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise PublishError(f"{what} failed, so nothing was published:\n{output}")


def publish(
    project: Path,
    version: str,
    aliases: Sequence[str] = (),
    *,
    remote: str = "origin",
    push: bool = True,
) -> PublishPlan:
    """Publish ``version`` (with ``aliases``) from ``project``'s HEAD to ``remote``'s gh-pages.

    Returns the plan that was carried out; raises :class:`PublishError` with nothing published
    (and the local ``gh-pages`` branch as it was) otherwise.
    """
    plan = plan_publish(project, version, aliases, remote=remote)
    env = _build_env(project, plan)
    before = _rev(project, BRANCH)
    remote_tip = _rev(project, f"refs/remotes/{remote}/{BRANCH}")
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        site = Path(tmp) / "site"
        strict_build(project, env, site)
        try:
            if remote_tip is not None:  # start from what is published
                _git(project, "update-ref", f"refs/heads/{BRANCH}", remote_tip)
            mike = _mike()
            deploy = [mike, "deploy", "--config-file", CONFIG, "--remote", remote]
            deploy += ["--update-aliases"]
            deploy += ["--prop-set-string", f"commit={plan.commit}"]
            _run([*deploy, plan.version, *plan.aliases], project, env, "mike deploy")
            if LATEST in plan.aliases:
                _commit_root_file(
                    project,
                    "404.html",
                    (site / "404.html").read_bytes(),
                    f"Root 404 page from edition {plan.version}",
                )
                default = [mike, "set-default", "--remote", remote, LATEST]
                _run(default, project, env, "mike set-default")
            if push:
                _git(project, "push", "--quiet", remote, f"refs/heads/{BRANCH}:refs/heads/{BRANCH}")
        except BaseException:
            if before is None:
                _git(project, "update-ref", "-d", f"refs/heads/{BRANCH}", check=False)
            else:
                _git(project, "update-ref", f"refs/heads/{BRANCH}", before, check=False)
            raise
    return plan
