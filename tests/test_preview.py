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
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser

from testsupport.project import PROJECT
from testsupport.serving import serve_directory

ODD_BRANCH = 'fork-user:feat/ünïcode "quotes" & spaces'
REPO = "example/relapse-study"
SYNTHETIC_VERSIONS = [{"version": "2031.1", "title": "2031.1", "aliases": ["latest"]}]


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def preview(
    work: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``python -m analysis preview ARGS`` in ``work``, as the workflow runs it."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", "preview", *args],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(PROJECT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
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
    assert len(built) > 50, "the built site has (almost) no files"
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
        (["remove", "--pr", "5", "--remote", "upstream"], "--remote 'upstream': no git remote"),
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


def test_a_remote_given_as_a_path_is_refused_before_anything_is_pushed(
    pages: Pages, tmp_path: Path
) -> None:
    """A path is not a remote's name: the command would push, then fail to record the remote's
    tip under refs/remotes/<path>/; it refuses first instead."""
    other = tmp_path / "other.git"
    git(tmp_path, "init", "-q", "--bare", str(other))
    site = hostile_site(tmp_path, {})
    for args in (
        ["publish", "--pr", "5", "--branch", "b", "--site", str(site)],
        ["remove", "--pr", "5"],
    ):
        result = preview(pages.work, *args, "--remote", str(other))
        assert result.returncode == 2, result.stdout + result.stderr
        assert f"--remote '{other}': no git remote of that name" in result.stderr
        assert "nothing was pushed" in result.stderr
        assert git(other, "for-each-ref") == "", "nothing reached the other repository"


# The remote's pre-receive hook, on the first push only, lets "another writer" (a deploy of an
# edition) move gh-pages while the push is under way, so that the push loses the race.
ANOTHER_WRITER = r"""#!/bin/sh
marker="$(git rev-parse --git-dir)/raced"
[ -e "$marker" ] && exit 0
touch "$marker"
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_INDEX_FILE="$(mktemp -u)"
git read-tree refs/heads/gh-pages
blob=$(printf 'edition 2031.2\n' | git hash-object -w --stdin)
git update-index --add --cacheinfo "100644,$blob,2031.2/index.html"
tree=$(git write-tree)
export GIT_AUTHOR_NAME=d GIT_AUTHOR_EMAIL=d@example.org GIT_COMMITTER_NAME=d GIT_COMMITTER_EMAIL=d@example.org
git update-ref refs/heads/gh-pages "$(git commit-tree "$tree" -p refs/heads/gh-pages -m deploy)"
rm -f "$GIT_INDEX_FILE"
"""


def test_a_preview_push_that_loses_a_race_with_a_deploy_is_made_again_on_top(
    pages: Pages, tmp_path: Path
) -> None:
    """Deploys and previews no longer wait in one queue, so they can push at the same time:
    the preview's push is made again on top of what the deploy pushed, keeping both."""
    hook = pages.remote / "hooks" / "pre-receive"
    hook.write_text(ANOTHER_WRITER, encoding="utf-8")
    hook.chmod(0o755)
    before = pages.files()
    result = publish_site(pages, hostile_site(tmp_path, {}))
    assert result.returncode == 0, result.stderr
    after = pages.files()
    assert "2031.2/index.html" in after, "the deploy's commit is kept"
    assert "pr/5/index.html" in after
    assert {p: b for p, b in after.items() if p in before} == before
    assert git(pages.remote, "log", "-2", "--format=%s", "gh-pages").splitlines()[1] == "deploy"


class _GitHubStandIn(http.server.BaseHTTPRequestHandler):
    """Answers ``GET /repos/OWNER/NAME/pulls/N`` from ``self.server.pulls`` and a workflow run's
    review history, ``GET …/actions/runs/ID/approvals``, from ``self.server.approvals``."""

    def do_GET(self) -> None:
        pulls: dict[str, dict[str, object]] = self.server.pulls  # type: ignore[attr-defined]
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        approvals: dict[str, list[object]] = self.server.approvals  # type: ignore[attr-defined]
        prefix, runs = f"/repos/{REPO}/pulls/", f"/repos/{REPO}/actions/runs/"
        body: object = None
        if self.path.startswith(prefix):
            body = pulls.get(self.path.removeprefix(prefix))
        elif self.path.startswith(runs) and self.path.endswith("/approvals"):
            body = approvals.get(self.path.removeprefix(runs).removesuffix("/approvals"), [])
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"message": "Not Found"} if body is None else body).encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def github_api(
    pulls: dict[str, dict[str, object]], approvals: dict[str, list[object]] | None = None
) -> Iterator[tuple[dict[str, str], list[str]]]:
    """A local stand-in for api.github.com; yields Actions' environment and the paths asked.

    The run being approved is GITHUB_RUN_ID 4242 unless the test says otherwise."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _GitHubStandIn)
    server.pulls, server.seen = pulls, []  # type: ignore[attr-defined]
    server.approvals = approvals if approvals is not None else {}  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {
            "GITHUB_API_URL": f"http://127.0.0.1:{server.server_address[1]}",
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": "test-token",
            "GITHUB_RUN_ID": RUN_ID,
        }
        yield env, server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


RUN_ID = "4242"


def approval(environment: str = "preview", state: str = "approved") -> dict[str, object]:
    """One entry of a run's review history, as GitHub's API returns it."""
    return {
        "environments": [{"id": 1, "name": environment}],
        "state": state,
        "user": {"login": "maintainer", "type": "User"},
        "comment": "read the diff",
    }


def pull(state: str, sha: str, label: str) -> dict[str, object]:
    return {"state": state, "head": {"sha": sha, "label": label}}


def event_file(tmp_path: Path, number: object) -> Path:
    path = tmp_path / "event" / "event.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"action": "synchronize", "number": number}), encoding="utf-8")
    return path


def test_the_trusted_job_believes_the_uploaded_pr_number_only_when_github_confirms_it(
    pages: Pages, built_site: Path, tmp_path: Path
) -> None:
    pulls = {"8": pull("open", "a" * 40, ODD_BRANCH), "9": pull("open", "b" * 40, "owner:main")}
    site = ["--site", str(built_site), "--environment", "preview"]
    with github_api(pulls, {RUN_ID: [approval()]}) as (env, seen):
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
    approvals = f"/repos/{REPO}/actions/runs/{RUN_ID}/approvals"
    assert set(seen) == {f"/repos/{REPO}/pulls/9", f"/repos/{REPO}/pulls/8", approvals}


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


def test_a_git_folder_smuggled_into_an_uploaded_site_refuses_the_preview(
    pages: Pages, built_site: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    git(tmp_path, "init", "-q", str(site / "about"))  # would be committed as a submodule entry
    before = pages.tip()
    result = preview(pages.work, "publish", "--pr", "5", "--branch", "b", "--site", str(site))
    assert result.returncode == 2, result.stdout
    assert "about/.git: a hidden or repository control file" in result.stderr
    assert pages.tip() == before


# --- Published only after a maintainer approved this run, as the workflow runs the command ---

WORKFLOW = PROJECT / ".github" / "workflows" / "preview.yml"


def workflow_step(job: str, name_start: str) -> dict[str, Any]:
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"][job]["steps"]
    (step,) = [s for s in steps if str(s.get("name", "")).startswith(name_start)]
    return step


def run_publish_step(
    pages: Pages, tmp_path: Path, env: dict[str, str], head_sha: str
) -> subprocess.CompletedProcess[str]:
    """The Preview workflow's publish step, run as written, in a checkout (here, the clone
    of gh-pages with the project's environment), with RUNNER_TEMP holding the downloaded site
    and event file."""
    step = workflow_step("publish", "Publish the preview")
    runner_temp = tmp_path / "runner-temp"
    if not runner_temp.exists():
        shutil.copytree(hostile_site(tmp_path, {}), runner_temp / "site")
        event_dir = runner_temp / "pull-request-event"
        event_dir.mkdir()
        shutil.copy(event_file(tmp_path, 8), event_dir / "event.json")
    venv = pages.work / ".venv"
    if not venv.exists():
        venv.symlink_to(Path(sys.executable).parents[1])
    return subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=pages.work,
        env={
            **os.environ,
            "PYTHONPATH": str(PROJECT),
            "RUNNER_TEMP": str(runner_temp),
            "HEAD_SHA": head_sha,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("history", "run_id"),
    [
        ([], RUN_ID),
        ([approval("production")], RUN_ID),
        ([approval(state="rejected")], RUN_ID),
        ([approval()], "9999"),  # another run was approved, not this one
    ],
    ids=["none", "another-environment", "rejected", "another-run"],
)
def test_the_workflow_publishes_nothing_without_a_maintainers_approval_of_this_run(
    pages: Pages, tmp_path: Path, history: list[object], run_id: str
) -> None:
    before = pages.tip()
    with github_api({"8": pull("open", "a" * 40, ODD_BRANCH)}, {RUN_ID: history}) as (env, _):
        result = run_publish_step(pages, tmp_path, {**env, "GITHUB_RUN_ID": run_id}, "a" * 40)
    assert result.returncode == 2, result.stdout
    assert "has no maintainer's approval for the environment 'preview'" in result.stderr
    assert pages.tip() == before


def test_the_workflow_publishes_the_approved_run_and_refuses_a_push_made_after_it(
    pages: Pages, tmp_path: Path
) -> None:
    pulls = {"8": pull("open", "a" * 40, ODD_BRANCH)}
    with github_api(pulls, {RUN_ID: [approval()]}) as (env, _):
        result = run_publish_step(pages, tmp_path, env, "a" * 40)
        assert result.returncode == 0, result.stderr
        assert "approved by maintainer" in result.stdout
        assert "pr/8/index.html" in pages.files()
        first = pages.tip()
        pulls["8"] = pull("open", "c" * 40, ODD_BRANCH)  # the fork pushed after the approval
        late = run_publish_step(pages, tmp_path, env, "a" * 40)
    assert late.returncode == 2
    assert "refusing to publish another pull request's site" in late.stderr
    assert pages.tip() == first


def test_publishing_from_an_event_without_an_environment_is_refused(
    pages: Pages, tmp_path: Path
) -> None:
    pulls = {"8": pull("open", "a" * 40, ODD_BRANCH)}
    site = hostile_site(tmp_path, {})
    with github_api(pulls, {RUN_ID: [approval()]}) as (env, _):
        args = ["--event", str(event_file(tmp_path, 8)), "--head-sha", "a" * 40]
        result = preview(pages.work, "publish", *args, "--site", str(site), env=env)
    assert result.returncode == 2
    assert "preview publish --event needs --environment NAME" in result.stderr


# --- A hostile pull request's site: every page stamped where a browser sees it, or refused ---

GOOD_PAGE = "<!doctype html><html lang=en><head><title>t</title></head><body><p>x</p></body></html>"
BANNER = "pull-request-preview"


def hostile_site(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A small built site: a good home page and ``files`` (path → content)."""
    site = tmp_path / "hostile-site"
    (site / "index.html").parent.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(GOOD_PAGE, encoding="utf-8")
    for name, content in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return site


