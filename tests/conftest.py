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

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test session with ``--strict``."""
    site = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (Playwright's own browser download is not used)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def built_site_url(built_site: Path) -> Iterator[str]:
    """The session's built site, served on 127.0.0.1."""
    with serve_directory(built_site) as url:
        yield url
