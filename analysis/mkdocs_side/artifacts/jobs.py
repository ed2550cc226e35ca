"""The site generator's two jobs for the artifacts: the analysis bundle, read from the cache or
computed by a child process while the pages are built, and the Vega runtime (found, or made once
per environment). Standard library only: a cache hit imports no heavy library.

A cache entry's pictures are drawn after its ``bundle.json`` is handed over
(:mod:`analysis.wire.bundle`); :meth:`BundleJob.finish` waits for them before the site's files
are written.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from ...errors import AnalysisError
from ...wire.bundle import BUNDLE_JSON, FILES_DIR, READY, Bundle
from ...wire.digest import fingerprint
from ...wire.launch import Child
from ...wire.runtime import RUNTIME_DIR, runtime_file

__all__ = ["BundleJob", "RuntimeJob", "start_bundle"]


class BundleJob:
    """The bundle for a fingerprint: read from the cache, or computed in a child process.

    Computing in a child process means code edited during ``mkdocs serve`` is always the
    code that runs, and lets the computation overlap with the site generator's own work.
    """

    def __init__(
        self,
        cache_dir: Path,
        key: str,
        *,
        study_file: Path | None = None,
        patients_file: Path | None = None,
        spawn: Callable[..., Child] = Child,
        pictures_last: bool = False,
    ) -> None:
        self.entry = cache_dir / f"bundle-{key}"
        self.key = key
        self._child: Child | None = None
        self._bundle: Bundle | None = None
        self._written: Path | None = None  # the child's bundle.json, before the entry is in place
        self.stopped = False  # by stop(): superseded
        if (self.entry / BUNDLE_JSON).exists():
            with contextlib.suppress(ValueError, TypeError, json.JSONDecodeError):
                self._bundle = Bundle.from_json((self.entry / BUNDLE_JSON).read_text("utf-8"))
            # The child records the key only if the files it read were those of the key.
            if self._bundle is None or self._bundle.fingerprint != key:
                self._bundle = None
                shutil.rmtree(self.entry, ignore_errors=True)  # unreadable or stale: compute again
        self._hit = self._bundle is not None
        if self._bundle is None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            args = ["bundle", "--out", str(self.entry), "--fingerprint", key]
            if study_file is not None:
                args += ["--study", str(study_file)]
            if patients_file is not None:
                args += ["--patients", str(patients_file)]
            if pictures_last:
                args.append("--pictures-last")
            self._child = spawn(*args)

    @property
    def cached(self) -> bool:
        """Whether the bundle came from the cache (rather than a child process)."""
        return self._hit

    @property
    def done(self) -> bool:
        """Whether the entry is complete, pictures included (:meth:`finish` would not wait)."""
        return self._child is None or self._child.done

    def result(self) -> Bundle:
        """Wait for the bundle (not its pictures); :class:`AnalysisError` with the child's message
        on failure."""
        if self._bundle is not None:
            return self._bundle
        assert self._child is not None
        line = self._child.readline()
        while line and not line.startswith(f"{READY} "):  # anything else printed is passed over
            line = self._child.readline()
        if not line:
            out = self._child.wait()  # raises with the child's message if it failed
            msg = f"the analysis child process ended without a bundle; it printed: {out[-2000:]}"
            raise AnalysisError(msg)
        self._written = written = Path(line.removeprefix(f"{READY} ").strip())
        try:
            text = written.read_text(encoding="utf-8")
        except FileNotFoundError:  # the child has finished meanwhile and moved it into place
            text = (self.entry / BUNDLE_JSON).read_text(encoding="utf-8")
        self._bundle = Bundle.from_json(text)
        return self._bundle

    def external_file(self, site_path: str) -> Path:
        """Where an external file of the bundle is (once :meth:`finish` has returned)."""
        return self.entry / FILES_DIR / site_path

    def finish(self) -> None:
        """Wait until the entry is complete, pictures included (at once for a cache hit)."""
        self.result()
        if self._child is not None:
            try:
                self._child.wait()
            except AnalysisError:
                if self.stopped and self._written is not None:  # its half-written entry
                    shutil.rmtree(self._written.parent, ignore_errors=True)
                raise
            self._child = None

    def stop(self) -> None:
        """Stop the child computing this entry (superseded): :meth:`finish` then fails."""
        self.stopped = True
        if self._child is not None:
            self._child.terminate()

    def end(self) -> None:
        """Stop the child and wait until it has ended: for a job nobody else waits for (one
        started before its build, whose inputs changed meanwhile)."""
        self.stopped = True
        if self._child is not None:
            self._child.stop()
            self._child = None


def start_bundle(
    cache_dir: Path,
    *,
    study_file: Path | None = None,
    patients_file: Path | None = None,
    spawn: Callable[..., Child] = Child,
    running: BundleJob | None = None,
    pictures_last: bool = False,
) -> BundleJob:
    """Start getting the bundle for the current inputs (cache hit: immediate).

    ``spawn(*args)`` starts ``python -m analysis *args`` on a miss (e.g. hands the command to
    a child already waiting with its libraries imported: :meth:`Child.waiting`). ``running``
    is a job still finishing its entry; it is returned if its inputs are the current ones.
    ``pictures_last``: the child draws the pictures only after the bundle (nobody waits for
    them before the pages are written: ``serve``).
    """
    if patients_file is not None:
        patients_file = patients_file.resolve()
    extra = tuple(p for p in (study_file, patients_file) if p is not None)
    key = fingerprint(extra=extra)
    if running is not None and running.key == key and running.entry.parent == cache_dir:
        return running
    return BundleJob(
        cache_dir,
        key,
        study_file=study_file,
        patients_file=patients_file,
        spawn=spawn,
        pictures_last=pictures_last,
    )


class RuntimeJob:
    """The runtime file: found at once, or being made by a child process (~5 s, once per env)."""

    def __init__(self, directory: Path = RUNTIME_DIR) -> None:
        self._path = runtime_file(directory)
        self._child = Child("runtime", "--dir", str(directory)) if self._path is None else None

    def result(self) -> Path:
        if self._path is None:
            assert self._child is not None
            out = self._child.wait(what="could not make the Vega runtime")
            self._path = Path(out.strip().splitlines()[-1])
        return self._path
