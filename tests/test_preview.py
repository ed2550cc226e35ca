"""Pull-request previews, run as CI's trusted job runs them: ``python -m analysis preview …``.

Each test publishes into a bare git repository standing in for GitHub, whose ``gh-pages``
already holds a small synthetic published site (``versions.json``, one edition, the root
redirect), and reads the branch back. GitHub's pull-request API is stood in for by a local
HTTP server answering the one request the command makes.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import PROJECT

ODD_BRANCH = 'fork-user:feat/ünïcode "quotes" & spaces'
REPO = "example/relapse-study"
SYNTHETIC_VERSIONS = [{"version": "2031.1", "title": "2031.1", "aliases": ["latest"]}]


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def preview(
    work: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m analysis preview ARGS`` in ``work``, as the workflow runs it."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", "preview", *args],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(PROJECT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@dataclass(frozen=True)
class Pages:
    work: Path
    remote: Path

    def files(self, ref: str = "gh-pages") -> dict[str, str]:
        """Every file on the remote's ``ref`` with its blob id."""
        listing = git(self.remote, "ls-tree", "-r", ref)
        return {line.split("\t", 1)[1]: line.split()[2] for line in listing.splitlines() if line}

    def show(self, path: str) -> str:
        return git(self.remote, "show", f"gh-pages:{path}")

    def tip(self) -> str:
        return git(self.remote, "rev-parse", "refs/heads/gh-pages")


@pytest.fixture
def pages(tmp_path: Path) -> Pages:
    """A bare remote whose gh-pages holds a synthetic published edition, and a clone of it."""
    remote, seed, work = tmp_path / "remote.git", tmp_path / "seed", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(tmp_path, "init", "-q", "-b", "gh-pages", str(seed))
    (seed / "2031.1").mkdir()
    (seed / "2031.1" / "index.html").write_text("<html><head></head><body>synthetic edition")
    (seed / "index.html").write_text('<meta http-equiv="refresh" content="0; url=latest/">')
    (seed / "versions.json").write_text(json.dumps(SYNTHETIC_VERSIONS))
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", str(remote), "gh-pages")
    git(tmp_path, "clone", "-q", str(remote), str(work))
    git(work, "remote", "set-url", "origin", str(remote))
    git(work, "config", "user.name", "Preview Test")
    git(work, "config", "user.email", "preview-test@example.org")
    return Pages(work, remote)


def not_previews(files: dict[str, str]) -> dict[str, str]:
    return {path: blob for path, blob in files.items() if not path.startswith("pr/")}


@pytest.mark.slow
def test_a_fork_branch_with_odd_characters_is_published_at_pr_n_marked_as_a_preview(
    pages: Pages, built_site: Path
) -> None:
    before = pages.files()
    result = preview(
        pages.work, "publish", "--pr", "42", "--branch", ODD_BRANCH, "--site", str(built_site)
    )
    assert result.returncode == 0, result.stderr
    assert "pull request #42" in result.stdout
    after = pages.files()
    assert not_previews(after) == before, "versions.json, editions and root files untouched"
    built = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file()}
    published = {path.removeprefix("pr/42/") for path in after if path.startswith("pr/42/")}
    assert published == built - {"sitemap.xml", "sitemap.xml.gz"}
    home = pages.show("pr/42/index.html")
    assert '<meta name="robots" content="noindex, nofollow">' in home
    assert "from branch <code>fork-user:feat/ünïcode &quot;quotes&quot; &amp; spaces</code>" in home
    assert "do not cite it" in home
    for path in published:
        if path.endswith(".html"):
            assert 'content="noindex, nofollow"' in pages.show(f"pr/42/{path}"), path
    assert "Preview of pull request #42" in git(
        pages.remote, "log", "-1", "--format=%s", "gh-pages"
    )
    assert (built_site / "sitemap.xml").exists(), "the built site itself is not changed"


