"""What the printed figures allow, for any study: the bounds a survival estimate implies at other
times (a survival curve never rises), tightened where another estimate of the same endpoint fixes
them; the SE a CI implies against the no-censoring floor, and the binomial-equivalent n; and,
where the estimate's n is known, whether its estimate and SE fix the number of patients alive
at its time (:func:`death_counts`: no order of deaths and losses with a loss before a death
reads as printed). All of it follows from the printed numbers alone, with no assumption added
but the readings it names; patients are not reconstructed (that needs counts of events and
follow-up, which the generic model does not hold)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..datafile import decimals_of
from ..stats.intervals import km_se_without_censoring
from ..stats.loss_search import LossSearch, loss_search
from ..stats.reported import half_unit
from .checks import implied_se, reproducing_transforms
from .schema import Count, FigureStudy, Survival

__all__ = [
    "NOT_RECONSTRUCTED",
    "Bounds",
    "DeathCount",
    "SeAllowance",
    "bounds_at",
    "death_counts",
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
        n, n_from = _n_of(figure, counts)
        floor = 100 * km_se_without_censoring(s, n) if n is not None else None
        out.append(
            SeAllowance(figure.name, value, how, n, n_from, floor, s * (1 - s) / (value / 100) ** 2)
        )
    return out


def _n_of(figure: Survival, counts: dict[str, Count]) -> tuple[int | None, str | None]:
    """The patients a survival estimate is over, and where that number comes from."""
    if figure.n is not None:
        return figure.n, "printed"
    if figure.over is None:
        return None, None
    whole = counts[figure.over]
    n_from = f"'{figure.over}'" + (" (not printed: a sum)" if whole.sum_of else "")
    return whole.value, n_from + ("" if figure.over_stated else " (assumed: not stated)")


@dataclass(frozen=True)
class DeathCount:
    """Whether a survival estimate and its SE, under one reading of the SE, fix how many of its
    ``n`` patients are alive at its time (:func:`death_counts`)."""

    figure: str
    n: int
    n_from: str
    reading: str
    """How the SE window was read: a printed SE rounded or truncated, or implied by the CI."""
    se: tuple[float, float]
    """The SEs searched, ``[low, high)`` in percent points."""
    search: LossSearch

    @property
    def alive(self) -> tuple[int, ...]:
        """Patients alive at the time in each order without a loss before a death that reads
        as printed (one number, when the window admits one)."""
        return tuple(
            sorted(
                {
                    self.n - len(m)
                    for m in self.search.matches
                    if self.search.losses_before_a_death(m) == 0
                }
            )
        )

    @property
    def outcome(self) -> str:
        """``fixed``, ``not fixed``, ``no order`` or ``search unfinished``."""
        if not self.search.complete:
            return "search unfinished"
        if not self.search.matches:
            return "no order"
        return "fixed" if self.search.only_without_losses else "not fixed"

    @property
    def finding(self) -> str:
        found = self.search
        if self.outcome == "search unfinished":
            return (
                f"the search stopped after {found.nodes:,} partial orders without a proof; the "
                "count alive is not fixed by these numbers as far as this site can tell"
            )
        if self.outcome == "no order":
            return (
                f"no order of deaths and losses among {self.n} patients gives the printed "
                "estimate with such an SE (every patient entering at the time origin)"
            )
        alive = self.alive
        count = (
            ""
            if not alive
            else f"{alive[0]} of {self.n}"
            if len(alive) == 1
            else f"{alive[0]}–{alive[-1]} of {self.n}"
        )
        if self.outcome == "fixed":
            return (
                f"only orders without a loss before a death read as printed, so {count} are "
                "alive at its time"
            )
        with_loss = sum(found.losses_before_a_death(m) > 0 for m in found.matches)
        if with_loss == len(found.matches):
            return (
                f"every one of the {len(found.matches):,} orders that read as printed has a loss "
                f"before a death: with {self.n} patients from the time origin, someone was lost "
                "to follow-up before a later death, so the count alive is not fixed"
            )
        return (
            f"{with_loss:,} of the {len(found.matches):,} orders that read as printed have a "
            "loss before a death, so the count alive is not fixed"
            + (f" (without losses: {count})" if alive else "")
        )


def death_counts(study: FigureStudy) -> list[DeathCount]:
    """For each survival estimate whose n is known and whose SE is printed or implied by its
    CI: the search over every order of deaths and losses to follow-up before its time
    (:func:`~analysis.stats.loss_search.loss_search`), under each reading of the SE. A printed
    SE is read as rounded and as truncated at its printed decimals (abstracts do both); an SE
    implied by the CI is the range its transform allows. The estimate is read at its printed
    precision. Every patient is taken to enter at the time origin (a reading, named on the
    page)."""
    counts = {f.name: f for f in study.figures if isinstance(f, Count)}
    out: list[DeathCount] = []
    for figure in study.figures:
        if not isinstance(figure, Survival) or not 0 < figure.estimate < 100:
            continue
        n, n_from = _n_of(figure, counts)
        if n is None or n_from is None:
            continue
        h = half_unit(decimals_of(figure.estimate))
        percent = (figure.estimate - h, figure.estimate + h)
        windows: list[tuple[str, tuple[float, float]]] = []
        if figure.se is not None:
            step = 2 * half_unit(decimals_of(figure.se))
            windows.append(
                ("printed SE, read as rounded", (figure.se - step / 2, figure.se + step / 2))
            )
            windows.append(("printed SE, read as truncated", (figure.se, figure.se + step)))
        else:
            methods = reproducing_transforms(figure)
            for method in ("log-log", "log", "plain"):  # as implied_se chooses
                if method in methods:
                    windows.append(
                        (f"SE implied by the CI under the {method} transform", methods[method])
                    )
                    break
        for reading, se in windows:
            out.append(DeathCount(figure.name, n, n_from, reading, se, loss_search(n, percent, se)))
    return out
