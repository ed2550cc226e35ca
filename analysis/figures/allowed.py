"""What the printed figures allow, for any study: the bounds a survival estimate implies at other
times (a survival curve never rises), tightened where another estimate of the same endpoint fixes
them; the SE a CI implies against the no-censoring floor, and the binomial-equivalent n. All of
it follows from the printed numbers alone, with no assumption added; patients are not
reconstructed (that needs counts of events and follow-up, which the generic model does not
hold)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..stats.intervals import km_se_without_censoring
from .checks import implied_se
from .schema import Count, FigureStudy, Survival

__all__ = [
    "NOT_RECONSTRUCTED",
    "Bounds",
    "SeAllowance",
    "bounds_at",
    "se_allowances",
    "time_bounds",
]

NOT_RECONSTRUCTED = (
    "Patients are not reconstructed: that would need the number of events and the follow-up of "
    "each arm, and the figures give neither; any cohort drawn from these numbers would be an "
    "assumption, not what the numbers allow."
)


@dataclass(frozen=True)
class Bounds:
    """The range (percent) a survival curve may take on a stretch of time, and the figures that
    fix its ends."""

    endpoint: str
    start: float | None  # None: from the time origin
    end: float | None  # None: without end
    time_unit: str
    low: float
    high: float
    figures: tuple[str, ...]


def _curve(study: FigureStudy, figure: Survival) -> list[Survival]:
    """The estimates of one curve: the figure and every survival figure with its endpoint and
    time unit, in order of time."""
    if figure.endpoint is None:
        return [figure]
    same = [
        f
        for f in study.figures
        if isinstance(f, Survival)
        and f.endpoint == figure.endpoint
        and f.time_unit == figure.time_unit
    ]
    return sorted(same, key=lambda f: f.time)


def _key(figure: Survival) -> str:
    return figure.endpoint or figure.name


def bounds_at(
    study: FigureStudy, figure: Survival, time: float
) -> tuple[float, float, tuple[str, ...]]:
    """Lowest and highest survival (percent) the printed estimates allow at ``time`` on
    ``figure``'s curve, and the figures that fix them."""
    curve = _curve(study, figure)
    before = [f for f in curve if f.time <= time]
    after = [f for f in curve if f.time >= time]
    high, high_by = (before[-1].estimate, (before[-1].name,)) if before else (100.0, ())
    low, low_by = (after[0].estimate, (after[0].name,)) if after else (0.0, ())
    return low, high, tuple(dict.fromkeys((*high_by, *low_by)))


def time_bounds(study: FigureStudy) -> list[Bounds]:
    """For each curve, the range on each stretch of time between its printed estimates."""
    out: list[Bounds] = []
    seen: set[str] = set()
    for figure in study.figures:
        if not isinstance(figure, Survival) or _key(figure) in seen:
            continue
        seen.add(_key(figure))
        curve = _curve(study, figure)
        edges: list[float | None] = [None, *(f.time for f in curve), None]
        for start, end in itertools.pairwise(edges):
            at = (start if start is not None else 0.0, end if end is not None else float("inf"))
            previous = [f for f in curve if start is not None and f.time <= at[0]]
            following = [f for f in curve if end is not None and f.time >= at[1]]
            high = previous[-1].estimate if previous else 100.0
            low = following[0].estimate if following else 0.0
            used = tuple(f.name for f in (*previous[-1:], *following[:1]))
            out.append(Bounds(_key(figure), start, end, figure.time_unit, low, high, used))
    return out


@dataclass(frozen=True)
class SeAllowance:
    """A survival estimate's SE (printed or implied by its CI) beside the smallest SE it could
    have with nobody censored, and the n a binomial proportion with that SE would have."""

    figure: str
    se: float
    how: str
    n: int | None
    n_from: str | None
    floor: float | None
    binomial_n: float


def se_allowances(study: FigureStudy) -> list[SeAllowance]:
    counts = {f.name: f for f in study.figures if isinstance(f, Count)}
    out = []
    for figure in study.figures:
        if not isinstance(figure, Survival) or not 0 < figure.estimate < 100:
            continue
        se = implied_se(figure)
        if se is None:
            continue
        value, how = se
        s = figure.estimate / 100
        n, n_from = figure.n, "printed" if figure.n is not None else None
        if n is None and figure.over is not None:
            n = counts[figure.over].value
            whole = counts[figure.over]
            n_from = f"'{figure.over}'" + (" (not printed: a sum)" if whole.sum_of else "")
            n_from += "" if figure.over_stated else " (assumed: not stated)"
        floor = 100 * km_se_without_censoring(s, n) if n is not None else None
        out.append(
            SeAllowance(figure.name, value, how, n, n_from, floor, s * (1 - s) / (value / 100) ** 2)
        )
    return out
