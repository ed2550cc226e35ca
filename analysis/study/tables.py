"""Tables of reported and derived figures: tidy data for download plus a display version."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..artifact import Table
from ..cells import number_at
from ..stats.intervals import Interval
from .results import StudyResults
from .schema import (
    CountFigure,
    Figure,
    MedianFigure,
    ProportionFigure,
    PValueFigure,
    SurvivalFigure,
)

__all__ = [
    "INTERVAL_METHODS",
    "SOURCE_ABSTRACT",
    "TABLES",
    "checks_table",
    "figures_table",
    "key_numbers_table",
    "prognostic_table",
    "proportions_table",
    "reported_text",
    "survival_table",
]

SOURCE_ABSTRACT = "Tomizawa et al., Pediatr Blood Cancer 2009;52(7):808-13 (abstract)"


def _pct(x: float, decimals: int = 1) -> str:
    return f"{100 * x:.{decimals}f}%"


def _ci(interval: Interval) -> str:
    return f"{100 * interval.lower:.1f}–{100 * interval.upper:.1f}%"


def reported_text(fig: Figure) -> str:
    """A figure written as the abstract prints it (e.g. '40.5% (15/37)')."""
    if isinstance(fig, CountFigure):
        return str(fig.value)
    if isinstance(fig, ProportionFigure):
        return f"{fig.percent:g}% ({fig.numerator}/{fig.denominator})"
    if isinstance(fig, MedianFigure):
        text = f"{fig.value:g} {fig.unit}"
        if fig.min is not None and fig.max is not None:
            text += f" (range {fig.min:g}–{fig.max:g})"
        return text
    if isinstance(fig, SurvivalFigure):
        return f"{fig.percent:g}% ± {fig.se:g}%"
    if isinstance(fig, PValueFigure):
        return f"P {fig.relation} {fig.value:g}"
    msg = f"no text form for figure kind {fig.kind!r}"
    raise TypeError(msg)


PROPORTION_FIELDS = {
    "id": "identifier of the proportion",
    "label": "what is counted, and out of whom",
    "numerator": "patients with the outcome",
    "denominator": "patients it is counted among",
    "proportion": "numerator / denominator (0–1)",
    "exact_lower": "Clopper–Pearson (exact) 95% lower limit (0–1)",
    "exact_upper": "Clopper–Pearson (exact) 95% upper limit (0–1)",
    "wilson_lower": "Wilson score 95% lower limit (0–1)",
    "wilson_upper": "Wilson score 95% upper limit (0–1)",
    "basis": "'reported' if the abstract prints the ratio, else how it was derived",
}


def proportions_table(results: StudyResults) -> Table:
    data = results.proportions
    display = pd.DataFrame(
        {
            "Proportion": data["label"],
            "n/N": [
                f"{k}/{n}" for k, n in zip(data["numerator"], data["denominator"], strict=False)
            ],
            "%": [_pct(p) for p in data["proportion"]],
            "Exact 95% CI": [
                f"{100 * lo:.1f}–{100 * hi:.1f}%"
                for lo, hi in zip(data["exact_lower"], data["exact_upper"], strict=False)
            ],
            "Wilson 95% CI": [
                f"{100 * lo:.1f}–{100 * hi:.1f}%"
                for lo, hi in zip(data["wilson_lower"], data["wilson_upper"], strict=False)
            ],
            "Basis": data["basis"],
        }
    )
    return Table(
        "proportions",
        "Key proportions with 95% confidence intervals (computed)",
        f"Counts: {SOURCE_ABSTRACT}. Intervals computed by this site.",
        data,
        display,
        PROPORTION_FIELDS,
    )


INTERVAL_METHODS = {
    "log-log": "log–log (lifelines' default)",
    "log": "log (R survfit's default)",
    "plain": "plain (± 1.96 SE)",
}
"""Each survival interval method, named with the software it is the default of."""

SURVIVAL_FIELDS = {
    "id": "identifier of the reported figure",
    "time": "time point",
    "unit": "unit of the time point",
    "estimate": "reported overall survival at the time point (0–1)",
    "se": "the reported ±, read as a standard error (0–1)",
    "method": "interval: 'log-log' (complementary log–log; lifelines' default, R survfit with "
    "conf.type = 'log-log'), 'log' (R survfit's default, conf.type = 'log') or 'plain' "
    "(estimate ± 1.96·SE)",
    "lower": "95% lower limit (0–1)",
    "upper": "95% upper limit (0–1)",
}


def survival_table(results: StudyResults) -> Table:
    data = results.survival
    os5 = results.study.figure("os_5y")
    assert isinstance(os5, SurvivalFigure)
    display = pd.DataFrame(
        {
            "Estimate": [f"{os5.time:g}-year OS after second-line treatment"] * len(data),
            "Reported": [reported_text(os5)] * len(data),
            "Interval method": [INTERVAL_METHODS[m] for m in data["method"]],
            "95% CI": [
                f"{100 * lo:.1f}–{100 * hi:.1f}%"
                for lo, hi in zip(data["lower"], data["upper"], strict=False)
            ],
        }
    )
    return Table(
        "survival",
        f"{os5.time:g}-year overall survival with 95% confidence intervals (computed from the "
        "reported ±, read as a standard error)",
        f"Estimate and ±: {SOURCE_ABSTRACT}. Intervals computed by this site.",
        data,
        display,
        SURVIVAL_FIELDS,
    )


def key_numbers_table(results: StudyResults) -> Table:
    """The five numbers a reader needs first, each with its interval where one applies."""
    study, flow = results.study, results.flow
    props = results.proportions.set_index("id")
    surv = results.survival.set_index("method")
    first = study.figure("first_remission")
    salvage = study.figure("salvage_remission")
    os5 = study.figure("os_5y")
    rr = props.loc["relapsed_or_refractory"]
    sr = props.loc["salvage_remission"]
    hs = props.loc["hsct"]
    ll = surv.loc["log-log"]
    rr_share = number_at(props, "relapsed_or_refractory", "proportion", table="proportions")
    hs_share = number_at(props, "hsct", "proportion", table="proportions")
    rows = [
        (
            "relapsed_or_refractory",
            "Relapsed or never reached remission",
            f"{flow.relapsed_or_refractory} of {flow.cohort} ({_pct(rr_share)})",
            f"{100 * rr['exact_lower']:.1f}–{100 * rr['exact_upper']:.1f}% (exact)",
        ),
        ("first_remission", "Median first remission", reported_text(first), "—"),
        (
            "salvage_remission",
            "Remission after salvage",
            reported_text(salvage),
            f"{100 * sr['exact_lower']:.1f}–{100 * sr['exact_upper']:.1f}% (exact)",
        ),
        (
            "hsct",
            "Went on to transplant (HSCT)",
            f"{flow.hsct} of {flow.relapsed_or_refractory} ({_pct(hs_share)})",
            f"{100 * hs['exact_lower']:.1f}–{100 * hs['exact_upper']:.1f}% (exact)",
        ),
        (
            "os_5y",
            "5-year overall survival after second-line treatment",
            f"{reported_text(os5)} (± read as SE)",
            f"{100 * ll['lower']:.1f}–{100 * ll['upper']:.1f}% (log–log)",
        ),
    ]
    data = pd.DataFrame(rows, columns=["id", "measure", "value", "ci95"])
    display = data.drop(columns="id").rename(
        columns={"measure": "Measure", "value": "Value", "ci95": "95% CI (computed)"}
    )
    return Table(
        "key_numbers",
        "The study in five numbers",
        f"Values: {SOURCE_ABSTRACT}; shares and intervals computed by this site.",
        data,
        display,
        {
            "id": "identifier of the figure",
            "measure": "what is measured",
            "value": "value as reported (shares computed from reported counts)",
            "ci95": "95% confidence interval computed by this site, with its method",
        },
    )


def checks_table(results: StudyResults) -> Table:
    checks = results.checks
    data = pd.DataFrame(
        [
            {
                "id": c.id,
                "check": c.title,
                "status": c.status,
                "computed": c.computed,
                "explanation": c.explanation,
            }
            for c in checks
        ]
    )
    display = pd.DataFrame(
        {
            "": [c.symbol for c in checks],
            "Check": [c.title for c in checks],
            "Result": ["consistent" if c.status == "ok" else "open question" for c in checks],
            "Computed": [c.computed for c in checks],
            "What it means": [c.explanation for c in checks],
        }
    )
    return Table(
        "checks",
        "Consistency checks of the reported numbers (✓ consistent, ⚠ open question)",
        f"Inputs: {SOURCE_ABSTRACT}. Checks computed by this site.",
        data,
        display,
        {
            "id": "identifier of the check",
            "check": "what is compared",
            "status": "'ok' (consistent) or 'warn' (an open question the abstract leaves)",
            "computed": "the arithmetic, with the numbers used",
            "explanation": "what the result means",
        },
    )


def figures_table(results: StudyResults) -> Table:
    """Every reported figure with the sentence it came from and any ambiguity."""
    study = results.study
    data = pd.DataFrame(
        [
            {
                "id": f.id,
                "kind": f.kind,
                "label": f.label,
                "reported": reported_text(f),
                "source": f.source,
                "ambiguity": f.ambiguity or "",
            }
            for f in study.figures
        ]
    )
    display = data.drop(columns=["id", "kind"]).rename(
        columns={
            "label": "Figure",
            "reported": "As reported",
            "source": "Source sentence (abstract)",
            "ambiguity": "What is unclear",
        }
    )
    return Table(
        "figures",
        "Every reported figure with the sentence it comes from",
        SOURCE_ABSTRACT,
        data,
        display,
        {
            "id": "identifier used in analysis/data/study.yaml and in pages",
            "kind": "count, proportion, median, survival or p_value",
            "label": "what the figure is",
            "reported": "the figure as printed",
            "source": "the abstract's sentence it comes from",
            "ambiguity": "what the abstract leaves unclear about it (empty if nothing)",
        },
    )


def prognostic_table(results: StudyResults) -> Table:
    study = results.study
    rows = []
    for finding in study.findings:
        p_text = "not reported"
        if finding.p_value is not None:
            p_text = reported_text(study.figure(finding.p_value))
        rows.append(
            {
                "id": finding.id,
                "factor": finding.factor,
                "analysis": finding.analysis,
                "direction": finding.direction,
                "p_value": p_text,
                "missing": finding.ambiguity or "",
            }
        )
    data = pd.DataFrame(rows)
    display = data.drop(columns="id").rename(
        columns={
            "factor": "Factor",
            "analysis": "Analysis",
            "direction": "Outcome",
            "p_value": "P value",
            "missing": "Not in the abstract",
        }
    )
    display["Outcome"] = display["Outcome"].map(
        {"worse": "worse survival", "better": "better survival", "no association": "none"}
    )
    display["Analysis"] = display["Analysis"].map(
        {
            "univariate": "univariate",
            "multivariate": "multivariate",
            "not stated": 'not stated ("associated with poor outcome")',
        }
    )
    return Table(
        "prognostic_factors",
        "Prognostic factors named in the abstract",
        SOURCE_ABSTRACT,
        data,
        display,
        {
            "id": "identifier of the finding",
            "factor": "the factor, as measured at initial diagnosis or after salvage",
            "analysis": "univariate, multivariate, or 'not stated' where the abstract names no "
            "analysis",
            "direction": "direction of the association with survival",
            "p_value": "P value as printed, or 'not reported'",
            "missing": "what the abstract does not give",
        },
    )


TABLES: tuple[Callable[[StudyResults], Table], ...] = (
    key_numbers_table,
    proportions_table,
    survival_table,
    checks_table,
    figures_table,
    prognostic_table,
)
