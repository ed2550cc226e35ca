"""The range of survival the published numbers allow: exact, checked by brute force, and wide
enough to hold every cohort of every named scenario; and the search over every order of deaths
and losses behind it, checked against brute force and run on the published numbers."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from analysis.patient_level.allowed import MAX_NODES, allowed_range, loss_search
from analysis.patient_level.results import PatientAnalysis, analyse
from analysis.patient_level.scenarios import SCENARIOS
from analysis.stats.survival import km_at
from analysis.study.load import load_study

PUBLISHED_OS = (25.55, 25.65)  # 25.6% as printed (rounded)
TRUNCATED_SE = (6.9, 7.0)  # 6.9% read as truncated
ROUNDED_SE = (6.85, 6.95)  # 6.9% read as rounded


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


def _every_order(n: int, percent, se, variance: str) -> tuple[set, float]:
    """Brute force: every set of numbers at risk at the deaths (every order of deaths and
    losses), with every number still at risk at the horizon; the matching death sets and the
    lowest error of an order with a loss before a death whose estimate is in ``percent``."""
    low, high, se_low, se_high = percent[0] / 100, percent[1] / 100, se[0] / 100, se[1] / 100
    matches, lowest = set(), math.inf
    for k in range(n):
        for deaths in itertools.combinations(range(n, 1, -1), k):
            s = math.prod(1 - 1 / r for r in deaths)
            if not low <= s < high:
                continue
            last = min(deaths) if deaths else n + 1
            if variance == "greenwood":
                errors = [s * math.sqrt(sum(1 / (r * (r - 1)) for r in deaths))]
            else:  # Peto: S²(1 − S)/r, r = 1 … last − 1 still at risk at the horizon
                errors = [s * math.sqrt((1 - s) / r) for r in range(1, last)]
            if any(se_low <= e < se_high for e in errors):
                matches.add(deaths)
            if deaths and n - last + 1 > len(deaths) and errors:
                lowest = min(lowest, *errors)
    return matches, 100 * lowest


@pytest.mark.parametrize("variance", ["greenwood", "peto"])
def test_the_search_finds_what_brute_force_over_every_order_finds(variance: str) -> None:
    rng = random.Random(2009)
    for n in range(4, 13):
        for _ in range(6):
            # Windows centred on a random order's own estimate and error, so that orders match.
            deaths = sorted(rng.sample(range(2, n + 1), rng.randint(1, n - 2)), reverse=True)
            s = math.prod(1 - 1 / r for r in deaths)
            e = (
                s * math.sqrt(sum(1 / (r * (r - 1)) for r in deaths))
                if variance == "greenwood"
                else s * math.sqrt((1 - s) / (min(deaths) - 1))
            )
            w, ew = rng.choice([0.001, 0.01, 0.03]), rng.choice([0.001, 0.01, 0.03])
            percent, se = (100 * (s - w), 100 * (s + w)), (100 * (e - ew), 100 * (e + ew))
            matches, lowest = _every_order(n, percent, se, variance)
            found = loss_search(n, percent, se, variance=variance)
            assert set(found.matches) == matches, (n, percent, se)
            assert found.min_se_with_loss == pytest.approx(lowest, rel=1e-12), (n, percent, se)


@pytest.mark.parametrize("variance", ["greenwood", "peto"])
def test_every_order_with_a_loss_before_a_death_misses_the_published_error(variance: str) -> None:
    # Any number of losses: the only orders left have every loss after the last death.
    found = loss_search(39, PUBLISHED_OS, TRUNCATED_SE, variance=variance)
    assert found.matches
    assert found.only_without_losses
    assert found.min_se_with_loss >= TRUNCATED_SE[1]
    # The order left is the curve of deaths over patients: 39 − 29 = 10 of 39 alive.
    (deaths,) = found.matches
    assert len(deaths) == 39 - round(39 * 0.256)


def test_read_as_rounded_no_order_of_deaths_and_losses_gives_the_published_numbers() -> None:
    assert loss_search(39, PUBLISHED_OS, ROUNDED_SE).matches == ()


@pytest.mark.parametrize("patients", [37, 38])
def test_with_fewer_patients_at_time_0_no_order_gives_the_published_numbers(patients: int) -> None:
    assert loss_search(patients, PUBLISHED_OS, TRUNCATED_SE).matches == ()


def test_a_looser_standard_error_would_leave_room_for_early_losses() -> None:
    # The search can fail: allow an error up to 7.3% and losses before deaths fit the 25.6%.
    found = loss_search(39, PUBLISHED_OS, (TRUNCATED_SE[0], 7.3))
    assert any(found.losses_before_a_death(m) for m in found.matches)
    assert not found.only_without_losses


@pytest.mark.parametrize("variance", ["greenwood", "peto"])
def test_a_search_stopped_at_its_budget_proves_nothing(variance: str) -> None:
    # The shipped study's search finishes well inside the budget, and proves no early loss ...
    full = loss_search(39, PUBLISHED_OS, TRUNCATED_SE, variance=variance)
    assert full.complete
    assert full.only_without_losses
    assert full.nodes < MAX_NODES / 5
    # ... but the same search stopped half-way is no proof, though all it found has no loss.
    cut = loss_search(39, PUBLISHED_OS, TRUNCATED_SE, variance=variance, max_nodes=full.nodes // 2)
    assert not cut.complete
    assert cut.nodes == full.nodes // 2
    assert all(cut.losses_before_a_death(m) == 0 for m in cut.matches)
    assert not cut.only_without_losses


def test_a_study_with_more_deaths_than_the_recursion_limit_is_searched() -> None:
    # 1,500 patients, 1,116 deaths by the horizon: each order is deeper than Python's recursion
    # limit (1,000 frames), so the search keeps its own stack; it stops at its budget.
    found = loss_search(1500, PUBLISHED_OS, (1.1, 1.2), max_nodes=20_000)
    assert not found.complete
    assert found.nodes == 20_000
    assert found.matches
    assert max(len(m) for m in found.matches) > 1100


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
