"""Run ``python -m analysis …`` in a child process: fresh code under ``mkdocs serve``, work that
overlaps the site generator's own, and failures reported as the child's own message."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import AnalysisError

__all__ = ["Child"]

_PROJECT = Path(__file__).parent.parent.parent


class Child:
    """Start ``python -m analysis *args`` now; read its output line by line, or :meth:`wait`."""

    def __init__(self, *args: str) -> None:
        # No .pyc writes: `mkdocs serve` watches the package folder and must not see its own output.
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        # stderr goes to a file, so a chatty child can never block on a full pipe while the
        # parent reads its stdout line by line.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in wait)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "analysis", *args],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=env,
            cwd=_PROJECT,
        )
        self._out: list[str] = []
        self._finished: str | AnalysisError | None = None

    def readline(self) -> str:
        """The next line the child prints ("" once it has closed its output)."""
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        self._out.append(line)
        return line

    def wait(self, *, what: str = "") -> str:
        """The child's standard output; :class:`AnalysisError` with its message if it failed."""
        if self._finished is None:
            rest, _ = self._process.communicate()
            out = "".join(self._out) + (rest or "")
            self._stderr.seek(0)
            err = self._stderr.read()
            self._stderr.close()
            self._finished = out
            if self._process.returncode != 0:
                message = (err or out).strip()[-4000:] or f"exit status {self._process.returncode}"
                self._finished = AnalysisError(f"{what}:\n{message}" if what else message)
        if isinstance(self._finished, AnalysisError):
            raise self._finished
        return self._finished
