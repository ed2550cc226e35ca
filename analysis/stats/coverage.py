"""How often a survival interval covers the true survival, computed exactly when nobody is
censored before the time point (the Kaplan–Meier estimate is then a binomial proportion)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from .intervals import km_se_without_censoring, survival_interval

__all__ = ["binomial_pmf", "lowest_coverage", "survival_interval_coverage"]

Method = Literal["log-log", "log", "plain"]


def binomial_pmf(k: np.ndarray, n: int, p: np.ndarray | float) -> np.ndarray:
    """The binomial probabilities of ``k`` of ``n`` at ``p``: Boost's binomial density, which
    ``scipy.stats.binom.pmf`` calls, taken from scipy.special (its private ufunc: scipy.stats
    takes about a second to import). A test checks it equals ``binom.pmf`` exactly; if a scipy
    release renames it, the import fails, never a number."""
    from scipy.special._ufuncs import _binom_pmf

    return np.asarray(_binom_pmf(k, n, p), dtype=float)


def _limits(n: int, method: Method, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """The interval each possible number alive (0…n) gives, from its Greenwood SE."""
    lower, upper = np.empty(n + 1), np.empty(n + 1)
    for alive in range(n + 1):
        estimate = alive / n
        if alive in (0, n):  # SE 0: the interval shrinks to the estimate itself
            lower[alive] = upper[alive] = estimate
            continue
        se = km_se_without_censoring(estimate, n)
        interval = survival_interval(estimate, se, alpha=alpha, method=method)
        lower[alive], upper[alive] = interval.lower, interval.upper
    return lower, upper


def survival_interval_coverage(
    true_survival: float, n: int, *, method: Method = "log-log", alpha: float = 0.05
) -> float:
    """Probability that the interval from ``n`` uncensored patients contains ``true_survival``.

    With no censoring before the time point, the number alive is binomial(n, S), the
    Kaplan–Meier estimate is that number over n, and Greenwood's SE is √(Ŝ(1−Ŝ)/n); the coverage
    is the binomial probability of the counts whose interval contains S, summed exactly.

    Parameters
    ----------
    true_survival
        The true survival probability S at the time point (0 < S < 1).
    n
        Patients at risk at time 0, none censored before the time point.
    method, alpha
        As for :func:`~analysis.stats.intervals.survival_interval`.
    """
    if not 0 < true_survival < 1 or n <= 0:
        msg = f"need 0 < true_survival < 1 and n > 0; found true_survival={true_survival}, n={n}"
        raise ValueError(msg)
    lower, upper = _limits(n, method, alpha)
    covers = (lower <= true_survival) & (true_survival <= upper)
    return float(binomial_pmf(np.arange(n + 1), n, true_survival)[covers].sum())


def lowest_coverage(
    n: int,
    low: float,
    high: float,
    *,
    method: Method = "log-log",
    alpha: float = 0.05,
    points: int = 2001,
) -> float:
    """The lowest exact coverage (see :func:`survival_interval_coverage`) for any true survival
    on an even grid of ``points`` values from ``low`` to ``high``, both included."""
    if not 0 < low <= high < 1:
        msg = f"need 0 < low <= high < 1; found low={low}, high={high}"
        raise ValueError(msg)
    lower, upper = _limits(n, method, alpha)
    truths = np.linspace(low, high, points)
    pmf = binomial_pmf(np.arange(n + 1)[None, :], n, truths[:, None])
    covers = (lower[None, :] <= truths[:, None]) & (truths[:, None] <= upper[None, :])
    return float((pmf * covers).sum(axis=1).min())
