"""`python -m analysis comment` keeps one marked comment per pull request, against a fake GitHub.

The fake is a local HTTP server speaking the few REST calls the command makes; CI's fork-safe
job runs the same command against api.github.com (``GITHUB_API_URL``).
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from analysis.review.comment import MAX_BODY
from testsupport.project import PROJECT

SHA = "a" * 40
BOT = "github-actions[bot]"


class FakeGitHub(http.server.ThreadingHTTPServer):
    """Pull request #7 of owner/repo, its comments, and every request received."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.comments: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, str]] = []  # method, path, Authorization

    def add(self, body: str, login: str) -> dict[str, Any]:
        comment = {"id": 1000 + len(self.comments), "body": body, "user": {"login": login}}
        comment["html_url"] = f"https://github.com/owner/repo/pull/7#c{comment['id']}"
        self.comments.append(comment)
        return comment


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FakeGitHub

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _reply(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        url = urlparse(self.path)
        self.server.requests.append((self.command, url.path, self.headers["Authorization"]))
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        if (self.command, url.path) == ("GET", "/repos/owner/repo/pulls/7"):
            return self._reply(200, {"number": 7, "head": {"sha": SHA}})
        if url.path == "/repos/owner/repo/issues/7/comments":
            if self.command == "POST":
                return self._reply(201, self.server.add(body["body"], BOT))
            query = parse_qs(url.query)
            size, page = int(query["per_page"][0]), int(query["page"][0])
            return self._reply(200, self.server.comments[(page - 1) * size : page * size])
        if self.command == "PATCH" and url.path.startswith("/repos/owner/repo/issues/comments/"):
            wanted = int(url.path.rsplit("/", 1)[1])
            for comment in self.server.comments:
                if comment["id"] == wanted:
                    comment["body"] = body["body"]
                    return self._reply(200, comment)
        return self._reply(404, {"message": "Not Found"})

    do_GET = do_POST = do_PATCH = _handle


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _comment(
    github: FakeGitHub, tmp_path: Path, text: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """The command as CI's job runs it; ``-S``: Python without installed packages (the job
    installs none), the package from the checkout."""
    body = tmp_path / "diff.md"
    body.write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "GITHUB_API_URL": f"http://127.0.0.1:{github.server_address[1]}",
        "GITHUB_TOKEN": "test-token",
        "PYTHONPATH": str(PROJECT),
    }
    return subprocess.run(
        [
            sys.executable,
            "-S",
            "-m",
            "analysis",
            "comment",
            "--repo",
            "owner/repo",
            "--number",
            "7",
            "--marker",
            "number-diff",
            "--body-file",
            str(body),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_second_run_updates_the_first_comment_instead_of_adding_one(
    github: FakeGitHub, tmp_path: Path
) -> None:
    first = _comment(github, tmp_path, "## first\n")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("created comment 1000 ")
    second = _comment(github, tmp_path, "## second\n")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("updated comment 1000 ")
    assert [c["body"] for c in github.comments] == ["<!-- number-diff -->\n## second\n"]
    assert {auth for _, _, auth in github.requests} == {"Bearer test-token"}


def test_a_readers_comment_that_copies_the_marker_is_never_overwritten(
    github: FakeGitHub, tmp_path: Path
) -> None:
    github.add("<!-- number-diff --> copied by a reader", "a-reader")
    result = _comment(github, tmp_path, "numbers\n")
    assert result.returncode == 0, result.stderr
    assert [c["body"] for c in github.comments] == [
        "<!-- number-diff --> copied by a reader",
        "<!-- number-diff -->\nnumbers\n",
    ]


def test_the_bots_comment_is_found_past_the_first_page_of_comments(
    github: FakeGitHub, tmp_path: Path
) -> None:
    for i in range(130):
        github.add(f"comment {i}", "a-reader")
    github.add("<!-- number-diff -->\nold", BOT)
    result = _comment(github, tmp_path, "new\n")
    assert result.returncode == 0, result.stderr
    assert github.comments[-1]["body"] == "<!-- number-diff -->\nnew\n"
    assert len(github.comments) == 131


def test_nothing_is_posted_when_the_pull_request_has_another_head_commit(
    github: FakeGitHub, tmp_path: Path
) -> None:
    result = _comment(github, tmp_path, "numbers\n", "--head-sha", "b" * 40)
    assert result.returncode == 2
    assert f"has head commit {SHA}, not {'b' * 40}" in result.stderr
    assert "Traceback" not in result.stderr
    assert github.comments == []
    matching = _comment(github, tmp_path, "numbers\n", "--head-sha", SHA)
    assert matching.returncode == 0, matching.stderr


def test_a_diff_longer_than_a_comment_is_cut_at_a_line_with_a_pointer_to_the_summary(
    github: FakeGitHub, tmp_path: Path
) -> None:
    long = "".join(f"| row {i} | `1` → `2` |\n" for i in range(5000))
    result = _comment(github, tmp_path, long)
    assert result.returncode == 0, result.stderr
    body = github.comments[0]["body"]
    assert len(body) <= MAX_BODY
    assert body.endswith("The full list is in the job summary of the CI run.)*\n")
    assert body.split("\n\n*(Cut here")[0].endswith("|")  # cut after a whole row


def test_a_missing_token_is_an_error_message_not_a_traceback(tmp_path: Path) -> None:
    body = tmp_path / "b.md"
    body.write_text("x", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "comment",
            "--repo",
            "o/r",
            "--number",
            "1",
            "--marker",
            "m",
            "--body-file",
            str(body),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT,
        check=False,
    )
    assert result.returncode == 2
    assert "no token: set GITHUB_TOKEN" in result.stderr
