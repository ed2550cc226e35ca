"""No process outlives the command that started it.

Each long-running command is started as people run it (``make build``, ``make serve``,
``python -m analysis bundle|diff|publish|notebook``), and signalled as soon as it has started
the processes it works with (the bundle's drawing helper, the notebook's kernel, serve's waiting
child and its helpers): SIGTERM to the command's own process (what CI cancelling a job,
``timeout`` or an editor sends), or SIGINT to its process group (what Ctrl-C in a terminal
sends). Five seconds later nothing it started may be left. Killing a parent outright (SIGKILL,
no clean-up at all) must still end its helpers, which then notice on their own.

Processes left behind are re-parented to the nearest "child subreaper": this test process
makes itself one, so it sees them in ``/proc`` under itself instead of losing them to PID 1, and
kills and reaps whatever is left when a test ends, passed or failed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.wire.launch import PRELOAD
from testsupport.project import PROJECT, copy_site_sources, free_port, reading_its_input

pytestmark = pytest.mark.slow  # Linux: /proc, prctl

Popen = subprocess.Popen[bytes]
PR_SET_CHILD_SUBREAPER = 36
GRACE = 5.0  # seconds a signalled command and everything it started have to end
STARTUP = 240.0  # seconds a command may take to start the processes a test waits for


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    state: str
    started: int  # clock ticks after boot: with the pid, names one process for good
    argv: tuple[str, ...]

    @property
    def alive(self) -> bool:
        return self.state not in {"Z", "X"}

    def runs(self, *words: str) -> bool:
        """Whether its command line holds ``words`` in a row (e.g. "-m", "analysis")."""
        n = len(words)
        return any(self.argv[i : i + n] == words for i in range(len(self.argv) - n + 1))

    def __str__(self) -> str:
        line = " ".join(self.argv) or "?"
        return f"pid {self.pid} (parent {self.ppid}, state {self.state}): {line[:160]}"


def _read_proc(pid: int) -> Proc | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:  # gone meanwhile
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return Proc(
        pid=pid,
        ppid=int(fields[1]),
        state=fields[0],
        started=int(fields[19]),
        argv=tuple(a.decode(errors="replace") for a in argv if a),
    )


def _descendants(root: int, prune: frozenset[tuple[int, int]] = frozenset()) -> list[Proc]:
    """Every process below ``root``, leaving out the processes ``prune`` names (by pid and start
    time) and everything below them."""
    pids = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    table = [_read_proc(pid) for pid in pids]
    children: dict[int, list[Proc]] = {}
    for proc in table:
        if proc is not None:
            children.setdefault(proc.ppid, []).append(proc)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if (child.pid, child.started) in prune:
                continue
            found.append(child)
            todo.append(child.pid)
    return found


# What the commands start, by command line.
def _bundle(p: Proc) -> bool:
    return p.runs("-m", "analysis", "bundle")


def _notebook(p: Proc) -> bool:
    return p.runs("-m", "analysis", "notebook")


def _pool_process(p: Proc) -> bool:  # a ProcessPoolExecutor's worker ("spawn")
    return any("multiprocessing.spawn" in a for a in p.argv)


def _kernel(p: Proc) -> bool:
    return p.runs("-m", "ipykernel_launcher")


def _waiting_child(p: Proc) -> bool:  # serve's child started ahead of its command
    return "-c" in p.argv and p.runs(*PRELOAD)


def _site_generator(p: Proc) -> bool:  # `properdocs build …`, not `uv run properdocs build …`
    return Path(p.argv[1] if len(p.argv) > 1 else "").name == "properdocs" and "build" in p.argv


def _children(procs: list[Proc], parent: Proc, kind: Callable[[Proc], bool]) -> list[Proc]:
    return [p for p in procs if p.ppid == parent.pid and p.alive and kind(p)]


def _drawing(procs: list[Proc]) -> bool:
    """A bundle is being computed and its drawing helper runs."""
    return any(_children(procs, b, _pool_process) for b in procs if _bundle(b) and b.alive)


def _drawing_and_notebook(procs: list[Proc]) -> bool:
    """A site build's two children are at work: the bundle (with its drawing helper) and the
    notebook's execution."""
    return _drawing(procs) and any(_notebook(p) and p.alive for p in procs)


def _two_bundles_drawing(procs: list[Proc]) -> bool:
    """Both sides of a diff are being computed, each with its drawing helper."""
    drawing = [b for b in procs if _bundle(b) and b.alive and _children(procs, b, _pool_process)]
    return len(drawing) == 2


