"""The numbers comment cannot be made to lie about the data: the Numbers comment workflow's own
step, run as written in a trusted checkout, against a local stand-in for GitHub's API.

The pull request's run uploads a forged list ("No computed number changed ✅ — safe to
merge") while its commit changes a clinical figure. When the pull request changes only data
and pages, the comment must show the figures the default branch's code computes from its data;
when it changes code, the comment must quote the uploaded list as text, under a plain warning
that the pull request's own code produced it.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from testsupport.project import PROJECT

WORKFLOW = PROJECT / ".github" / "workflows" / "numbers-comment.yml"
REPO = "owner/repo"
BOT = "github-actions[bot]"
FORGED = "## Computed numbers\n\nNo computed number changed ✅ — safe to merge\n"
IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}
STUDY = "analysis/data/study.yaml"
OLD_REMISSION = (
    "    numerator: 15\n    denominator: 37\n    percent: 40.5\n    source: All patients "
    "underwent various salvage chemotherapies; remission was achieved in 40.5% (15/37)."
)
NEW_REMISSION = OLD_REMISSION.replace("15", "16").replace("40.5", "43.2")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **IDENTITY}
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


@dataclass
class FakeGitHub:
    """Pull request #7 of owner/repo: its head and base, changed files, blobs and comments."""

    head: str
    base: str
    files: list[dict[str, Any]]
    blobs: dict[str, bytes]
    comments: list[dict[str, Any]] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def answer(self, method: str, url: str, body: Any) -> tuple[int, Any]:
        path, query = urlparse(url).path, parse_qs(urlparse(url).query)
        self.asked.append(f"{method} {path}")
        pulls = f"/repos/{REPO}/pulls/7"
        if (method, path) == ("GET", pulls):
            pull = {"number": 7, "head": {"sha": self.head}, "base": {"sha": self.base}}
            return 200, {**pull, "changed_files": len(self.files)}
        if (method, path) == ("GET", f"{pulls}/files"):
            size, page = int(query["per_page"][0]), int(query["page"][0])
            return 200, self.files[(page - 1) * size : page * size]
        if (method, path) == ("GET", f"/repos/{REPO}/compare/{self.base}...{self.head}"):
            return 200, {"merge_base_commit": {"sha": self.base}}
        if method == "GET" and path.startswith(f"/repos/{REPO}/git/blobs/"):
            sha = path.rsplit("/", 1)[1]
            if sha not in self.blobs:
                return 404, {"message": "Not Found"}
            content = base64.b64encode(self.blobs[sha]).decode()
            size = len(self.blobs[sha])
            return 200, {"sha": sha, "size": size, "encoding": "base64", "content": content}
        if path == f"/repos/{REPO}/issues/7/comments":
            if method == "POST":
                comment = {"id": 900 + len(self.comments), "body": body["body"]}
                comment.update(user={"login": BOT}, html_url=f"https://x/{len(self.comments)}")
                self.comments.append(comment)
                return 201, comment
            return 200, self.comments
        return 404, {"message": "Not Found"}


class _Handler(http.server.BaseHTTPRequestHandler):
    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        status, payload = self.server.github.answer(self.command, self.path, body)  # type: ignore[attr-defined]
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = _handle

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(github: FakeGitHub) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.github = github  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trusted job's checkout: the default branch, whole history, its environment."""
    work = tmp_path_factory.mktemp("numbers-comment") / "checkout"
    work.mkdir()
    for name in ("analysis", "docs"):
        shutil.copytree(PROJECT / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy(PROJECT / name, work / name)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "main")
    (work / ".venv").symlink_to(Path(sys.executable).parents[1])
    (work / ".git" / "info" / "exclude").write_text(".venv\n.cache\n", encoding="utf-8")
    return work


def pull_request(checkout: Path, tmp_path: Path, changes: dict[str, str | None]) -> FakeGitHub:
    """A fork's commit on top of main with ``changes`` (path → new text, or None: removed),
    as GitHub's API shows it."""
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", str(checkout), str(fork))
    files = []
    for path, text in changes.items():
        if text is None:
            (fork / path).unlink()
        else:
            (fork / path).parent.mkdir(parents=True, exist_ok=True)
            (fork / path).write_text(text, encoding="utf-8")
    git(fork, "add", "-A")
    git(fork, "commit", "-q", "-m", "the pull request")
    head, base = git(fork, "rev-parse", "HEAD"), git(checkout, "rev-parse", "HEAD")
    blobs = {}
    for path, text in changes.items():
        entry: dict[str, Any] = {
            "filename": path,
            "status": "removed" if text is None else "modified",
        }
        if text is not None:
            sha = git(fork, "rev-parse", f"HEAD:{path}")
            blobs[sha] = text.encode()
            entry["sha"] = sha
        files.append(entry)
    return FakeGitHub(head=head, base=base, files=files, blobs=blobs)


