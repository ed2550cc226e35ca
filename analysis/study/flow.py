"""Patient flow: the counts the abstract implies but does not print, derived from those it does."""

from __future__ import annotations

from dataclasses import dataclass

from .schema import CountFigure, ProportionFigure, Study

__all__ = ["Flow", "patient_flow"]


@dataclass(frozen=True)
class Flow:
    """Counts along the path from the parent trials to transplant.

    Reported counts are copied from the data file; the rest are arithmetic on them and named
    as such (``*_derived`` in :attr:`derived_fields`).
    """

    cohort: int
    relapses: int
    induction_failures: int
    relapsed_or_refractory: int
    without_relapse_or_failure: int
    salvage_evaluated: int
    salvage_remission: int
    salvage_no_remission: int
    salvage_not_evaluable: int
    hsct: int
    hsct_in_remission: int
    hsct_not_in_remission: int
    hsct_status_unknown: int
    no_hsct: int

    derived_fields = (
        "relapsed_or_refractory",
        "without_relapse_or_failure",
        "salvage_no_remission",
        "salvage_not_evaluable",
        "no_hsct",
    )


def _count(study: Study, figure_id: str) -> int:
    fig = study.figure(figure_id)
    if not isinstance(fig, CountFigure):
        msg = f"figure '{figure_id}' must be a count; found kind '{fig.kind}'"
        raise TypeError(msg)
    return fig.value


def patient_flow(study: Study) -> Flow:
    """Derive the patient flow from the reported figures."""
    salvage = study.figure("salvage_remission")
    if not isinstance(salvage, ProportionFigure):
        msg = f"figure 'salvage_remission' must be a proportion; found kind '{salvage.kind}'"
        raise TypeError(msg)
    cohort = _count(study, "cohort")
    relapses = _count(study, "relapses")
    failures = _count(study, "induction_failures")
    relapsed_or_refractory = relapses + failures
    hsct = _count(study, "hsct")
    return Flow(
        cohort=cohort,
        relapses=relapses,
        induction_failures=failures,
        relapsed_or_refractory=relapsed_or_refractory,
        without_relapse_or_failure=cohort - relapsed_or_refractory,
        salvage_evaluated=salvage.denominator,
        salvage_remission=salvage.numerator,
        salvage_no_remission=salvage.denominator - salvage.numerator,
        salvage_not_evaluable=relapsed_or_refractory - salvage.denominator,
        hsct=hsct,
        hsct_in_remission=_count(study, "hsct_in_remission"),
        hsct_not_in_remission=_count(study, "hsct_not_in_remission"),
        hsct_status_unknown=_count(study, "hsct_status_unknown"),
        no_hsct=relapsed_or_refractory - hsct,
    )
