"""``python -m analysis comment``: one comment on a pull request or issue, updated on each run.

CI's fork-safe job posts the number diff with it (``--number-diff FILE``: the comment's text
is computed or quoted by :mod:`analysis.review.pr_numbers`, never the pull request's file as
it is). The comment carries a hidden marker (``<!-- NAME -->``); a later run edits the comment
that has the marker and was written by the bot, instead of adding another. Talks to the GitHub
REST API with the standard library only (``GITHUB_API_URL``, default https://api.github.com;
token from ``GITHUB_TOKEN``), so ``--body-file`` needs no installed environment, and tests
point it at a local fake.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AnalysisError

__all__ = ["MAX_BODY", "GitHubApi", "Posted", "api_for", "comment_command", "upsert_comment"]

MAX_BODY = 65_536  # GitHub refuses longer comment bodies
_MARKER = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
TRUNCATED = (
    "\n\n*(Cut here: a comment holds at most 65,536 characters. The full list is in the job "
    "summary of the CI run.)*\n"
)


@dataclass(frozen=True)
class Posted:
    """What :func:`upsert_comment` did: ``created`` or ``updated`` the comment ``id``."""

    action: str
    id: int
    url: str


class GitHubApi:
    """Calls of GitHub's REST API at ``base`` with ``token``; errors as AnalysisError."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base.rstrip("/"), token

    def __call__(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            msg = f"GitHub API: {method} {path}: {exc.code} {exc.reason}: {detail}"
            raise AnalysisError(msg) from None
        except urllib.error.URLError as exc:
            msg = f"GitHub API: {method} {self.base}{path}: {exc.reason}"
            raise AnalysisError(msg) from None


def _body(marker: str, text: str) -> str:
    head = f"<!-- {marker} -->\n"
    if len(head) + len(text) <= MAX_BODY:
        return head + text
    room = MAX_BODY - len(head) - len(TRUNCATED)
    cut = text.rfind("\n", 0, room)
    return head + text[: cut if cut > 0 else room] + TRUNCATED


def api_for(
    repo: str,
    number: int,
    marker: str,
    head_sha: str | None = None,
    *,
    api_url: str | None = None,
    token: str | None = None,
) -> GitHubApi:
    """The API client for a comment's arguments, once they are checked (see
    :func:`upsert_comment`); raise :class:`AnalysisError` naming the one that is wrong."""
    if not _REPO.match(repo):
        raise AnalysisError(f"--repo {repo!r}: expected owner/name")
    if not _MARKER.match(marker):
        raise AnalysisError(f"--marker {marker!r}: expected lower-case letters, digits, hyphens")
    if number <= 0:
        raise AnalysisError(f"--number {number}: expected a positive issue or pull request number")
    if head_sha is not None and not _SHA.match(head_sha):
        raise AnalysisError(f"--head-sha {head_sha!r}: expected a 40-digit commit SHA")
    token = token if token is not None else os.environ.get("GITHUB_TOKEN", "")
    if not token:
        raise AnalysisError("no token: set GITHUB_TOKEN to a token allowed to write comments")
    base = api_url or os.environ.get("GITHUB_API_URL") or "https://api.github.com"
    if not base.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
        raise AnalysisError(f"API address {base!r}: expected https:// (or a local test server)")
    return GitHubApi(base, token)


def upsert_comment(
    repo: str,
    number: int,
    text: str,
    *,
    marker: str,
    head_sha: str | None = None,
    bot: str = "github-actions[bot]",
    api_url: str | None = None,
    token: str | None = None,
) -> Posted:
    """Post ``text`` on issue or pull request ``number``, or update the comment posted before.

    Parameters
    ----------
    repo
        ``owner/name``.
    number
        The issue or pull request. In CI it comes from an artifact the pull request's own run
        wrote, so it is not trusted: with ``head_sha``, the pull request must have that head
        commit (the one the trusted ``workflow_run`` event names), or nothing is posted.
    marker
        Names the comment (lower case, digits, hyphens); hidden in it as ``<!-- marker -->``.
    bot
        Only a comment by this user with the marker is updated; a reader who copies the marker
        into a comment of theirs does not get it overwritten.
    api_url, token
        Default to ``GITHUB_API_URL`` (else https://api.github.com) and ``GITHUB_TOKEN``.
    """
    api = api_for(repo, number, marker, head_sha, api_url=api_url, token=token)
    if head_sha is not None:
        pull = api("GET", f"/repos/{repo}/pulls/{number}")
        found = (pull or {}).get("head", {}).get("sha")
        if found != head_sha:
            msg = (
                f"pull request #{number} has head commit {found}, not {head_sha} (the commit the "
                "diff was computed for); not commenting"
            )
            raise AnalysisError(msg)
    body = _body(marker, text)
    tag = f"<!-- {marker} -->"
    page = 1
    while True:
        comments = api("GET", f"/repos/{repo}/issues/{number}/comments?per_page=100&page={page}")
        for comment in comments:
            if (
                tag in (comment.get("body") or "")
                and (comment.get("user") or {}).get("login") == bot
            ):
                done = api(
                    "PATCH", f"/repos/{repo}/issues/comments/{comment['id']}", {"body": body}
                )
                return Posted("updated", int(done["id"]), str(done.get("html_url", "")))
        if len(comments) < 100:
            break
        page += 1
    done = api("POST", f"/repos/{repo}/issues/{number}/comments", {"body": body})
    return Posted("created", int(done["id"]), str(done.get("html_url", "")))


def comment_command(
    repo: str, number: int, body_file: Path | None, marker: str, head_sha: str | None
) -> int:
    """``python -m analysis comment --body-file FILE``: post or update the comment; print what
    was done. (With ``--number-diff FILE`` instead, :mod:`analysis.review.pr_numbers` makes the
    comment.)"""
    if body_file is None:
        raise AnalysisError("give one of --body-file FILE or --number-diff FILE")
    try:
        text = body_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise AnalysisError(f"--body-file {body_file}: cannot be read ({exc.strerror})") from None
    done = upsert_comment(repo, number, text, marker=marker, head_sha=head_sha)
    print(f"{done.action} comment {done.id} {done.url}")
    return 0
