"""A newcomer's path, run as people and CI run it: a fresh clone, ``make``, and the workflows' own
commands publishing into a bare git remote standing in for GitHub.

The clone is ``git clone`` of this repository's committed HEAD (uncommitted edits are not in
it, as they would not be in anyone's clone), and nothing of this checkout is lent to it: its
``make`` installs the pinned uv into its own ``.tools/`` and its own ``.venv`` from ``uv.lock``,
downloading whatever uv's cache lacks, as on a new machine. Git has no user configuration: the
commits take their identity from the Deploy job's environment.

In order, as a maintainer and the workflows would: prepare edition 2031.1 as CONTRIBUTING says
and run Deploy's tag step; publish the preview of a pull request from a fork; change ``main``
and run Deploy's ``main`` step; remove the preview. ``gh-pages`` is recorded after each step.

The second half runs every ``make`` target, ``python -m analysis`` command and script that
README, CONTRIBUTING or a workflow names, found in those files, with its smallest options.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser

from analysis.publish.edition import project_version
from testsupport.editions import prepare_edition
from testsupport.project import PROJECT
from testsupport.serving import serve_directory

WORKFLOWS = PROJECT / ".github" / "workflows"
DOCUMENTS = [PROJECT / "README.md", PROJECT / "CONTRIBUTING.md"]
EDITION, PR = "2031.1", "12"
ODD_BRANCH = 'fork-user:feat/ünïcode "quotes" & spaces'
SITE_URL = "https://study.example.org/relapse/"
_LEAKY = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT", "SOURCE_DATE_EPOCH"}
_LEAKY |= {"MIKE_DOCS_VERSION", "STUDY_SOURCE_COMMIT", "REPO_URL", "EDIT_URI", "SITE_URL"}


def workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def deploy_run(step_name: str) -> str:
    """The ``run:`` of one step of the Deploy workflow, to be run here exactly as written."""
    for step in workflow("deploy.yml")["jobs"]["deploy"]["steps"]:
        if step.get("name") == step_name:
            return str(step["run"])
    raise AssertionError(f"deploy.yml has no step named {step_name!r}")


def clone_env() -> dict[str, str]:
    """This process's environment minus what would point at this checkout, plus Deploy's git
    identity and no git user configuration."""
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != bin_dir)
    job_env = workflow("deploy.yml")["jobs"]["deploy"]["env"]
    env.update({k: str(v) for k, v in job_env.items() if k.startswith("GIT_")})
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    env["SITE_URL"] = SITE_URL  # what Deploy's SITE_URL expression gives on GitHub
    return env


def run(
    where: Path, command: str, env: dict[str, str], timeout: float = 1800
) -> subprocess.CompletedProcess[str]:
    """``command`` in a shell in ``where``, as a person (or a workflow's ``run:``) types it."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def must(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 0, f"{what}\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"


@dataclass
class Clone:
    path: Path
    remote: Path
    env: dict[str, str]
    results: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # step -> remote gh-pages commit
    commits: dict[str, str] = field(default_factory=dict)

    def git(self, *args: str, repo: Path | None = None) -> str:
        result = subprocess.run(
            ["git", *args],
            cwd=repo or self.path,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
        return result.stdout.strip()

    def step(self, name: str, command: str, **extra_env: str) -> None:
        result = run(self.path, command, {**self.env, **extra_env})
        must(result, f"{name}: `{command}` failed in the fresh clone")
        self.results[name] = result
        self.pages[name] = self.git("rev-parse", "gh-pages", repo=self.remote)

    def show(self, step: str, path: str) -> str:
        return self.git("show", f"{self.pages[step]}:{path}", repo=self.remote)

    def files(self, step: str) -> dict[str, str]:
        listing = self.git("ls-tree", "-r", self.pages[step], repo=self.remote)
        return {line.split("\t", 1)[1]: line.split()[2] for line in listing.splitlines()}


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Clone:
    root = tmp_path_factory.mktemp("fresh-clone")
    env = clone_env()
    path, remote = root / "clone", root / "remote.git"
    must(run(root, f"git init -q --bare {remote}", env), "bare remote")
    must(run(root, f"git clone -q {PROJECT} {path}", env), "git clone")
    c = Clone(path, remote, env)
    c.git("checkout", "-q", "-B", "main")
    c.git("remote", "set-url", "origin", str(remote))
    c.git("push", "-q", "origin", "main")
    result = run(path, "make .venv/.synced", env)
    must(result, "make .venv/.synced in a fresh clone")
    c.results["setup"] = result

    # A maintainer prepares the edition as CONTRIBUTING says (the edition in CITATION.cff, the
    # CHANGELOG heading; nothing else, no new lock), then tags it; CI passes; Deploy runs its tag
    # step with TAG set to the tag's name.
    prepare_edition(path, EDITION)
    c.git("commit", "-q", "-am", f"Edition {EDITION}")
    c.git("tag", f"v{EDITION}")
    c.git("push", "-q", "origin", "main", f"v{EDITION}")
    c.commits[EDITION] = c.git("rev-parse", "HEAD")
    c.step("edition", deploy_run("Publish the tagged edition as latest (CI passed on the tag)"),
           TAG=f"v{EDITION}")  # fmt: skip

    # The Preview workflow's command, here building the site itself (no --site).
    c.step(
        "preview", f".venv/bin/python -m analysis preview publish --pr {PR} --branch '{ODD_BRANCH}'"
    )

    about = path / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA change on main.\n", "utf-8")
    c.git("commit", "-q", "-am", "A change on main after the edition")
    c.git("push", "-q", "origin", "main")
    c.commits["dev"] = c.git("rev-parse", "HEAD")
    c.step("dev", deploy_run("Publish dev (CI passed on main)"))

    c.step("remove", f".venv/bin/python -m analysis preview remove --pr {PR}")
    return c


def test_make_gives_a_fresh_clone_its_own_tools_and_environment(clone: Clone) -> None:
    python = clone.path / ".venv" / "bin" / "python"
    where = run(clone.path, f"{python} -c 'import analysis; print(analysis.__file__)'", clone.env)
    must(where, "import analysis in the clone's venv")
    assert Path(where.stdout.strip()).is_relative_to(clone.path), "the clone runs its own code"
    uv = clone.path / ".tools" / "bin" / "uv"
    assert uv.is_file(), "make installed no uv"
    assert not uv.is_symlink(), "the clone's uv is its own"
    version = run(clone.path, ".tools/bin/uv --version", clone.env)
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"(?m)^UV_VERSION := (\S+)$", makefile)
    assert pinned is not None
    assert version.stdout.split()[:2] == ["uv", pinned[1]]


def test_contributings_edition_steps_are_the_ones_the_fixture_follows() -> None:
    """The fixture prepares the edition as step 1 says, and only so: if the steps change, this
    test (and prepare_edition) must change with them."""
    text = (PROJECT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    steps = text.split("To publish a new edition (maintainers):", 1)[1].split("\n\n", 2)[1]
    first = " ".join(steps.split("\n2. ", 1)[0].split())
    assert '`CITATION.cff` (`version: "2026.2"`' in first
    assert "rename `## Unreleased` in `CHANGELOG.md` to `## 2026.2`" in first
    assert not re.search(r"\buv\s+lock\b", steps), "an edition needs no new lock"
    assert "`git tag v2026.2 && git push origin v2026.2`" in steps


def test_the_edition_commit_changes_only_citation_cff_and_the_changelog(clone: Clone) -> None:
    changed = clone.git("show", "--name-only", "--format=", clone.commits[EDITION]).split()
    assert sorted(changed) == ["CHANGELOG.md", "CITATION.cff"]


def test_the_published_edition_carries_the_version_typed_in_citation_cff(clone: Clone) -> None:
    """The handout prints the package's version: make reinstalled the package (its version read
    from CITATION.cff) for the edition, with the lock unchanged."""
    handout = clone.show("edition", f"{EDITION}/handout/index.html")
    assert f"Edition {EDITION} · " in handout
    assert f"Edition {project_version(PROJECT)} · " not in handout, "the version before it"


def test_versions_json_lists_the_edition_as_latest_and_dev_and_no_preview(clone: Clone) -> None:
    versions = {e["version"]: e for e in json.loads(clone.show("remove", "versions.json"))}
    assert set(versions) == {EDITION, "dev"}
    assert versions[EDITION]["aliases"] == ["latest"]
    assert versions["dev"]["aliases"] == []
    assert versions[EDITION]["properties"] == {"commit": clone.commits[EDITION]}
    assert versions["dev"]["properties"] == {"commit": clone.commits["dev"]}
    assert clone.show("preview", "versions.json") == clone.show("edition", "versions.json")


def test_each_edition_has_every_page_and_names_itself(clone: Clone) -> None:
    files = clone.files("dev")
    pages = {p.removeprefix(f"{EDITION}/") for p in files if p.startswith(f"{EDITION}/")}
    dev = {p.removeprefix("dev/") for p in files if p.startswith("dev/")}
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = re.findall(r"(?m)^  - [^:\n]+: (\S+)\.(?:md|ipynb)$", config.split("\nnav:", 1)[1])
    assert len(nav) > 10
    for stem in nav:
        page = "index.html" if stem == "index" else f"{stem.removesuffix('/index')}/index.html"
        assert page in pages, f"{EDITION} lacks {page}"
    assert {p for p in pages if p.endswith(".html")} == {p for p in dev if p.endswith(".html")}
    home = clone.show("dev", f"{EDITION}/index.html")
    assert f'data-edition="{EDITION}">edition {EDITION}</strong>' in home
    assert clone.commits[EDITION][:7] in home
    dev_home = clone.show("dev", "dev/index.html")
    assert f'data-edition="dev">development edition (after {EDITION})</strong>' in dev_home
    assert "A change on main." in clone.show("dev", "dev/about/index.html")
    assert "A change on main." not in clone.show("dev", f"{EDITION}/about/index.html")


def test_the_site_root_redirects_to_latest_which_is_the_edition(clone: Clone) -> None:
    index = clone.show("dev", "index.html")
    assert 'url=latest/"' in index
    assert clone.show("dev", "latest") == EDITION
    assert 'href="/relapse/latest/assets/stylesheets/' in clone.show("dev", "404.html")


def test_the_preview_sits_beside_the_editions_and_a_deploy_keeps_it(clone: Clone) -> None:
    home = clone.show("preview", f"pr/{PR}/index.html")
    assert '<meta name="robots" content="noindex, nofollow">' in home
    assert "fork-user:feat/ünïcode &quot;quotes&quot; &amp; spaces" in home
    assert "unpublished preview" in home, "built without an edition name: not citable"
    before, after = clone.files("edition"), clone.files("preview")
    assert {p: b for p, b in after.items() if not p.startswith("pr/")} == before
    tree = clone.git("rev-parse", f"{clone.pages['preview']}:pr/{PR}", repo=clone.remote)
    kept = clone.git("rev-parse", f"{clone.pages['dev']}:pr/{PR}", repo=clone.remote)
    assert kept == tree, "publishing dev must not touch the preview"


def test_removing_the_preview_leaves_everything_else_as_deployed(clone: Clone) -> None:
    assert not any(p.startswith("pr/") for p in clone.files("remove"))
    dev = {p: b for p, b in clone.files("dev").items() if not p.startswith("pr/")}
    assert clone.files("remove") == dev


def test_publishing_leaves_the_clone_clean(clone: Clone) -> None:
    assert clone.git("status", "--porcelain") == ""


def test_a_reader_lands_on_latest_and_only_the_preview_has_the_banner(
    clone: Clone, browser: Browser, tmp_path: Path
) -> None:
    served = tmp_path / "gh-pages"
    served.mkdir()
    archive = f"git -C {clone.remote} archive {clone.pages['dev']} | tar -x -C {served}"
    must(run(tmp_path, archive, clone.env), "extract gh-pages")
    with serve_directory(served) as url:
        page = browser.new_page()
        try:
            page.goto(url)
            page.wait_for_url(f"{url}latest/")
            selector = page.locator(".md-version__list .md-version__link")
            selector.first.wait_for(state="attached")
            titles = " ".join(selector.all_inner_texts())
            assert EDITION in titles
            assert "dev" in titles
            assert PR not in titles
            assert page.locator("#pull-request-preview").count() == 0

            page.goto(f"{url}pr/{PR}/results/")
            banner = page.locator("#pull-request-preview")
            banner.wait_for(state="visible")
            assert "do not cite it" in banner.inner_text()
            page.wait_for_timeout(500)  # the selector would appear once versions.json loaded
            assert page.locator(".md-version__list").count() == 0
        finally:
            page.close()


# --- Every documented command, run the way a person runs it ----------------------------------

_FENCED = re.compile(r"```[^\n]*\n(.*?)```", re.DOTALL)
_SPAN = re.compile(r"`([^`\n]+)`")


def documented_texts() -> list[str]:
    """Code in README and CONTRIBUTING (blocks and spans) and every workflow step's ``run:``."""
    texts = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        texts += _FENCED.findall(text)
        texts += _SPAN.findall(_FENCED.sub("", text))
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in workflow(path.name)["jobs"].values():
            texts += [str(step["run"]) for step in job["steps"] if "run" in step]
    return texts


def documented_commands() -> list[str]:
    """Each ``make`` target, ``python -m analysis`` command and script those texts name."""
    found = set()
    for text in documented_texts():
        for match in re.finditer(r"(?:^|[\s;&|(])make ([\w./-]+)", text):
            found.add(f"make {match[1]}")
        for match in re.finditer(r"python -m analysis ([a-z-]+)(?: ([a-z-]+))?", text):
            action = f" {match[2]}" if match[1] in {"notes", "preview"} and match[2] else ""
            found.add(f"python -m analysis {match[1]}{action}")
        for match in re.finditer(r"(?:^|[\s/])((?:\.ci|scripts)/[\w.-]+)", text):
            found.add(match[1])
    return sorted(found)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(clone: Clone) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        ["make", "serve", f"SERVE_ADDR=127.0.0.1:{port}"],
        cwd=clone.path,
        env=clone.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: make, uv and mkdocs end together
    )
    try:
        deadline = time.monotonic() + 600
        while True:
            assert process.poll() is None, "make serve exited"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert "<title>" in response.read().decode("utf-8")
                    return
            except OSError:
                assert time.monotonic() < deadline, "make serve served nothing"
                time.sleep(1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def clone_site(clone: Clone) -> Path:
    """``make build`` in the fresh clone (CI's strict build)."""
    must(run(clone.path, "make build", clone.env), "make build")
    assert (clone.path / "site" / "index.html").is_file()
    return clone.path / "site"


def _ran(*steps: str) -> Callable[[Clone], None]:
    def check(clone: Clone) -> None:
        for step in steps:
            assert clone.results[step].returncode == 0  # run by the fixture, as a subprocess

    return check


def _command(command: str, expect: str = "") -> Callable[[Clone], None]:
    def check(clone: Clone) -> None:
        result = run(clone.path, command, clone.env)
        must(result, command)
        assert expect in result.stdout

    return check


def _note_from_issue(clone: Clone) -> None:
    """A sample Note form body becomes a note file in the clone, which the notes check passes."""
    from testsupport.notes import form_body

    body = clone.path / "issue-body.md"
    body.write_text(form_body(), encoding="utf-8")
    try:
        result = run(
            clone.path,
            ".venv/bin/python -m analysis notes from-issue issue-body.md --number 7 "
            "--author ada-reader --date 2026-11-26",
            clone.env,
        )
        must(result, "notes from-issue")
        written = sorted((clone.path / "docs" / "notes").glob("2026-11-26-issue-7-*.md"))
        assert len(written) == 1, result.stdout
        must(run(clone.path, ".venv/bin/python -m analysis notes check", clone.env), "check")
    finally:
        body.unlink()
        for note in (clone.path / "docs" / "notes").glob("2026-11-26-issue-7-*.md"):
            note.unlink()


def _comment_without_a_token(clone: Clone) -> None:
    """From the clone, the comment command runs and refuses, by name, to post without a token
    (posting and updating are tested against a local fake of GitHub in test_pr_comment.py)."""
    env = {k: v for k, v in clone.env.items() if k != "GITHUB_TOKEN"}
    (clone.path / "diff.md").write_text("## Computed numbers\n", encoding="utf-8")
    try:
        result = run(
            clone.path,
            "python -m analysis comment --repo o/n --number 1 --marker number-diff "
            "--body-file diff.md",
            env,
        )
    finally:
        (clone.path / "diff.md").unlink()
    assert result.returncode == 2, result.stderr
    assert "GITHUB_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


RUNNERS: dict[str, Callable[[Clone], None]] = {
    "make .venv/.synced": _ran("setup"),
    "make publish": _ran("edition", "dev"),  # Deploy's steps: make publish VERSION=…
    "python -m analysis publish": _ran("edition", "dev"),  # what make publish runs
    "python -m analysis preview publish": _ran("preview"),
    "python -m analysis preview remove": _ran("remove"),
    "make serve": _serve,
    "make build": lambda c: None,  # the clone_site fixture runs it
    "make lint": _command("make lint"),
    "make lint-repo": _command("make lint-repo"),
    "make bench": _command("make bench BENCH_ARGS='--runs 1'", expect="warm / bare"),
    "python -m analysis check": _command(".venv/bin/python -m analysis check", "valid"),
    "python -m analysis notes check": _command(".venv/bin/python -m analysis notes check"),
    "scripts/check_links.py": _command(".venv/bin/python scripts/check_links.py site"),
    ".ci/install-chromium": _command(".ci/install-chromium", expect="skipping apt-get"),
    # Collected only: running it is running most of `make test`, which runs this very test.
    "make test-fast": _command("PYTEST_ADDOPTS=--collect-only make test-fast", expect="deselected"),
    "make diff": _command("make diff BASE=HEAD", expect="No computed number changes"),
    "python -m analysis diff": _command(
        ".venv/bin/python -m analysis diff --base HEAD", expect="No computed number changes"
    ),
    "python -m analysis notes from-issue": _note_from_issue,
    "python -m analysis comment": _comment_without_a_token,
    # Needs GitHub's gh and an approved issue: tests/test_note_workflow.py runs it in a clone
    # whose origin is a bare repository, with a stand-in gh that records what it is asked.
    "scripts/note_from_issue.sh": lambda c: None,
}
# `make test` runs this very test (and `.ci/run` is `make test` after installing Chromium).
ASIDE = {"make test", ".ci/run"}


def test_the_commands_set_aside_are_the_test_command_itself() -> None:
    assert set(documented_commands()) >= ASIDE
    assert (PROJECT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("make test")


@pytest.mark.clone  # its fixtures come from request.getfixturevalue
@pytest.mark.parametrize("command", sorted(set(documented_commands()) - ASIDE))
def test_every_documented_command_runs_the_way_a_person_runs_it(
    command: str, request: pytest.FixtureRequest
) -> None:
    runner = RUNNERS.get(command)
    assert runner is not None, (
        f"{command!r} is named in README, CONTRIBUTING or a workflow, but no test runs it: "
        f"add it to RUNNERS in {Path(__file__).name}"
    )
    request.getfixturevalue("clone_site")  # `make build` (some runners read its site/)
    runner(request.getfixturevalue("clone"))


def test_every_runner_is_for_a_command_that_is_still_documented() -> None:
    stale = set(RUNNERS) - set(documented_commands())
    assert not stale, f"no longer documented, remove from RUNNERS: {sorted(stale)}"


def test_the_discovery_finds_the_commands_people_are_told_to_run() -> None:
    found = set(documented_commands())
    assert {"make serve", "make test", "make publish", "python -m analysis check"} <= found
    assert {"python -m analysis preview publish", "python -m analysis preview remove"} <= found
