"""What the published numbers allow: the lowest and highest overall survival at each month of
any cohort that meets every published number and every clinical rule, exactly, by construction.

The argument, in three steps (each checked by ``tests/test_allowed.py``), and the conditions it
rests on:

1. **No loss before a death up to 5 years.** :func:`loss_search` looks at every order of deaths
   and losses to follow-up before 5 years, with any number of losses, and keeps those whose
   Kaplan–Meier estimate and standard error read as the published 25.6% ± 6.9%. For 39
   patients the only order left has no loss before the last death, so up to 5 years the curve
   is ``(patients − deaths so far) / patients``: survival at month *t* is fixed by one integer,
   the number of deaths by *t*. This holds only if the ± is a Greenwood (or Peto) standard
   error that was truncated to one decimal (rounded, no order at all gives 25.6% ± 6.9%), and
   only if all 39 patients enter at time 0, the start of second-line treatment (with 37 or 38
   at time 0, no order gives it either).
2. **That integer is bounded by counts alone.** 29 of 39 die by 5 years. Under this site's
   landmark rule a death before the landmark makes a patient not evaluable for remission, and
   only 39 − 37 = 2 were not evaluable, so at most 2 die by the landmark (none, if the 2 are
   the transplants of unknown status); after it, all 29 may already have died; and nothing
   forces any death before 5 years.
3. **The other numbers do not tighten it.** The first-remission median and range and the
   first events say nothing about time after relapse; the transplants (23, all after the
   landmark) fit among the patients alive at it whatever the death times; the median
   follow-up, read by this site as that of the survivors, concerns survivors only. The
   published P is multivariate and not a constraint.

So the lowest survival is 37/39 up to the landmark and 10/39 after it; the highest is 39/39 up
to just before 5 years. Every value in between is reached by some cohort (deaths can be moved
one at a time). After 5 years the abstract is silent and no range is given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats.loss_search import MAX_NODES, LossSearch, loss_search

__all__ = ["MAX_NODES", "LossSearch", "allowed_range", "death_count_bounds", "loss_search"]


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


def allowed_range(
    grid: np.ndarray,
    *,
    patients: int,
    survivors: int,
    not_evaluable: int,
    landmark: float,
    horizon: float,
    fixed: bool = True,
    reported: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Lowest and highest overall survival allowed at each month of ``grid`` up to ``horizon``.

    With ``fixed`` (no loss before a death up to the horizon, proven by :func:`loss_search`)
    the curve is the share not yet dead and the bounds are those of the death counts. Without
    it the bounds still hold as bounds on a curve that cannot rise: at any month before the
    horizon survival lies between the reported value at the horizon (``reported``, the
    ``[low, high)`` proportions that read as the published one) and the landmark bound (a
    death or a loss before the landmark leaves a patient not evaluated, so at most
    ``not_evaluable`` leave the risk set by then, and the estimate cannot fall below
    ``(patients − not_evaluable) / patients``); the death counts are then not fixed and are
    left empty (NaN).

    Returns
    -------
    pandas.DataFrame
        ``months``, ``lowest``, ``highest`` (proportions), ``most_deaths``, ``fewest_deaths``
        (NaN unless ``fixed``).
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
    if fixed:
        return pd.DataFrame(
            {
                "months": times,
                "lowest": (patients - most) / patients,
                "highest": (patients - fewest) / patients,
                "most_deaths": most,
                "fewest_deaths": fewest,
            }
        )
    if reported is None:
        msg = "allowed_range: a range not fixed by the deaths needs the reported value"
        raise ValueError(msg)
    low, high = reported
    floor = (patients - min(not_evaluable, patients - survivors)) / patients
    lowest = np.where(times <= landmark, max(floor, low), low)
    highest = np.where(times >= horizon, high, 1.0)
    empty = np.full(len(times), np.nan)
    return pd.DataFrame(
        {
            "months": times,
            "lowest": np.where(times <= 0, 1.0, lowest),
            "highest": highest,
            "most_deaths": empty,
            "fewest_deaths": empty,
        }
    )
