"""Interval formulas agree with independent implementations (scipy, lifelines)."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from analysis.stats.intervals import (
    clopper_pearson,
    km_se_without_censoring,
    survival_interval,
    wilson,
    z_value,
)


# The hand-written formulas this module used before it called scipy, kept as the reference the
# library must reproduce where they worked (they overflow a float once n passes about 1000).
def _reference_tail_at_least(k: int, n: int, p: float) -> float:
    return math.fsum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def _reference_bisect(f: Callable[[float], float], target: float) -> float:
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15:
            break
    return (lo + hi) / 2


def _reference_clopper_pearson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    lower = (
        0.0 if k == 0 else _reference_bisect(lambda p: _reference_tail_at_least(k, n, p), alpha / 2)
    )
    upper = (
        1.0
        if k == n
        else _reference_bisect(lambda p: _reference_tail_at_least(k + 1, n, p), 1 - alpha / 2)
    )
    return lower, upper


def _reference_wilson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    z = NormalDist().inv_cdf(1 - alpha / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _counts(max_n: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.integers(min_value=1, max_value=max_n).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    )


@settings(max_examples=200, deadline=None)
@given(_counts(300))
def test_exact_interval_from_scipy_equals_the_former_hand_written_one(kn: tuple[int, int]) -> None:
    k, n = kn
    ours = clopper_pearson(k, n)
    lower, upper = _reference_clopper_pearson(k, n)
    assert ours.lower == pytest.approx(lower, abs=1e-10)
    assert ours.upper == pytest.approx(upper, abs=1e-10)


@settings(max_examples=200, deadline=None)
@given(_counts(300))
def test_wilson_interval_from_scipy_equals_the_former_hand_written_one(kn: tuple[int, int]) -> None:
    k, n = kn
    ours = wilson(k, n)
    lower, upper = _reference_wilson(k, n)
    assert ours.lower == pytest.approx(lower, abs=1e-10)
    assert ours.upper == pytest.approx(upper, abs=1e-10)


def test_the_former_exact_interval_overflowed_at_515_of_1030() -> None:
    # Why the library replaced it: the reference raises where clopper_pearson now answers.
    with pytest.raises(OverflowError):
        _reference_clopper_pearson(515, 1030)
    ci = clopper_pearson(515, 1030)
    assert 0.46 < ci.lower < 0.5 < ci.upper < 0.54


@settings(max_examples=300, deadline=None)
@given(_counts(10**6))
@example((2, 493_305))  # scipy's root search left this tail at 0.025000025
def test_intervals_for_any_count_up_to_a_million_solve_their_defining_equations(
    kn: tuple[int, int],
) -> None:
    """Exact limits are where a binomial tail equals 2.5%; Wilson's are the roots of the score
    equation |p̂ − p| = z·√(p(1 − p)/n). Both hold at every n, with no overflow."""
    k, n = kn
    exact, score = clopper_pearson(k, n), wilson(k, n)
    for ci in (exact, score):
        assert 0.0 <= ci.lower <= k / n <= ci.upper <= 1.0
    if k > 0:
        assert sps.binom.sf(k - 1, n, exact.lower) == pytest.approx(0.025, rel=1e-6)
    if k < n:
        assert sps.binom.cdf(k, n, exact.upper) == pytest.approx(0.025, rel=1e-6)
    z = sps.norm.ppf(0.975)
    for p in (score.lower, score.upper):
        if 0.0 < p < 1.0:
            assert abs(k / n - p) == pytest.approx(z * math.sqrt(p * (1 - p) / n), rel=1e-6)


def test_remission_after_salvage_15_of_37_has_the_published_style_exact_interval() -> None:
    # Reference values from scipy's exact binomial interval, rounded as the site prints them.
    ci = clopper_pearson(15, 37)
    assert (round(100 * ci.lower, 1), round(100 * ci.upper, 1)) == (24.8, 57.9)


def test_z_value_is_the_two_sided_normal_quantile() -> None:
    assert z_value(0.05) == pytest.approx(sps.norm.ppf(0.975), abs=1e-12)


def test_plain_survival_interval_is_estimate_plus_minus_z_se() -> None:
    ci = survival_interval(0.256, 0.069, method="plain")
    z = sps.norm.ppf(0.975)
    assert (ci.lower, ci.upper) == pytest.approx((0.256 - z * 0.069, 0.256 + z * 0.069))


def test_log_log_interval_matches_lifelines_on_a_real_kaplan_meier_fit() -> None:
    """lifelines reports log-log bounds from Greenwood's variance; feed ours the same S and SE."""
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(7)
    durations = rng.exponential(40, size=39)
    observed = rng.random(39) < 0.85
    kmf = KaplanMeierFitter().fit(durations, observed)
    t = float(np.quantile(durations, 0.5))
    s = float(kmf.survival_function_at_times(t).iloc[0])
    # Greenwood variance at t, computed independently from the event table.
    table = kmf.event_table.loc[kmf.event_table.index <= t]
    greenwood = float(
        (table["observed"] / (table["at_risk"] * (table["at_risk"] - table["observed"]))).sum()
    )
    se = s * math.sqrt(greenwood)
    lower, upper = kmf.confidence_interval_.loc[kmf.confidence_interval_.index <= t].iloc[-1]
    ours = survival_interval(s, se, method="log-log")
    assert ours.lower == pytest.approx(lower, abs=1e-9)
    assert ours.upper == pytest.approx(upper, abs=1e-9)


