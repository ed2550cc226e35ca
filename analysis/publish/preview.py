"""Pull-request previews: the site of an open pull request at ``pr/<N>/`` on ``gh-pages``.

``python -m analysis preview publish --pr N --branch NAME`` builds the site strictly (or takes
an already built one with ``--site DIR``), stamps every page as a preview (a banner naming the
pull request and its branch, ``noindex``, no sitemap), and commits it to ``gh-pages`` under
``pr/<N>/``, replacing the previous preview of that pull request. ``preview remove --pr N``
deletes that folder. Neither touches ``versions.json``, the editions or the root files, so a
preview never appears in the edition selector or in search engines' view of the editions.

In CI the untrusted pull-request build only uploads its site and its event file; the trusted
job runs this command with ``--event FILE --head-sha SHA``, which reads the pull request's
number from the event file and believes it only after GitHub's API confirms that the pull
request is open and its head is that commit (and for ``remove``, that it is closed).

Commits are made with git plumbing on a temporary index, so the working tree and the local
``gh-pages`` branch are left alone; nothing is committed when the preview did not change.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublishError
from .deploy import BRANCH, repository_urls, strict_build

__all__ = [
    "PREVIEW_ROOT",
    "PreviewChange",
    "PullRequest",
    "parse_pr_number",
    "publish_preview",
    "pull_request_from_event",
    "remove_preview",
    "run_preview_command",
    "stamp_preview",
]

PREVIEW_ROOT = "pr"
BANNER_ID = "pull-request-preview"
ROBOTS = '<meta name="robots" content="noindex, nofollow">'
_MAX_LABEL = 200
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_BODY = re.compile(r"<body(?:\s[^>]*)?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class PullRequest:
    """The pull request a preview belongs to: its number and its head's ``owner:branch``."""

    number: int
    branch: str


@dataclass(frozen=True)
class PreviewChange:
    """What a preview command did on ``gh-pages``.

    Attributes
    ----------
    path
        The preview's folder on ``gh-pages``, ``pr/<N>``.
    commit
        The ``gh-pages`` commit that holds the change, or ``None`` if nothing changed.
    pages
        How many HTML pages were stamped (publish) or 0 (remove).
    """

    path: str
    commit: str | None
    pages: int = 0


def parse_pr_number(value: object) -> int:
    """Return ``value`` as a pull-request number (a positive integer); raise otherwise."""
    text = str(value).strip()
    if not re.fullmatch(r"[1-9][0-9]{0,8}", text):
        msg = f"pull request number {str(value)[:40]!r} is malformed: expected a positive integer"
        raise PublishError(msg)
    return int(text)


def _label(branch: str) -> str:
    cleaned = _CONTROL.sub(" ", branch).strip()[:_MAX_LABEL]
    if not cleaned:
        msg = f"branch name {branch[:40]!r} is empty: expected the pull request's branch name"
        raise PublishError(msg)
    return cleaned


def _banner(pr: PullRequest, pr_url: str | None) -> str:
    number = f"#{pr.number}"
    link = f'<a href="{html.escape(pr_url)}">{number}</a>' if pr_url else number
    return (
        f'<div id="{BANNER_ID}" role="note" data-pr="{pr.number}" style="padding:.6em 1em;'
        "background:#fff3cd;color:#3d2f00;border-bottom:2px solid #b58900;font:inherit;"
        'font-size:.8rem;text-align:center">'
        f"Preview of pull request {link} from branch <code>{html.escape(pr.branch)}</code>. "
        "This is not a published edition and may change or disappear: do not cite it."
        "</div>"
    )


def stamp_preview(site: Path, pr: PullRequest, *, pr_url: str | None = None) -> int:
    """Mark every page of the built ``site`` as a preview of ``pr``; return the pages stamped.

    Each HTML page gets ``<meta name="robots" content="noindex, nofollow">`` in its head and a
    banner naming the pull request and its branch (escaped) at the top of its body; the
    sitemap is removed so that nothing announces the preview to search engines.

    Parameters
    ----------
    site
        A built site (the output of ``properdocs build``); changed in place.
    pr
        The pull request shown in the banner.
    pr_url
        The pull request's address on GitHub, linked from the banner if given.
    """
    if not (site / "index.html").is_file():
        msg = f"{site} holds no index.html: expected a built site (properdocs build -d DIR)"
        raise PublishError(msg)
    banner = _banner(pr, pr_url)
    stamped = 0
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if BANNER_ID in text:  # stamped already (a re-run on the same folder)
            continue
        head, body = _HEAD.search(text), _BODY.search(text)
        if head is None:
            continue  # not a page (e.g. an HTML fragment)
        text = text[: head.end()] + ROBOTS + text[head.end() :]
        body = _BODY.search(text)
        if body is not None:
            text = text[: body.end()] + banner + text[body.end() :]
        page.write_text(text, encoding="utf-8")
        stamped += 1
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site / name).unlink(missing_ok=True)
    return stamped


