"""Checks of a study's reported figures against each other, chosen from each figure's kind and
relations (never from its name): a percentage against k/n, parts against their whole, a
survival SE against its no-censoring floor, a survival CI against its estimate under each
transform, a ratio against its CI and its P, a median against its range. Every comparison is
made at the precision the figures were printed with. Each result names the figures it used and
says pass, fail or cannot check, with the reason."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ..datafile import decimals_of
from ..stats.intervals import km_se_without_censoring
from ..stats.reported import TRANSFORMS, Transform, half_unit, se_from_limit, wald_p_from_ci
from .schema import Count, FigureStudy, Median, Proportion, PValue, Ratio, Survival

__all__ = [
    "CheckResult",
    "Outcome",
    "check_figures",
    "implied_se",
    "reproducing_transforms",
]

Outcome = Literal["pass", "fail", "cannot check"]
_EPS = 1e-9  # floating-point slack on top of the printed half-unit


@dataclass(frozen=True)
class CheckResult:
    """One check: what was compared, the figures it used, its outcome and why."""

    check: str
    figures: tuple[str, ...]
    outcome: Outcome
    detail: str


def _h(value: float) -> float:
    return half_unit(decimals_of(value))


def _fmt(value: float, decimals: int = 3) -> str:
    return f"{value:.{decimals}f}"


def _se_range_at(figure: Survival, s: float, method: Transform) -> tuple[float, float] | None:
    """The SEs (probability scale) for which ``method`` around estimate ``s`` gives both
    printed limits at their printed precision; None if no SE does."""
    assert figure.ci is not None
    lo, hi = figure.ci.lower / 100, figure.ci.upper / 100
    h_lo, h_hi = _h(figure.ci.lower) / 100, _h(figure.ci.upper) / 100
    alpha = 1 - figure.ci.level / 100

    def clip(x: float) -> float:
        return min(max(x, 1e-12), 1 - 1e-12)

    try:
        from_lower = sorted(
            se_from_limit(s, clip(lo + d), side="lower", method=method, alpha=alpha)
            for d in (-h_lo, h_lo)
        )
        from_upper = sorted(
            se_from_limit(s, clip(hi + d), side="upper", method=method, alpha=alpha)
            for d in (-h_hi, h_hi)
        )
    except ValueError:
        return None
    low, high = max(from_lower[0], from_upper[0], 0.0), min(from_lower[1], from_upper[1])
    return (low, high) if low <= high + _EPS and high > 0 else None


# How many estimates across the printed estimate's rounding interval are tried.
_ESTIMATE_GRID = 41


def _se_range(figure: Survival, method: Transform) -> tuple[float, float] | None:
    """The SEs (percent points) for which ``method`` gives both printed limits at their printed
    precision, for some estimate that rounds to the printed one; None if none does."""
    h = _h(figure.estimate) / 100
    s0 = figure.estimate / 100
    found = [
        r
        for i in range(_ESTIMATE_GRID)
        if 0 < (s := s0 - h + 2 * h * i / (_ESTIMATE_GRID - 1)) < 1
        and (r := _se_range_at(figure, s, method)) is not None
    ]
    if not found:
        return None
    return 100 * min(r[0] for r in found), 100 * max(r[1] for r in found)


def reproducing_transforms(figure: Survival) -> dict[Transform, tuple[float, float]]:
    """Each transform that reproduces a survival estimate's printed CI, with the range of SEs
    (percent points) that does it."""
    if figure.ci is None or not 0 < figure.estimate < 100:
        return {}
    found = {method: _se_range(figure, method) for method in TRANSFORMS}
    return {method: r for method, r in found.items() if r is not None}


def implied_se(figure: Survival) -> tuple[float, str] | None:
    """The SE (percent points) of a survival estimate: printed, or else the middle of what the
    first transform reproducing its CI allows (log–log first, then log, then plain)."""
    if figure.se is not None:
        return figure.se, "printed"
    methods = reproducing_transforms(figure)
    for method in ("log-log", "log", "plain"):
        if method in methods:
            low, high = methods[method]
            return (low + high) / 2, f"implied by the CI under the {method} transform"
    return None


def _counts(study: FigureStudy) -> dict[str, Count]:
    return {f.name: f for f in study.figures if isinstance(f, Count)}


def _proportion_checks(figure: Proportion, counts: dict[str, Count]) -> Iterator[CheckResult]:
    used: tuple[str, ...] = (figure.name,)
    n = figure.n
    if figure.denominator is not None:
        whole = counts[figure.denominator]
        used = (figure.name, whole.name)
        if n is None:
            n = whole.value
        else:
            outcome: Outcome = "pass" if n == whole.value else "fail"
            yield CheckResult(
                "denominator is its count",
                used,
                outcome,
                f"n = {n}; the count '{whole.name}' is {whole.value}",
            )
    if figure.k is not None and n is not None and figure.k > n:
        yield CheckResult("part within its whole", used, "fail", f"k = {figure.k} exceeds n = {n}")
    if figure.percent is None:
        return
    if figure.k is None or n is None:
        missing = "k" if figure.k is None else "n"
        yield CheckResult(
            "percentage against k/n", used, "cannot check", f"{missing} is not printed or related"
        )
        return
    exact = 100 * figure.k / n
    dec = decimals_of(figure.percent)
    ok = abs(exact - figure.percent) <= half_unit(dec) + _EPS
    yield CheckResult(
        "percentage against k/n",
        used,
        "pass" if ok else "fail",
        f"{figure.k}/{n} = {exact:.{dec + 2}f}%, printed {figure.percent}% ({dec} {'decimal' if dec == 1 else 'decimals'})",
    )


def _part_checks(study: FigureStudy, counts: dict[str, Count]) -> Iterator[CheckResult]:
    parts: dict[str, list[tuple[str, int]]] = {}
    for f in study.figures:
        if isinstance(f, Count | Proportion) and f.part_of is not None:
            k = f.value if isinstance(f, Count) else f.k
            if k is not None:
                parts.setdefault(f.part_of, []).append((f.name, k))
    for whole_name, members in parts.items():
        whole = counts[whole_name]
        total = sum(k for _, k in members)
        used = (whole.name, *(name for name, _ in members))
        if whole.parts_complete:
            yield CheckResult(
                "parts against their whole",
                used,
                "pass" if total == whole.value else "fail",
                f"parts sum to {total}; the whole '{whole.name}' is {whole.value}, and the "
                "source lists every part of it",
            )
            continue
        yield CheckResult(
            "parts against their whole",
            used,
            "pass" if total <= whole.value else "fail",
            f"parts sum to {total}; the whole '{whole.name}' is {whole.value}",
        )


def _survival_checks(figure: Survival, counts: dict[str, Count]) -> Iterator[CheckResult]:
    if figure.ci is not None:
        methods = reproducing_transforms(figure)
        level = f"{_fmt(figure.ci.level, decimals_of(figure.ci.level))}%"
        stated = "" if figure.ci.level_stated else f" (level {level} assumed, not stated)"
        if methods:
            listed = "; ".join(
                f"{m} (SE {_fmt(lo, 2)}–{_fmt(hi, 2)} points)" for m, (lo, hi) in methods.items()
            )
            outcome: Outcome = "pass"
            detail = f"reproduce the printed limits: {listed}{stated}"
        else:
            outcome = "fail"
            detail = f"no transform (plain, log, log–log) reproduces the printed limits{stated}"
        yield CheckResult("survival CI against its estimate", (figure.name,), outcome, detail)
    used: tuple[str, ...]
    n, used = figure.n, (figure.name,)
    source = "printed"
    if n is None and figure.over is not None:
        n, used = counts[figure.over].value, (figure.name, figure.over)
        source = f"the count '{figure.over}' this estimate is over"
        if counts[figure.over].sum_of:
            source += f", not printed: the sum of {', '.join(counts[figure.over].sum_of or ())}"
        if not figure.over_stated:
            source += "; assumed: the source does not state the denominator"
    se = implied_se(figure)
    if n is None:
        yield CheckResult(
            "SE against its no-censoring floor", used, "cannot check", "n is not known"
        )
        return
    if se is None:
        why = "no SE is printed and no transform reproduces the CI" if figure.ci else "no SE or CI"
        yield CheckResult("SE against its no-censoring floor", used, "cannot check", why)
        return
    if not 0 < figure.estimate < 100:
        yield CheckResult(
            "SE against its no-censoring floor", used, "cannot check", "the estimate is 0 or 100%"
        )
        return
    value, how = se
    s = figure.estimate / 100
    floor = 100 * km_se_without_censoring(s, n)
    slack = _h(figure.se) if figure.se is not None else 0.0
    equivalent = s * (1 - s) / (value / 100) ** 2
    yield CheckResult(
        "SE against its no-censoring floor",
        used,
        "pass" if value + slack + _EPS >= floor else "fail",
        f"SE {_fmt(value, 2)} points ({how}); floor √(S(1−S)/n) with n = {n} ({source}) is "
        f"{_fmt(floor, 2)} points; binomial-equivalent n {equivalent:.0f}",
    )


def _p_range(figure: Ratio) -> tuple[float, float] | None:
    ci = figure.ci
    alpha = 1 - ci.level / 100
    corners = []
    h_e, h_l, h_u = _h(figure.estimate), _h(ci.lower), _h(ci.upper)
    for de, dl, du in itertools.product((-h_e, h_e), (-h_l, h_l), (-h_u, h_u)):
        lo, hi = ci.lower + dl, ci.upper + du
        if lo <= 0 or hi <= lo or figure.estimate + de <= 0:
            return None
        corners.append(wald_p_from_ci(figure.estimate + de, lo, hi, alpha=alpha))
    low, high = min(corners), max(corners)
    if figure.estimate - h_e <= 1 <= figure.estimate + h_e:
        high = 1.0
    return low, high


def _threshold_holds(threshold: str, low: float, high: float) -> bool:
    op = threshold.rstrip("0123456789. ")
    bound = float(threshold[len(op) :])
    if op in {"<", "≤", "<="}:
        return low < bound if op == "<" else low <= bound
    return high > bound if op == ">" else high >= bound


def _ratio_checks(figure: Ratio) -> Iterator[CheckResult]:
    ci = figure.ci
    if not 0 < ci.lower < ci.upper:
        yield CheckResult(
            "ratio against its CI", (figure.name,), "fail", f"the CI {ci.lower}–{ci.upper} is empty"
        )
        return
    h_e, h_l, h_u = _h(figure.estimate), _h(ci.lower), _h(ci.upper)
    mids = [
        math.sqrt((ci.lower + dl) * (ci.upper + du))
        for dl, du in itertools.product((-h_l, h_l), (-h_u, h_u))
        if ci.lower + dl > 0
    ]
    mid = math.sqrt(ci.lower * ci.upper)
    ok = min(mids) - _EPS <= figure.estimate + h_e and figure.estimate - h_e <= max(mids) + _EPS
    yield CheckResult(
        "ratio against its CI's geometric midpoint",
        (figure.name,),
        "pass" if ok else "fail",
        f"√({ci.lower}·{ci.upper}) = {mid:.{decimals_of(figure.estimate) + 1}f}; "
        f"printed {figure.estimate}",
    )
    if figure.p is None:
        yield CheckResult(
            "P against the Wald P from the CI", (figure.name,), "cannot check", "no P printed"
        )
        return
    p_range = _p_range(figure)
    if p_range is None:
        yield CheckResult(
            "P against the Wald P from the CI", (figure.name,), "cannot check", "limits too near 0"
        )
        return
    low, high = p_range
    wald = f"Wald P from the printed figures {low:.4f}–{high:.4f}"
    if isinstance(figure.p, str):
        ok = _threshold_holds(figure.p, low, high)
        printed = f"printed P{figure.p}"
    else:
        h_p = _h(figure.p)
        ok = low - _EPS <= figure.p + h_p and figure.p - h_p <= high + _EPS
        printed = f"printed P = {figure.p}"
    yield CheckResult(
        "P against the Wald P from the CI",
        (figure.name,),
        "pass" if ok else "fail",
        f"{wald}; {printed}",
    )


def _median_checks(figure: Median) -> Iterator[CheckResult]:
    if figure.range is None:
        yield CheckResult(
            "median inside its range", (figure.name,), "cannot check", "no range printed"
        )
        return
    r = figure.range
    ok = r.low <= figure.value <= r.high
    yield CheckResult(
        "median inside its range",
        (figure.name,),
        "pass" if ok else "fail",
        f"median {figure.value}; range {r.low}–{r.high}",
    )


def _p_checks(figure: PValue) -> Iterator[CheckResult]:
    if isinstance(figure.p, str):
        why = f"P{figure.p} is a threshold, not a value; nothing printed beside it to check against"
    else:
        why = "no estimate or interval is printed with it to check against"
    yield CheckResult("P value", (figure.name,), "cannot check", why)


def check_figures(study: FigureStudy) -> list[CheckResult]:
    """Every check the figures of ``study`` allow, in the order of the file."""
    counts = _counts(study)
    results: list[CheckResult] = []
    for figure in study.figures:
        if isinstance(figure, Proportion):
            results += _proportion_checks(figure, counts)
        elif isinstance(figure, Survival):
            results += _survival_checks(figure, counts)
        elif isinstance(figure, Ratio):
            results += _ratio_checks(figure)
        elif isinstance(figure, Median):
            results += _median_checks(figure)
        elif isinstance(figure, PValue):
            results += _p_checks(figure)
    results += _part_checks(study, counts)
    return results
