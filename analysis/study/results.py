"""The study file's derived figures, each computed once and handed to every builder."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from ..cells import number_at
from ..stats.coverage import lowest_coverage
from ..stats.intervals import clopper_pearson, survival_interval, wilson
from .checks import Check, run_checks
from .flow import Flow, patient_flow
from .schema import ProportionFigure, Study, SurvivalFigure

__all__ = [
    "EVENTS_PER_VARIABLE",
    "StudyResults",
    "coverage_rows",
    "deaths_by_survival_time",
    "proportion_rows",
    "survival_rows",
]

EVENTS_PER_VARIABLE = 10
"""Deaths a proportional hazards model needs per factor it holds: below 10 events per variable
its estimates "should be interpreted with caution" (Peduzzi P, Concato J, Feinstein AR,
Holford TR. J Clin Epidemiol 1995;48(12):1503-10, doi:10.1016/0895-4356(95)00048-8)."""


def proportion_rows(study: Study, *, flow: Flow | None = None) -> pd.DataFrame:
    """Key proportions with exact and Wilson 95% intervals (proportions on the 0–1 scale).

    When the remission denominator leaves patients out, a worst-case row counts them as not in
    remission (the reported numerator over every relapsed or refractory patient).
    """
    flow = flow if flow is not None else patient_flow(study)
    salvage = study.figure("salvage_remission")
    assert isinstance(salvage, ProportionFigure)
    specs = [
        (
            "relapsed_or_refractory",
            "Relapsed or refractory, of all MLL-R infants",
            flow.relapsed_or_refractory,
            flow.cohort,
            "derived from reported counts",
        ),
        (
            "salvage_remission",
            "Remission after salvage, of those evaluated",
            salvage.numerator,
            salvage.denominator,
            "reported",
        ),
        (
            "hsct",
            "Transplanted, of the relapsed or refractory",
            flow.hsct,
            flow.relapsed_or_refractory,
            "derived from reported counts",
        ),
    ]
    missing = flow.relapsed_or_refractory - salvage.denominator
    if missing > 0:
        specs.insert(
            2,
            (
                "salvage_remission_worst_case",
                f"Remission after salvage, worst case ({missing} missing counted as failures)",
                salvage.numerator,
                flow.relapsed_or_refractory,
                f"derived: reported count over all {flow.relapsed_or_refractory} patients",
            ),
        )
    rows = []
    for ident, label, k, n, basis in specs:
        exact, score = clopper_pearson(k, n), wilson(k, n)
        rows.append(
            {
                "id": ident,
                "label": label,
                "numerator": k,
                "denominator": n,
                "proportion": k / n,
                "exact_lower": exact.lower,
                "exact_upper": exact.upper,
                "wilson_lower": score.lower,
                "wilson_upper": score.upper,
                "basis": basis,
            }
        )
    return pd.DataFrame(rows)


def survival_rows(study: Study) -> pd.DataFrame:
    """The reported survival estimate with log–log, log and plain 95% intervals (0–1 scale)."""
    os5 = study.figure("os_5y")
    assert isinstance(os5, SurvivalFigure)
    rows = []
    for method in ("log-log", "log", "plain"):
        interval = survival_interval(os5.percent / 100, os5.se / 100, method=method)
        rows.append(
            {
                "id": os5.id,
                "time": os5.time,
                "unit": os5.unit,
                "estimate": os5.percent / 100,
                "se": os5.se / 100,
                "method": method,
                "lower": interval.lower,
                "upper": interval.upper,
            }
        )
    return pd.DataFrame(rows)


def deaths_by_survival_time(study: Study) -> int:
    """Deaths by the survival figure's time point if nobody was censored before it: the patients
    at the start less the whole number alive that the reported share rounds from."""
    os5 = study.figure("os_5y")
    assert isinstance(os5, SurvivalFigure)
    return os5.n_at_start - round(os5.percent / 100 * os5.n_at_start)


def coverage_rows(study: Study, survival: pd.DataFrame) -> pd.DataFrame:
    """For each interval method, the lowest exact coverage of its nominal 95% interval for any
    true survival within the quoted (log–log) interval, if the patients at the start were all
    followed to the time point uncensored (see :mod:`analysis.stats.coverage`)."""
    os5 = study.figure("os_5y")
    assert isinstance(os5, SurvivalFigure)
    by_method = survival.set_index("method")
    quoted = by_method.loc["log-log"]
    true_from = number_at(by_method, "log-log", "lower", table="survival")
    true_to = number_at(by_method, "log-log", "upper", table="survival")
    rows = [
        {
            "method": method,
            "n_at_start": os5.n_at_start,
            "true_from": quoted["lower"],
            "true_to": quoted["upper"],
            "lowest_coverage": lowest_coverage(os5.n_at_start, true_from, true_to, method=method),
        }
        for method in survival["method"]
    ]
    return pd.DataFrame(rows)


class StudyResults:
    """The validated study and what is derived from it: the patient flow, the checks, and the
    proportion and survival rows with their intervals. Each is computed on first use, once."""

    def __init__(self, study: Study) -> None:
        self.study = study

    @cached_property
    def flow(self) -> Flow:
        return patient_flow(self.study)

    @cached_property
    def checks(self) -> list[Check]:
        return run_checks(self.study, flow=self.flow)

    @cached_property
    def proportions(self) -> pd.DataFrame:
        """Key proportions with exact and Wilson intervals (see :func:`proportion_rows`)."""
        return proportion_rows(self.study, flow=self.flow)

    @cached_property
    def survival(self) -> pd.DataFrame:
        """The reported survival estimate with its intervals (see :func:`survival_rows`)."""
        return survival_rows(self.study)

    @cached_property
    def coverage(self) -> pd.DataFrame:
        """Each survival interval's lowest exact coverage (see :func:`coverage_rows`)."""
        return coverage_rows(self.study, self.survival)
