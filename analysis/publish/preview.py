"""Pull-request previews: the site of an open pull request at ``pr/<N>/`` on ``gh-pages``.

``python -m analysis preview publish --pr N --branch NAME`` builds the site strictly (or takes
an already built one with ``--site DIR``), checks every file of it and stamps every page as a
preview (a banner naming the pull request and its branch, ``noindex``, no sitemap; see
:mod:`analysis.publish.preview_files`: a file that cannot be published safely refuses the whole
preview), and commits it to ``gh-pages`` under ``pr/<N>/``, replacing the previous preview of
that pull request. ``preview remove --pr N`` deletes that folder. Neither touches
``versions.json``, the editions or the root files, so a preview never appears in the edition
selector or in search engines' view of the editions.

In CI the untrusted pull-request build only uploads its site and its event file; the trusted
job runs this command with ``--event FILE --head-sha SHA``, which reads the pull request's
number from the event file and believes it only after GitHub's API confirms that the pull
request is open and its head is that commit (and for ``remove``, that it is closed). Publishing
from an event also needs ``--environment NAME``: the API must show that a maintainer approved
this very workflow run (``GITHUB_RUN_ID``) for that environment, whose required reviewers are
the maintainers; a fork that pushes again starts a new run, which needs a new approval.

Commits are made with git plumbing on a temporary index, so the working tree and the local
``gh-pages`` branch are left alone; nothing is committed when the preview did not change. A
push that loses a race with another writer of ``gh-pages`` (an edition's deploy) is made again
on top of the new tip.
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
from .deploy import BRANCH, PREVIEW_ROOT, check_remote, repository_urls, strict_build
from .preview_files import check_xml_file, preview_files, stamp_page

__all__ = [
    "PREVIEW_ROOT",
    "PreviewChange",
    "PullRequest",
    "confirm_approval",
    "parse_pr_number",
    "publish_preview",
    "pull_request_from_event",
    "remove_preview",
    "run_preview_command",
    "stamp_preview",
]

BANNER_ID = "pull-request-preview"
ROBOTS = '<meta name="robots" content="noindex, nofollow">'
_MAX_LABEL = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_ENVIRONMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_. -]{0,254}$")
_PUSH_TRIES = 5  # pushes that lose a race with another gh-pages writer are made again


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
    """Check the built ``site`` and mark every page of it as a preview of ``pr``, in place;
    return the pages stamped.

    Each HTML page gets ``<meta name="robots" content="noindex, nofollow">`` first in its head
    and a banner naming the pull request and its branch (escaped) first in its body; the
    sitemap is removed so that nothing announces the preview to search engines. Every file is
    checked first (:func:`~analysis.publish.preview_files.preview_files`), and nothing is
    changed unless every file passes.

    Parameters
    ----------
    site
        A built site (the output of ``properdocs build``).
    pr
        The pull request shown in the banner.
    pr_url
        The pull request's address on GitHub, linked from the banner if given.

    Raises
    ------
    PublishError
        Naming every file that cannot be published or stamped.
    """
    banner = _banner(pr, pr_url)
    stamped: dict[Path, bytes] = {}
    problems: list[str] = []
    for entry in preview_files(site):
        if entry.kind == "inert":
            continue
        raw = entry.path.read_bytes()
        try:
            if entry.kind == "page":
                stamped[entry.path] = stamp_page(raw, entry.name, ROBOTS, banner)
            else:
                check_xml_file(raw, entry.name)
        except PublishError as exc:
            problems.append(str(exc))
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  - … and {len(problems) - 20} more" if len(problems) > 20 else ""
        msg = (
            f"{site}: the preview is refused, nothing was published; {len(problems)} "
            f"problem(s):\n{listing}{more}"
        )
        raise PublishError(msg)
    for path, content in stamped.items():
        path.write_bytes(content)
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site / name).unlink(missing_ok=True)
    return len(stamped)


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

    Returns the pushed commit, or ``None`` when the tree would not change. A push refused
    because another writer moved ``gh-pages`` meanwhile is made again on the new tip.
    """
    for _ in range(_PUSH_TRIES):
        tip = _remote_tip(project, remote)
        with tempfile.TemporaryDirectory(prefix="preview-index-") as tmp:
            env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if tip is not None:
                _git(project, "read-tree", tip, env=env)
            _git(project, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", path, env=env)
            if content is not None:
                stage = Path(tmp) / "stage"
                (stage / path).parent.mkdir(parents=True)
                shutil.copytree(content, stage / path)
                _git(project, f"--work-tree={stage}", "add", "-f", "-A", "--", path, env=env)
            tree = _git(project, "write-tree", env=env)
            if tip is not None and tree == _git(project, "rev-parse", f"{tip}^{{tree}}"):
                return None
            if tip is None and content is None:
                return None
            parents = ["-p", tip] if tip is not None else []
            commit = _git(project, "commit-tree", tree, *parents, "-m", message, env=env)
        pushed = subprocess.run(
            ["git", "push", "--quiet", remote, f"{commit}:refs/heads/{BRANCH}"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        if pushed.returncode == 0:
            _git(project, "update-ref", f"refs/remotes/{remote}/{BRANCH}", commit)
            return commit
        now = _git(project, "ls-remote", "--heads", remote, BRANCH).split("\t", 1)[0] or None
        if now == tip:  # not a race: the remote refused the push itself
            msg = f"git push to {remote} failed: {(pushed.stderr or pushed.stdout).strip()}"
            raise PublishError(msg)
    msg = f"{remote}/{BRANCH} kept moving while the preview was pushed ({_PUSH_TRIES} tries)"
    raise PublishError(msg)


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
    check_remote(project, remote)
    path = f"{PREVIEW_ROOT}/{pr.number}"
    urls = repository_urls(project, remote)
    pr_url = f"{urls['REPO_URL']}/pull/{pr.number}" if urls.get("REPO_URL") else None
    with tempfile.TemporaryDirectory(prefix="preview-") as tmp:
        copy = Path(tmp) / "site"
        if site is None:
            strict_build(project, _preview_env(project, remote), copy)
        else:  # an uploaded artifact: only the files that pass the checks are copied
            for entry in preview_files(site):
                (copy / entry.name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(entry.path, copy / entry.name, follow_symlinks=False)
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
    check_remote(project, remote)
    path = f"{PREVIEW_ROOT}/{number}"
    message = f"Remove the preview of pull request #{number} (closed)"
    return PreviewChange(path, _commit_folder(project, remote, path, None, message))


def _api_json(path: str) -> object:
    """``GET`` one resource of this repository from GitHub's API (``GITHUB_API_URL``,
    ``GITHUB_REPOSITORY``, ``GITHUB_TOKEN``), as JSON."""
    missing = [k for k in ("GITHUB_API_URL", "GITHUB_REPOSITORY") if not os.environ.get(k)]
    if missing:
        msg = f"{', '.join(missing)} not set: --event needs GitHub's API to confirm the number"
        raise PublishError(msg)
    url = f"{os.environ['GITHUB_API_URL']}/repos/{os.environ['GITHUB_REPOSITORY']}{path}"
    request = urllib.request.Request(url)
    request.add_header("Accept", "application/vnd.github+json")
    token = os.environ.get("GITHUB_TOKEN", "")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except (urllib.error.URLError, ValueError) as exc:
        msg = f"GET {url} failed: {exc}"
        raise PublishError(msg) from exc


def _event_number(event_file: Path) -> int:
    try:
        event = json.loads(event_file.read_text(encoding="utf-8"))
        raw = event.get("number", (event.get("pull_request") or {}).get("number"))
    except (OSError, ValueError, AttributeError) as exc:
        msg = f"{event_file}: not a pull_request event file ({exc})"
        raise PublishError(msg) from exc
    return parse_pr_number(raw)


def _pull(number: int) -> tuple[object, object, str]:
    """The pull request's state, head commit and head label, as the API gives them."""
    data = _api_json(f"/pulls/{number}")
    data = data if isinstance(data, dict) else {}
    head = data.get("head")
    head = head if isinstance(head, dict) else {}
    return data.get("state"), head.get("sha"), str(head.get("label") or "")


def pull_request_from_event(
    event_file: Path, *, head_sha: str | None, closed: bool = False
) -> PullRequest:
    """The pull request of an uploaded ``pull_request`` event file, confirmed by GitHub's API.

    The event file comes from an untrusted build, so only its number is read, and only
    believed when the API (``GITHUB_API_URL``, ``GITHUB_REPOSITORY``, ``GITHUB_TOKEN``) says
    that pull request is open with ``head_sha`` as its head (``closed=True``: that it is
    closed). The branch shown is the API's ``owner:branch`` label, not the file's.
    """
    number = _event_number(event_file)
    state, sha, label = _pull(number)
    wanted = "closed" if closed else "open"
    if state != wanted:
        msg = f"{event_file}: pull request #{number} is {state}, expected {wanted}"
        raise PublishError(msg)
    if head_sha is not None and sha != head_sha:
        msg = (
            f"{event_file}: pull request #{number} has head {str(sha)[:12]}, but the build "
            f"was of {head_sha[:12]}: refusing to publish another pull request's site (a push "
            "since the build starts a new run, which needs its own approval)"
        )
        raise PublishError(msg)
    return PullRequest(number, label or f"#{number}")


def confirm_approval(environment: str) -> str:
    """The login of the maintainer who approved this workflow run for ``environment``.

    The run is ``GITHUB_RUN_ID``, the one GitHub starts for one finished CI run, so for one
    commit of the pull request: an approval is never carried over to code pushed later. GitHub
    records an approval only for an environment with required reviewers, so a missing or
    unprotected environment leaves no approval, and nothing is published.

    Raises
    ------
    PublishError
        When the API shows no approval of this run for ``environment``, or a rejection.
    """
    if not _ENVIRONMENT.match(environment):
        msg = f"--environment {environment[:40]!r}: expected an environment's name, e.g. preview"
        raise PublishError(msg)
    run_id = os.environ.get("GITHUB_RUN_ID", "")
    if not re.fullmatch(r"[1-9][0-9]{0,19}", run_id):
        msg = (
            f"GITHUB_RUN_ID {run_id[:30]!r}: expected the number of this workflow run, whose "
            "approval is checked"
        )
        raise PublishError(msg)
    history = _api_json(f"/actions/runs/{run_id}/approvals")
    reviews = [
        entry
        for entry in (history if isinstance(history, list) else [])
        if isinstance(entry, dict)
        and any(
            isinstance(env, dict) and str(env.get("name", "")).casefold() == environment.casefold()
            for env in entry.get("environments") or []
        )
    ]
    approved = [r for r in reviews if r.get("state") == "approved"]
    if not approved or any(r.get("state") != "approved" for r in reviews):
        msg = (
            f"workflow run {run_id} has no maintainer's approval for the environment "
            f"{environment!r}: a preview is published only once a required reviewer of that "
            "environment has read the pull request and approved this run (see CONTRIBUTING.md, "
            "Previews); nothing was published"
        )
        raise PublishError(msg)
    user = approved[-1].get("user")
    return str(user.get("login", "")) if isinstance(user, dict) else ""


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
    environment: str | None = None,
) -> str:
    """What ``python -m analysis preview publish|remove`` does; returns the line it prints."""
    approver = ""
    if event is not None:
        found = pull_request_from_event(event, head_sha=head_sha, closed=action == "remove")
        if action == "publish":
            if not environment:
                msg = (
                    "preview publish --event needs --environment NAME: a pull request's site "
                    "is published only with a maintainer's approval of this run"
                )
                raise PublishError(msg)
            approver = confirm_approval(environment)
    elif pr is None or (action == "publish" and branch is None):
        need = "--pr N --branch NAME" if action == "publish" else "--pr N"
        msg = f"preview {action} needs {need} (or --event FILE from a pull request's build)"
        raise PublishError(msg)
    else:
        found = PullRequest(pr, branch or "")
    if action == "publish":
        change = publish_preview(project, found, remote=remote, site=site)
        if event is not None and change.commit is not None and _pull(found.number)[0] != "open":
            # closed while this run published: its removal may have run already
            remove_preview(project, found.number, remote=remote)
            msg = (
                f"pull request #{found.number} was closed while its preview was being "
                f"published; {change.path}/ was removed again"
            )
            raise PublishError(msg)
        if change.commit is None:
            return f"{change.path}/ on {remote}/{BRANCH} is already this site; nothing to push"
        by = f", approved by {approver}" if approver else ""
        return (
            f"published the preview of pull request #{found.number} ({change.pages} pages{by}) "
            f"to {remote}/{BRANCH} at {change.path}/ in {change.commit[:12]}"
        )
    change = remove_preview(project, found.number, remote=remote)
    if change.commit is None:
        return f"no preview at {change.path}/ on {remote}/{BRANCH}; nothing to remove"
    return f"removed {change.path}/ from {remote}/{BRANCH} in {change.commit[:12]}"
