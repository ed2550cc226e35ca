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
  instead of recomputing them. Target: ≤ 1.25× bare.

Usage: ``python benchmarks/build_time.py [--runs N]``
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
from testsupport.project import ENGINE, copy_site_sources

PLACEHOLDER = re.compile(r"\{\{\s*(table|chart|value)\s+[A-Za-z0-9_.-]+\s*\}\}")


def _copy(dest: Path, *, bare: bool, execute_notebooks: bool = True) -> Path:
    copy_site_sources(dest)
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        bare = _copy(Path(tmp) / "bare", bare=True)
        full = _copy(Path(tmp) / "full", bare=False)
        no_nb = _copy(Path(tmp) / "no-nb", bare=False, execute_notebooks=False)
        times: dict[str, list[float]] = {"bare": [], "cold": [], "cold-no-nb": [], "warm": []}
        _build(bare)  # warm the OS file cache once, for all alike
        for _ in range(runs):
            times["bare"].append(_build(bare))
            shutil.rmtree(full / ".cache", ignore_errors=True)
            times["cold"].append(_build(full))
            times["warm"].append(_build(full))
            shutil.rmtree(no_nb / ".cache", ignore_errors=True)
            times["cold-no-nb"].append(_build(no_nb))
    med = {k: statistics.median(v) for k, v in times.items()}
    for name, runs_taken in times.items():
        runs_text = ", ".join(f"{t:.2f}" for t in runs_taken)
        print(f"{name:10s} median {med[name]:6.2f} s  (runs: {runs_text})")
    print(f"cold / bare          = {med['cold'] / med['bare']:.2f}x  (target <= 6)")
    print(f"cold-no-nb / bare    = {med['cold-no-nb'] / med['bare']:.2f}x  (target <= 4)")
    print(f"warm / bare          = {med['warm'] / med['bare']:.2f}x  (target <= 1.25)")


if __name__ == "__main__":
    main()
