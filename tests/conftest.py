"""Shared fixtures: the project's paths and a strict site build into a temporary folder."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

PROJECT = Path(__file__).resolve().parents[1]
STUDY_FILE = PROJECT / "analysis" / "data" / "study.yaml"


def run_mkdocs_build(
    site_dir: Path, *, project: Path = PROJECT, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site_dir``, as CI runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    if not (project / ".git").exists() and project != PROJECT:
        env["STUDY_GIT_DATES"] = "false"  # a copied tree has no history to date pages from
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_site_sources(dest: Path) -> Path:
    """Copy what a site build reads (config, pages, snippets) so a test may change it."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "includes", "overrides"):  # overrides: theme.custom_dir
        shutil.copytree(PROJECT / folder, dest / folder)
    shutil.copy(PROJECT / "CHANGELOG.md", dest / "CHANGELOG.md")  # included by docs/changelog.md
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test session with ``--strict``."""
    site = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(site)
    assert result.returncode == 0, result.stderr
    return site


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextlib.contextmanager
def serve_directory(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port, or ``port``); yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (Playwright's own browser download is not used)."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def built_site_url(built_site: Path) -> Iterator[str]:
    """The session's built site, served on 127.0.0.1."""
    with serve_directory(built_site) as url:
        yield url