def test_log_log_interval_stays_inside_zero_and_one_where_the_plain_one_does_not() -> None:
    plain = survival_interval(0.05, 0.04, method="plain")
    log_log = survival_interval(0.05, 0.04, method="log-log")
    assert plain.lower == 0.0
    assert 0 < log_log.lower < 0.05 < log_log.upper < 1


def test_greenwood_without_censoring_equals_lifelines_for_10_survivors_of_39() -> None:
    from lifelines import KaplanMeierFitter

    durations = [float(i + 1) for i in range(29)] + [100.0] * 10
    observed = [1] * 29 + [0] * 10
    kmf = KaplanMeierFitter().fit(durations, observed)
    s = float(kmf.survival_function_at_times(60.0).iloc[0])
    table = kmf.event_table.loc[kmf.event_table.index <= 60.0]
    greenwood = float(
        (table["observed"] / (table["at_risk"] * (table["at_risk"] - table["observed"]))).sum()
    )
    assert s == pytest.approx(10 / 39)
    assert km_se_without_censoring(s, 39) == pytest.approx(s * math.sqrt(greenwood), rel=1e-12)


def test_log_interval_is_r_survfits_default_formula_on_the_log_survival_scale() -> None:
    """R's survfit (conf.type = "log") bounds exp(log S ± z·SE(log S)), SE(log S) = SE/S; computed
    here from a Kaplan–Meier fit's Greenwood sum, which is the variance of log S directly."""
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(11)
    durations = rng.exponential(30, size=39)
    observed = rng.random(39) < 0.8
    kmf = KaplanMeierFitter().fit(durations, observed)
    t = float(np.quantile(durations, 0.4))
    s = float(kmf.survival_function_at_times(t).iloc[0])
    table = kmf.event_table.loc[kmf.event_table.index <= t]
    var_log_s = float(
        (table["observed"] / (table["at_risk"] * (table["at_risk"] - table["observed"]))).sum()
    )
    z = sps.norm.ppf(0.975)
    ours = survival_interval(s, s * math.sqrt(var_log_s), method="log")
    assert ours.lower == pytest.approx(math.exp(math.log(s) - z * math.sqrt(var_log_s)))
    assert ours.upper == pytest.approx(min(1.0, math.exp(math.log(s) + z * math.sqrt(var_log_s))))


def test_the_reported_5_year_os_has_log_interval_15_1_to_43_4_percent() -> None:
    assert survival_interval(0.256, 0.069, method="log").as_percent() == "15.1–43.4%"
    assert survival_interval(0.256, 0.069, method="log-log").as_percent() == "13.4–39.7%"


