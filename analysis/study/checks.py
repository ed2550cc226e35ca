"""Consistency checks of the reported figures against each other and against arithmetic.

Where a check is one of the generic kinds (parts against their whole, a percentage against
k/n, a denominator against its count, an SE against its no-censoring floor), its verdict is
that kind's, run on the study's figures in the generic model (:mod:`.as_figures`); this module
adds only the wording for this study's readers. The other checks (what 0 months of first
remission means, survival as a whole number of survivors, factors without a P value, follow-up
against the time point) have no generic kind yet and are computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from ..datafile import decimals_of
from ..errors import DataProblem, StudyDataError
from ..figures.checks import CheckResult, check_figures
from ..stats.intervals import km_se_without_censoring
from .as_figures import as_figure_study
from .flow import Flow, patient_flow
from .schema import MedianFigure, ProportionFigure, Study, SurvivalFigure

__all__ = ["Check", "run_checks"]

Status = Literal["ok", "warn"]


@dataclass(frozen=True)
class Check:
    """One check: what was compared, the computed result, and what it means."""

    id: str
    title: str
    status: Status
    computed: str
    explanation: str
    open_question: str = ""
    """The question left open, as a reader would ask it (shown when the status is 'warn')."""

    @property
    def symbol(self) -> str:
        return "✓" if self.status == "ok" else "⚠"


def _verdicts(study: Study, flow: Flow) -> dict[tuple[str, str], CheckResult]:
    """The generic checks of the study's figures, by kind and the first figure they used."""
    return {(r.check, r.figures[0]): r for r in check_figures(as_figure_study(study, flow))}


def _status(verdicts: dict[tuple[str, str], CheckResult], kind: str, figure: str) -> Status:
    """``ok`` where the generic check of ``kind`` on ``figure`` passed; ``warn`` otherwise."""
    verdict = verdicts.get((kind, figure))
    if verdict is None:  # the relations the check needs are not declared in the data file
        expected = (
            f"the relations a '{kind}' check needs (counts with 'of: {figure}' or its 'sum_of')"
        )
        problem = DataProblem("study.yaml", figure, "of / sum_of", "none", expected)
        raise StudyDataError([problem])
    return "ok" if verdict.outcome == "pass" else "warn"


def _truncate(x: float, decimals: int) -> float:
    factor: int = 10**decimals
    return math.floor(x * factor + 1e-9) / factor


def _salvage(study: Study) -> ProportionFigure:
    fig = study.figure("salvage_remission")
    assert isinstance(fig, ProportionFigure)
    return fig


def _os(study: Study) -> SurvivalFigure:
    fig = study.figure("os_5y")
    assert isinstance(fig, SurvivalFigure)
    return fig


def _missing_readings(missing: int, unknown_status: int) -> str:
    """The readings of the patients missing from the remission denominator."""
    if missing <= 0:
        return ""
    early = (
        "they died before their response could be assessed"
        if missing > 1
        else "the patient died before the response could be assessed"
    )
    if unknown_status == missing:
        return (
            f"Two readings fit, and the abstract settles neither: {early}; or they are the "
            f"{unknown_status} transplanted with unknown status, whose remission status is by "
            "definition not known. The patient-level view reconstructs cohorts under each."
        )
    return (
        f"Early death fits ({early}); so does missing data, though the {unknown_status} "
        f"transplant(s) of unknown status cannot be exactly the {missing} missing. The abstract "
        "does not say."
    )