def _kernel_running(procs: list[Proc]) -> bool:
    """The notebook's kernel has been started."""
    return any(_kernel(p) and p.alive for p in procs)


def _serve_waiting(procs: list[Proc]) -> bool:
    """After its first build, serve's child waits for the next edit, its libraries imported."""
    return any(_waiting_child(w) and w.alive and reading_its_input(w.pid) for w in procs)


def _serve_itself(p: Proc) -> bool:  # make, `uv run properdocs serve …` and the site generator
    return p.runs("make", "-o") or ("serve" in p.argv and any("properdocs" in a for a in p.argv))


class Reaper:
    """Starts commands, lists what they started (even once re-parented), and leaves nothing."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        # What this test process ran before (under pytest-xdist, a browser an earlier test of
        # the same worker started, say): neither it nor what it starts later is a command's.
        self._before = frozenset((p.pid, p.started) for p in _descendants(os.getpid()))
        self._commands: list[tuple[Popen, Path]] = []

    def start(self, command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Popen:
        """Start ``command`` in a process group of its own (as a shell starts a job)."""
        log = self.logs / f"command-{len(self._commands)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env={**os.environ, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                process_group=0,
            )
        self._commands.append((process, log))
        return process

    def started(self) -> list[Proc]:
        """Every live process started since this reaper was made (the commands included)."""
        return [p for p in _descendants(os.getpid(), prune=self._before) if p.alive]

    def wait_until(self, ready: Callable[[list[Proc]], bool], process: Popen) -> None:
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            if ready(self.started()):
                return
            if process.poll() is not None:
                pytest.fail(
                    f"the command ended (status {process.returncode}) before it started what "
                    f"the test waits for ({ready.__doc__}):\n{self.output(process)}"
                )
            time.sleep(0.1)
        pytest.fail(f"not started within {STARTUP} s: {ready.__doc__}\n{self.output(process)}")

    def left_after_grace(self, among: set[tuple[int, int]] | None = None) -> list[Proc]:
        """What is still running :data:`GRACE` seconds from now, of everything started or of
        the processes ``among`` names (at once if none is)."""
        deadline = time.monotonic() + GRACE
        while True:
            self._reap()
            left = [p for p in self.started() if among is None or (p.pid, p.started) in among]
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.1)

    def output(self, process: Popen) -> str:
        log = next(log for p, log in self._commands if p is process)
        return log.read_text(errors="replace")[-3000:]

    def _reap(self) -> None:
        """Collect the exit status of each ended process re-parented to this one (a command's
        own is left to its Popen)."""
        commands = {process.pid for process, _ in self._commands}
        for proc in _descendants(os.getpid()):
            if proc.ppid == os.getpid() and not proc.alive and proc.pid not in commands:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(proc.pid, os.WNOHANG)

    def clean_up(self) -> None:
        """End the commands (SIGTERM: a server removes its temporary site), then SIGKILL
        whatever they leave, and collect every exit status."""
        for process, _ in self._commands:
            if process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=GRACE)
        for _ in range(50):
            left = self.started()
            if not left:
                break
            for proc in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
            time.sleep(0.1)
            self._reap()
        for process, _ in self._commands:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        self._reap()


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}, {value})")


@pytest.fixture
def reaper(tmp_path: Path) -> Iterator[Reaper]:
    """This process as the child subreaper of everything a test starts, for the test only."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    watcher = Reaper(tmp_path)
    try:
        yield watcher
    finally:
        try:
            watcher.clean_up()
        finally:
            _prctl(PR_SET_CHILD_SUBREAPER, 0)