def test_worst_case_remission_15_of_39_has_exact_and_wilson_intervals_as_shown() -> None:
    exact, score = clopper_pearson(15, 39), wilson(15, 39)
    assert (exact.as_percent(), score.as_percent()) == ("23.4–55.4%", "24.9–54.1%")
    low, high = sps.binomtest(15, 39).proportion_ci(method="exact")
    assert (exact.lower, exact.upper) == (pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize(("k", "n"), [(-1, 5), (6, 5), (0, 0)])
def test_impossible_counts_are_refused(k: int, n: int) -> None:
    with pytest.raises(ValueError, match="successes"):
        clopper_pearson(k, n)


# --- how often a survival interval covers the truth, with no censoring --------------------


def _coverage_by_simulation(p: float, n: int, method: str, draws: int, seed: int) -> float:
    """Monte Carlo reference: draw the number alive, build the interval, count the hits.
    Formulas written out here, independently of the module under test."""
    z = NormalDist().inv_cdf(0.975)
    alive = np.random.default_rng(seed).binomial(n, p, size=draws)
    s = alive / n
    inside = (alive > 0) & (alive < n)
    s_in = s[inside]
    se = np.sqrt(s_in * (1 - s_in) / n)
    if method == "plain":
        lo, hi = np.clip(s_in - z * se, 0, 1), np.clip(s_in + z * se, 0, 1)
    elif method == "log":
        lo, hi = s_in * np.exp(-z * se / s_in), np.minimum(1, s_in * np.exp(z * se / s_in))
    else:
        spread = z * se / (s_in * np.abs(np.log(s_in)))
        lo = np.exp(-np.exp(np.log(-np.log(s_in)) + spread))
        hi = np.exp(-np.exp(np.log(-np.log(s_in)) - spread))
    return float(np.sum((lo <= p) & (p <= hi)) / draws)


@pytest.mark.parametrize("method", ["plain", "log", "log-log"])
@pytest.mark.parametrize("p", [0.134, 0.256, 0.397])
def test_exact_coverage_without_censoring_matches_a_simulation(method: str, p: float) -> None:
    from analysis.stats.coverage import survival_interval_coverage

    exact = survival_interval_coverage(p, 39, method=method)  # type: ignore[arg-type]
    draws = 200_000
    simulated = _coverage_by_simulation(p, 39, method, draws, seed=20090701)
    assert abs(exact - simulated) < 4 * math.sqrt(exact * (1 - exact) / draws)


def test_an_interval_from_one_patient_never_covers_a_survival_strictly_between_0_and_1() -> None:
    from analysis.stats.coverage import survival_interval_coverage

    assert survival_interval_coverage(0.5, 1, method="log-log") == 0


def test_the_plain_interval_undercovers_at_39_patients_where_the_transformed_ones_do_not() -> None:
    from analysis.stats.coverage import lowest_coverage

    lowest = {m: lowest_coverage(39, 0.134, 0.397, method=m) for m in ("plain", "log", "log-log")}
    assert lowest["plain"] < 0.90 < min(lowest["log"], lowest["log-log"])
    # The lowest is the lowest: no true value in the range does worse.
    from analysis.stats.coverage import survival_interval_coverage

    for p in np.linspace(0.134, 0.397, 37):
        assert survival_interval_coverage(p, 39, method="plain") >= lowest["plain"] - 1e-12


def test_coverage_refuses_a_range_outside_0_1_naming_it() -> None:
    from analysis.stats.coverage import lowest_coverage

    with pytest.raises(ValueError, match=r"0 < low <= high < 1.*low=0\.5, high=1\.2"):
        lowest_coverage(39, 0.5, 1.2, method="plain")


# Every (k, n) up to 60, some large n, and the levels the site uses or might.
_COUNTS = [(k, n) for n in range(1, 61) for k in range(n + 1)]
_COUNTS += [(k, n) for n in (391, 1000, 493_305) for k in (0, 1, 2, n // 3, n // 2, n - 1, n)]


@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.1, 0.32])
def test_the_intervals_from_scipy_special_are_scipy_stats_own_to_the_last_bit(alpha: float) -> None:
    """Clopper–Pearson from betaincinv and Wilson from its formula (both scipy.special, quick
    to import) are the very floats scipy.stats gives (beta.ppf; binomtest's proportion_ci)."""
    from scipy.stats import beta, binomtest

    from analysis.stats.intervals import clopper_pearson, wilson

    for k, n in _COUNTS:
        exact = clopper_pearson(k, n, alpha=alpha)
        assert exact.lower == (0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1)))
        assert exact.upper == (1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k)))
        score = wilson(k, n, alpha=alpha)
        ci = binomtest(k, n).proportion_ci(confidence_level=1 - alpha, method="wilson")
        assert (score.lower, score.upper) == (float(ci.low), float(ci.high)), (k, n)


def test_the_binomial_density_is_scipy_stats_own_to_the_last_bit() -> None:
    from scipy.stats import binom

    from analysis.stats.coverage import binomial_pmf

    for n in (1, 2, 39, 62, 391, 3700):
        k = np.arange(n + 1)
        for p in (0.001, 0.1, 0.256, 0.5, 0.9, 0.999):
            assert np.array_equal(binomial_pmf(k, n, p), binom.pmf(k, n, p)), (n, p)
    truths = np.linspace(0.2, 0.3, 11)
    grid = np.arange(40)[None, :]
    assert np.array_equal(
        binomial_pmf(grid, 39, truths[:, None]), binom.pmf(grid, 39, truths[:, None])
    )


def test_computing_an_interval_imports_no_scipy_stats() -> None:
    script = (
        "import sys\n"
        "from analysis.stats.intervals import clopper_pearson, wilson\n"
        "from analysis.stats.coverage import lowest_coverage\n"
        "clopper_pearson(15, 37); wilson(15, 37); lowest_coverage(39, 0.2, 0.3, points=5)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