def run_checks(study: Study, *, flow: Flow | None = None) -> list[Check]:
    """Run every check; a check never raises, it reports ✓ or ⚠ with one line of explanation.

    ``flow`` is the study's patient flow when the caller has it already.
    """
    flow = flow if flow is not None else patient_flow(study)
    salvage = _salvage(study)
    os5 = _os(study)
    verdicts = _verdicts(study, flow)
    checks: list[Check] = []

    checks.append(
        Check(
            "relapsed_or_refractory_sum",
            "Relapses + induction failures make the relapsed or refractory group",
            _status(verdicts, "parts against their whole", "cohort"),
            f"{flow.relapses} + {flow.induction_failures} = {flow.relapsed_or_refractory} "
            f"of {flow.cohort}",
            f"{flow.relapsed_or_refractory} of {flow.cohort} infants relapsed or never reached "
            f"remission; the other {flow.without_relapse_or_failure} are outside this study.",
        )
    )

    hsct_sum = flow.hsct_in_remission + flow.hsct_not_in_remission + flow.hsct_status_unknown
    checks.append(
        Check(
            "hsct_parts_sum",
            "Transplants by remission status add up to all transplants",
            _status(verdicts, "parts against their whole", "hsct"),
            f"{flow.hsct_in_remission} + {flow.hsct_not_in_remission} + "
            f"{flow.hsct_status_unknown} = {hsct_sum} (reported {flow.hsct})",
            "The three groups of transplanted patients account for every transplant.",
        )
    )

    decimals = decimals_of(salvage.percent)
    exact = 100 * salvage.numerator / salvage.denominator
    checks.append(
        Check(
            "salvage_percent_matches_count",
            "Remission percentage matches its count",
            _status(verdicts, "percentage against k/n", salvage.id),
            f"{salvage.numerator}/{salvage.denominator} = {exact:.2f}% → "
            f"{exact:.{decimals}f}% (reported {salvage.percent}%)",
            "The printed percentage is the count ratio rounded to the printed precision.",
        )
    )

    missing = flow.relapsed_or_refractory - salvage.denominator
    checks.append(
        Check(
            "salvage_denominator",
            "Remission after salvage is reported over all relapsed or refractory patients",
            _status(verdicts, "denominator is its count", salvage.id),
            f"denominator {salvage.denominator} vs {flow.relapsed_or_refractory} patients "
            f"({missing} unaccounted for)",
            "The abstract says every patient received salvage, so a denominator below "
            f"{flow.relapsed_or_refractory} leaves {missing} patient(s) unexplained. "
            + _missing_readings(missing, flow.hsct_status_unknown),
            open_question=f"Why are {missing} patients missing from the remission denominator?",
        )
    )

    remissions, in_remission = flow.salvage_remission, flow.hsct_in_remission
    unaccounted = remissions - in_remission
    checks.append(
        Check(
            "hsct_in_remission_accounted",
            "Every remission after salvage is accounted for by the transplant counts",
            "ok" if unaccounted == 0 else "warn",
            f"{remissions} remissions after salvage, {in_remission} transplanted in remission "
            f"({abs(unaccounted)} {'unaccounted for' if unaccounted >= 0 else 'too many'})",
            (
                f"If the {in_remission} are among the {remissions} remissions after salvage, "
                f"{unaccounted} remissions did not go to transplant in remission; the abstract "
                "does not say what they received. "
                if unaccounted > 0
                else f"More transplants in remission than remissions after salvage: "
                f"{-unaccounted} reached remission some other way, which the abstract does not "
                "describe. "
                if unaccounted < 0
                else "Every remission after salvage went to transplant in remission. "
            )
            + f"For the {flow.induction_failures} induction failures a remission after salvage "
            f"is a first remission, so up to {min(flow.induction_failures, remissions)} of the "
            f"{remissions} may not be second remissions.",
            open_question="Which remissions after salvage went to transplant in remission?",
        )
    )

    first = study.figure("first_remission")
    assert isinstance(first, MedianFigure)
    ambiguous_zero = first.min == 0 and flow.induction_failures > 0
    checks.append(
        Check(
            "first_remission_zero",
            "It is clear who the 0 months of first remission are",
            "warn" if ambiguous_zero else "ok",
            f"range {first.min:g}–{first.max:g} {first.unit}; "
            f"{flow.induction_failures} induction failures had no first remission",
            "A lower end of 0 fits either induction failures counted as 0 months or a very "
            "early relapse; the abstract does not say which, nor whether the median "
            f"({first.value:g} {first.unit}) includes them."
            if ambiguous_zero
            else "The range does not start at 0, so induction failures were not counted as 0.",
            open_question="Are the induction failures counted as 0 months of first remission?",
        )
    )

    s = os5.percent / 100
    n = os5.n_at_start
    survivors = round(s * n)
    as_fraction = 100 * survivors / n
    se_decimals = decimals_of(os5.se)
    pct_decimals = decimals_of(os5.percent)
    fraction_matches = f"{as_fraction:.{pct_decimals}f}" == f"{os5.percent:.{pct_decimals}f}"
    checks.append(
        Check(
            "os_as_simple_fraction",
            "5-year OS equals a whole number of survivors out of all patients",
            "ok" if fraction_matches else "warn",
            f"{survivors}/{n} = {as_fraction:.2f}% (reported {os5.percent}%)",
            "Matches what a Kaplan–Meier estimate would be with no censoring before "
            f"{os5.time:g} {os5.unit}: {survivors} of {n} alive."
            if fraction_matches
            else "Not a simple fraction of the patients: censoring before the time point is "
            "implied.",
        )
    )

    floor = 100 * km_se_without_censoring(s, n)
    rounded = round(floor, se_decimals)
    truncated = _truncate(floor, se_decimals)
    status = _status(verdicts, "SE against its no-censoring floor", os5.id)
    if status == "ok":
        meaning = "The reported SE is at or above the smallest SE possible with these numbers."
    elif abs(os5.se - truncated) < 1e-9:
        meaning = (
            f"Below the no-censoring minimum rounded ({rounded:.{se_decimals}f}%), but equal to "
            f"it truncated: the SE reads as {floor:.2f}% cut to {se_decimals} decimal(s). "
            "Censoring before a death would raise the SE and widen this gap, so it cannot explain "
            "it; only truncation reconciles the two. A variance formula other than Greenwood's "
            "or Peto's (both give this minimum without censoring) would undo the reading that no "
            "patient was lost before the last death, rather than support it."
        )
    else:
        meaning = "Below the smallest SE a Kaplan–Meier estimate can have here: unexplained."
    checks.append(
        Check(
            "os_se_floor",
            f"Reported SE of the {os5.time:g}-year OS against the smallest possible SE",
            status,
            f"√(S(1−S)/n) with S = {os5.percent}%, n = {n}: {floor:.2f}% (reported {os5.se}%)",
            meaning,
            open_question=f"Is the reported ± {os5.se:g}% a truncated standard error?",
        )
    )

    unsized = [f for f in study.findings if f.p_value is None]
    names = ", ".join(f.factor[0].lower() + f.factor[1:] for f in unsized)
    checks.append(
        Check(
            "prognostic_factors_reported",
            "Every prognostic factor is reported with a P value",
            "ok" if not unsized else "warn",
            f"{len(study.findings) - len(unsized)} of {len(study.findings)} factors with a "
            "P value" + (f"; none for: {names}" if unsized else ""),
            (
                f"{len(unsized)} factor(s) are named as associated with outcome without a P "
                "value; the abstract also gives no group sizes or hazard ratios for them."
                if unsized
                else "Every factor named in the abstract comes with its P value."
            ),
            open_question=f"How many infants had each of these factors ({names}), and how "
            "large were the effects?",
        )
    )

    follow_up = study.figure("follow_up")
    assert isinstance(follow_up, MedianFigure)
    follow_years = follow_up.value / 12 if follow_up.unit == "months" else follow_up.value
    os_years = os5.time / 12 if os5.unit == "months" else os5.time
    checks.append(
        Check(
            "follow_up_covers_time_point",
            "Median follow-up reaches the survival time point",
            "ok" if follow_years >= os_years else "warn",
            f"median follow-up {follow_up.value:g} {follow_up.unit} vs time point "
            f"{os5.time:g} {os5.unit}",
            (
                "The median follow-up lies beyond the time point, so the estimate is not read "
                "off the thin tail of follow-up."
                if follow_years >= 1.2 * os_years
                else "The median follow-up reaches the time point, but only just: the estimate "
                "sits near the end of follow-up, where few patients are still observed."
            )
            if follow_years >= os_years
            else "The time point lies beyond the median follow-up: the estimate is fragile.",
        )
    )
    return checks
