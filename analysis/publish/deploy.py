"""Publish an edition of the site to the ``gh-pages`` branch with mike, all or nothing.

``python -m analysis publish 2026.2 --alias latest`` (or ``make publish VERSION=2026.2
ALIAS=latest``) is the one command CI and maintainers use. It refuses, changing nothing, when
the working tree is dirty, the edition name is malformed, the edition differs from the version
typed in ``CITATION.cff``, or the edition was already published from another commit. It then builds
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
    VERSION_FILE,
    VERSION_VAR,
    edition_key,
    parse_edition_name,
    project_version,
)

__all__ = [
    "PREVIEW_ROOT",
    "RESERVED_ALIASES",
    "PublishPlan",
    "check_remote",
    "plan_publish",
    "publish",
    "publish_command",
    "repository_urls",
    "strict_build",
]

BRANCH = "gh-pages"
LATEST = "latest"
PREVIEW_ROOT = "pr"  # pull-request previews live in pr/<N>/ on gh-pages
RESERVED_ALIASES = frozenset({PREVIEW_ROOT})  # an alias folder there would mix with previews
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


def check_remote(project: Path, remote: str) -> None:
    """Refuse ``remote`` unless it names a git remote of ``project`` (not a path or URL): the
    commands keep its ``gh-pages`` under ``refs/remotes/<remote>/``, which a path cannot name."""
    named = _git(project, "remote", "get-url", "--", remote, check=False).returncode == 0
    ref = _git(project, "check-ref-format", f"refs/remotes/{remote}/{BRANCH}", check=False)
    if not named or ref.returncode != 0 or remote.startswith("-"):
        msg = (
            f"--remote {remote!r}: no git remote of that name (a path or address is not one); "
            "expected a name from `git remote -v`, e.g. origin (add one with `git remote add "
            "NAME URL`); nothing was pushed"
        )
        raise PublishError(msg)


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
        if alias in RESERVED_ALIASES:
            msg = (
                f"alias {alias!r} is reserved: {PREVIEW_ROOT}/ on {BRANCH} holds the "
                f"pull-request previews; expected another word, such as {LATEST!r}"
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
            f"edition {version} does not match the version in {VERSION_FILE} ({declared}): "
            f'set `version: "{version}"` there, rename "## Unreleased" in CHANGELOG.md to '
            f'"## {version}", commit, then publish'
        )
        raise PublishError(msg)

    commit = _git(project, "rev-parse", "HEAD").stdout.strip()
    commit_time = _git(project, "log", "-1", "--format=%ct", "HEAD").stdout.strip()

    check_remote(project, remote)
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


_RACES = 5  # pushes made again after another writer (a preview) moved gh-pages meanwhile


def _changed_paths(project: Path, old: str | None, new: str) -> set[str]:
    """Files that differ between commits ``old`` and ``new`` (every file of ``new`` if no
    ``old``)."""
    if old is None:
        names = _git(project, "ls-tree", "-r", "-z", "--name-only", new).stdout
    else:
        names = _git(
            project, "diff-tree", "-r", "--no-renames", "--name-only", "-z", old, new
        ).stdout
    return {name for name in names.split("\0") if name}


def _folders(paths: set[str]) -> set[str]:
    return {path.rsplit("/", n)[0] for path in paths for n in range(1, path.count("/") + 1)}


def _overlaps(ours: set[str], theirs: set[str]) -> set[str]:
    """Paths of ``ours`` equal to a path of ``theirs``, or a folder of one, or inside one."""
    return {p for p in ours if p in theirs or p in _folders(theirs)} | (_folders(ours) & theirs)


def _plumbing(project: Path, env: dict[str, str], *args: str, stdin: str = "") -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=project,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise PublishError(f"git {args[0]} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def replay_commits(project: Path, old_base: str | None, ours: str, new_base: str) -> str:
    """The commits ``old_base..ours``, made again one by one on top of ``new_base`` with the
    same changes, messages and authors; raise :class:`PublishError` if ``old_base..new_base``
    changed any path they change (then the two writers' work cannot both be kept)."""
    theirs = _changed_paths(project, old_base, new_base)
    span = f"{old_base}..{ours}" if old_base else ours
    parent = new_base
    for commit in _git(project, "rev-list", "--reverse", span).stdout.split():
        mine = _changed_paths(project, _rev(project, f"{commit}^"), commit)
        clash = _overlaps(mine, theirs)
        if clash:
            msg = (
                f"{BRANCH} changed meanwhile in the same files as this publish "
                f"({', '.join(sorted(clash)[:5])}), so nothing was pushed: publish again"
            )
            raise PublishError(msg)
        author = _git(project, "log", "-1", "--format=%an%x00%ae%x00%aI", commit).stdout
        name, email, date = author.strip().split("\0")
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
            env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=date)
            _plumbing(project, env, "read-tree", parent)
            entries = []
            for path in sorted(mine):
                listed = _git(project, "ls-tree", "-z", commit, "--", path).stdout.rstrip("\0")
                entries.append(listed or f"0 {'0' * 40}\t{path}")  # "<mode> <type> <id>\t<path>"
            _plumbing(
                project, env, "update-index", "-z", "--index-info", stdin="\0".join(entries) + "\0"
            )
            tree = _plumbing(project, env, "write-tree")
            message = _git(project, "log", "-1", "--format=%B", commit).stdout
            parent = _plumbing(project, env, "commit-tree", tree, "-p", parent, stdin=message)
    return parent


def _push_replaying(project: Path, remote: str, base: str | None) -> None:
    """Push the local gh-pages; if another writer moved the remote's meanwhile (a preview),
    make this publish's commits again on top of what it pushed, and push that."""
    for _ in range(_RACES):
        refspec = f"refs/heads/{BRANCH}:refs/heads/{BRANCH}"
        pushed = _git(project, "push", "--quiet", remote, refspec, check=False)
        if pushed.returncode == 0:
            return
        heads = _git(project, "ls-remote", "--heads", remote, BRANCH).stdout.split()
        now = heads[0] if heads else None
        if now is None or now == base:  # not a race: the remote refused the push itself
            detail = (pushed.stderr or pushed.stdout).strip()
            raise PublishError(f"git push to {remote} failed: {detail}")
        _git(
            project,
            "fetch",
            "--quiet",
            remote,
            f"+refs/heads/{BRANCH}:refs/remotes/{remote}/{BRANCH}",
        )
        local = _git(project, "rev-parse", f"refs/heads/{BRANCH}").stdout.strip()
        replayed = replay_commits(project, base, local, now)
        _git(project, "update-ref", f"refs/heads/{BRANCH}", replayed, local)
        base = now
    msg = f"{remote}/{BRANCH} kept moving while this edition was pushed ({_RACES} tries)"
    raise PublishError(msg)


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
                _push_replaying(project, remote, remote_tip)
        except BaseException:
            if before is None:
                _git(project, "update-ref", "-d", f"refs/heads/{BRANCH}", check=False)
            else:
                _git(project, "update-ref", f"refs/heads/{BRANCH}", before, check=False)
            raise
    return plan


def publish_command(
    version: str, aliases: Sequence[str], *, remote: str, push: bool, project: Path
) -> int:
    """``python -m analysis publish``: publish, then say what went where."""
    plan = publish(project, version, aliases, remote=remote, push=push)
    names = ", ".join((plan.version, *plan.aliases))
    where = f"{plan.remote}/gh-pages" if push else "the local gh-pages branch"
    print(f"published {names} from {plan.commit[:12]} to {where}")
    return 0
