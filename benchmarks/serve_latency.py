"""Serve-latency benchmark: how long an edit takes to show on a page under ``properdocs serve``,
as ratios to a bare rebuild measured in the same run, and what an idle serve holds.

Starts the site engine's ``serve`` on 127.0.0.1 for a copy of the site and of the ``analysis``
package (put first on ``PYTHONPATH``, as ``make publish`` does, so the copy's data file is the
one edited), edits a file, and polls the page until the edit shows. Medians of several edits:

* data: salvage remissions 15 → 16 (17, … one more each run: never in the cache) in the copy's
  ``analysis/data/study.yaml``: the analysis is recomputed; target ≤ 3 s and ≤ 2.5× bare.
* prose: a figure's label in the same file (no number changes); target ≤ 1.5× bare.
* followed: from the same data edit until the server has logged the one rebuild that follows
  the pages (pictures and the re-executed notebook together).
* bare: a sentence added to a page of the bare site (``build_time.py``'s bare copy: no analysis
  plugin), the baseline every ratio is taken against.

Each data edit comes after the server has been left alone for a while (``IDLE``), as a writer's
edit usually does; ``idle extra processes`` counts what ``serve`` holds then besides itself
(target ≤ 1: the next bundle's child, waiting with its libraries imported), with their memory.

``--no-ahead`` runs serve without that waiting child (``serve_ahead: false``): with and without
it, in runs of their own, say what it buys. ``--load`` keeps one core busy for the whole run (a
spinning process), as another job on the machine would.

Usage: ``python benchmarks/serve_latency.py [--runs N] [--load] [--no-ahead]``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))
from build_time import _copy

from analysis.lifetime import ending_with_this_process
from testsupport.project import ENGINE, free_port


def _remission(numerator: int) -> tuple[str, str]:
    """The salvage-remission entry of the data file with ``numerator``/37, and how pages show it."""
    percent = f"{100 * numerator / 37:.1f}"
    return (
        f"numerator: {numerator}\n    denominator: 37\n    percent: {percent}",
        f"{percent}% ({numerator}/37)",
    )


OLD = _remission(15)  # as published
LABEL = "label: Remission after salvage chemotherapy\n"  # shown on the Checks page
POLL = 0.05  # seconds between requests
IDLE = 10  # seconds the server is left alone before a data edit (serve prepares the next build)
REBUILT = "Reloading browsers"  # the server's line for each finished build


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _until(url: str, needle: str, *, since: float, timeout: float = 120) -> float:
    """Seconds from ``since`` until ``needle`` is on the page at ``url``."""
    while time.perf_counter() - since < timeout:
        if needle in _fetch(url):
            return time.perf_counter() - since
        time.sleep(POLL)
    msg = f"{needle!r} did not appear at {url} within {timeout} s"
    raise TimeoutError(msg)


def _rebuilds(log: Path) -> int:
    return log.read_text(encoding="utf-8").count(REBUILT)


def _until_rebuilds(log: Path, count: int, *, since: float, timeout: float = 300) -> float:
    """Seconds from ``since`` until the server has finished ``count`` builds in all."""
    while time.perf_counter() - since < timeout:
        if _rebuilds(log) >= count:
            return time.perf_counter() - since
        time.sleep(POLL)
    msg = f"fewer than {count} builds within {timeout} s"
    raise TimeoutError(msg)


def _with_package(project: Path) -> Path:
    shutil.copytree(
        PROJECT / "analysis", project / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    return project


def _edit(path: Path, old: str, new: str) -> float:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return time.perf_counter()


def _extra_processes(server: int) -> list[tuple[str, float]]:
    """What ``server`` has started and still runs (each process's command and its resident MB)."""
    table: dict[int, tuple[int, str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError):
            continue
        if fields[0] not in {"Z", "X"}:
            table[int(entry.name)] = (
                int(fields[1]),
                argv,
                pages * os.sysconf("SC_PAGE_SIZE") / 1e6,
            )
    found, todo = [], [server]
    while todo:
        parent = todo.pop()
        for pid, (ppid, argv, mb) in table.items():
            if ppid == parent:
                found.append((argv[:100], mb))
                todo.append(pid)
    return found


@contextlib.contextmanager
def _serving(project: Path, log: Path | None = None) -> Iterator[tuple[str, int]]:
    """``properdocs serve`` of ``project`` on a free port: its address and process id."""
    port = free_port()
    env = {**os.environ, "STUDY_GIT_DATES": "false"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(project), env.get("PYTHONPATH"))))
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("w")) if log is not None else subprocess.DEVNULL
        server = subprocess.Popen(
            ending_with_this_process(
                [*ENGINE, "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"]
            ),
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
        )
        try:
            yield f"http://127.0.0.1:{port}/", server.pid
        finally:
            server.terminate()
            server.wait(timeout=60)


