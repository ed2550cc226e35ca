"""Vectorised survival statistics over many cohorts at once (numpy only).

Every function takes arrays of shape ``(cohorts, patients)``: ``durations`` (time to death or
last follow-up), ``event_observed`` (1 = death) and, where needed, ``groups`` (1 = the group
of interest, 0 = the comparison group, any other value = left out). Rows are independent
cohorts of equal size; a patient may be left out of a row with a ``mask`` of False.

The definitions are lifelines' (``KaplanMeierFitter``, ``logrank_test``, ``CoxPHFitter`` with
Efron's tie handling); ``tests/test_survival.py`` checks agreement to 1e-9 on random cohorts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CoxResult",
    "LogrankResult",
    "RiskTable",
    "cox_binary",
    "km_at",
    "logrank",
    "median_follow_up",
    "risk_table",
]

Floats = NDArray[np.float64]


def _as_2d(values: ArrayLike, dtype: type = float) -> Floats:
    array: Floats = np.asarray(values, dtype=dtype)
    return array[None, :] if array.ndim == 1 else array


def _lag(cumulative: Floats, index: NDArray[np.intp]) -> Floats:
    """``cumulative`` summed over positions before ``index`` (0 where ``index`` is 0)."""
    padded = np.concatenate([np.zeros((cumulative.shape[0], 1)), cumulative], axis=1)
    return np.take_along_axis(padded, index, axis=1)


@dataclass(frozen=True)
class RiskTable:
    """Risk sets at each distinct time of every cohort, in time order.

    Arrays have shape ``(cohorts, patients)``; column ``j`` describes the ``j``-th smallest
    time. ``last`` marks the last column of each run of tied times: only those columns carry
    a distinct time's counts (other columns repeat the run's time with ``deaths`` = 0 etc.).
    ``at_risk`` and ``deaths`` have an extra leading axis, one entry per group passed in.
    """

    times: Floats
    last: NDArray[np.bool_]
    at_risk: Floats
    deaths: Floats


def risk_table(
    durations: ArrayLike, event_observed: ArrayLike, weights: ArrayLike | None = None
) -> RiskTable:
    """Numbers at risk and deaths at each distinct time, per cohort and per group.

    Parameters
    ----------
    durations, event_observed
        Arrays of shape ``(cohorts, patients)`` (or one cohort as a 1-D array).
    weights
        Shape ``(groups, cohorts, patients)`` of 0/1 memberships; default: one group, everyone.
    """
    t = _as_2d(durations)
    e = _as_2d(event_observed)
    w = np.ones((1, *t.shape)) if weights is None else np.asarray(weights, dtype=float)
    if w.ndim == 2:
        w = w[None]
    order = np.argsort(t, axis=1, kind="stable")
    ts = np.take_along_axis(t, order, axis=1)
    es = np.take_along_axis(e, order, axis=1)
    ws = np.take_along_axis(w, np.broadcast_to(order, w.shape), axis=2)
    n = ts.shape[1]
    change = ts[:, 1:] != ts[:, :-1]
    first = np.concatenate([np.ones((ts.shape[0], 1), bool), change], axis=1)
    last = np.concatenate([change, np.ones((ts.shape[0], 1), bool)], axis=1)
    first_index = np.maximum.accumulate(np.where(first, np.arange(n), 0), axis=1)
    at_risk = np.empty_like(ws)
    deaths = np.empty_like(ws)
    for g in range(ws.shape[0]):
        cw = np.cumsum(ws[g], axis=1)
        cd = np.cumsum(ws[g] * es, axis=1)
        before = _lag(cw, first_index)
        at_risk[g] = cw[:, -1:] - before
        deaths[g] = np.where(last, cd - _lag(cd, first_index), 0.0)
    return RiskTable(times=ts, last=last, at_risk=at_risk, deaths=deaths)


def _km_steps(table: RiskTable) -> tuple[Floats, Floats]:
    """Survival and Greenwood's sum after each column (valid at ``last`` columns)."""
    n, d = table.at_risk[0], table.deaths[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(table.last & (n > 0), 1.0 - d / n, 1.0)
        term = np.where(table.last & (n > d), d / (n * (n - d)), 0.0)
    return np.cumprod(factor, axis=1, dtype=np.float64), np.cumsum(term, axis=1, dtype=np.float64)


def km_at(
    durations: ArrayLike,
    event_observed: ArrayLike,
    times: ArrayLike,
    *,
    mask: ArrayLike | None = None,
) -> tuple[Floats, Floats]:
    """Kaplan–Meier survival and its Greenwood variance at ``times``, for every cohort.

    Returns
    -------
    survival, variance
        Arrays of shape ``(cohorts, len(times))``. The variance is of the survival
        probability (Greenwood: ``S² Σ d / (n (n − d))``), as lifelines'
        ``_additive_var`` (steps where everyone at risk dies add nothing).
    """
    weights = None if mask is None else _as_2d(mask, float)[None]
    table = risk_table(durations, event_observed, weights)
    survival, greenwood = _km_steps(table)
    query = np.atleast_1d(np.asarray(times, dtype=float))
    # Columns with a time <= t: the count lands on the last column of a tied run.
    count = (table.times[:, :, None] <= query[None, None, :]).sum(axis=1)
    s = _lag(survival, count)
    s = np.where(count == 0, 1.0, s)
    v = _lag(greenwood, count)
    return s, s**2 * v


@dataclass(frozen=True)
class LogrankResult:
    """Two-group log-rank test per cohort: observed and expected deaths in group 1."""

    observed: Floats
    expected: Floats
    variance: Floats
    test_statistic: Floats
    p_value: Floats


def logrank(durations: ArrayLike, event_observed: ArrayLike, groups: ArrayLike) -> LogrankResult:
    """Log-rank test of group 1 against group 0 in every cohort (others left out).

    Same statistic as ``lifelines.statistics.logrank_test`` (hypergeometric variance).
    """
    from scipy.special import chdtrc

    g = _as_2d(groups, float)
    table = risk_table(durations, event_observed, np.stack([g == 0, g == 1]).astype(float))
    n0, n1 = table.at_risk
    d0, d1 = table.deaths
    n, d = n0 + n1, d0 + d1
    use = table.last & (d > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(use, n1 / n, 0.0)
        spread = np.where(use & (n > 1), (n - d) / (n - 1), 1.0)
    expected = np.sum(np.where(use, d * share, 0.0), axis=1)
    variance = np.sum(np.where(use, d * share * (1 - share) * spread, 0.0), axis=1)
    observed = d1.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(variance > 0, (observed - expected) ** 2 / variance, 0.0)
    return LogrankResult(observed, expected, variance, stat, chdtrc(1, stat))


@dataclass(frozen=True)
class CoxResult:
    """Cox model with one binary covariate, per cohort: log hazard ratio, its SE and Wald P."""

    log_hr: Floats
    se: Floats
    p_value: Floats
    converged: NDArray[np.bool_]

    @property
    def hazard_ratio(self) -> Floats:
        return np.exp(self.log_hr)


def cox_binary(
    durations: ArrayLike,
    event_observed: ArrayLike,
    groups: ArrayLike,
    *,
    max_steps: int = 50,
    tolerance: float = 1e-10,
) -> CoxResult:
    """Cox proportional-hazards fit of group 1 vs 0 (others left out), Efron's ties, Newton.

    For a 0/1 covariate the partial likelihood depends only on the risk-set counts, so every
    cohort is fitted at once. Agrees with ``lifelines.CoxPHFitter`` (default Efron ties).
    """
    from scipy.special import erfc

    g = _as_2d(groups, float)
    table = risk_table(durations, event_observed, np.stack([g == 0, g == 1]).astype(float))
    n0, n1 = table.at_risk
    d0, d1 = table.deaths
    d = d0 + d1
    use = table.last & (d > 0)
    max_ties = int(d.max()) if d.size else 0
    beta = np.zeros(n0.shape[0])
    converged = np.zeros_like(beta, dtype=bool)
    info = np.ones_like(beta)
    for _ in range(max_steps):
        r = np.exp(beta)[:, None]
        s0, s1 = n0 + n1 * r, n1 * r
        t0, t1 = d0 + d1 * r, d1 * r
        score = np.where(use, d1, 0.0).sum(axis=1)
        info = np.zeros_like(beta)
        for tie in range(max_ties):
            active = use & (tie < d)
            frac = np.where(active, tie / np.where(d > 0, d, 1), 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(active, (s1 - frac * t1) / (s0 - frac * t0), 0.0)
            score -= mean.sum(axis=1)
            info += (mean - mean**2).sum(axis=1)
        step = np.where(info > 0, score / np.where(info > 0, info, 1), 0.0)
        step = np.clip(step, -2.0, 2.0)
        beta = np.where(converged, beta, beta + step)
        converged |= np.abs(step) < tolerance
        if converged.all():
            break
    se = 1 / np.sqrt(info)
    p = erfc(np.abs(beta / se) / np.sqrt(2))
    return CoxResult(beta, se, p, converged)


def median_follow_up(durations: ArrayLike, event_observed: ArrayLike) -> Floats:
    """Median follow-up per cohort: the median time of the patients alive at last contact.

    (Among survivors of a cohort whose deaths all precede the last censoring, this equals the
    reverse Kaplan–Meier median up to how a median of an even count is taken.) NaN for a
    cohort with no one censored.
    """
    t = _as_2d(durations)
    e = _as_2d(event_observed)
    censored = np.where(e == 0, t, np.nan)
    out = np.full(t.shape[0], np.nan)
    has = ~np.all(np.isnan(censored), axis=1)
    out[has] = np.nanmedian(censored[has], axis=1)
    return out
