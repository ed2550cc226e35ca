"""Publishing for real: editions and dev pushed by the publish command into a bare git remote.

One scratch repository (a copy of this project's tree with its own history) publishes two
editions and ``dev`` to a bare repository acting as GitHub; the tests then read ``gh-pages``
as a reader's browser would get it, and try the ways publishing must refuse or fail safely.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from analysis.errors import PublishError
from analysis.publish.deploy import plan_publish, publish
from testsupport.editions import prepare_edition
from testsupport.project import PROJECT

pytestmark = pytest.mark.slow  # publishes three editions (six site builds) and serves them

SITE_URL = "https://study.example.org/relapse/"
REPO_URL = "https://github.com/example/relapse-study"
OLD, NEW = "2031.1", "2031.2"
_SKIP = {".git", ".venv", ".tools", ".cache", "site", "__pycache__", ".pytest_cache"}
_SKIP |= {".ruff_cache", ".hypothesis", "node_modules"}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def remote_pages(remote: Path) -> str:
    return git(remote, "rev-parse", "refs/heads/gh-pages")


def pages_file(repo: Path, path: str, ref: str = "gh-pages") -> str:
    return git(repo, "show", f"{ref}:{path}")


@dataclass(frozen=True)
class Published:
    work: Path
    remote: Path
    commits: dict[str, str]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """Two editions and dev published, in order, from three commits of a scratch project."""
    root = tmp_path_factory.mktemp("publish")
    remote, work = root / "remote.git", root / "work"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    shutil.copytree(PROJECT, work, ignore=lambda _d, names: [n for n in names if n in _SKIP])
    git(work, "init", "-q", "-b", "main")
    git(work, "config", "user.name", "Publish Test")
    git(work, "config", "user.email", "publish-test@example.org")
    git(work, "remote", "add", "origin", str(remote))
    old = os.environ.copy()
    os.environ.update({"SITE_URL": SITE_URL, "REPO_URL": REPO_URL, "EDIT_URI": "edit/main/docs/"})
    try:
        commits = {}
        prepare_edition(work, OLD)
        commits[OLD] = commit_all(work, f"Edition {OLD}")
        git(work, "push", "-q", "origin", "main")
        publish(work, OLD, ["latest"])
        prepare_edition(work, NEW, entry="- **Correction:** test.")
        commits[NEW] = commit_all(work, f"Edition {NEW}")
        publish(work, NEW, ["latest"])
        about = work / "docs" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\nA change on main.\n", "utf-8")
        commits["dev"] = commit_all(work, "A change after the edition")
        publish(work, "dev")
        yield Published(work, remote, commits)
    finally:
        os.environ.clear()
        os.environ.update(old)


def _versions(pub: Published) -> dict[str, dict[str, object]]:
    raw = json.loads(pages_file(pub.remote, "versions.json"))
    return {entry["version"]: entry for entry in raw}


def test_versions_json_lists_two_editions_and_dev_each_with_its_commit(
    published: Published,
) -> None:
    versions = _versions(published)
    assert set(versions) == {OLD, NEW, "dev"}
    for name, commit in published.commits.items():
        assert versions[name]["properties"] == {"commit": commit}


def test_latest_moved_to_the_newest_edition_and_dev_has_no_alias(published: Published) -> None:
    versions = _versions(published)
    assert versions[NEW]["aliases"] == ["latest"]
    assert versions[OLD]["aliases"] == []
    assert versions["dev"]["aliases"] == []
    entry = git(published.remote, "ls-tree", "gh-pages", "latest").split()
    assert entry[0] == "120000"  # a symlink, so latest/ is byte-for-byte the newest edition
    assert pages_file(published.remote, "latest") == NEW


def test_site_root_redirects_to_latest(published: Published) -> None:
    index = pages_file(published.remote, "index.html")
    assert 'url=latest/"' in index  # the refresh for readers without JavaScript
    assert '"latest/" + window.location.search' in index


def test_root_404_page_is_published_and_uses_the_latest_editions_assets(
    published: Published,
) -> None:
    page = pages_file(published.remote, "404.html")
    assert 'href="/relapse/latest/assets/stylesheets/' in page
    assert "Page not found" in page or "404" in page


def test_canonical_links_of_every_edition_point_at_latest(published: Published) -> None:
    for version in (OLD, NEW, "dev"):
        page = pages_file(published.remote, f"{version}/results/index.html")
        assert f'<link rel="canonical" href="{SITE_URL}latest/results/">' in page


def test_home_names_its_edition_in_the_cite_block(published: Published) -> None:
    old = pages_file(published.remote, f"{OLD}/index.html")
    assert f'data-edition="{OLD}">edition {OLD}</strong>' in old
    assert f'<a href="{SITE_URL}{OLD}/">' in old
    assert published.commits[OLD][:7] in old
    dev = pages_file(published.remote, "dev/index.html")
    assert f'data-edition="dev">development edition (after {NEW})</strong>' in dev


def test_a_published_edition_offers_its_own_bibtex_and_ris_with_its_address(
    published: Published,
) -> None:
    import bibtexparser
    import rispy

    home = pages_file(published.remote, f"{OLD}/index.html")
    assert f'href="cite/edition.bib" download="summary-{OLD}.bib"' in home
    assert f'href="cite/edition.ris" download="summary-{OLD}.ris"' in home
    (entry,) = bibtexparser.parse_string(
        pages_file(published.remote, f"{OLD}/cite/edition.bib")
    ).entries
    assert entry["edition"] == OLD
    assert entry["url"] == f"{SITE_URL}{OLD}/"
    assert entry["note"].startswith(f"Edition {OLD}.")
    (record,) = rispy.loads(pages_file(published.remote, f"{OLD}/cite/edition.ris"))
    assert (record["edition"], record["urls"]) == (OLD, [f"{SITE_URL}{OLD}/"])
    dev = pages_file(published.remote, "dev/index.html")
    assert "cite/paper.bib" in dev
    assert "cite/edition.bib" not in dev  # the moving edition is not offered for citing


def test_the_handout_of_each_published_edition_prints_that_editions_address(
    published: Published,
) -> None:
    for version in (OLD, NEW, "dev"):
        page = pages_file(published.remote, f"{version}/handout/index.html")
        assert f"online at {SITE_URL}{version}/" in page, version
        assert "127.0.0.1" not in page, version


def test_pages_carry_edit_links_but_no_github_api_widget(published: Published) -> None:
    page = pages_file(published.remote, f"{NEW}/results/index.html")
    assert f'href="{REPO_URL}/edit/main/docs/results.md"' in page
    assert 'data-md-component="source"' not in page
    assert "api.github.com" not in page


def test_pages_show_the_last_updated_date_of_their_source_in_git(published: Published) -> None:
    page = pages_file(published.remote, f"{OLD}/results/index.html")
    stamp = int(git(published.work, "log", "-1", "--format=%at", published.commits[OLD]))
    expected = time.strftime("%B %-d, %Y", time.gmtime(stamp))
    assert re.search(r'git-revision-date-localized-plugin-date"[^>]*>' + expected, page)


def test_republishing_an_edition_from_another_commit_is_refused_and_changes_nothing(
    published: Published,
) -> None:
    work = published.work
    before = remote_pages(published.remote)
    readme = work / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nLater.\n", encoding="utf-8")
    commit_all(work, "A later change")
    try:
        with pytest.raises(PublishError, match=rf"edition {NEW} is already published from"):
            publish(work, NEW, ["latest"])
    finally:
        git(work, "reset", "-q", "--hard", published.commits["dev"])
    assert remote_pages(published.remote) == before
    assert git(work, "rev-parse", "gh-pages") == before


def test_an_older_edition_cannot_take_latest_back(published: Published) -> None:
    git(published.work, "checkout", "-q", published.commits[OLD])
    try:
        with pytest.raises(PublishError, match=rf"newer edition\(s\) {NEW}"):
            plan_publish(published.work, OLD, ["latest"])
    finally:
        git(published.work, "checkout", "-q", "main")


def test_publishing_from_a_dirty_tree_is_refused(published: Published) -> None:
    stray = published.work / "docs" / "draft.md"
    stray.write_text("# Draft\n", encoding="utf-8")
    try:
        with pytest.raises(PublishError, match=r"uncommitted changes[\s\S]*docs/draft\.md"):
            publish(published.work, "dev")
    finally:
        stray.unlink()


@pytest.mark.parametrize("name", ["v2031.3", "2031", "2031.0", "latest", "31.1", "2031.1.1", ""])
def test_a_malformed_edition_name_is_refused_before_anything_runs(
    published: Published, name: str
) -> None:
    before = remote_pages(published.remote)
    with pytest.raises(PublishError, match="malformed"):
        publish(published.work, name)
    assert remote_pages(published.remote) == before


def test_an_edition_that_is_not_the_project_version_is_refused(published: Published) -> None:
    with pytest.raises(
        PublishError, match=rf"does not match the version in CITATION.cff \({NEW}\)"
    ):
        plan_publish(published.work, "2031.3")


def _publish_refused(published: Published, message: str, error: str) -> None:
    """Commit the working tree's change as ``message``; publishing ``dev`` must fail with
    ``error``; then put the branch back where it was."""
    commit_all(published.work, message)
    try:
        with pytest.raises(PublishError, match=error):
            publish(published.work, "dev")
    finally:
        git(published.work, "reset", "-q", "--hard", published.commits["dev"])


def test_a_failing_build_leaves_gh_pages_untouched(published: Published) -> None:
    work = published.work
    before_remote, before_local = remote_pages(published.remote), git(work, "rev-parse", "gh-pages")
    study = work / "analysis" / "data" / "study.yaml"
    text = study.read_text(encoding="utf-8")
    assert "\n  volume: 52\n" in text
    study.write_text(text.replace("\n  volume: 52\n", '\n  volume: "52"\n'), encoding="utf-8")
    _publish_refused(published, "A bad data file", r"strict build failed[\s\S]*volume")
    assert remote_pages(published.remote) == before_remote
    assert git(work, "rev-parse", "gh-pages") == before_local
    assert set(_versions(published)) == {OLD, NEW, "dev"}


def test_a_build_warning_such_as_a_missing_anchor_stops_the_publish(
    published: Published,
) -> None:
    work = published.work
    before_remote, before_local = remote_pages(published.remote), git(work, "rev-parse", "gh-pages")
    about = work / "docs" / "about.md"
    about.write_text(
        about.read_text(encoding="utf-8") + "\n[Gone](results.md#no-such-section)\n", "utf-8"
    )
    _publish_refused(
        published, "A link to a missing anchor", r"strict build failed[\s\S]*#no-such-section"
    )
    assert remote_pages(published.remote) == before_remote
    assert git(work, "rev-parse", "gh-pages") == before_local


def test_a_rejected_push_restores_the_local_branch_and_publishes_nothing(
    published: Published,
) -> None:
    hook = published.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'rejected by test' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = remote_pages(published.remote)
    about = published.work / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nAnother change.\n", "utf-8")
    commit_all(published.work, "Another change on main")
    try:
        with pytest.raises(PublishError, match="rejected by test"):
            publish(published.work, "dev")
    finally:
        hook.unlink()
        git(published.work, "reset", "-q", "--hard", published.commits["dev"])
    assert remote_pages(published.remote) == before
    assert git(published.work, "rev-parse", "gh-pages") == before


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def mike_serve(published: Published) -> Iterator[str]:
    """``mike serve`` of the published branch, as a maintainer previews it."""
    port = _free_port()
    mike = Path(sys.executable).parent / "mike"
    process = subprocess.Popen(
        [str(mike), "serve", "--ignore-remote-status", "-a", f"127.0.0.1:{port}"],
        cwd=published.work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url + "versions.json", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "mike serve did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_mike_serve_shows_selector_redirect_and_banner_only_on_older_editions(
    mike_serve: str, browser: Browser
) -> None:
    foreign: list[str] = []
    page = browser.new_page()
    try:
        page.on(
            "request",
            lambda r: (
                None if r.url.startswith(("http://127.0.0.1", "data:")) else foreign.append(r.url)
            ),
        )
        page.goto(mike_serve)
        page.wait_for_url(f"{mike_serve}latest/")
        banner = page.locator('[data-md-component="outdated"]')
        selector = page.locator(".md-version__list .md-version__link")
        selector.first.wait_for(state="attached")
        titles = [t.strip() for t in selector.all_inner_texts()]
        assert all(any(name in t for t in titles) for name in (NEW, OLD, "dev"))
        page.wait_for_timeout(300)
        assert banner.is_hidden()

        page.goto(f"{mike_serve}{OLD}/")
        banner.filter(has_text="older edition").wait_for(state="visible")
        page.goto(f"{mike_serve}dev/")
        banner.filter(has_text="development edition").wait_for(state="visible")
        page.goto(f"{mike_serve}{NEW}/")
        page.locator(".md-version__list .md-version__link").first.wait_for(state="attached")
        page.wait_for_timeout(300)
        assert banner.is_hidden()
    finally:
        page.close()
    assert foreign == []
