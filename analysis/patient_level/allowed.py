"""What the published numbers allow: the lowest and highest overall survival at each month of
any cohort that meets every published number and every clinical rule, exactly, by construction.

The argument, in three steps (each checked by ``tests/test_allowed.py``):

1. **No censoring before 5 years changes the curve.** Among all orders of deaths and
   censorings before 5 years, the only ones whose Kaplan–Meier estimate and Greenwood error
   round to the published 25.6% ± 6.9% have every censoring after the last death
   (:func:`censoring_changes_curve` enumerates them: up to 2 losses on every build, up to 4
   checked once, up to 3 in the tests). So up to 5 years the curve is
   ``(patients − deaths so far) / patients``: survival at month *t* is fixed by one integer, the
   number of deaths by *t*.
2. **That integer is bounded by counts alone.** 29 of 39 die by 5 years. A death before the
   landmark makes a patient not evaluable for remission, and only 39 − 37 = 2 were not
   evaluable, so at most 2 die by the landmark; after it, all 29 may already have died; and
   nothing forces any death before 5 years.
3. **The other numbers do not tighten it.** The first-remission median and range and the
   first events say nothing about time after relapse; the transplants (23, all after the
   landmark) fit among the 37 patients alive at it whatever the death times; the median
   follow-up concerns survivors only. The published P is multivariate and not a constraint.

So the lowest survival is 37/39 up to the landmark and 10/39 after it; the highest is 39/39 up
to just before 5 years. Every value in between is reached by some cohort (deaths can be moved
one at a time). After 5 years the abstract is silent and no range is given.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

__all__ = ["allowed_range", "censoring_changes_curve", "death_count_bounds"]


def death_count_bounds(
    times: np.ndarray,
    *,
    deaths: int,
    not_evaluable: int,
    landmark: float,
    horizon: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Fewest and most deaths by each time among cohorts meeting the counts and the rules.

    Parameters
    ----------
    times
        Months at which to bound the number of deaths so far (death times are > 0).
    deaths
        Deaths by ``horizon`` (no one dies after it in this count).
    not_evaluable
        Patients not evaluated for remission: the only ones who may die by ``landmark``.
    landmark, horizon
        The landmark and the time point of the published survival (months).

    Returns
    -------
    fewest, most
        Integer arrays shaped like ``times``.
    """
    t = np.asarray(times, dtype=float)
    most = np.where(t <= 0, 0, np.where(t <= landmark, min(not_evaluable, deaths), deaths))
    fewest = np.where(t >= horizon, deaths, 0)
    return fewest.astype(int), most.astype(int)


def censoring_changes_curve(
    patients: int,
    survivors: int,
    percent: tuple[float, float],
    se: tuple[float, float],
    *,
    max_censored: int = 2,
) -> bool:
    """Whether any order of deaths and up to ``max_censored`` censorings before the horizon
    reproduces the published survival and standard error (both as ``[low, high)`` intervals
    in %) with a censoring before a death, i.e. with a curve other than deaths over patients.
    """
    for censored in range(1, max_censored + 1):
        for deaths in range(patients - censored + 1):
            events = deaths + censored
            for where in itertools.combinations(range(events), censored):
                at_risk, surv, total = patients, 1.0, 0.0
                cut = set(where)
                for i in range(events):
                    if i not in cut:
                        surv *= 1 - 1 / at_risk
                        total += 1 / (at_risk * (at_risk - 1)) if at_risk > 1 else 0.0
                    at_risk -= 1
                s, e = 100 * surv, 100 * surv * math.sqrt(total)
                if not (percent[0] <= s < percent[1] and se[0] <= e < se[1]):
                    continue
                last_death = max(i for i in range(events) if i not in cut)
                if min(where) < last_death:
                    return True
    return False


def allowed_range(
    grid: np.ndarray,
    *,
    patients: int,
    survivors: int,
    not_evaluable: int,
    landmark: float,
    horizon: float,
) -> pd.DataFrame:
    """Lowest and highest overall survival allowed at each month of ``grid`` up to ``horizon``.

    Returns
    -------
    pandas.DataFrame
        ``months``, ``lowest``, ``highest`` (proportions), ``most_deaths``, ``fewest_deaths``.
    """
    times = np.asarray(grid, dtype=float)
    times = times[times <= horizon]
    fewest, most = death_count_bounds(
        times,
        deaths=patients - survivors,
        not_evaluable=not_evaluable,
        landmark=landmark,
        horizon=horizon,
    )
    return pd.DataFrame(
        {
            "months": times,
            "lowest": (patients - most) / patients,
            "highest": (patients - fewest) / patients,
            "most_deaths": most,
            "fewest_deaths": fewest,
        }
    )
