"""Execute the site's notebook only when its inputs change, and cache the executed copy.

The cache key covers the notebook, the whole ``analysis`` package and its data (via
:func:`analysis.wire.digest.fingerprint`), the patient file if one is set, and the versions of
the executing libraries. Execution happens in a child process (``python -m analysis
notebook``) so it overlaps with the rest of the build. Standard library only.
"""

from __future__ import annotations

from pathlib import Path

from ...wire.digest import KEY_LENGTH, digest, fingerprint
from ...wire.launch import Child

__all__ = ["NotebookJob", "notebook_key"]

_VERSIONED = ("nbclient", "nbformat", "ipykernel")  # besides the bundle's (fingerprint)


def notebook_key(notebook: Path, *, patients_file: Path | None = None) -> str:
    """Fingerprint of everything the executed notebook depends on."""
    extra = tuple(p for p in (notebook, patients_file) if p is not None)
    return digest(fingerprint(extra=extra), libraries=_VERSIONED)[:KEY_LENGTH]


class NotebookJob:
    """The executed notebook for the current inputs: cached, or executed in a child process.

    ``root`` is the folder standing in for the docs folder: the executed copy is at
    ``root / src_uri``, so a page generator can be pointed at it by changing its source folder.
    """

    def __init__(
        self,
        cache_dir: Path,
        notebook: Path,
        src_uri: str,
        *,
        patients_file: Path | None = None,
        start: bool = True,
    ) -> None:
        self.key = notebook_key(notebook, patients_file=patients_file)
        self.root = cache_dir / self.key
        self.path = self.root / src_uri
        self._child: Child | None = None
        self._args: list[str] | None = None
        self.stopped = False
        if not self.path.exists():
            self._args = ["notebook", "--source", str(notebook), "--out", str(self.path)]
            if patients_file is not None:
                self._args += ["--patients", str(patients_file)]
            if start:
                self.start()

    def start(self) -> None:
        """Start executing (a job made with ``start=False``); nothing if cached or started."""
        if self._args is not None and self._child is None:
            self._child = Child(*self._args)

    @property
    def cached(self) -> bool:
        return self._args is None

    @property
    def running(self) -> bool:
        """Whether the notebook is being executed right now."""
        return self._child is not None and not self._child.done

    def stop(self) -> None:
        """Stop an execution no longer wanted (its result would never be shown). Only signals
        the child: whoever waits in :meth:`result` sees it end (and :attr:`stopped`)."""
        self.stopped = True
        child = self._child
        if child is not None:
            child.terminate()

    def result(self) -> Path:
        """Wait for the executed copy; raise :class:`AnalysisError` if a cell failed."""
        self.start()
        if self._child is not None:
            self._child.wait(what="notebook execution failed")
            self._args = None  # first: start() must not run it again meanwhile
            self._child = None
        return self.path