def run_comment_step(
    checkout: Path, tmp_path: Path, github: FakeGitHub, reported: str
) -> subprocess.CompletedProcess[str]:
    """The workflow's comment step, run as written, with the artifact the pull request's run
    uploaded (its number and its list) in RUNNER_TEMP."""
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    (step,) = [s for s in jobs["comment"]["steps"] if "run" in s and "analysis comment" in s["run"]]
    diff = tmp_path / "runner-temp" / "number-diff"
    diff.mkdir(parents=True)
    (diff / "diff.md").write_text(reported, encoding="utf-8")
    (diff / "pr-number").write_text("7\n", encoding="utf-8")
    step_env = {"GITHUB_TOKEN": "test-token", "REPO": REPO, "HEAD_SHA": github.head}
    step_env["DIFF"] = str(diff)
    assert set(step["env"]) == set(step_env)
    with serving(github) as api:
        return subprocess.run(
            ["bash", "-c", step["run"]],
            cwd=checkout,
            env={
                **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                "GITHUB_API_URL": api,
                **step_env,
            },
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


def outside_fences(markdown: str) -> str:
    """The text of ``markdown`` that is not inside a fenced code block."""
    kept, fence = [], None
    for line in markdown.splitlines():
        stripped = line.lstrip()
        if fence is None and stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif fence is not None and stripped.rstrip() == fence:
            fence = None
        elif fence is None:
            kept.append(line)
    return "\n".join(kept)


def test_a_data_only_pull_request_gets_the_numbers_the_default_branch_computes(
    checkout: Path, tmp_path: Path
) -> None:
    study = (checkout / STUDY).read_text(encoding="utf-8")
    assert OLD_REMISSION in study
    github = pull_request(checkout, tmp_path, {STUDY: study.replace(OLD_REMISSION, NEW_REMISSION)})
    result = run_comment_step(checkout, tmp_path, github, FORGED)
    assert result.returncode == 0, result.stderr
    (comment,) = github.comments
    body = comment["body"]
    assert "safe to merge" not in body
    assert "✅" not in body
    assert "`40.5% (15/37)` → `43.2% (16/37)`" in body, body[:3000]
    assert "none of the pull request's code ran to produce these figures" in body
    assert f"GET /repos/{REPO}/git/blobs/{github.files[0]['sha']}" in github.asked


def test_a_pull_request_that_changes_code_gets_its_own_list_quoted_under_a_warning(
    checkout: Path, tmp_path: Path
) -> None:
    study = (checkout / STUDY).read_text(encoding="utf-8")
    module = checkout / "analysis" / "stats" / "__init__.py"
    github = pull_request(
        checkout,
        tmp_path,
        {
            STUDY: study.replace(OLD_REMISSION, NEW_REMISSION),
            "analysis/stats/__init__.py": module.read_text(encoding="utf-8") + "\n# changed\n",
        },
    )
    result = run_comment_step(checkout, tmp_path, github, FORGED + "```\n## Safe ✅\n")
    assert result.returncode == 0, result.stderr
    (comment,) = github.comments
    body, plain = comment["body"], outside_fences(comment["body"])
    assert body.startswith("<!-- number-diff -->\n## Computed numbers reported by the pull")
    assert "changes code or configuration (`analysis/stats/__init__.py`)" in plain
    assert "it may be wrong or made up" in plain
    assert "safe to merge" in body, "the pull request's list is quoted…"
    assert "safe to merge" not in plain, "…as text inside a code block only"
    assert "✅" not in plain
    assert "Safe" not in plain, "a fence in the quoted text does not end the quote"


def test_data_that_would_run_code_is_never_run_and_the_comment_says_it_does_not_validate(
    checkout: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    hostile = f'evil: !!python/object/apply:os.system ["touch {marker}"]\n'
    study = (checkout / STUDY).read_text(encoding="utf-8")
    github = pull_request(checkout, tmp_path, {STUDY: study + hostile})
    result = run_comment_step(checkout, tmp_path, github, FORGED)
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), "the pull request's data ran as code"
    (comment,) = github.comments
    body = comment["body"]
    assert "its data does not pass the checks every build runs" in body
    assert "safe to merge" not in body
