"""Build-time benchmark: cold build, unchanged-input rebuild and bare build, as ratios.

The *bare* build is the same ``docs/`` and ``mkdocs.yml`` with the analysis plugins removed and
its placeholders stripped; every other plugin stays (mkdocs-jupyter renders the notebook
without executing it). Measured in this one run, as separate ``properdocs build`` processes (what a
contributor or CI pays), with the median of several runs reported:

* cold: the whole site with no cache, so the analysis is computed (with the ensemble of
  reconstructed cohorts) and the notebook executed. Target: ≤ 6× bare.
* cold, notebook not executed: the same with the notebook left as it is, as in the bare build,
  so that the analysis, tables and charts alone are measured. Target: ≤ 4× bare.
* warm: a rebuild with unchanged inputs, which must reuse the cached analysis and notebook
  instead of recomputing them. Target: ≤ 1.1× bare.
* prose edit: after the cold build without the notebook, a rebuild once a source sentence of
  the study file (a copy, named by ``study:`` in the copy's mkdocs.yml) has changed: only the
  study's own domain is computed; the other domains, every chart drawing and PNG come from the
  step cache. Target: ≤ 1.5× bare.
* data edit: then a rebuild once a number has changed (remissions 15 → 16 of 37, as the
  issue's serve target); the reconstruction and the charts showing it are computed again.
  Target: ≤ 2.5× bare.

What each layer of the step cache buys is measured on the bundle alone (``python -m analysis
bundle`` after the prose edit, as the site's child runs it), with every step cached, then with
each step in turn computed without the cache (``--no-step``), then with none cached.

Usage: ``python benchmarks/build_time.py [--runs N] [--no-layers]``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
from testsupport.project import ENGINE, STUDY_FILE, copy_site_sources

PROSE = (
    "source: The median duration of first remission was 5 months",
    "source: The median length of first remission was 5 months",
)
NUMBER = (
    "numerator: 15\n    denominator: 37\n    percent: 40.5\n",
    "numerator: 16\n    denominator: 37\n    percent: 43.2\n",
)
PLACEHOLDER = re.compile(r"\{\{\s*(table|chart|value)\s+[A-Za-z0-9_.-]+\s*\}\}")


def _copy(
    dest: Path, *, bare: bool, execute_notebooks: bool = True, own_study: bool = False
) -> Path:
    copy_site_sources(dest)
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    if own_study:  # a study file of its own, to edit
        shutil.copy(STUDY_FILE, dest / "study.yaml")
        config, found = re.subn(
            r"^  - study-analysis:\n",
            "  - study-analysis:\n      study: study.yaml\n",
            config,
            flags=re.MULTILINE,
        )
        assert found == 1, "the study-analysis plugin was not found"
    if bare:
        # The analysis and the plugins that read it (the references, the notebooks).
        ours = r"study-(?:citation|analysis|notebooks)"
        # Anchored per line, so two neighbouring entries are both removed.
        config = re.sub(rf"^  - {ours}(:\n(      .*\n)+|\n)", "", config, flags=re.MULTILINE)
        assert not re.search(rf"^  - {ours}", config, re.MULTILINE), "plugin still configured"
        for page in (dest / "docs").rglob("*.md"):
            page.write_text(PLACEHOLDER.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    if not execute_notebooks:
        config, found = re.subn(r"\n      notebooks: \[[^\]]*\]", "\n      notebooks: []", config)
        assert found == 1, "the study-notebooks plugin's notebooks setting was not found"
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


def _edit(study: Path, before: str, after: str) -> None:
    text = study.read_text(encoding="utf-8")
    assert text.count(before) == 1, f"{study}: {before!r} is not there once"
    study.write_text(text.replace(before, after), encoding="utf-8")


def _build(project: Path) -> float:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    env["STUDY_GIT_DATES"] = "false"  # copies have no git history
    start = time.perf_counter()
    subprocess.run(
        [*ENGINE, "build", "-f", "mkdocs.yml", "-q", "-d", str(project / "site")],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def _bundle(out: Path, study: Path, *off: str) -> float:
    args = ["bundle", "--out", str(out), "--study", str(study)]
    args += [f"--no-step={step}" for step in off]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _layers(tmp: Path, runs: int) -> None:
    """The bundle after a prose edit with each step of the cache off, then all of them."""
    from analysis.wire.steps import STEP_NAMES

    study = tmp / "layers.yaml"
    shutil.copy(STUDY_FILE, study)
    _bundle(tmp / "layers" / "bundle-first", study)  # fills the step cache
    _edit(study, *PROSE)
    cases = {"all steps cached": ()} | {f"no {s} cache": (s,) for s in STEP_NAMES}
    cases["none cached"] = STEP_NAMES
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(runs):
        for name, off in cases.items():
            times[name].append(
                _bundle(tmp / "layers" / f"bundle-{run}-{len(off)}-{name}", study, *off)
            )
    for name, taken in times.items():
        runs_text = ", ".join(f"{t:.2f}" for t in taken)
        print(
            f"bundle after a prose edit, {name:22s} median {statistics.median(taken):6.2f} s  (runs: {runs_text})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-layers", action="store_true", help="leave out the layers' bundles")
    options = parser.parse_args()
    runs = options.runs
    with tempfile.TemporaryDirectory() as tmp:
        bare = _copy(Path(tmp) / "bare", bare=True)
        full = _copy(Path(tmp) / "full", bare=False)
        no_nb = _copy(Path(tmp) / "no-nb", bare=False, execute_notebooks=False, own_study=True)
        names = ("bare", "cold", "cold-no-nb", "warm", "prose-edit", "data-edit")
        times: dict[str, list[float]] = {name: [] for name in names}
        _build(bare)  # warm the OS file cache once, for all alike
        original = (no_nb / "study.yaml").read_text(encoding="utf-8")
        for _ in range(runs):
            times["bare"].append(_build(bare))
            shutil.rmtree(full / ".cache", ignore_errors=True)
            times["cold"].append(_build(full))
            times["warm"].append(_build(full))
            shutil.rmtree(no_nb / ".cache", ignore_errors=True)
            (no_nb / "study.yaml").write_text(original, encoding="utf-8")
            times["cold-no-nb"].append(_build(no_nb))
            _edit(no_nb / "study.yaml", *PROSE)
            times["prose-edit"].append(_build(no_nb))
            _edit(no_nb / "study.yaml", *NUMBER)
            times["data-edit"].append(_build(no_nb))
        if not options.no_layers:
            _layers(Path(tmp), runs)
    med = {k: statistics.median(v) for k, v in times.items()}
    for name, runs_taken in times.items():
        runs_text = ", ".join(f"{t:.2f}" for t in runs_taken)
        print(f"{name:10s} median {med[name]:6.2f} s  (runs: {runs_text})")
    print(f"cold / bare          = {med['cold'] / med['bare']:.2f}x  (target <= 6)")
    print(f"cold-no-nb / bare    = {med['cold-no-nb'] / med['bare']:.2f}x  (target <= 4)")
    print(f"warm / bare          = {med['warm'] / med['bare']:.2f}x  (target <= 1.1)")
    print(f"prose-edit / bare    = {med['prose-edit'] / med['bare']:.2f}x  (target <= 1.5)")
    print(f"data-edit / bare     = {med['data-edit'] / med['bare']:.2f}x  (target <= 2.5)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