def publish_site(pages: Pages, site: Path, **run: object) -> subprocess.CompletedProcess[str]:
    return preview(pages.work, "publish", "--pr", "5", "--branch", "b", "--site", str(site), **run)


STAMPED = {  # case: (file, page)
    "comment-before-head": (
        "case/index.html",
        (
            "<!doctype html><!-- <head><body> --><html><head><title>t</title></head>"
            "<body><p>x</p></body></html>"
        ),
    ),
    "abrupt-empty-comment": (
        "case/index.html",
        "<!doctype html><!--><html><head><title>t</title></head><body><p>x</p></body></html>",
    ),
    "banner-id-as-text": (
        "case/index.html",
        (
            f"<!doctype html><html><head><title>{BANNER}</title></head>"
            f'<body><p>id="{BANNER}"</p></body></html>'
        ),
    ),
    "quoted-gt-in-attributes": (
        "case/index.html",
        (
            '<!doctype html><html data-x="<head>"><head data-y="a>b"><title>t</title></head>'
            '<body class="a>b"><p>x</p></body></html>'
        ),
    ),
    "script-that-names-tags": (
        "case/index.html",
        (
            '<!doctype html><html><head><script>var s = "</head><body>";</script></head>'
            "<body><p>x</p></body></html>"
        ),
    ),
    "upper-case-tags": (
        "case/index.html",
        ("<!DOCTYPE HTML><HTML><HEAD><TITLE>t</TITLE></HEAD><BODY><P>x</P></BODY>"),
    ),
    "upper-case-extension": ("case/Page.HTML", GOOD_PAGE),
    "odd-characters": (
        "case/index.html",
        (
            "\ufeff<!doctype html><html><head><title>\u2028 ü \u202e</title></head>"
            "<body>\x00<p>\u2029 😀 \u0085</p></body></html>"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(STAMPED))
def test_a_page_is_stamped_in_the_head_and_body_a_browser_finds(
    pages: Pages, tmp_path: Path, browser: Browser, case: str
) -> None:
    """Chromium, given the published files over HTTP, finds the noindex tag in the page's head
    and the banner as the first element of its body."""
    name, content = STAMPED[case]
    result = publish_site(pages, hostile_site(tmp_path, {name: content}))
    assert result.returncode == 0, result.stderr
    served = tmp_path / "served"
    served.mkdir()
    archive = subprocess.run(
        ["git", "archive", "gh-pages", "pr/5"], cwd=pages.remote, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(served)], input=archive.stdout, check=True)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        with serve_directory(served, compress=False) as url:
            for published in ("index.html", name):
                page.goto(f"{url}pr/5/{published}")
                found = page.evaluate(
                    """() => [
                        document.head.querySelector('meta[name=robots]')?.content ?? null,
                        document.body.firstElementChild?.id ?? null,
                    ]"""
                )
                assert found == ["noindex, nofollow", BANNER], f"{published}: {found}"
    finally:
        context.close()


REFUSED: dict[str, dict[str, str | bytes]] = {
    "no-head": {"a.html": "<p>hello</p>"},
    "head-only-as-text": {"a.html": "<html><body><p>&lt;head&gt; <!-- <head> --></p>"},
    "content-before-body": {"a.html": "<html><head><title>t</title></head><p>x</p></html>"},
    "element-in-head": {"a.html": "<html><head><div>x</div></head><body></body></html>"},
    "script-escape-in-head": {
        "a.html": "<html><head><script><!--<script></script></head><body>--></script>"
        "</head><body></body></html>"
    },
    "page-ends-in-a-tag": {"a.html": "<html><head><title>t</title></head><body"},
    "not-utf8": {"a.html": b"<html><head></head><body>\xff\xfe</body></html>"},
    "htm": {"a.htm": GOOD_PAGE},
    "xhtml": {"a.xhtml": GOOD_PAGE},
    "shtml": {"a.shtml": GOOD_PAGE},
    "no-extension": {"README": "text"},
    "program": {"tool.exe": b"MZ"},
    "svg-script": {
        "c.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    },
    "svg-handler": {"c.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'},
    "svg-link": {
        "c.svg": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<use x:href="data:image/svg+xml,&lt;svg/&gt;"/></svg>'
    },
    "svg-html": {
        "c.svg": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body '
        'xmlns="http://www.w3.org/1999/xhtml"/></foreignObject></svg>'
    },
    "svg-entities": {
        "c.svg": '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">'
        "&a;</svg>"
    },
    "xml-xhtml": {
        "feed.xml": '<feed xmlns="http://www.w3.org/2005/Atom"><x:script '
        'xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script></feed>'
    },
    "xml-stylesheet": {
        "feed.xml": '<?xml-stylesheet type="text/xsl" href="x.xsl"?><feed '
        'xmlns="http://www.w3.org/2005/Atom"/>'
    },
    "gitattributes": {".gitattributes": "* filter=lfs"},
    "gitmodules": {".gitmodules": '[submodule "x"]\n'},
    "lfsconfig": {".lfsconfig": "[lfs]\n"},
    "nested-gitignore": {"assets/.gitignore": "*"},
    "git-folder": {".git/config": "[core]\n"},
    "newline-in-name": {"a\nb.html": GOOD_PAGE},
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_file_that_cannot_be_published_safely_refuses_the_whole_preview_naming_it(
    pages: Pages, tmp_path: Path, case: str
) -> None:
    files = REFUSED[case]
    before = pages.tip()
    result = publish_site(pages, hostile_site(tmp_path, files))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (name,) = files
    shown = ".git" if name.startswith(".git/") else name.replace("\n", "\\n")
    assert f"{shown}: " in result.stderr, result.stderr
    assert "nothing was published" in result.stderr or "not published" in result.stderr
    assert pages.tip() == before


@pytest.mark.parametrize("kind", ["file-link", "folder-link", "pipe"])
def test_symbolic_links_and_special_files_refuse_the_preview(
    pages: Pages, tmp_path: Path, kind: str
) -> None:
    site = hostile_site(tmp_path, {})
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "secret.html").write_text(GOOD_PAGE, encoding="utf-8")
    if kind == "file-link":
        (site / "leak.html").symlink_to(secret / "secret.html")
    elif kind == "folder-link":
        (site / "leak").symlink_to(secret)
    else:
        os.mkfifo(site / "leak.html")
    before = pages.tip()
    result = publish_site(pages, site)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "leak" in result.stderr
    assert pages.tip() == before


def test_clean_svg_images_and_the_atom_feed_are_published_unchanged(
    pages: Pages, tmp_path: Path
) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'role="img"><defs><clipPath id="c"><rect width="9" height="9"/></clipPath></defs>'
        '<g clip-path="url(#c)"><path d="M0 0L9 9"/><text>40.5% <tspan>(15/37)</tspan></text>'
        '<use xlink:href="#c"/></g></svg>'
    )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>notes</title><link href="https://example.org/notes/"/><entry><content '
        'type="html">&lt;p&gt;a note&lt;/p&gt;</content></entry></feed>'
    )
    site = hostile_site(tmp_path, {"charts/c.svg": svg, "notes/feed.xml": feed})
    result = publish_site(pages, site)
    assert result.returncode == 0, result.stderr
    assert pages.show("pr/5/charts/c.svg") == svg
    assert pages.show("pr/5/notes/feed.xml") == feed.strip()


def test_a_site_with_too_many_files_or_bytes_is_refused(pages: Pages, tmp_path: Path) -> None:
    from analysis.publish.preview_files import MAX_BYTES, MAX_FILES

    many = hostile_site(tmp_path / "many", {f"f/{i}.txt": "" for i in range(MAX_FILES)})
    result = publish_site(pages, many)
    assert result.returncode == 2
    assert f"more than {MAX_FILES:,} files" in result.stderr
    big = hostile_site(tmp_path / "big", {})
    with (big / "big.png").open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: nothing is written
    result = publish_site(pages, big)
    assert result.returncode == 2
    assert f"{MAX_BYTES:,} bytes" in result.stderr


HUGE = 5_000_000  # characters: a quadratic scan of this would take hours


@pytest.mark.parametrize(
    ("content", "stamped"),
    [
        ("<head " * (HUGE // 6), False),  # one start tag that never ends
        ("<!doctype html><html><head>" + "<head " * (HUGE // 6), False),
        ("<!--" * (HUGE // 4), False),  # an unclosed comment
        ("<html><head><title>" + "</tit " * (HUGE // 6), False),  # a title never closed
        (GOOD_PAGE.replace("<p>x</p>", "<p>" + "x<b>y</b> " * (HUGE // 10) + "</p>"), True),
        (
            GOOD_PAGE.replace("<title>t</title>", '<meta name="a" content="b">' * (HUGE // 30)),
            True,
        ),
    ],
    ids=[
        "repeated-head",
        "head-then-repeated-head",
        "comments",
        "open-title",
        "big-body",
        "many-metas",
    ],
)
def test_multi_megabyte_hostile_pages_are_handled_in_linear_time(
    pages: Pages, tmp_path: Path, content: str, stamped: bool
) -> None:
    """Under a generous time limit: a quadratic scan would not finish in it (120 KB of
    repeated ``<head `` took 15 s before, and the time grows with the square of the size)."""
    site = hostile_site(tmp_path, {"huge/index.html": content})
    result = publish_site(pages, site, timeout=120)
    if stamped:
        assert result.returncode == 0, result.stderr
        assert f'<div id="{BANNER}"' in pages.show("pr/5/huge/index.html")[:HUGE]
    else:
        assert result.returncode == 2, result.stderr
        assert "huge/index.html: cannot be stamped as a preview" in result.stderr
