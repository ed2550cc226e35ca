"""Serve-latency benchmark: how long an edit takes to show on a page under ``properdocs serve``.

Starts the site engine's ``serve`` on 127.0.0.1 for a copy of the site and of the ``analysis``
package (put first on ``PYTHONPATH``, as ``make publish`` does, so the copy's data file is the
one edited), edits a file, and polls the page until the edit shows. Measured in this one run,
with the median of several edits:

* data: a reported number in ``analysis/data/study.yaml`` (the analysis is recomputed and the
  notebook re-executed); target: the home page shows it within 3 s on this machine.
* revert: the same number back (the analysis comes from the cache).
* page: a sentence added to a page of the full site (nothing to recompute).
* bare: the same sentence added to the bare site (``build_time.py``'s bare copy: no analysis
  plugin), the baseline the ratios are taken against.

Each data edit comes after the server has been left alone for a while (``IDLE``), as a writer's
edit usually does. The notebook page may follow later than the pages ("pages first"): ``notebook`` is the time from
the same edit until the server has logged a build that includes the re-executed notebook (its
output need not show the edited number, so the page itself cannot tell).

Usage: ``python benchmarks/serve_latency.py [--runs N]``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))
from build_time import _copy

from testsupport.project import engine_serving


def _remission(numerator: int) -> tuple[str, str]:
    """The salvage-remission entry of the data file with ``numerator``/37, and how pages show it."""
    percent = f"{100 * numerator / 37:.1f}"
    return (
        f"numerator: {numerator}\n    denominator: 37\n    percent: {percent}",
        f"{percent}% ({numerator}/37)",
    )


OLD = _remission(15)  # as published
POLL = 0.05  # seconds between requests
IDLE = 10  # seconds the server is left alone before a data edit (serve prepares the next build)
# The plugin's line for the executed copy a build used (not "shown as last executed ...").
NOTEBOOK_LOG = re.compile(r"notebook notebooks/reproduce\.ipynb: (?:executed|cached) (\S+)")


def _first_on_path(project: Path) -> str:
    """PYTHONPATH with ``project`` first, so its copy of the package is the one imported."""
    return os.pathsep.join(filter(None, (str(project), os.environ.get("PYTHONPATH"))))


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


def _notebook_builds(log: Path) -> list[str]:
    """The executed notebook each finished build used, in order (from the server's log)."""
    found, current = [], None
    for line in log.read_text(encoding="utf-8").splitlines():
        if match := NOTEBOOK_LOG.search(line):
            current = match.group(1)
        elif "Reloading browsers" in line or "Serving on" in line:
            found.append(current)
    return found


def _until_new_notebook(log: Path, *, before: str | None, since: float) -> float:
    """Seconds from ``since`` until a build with an executed notebook other than ``before``."""
    while time.perf_counter() - since < 300:
        builds = _notebook_builds(log)
        if builds and builds[-1] not in (before, None):
            return time.perf_counter() - since
        time.sleep(POLL)
    raise TimeoutError("no build with a newly executed notebook within 300 s")


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


def _settle(url: str, seconds: float = 3) -> None:
    """Let a build started by the previous edit (e.g. the notebook following) finish."""
    time.sleep(seconds)
    _fetch(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    times: dict[str, list[float]] = {k: [] for k in ("data", "notebook", "revert", "page", "bare")}
    with tempfile.TemporaryDirectory() as tmp:
        full = _with_package(_copy(Path(tmp) / "full", bare=False))
        study = full / "analysis" / "data" / "study.yaml"
        log = full / "serve.log"
        bare = _with_package(_copy(Path(tmp) / "bare", bare=True))
        with engine_serving(full, log=log, PYTHONPATH=_first_on_path(full)) as url:
            _until(url, OLD[1], since=time.perf_counter(), timeout=300)
            for run in range(runs):
                _settle(url, IDLE)  # a writer's edit comes to an idle server
                before = _notebook_builds(log)[-1]
                new = _remission(16 + run)  # a new number each run: never in the cache
                since = _edit(study, OLD[0], new[0])
                times["data"].append(_until(url, new[1], since=since))
                times["notebook"].append(_until_new_notebook(log, before=before, since=since))
                _settle(url)
                since = _edit(study, new[0], OLD[0])
                times["revert"].append(_until(url, OLD[1], since=since))
                _settle(url)
                page = full / "docs" / "index.md"
                marker = f"Serve benchmark sentence {run}."
                since = _edit(page, "\n", f"\n\n{marker}\n\n")  # after the first line
                times["page"].append(_until(url, marker, since=since))
                _settle(url)
        with engine_serving(bare, PYTHONPATH=_first_on_path(bare)) as url:
            _until(url, "</html>", since=time.perf_counter(), timeout=300)
            for run in range(runs):
                page = bare / "docs" / "index.md"
                marker = f"Serve benchmark sentence {run}."
                since = _edit(page, "\n", f"\n\n{marker}\n\n")
                times["bare"].append(_until(url, marker, since=since))
                _settle(url)
    med = {k: statistics.median(v) for k, v in times.items()}
    for name, taken in times.items():
        print(
            f"{name:9s} median {med[name]:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in taken)})"
        )
    print(
        f"data / bare     = {med['data'] / med['bare']:.2f}x  (data: {med['data']:.2f} s, target 3 s)"
    )
    print(f"notebook / bare = {med['notebook'] / med['bare']:.2f}x")
    print(f"revert / bare   = {med['revert'] / med['bare']:.2f}x")
    print(f"page / bare     = {med['page'] / med['bare']:.2f}x")


if __name__ == "__main__":
    main()
