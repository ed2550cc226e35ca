"""The one launcher of ``python -m analysis …`` in a child process: fresh code under ``serve``,
work that overlaps the site generator's own, and failures reported as the child's own message.
The site generator's jobs (bundle, notebook, Vega runtime) and the number diff (each tree's own
package, :class:`Child` with ``project=``) all start their children here.

Under ``serve`` one child can be started *before* it is needed (:meth:`Child.waiting`): it
imports the heavy third-party libraries while the writer is still typing, then waits for its
command. It imports none of the package's own modules ahead (:data:`PRELOAD` names third-party
libraries only), so the code that runs the command is read when the command comes: stale project
code is impossible by construction, and nothing needs checking.

Every child, and every helper a child starts, ends with the process that started it, however
that one ends (:mod:`analysis.lifetime`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import AnalysisError
from ..lifetime import ending_with_this_process

__all__ = ["PRELOAD", "Child"]

_PROJECT = Path(__file__).resolve().parent.parent.parent
_PACKAGE = "analysis"
# What `python -m analysis bundle` spends its first seconds on: importing these libraries.
# Third-party only: a module of the package imported ahead could be edited before the command
# comes (Child.waiting refuses one).
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "scipy.optimize",
    "pydantic",
    "yaml",
    "altair",
    "lifelines",
    "vl_convert",
    "markdown",
    "nh3",
)
# Imports the modules named in argv, then runs `python -m analysis ARGS` with the JSON list of
# ARGS read from one line of stdin (no line: the parent is gone or no longer needs it; exit).
_WAIT_THEN_RUN = """\
import importlib, json, runpy, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
line = sys.stdin.readline()
if not line.strip():
    sys.exit(0)
sys.argv = ["python -m analysis", *json.loads(line)]
runpy.run_module("analysis", run_name="__main__", alter_sys=True)
"""


class Child:
    """Start ``python -m analysis *args`` now; read its output line by line, or :meth:`wait`.

    ``project``: run the package of that project folder (in it, ahead of the installed one on
    the import path) instead of this one's: another revision's tree, say.
    """

    def __init__(
        self, *args: str, project: Path | None = None, _preload: tuple[str, ...] | None = None
    ) -> None:
        # No .pyc writes: `serve` watches the package folder and must not see its own output.
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        if project is not None:
            env["PYTHONPATH"] = str(project)  # that tree's package, not the one installed here
            env.pop("PYTHONSAFEPATH", None)
        # stderr goes to a file, so a chatty child can never block on a full pipe while the
        # parent reads its stdout line by line.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (closed in wait)
        if _preload is None:
            command, stdin = [sys.executable, "-m", "analysis", *args], subprocess.DEVNULL
        else:
            command, stdin = [sys.executable, "-c", _WAIT_THEN_RUN, *_preload], subprocess.PIPE
        self._process = subprocess.Popen(
            ending_with_this_process(command),  # ends with this process, however it ends
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=env,
            cwd=project if project is not None else _PROJECT,
        )
        self._waiting = _preload is not None
        self._out: list[str] = []
        self._finished: str | AnalysisError | None = None

    @classmethod
    def waiting(cls, preload: tuple[str, ...] = PRELOAD) -> Child:
        """A child that imports ``preload`` now and runs the command given to :meth:`run`.

        ``preload`` names libraries, never a module of this package (:data:`PRELOAD`)."""
        ours = [n for n in preload if n.split(".")[0] == _PACKAGE]
        if ours:
            msg = f"Child.waiting: preload {ours} names the package's own modules; expected libraries only"
            raise ValueError(msg)
        return cls(_preload=preload)

    def run(self, *args: str) -> Child:
        """Give a :meth:`waiting` child its command (``python -m analysis *args``)."""
        if not self._waiting or self._process.stdin is None:
            msg = "run() is for a child made by Child.waiting(), once"
            raise RuntimeError(msg)
        self._waiting = False
        self._process.stdin.write(json.dumps(list(args)) + "\n")
        self._process.stdin.close()
        self._process.stdin = None  # so that communicate() does not flush it
        return self

    @property
    def usable(self) -> bool:
        """Whether a :meth:`waiting` child is still there to be given a command."""
        return self._waiting and self._process.poll() is None

    def terminate(self) -> None:
        """Ask the child to end; whoever waits for it (:meth:`wait`) sees it fail."""
        if self._process.poll() is None:
            self._process.terminate()

    def stop(self) -> None:
        """End the child and wait for it (only by its one waiter: not while another thread is
        in :meth:`wait`). A waiting child is told there is no command and exits by itself."""
        if self._waiting and self._process.stdin is not None:
            self._waiting = False
            self._process.stdin.close()
            self._process.stdin = None
        else:
            self.terminate()
        try:
            self._process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
        self._stderr.close()
        self._finished = AnalysisError("stopped")

    @property
    def returncode(self) -> int | None:
        """The child's exit status (None while it runs)."""
        return self._process.poll()

    @property
    def done(self) -> bool:
        """Whether the child has exited."""
        return self._process.poll() is not None

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