def test_the_reaper_counts_only_what_its_commands_start(tmp_path: Path) -> None:
    # A process this test process ran before the reaper (a browser of an earlier test) starts
    # a child meanwhile: that child is not a command's, and a command's own child is.
    script = "import subprocess, time; time.sleep(0.5); subprocess.run(['sleep', '30'])"
    earlier = subprocess.Popen([sys.executable, "-c", script])
    watcher = Reaper(tmp_path)
    command = watcher.start(["sh", "-c", "sleep 30 & wait"], cwd=tmp_path)
    try:
        deadline = time.monotonic() + STARTUP
        while not [p for p in _descendants(earlier.pid) if p.runs("sleep", "30")]:
            assert time.monotonic() < deadline, "the earlier process never started its child"
            time.sleep(0.05)
        while len(watcher.started()) < 2:  # the command and its `sleep`
            assert time.monotonic() < deadline, "the command never started its child"
            time.sleep(0.05)
        started = watcher.started()
        assert {p.pid for p in started} >= {command.pid}
        assert all(p.ppid != earlier.pid and p.pid != earlier.pid for p in started), started
        assert [p for p in started if p.runs("sleep", "30")], started
    finally:
        for process in (earlier, command):
            for proc in _descendants(process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
            process.kill()
            process.wait()


# The commands, as people run them -----------------------------------------------------------


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


@pytest.fixture(scope="module")
def make_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the site's sources with the Makefile and this project's environment (linked),
    and a cache of its own: a build there computes the bundle and executes the notebook."""
    project = copy_site_sources(tmp_path_factory.mktemp("make") / "project")
    for name in ("Makefile", "pyproject.toml", "uv.lock"):
        shutil.copy(PROJECT / name, project / name)
    for name in (".venv", ".tools"):
        (project / name).symlink_to(PROJECT / name)
    return project


def _make(target: str, *variables: str) -> list[str]:
    # -o: the environment is this project's, never synced from the copy (whatever the mtimes).
    return ["make", "-o", ".venv/.synced", target, *variables]


_NO_GIT_DATES = {"STUDY_GIT_DATES": "false"}  # a copied tree has no history to date pages from


def _diff_repo(root: Path) -> Path:
    """A git repository of the project whose working tree changes a data file: the diff computes
    the bundles of both sides."""
    repo = root / "repo"
    for name in ("analysis", "docs", "includes", "mkdocs.yml", "pyproject.toml"):
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)
    (repo / ".gitignore").write_text(".cache/\n__pycache__/\n", encoding="utf-8")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the project"], cwd=repo, check=True)
    study = repo / "analysis" / "data" / "study.yaml"
    study.write_text(study.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    return repo


_SKIP = {".git", ".venv", ".tools", ".cache", "site", "__pycache__", ".pytest_cache"}
_SKIP |= {".ruff_cache", ".hypothesis", "node_modules"}


def _publish_repo(root: Path) -> Path:
    """A copy of the project with its own history and a bare repository as its origin."""
    remote, work = root / "remote.git", root / "work"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    shutil.copytree(PROJECT, work, ignore=lambda _d, names: [n for n in names if n in _SKIP])
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for args in (
        ["init", "-q", "-b", "main"],
        ["remote", "add", "origin", str(remote)],
        ["add", "-A"],
        ["commit", "-q", "-m", "the project"],
        ["push", "-q", "origin", "main"],
    ):
        subprocess.run([*git, *args], cwd=work, check=True)
    return work


@dataclass(frozen=True)
class Command:
    """A command to start, and what it must have started before the test signals it."""

    start: Callable[[Reaper, Path], Popen]
    ready: Callable[[list[Proc]], bool]


def _bundle_command(reaper: Reaper, tmp: Path) -> Popen:
    out = tmp / "cache" / "bundle-test"
    return reaper.start(_python("-m", "analysis", "bundle", "--out", str(out)), cwd=PROJECT)


def _diff_command(reaper: Reaper, tmp: Path) -> Popen:
    repo = _diff_repo(tmp)
    command = _python("-m", "analysis", "diff", "--base", "HEAD", "--cache-dir", str(tmp / "c"))
    return reaper.start(command, cwd=repo)


def _publish_command(reaper: Reaper, tmp: Path) -> Popen:
    work = _publish_repo(tmp)
    return reaper.start(_python("-m", "analysis", "publish", "dev"), cwd=work)


def _notebook_command(reaper: Reaper, tmp: Path) -> Popen:
    source = PROJECT / "docs" / "notebooks" / "reproduce.ipynb"
    command = _python("-m", "analysis", "notebook", "--source", str(source))
    return reaper.start([*command, "--out", str(tmp / "executed.ipynb")], cwd=PROJECT)


COMMANDS = {
    "python -m analysis bundle": Command(_bundle_command, _drawing),
    "python -m analysis diff": Command(_diff_command, _two_bundles_drawing),
    "python -m analysis publish": Command(_publish_command, _drawing_and_notebook),
    "python -m analysis notebook": Command(_notebook_command, _kernel_running),
}
SIGNALS = {
    "SIGTERM to the command": lambda process: os.kill(process.pid, signal.SIGTERM),
    "SIGINT to its process group": lambda process: os.killpg(process.pid, signal.SIGINT),
}


def _assert_nothing_left(reaper: Reaper, what: str) -> None:
    left = reaper.left_after_grace()
    assert not left, f"{GRACE} s after {what}, still running:\n" + "\n".join(map(str, left))


@pytest.mark.parametrize("how", SIGNALS)
@pytest.mark.parametrize("name", COMMANDS)
def test_a_signalled_analysis_command_leaves_no_process(
    name: str, how: str, reaper: Reaper, tmp_path: Path
) -> None:
    command = COMMANDS[name]
    process = command.start(reaper, tmp_path)
    reaper.wait_until(command.ready, process)
    SIGNALS[how](process)
    _assert_nothing_left(reaper, f"{how} of `{name}`")


@pytest.mark.parametrize("how", SIGNALS)
def test_a_signalled_make_build_leaves_no_process(
    how: str, reaper: Reaper, make_project: Path
) -> None:
    shutil.rmtree(make_project / ".cache", ignore_errors=True)  # the bundle is computed
    process = reaper.start(_make("build"), cwd=make_project, env=_NO_GIT_DATES)
    reaper.wait_until(_drawing_and_notebook, process)
    SIGNALS[how](process)
    _assert_nothing_left(reaper, f"{how} of `make build`")


@pytest.mark.parametrize("how", SIGNALS)
def test_a_signalled_make_serve_waiting_for_an_edit_leaves_no_process(
    how: str, reaper: Reaper, make_project: Path, tmp_path: Path
) -> None:
    # After its first build, serve waits with the next bundle's child started.
    address = f"SERVE_ADDR=127.0.0.1:{free_port()}"
    tmp = tmp_path / "tmp"  # where the site generator makes its temporary site folder
    tmp.mkdir()
    env = {**_NO_GIT_DATES, "TMPDIR": str(tmp)}
    process = reaper.start(_make("serve", address), cwd=make_project, env=env)
    reaper.wait_until(_serve_waiting, process)
    assert list(tmp.glob("properdocs_*")), "serve builds into a temporary folder"
    SIGNALS[how](process)
    _assert_nothing_left(reaper, f"{how} of `make serve`")
    left = list(tmp.glob("properdocs_*"))
    assert not left, f"{how} left serve's temporary site folder:\n{reaper.output(process)}"


# Parents killed outright --------------------------------------------------------------------


def _kill(reaper: Reaper, which: Callable[[Proc], bool]) -> list[Proc]:
    """SIGKILL the one process the commands started that ``which`` picks; what it had started
    (its pool or helper processes, say)."""
    (victim,) = [p for p in reaper.started() if which(p)]
    below = [p for p in _descendants(victim.pid) if p.alive]
    os.kill(victim.pid, signal.SIGKILL)
    return below


def _assert_ended(reaper: Reaper, procs: list[Proc], what: str) -> None:
    names = {(p.pid, p.started) for p in procs}
    left = [p for p in reaper.left_after_grace(names) if (p.pid, p.started) in names]
    assert not left, f"{GRACE} s after {what}, still running:\n" + "\n".join(map(str, left))


def test_the_drawing_helper_ends_when_its_bundle_is_killed(reaper: Reaper, tmp_path: Path) -> None:
    process = _bundle_command(reaper, tmp_path)
    reaper.wait_until(_drawing, process)
    helpers = _kill(reaper, _bundle)
    assert any(map(_pool_process, helpers))
    _assert_ended(reaper, helpers, "SIGKILL of `python -m analysis bundle`")


def test_an_idle_make_serve_holds_one_extra_process_which_ends_with_it(
    reaper: Reaper, make_project: Path
) -> None:
    # Idle (first build done, nobody editing): the next bundle's child waits, and nothing else
    # serve started is left running: no helper, worker or notebook kernel kept resident.
    address = f"SERVE_ADDR=127.0.0.1:{free_port()}"
    process = reaper.start(_make("serve", address), cwd=make_project, env=_NO_GIT_DATES)
    reaper.wait_until(_serve_waiting, process)
    time.sleep(3)  # idle: whatever the first build started has had time to end
    extra = [p for p in reaper.started() if not _serve_itself(p)]
    assert len(extra) <= 1, "an idle serve holds:\n" + "\n".join(map(str, extra))
    assert all(map(_waiting_child, extra)), extra
    SIGNALS["SIGTERM to the command"](process)
    _assert_nothing_left(reaper, "SIGTERM of an idle `make serve`")


def test_a_builds_children_end_when_the_site_generator_is_killed(
    reaper: Reaper, make_project: Path
) -> None:
    shutil.rmtree(make_project / ".cache", ignore_errors=True)
    process = reaper.start(_make("build"), cwd=make_project, env=_NO_GIT_DATES)
    reaper.wait_until(_drawing_and_notebook, process)
    children = _kill(reaper, _site_generator)
    assert any(map(_bundle, children))
    assert any(map(_notebook, children))
    _assert_ended(reaper, children, "SIGKILL of the site generator under `make build`")


def test_the_bundles_of_a_diff_end_when_it_is_killed(reaper: Reaper, tmp_path: Path) -> None:
    process = _diff_command(reaper, tmp_path)
    reaper.wait_until(_two_bundles_drawing, process)
    children = _kill(reaper, lambda p: p.runs("-m", "analysis", "diff"))
    assert sum(map(_bundle, children)) == 2
    _assert_ended(reaper, children, "SIGKILL of `python -m analysis diff`")


def test_a_process_group_run_by_publish_ends_when_publish_is_killed(
    reaper: Reaper, tmp_path: Path
) -> None:
    # publish runs the strict build and mike (which runs git and the site generator) in a
    # process group of their own. SIGKILL gives publish no chance to end that group; a program
    # in it that writes nothing meanwhile (git waiting on the network, say) would run on.
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from analysis.lifetime import run_in_own_group\n"
        "run_in_own_group(['sh', '-c', 'sleep 61 & sleep 62'], cwd=Path('.'), env=dict(os.environ))\n"
    )
    process = reaper.start(_python("-c", code), cwd=PROJECT)
    reaper.wait_until(_sleeping_twice, process)
    below = _kill(reaper, lambda p: p.pid == process.pid)
    assert sum(p.runs("sleep", "61") or p.runs("sleep", "62") for p in below) == 2, below
    _assert_ended(reaper, below, "SIGKILL of the process that ran the group")


def _sleeping_twice(procs: list[Proc]) -> bool:
    """Both programs of the group have started."""
    return sum(p.runs("sleep", "61") or p.runs("sleep", "62") for p in procs if p.alive) == 2


def test_the_kernel_ends_when_the_notebook_command_is_killed(
    reaper: Reaper, tmp_path: Path
) -> None:
    process = _notebook_command(reaper, tmp_path)
    reaper.wait_until(_kernel_running, process)
    kernel = _kill(reaper, _notebook)
    assert any(map(_kernel, kernel))
    _assert_ended(reaper, kernel, "SIGKILL of `python -m analysis notebook`")


def test_a_program_whose_parent_ends_as_it_starts_ends_too(reaper: Reaper, tmp_path: Path) -> None:
    # The parent exits right after starting it: before the launcher has tied the program to
    # it, or just after. Either way the program ends.
    code = (
        "import os, subprocess, sys\n"
        "from analysis.lifetime import ending_with_this_process\n"
        "subprocess.Popen(ending_with_this_process(['sleep', '60']))\n"
        "os._exit(0)\n"
    )
    process = reaper.start(_python("-c", code), cwd=PROJECT)
    process.wait(timeout=60)
    _assert_nothing_left(reaper, "the parent's exit")


# One Ctrl-C, delivered twice ------------------------------------------------------------------

_CLEAN_UP_AFTER_CTRL_C = """\
import os, signal, sys, time
from analysis.lifetime import interrupt_once
interrupt_once(repeat=float(sys.argv[1]))
try:
    print("ready", flush=True)  # inside the try: the test's Ctrl-C may follow at once
    time.sleep(30)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    try:
        os.kill(os.getpid(), signal.SIGINT)  # the same Ctrl-C again, as `uv run` passes it on
        time.sleep(0.2)
        print("cleaned up", flush=True)
        time.sleep(float(sys.argv[2]))
        os.kill(os.getpid(), signal.SIGINT)  # a later Ctrl-C: the writer means it
        time.sleep(5)
        print("not interrupted again", flush=True)
    except KeyboardInterrupt:
        print("interrupted again", flush=True)
"""


@pytest.mark.parametrize(
    ("later", "expected"),
    [(0.0, "cleaned up\nnot interrupted again"), (1.5, "cleaned up\ninterrupted again")],
)
def test_a_second_sigint_interrupts_the_clean_up_only_once_the_first_is_past(
    later: float, expected: str
) -> None:
    # make serve: Ctrl-C reaches the site generator from the terminal and again through
    # `uv run`; the second used to cut its clean-up short (its temporary folder was left).
    process = subprocess.Popen(
        [sys.executable, "-c", _CLEAN_UP_AFTER_CTRL_C, "1.0", str(later)],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert out.strip() == f"interrupted\n{expected}"
