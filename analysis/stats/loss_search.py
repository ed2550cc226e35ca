"""The search over every order of deaths and losses to follow-up before a survival estimate's
time (:func:`loss_search`): which orders give a Kaplan–Meier estimate and standard error that
read as the printed ones, and whether any of them has a loss before a death. If none has, the
curve up to that time is the share of patients not yet dead, fixed by one whole number.

Used by the reconstruction's study (:mod:`analysis.patient_level.allowed`) and by any study of
reported figures (:mod:`analysis.figures.allowed`). Standard library only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["MAX_NODES", "LossSearch", "Variance", "loss_search"]

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
