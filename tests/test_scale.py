"""Larger studies: the shipped study scaled ×10 builds (its numbers allow censoring, so the
allowed survival range gives bounds and no counts), and a study that must be refused is refused
before any cohort is drawn, naming file, entry, field, what was found and what was expected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import ReconstructionError
from analysis.patient_level.reconstruct import Reconstruction
from analysis.patient_level.results import analyse
from analysis.patient_level.scenarios import Scenario
from analysis.study.load import load_study
from testsupport.project import PROJECT
from testsupport.scaled import write_scaled_comparators, write_scaled_study

# The shipped study with one transplant of unknown status more (and one transplant more, so the
# data file stays coherent): the unknown-transplant reading needs as many of them as patients
# not evaluated (2), so its scenario must refuse the study. It is not the first scenario drawn.
REFUSED = {"hsct": {"value": 24}, "hsct_status_unknown": {"value": 3}}


@pytest.fixture(scope="module")
def x10_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scaled_study(tmp_path_factory.mktemp("x10") / "study-x10-synthetic.yaml")


def test_a_study_that_must_be_refused_stops_before_any_cohort_is_drawn(tmp_path: Path) -> None:
    study = load_study(write_scaled_study(tmp_path / "refused.yaml", REFUSED))
    drawn: list[str] = []

    def made(scenario: Scenario) -> Reconstruction:
        drawn.append(scenario.key)
        msg = "sampling started before the refusal"
        raise AssertionError(msg)

    with pytest.raises(ReconstructionError) as refused:
        analyse(study, cohorts=10, made=made)
    assert drawn == []
    text = str(refused.value)
    for part in (
        "study.yaml",
        "entry 'hsct_status_unknown'",
        "field 'value'",
        "found 3",
        "expected 2",
    ):
        assert part in text, text


def test_the_bundle_command_refuses_that_study_naming_the_field(tmp_path: Path) -> None:
    bad = write_scaled_study(tmp_path / "refused.yaml", REFUSED)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "bundle",
            "--study",
            str(bad),
            "--out",
            str(tmp_path / "b"),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "entry 'hsct_status_unknown', field 'value': found 3; expected 2" in run.stderr, (
        run.stderr
    )


def test_the_x10_study_builds_its_bundle_with_bounds_and_no_fixed_counts(
    x10_file: Path, tmp_path: Path
) -> None:
    """``python -m analysis bundle`` as the site's child runs it, on the ×10 study and its
    comparator file: it builds; the loss search, too large to finish, says so and proves
    nothing, so the allowed range is given as bounds without counts of patients alive."""
    comparators = write_scaled_comparators(tmp_path / "comparators-x10-synthetic.yaml")
    out = tmp_path / "bundle"
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "bundle", "--study", str(x10_file),
         "--comparators", str(comparators), "--cohorts", "40", "--out", str(out)],
        cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    values = json.loads((out / "bundle.json").read_text(encoding="utf-8"))["values"]
    assert "(the search stopped unfinished)" in values["survival_search_result"]
    assert values["survival_search_result"].startswith("at least ")
    assert values["survival_loss_claim"].startswith("A loss to follow-up before a death")
    assert values["survival_deaths_5y"] == values["survival_alive_5y"] == "—"
    assert "cannot rise, which bounds it" in values["survival_curve_claim"]
