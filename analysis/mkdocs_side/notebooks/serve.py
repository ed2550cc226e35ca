"""Under ``serve``, a notebook whose inputs changed is shown as last executed (with a notice)
and executed again after the pages are written, once a first build has shown it; when it is
done, a file written into the signal folder ``serve`` watches brings the rebuild that shows it
(:mod:`analysis.mkdocs_side.signals`). A ``build`` never does this. Standard library only.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from ...errors import AnalysisError
from ..signals import signal
from .job import NotebookJob

__all__ = ["NotebookFollowing"]

log = logging.getLogger("mkdocs.plugins.study_notebooks")


class NotebookFollowing:
    """The notebooks of one ``serve``, across its rebuilds (the plugin lives as long)."""

    def __init__(self, signal_dir: Path) -> None:
        self.signal_dir = signal_dir
        self._shown: dict[str, Path] = {}  # notebook -> folder of the executed copy last shown
        self._following: dict[str, NotebookJob] = {}  # executing after the pages

    def notebook_job(self, job: NotebookJob, uri: str) -> tuple[NotebookJob, bool]:
        """The job to use for a notebook (the one executing these inputs already, if any) and
        whether this build shows the last executed copy instead of waiting for it."""
        running = self._following.pop(uri, None)
        if running is not None and (running.key != job.key or job.cached):
            running.stop()  # edited again since (or done): its result is not wanted
            running = None
        if job.cached or uri not in self._shown:
            job.start()  # as in any build: the page waits for it
            return job, False
        return running or job, True

    def shown(self, uri: str, root: Path | None = None) -> Path:
        """The folder of the executed copy last shown (recording ``root`` if given)."""
        if root is not None:
            self._shown[uri] = root
        return self._shown[uri]

    def follow_notebook(self, uri: str, job: NotebookJob) -> None:
        """Execute the notebook now that the pages are written (if not already running)."""
        self._following[uri] = job
        if not job.running and not job.cached:
            job.start()
            threading.Thread(target=self._wait_notebook, args=(uri, job), daemon=True).start()

    def _wait_notebook(self, uri: str, job: NotebookJob) -> None:
        try:
            job.result()
        except AnalysisError as exc:
            if not job.stopped:
                log.error("docs/%s: %s", uri, exc)
        else:
            signal(self.signal_dir, "notebook")

    def close(self) -> None:
        """End every notebook execution this session started and still holds."""
        for job in self._following.values():
            job.stop()
        self._following = {}
