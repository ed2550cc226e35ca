"""Interval formulas agree with independent implementations (scipy, lifelines)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from analysis.stats.intervals import (
    clopper_pearson,
    km_se_without_censoring,
    survival_interval,
    wilson,
    z_value,
)

counts = st.integers(min_value=1, max_value=400).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(max_examples=200, deadline=None)
@given(counts)
def test_clopper_pearson_matches_scipy_exact_binomial_interval(kn: tuple[int, int]) -> None:
    k, n = kn
    ours = clopper_pearson(k, n)
    ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    assert ours.lower == pytest.approx(ref.low, abs=1e-10)
    assert ours.upper == pytest.approx(ref.high, abs=1e-10)


@settings(max_examples=200, deadline=None)
@given(counts)
def test_wilson_matches_scipy_score_interval(kn: tuple[int, int]) -> None:
    k, n = kn
    ours = wilson(k, n)
    ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert ours.lower == pytest.approx(ref.low, abs=1e-10)
    assert ours.upper == pytest.approx(ref.high, abs=1e-10)


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
