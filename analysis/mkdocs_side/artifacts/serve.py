"""Pages first under ``serve``: what a rebuild after an edit does not wait for.

A data edit changes the analysis bundle and its pictures (PNG downloads; the executed notebook
too: :mod:`analysis.mkdocs_side.notebooks.serve`). Under ``serve`` only, and only once a first
build has shown them:

* the bundle's child is started *before* the edit (:meth:`Child.waiting`): its libraries are
  imported by the time the edit comes. It is the one process an idle ``serve`` holds;
* the pictures of a new bundle are drawn after the pages are written; meanwhile the pages link
  to the last complete bundle's pictures (same names). A bundle still drawing when the next
  edit comes is superseded: its child is stopped (:meth:`ServeSession.started`).

When they are drawn, serve is told (:mod:`analysis.mkdocs_side.signals`): once the notebook
following the same edit is done too, one rebuild shows both. A ``build`` never does any of this.

Every rebuild also starts with a new template environment, which would compile the theme's
templates again (about a quarter of a second here); :attr:`ServeSession.templates` keeps their
compiled code across rebuilds, checked against each template's source (Jinja's bytecode cache).
Standard library and Jinja only (the MkDocs side stays light).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import jinja2

from ...errors import AnalysisError
from ...wire.bundle import FILES_DIR
from ...wire.launch import Child
from ..signals import follow_ups
from .jobs import BundleJob

__all__ = ["ServeSession", "TemplateCache"]

log = logging.getLogger("mkdocs.plugins.study_analysis")


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory across rebuilds. Jinja stores each with its source's
    checksum and compiles again when the source has changed (an edited override, say)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class ServeSession:
    """State kept across the rebuilds of one ``serve`` (the plugin lives as long)."""

    def __init__(self, signal_dir: Path, *, ahead: bool = True) -> None:
        self.signal_dir = signal_dir
        self._follow_ups = follow_ups(signal_dir)
        self._ahead = ahead  # start the next bundle's child before the edit
        self.templates = TemplateCache()  # for each rebuild's template environment
        self._warm: Child | None = None
        self._last_entry: Path | None = None  # the last bundle entry with all its pictures
        self._drawing: BundleJob | None = None  # pictures drawn after the pages (owned by a thread)
        self._drawn = threading.Event()
        # each drawing's error stays with its own job: an older job that fails after a newer
        # one took its place must not raise for the newer one
        self._draw_errors: dict[int, AnalysisError] = {}

    # The bundle's child -------------------------------------------------------------------

    def spawn(self, *args: str) -> Child:
        """Start ``python -m analysis *args``, in the waiting child if there is one."""
        warm, self._warm = self._warm, None
        if warm is not None and warm.usable:
            log.info("analysis: handed to the child started ahead, its libraries imported")
            return warm.run(*args)
        if warm is not None:
            warm.stop()
        return Child(*args)

    def running_bundle(self) -> BundleJob | None:
        """The bundle whose pictures are still being drawn (to reuse if its inputs come back)."""
        return self._drawing if self._drawing is not None and not self._drawn.is_set() else None

    def started(self, job: BundleJob) -> None:
        """``job`` is this build's bundle: one still drawing for older inputs is superseded, so
        its child is stopped rather than left drawing pictures nobody will see."""
        running = self.running_bundle()
        if running is not None and running is not job:
            log.info(
                "analysis: bundle %s superseded by %s; its child is stopped", running.key, job.key
            )
            running.stop()

    # Pictures -----------------------------------------------------------------------------

    def pictures_entry(self, job: BundleJob) -> Path | None:
        """Where this build's pictures are: ``job.entry`` once complete (waiting for it when
        nothing older can stand in), else the last complete entry while they are drawn."""
        if job is self._drawing:
            if self._drawn.is_set() or self._last_entry is None:
                self._drawn.wait()
                error = self._draw_errors.pop(id(job), None)
                if error is not None:
                    raise error
                self._last_entry = job.entry
            return self._last_entry
        if self._last_entry is None or job.done:
            job.finish()
            self._last_entry = job.entry
            return job.entry
        self._drawing, self._drawn = job, threading.Event()
        self._draw_errors = {}  # errors of superseded drawings are logged, never raised
        token = self._follow_ups.expect("pictures")
        threading.Thread(target=self._finish, args=(job, self._drawn, token), daemon=True).start()
        return self._last_entry

    def _finish(self, job: BundleJob, drawn: threading.Event, token: object) -> None:
        shown = False
        try:
            job.finish()
        except AnalysisError as exc:
            if job.stopped:
                log.info("analysis: superseded bundle %s stopped", job.key)
            else:
                if job is self._drawing:
                    self._draw_errors[id(job)] = exc
                log.error("analysis failed while drawing the pictures:\n%s", exc)
        else:
            shown = True
        finally:
            drawn.set()
            self._follow_ups.done(token, shown=shown)

    @staticmethod
    def stand_in(entry: Path, site_path: str) -> Path:
        """The file of an older entry that stands in for ``site_path``."""
        return entry / FILES_DIR / site_path

    # Between and after builds -------------------------------------------------------------

    def after_build(self) -> None:
        """Get the next bundle's child ready: it imports its libraries while the writer edits."""
        if self._ahead and self._warm is None:
            self._warm = Child.waiting()

    def close(self) -> None:
        """End every child this session started and still holds."""
        if self._warm is not None:
            self._warm.stop()
            self._warm = None
