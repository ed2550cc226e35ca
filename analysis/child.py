"""Run ``python -m analysis …`` in a child process: fresh code under ``mkdocs serve``, work that
overlaps the site generator's own, and failures reported as the child's own message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .errors import AnalysisError

__all__ = ["Child"]

_PROJECT = Path(__file__).parent.parent


class Child:
    """Start ``python -m analysis *args`` now; :meth:`wait` for its output."""

    def __init__(self, *args: str) -> None:
        # No .pyc writes: `mkdocs serve` watches the package folder and must not see its own output.
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "analysis", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=_PROJECT,
        )

    def wait(self, *, what: str = "") -> str:
        """The child's standard output; :class:`AnalysisError` with its message if it failed."""
        out, err = self._process.communicate()
        if self._process.returncode != 0:
            message = (err or out).strip()[-4000:] or f"exit status {self._process.returncode}"
            raise AnalysisError(f"{what}:\n{message}" if what else message)
        return out
