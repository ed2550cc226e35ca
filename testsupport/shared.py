"""What the processes of one test run share: under pytest-xdist each worker has its own session,
so a session fixture would otherwise build its site once per worker."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

__all__ = ["built_once", "exclusive", "run_root"]


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this run that every worker shares (pytest-xdist gives each
    worker its own folder inside it; without workers it is the session's own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Run the block in one process of the run at a time (an exclusive lock on ``lock``)."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]
) -> Path:
    """``build(folder)`` run once per test run, whichever worker asks first; the others wait
    for it and get the same result (the path it returned). A build that failed is tried again
    by the next worker that asks, and fails there too."""
    folder = run_root(tmp_path_factory) / name
    done = folder / ".built"
    with exclusive(folder.with_name(f"{name}.lock")):
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            result = build(folder)
            done.write_text(str(result.relative_to(folder)), encoding="utf-8")
        return folder / done.read_text(encoding="utf-8")