@contextlib.contextmanager
def _busy_core(on: bool) -> Iterator[None]:
    """One core kept busy meanwhile (``on``), by a process that ends with this one."""
    if not on:
        yield
        return
    spin = subprocess.Popen(ending_with_this_process([sys.executable, "-c", "while True: pass"]))
    try:
        yield
    finally:
        spin.kill()
        spin.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load", action="store_true", help="keep one core busy meanwhile")
    parser.add_argument(
        "--no-ahead", action="store_true", help="serve without the child started ahead"
    )
    args = parser.parse_args()
    times: dict[str, list[float]] = {k: [] for k in ("data", "followed", "prose", "bare")}
    followups: list[int] = []
    with tempfile.TemporaryDirectory() as tmp, _busy_core(args.load):
        full = _with_package(_copy(Path(tmp) / "full", bare=False))
        if args.no_ahead:
            _edit(
                full / "mkdocs.yml",
                "  - study-analysis:\n",
                "  - study-analysis:\n      serve_ahead: false\n",
            )
        study = full / "analysis" / "data" / "study.yaml"
        log = full / "serve.log"
        bare = _with_package(_copy(Path(tmp) / "bare", bare=True))
        with _serving(full, log) as (url, server):
            _until(url, OLD[1], since=time.perf_counter(), timeout=300)
            time.sleep(IDLE)
            idle = _extra_processes(server)
            for run in range(args.runs):
                time.sleep(IDLE)  # a writer's edit comes to an idle server
                before = _rebuilds(log)
                new = _remission(16 + run)  # a new number each run: never in the cache
                since = _edit(study, OLD[0], new[0])
                times["data"].append(_until(url, new[1], since=since))
                times["followed"].append(_until_rebuilds(log, before + 2, since=since))
                time.sleep(IDLE)
                followups.append(_rebuilds(log) - before - 1)
                label = f"label: Remission after salvage chemotherapy, edit {run}\n"
                since = _edit(study, new[0], OLD[0])  # back to the published number (cached)
                _until(url, OLD[1], since=since)
                time.sleep(IDLE)
                since = _edit(study, LABEL, label)
                shown = label.removeprefix("label: ").strip()
                times["prose"].append(_until(f"{url}checks/", shown, since=since))
                time.sleep(IDLE)
                before = _rebuilds(log)
                _until_rebuilds(log, before + 1, since=_edit(study, label, LABEL))
        with _serving(bare) as (url, _):
            _until(url, "</html>", since=time.perf_counter(), timeout=300)
            for run in range(args.runs):
                page = bare / "docs" / "index.md"
                marker = f"Serve benchmark sentence {run}."
                since = _edit(page, "\n", f"\n\n{marker}\n\n")
                times["bare"].append(_until(url, marker, since=since))
                time.sleep(3)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"serve ({'without' if args.no_ahead else 'with'} the child started ahead, "
        f"{'one core busy' if args.load else 'no added load'}; load average "
        f"{os.getloadavg()[0]:.2f})"
    )
    for name, taken in times.items():
        print(
            f"{name:9s} median {med[name]:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in taken)})"
        )
    print(
        f"data / bare     = {med['data'] / med['bare']:.2f}x  (data {med['data']:.2f} s; targets 3 s, 2.5x)"
    )
    print(f"prose / bare    = {med['prose'] / med['bare']:.2f}x  (target 1.5x)")
    print(f"followed / bare = {med['followed'] / med['bare']:.2f}x")
    print(f"follow-up rebuilds per data edit: {followups} (target: 1 each)")
    print(
        f"idle extra processes: {len(idle)} (target 1), {sum(mb for _, mb in idle):.0f} MB resident"
    )
    for argv, mb in idle:
        print(f"  {mb:6.0f} MB  {argv}")


if __name__ == "__main__":
    main()
