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

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["MAX_NODES", "LossSearch", "allowed_range", "death_count_bounds", "loss_search"]

Variance = Literal["greenwood", "peto"]

# Partial orders one search may visit (the shipped study's searches visit at most about 13,300).
# Past it the search stops and says it is incomplete; it then proves nothing, so the curve is
# not taken as fixed by the deaths (the bounds of a curve that cannot rise hold either way).
MAX_NODES = 100_000


class _Stopped(Exception):
    """The search reached its budget of partial orders."""


@dataclass(frozen=True)
class LossSearch:
    """Every order of deaths and losses before the horizon whose Kaplan–Meier estimate and
    standard error read as the published ones (see :func:`loss_search`).

    An order is given by its *death set*: the number at risk just before each death, largest
    first. Every number at risk between the first and the last death that is not in the set is
    a loss before a death; losses after the last death leave the estimate and Greenwood's error
    unchanged (Peto's error counts them: they lower the number at risk at the horizon).
    """

    patients: int
    variance: Variance
    percent: tuple[float, float]
    se: tuple[float, float]
    matches: tuple[tuple[int, ...], ...]
    """Death sets that read as the published estimate and error (with suitable later losses)."""
    min_se_with_loss: float
    """Lowest standard error (%) of any order with a loss before a death whose estimate reads as
    the published one; ``inf`` if no such order exists."""
    min_se_order: tuple[int, ...]
    nodes: int
    """Partial orders the search visited (the rest were ruled out by a bound)."""
    complete: bool = True
    """Whether every order was looked at; if not (the budget ``max_nodes`` was reached),
    ``matches`` holds those found so far and ``min_se_with_loss`` the lowest found so far."""

    def losses_before_a_death(self, deaths: tuple[int, ...]) -> int:
        return self.patients - min(deaths) + 1 - len(deaths) if deaths else 0

    @property
    def only_without_losses(self) -> bool:
        """Whether the search was complete, some order matches and every matching order has no
        loss before a death (an incomplete search proves nothing)."""
        return (
            self.complete
            and bool(self.matches)
            and all(self.losses_before_a_death(m) == 0 for m in self.matches)
        )


def loss_search(
    patients: int,
    percent: tuple[float, float],
    se: tuple[float, float],
    *,
    variance: Variance = "greenwood",
    max_nodes: int = MAX_NODES,
) -> LossSearch:
    """Search every order of deaths and losses to follow-up before the horizon, with any number
    of losses, for those whose Kaplan–Meier estimate lies in ``percent`` and whose standard
    error lies in ``se`` (both ``[low, high)`` in %).

    Every patient enters at time 0. Ties need no case of their own: tied deaths give the same
    estimate and Greenwood error as the same deaths one after another, and a loss tied with a
    death counts as at risk at it, as a loss just after it does. ``variance`` is Greenwood's
    formula or Peto's, ``S²(1 − S)/r`` with ``r`` the number still at risk at the horizon.

    The search is exhaustive: a branch is left only when a bound proves that no completion of it
    can match or have a lower error than the lowest found so far with a loss before a death.
    For Greenwood's error the bound is the least variance any further deaths can add to bring
    the estimate into ``percent``: a death with ``r`` at risk multiplies the estimate by
    ``1 − 1/r`` and adds ``1/(r(r − 1))``; per unit of log-estimate, large ``r`` adds least, and
    taking every number below the last death in turn gives at least ``(S/high − 1)/r`` more.
    For Peto's error it is the most patients that can still be at risk at the horizon.
    ``tests/test_allowed.py`` checks the search against brute force on small cohorts.

    The number of matching orders grows exponentially with the patients when the published
    error is near its floor (a large study's), so the search stops after ``max_nodes`` partial
    orders and says so (``complete`` false); it is then no proof.
    """
    low, high = percent[0] / 100, percent[1] / 100
    se_low, se_high = se[0] / 100, se[1] / 100
    matches: list[tuple[int, ...]] = []
    best_se: float = math.inf  # the lowest standard error of an order with a loss, and that order
    best_order: tuple[int, ...] = ()
    nodes = 0
    deaths: list[int] = []

    def bound(r: int, s: float, g: float) -> float:
        """Lowest error of any completion of a partial order whose last death had ``r`` at
        risk, estimate ``s`` and Greenwood sum ``g``."""
        if s >= high and s / max(r - 1, 1) >= high:
            return math.inf  # even every number left cannot bring the estimate down enough
        if variance == "greenwood":
            more = max(s / high - 1, 0.0) / (r - 1) if r > 1 else 0.0
            return low * math.sqrt(g + more)
        # At risk at the horizon: below the last death, and (if more deaths are needed) below
        # the number at which the estimate can first fall under ``high``.
        most = r - 1 if s < high else min(r - 2, math.ceil(high * (r - 1) / s) - 1)
        return low * math.sqrt((1 - high) / most) if most >= 1 else math.inf

    def error(s: float, g: float, at_risk: int) -> float:
        if variance == "greenwood":
            return s * math.sqrt(g)
        return s * math.sqrt((1 - s) / at_risk) if at_risk >= 1 else math.inf

    def enter(r: int, s: float, g: float, gap: bool) -> list[Any]:
        """Visit a partial order (its last death had ``r`` at risk); its frame, to go on from."""
        nonlocal nodes, best_se, best_order
        nodes += 1
        if nodes > max_nodes:
            raise _Stopped
        if low <= s < high:
            # Later losses may leave 1 … r − 1 at risk at the horizon (Peto's error depends on it).
            lowest = error(s, g, r - 1)
            if variance == "greenwood":
                fits = se_low <= lowest < se_high
            else:
                fits = any(se_low <= error(s, g, k) < se_high for k in range(1, r))
            if fits:
                matches.append(tuple(deaths))
            if gap and lowest < best_se:
                best_se, best_order = lowest, tuple(deaths)
        # The frame: r, s, g, gap, the cap as on entry, and the next death to try (with ``nxt``
        # at risk, from r − 1 down). A stack of frames rather than recursion: a large study's
        # orders hold more deaths than Python's recursion limit allows.
        return [r, s, g, gap, max(se_high, best_se), r - 1]

    complete = True
    try:
        stack = [enter(patients + 1, 1.0, 0.0, False)]
        while stack:
            frame = stack[-1]
            r, s, g, gap, cap, nxt = frame
            s2 = s * (1 - 1 / nxt) if nxt > 1 else 0.0
            # Done with this frame when no death is left to try, when the estimate falls below
            # the window (it falls further with fewer at risk), or when the bound reaches the
            # cap (it only rises as ``nxt`` falls).
            if nxt <= 1 or s2 < low or bound(nxt, s2, g2 := g + 1 / (nxt * (nxt - 1))) >= cap:
                stack.pop()
                if stack:
                    deaths.pop()
                continue
            frame[5] = nxt - 1
            deaths.append(nxt)
            stack.append(enter(nxt, s2, g2, gap or nxt < r - 1))
    except _Stopped:
        complete, nodes = False, max_nodes
    return LossSearch(
        patients=patients,
        variance=variance,
        percent=percent,
        se=se,
        matches=tuple(matches),
        min_se_with_loss=100 * best_se,
        min_se_order=tuple(best_order),
        nodes=nodes,
        complete=complete,
    )


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
