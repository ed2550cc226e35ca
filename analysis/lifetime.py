"""Processes that end with the process that started them.

A child left running after its parent has gone (killed by CI cancelling a job, by ``timeout``
or an editor stopping ``serve``, by SIGKILL, or crashed) is re-parented to PID 1 and goes on
holding its memory. So every process the package starts is tied to its parent: Linux sends it
SIGTERM when the parent ends, however the parent ends (``prctl(PR_SET_PDEATHSIG)``), and it ends
at once if the parent has already gone by the time it asks.

* :func:`ending_with_this_process` turns a command line into one that ties the program to this
  process, then runs it (this file is the launcher: it execs the program, which keeps the tie
  and the process id). For any program: the package's own children, the notebook's kernel.
* :func:`pool_initializer` does the same in each worker of a ``ProcessPoolExecutor``.
* :func:`run_in_own_group` runs a command that starts programs of its own (mike starts the site
  generator) in a process group that is ended whole if this process stops waiting for it, or
  ends: the launcher then keeps the group (it stays as the group's first process, and ends the
  whole group when this process ends, even by SIGKILL, which no clean-up here can catch).
* :func:`exit_on_sigterm` lets SIGTERM end a command as an error would, so that it ends what it
  started and undoes what it half did; :func:`interrupt_once` keeps one Ctrl-C, delivered twice,
  from cutting that clean-up short.

The kernel signals a child when the *thread* that started it ends, not only the process: every
child here is started from its parent's main thread (the site generator builds there, under
``serve`` too). Elsewhere than on Linux the ties are not made and children end as they did.
Standard library only, and importing nothing of the package: the MkDocs side, the analysis
child and the launcher (this file run as a script, with no package on its path) all use it.
"""

from __future__ import annotations

# Only what the launcher needs, at the top: it starts before every child (see below).
import ctypes
import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from types import FrameType

__all__ = [
    "end_with_parent",
    "ending_with_this_process",
    "exit_on_sigterm",
    "interrupt_once",
    "pool_initializer",
    "run_in_own_group",
]

_LINUX = sys.platform.startswith("linux")
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_PR_SET_CHILD_SUBREAPER = 36
REPEAT = 1.0  # seconds within which a second SIGINT is the same Ctrl-C, passed on (interrupt_once)
GRACE = 5.0  # seconds a process group has to end after SIGTERM, before SIGKILL


def end_with_parent(parent: int) -> None:
    """Have this process sent SIGTERM when ``parent``, the process that started it, ends; and
    send it now if ``parent`` has already ended (Linux; nothing elsewhere)."""
    if not _LINUX:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl(PR_SET_PDEATHSIG): {os.strerror(errno)}")
    if os.getppid() != parent:  # ended before the tie was made: it will never signal
        os.kill(os.getpid(), signal.SIGTERM)


def ending_with_this_process(command: Sequence[str]) -> list[str]:
    """``command`` as a command line whose program ends when this process ends.

    The launcher runs with ``-I -S`` (no environment variables, no site packages read), so it
    adds a few milliseconds whatever environment the program is given; the program runs with
    that environment as it would have without the launcher.
    """
    if not _LINUX:
        return list(command)
    return [sys.executable, "-I", "-S", str(_launcher()), str(os.getpid()), *command]


def _launcher() -> Path:
    from pathlib import Path

    return Path(__file__).resolve()


def _start_worker(parent: int, initializer: Callable[[], object] | None) -> None:
    end_with_parent(parent)
    if initializer is not None:
        initializer()


def pool_initializer(initializer: Callable[[], object] | None = None) -> Callable[[], None]:
    """An ``initializer`` for a ``ProcessPoolExecutor`` made in this process: each worker ends
    when this process does, then runs ``initializer``. Picklable (for "spawn") if that is."""
    import functools

    return functools.partial(_start_worker, os.getpid(), initializer)


def run_in_own_group(
    command: Sequence[str], *, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``subprocess.run(command, capture_output=True, text=True)``, in a process group of its
    own that is ended, with every program in it, if this process stops waiting for it (an
    error, Ctrl-C, or SIGTERM with :func:`exit_on_sigterm`). Programs that ``command`` starts
    itself are in that group too; outside it, Ctrl-C reaches them only through this process."""
    import subprocess

    keeper = [sys.executable, "-I", "-S", str(_launcher()), "--group", str(os.getpid())]
    with subprocess.Popen(
        [*keeper, *command] if _LINUX else list(command),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,
    ) as process:
        try:
            out, err = process.communicate()
        except BaseException:
            _end_group(process)
            raise
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _end_group(process: subprocess.Popen[str]) -> None:
    import contextlib
    import subprocess

    with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=GRACE)
    with contextlib.suppress(ProcessLookupError):  # whatever in the group is still there
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _exit(signum: int, frame: FrameType | None) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise SystemExit(128 + signum)


def exit_on_sigterm() -> None:
    """Let SIGTERM end this process as an error would: ``finally`` blocks and ``with`` exits
    run (from the main thread), and it exits with status 143, as if killed by the signal."""
    signal.signal(signal.SIGTERM, _exit)


def interrupt_once(repeat: float = REPEAT) -> None:
    """Let SIGINT interrupt this process once per Ctrl-C: a second SIGINT within ``repeat``
    seconds of the first is ignored, so the clean-up the first one started runs to its end.

    Ctrl-C in a terminal sends SIGINT to every process of the foreground group, and a wrapper
    that also passes it on to its child (``uv run`` does) makes the child see it twice: the
    second interrupt lands in the clean-up (``serve`` removing its temporary site folder) and
    cuts it short. A SIGINT after ``repeat`` seconds (a writer pressing Ctrl-C again because the
    clean-up hangs) interrupts as usual. Call it from the main thread."""
    import time

    first: list[float] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if first and now - first[-1] < repeat:
            return  # the same Ctrl-C, passed on
        first.append(now)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)


def _keep_group(parent: int, command: list[str]) -> int:
    """Run ``command`` as a child of this process, the first of its process group, and end the
    whole group when ``parent`` ends or this process is sent SIGTERM: SIGTERM to every process
    in it, then wait until every process below this one has ended (each is re-parented here:
    this process is their "child subreaper"), SIGKILL to the group after :data:`GRACE`
    seconds. Returns the child's exit status, as a shell gives it."""
    stopping = []

    def end_group(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the group's signal reaches this too
        signal.signal(signal.SIGALRM, lambda *_: os.killpg(0, signal.SIGKILL))
        signal.alarm(int(GRACE))
        stopping.append(signum)
        os.killpg(0, signal.SIGTERM)

    signal.signal(signal.SIGTERM, end_group)
    end_with_parent(parent)
    if _LINUX:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)  # not found, as a shell says it
    _, status = os.waitpid(child, 0)
    while stopping:  # what the child started, re-parented here, until none is left
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":  # the launcher: PARENT PROGRAM [ARG...], or --group PARENT PROGRAM…
    if sys.argv[1] == "--group":
        sys.exit(_keep_group(int(sys.argv[2]), sys.argv[3:]))
    end_with_parent(int(sys.argv[1]))
    os.execvp(sys.argv[2], sys.argv[2:])
