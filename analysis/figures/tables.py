"""Tables of a study of reported figures: the figures as printed with their sources, every
check with the figures it used, and the bounds the survival estimates allow."""

from __future__ import annotations

import pandas as pd

from ..artifact import Table
from .results import FigureResults
from .values import printed_text

__all__ = [
    "TABLES",
    "allowed_se_table",
    "bounds_table",
    "checks_table",
    "death_counts_table",
    "figures_table",
]

_SOURCE = "Reported figures of the study file, each with the sentence it was read from"


_FIELDS = {
    "Figure": "the figure's label, or its name in the study file",
    "Name": "the figure's name in the study file",
    "Kind": "the figure's kind: count, proportion, median, survival, ratio or p_value",
    "As printed": "the figure's values as the source prints them",
    "Source sentence": "the sentence of the source the figure was read from",
    "Check": "what was compared",
    "Figures used": "the names of the figures the check used",
    "Outcome": "pass, fail, or cannot check",
    "Detail": "the numbers compared, or why the check cannot be made",
    "Endpoint": "the survival endpoint (or the figure's name when none is given)",
    "From": "start of the stretch of time",
    "To": "end of the stretch of time",
    "Lowest (%)": "lowest survival the printed estimates allow on the stretch, percent",
    "Highest (%)": "highest survival the printed estimates allow on the stretch, percent",
    "Fixed by": "the figures that fix the bounds",
    "SE (points)": "standard error in percentage points, printed or implied by the CI",
    "How": "where the SE comes from",
    "n": "the number at risk at the time origin, and where it comes from",
    "No-censoring floor (points)": "the SE with nobody censored, √(S(1−S)/n), percentage points",
    "Binomial-equivalent n": "the n of a binomial proportion with this SE, S(1−S)/SE²",
    "Reading of the SE": "how the SE searched was read: printed and rounded, printed and "
    "truncated, or implied by the CI under a transform",
    "SEs searched (points)": "the standard errors an order must give to read as printed",
    "Result": "fixed (the count alive is), not fixed, no order (none reads as printed), or "
    "search unfinished",
    "What the search found": "what the orders of deaths and losses that read as printed say of "
    "the patients alive at the estimate's time",
}


def _table(
    name: str, caption: str, source: str, rows: list[dict[str, object]], columns: list[str]
) -> Table:
    data = pd.DataFrame(rows, columns=columns)
    fields = {c: _FIELDS[c] for c in columns}
    return Table(
        name=name, caption=caption, source=source, data=data, display=data.copy(), fields=fields
    )


def figures_table(results: FigureResults) -> Table:
    study = results.study
    rows: list[dict[str, object]] = [
        {
            "Figure": f.label or f.name,
            "Name": f.name,
            "Kind": f.kind,
            "As printed": printed_text(f, study),
            "Source sentence": f.source,
        }
        for f in study.figures
    ]
    return _table(
        "fig_figures",
        "Every reported figure of the study file",
        _SOURCE,
        rows,
        ["Figure", "Name", "Kind", "As printed", "Source sentence"],
    )


def checks_table(results: FigureResults) -> Table:
    rows: list[dict[str, object]] = [
        {
            "Check": c.check,
            "Figures used": ", ".join(c.figures),
            "Outcome": c.outcome,
            "Detail": c.detail,
        }
        for c in results.checks
    ]
    return _table(
        "fig_checks",
        "Every check the figures allow, chosen from their kinds and relations",
        "Computed from the reported figures at their printed precision (this site's arithmetic)",
        rows,
        ["Check", "Figures used", "Outcome", "Detail"],
    )


def _when(value: float | None, unit: str, *, start: bool) -> str:
    if value is None:
        return "time origin" if start else "onwards"
    return f"{value:g} {unit}"


def bounds_table(results: FigureResults) -> Table:
    rows: list[dict[str, object]] = [
        {
            "Endpoint": b.endpoint,
            "From": _when(b.start, b.time_unit, start=True),
            "To": _when(b.end, b.time_unit, start=False),
            "Lowest (%)": f"{b.low:g}",
            "Highest (%)": f"{b.high:g}",
            "Fixed by": ", ".join(b.figures),
        }
        for b in results.bounds
    ]
    return _table(
        "fig_bounds",
        "Survival the printed estimates allow on each stretch of time (a curve never rises)",
        "Computed from the reported figures alone; no assumption added",
        rows,
        ["Endpoint", "From", "To", "Lowest (%)", "Highest (%)", "Fixed by"],
    )


def allowed_se_table(results: FigureResults) -> Table:
    rows: list[dict[str, object]] = [
        {
            "Figure": a.figure,
            "SE (points)": f"{a.se:.2f}",
            "How": a.how,
            "n": "not known" if a.n is None else f"{a.n} ({a.n_from})",
            "No-censoring floor (points)": "—" if a.floor is None else f"{a.floor:.2f}",
            "Binomial-equivalent n": f"{a.binomial_n:.0f}",
        }
        for a in results.se_allowances
    ]
    return _table(
        "fig_allowed_se",
        "The SE each survival estimate's interval implies, beside the smallest SE it could have",
        "Computed from the reported figures alone; which transform was used is inferred, not stated",
        rows,
        [
            "Figure",
            "SE (points)",
            "How",
            "n",
            "No-censoring floor (points)",
            "Binomial-equivalent n",
        ],
    )


def death_counts_table(results: FigureResults) -> Table:
    rows: list[dict[str, object]] = [
        {
            "Figure": d.figure,
            "n": f"{d.n} ({d.n_from})",
            "Reading of the SE": d.reading,
            "SEs searched (points)": f"{d.se[0]:.2f} to under {d.se[1]:.2f}",
            "Result": d.outcome,
            "What the search found": d.finding,
        }
        for d in results.death_counts
    ]
    return _table(
        "fig_death_counts",
        "Whether each survival estimate and its SE fix how many patients are alive at its time",
        "Computed from the reported figures: every order of deaths and losses to follow-up is "
        "searched, each patient entering at the time origin (a reading)",
        rows,
        [
            "Figure",
            "n",
            "Reading of the SE",
            "SEs searched (points)",
            "Result",
            "What the search found",
        ],
    )


TABLES = (figures_table, checks_table, bounds_table, allowed_se_table, death_counts_table)
