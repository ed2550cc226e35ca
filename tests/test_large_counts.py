"""A study file with counts in the thousands loads and yields its proportion tables and chart.

The schema puts no ceiling on a denominator, and the exact interval used to overflow a float
beyond about 1000 trials (``clopper_pearson(515, 1030)`` raised ``OverflowError``). The file
here is SYNTHETIC: the shipped study.yaml scaled up so that it stays internally consistent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import ReconstructionError
from analysis.patient_level.reconstruct import reconstruct
from analysis.stats.intervals import clopper_pearson, wilson
from analysis.study.charts import proportions_chart
from analysis.study.checks import run_checks
from analysis.study.load import load_study
from analysis.study.results import StudyResults
from analysis.study.tables import proportions_table
from analysis.study.values import study_values
from testsupport.project import STUDY_FILE

# (text in the shipped file, its synthetic replacement); each must occur exactly once.
REMISSION_EDITS = (
    ("numerator: 15\n", "numerator: 515\n"),
    ("denominator: 37\n", "denominator: 1270\n"),
    ("percent: 40.5\n", "percent: 40.6\n"),  # 515/1270 = 40.55%
)
SYNTHETIC_EDITS = (
    ("value: 80\n", "value: 2600\n"),  # cohort
    ("value: 34\n", "value: 1201\n"),  # relapses
    ("value: 5\n    of: cohort", "value: 70\n    of: cohort"),  # induction failures
    *REMISSION_EDITS,
    ("value: 23\n", "value: 600\n"),  # transplants
    ("value: 9\n", "value: 250\n"),
    ("value: 12\n", "value: 330\n"),
    ("value: 2\n", "value: 20\n"),
    ("se: 6.9\n", "se: 1.1\n"),  # below its floor of 1.22%, as 6.9% is below 6.99%
    ("n_at_start: 39\n", "n_at_start: 1271\n"),  # 325/1271 = 25.6% survivors
)


def _synthetic_large_study(folder: Path) -> Path:
    text = STUDY_FILE.read_text(encoding="utf-8")
    for old, new in SYNTHETIC_EDITS:
        assert text.count(old) == 1, f"fixture text not found exactly once: {old!r}"
        text = text.replace(old, new)
    path = folder / "study_synthetic_large_counts.yaml"
    path.write_text("# SYNTHETIC: study.yaml scaled to counts in the thousands.\n" + text, "utf-8")
    return path


def test_a_study_file_reporting_515_of_1270_loads_with_only_the_shipped_files_warnings(
    tmp_path: Path,
) -> None:
    study = load_study(_synthetic_large_study(tmp_path))
    salvage = study.figure("salvage_remission")
    assert (salvage.numerator, salvage.denominator) == (515, 1270)
    warnings = {c.id for c in run_checks(study) if c.status != "ok"}
    # Scaled faithfully, it raises the shipped file's warnings (1270 of 1271 evaluated as 37 of
    # 39 are; an SE below its floor; who the 0-month first remissions are) and no others.
    assert warnings == {c.id for c in run_checks(load_study(STUDY_FILE)) if c.status != "ok"}


def test_a_study_file_reporting_515_of_1270_builds_its_proportion_artifacts(
    tmp_path: Path,
) -> None:
    study = StudyResults(load_study(_synthetic_large_study(tmp_path)))
    exact, score = clopper_pearson(515, 1270), wilson(515, 1270)

    table = proportions_table(study).data.set_index("id").loc["salvage_remission"]
    assert (table["numerator"], table["denominator"]) == (515, 1270)
    assert (table["exact_lower"], table["exact_upper"]) == (exact.lower, exact.upper)
    assert (table["wilson_lower"], table["wilson_upper"]) == (score.lower, score.upper)
    assert 0.37 < exact.lower < 515 / 1270 < exact.upper < 0.44

    chart = proportions_chart(study)
    assert "40.6% (515/1270)" in chart.chart.to_json()
    assert f"{100 * exact.lower:.1f}–{100 * exact.upper:.1f}%" in chart.description

    values = study_values(study)
    assert values["salvage_remission"] == "40.6% (515/1270)"
    assert values["salvage_remission_ci"] == f"{100 * exact.lower:.1f}–{100 * exact.upper:.1f}%"


def test_a_remission_denominator_beyond_the_relapsed_patients_stops_the_reconstruction_by_name(
    tmp_path: Path,
) -> None:
    # 515/1270 in the shipped file's 39 patients: the load only warns (as for 37 of 39), and the
    # reconstruction used to fail inside numpy; it now names the entry, field and limit.
    text = STUDY_FILE.read_text(encoding="utf-8")
    for old, new in REMISSION_EDITS:
        text = text.replace(old, new)
    path = tmp_path / "study_synthetic_denominator.yaml"
    path.write_text("# SYNTHETIC: remission denominator larger than the cohort.\n" + text, "utf-8")
    with pytest.raises(ReconstructionError) as info:
        reconstruct(load_study(path))
    message = str(info.value)
    assert "entry 'salvage_remission', field 'denominator': found 1270" in message
    assert "expected at most 39" in message
