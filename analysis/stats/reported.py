"""Arithmetic on printed figures: the standard error a printed confidence limit implies under
each survival transform, the Wald P value a ratio's interval implies, and the half-unit a
number printed with a given number of decimals may have been rounded by."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Literal

from .intervals import z_value

__all__ = ["TRANSFORMS", "Side", "Transform", "half_unit", "se_from_limit", "wald_p_from_ci"]

Transform = Literal["plain", "log", "log-log"]
Side = Literal["lower", "upper"]
TRANSFORMS: tuple[Transform, ...] = ("plain", "log", "log-log")


def half_unit(decimals: int) -> float:
    """Half a unit in the last printed place: 43.2 may stand for anything in 43.2 ± 0.05."""
    return 0.5 * 10.0 ** (-decimals)


def se_from_limit(
    estimate: float, limit: float, *, side: Side, method: Transform, alpha: float = 0.05
) -> float:
    """Standard error (probability scale) of a survival ``estimate`` whose interval under
    ``method`` has ``limit`` as its ``side`` end: the inverse of
    :func:`analysis.stats.intervals.survival_interval` for one end.

    All of ``estimate`` and ``limit`` lie in (0, 1); a limit on the wrong side gives a negative
    SE, which callers read as "this method cannot give that limit"."""
    if not 0 < estimate < 1 or not 0 < limit < 1:
        msg = f"need 0 < estimate, limit < 1; found estimate={estimate}, limit={limit}"
        raise ValueError(msg)
    z = z_value(alpha)
    sign = 1.0 if side == "upper" else -1.0
    if method == "plain":
        return sign * (limit - estimate) / z
    if method == "log":
        return sign * estimate * math.log(limit / estimate) / z
    if method == "log-log":
        log_s = math.log(estimate)
        scale = estimate * abs(log_s) / z
        return sign * (math.log(-log_s) - math.log(-math.log(limit))) * scale
    msg = f"method must be one of {', '.join(TRANSFORMS)}; found {method!r}"
    raise ValueError(msg)


def wald_p_from_ci(estimate: float, lower: float, upper: float, *, alpha: float = 0.05) -> float:
    """Two-sided Wald P for a ratio (hazard, odds) from its estimate and its (1 − alpha)
    interval, taking the interval to be symmetric on the log scale:
    SE = (ln upper − ln lower) / (2z), P = 2·(1 − Φ(|ln estimate| / SE))."""
    if not 0 < lower < upper or estimate <= 0:
        msg = f"need 0 < lower < upper and estimate > 0; found {estimate}, {lower}, {upper}"
        raise ValueError(msg)
    se = (math.log(upper) - math.log(lower)) / (2 * z_value(alpha))
    return 2 * (1 - NormalDist().cdf(abs(math.log(estimate)) / se))
