"""Every published number as a constraint on a patient-level cohort, checked to its precision.

:func:`measure` computes, for every cohort of an ensemble at once, the quantity behind each
published number; :func:`constraints` turns the study's figures into accepted intervals; a
cohort is consistent with the paper when every measure lies in its interval. The same code
accepts reconstructed cohorts and reports how real data compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from ..datafile import decimals_of
from ..stats.survival import km_at, logrank, median_follow_up
from ..study.schema import (
    CountFigure,
    MedianFigure,
    ProportionFigure,
    PValueFigure,
    Study,
    SurvivalFigure,
)
from .cohorts import SALVAGE_CODES, TRANSPLANT_CODES, Ensemble

_F = TypeVar("_F")  # the figure class _fig checks for

__all__ = ["Constraint", "check", "constraints", "measure"]

MONTHS_PER_YEAR = 12.0


@dataclass(frozen=True)
class Constraint:
    """A published number and the interval a cohort's measure must fall in to reproduce it.

    ``lower <= value < upper`` (``upper`` inclusive when ``lower == upper``, i.e. a count).
    """

    measure: str
    label: str
    published: str
    lower: float
    upper: float
    precision: str
    decimals: int = 0

    def holds(self, values: np.ndarray) -> np.ndarray:
        if self.lower == self.upper:
            return np.asarray(np.isclose(values, self.lower, rtol=0, atol=1e-9), dtype=bool)
        return np.asarray((values >= self.lower - 1e-12) & (values < self.upper), dtype=bool)


def _rounded(value: float) -> tuple[float, float, str]:
    half = 0.5 * 10 ** -decimals_of(value)
    return value - half, value + half, f"rounds to {value:g}"


def _fig(study: Study, ident: str, kind: type[_F]) -> _F:
    fig = study.figure(ident)
    if not isinstance(fig, kind):
        msg = f"figure '{ident}' is a {fig.kind}; the reconstruction expects a {kind.__name__}"
        raise TypeError(msg)
    return fig


def constraints(study: Study, *, p_filter: bool = False) -> list[Constraint]:
    """The published numbers a cohort must reproduce, each with its reported precision.

    The published P value comes from a multivariate model that summary numbers cannot
    reproduce, so it is not a constraint unless ``p_filter`` (a labelled scenario) asks to treat
    it as a univariate log-rank P, with the direction of the effect.
    """
    rel = _fig(study, "relapses", CountFigure)
    ind = _fig(study, "induction_failures", CountFigure)
    fr = _fig(study, "first_remission", MedianFigure)
    sal = _fig(study, "salvage_remission", ProportionFigure)
    hsct = [
        _fig(study, i, CountFigure)
        for i in ("hsct", "hsct_in_remission", "hsct_not_in_remission", "hsct_status_unknown")
    ]
    fu = _fig(study, "follow_up", MedianFigure)
    os5 = _fig(study, "os_5y", SurvivalFigure)
    pval = _fig(study, "multivariate_p", PValueFigure)

    def exact(measure: str, label: str, value: int) -> Constraint:
        return Constraint(measure, label, str(value), value, value, "exact count")

    out = [
        exact("patients", "Relapsed or refractory patients", rel.value + ind.value),
        exact("relapses", rel.label, rel.value),
        exact("induction_failures", ind.label, ind.value),
    ]
    for name, value, what in (
        ("fr_median", fr.value, "median"),
        ("fr_min", fr.min, "shortest"),
        ("fr_max", fr.max, "longest"),
    ):
        if value is None:
            continue
        lo, hi, text = _rounded(value)
        out.append(
            Constraint(name, f"First remission, {what} (months)", f"{value:g}", lo, hi, text)
        )
    out += [
        exact("salvage_yes", "Remission after salvage", sal.numerator),
        exact("salvage_evaluated", "Evaluated for remission after salvage", sal.denominator),
        exact("hsct", hsct[0].label, hsct[0].value),
        exact("hsct_in_remission", hsct[1].label, hsct[1].value),
        exact("hsct_not_in_remission", hsct[2].label, hsct[2].value),
        exact("hsct_status_unknown", hsct[3].label, hsct[3].value),
    ]
    lo, hi, text = _rounded(float(os5.percent))
    out.append(
        Constraint(
            "os5",
            f"Kaplan–Meier OS at {os5.time:g} {os5.unit} (%)",
            f"{os5.percent:g}",
            lo,
            hi,
            text,
            2,
        )
    )
    lo, _, _ = _rounded(float(os5.se))
    step = 10 ** -decimals_of(float(os5.se))
    out.append(
        Constraint(
            "os5_se",
            "Greenwood standard error of that estimate (%)",
            f"{os5.se:g}",
            lo,
            os5.se + step,
            f"rounds or truncates to {os5.se:g}",
            2,
        )
    )
    lo, hi, text = _rounded(float(fu.value))
    out.append(
        Constraint(
            "follow_up",
            f"Median follow-up of survivors ({fu.unit})",
            f"{fu.value:g}",
            lo,
            hi,
            text,
            2,
        )
    )
    if not p_filter:
        return out
    lo, hi, text = _rounded(float(pval.value))
    out.append(
        Constraint(
            "p_value",
            "Univariate log-rank P, no remission vs remission (scenario filter only)",
            f"{pval.value:g}",
            lo,
            hi,
            text,
            4,
        )
    )
    out.append(
        Constraint(
            "worse_without_remission",
            "Survival worse without remission after salvage (1 = yes)",
            "worse",
            1,
            1,
            "direction",
        )
    )
    return out


def measure(ensemble: Ensemble, study: Study) -> pd.DataFrame:
    """The measure behind every published number, one row per cohort.

    Induction failures count as 0 months of first remission (the range's lower end); OS is
    the Kaplan–Meier estimate at the reported time; median follow-up is the median time of
    the patients alive at last contact.
    """
    os5 = _fig(study, "os_5y", SurvivalFigure)
    fu = _fig(study, "follow_up", MedianFigure)
    horizon = float(os5.time) * (MONTHS_PER_YEAR if os5.unit == "years" else 1.0)
    fu_scale = MONTHS_PER_YEAR if fu.unit == "years" else 1.0
    surv, var = km_at(ensemble.months, ensemble.death, [horizon])
    test = logrank(ensemble.months, ensemble.death, ensemble.salvage)
    sal, tr = ensemble.salvage, ensemble.transplant
    return pd.DataFrame(
        {
            "patients": np.full(ensemble.size, ensemble.months.shape[1]),
            "relapses": (ensemble.first_event == 0).sum(axis=1),
            "induction_failures": (ensemble.first_event == 1).sum(axis=1),
            "fr_median": np.median(ensemble.first_remission, axis=1),
            "fr_min": ensemble.first_remission.min(axis=1),
            "fr_max": ensemble.first_remission.max(axis=1),
            "salvage_yes": (sal == SALVAGE_CODES["yes"]).sum(axis=1),
            "salvage_evaluated": (sal != SALVAGE_CODES["not_evaluable"]).sum(axis=1),
            "hsct": (tr != TRANSPLANT_CODES["none"]).sum(axis=1),
            "hsct_in_remission": (tr == TRANSPLANT_CODES["in_remission"]).sum(axis=1),
            "hsct_not_in_remission": (tr == TRANSPLANT_CODES["not_in_remission"]).sum(axis=1),
            "hsct_status_unknown": (tr == TRANSPLANT_CODES["status_unknown"]).sum(axis=1),
            "os5": 100 * surv[:, 0],
            "os5_se": 100 * np.sqrt(var[:, 0]),
            "follow_up": median_follow_up(ensemble.months, ensemble.death) / fu_scale,
            "p_value": test.p_value,
            "worse_without_remission": (test.observed > test.expected).astype(float),
        }
    )


def check(values: pd.DataFrame, rules: list[Constraint]) -> pd.DataFrame:
    """True where a cohort's measure reproduces the published number (NaN never does)."""
    return pd.DataFrame(
        {rule.measure: rule.holds(values[rule.measure].to_numpy(dtype=float)) for rule in rules}
    )
