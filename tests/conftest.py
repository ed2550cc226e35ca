"""Shared fixtures: the project's paths and a strict site build into a temporary folder."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
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
# The site engine, as `make build` and `make serve` run it (CONTRIBUTING.md, "Engine").
ENGINE = [sys.executable, "-m", "properdocs"]


def run_mkdocs_build(
    site_dir: Path, *, project: Path = PROJECT, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``properdocs build --strict`` of ``project`` into ``site_dir``, as CI runs it.

    Not ``--quiet``: it hides warnings from the strict mode's counter too, so a build with
    warnings would pass (mkdocs/mkdocs#4126; ProperDocs 1.6.7 alike).
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    if not (project / ".git").exists() and project != PROJECT:
        env["STUDY_GIT_DATES"] = "false"  # a copied tree has no history to date pages from
    env.update(extra_env or {})
    return subprocess.run(
        [*ENGINE, "build", "-f", "mkdocs.yml", "--strict", "-d", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def engine_serving(project: Path, *, log: Path | None = None, **env: str) -> Iterator[str]:
    """`properdocs serve` of ``project`` on a free local port (git dates off, ``env`` added),
    its output to ``log`` or discarded; yields the site's address and stops the server after."""
    port = free_port()
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("w")) if log is not None else subprocess.DEVNULL
        server = subprocess.Popen(
            [*ENGINE, "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env={**os.environ, "STUDY_GIT_DATES": "false", **env},
            stdout=out,
            stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
        )
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait(timeout=60)


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


COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt", ".map"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class StaticHandler(QuietHandler):
    """A static server that sends text gzip-encoded when asked, as GitHub Pages does.

    Without compression a browser (and Lighthouse's network simulation) would see transfer sizes
    no reader of the published site ever sees.
    """

    def send_head(self):  # type: ignore[no-untyped-def]
        asked = Path(self.translate_path(self.path))
        if asked.is_dir() and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the parent class redirects "/dir" to "/dir/"
        path = asked / "index.html" if asked.is_dir() else asked
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve_directory(folder: Path, *, compress: bool = True) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port), gzip-encoded like a real host; yields the URL.

    ``compress=False`` sends every file as it is on disk (Python's plain static server).
    """
    handler_class = StaticHandler if compress else QuietHandler
    handler = functools.partial(handler_class, directory=str(folder))
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