@pytest.mark.slow
def test_a_push_to_the_pull_request_updates_its_preview_and_an_unchanged_site_commits_nothing(
    pages: Pages, built_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    args = ["publish", "--pr", "7", "--branch", "feature", "--site", str(site)]
    assert preview(pages.work, *args).returncode == 0
    first = pages.tip()

    about = site / "about" / "index.html"
    about.write_text(about.read_text(encoding="utf-8").replace("</article>", "NEW</article>"))
    result = preview(pages.work, *args)
    assert result.returncode == 0, result.stderr
    assert git(pages.remote, "rev-parse", "gh-pages^") == first, "one commit on top"
    assert "NEW</article>" in pages.show("pr/7/about/index.html")

    second = pages.tip()
    again = preview(pages.work, *args)
    assert again.returncode == 0, again.stderr
    assert "nothing to push" in again.stdout
    assert pages.tip() == second


@pytest.mark.slow
def test_removing_a_preview_deletes_only_that_pull_requests_folder(
    pages: Pages, built_site: Path
) -> None:
    before = pages.files()
    for number in ("3", "4"):
        args = ["publish", "--pr", number, "--branch", f"b{number}", "--site", str(built_site)]
        assert preview(pages.work, *args).returncode == 0
    result = preview(pages.work, "remove", "--pr", "3")
    assert result.returncode == 0, result.stderr
    after = pages.files()
    assert not any(path.startswith("pr/3/") for path in after)
    assert "pr/4/index.html" in after
    assert not_previews(after) == before

    again = preview(pages.work, "remove", "--pr", "3")
    assert again.returncode == 0, again.stderr
    assert "nothing to remove" in again.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["publish", "--pr", "0", "--branch", "x"], "pull request number '0' is malformed"),
        (["publish", "--pr", "5"], "preview publish needs --pr N --branch NAME"),
        (["publish", "--pr", "5", "--branch", "\n\t"], "branch name"),
        (["publish", "--pr", "5", "--branch", "x", "--site", "nowhere"], "no such folder"),
        (["remove", "--pr", "5", "--remote", "upstream"], "cannot read git remote 'upstream'"),
    ],
)
def test_bad_options_exit_2_with_a_message_and_push_nothing(
    pages: Pages, args: list[str], message: str
) -> None:
    before = pages.tip()
    result = preview(pages.work, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert pages.tip() == before


class _GitHubStandIn(http.server.BaseHTTPRequestHandler):
    """Answers ``GET /repos/OWNER/NAME/pulls/N`` from ``self.server.pulls``, like GitHub."""

    def do_GET(self) -> None:
        pulls: dict[str, dict[str, object]] = self.server.pulls  # type: ignore[attr-defined]
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        prefix = f"/repos/{REPO}/pulls/"
        body = pulls.get(self.path.removeprefix(prefix)) if self.path.startswith(prefix) else None
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body or {"message": "Not Found"}).encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def github_api(
    pulls: dict[str, dict[str, object]],
) -> Iterator[tuple[dict[str, str], list[str]]]:
    """A local stand-in for api.github.com; yields Actions' environment and the paths asked."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _GitHubStandIn)
    server.pulls, server.seen = pulls, []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {
            "GITHUB_API_URL": f"http://127.0.0.1:{server.server_address[1]}",
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": "test-token",
        }
        yield env, server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def pull(state: str, sha: str, label: str) -> dict[str, object]:
    return {"state": state, "head": {"sha": sha, "label": label}}


def event_file(tmp_path: Path, number: object) -> Path:
    path = tmp_path / "event" / "event.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"action": "synchronize", "number": number}), encoding="utf-8")
    return path


@pytest.mark.slow
def test_the_trusted_job_believes_the_uploaded_pr_number_only_when_github_confirms_it(
    pages: Pages, built_site: Path, tmp_path: Path
) -> None:
    pulls = {"8": pull("open", "a" * 40, ODD_BRANCH), "9": pull("open", "b" * 40, "owner:main")}
    site = ["--site", str(built_site)]
    with github_api(pulls) as (env, seen):
        claim_9 = ["publish", "--event", str(event_file(tmp_path, 9)), "--head-sha", "a" * 40]
        refused = preview(pages.work, *claim_9, *site, env=env)
        assert refused.returncode == 2
        assert "refusing to publish another pull request's site" in refused.stderr
        assert not any(path.startswith("pr/") for path in pages.files())

        honest = ["publish", "--event", str(event_file(tmp_path, 8)), "--head-sha", "a" * 40]
        result = preview(pages.work, *honest, *site, env=env)
        assert result.returncode == 0, result.stderr
        assert "&quot;quotes&quot; &amp; spaces</code>" in pages.show("pr/8/index.html")

        still_open = preview(pages.work, "remove", "--event", str(event_file(tmp_path, 8)), env=env)
        assert still_open.returncode == 2
        assert "pull request #8 is open, expected closed" in still_open.stderr

        pulls["8"] = pull("closed", "a" * 40, ODD_BRANCH)
        late = preview(pages.work, *honest, *site, env=env)
        assert late.returncode == 2, "a build finishing after the close must not bring it back"
        removed = preview(pages.work, "remove", "--event", str(event_file(tmp_path, 8)), env=env)
        assert removed.returncode == 0, removed.stderr
    assert not any(path.startswith("pr/8/") for path in pages.files())
    assert set(seen) == {f"/repos/{REPO}/pulls/9", f"/repos/{REPO}/pulls/8"}


@pytest.mark.parametrize("number", ["8; rm -rf /", "../..", -1, None, "1e3"])
def test_an_event_file_with_a_malformed_number_is_refused_before_any_request(
    pages: Pages, tmp_path: Path, number: object
) -> None:
    with github_api({}) as (env, seen):
        result = preview(
            pages.work, "remove", "--event", str(event_file(tmp_path, number)), env=env
        )
    assert result.returncode == 2
    assert "is malformed: expected a positive integer" in result.stderr
    assert seen == []


@pytest.mark.slow
def test_a_git_folder_smuggled_into_an_uploaded_site_is_not_published(
    pages: Pages, built_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    git(tmp_path, "init", "-q", str(site / "about"))  # would be committed as a submodule entry
    result = preview(pages.work, "publish", "--pr", "5", "--branch", "b", "--site", str(site))
    assert result.returncode == 0, result.stderr
    listing = git(pages.remote, "ls-tree", "-r", "gh-pages", "pr/5/about")
    assert "160000" not in listing, "no submodule (gitlink) entry"
    assert "pr/5/about/index.html" in listing
    assert ".git/" not in listing
