"""The session's fixtures: the site built once, served, and a browser. Helpers shared with the
benchmarks live in :mod:`testsupport`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from testsupport.browser import chromium
from testsupport.project import run_mkdocs_build
from testsupport.serving import serve_directory
from testsupport.shared import built_once, exclusive, run_root
from testsupport.variants import build_changed_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def site_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The folder the session's site is built into, served on 127.0.0.1 from the start."""
    folder = tmp_path_factory.mktemp("site")
    with serve_directory(folder) as url:
        yield folder, url


@pytest.fixture(scope="session")
def built_site(site_folder: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test session with ``--strict`` for the very address it is
    served from (``built_site_url``): every test that only reads a built site reads this one,
    the browser tests included (Material navigates instantly only to URLs under ``site_url``)."""
    folder, url = site_folder
    # Each worker builds its own (for its own server's address), one after the other, so the
    # later builds find the analysis and the notebook in the project's cache.
    with exclusive(run_root(tmp_path_factory) / "project-build.lock"):
        result = run_mkdocs_build(folder, extra_env={"SITE_URL": url})
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="session")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A changed copy of the site (an edited number, a reader's note, a repository address),
    built once per run for every test that reads it (whichever worker runs them):
    :mod:`testsupport.variants` lists the changes."""
    return built_once(tmp_path_factory, "changed-site", build_changed_site)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (Playwright's own browser download is not used)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def built_site_url(built_site: Path, site_folder: tuple[Path, str]) -> str:
    """The address the session's built site is served at (and was built for)."""
    return site_folder[1]
