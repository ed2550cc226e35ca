"""The vectorised survival statistics agree with lifelines on many random cohorts."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test

from analysis.stats.survival import cox_binary, km_at, logrank, median_follow_up

TOL = 1e-9


@st.composite
def cohorts(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Several cohorts of equal size, with tied times, censoring and three groups."""
    m = draw(st.integers(1, 4))
    n = draw(st.integers(2, 30))
    coarse = draw(st.booleans())  # coarse times make many ties
    elems = (
        st.integers(1, 12).map(float)
        if coarse
        else st.floats(0.01, 100, allow_nan=False, allow_infinity=False)
    )
    t = np.array(draw(st.lists(elems, min_size=m * n, max_size=m * n))).reshape(m, n)
    e = np.array(draw(st.lists(st.integers(0, 1), min_size=m * n, max_size=m * n))).reshape(m, n)
    g = np.array(draw(st.lists(st.integers(0, 2), min_size=m * n, max_size=m * n))).reshape(m, n)
    return t, e, g


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cohorts())
def test_kaplan_meier_and_greenwood_match_lifelines(data) -> None:
    t, e, _ = data
    times = np.unique(np.concatenate([t.ravel(), [0.0, t.max() + 1]]))
    s, var = km_at(t, e, times)
    for i in range(t.shape[0]):
        kmf = KaplanMeierFitter().fit(t[i], e[i])
        ref = kmf.survival_function_at_times(times).to_numpy()
        np.testing.assert_allclose(s[i], ref, rtol=0, atol=TOL)
        sq = kmf._cumulative_sq_.reindex(times, method="ffill").fillna(0).to_numpy()
        ref_var = ref**2 * sq
        np.testing.assert_allclose(var[i], ref_var, rtol=0, atol=TOL)


@SETTINGS
@given(cohorts())
def test_logrank_matches_lifelines(data) -> None:
    t, e, g = data
    result = logrank(t, e, g)
    for i in range(t.shape[0]):
        a, b = g[i] == 1, g[i] == 0
        if not a.any() or not b.any():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lifelines warns on degenerate groups
            ref = logrank_test(t[i][a], t[i][b], e[i][a], e[i][b])
        assert abs(result.test_statistic[i] - ref.test_statistic) < TOL
        assert abs(result.p_value[i] - ref.p_value) < TOL


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_cox_hazard_ratio_matches_lifelines_efron(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    g = rng.integers(0, 3, n)
    g[:2] = [0, 1]
    t = np.round(rng.exponential(np.where(g == 1, 5, 10)), 0) + 1  # ties on purpose
    e = (rng.random(n) < 0.8).astype(int)
    e[:2] = 1
    fit = cox_binary(t, e, g)
    keep = g != 2
    frame = pd.DataFrame({"t": t[keep], "e": e[keep], "x": (g[keep] == 1).astype(float)})
    ref = CoxPHFitter().fit(frame, "t", "e", fit_options={"precision": 1e-13})
    assert fit.converged[0]
    assert abs(fit.log_hr[0] - ref.params_["x"]) < 1e-5  # lifelines stops at its own tolerance
    assert abs(fit.se[0] - ref.standard_errors_["x"]) < 1e-5  # lifelines stops at its own tolerance


def test_rows_are_independent_of_each_other() -> None:
    rng = np.random.default_rng(3)
    t, e, g = rng.exponential(10, (5, 20)), rng.integers(0, 2, (5, 20)), rng.integers(0, 2, (5, 20))
    together = logrank(t, e, g).p_value
    alone = np.array([logrank(t[i], e[i], g[i]).p_value[0] for i in range(5)])
    np.testing.assert_array_equal(together, alone)


def test_median_follow_up_uses_only_patients_alive_at_last_contact() -> None:
    t = np.array([[1.0, 2.0, 60.0, 70.0, 80.0]])
    e = np.array([[1, 1, 0, 0, 0]])
    assert median_follow_up(t, e)[0] == 70.0
