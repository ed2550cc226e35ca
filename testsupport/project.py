"""The project's paths, a strict site build into a folder, a copy of the site's sources, and
``properdocs serve`` on a free port."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "ENGINE",
    "PROJECT",
    "STUDY_FILE",
    "copy_site_sources",
    "engine_serving",
    "free_port",
    "run_mkdocs_build",
]

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


def copy_site_sources(dest: Path) -> Path:
    """Copy what a site build reads (config, pages, snippets) so a test may change it."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "includes", "overrides"):  # overrides: theme.custom_dir
        shutil.copytree(PROJECT / folder, dest / folder)
    shutil.copy(PROJECT / "CHANGELOG.md", dest / "CHANGELOG.md")  # included by docs/changelog.md
    return dest


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


# read(2)'s number, which /proc/PID/syscall gives first while a process is blocked in it.
_READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}


def reading_its_input(pid: int) -> bool:
    """Whether ``pid`` is blocked reading its standard input (read(2) on descriptor 0): a
    waiting child does so only once its imports are done (False once it has gone)."""
    machine = platform.machine()
    assert machine in _READ_SYSCALL, f"read(2)'s syscall number on {machine} is not known here"
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return False
    return fields[:2] == [_READ_SYSCALL[machine], "0x0"]
