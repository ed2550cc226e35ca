"""Scale benchmark: the bundle of the shipped study against that of the same study scaled ×10
(synthetic: ``testsupport/scaled.py``), and how soon a study that must be refused is refused.

Each is ``python -m analysis bundle`` in a process of its own with an empty step cache (what a
first build pays), the median of several runs:

* shipped: the shipped study and comparator files.
* x10: 391 patients, every count about ×10, with its comparator file (``--comparators``).
  Target: ≤ 12× shipped.
* refused: the shipped study with one transplant of unknown status more than its scenarios
  allow (``tests/test_scale.py``'s study): the command must fail, naming the field. Target:
  ≤ 10 s (an absolute bound: a refusal must not wait for any search or sampling).
* refused-sampling: the shipped study with salvage remissions 31 of 37 (a slip the checks made
  before sampling cannot catch: no cohort meets it). The sampler refuses once the candidates
  drawn rule the study out, not after its whole budget (about 45 s before). Target: ≤ 10 s.

Then the reconstruction alone (the first scenario's cohorts, in this process, imports done),
for each study: its cost should grow about linearly with the patients (×10 patients: about
×10 time, or less).

Usage: ``python benchmarks/scale.py [--runs N]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
from testsupport.scaled import write_scaled_comparators, write_scaled_study

REFUSED = {"hsct": {"value": 24}, "hsct_status_unknown": {"value": 3}}
REFUSED_SAMPLING = {"salvage_remission": {"numerator": 31, "percent": 83.8}}


def _bundle(tmp: Path, *args: str, ok: bool = True) -> float:
    out, steps = tmp / "bundle", tmp / "steps"
    for folder in (out, steps):
        shutil.rmtree(folder, ignore_errors=True)
    command = [sys.executable, "-m", "analysis", "bundle", "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--steps", str(steps), *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    taken = time.perf_counter() - start
    if (done.returncode == 0) != ok:
        msg = f"bundle {args}: exit {done.returncode}, expected {'0' if ok else 'a refusal'}"
        raise SystemExit(f"{msg}\n{done.stderr[-2000:]}")
    return taken


def _reconstructions(x10: Path, runs: int) -> dict[str, list[float]]:
    """Seconds to draw the first scenario's cohorts of each study (the site's number of them)."""
    from analysis.patient_level.reconstruct import reconstruct
    from analysis.patient_level.results import DEFAULT_COHORTS
    from analysis.patient_level.scenarios import SCENARIOS
    from analysis.study.load import STUDY_FILE, load_study

    studies = {"shipped": load_study(STUDY_FILE), "x10": load_study(x10)}
    reconstruct(studies["shipped"], cohorts=20)  # imports and first-call costs, not timed
    times: dict[str, list[float]] = {name: [] for name in studies}
    for _ in range(runs):
        for name, study in studies.items():
            start = time.perf_counter()
            reconstruct(study, cohorts=DEFAULT_COHORTS, assumptions=SCENARIOS[0].assumptions)
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        x10 = write_scaled_study(tmp / "study-x10-synthetic.yaml")
        x10_comparators = write_scaled_comparators(tmp / "comparators-x10-synthetic.yaml")
        refused = write_scaled_study(tmp / "refused.yaml", REFUSED)
        slip = write_scaled_study(tmp / "refused-sampling.yaml", REFUSED_SAMPLING)
        cases = {
            "shipped": ((), True),
            "x10": (("--study", str(x10), "--comparators", str(x10_comparators)), True),
            "refused": (("--study", str(refused)), False),
            "refused-sampling": (("--study", str(slip)), False),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for case, (given, ok) in cases.items():
                times[case].append(_bundle(tmp, *given, ok=ok))
        drawn = _reconstructions(x10, args.runs)
    med = {case: statistics.median(taken) for case, taken in times.items()}
    for case, taken in times.items():
        runs = ", ".join(f"{t:.2f}" for t in taken)
        print(f"{case:16s} median {med[case]:6.2f} s  (runs: {runs})")
    print(f"x10 / shipped = {med['x10'] / med['shipped']:.2f}x  (target <= 12)")
    print(f"refused in {med['refused']:.2f} s  (target <= 10 s)")
    print(f"refused while sampling in {med['refused-sampling']:.2f} s  (target <= 10 s)")
    for case, taken in drawn.items():
        runs = ", ".join(f"{t:.2f}" for t in taken)
        print(f"reconstruction, {case:8s} median {statistics.median(taken):6.2f} s  (runs: {runs})")
    ratio = statistics.median(drawn["x10"]) / statistics.median(drawn["shipped"])
    print(f"reconstruction x10 / shipped = {ratio:.2f}x for 10x the patients (about linear: <= 10)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
