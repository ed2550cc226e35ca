"""Confidence intervals for proportions (beta quantiles, the Wilson score interval) and survival
estimates, from scipy.special: scipy.stats gives the same limits but takes about a second to
import, which a build that recomputes only the study's own domain would pay for nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

__all__ = [
    "Interval",
    "clopper_pearson",
    "km_se_without_censoring",
    "survival_interval",
    "wilson",
    "z_value",
]


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval on the probability scale (0-1)."""

    estimate: float
    lower: float
    upper: float
    method: str
    level: float = 0.95

    def as_percent(self, decimals: int = 1) -> str:
        return f"{100 * self.lower:.{decimals}f}–{100 * self.upper:.{decimals}f}%"


def z_value(alpha: float = 0.05) -> float:
    """Two-sided standard normal quantile, e.g. 1.959964 for alpha = 0.05."""
    _check_alpha(alpha)
    return NormalDist().inv_cdf(1 - alpha / 2)


def _check_counts(successes: int, trials: int) -> None:
    if trials <= 0 or not 0 <= successes <= trials:
        msg = f"need 0 <= successes <= trials and trials > 0; found {successes}/{trials}"
        raise ValueError(msg)


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        msg = f"alpha must lie strictly between 0 and 1; found {alpha}"
        raise ValueError(msg)


def _wilson_limits(successes: int, trials: int, alpha: float) -> tuple[float, float]:
    """The Wilson score limits, computed as scipy's ``binomtest(k, n).proportion_ci(
    method="wilson")`` computes them (scipy.stats._binomtest, Newcombe 1998), with the same
    operations in the same order, so the floats are the same (a test compares them); from
    scipy.special alone, which imports in a fraction of scipy.stats's second."""
    from scipy.special import ndtri

    _check_counts(successes, trials)
    _check_alpha(alpha)
    k, n = successes, trials
    confidence_level = 1 - alpha
    p = k / n
    z = float(ndtri(0.5 + 0.5 * confidence_level))
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    q = 1 - p
    delta = z / denom * math.sqrt(4 * n * p * q + z**2)
    lower = 0.0 if k == 0 else center - delta
    upper = 1.0 if k == n else center + delta
    return lower, upper


def clopper_pearson(successes: int, trials: int, *, alpha: float = 0.05) -> Interval:
    """Exact (Clopper–Pearson) interval for a binomial proportion.

    The limits are the p at which the binomial tails equal alpha/2:
    P(X ≥ k | p_lower) = alpha/2 and P(X ≤ k | p_upper) = alpha/2. Those p are beta
    quantiles, Beta(k, n − k + 1) at alpha/2 and Beta(k + 1, n − k) at 1 − alpha/2 (0 and 1 at
    the edges), taken from scipy's inverse regularised incomplete beta function directly
    (``scipy.special.betaincinv``, what ``scipy.stats.beta.ppf`` gives: a test compares them):
    ``binomtest(k, n).proportion_ci`` finds the same limits by a root search whose tolerance
    leaves the tail off by 1e-6 (relative) at large denominators, e.g. k = 2 of n = 493,305.

    Parameters
    ----------
    successes, trials
        The count with the outcome and the count it is taken among (0 ≤ successes ≤ trials).
    alpha
        One minus the confidence level.

    Returns
    -------
    Interval
        Estimate ``successes / trials`` with its limits on the 0–1 scale.
    """
    from scipy.special import betaincinv

    _check_counts(successes, trials)
    _check_alpha(alpha)
    k, n = successes, trials
    lower = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, alpha / 2))
    upper = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1 - alpha / 2))
    return Interval(k / n, lower, upper, "Clopper–Pearson (exact)", 1 - alpha)


def wilson(successes: int, trials: int, *, alpha: float = 0.05) -> Interval:
    """Wilson score interval (no continuity correction) for a binomial proportion.

    The limits scipy's ``binomtest(k, n).proportion_ci(method="wilson")`` gives.

    Parameters
    ----------
    successes, trials
        The count with the outcome and the count it is taken among (0 ≤ successes ≤ trials).
    alpha
        One minus the confidence level.

    Returns
    -------
    Interval
        Estimate ``successes / trials`` with its limits on the 0–1 scale.
    """
    lower, upper = _wilson_limits(successes, trials, alpha)
    return Interval(successes / trials, lower, upper, "Wilson score", 1 - alpha)


def survival_interval(
    estimate: float,
    se: float,
    *,
    alpha: float = 0.05,
    method: Literal["log-log", "log", "plain"] = "log-log",
) -> Interval:
    """Pointwise interval for a survival probability from its (Greenwood) standard error.

    ``log-log`` is the complementary log–log transform, lifelines' default (its "exponential
    Greenwood" interval) and R's ``survfit(conf.type = "log-log")``; it stays inside (0, 1).
    ``log`` is S·exp(±z·SE/S), the default of R's ``survfit`` (``conf.type = "log"``); its upper
    limit is clipped to 1. ``plain`` is estimate ± z·SE, clipped to [0, 1].
    """
    if not 0 < estimate < 1 or se <= 0:
        msg = f"need 0 < estimate < 1 and se > 0; found estimate={estimate}, se={se}"
        raise ValueError(msg)
    z = z_value(alpha)
    if method == "plain":
        lower, upper = max(0.0, estimate - z * se), min(1.0, estimate + z * se)
        return Interval(estimate, lower, upper, "plain (estimate ± z·SE)", 1 - alpha)
    if method == "log":
        spread = z * se / estimate
        lower, upper = estimate * math.exp(-spread), min(1.0, estimate * math.exp(spread))
        return Interval(estimate, lower, upper, "log", 1 - alpha)
    if method == "log-log":
        log_s = math.log(estimate)
        spread = z * se / (estimate * abs(log_s))
        lower = math.exp(-math.exp(math.log(-log_s) + spread))
        upper = math.exp(-math.exp(math.log(-log_s) - spread))
        return Interval(estimate, lower, upper, "log–log", 1 - alpha)
    msg = f"method must be 'log-log', 'log' or 'plain'; found {method!r}"
    raise ValueError(msg)


def km_se_without_censoring(survival: float, n: int) -> float:
    """Greenwood SE of a Kaplan–Meier estimate when nobody is censored: √(S(1−S)/n).

    Without censoring the Kaplan–Meier estimate is the binomial proportion of survivors and
    Greenwood's formula reduces to the binomial standard error.
    """
    if not 0 <= survival <= 1 or n <= 0:
        msg = f"need 0 <= survival <= 1 and n > 0; found survival={survival}, n={n}"
        raise ValueError(msg)
    return math.sqrt(survival * (1 - survival) / n)
