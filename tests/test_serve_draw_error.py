"""Under ``serve`` the pictures of a bundle are drawn on a thread after the pages are written.
An older bundle's drawing error must stay with that bundle: a newer bundle whose pictures drew
fine must not raise it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, cast

import pytest

from analysis.errors import AnalysisError
from analysis.mkdocs_side.artifacts.serve import ServeSession


class FakeJob:
    """Stands in for a BundleJob: ``finish`` waits for ``release`` and then fails or not."""

    def __init__(self, entry: Path, error: AnalysisError | None = None) -> None:
        self.entry = entry
        self.key = entry.name
        self.stopped = False
        self.done = False
        self.release = threading.Event()
        self.error = error

    def finish(self) -> None:
        self.release.wait(10)
        self.done = True
        if self.error is not None:
            raise self.error


def wait_until_drawn(session: ServeSession) -> None:
    for _ in range(500):
        if session.running_bundle() is None:
            return
        threading.Event().wait(0.02)
    raise AssertionError("the pictures were not drawn within 10 s")


def test_older_jobs_drawing_error_is_not_raised_for_a_newer_job(tmp_path: Path) -> None:
    session = ServeSession(tmp_path / "signals")
    (tmp_path / "signals").mkdir()
    first = FakeJob(tmp_path / "first")
    first.release.set()
    assert session.pictures_entry(cast(Any, first)) == first.entry  # first build: drawn in line

    old = FakeJob(tmp_path / "old", AnalysisError("old bundle: drawing failed"))
    assert session.pictures_entry(cast(Any, old)) == first.entry  # drawn after the pages
    new = FakeJob(tmp_path / "new")
    new.release.set()
    # the next edit comes while the old bundle is still drawing
    assert session.pictures_entry(cast(Any, new)) in (first.entry, new.entry)
    old.release.set()  # the old bundle now fails, after the new one took its place
    wait_until_drawn(session)
    for _ in range(500):  # the old drawing's thread ends too
        if old.done:
            break
        threading.Event().wait(0.02)
    threading.Event().wait(0.1)
    assert session.pictures_entry(cast(Any, new)) == new.entry


def test_a_jobs_own_drawing_error_is_raised(tmp_path: Path) -> None:
    (tmp_path / "signals").mkdir()
    session = ServeSession(tmp_path / "signals")
    first = FakeJob(tmp_path / "first")
    first.release.set()
    session.pictures_entry(cast(Any, first))
    bad = FakeJob(tmp_path / "bad", AnalysisError("bad bundle: drawing failed"))
    session.pictures_entry(cast(Any, bad))
    bad.release.set()
    wait_until_drawn(session)
    with pytest.raises(AnalysisError, match="bad bundle"):
        session.pictures_entry(cast(Any, bad))
