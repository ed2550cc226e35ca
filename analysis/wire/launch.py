"""The one launcher of ``python -m analysis …`` in a child process: fresh code under ``serve``,
work that overlaps the site generator's own, and failures reported as the child's own message.
The site generator's jobs (bundle, notebook, Vega runtime) and the number diff (each tree's own
package, :class:`Child` with ``project=``) all start their children here.

Under ``serve`` a child can be started *before* it is needed (:meth:`Child.waiting`): it imports
the heavy third-party libraries and the package's own modules while the writer is still typing,
then waits for its command. If any file of the package it loaded has changed by then, it runs
the command in a fresh interpreter instead, so edited code is still the code that runs.

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
from .digest import digest

__all__ = ["PRELOAD", "Child"]

_PROJECT = Path(__file__).resolve().parent.parent.parent
# What `python -m analysis bundle` spends its first seconds on: importing libraries and the
# package's own modules, and starting the worker that draws the cohorts and the helper that
# draws the charts ("module:function" imports, then calls). A waiting child whose named modules have since changed is not used
# (Child.usable); one in which any other module of the package it loaded has changed runs the
# command in a fresh interpreter instead (_WAIT_THEN_RUN): edited code is always what runs.
PRELOAD = (
    "analysis.child_side.worker:start_worker_ahead",  # first: it imports its libraries meanwhile
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
    "analysis.render.draw:start_helper_ahead",
    "analysis.render.draw:start_engine",
    "analysis.registry",
    "analysis.render.blocks",
)
# Imports the modules named in argv, then runs `python -m analysis ARGS` with the JSON list of
# ARGS read from one line of stdin (no line: the parent is gone or no longer needs it; exit).
# If a file of the package it loaded has changed meanwhile, it runs a fresh
# `python -m analysis ARGS` instead (on its own output) and exits with its status.
_WAIT_THEN_RUN = """\
import importlib, json, os, runpy, sys, time
from pathlib import Path
from analysis.wire.digest import digest
started = time.time()
for name in sys.argv[1:]:
    module, _, function = name.partition(":")
    loaded = importlib.import_module(module)
    if function:
        getattr(loaded, function)()
def digest_of(path):  # None for a file gone, or changed since the imports began
    try:
        if os.stat(path).st_mtime >= started:
            return None
        return digest(files=[Path(path)])
    except OSError:
        return None
ours = {
    m.__file__: digest_of(m.__file__)
    for n, m in list(sys.modules.items())
    if (n == "analysis" or n.startswith("analysis.")) and getattr(m, "__file__", None)
}
line = sys.stdin.readline()
if not line.strip():
    sys.exit(0)
args = json.loads(line)
if any(known is None or digest_of(path) != known for path, known in ours.items()):
    # Not os.exec*: the helper processes it started ahead would outlive it, holding its output
    # open. Exiting normally ends them; the fresh command ends with it too.
    import subprocess
    from analysis.lifetime import ending_with_this_process
    command = [sys.executable, "-m", "analysis", *args]
    sys.exit(subprocess.call(ending_with_this_process(command)))
sys.argv = ["python -m analysis", *args]
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
        self._ahead = _digests(_our_files(_preload or ()))
        self._out: list[str] = []
        self._finished: str | AnalysisError | None = None

    @classmethod
    def waiting(cls, preload: tuple[str, ...] = PRELOAD) -> Child:
        """A child that imports ``preload`` now and runs the command given to :meth:`run`."""
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
        """Whether a :meth:`waiting` child is still there to be given a command, with the
        package's code it loaded ahead unchanged since."""
        return (
            self._waiting
            and self._process.poll() is None
            and _digests([Path(p) for p in self._ahead]) == self._ahead
        )

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


def _our_files(preload: tuple[str, ...]) -> list[Path]:
    """The files of the ``analysis`` package that importing ``preload`` loads: the modules
    named and their packages' ``__init__.py``."""
    paths: set[Path] = set()
    for name in preload:
        parts = name.partition(":")[0].split(".")
        if parts[0] != "analysis":
            continue
        for depth in range(1, len(parts) + 1):
            base = _PROJECT.joinpath(*parts[:depth])
            paths.add(base / "__init__.py" if base.is_dir() else base.with_suffix(".py"))
    return sorted(paths)


def _digests(paths: list[Path]) -> dict[str, str]:
    return {str(p): digest(files=[p]) for p in paths}