def _git(project: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        command = " ".join(a for a in args[:4] if not a.startswith("--work-tree"))
        msg = f"git {command} failed: {(result.stderr or result.stdout).strip()}"
        raise PublishError(msg)
    return result.stdout.strip()


def _remote_tip(project: Path, remote: str) -> str | None:
    """Fetch ``remote``'s ``gh-pages`` and return its commit (``None`` if it has none)."""
    try:
        heads = _git(project, "ls-remote", "--heads", remote, BRANCH)
    except PublishError as exc:
        msg = f"cannot read git remote {remote!r} ({exc}); pass --remote NAME"
        raise PublishError(msg) from exc
    if not heads:
        return None
    ref = f"refs/remotes/{remote}/{BRANCH}"
    _git(project, "fetch", "--quiet", remote, f"+refs/heads/{BRANCH}:{ref}")
    return _git(project, "rev-parse", ref)


def _commit_folder(
    project: Path, remote: str, path: str, content: Path | None, message: str
) -> str | None:
    """Replace (or with ``content=None`` delete) ``path`` on ``remote``'s gh-pages and push.

    Returns the pushed commit, or ``None`` when the tree would not change.
    """
    tip = _remote_tip(project, remote)
    with tempfile.TemporaryDirectory(prefix="preview-index-") as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if tip is not None:
            _git(project, "read-tree", tip, env=env)
        _git(project, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", path, env=env)
        if content is not None:
            stage = Path(tmp) / "stage"
            shutil.copytree(content, stage / path, symlinks=True)
            _git(project, f"--work-tree={stage}", "add", "-f", "-A", "--", path, env=env)
        tree = _git(project, "write-tree", env=env)
        if tip is not None and tree == _git(project, "rev-parse", f"{tip}^{{tree}}"):
            return None
        if tip is None and content is None:
            return None
        parents = ["-p", tip] if tip is not None else []
        commit = _git(project, "commit-tree", tree, *parents, "-m", message, env=env)
    _git(project, "push", "--quiet", remote, f"{commit}:refs/heads/{BRANCH}")
    _git(project, "update-ref", f"refs/remotes/{remote}/{BRANCH}", commit)
    return commit


def _preview_env(project: Path, remote: str) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # Not an edition: no MIKE_DOCS_VERSION, so the pages call themselves an unpublished preview.
    env.pop("MIKE_DOCS_VERSION", None)
    env["SOURCE_DATE_EPOCH"] = _git(project, "log", "-1", "--format=%ct", "HEAD")
    env.update(repository_urls(project, remote))
    return env


def publish_preview(
    project: Path, pr: PullRequest, *, remote: str = "origin", site: Path | None = None
) -> PreviewChange:
    """Publish the site of ``pr`` to ``remote``'s gh-pages under ``pr/<N>/`` and push it.

    Parameters
    ----------
    project
        A git repository with ``remote`` (and, without ``site``, the tree to build).
    pr
        The pull request: its number names the folder, its branch is shown in the banner.
    remote
        The git remote whose ``gh-pages`` branch is the published site.
    site
        An already built site to publish (CI's pull-request build); it is copied, never
        changed. Without it the site of ``project``'s working tree is built strictly first.

    Raises
    ------
    PublishError
        When the build fails, ``site`` is not a built site, or git refuses; nothing is pushed.
    """
    pr = PullRequest(parse_pr_number(pr.number), _label(pr.branch))
    path = f"{PREVIEW_ROOT}/{pr.number}"
    urls = repository_urls(project, remote)
    pr_url = f"{urls['REPO_URL']}/pull/{pr.number}" if urls.get("REPO_URL") else None
    with tempfile.TemporaryDirectory(prefix="preview-") as tmp:
        copy = Path(tmp) / "site"
        if site is None:
            strict_build(project, _preview_env(project, remote), copy)
        elif not site.is_dir():
            msg = f"--site {site}: no such folder; expected a built site"
            raise PublishError(msg)
        else:  # an uploaded artifact: a nested .git would become a submodule entry, never a page
            shutil.copytree(site, copy, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        pages = stamp_preview(copy, pr, pr_url=pr_url)
        message = f"Preview of pull request #{pr.number} (branch {pr.branch})"
        commit = _commit_folder(project, remote, path, copy, message)
    return PreviewChange(path, commit, pages)


def remove_preview(project: Path, number: int, *, remote: str = "origin") -> PreviewChange:
    """Delete the preview of pull request ``number`` from ``remote``'s gh-pages and push.

    Removing a preview that does not exist changes nothing and is not an error (a pull
    request can close before its first preview was published).
    """
    number = parse_pr_number(number)
    path = f"{PREVIEW_ROOT}/{number}"
    message = f"Remove the preview of pull request #{number} (closed)"
    return PreviewChange(path, _commit_folder(project, remote, path, None, message))


def _api_get(url: str, token: str) -> dict[str, object]:
    request = urllib.request.Request(url)
    request.add_header("Accept", "application/vnd.github+json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return dict(json.load(response))
    except (urllib.error.URLError, ValueError) as exc:
        msg = f"GET {url} failed: {exc}"
        raise PublishError(msg) from exc


def pull_request_from_event(
    event_file: Path, *, head_sha: str | None, closed: bool = False
) -> PullRequest:
    """The pull request of an uploaded ``pull_request`` event file, confirmed by GitHub's API.

    The event file comes from an untrusted build, so only its number is read, and only
    believed when the API (``GITHUB_API_URL``, ``GITHUB_REPOSITORY``, ``GITHUB_TOKEN``) says
    that pull request is open with ``head_sha`` as its head (``closed=True``: that it is
    closed). The branch shown is the API's ``owner:branch`` label, not the file's.
    """
    try:
        event = json.loads(event_file.read_text(encoding="utf-8"))
        raw = event.get("number", (event.get("pull_request") or {}).get("number"))
    except (OSError, ValueError, AttributeError) as exc:
        msg = f"{event_file}: not a pull_request event file ({exc})"
        raise PublishError(msg) from exc
    number = parse_pr_number(raw)
    missing = [k for k in ("GITHUB_API_URL", "GITHUB_REPOSITORY") if not os.environ.get(k)]
    if missing:
        msg = f"{', '.join(missing)} not set: --event needs GitHub's API to confirm the number"
        raise PublishError(msg)
    api, repository = os.environ["GITHUB_API_URL"], os.environ["GITHUB_REPOSITORY"]
    data = _api_get(f"{api}/repos/{repository}/pulls/{number}", os.environ.get("GITHUB_TOKEN", ""))
    head = data.get("head")
    head = head if isinstance(head, dict) else {}
    state, sha, label = data.get("state"), head.get("sha"), str(head.get("label") or "")
    wanted = "closed" if closed else "open"
    if state != wanted:
        msg = f"{event_file}: pull request #{number} is {state}, expected {wanted}"
        raise PublishError(msg)
    if head_sha is not None and sha != head_sha:
        msg = (
            f"{event_file}: pull request #{number} has head {str(sha)[:12]}, but the build "
            f"was of {head_sha[:12]}: refusing to publish another pull request's site"
        )
        raise PublishError(msg)
    return PullRequest(number, label or f"#{number}")


def run_preview_command(
    action: str,
    *,
    pr: int | None,
    branch: str | None,
    event: Path | None,
    head_sha: str | None,
    site: Path | None,
    remote: str,
    project: Path,
) -> str:
    """What ``python -m analysis preview publish|remove`` does; returns the line it prints."""
    if event is not None:
        found = pull_request_from_event(event, head_sha=head_sha, closed=action == "remove")
    elif pr is None or (action == "publish" and branch is None):
        need = "--pr N --branch NAME" if action == "publish" else "--pr N"
        msg = f"preview {action} needs {need} (or --event FILE from a pull request's build)"
        raise PublishError(msg)
    else:
        found = PullRequest(pr, branch or "")
    if action == "publish":
        change = publish_preview(project, found, remote=remote, site=site)
        if change.commit is None:
            return f"{change.path}/ on {remote}/{BRANCH} is already this site; nothing to push"
        return (
            f"published the preview of pull request #{found.number} ({change.pages} pages) "
            f"to {remote}/{BRANCH} at {change.path}/ in {change.commit[:12]}"
        )
    change = remove_preview(project, found.number, remote=remote)
    if change.commit is None:
        return f"no preview at {change.path}/ on {remote}/{BRANCH}; nothing to remove"
    return f"removed {change.path}/ from {remote}/{BRANCH} in {change.commit[:12]}"
