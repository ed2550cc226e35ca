"""Under ``serve``, a notebook whose inputs changed is shown as last executed (with a notice)
and executed again after the pages are written, once a first build has shown it; when it is
done, serve is told (:mod:`analysis.mkdocs_side.signals`): once the pictures of the same edit
are drawn too, one rebuild shows both. The notebook is expected from the moment a build decides
to show it as last executed, before the pictures can be done. A ``build`` never does this.
Standard library only.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from ...errors import AnalysisError
from ..signals import follow_ups
from .job import NotebookJob

__all__ = ["NotebookFollowing"]

log = logging.getLogger("mkdocs.plugins.study_notebooks")


class NotebookFollowing:
    """The notebooks of one ``serve``, across its rebuilds (the plugin lives as long)."""

    def __init__(self, signal_dir: Path) -> None:
        self.signal_dir = signal_dir
        self._follow_ups = follow_ups(signal_dir)
        self._expected: dict[str, object] = {}  # notebook -> its token, until it is started
        self._shown: dict[str, Path] = {}  # notebook -> folder of the executed copy last shown
        self._following: dict[str, NotebookJob] = {}  # executing after the pages

    def notebook_job(self, job: NotebookJob, uri: str) -> tuple[NotebookJob, bool]:
        """The job to use for a notebook (the one executing these inputs already, if any) and
        whether this build shows the last executed copy instead of waiting for it."""
        unstarted = self._expected.pop(uri, None)
        if unstarted is not None:  # the build that expected it never got to start it
            self._follow_ups.done(unstarted, shown=False)
        running = self._following.pop(uri, None)
        if running is not None and (running.key != job.key or job.cached):
            running.stop()  # edited again since (or done): its result is not wanted
            running = None
        if job.cached or uri not in self._shown:
            job.start()  # as in any build: the page waits for it
            return job, False
        self._expected[uri] = self._follow_ups.expect(f"notebook {uri}")
        return running or job, True

    def shown(self, uri: str, root: Path | None = None) -> Path:
        """The folder of the executed copy last shown (recording ``root`` if given)."""
        if root is not None:
            self._shown[uri] = root
        return self._shown[uri]

    def follow_notebook(self, uri: str, job: NotebookJob) -> None:
        """Execute the notebook now that the pages are written (if not already running)."""
        self._following[uri] = job
        token = self._expected.pop(uri, None) or self._follow_ups.expect(f"notebook {uri}")
        if job.running or job.cached:  # started by an earlier build, whose wait stands for this
            self._follow_ups.done(token, shown=False)
            return
        job.start()
        threading.Thread(target=self._wait_notebook, args=(uri, job, token), daemon=True).start()

    def _wait_notebook(self, uri: str, job: NotebookJob, token: object) -> None:
        shown = False
        try:
            job.result()
        except AnalysisError as exc:
            if not job.stopped:
                log.error("docs/%s: %s", uri, exc)
        else:
            shown = True
        finally:
            self._follow_ups.done(token, shown=shown)

    def close(self) -> None:
        """End every notebook execution this session started and still holds."""
        for job in self._following.values():
            job.stop()
        self._following = {}
        for token in self._expected.values():
            self._follow_ups.done(token, shown=False)
        self._expected = {}
