"""The range of survival the published numbers allow: exact, checked by brute force, and wide
enough to hold every cohort of every named scenario."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from analysis.patient_level.allowed import allowed_range, censoring_changes_curve
from analysis.patient_level.analysis import PatientAnalysis, analyse
from analysis.patient_level.reconstruct import SCENARIOS
from analysis.stats.survival import km_at
from analysis.study.load import load_study

PUBLISHED_OS = (25.55, 25.65)  # 25.6% as printed
PUBLISHED_SE = (6.85, 7.0)  # 6.9% rounded or truncated


@pytest.fixture(scope="module")
def analysis() -> PatientAnalysis:
    return analyse(load_study(), cohorts=300)


@pytest.mark.parametrize(("patients", "survivors", "not_evaluable"), [(5, 1, 1), (6, 2, 2)])
def test_allowed_range_equals_brute_force_over_every_small_cohort(
    patients: int, survivors: int, not_evaluable: int
) -> None:
    # Death times are whole months 1..4 (horizon 4), survivors live past it; the landmark is at
    # month 1, and only the not-evaluable patients may die by then. Enumerate every cohort.
    horizon, landmark = 4, 1
    times = np.arange(0, horizon + 1, dtype=float)
    lowest, highest = np.ones(len(times)), np.zeros(len(times))
    for months in itertools.product(range(1, horizon + 2), repeat=patients):
        m = np.array(months, dtype=float)
        death = (m <= horizon).astype(int)
        if (death == 0).sum() != survivors:
            continue
        # Patients 0..not_evaluable-1 are the not evaluable (labels are exchangeable).
        evaluated = np.arange(patients) >= not_evaluable
        if (evaluated & (m <= landmark)).any():
            continue
        surv, _ = km_at(m, death, times)
        lowest, highest = np.minimum(lowest, surv[0]), np.maximum(highest, surv[0])
    exact = allowed_range(
        times,
        patients=patients,
        survivors=survivors,
        not_evaluable=not_evaluable,
        landmark=landmark,
        horizon=horizon,
    )
    np.testing.assert_allclose(exact["lowest"], lowest, atol=1e-12)
    np.testing.assert_allclose(exact["highest"], highest, atol=1e-12)


def test_no_loss_to_follow_up_before_a_death_reproduces_the_published_survival_and_error() -> None:
    assert not censoring_changes_curve(39, 10, PUBLISHED_OS, PUBLISHED_SE, max_censored=3)


def test_a_looser_standard_error_would_leave_room_for_early_losses() -> None:
    # The check can fail: allow any error up to 8% and losses before deaths fit the 25.6%.
    assert censoring_changes_curve(39, 10, PUBLISHED_OS, (6.85, 8.0), max_censored=2)


def test_allowed_range_at_12_months_is_10_to_39_of_39(analysis: PatientAnalysis) -> None:
    row = analysis.allowed.set_index("months").loc[12.0]
    assert row["lowest"] == pytest.approx(10 / 39)
    assert row["highest"] == pytest.approx(1.0)


def test_allowed_range_at_the_landmark_keeps_the_37_evaluated_alive(
    analysis: PatientAnalysis,
) -> None:
    row = analysis.allowed.set_index("months").loc[analysis.landmark]
    assert row["lowest"] == pytest.approx(37 / 39)
    assert analysis.allowed["months"].max() == 60.0  # nothing claimed after 5 years


def test_every_cohort_of_every_scenario_lies_inside_the_allowed_range(
    analysis: PatientAnalysis,
) -> None:
    assert [s.key for s, _, _ in analysis.scenarios] == [s.key for s in SCENARIOS]
    allowed = analysis.allowed
    keep = np.isin(analysis.grid, allowed["months"])
    for scenario, _, curves in analysis.scenarios:
        inside = (curves[:, keep] >= allowed["lowest"].to_numpy() - 1e-12) & (
            curves[:, keep] <= allowed["highest"].to_numpy() + 1e-12
        )
        assert inside.all(), scenario.key


def test_scenario_bands_differ_while_the_allowed_range_is_the_same(
    analysis: PatientAnalysis,
) -> None:
    bands = analysis.bands([12.0]).set_index("band")
    early = bands.loc["Assumed: early-heavy hazard"]
    late = bands.loc["Assumed: late-heavy hazard"]
    assert early["upper"] < late["lower"]  # the shape alone moves the band
    allowed = bands.loc["Allowed by the published numbers"]
    assert allowed["lower"] <= early["lower"]
    assert late["upper"] <= allowed["upper"]
