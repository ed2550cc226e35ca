"""The clinical rules every patient must follow, checked on whole ensembles or on one patient file.

The abstract does not say when remission after salvage was assessed. This site chooses a
*landmark*, :data:`LANDMARK_MONTHS` after the start of second-line treatment, and reads the
abstract with it (the site's reading, not the paper's). Three kinds of rule:

- **rules** (:data:`RULES`), the site's reading, for every cohort and every real patient file:
  remission after salvage is assessed at the landmark, so a patient evaluated for it was alive
  then; a transplant comes after the landmark; "in remission" means remission after salvage;
  a patient alive at 5 years reached remission after salvage or had a transplant; an induction
  failure has 0 months of first remission and a relapse at least one (a relapse needs a
  remission first);
- **bounds** (:data:`BOUNDS`), named assumptions of the reconstruction's draws, checked on every
  reconstructed cohort but not on real data: a transplant within the first year, and follow-up
  no longer than the data cut-off the abstract's trial years and median follow-up imply;
- **hypotheses** (:data:`HYPOTHESES`): the two readings of the patients missing from the
  remission denominator, each with the rule that makes its cohorts coherent.

:func:`rule_checks` returns, per cohort, whether every patient follows each rule (the
reconstruction keeps only cohorts that do); :func:`patient_rule_problems` lists every
patient of a real file that does not, for the loader to warn about.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, cast

import numpy as np
import pandas as pd

from ..errors import DataProblem
from ..study.schema import MedianFigure, SurvivalFigure
from .cohorts import FIRST_EVENT_CODES, SALVAGE_CODES, TRANSPLANT_CODES, Ensemble
from .vocabulary import FIRST_EVENTS, SALVAGE, TRANSPLANT

if TYPE_CHECKING:
    from ..study.schema import Study

__all__ = [
    "BOUNDS",
    "EARLY_DEATHS",
    "HORIZON_MONTHS",
    "HYPOTHESES",
    "LANDMARK_MONTHS",
    "MIN_RELAPSE_REMISSION_MONTHS",
    "RULES",
    "TRANSPLANT_BY_MONTHS",
    "UNKNOWN_TRANSPLANTS",
    "Bounds",
    "Hypothesis",
    "Rule",
    "patient_rule_problems",
    "rule_checks",
    "rule_violations",
    "rules_for",
    "rules_named",
    "study_bounds",
    "what_cohorts_hold",
]

LANDMARK_MONTHS = 2.0
HORIZON_MONTHS = 60.0  # the abstract's 5-year time point
MIN_RELAPSE_REMISSION_MONTHS = 1.0  # a relapse needs a remission first (whole months)
TRANSPLANT_BY_MONTHS = 12.0  # a named assumption: the abstract gives no transplant times

EARLY_DEATHS = "early_deaths"
UNKNOWN_TRANSPLANTS = "unknown_transplants"
MONTHS_PER_YEAR = 12.0


@dataclass(frozen=True)
class Bounds:
    """The numbers the rules and bounds are checked with (months from the start of second-line
    treatment, except ``cutoff``: months from the first enrolment to the data cut-off)."""

    landmark: float = LANDMARK_MONTHS
    horizon: float = HORIZON_MONTHS
    min_relapse_remission: float = MIN_RELAPSE_REMISSION_MONTHS
    transplant_by: float = TRANSPLANT_BY_MONTHS
    cutoff: float = math.inf
    cutoff_date: dt.date | None = None


def study_bounds(study: Study, *, landmark: float = LANDMARK_MONTHS) -> Bounds:
    """The bounds for this study: the data cut-off is the one its trial years and median
    follow-up imply (a named assumption), never after the paper's publication.

    Enrolment is taken as spread evenly over the trial years, so the median patient was enrolled
    at their middle and began second-line treatment one median first remission later; the
    survivors' median follow-up then ends at the cut-off. A patient enrolled on the first day of
    the first trial year and relapsing after ``f`` months of first remission can be followed for
    at most ``cutoff − f`` months (the induction months are not counted: the longer bound).
    """
    first, last = study.design.enrolment_years
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    middle = start + (end - start) / 2
    fr, fu, os5 = (study.figure(i) for i in ("first_remission", "follow_up", "os_5y"))
    assert isinstance(fr, MedianFigure)  # each id's kind is fixed by the study file's schema
    assert isinstance(fu, MedianFigure)
    assert isinstance(os5, SurvivalFigure)
    follow = fu.value * (MONTHS_PER_YEAR if fu.unit == "years" else 1.0)
    months = _months(start, middle) + float(fr.value) + follow
    cutoff = min(months, _months(start, study.citation.date))  # never after publication
    horizon = float(os5.time) * (MONTHS_PER_YEAR if os5.unit == "years" else 1.0)
    return Bounds(
        landmark=landmark,
        horizon=horizon,
        cutoff=cutoff,
        cutoff_date=start + dt.timedelta(days=cutoff / MONTHS_PER_YEAR * 365.25),
    )


def _months(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25 * MONTHS_PER_YEAR


@dataclass(frozen=True)
class Rule:
    """One rule: identifier, the patient field it is about, what it requires, where it comes
    from, and its kind (``rule``, ``bound`` or ``hypothesis``)."""

    name: str
    field: str
    text: str
    source: str
    kind: Literal["rule", "bound", "hypothesis"] = "rule"


LANDMARK_SOURCE = "this site's landmark (the abstract gives no time for the assessment)"

RULES: tuple[Rule, ...] = (
    Rule(
        "evaluated_alive_at_landmark",
        "salvage_remission",
        "a patient evaluated for remission after salvage (yes or no) is alive at the landmark; "
        "a death before it is 'not evaluable'",
        LANDMARK_SOURCE,
    ),
    Rule(
        "transplant_after_landmark",
        "transplant_months",
        "a transplant comes after the landmark and no later than death or last contact "
        "(checked on the transplant month where one is recorded, else on being alive at the "
        "landmark)",
        LANDMARK_SOURCE,
    ),
    Rule(
        "transplant_matches_remission",
        "transplant",
        "'in remission' only after remission after salvage; 'without remission' only without it",
        "this site's reading of the abstract's transplant counts",
    ),
    Rule(
        "long_survivor_had_remission_or_transplant",
        "salvage_remission",
        "a patient alive at 5 years reached remission after salvage or had a transplant",
        "this site's rule (not stated in the abstract)",
    ),
    Rule(
        "induction_failure_has_no_first_remission",
        "first_remission_months",
        "an induction failure has 0 months of first remission",
        "this site's reading: the abstract's range of first remission starts at 0",
    ),
    Rule(
        "relapse_after_a_first_remission",
        "first_remission_months",
        f"a relapse has at least {MIN_RELAPSE_REMISSION_MONTHS:g} month of first remission "
        "(a relapse needs a remission first)",
        "clinical definition of a relapse; whole months, as the abstract prints them",
    ),
)

BOUNDS: tuple[Rule, ...] = (
    Rule(
        "transplant_within_first_year",
        "transplant_months",
        f"a transplant has its month drawn, within the first {TRANSPLANT_BY_MONTHS:g} months "
        "of second-line treatment",
        "named assumption of the reconstruction: the abstract gives no transplant times",
        "bound",
    ),
    Rule(
        "follow_up_within_data_cutoff",
        "months",
        "death or last contact no later than the data cut-off, counted from the earliest "
        "possible start of second-line treatment: the first trial year's 1 January plus the "
        "patient's first remission",
        "named assumption: the cut-off the abstract's trial years and median follow-up imply",
        "bound",
    ),
)


@dataclass(frozen=True)
class Hypothesis:
    """One reading of the patients missing from the remission denominator, and its rule."""

    key: str
    label: str
    assumption: str
    rule: Rule


HYPOTHESES: dict[str, Hypothesis] = {
    EARLY_DEATHS: Hypothesis(
        EARLY_DEATHS,
        "the patients not evaluated died before the landmark",
        (
            "the patients missing from the remission denominator died before their response "
            "could be assessed; the transplants of unknown status then went to evaluated "
            "patients whose remission status at the transplant, after the assessment, was not "
            "recorded"
        ),
        Rule(
            "not_evaluable_died_before_landmark",
            "salvage_remission",
            "a patient not evaluated for remission died at or before the landmark",
            "hypothesis: the patients missing from the remission denominator died early",
            "hypothesis",
        ),
    ),
    UNKNOWN_TRANSPLANTS: Hypothesis(
        UNKNOWN_TRANSPLANTS,
        "the patients not evaluated are the transplants of unknown status",
        (
            "the patients missing from the remission denominator are those transplanted with "
            "unknown status: alive at the landmark, but with no remission status recorded, so "
            "no patient with a known remission status has a transplant of unknown status"
        ),
        Rule(
            "not_evaluable_are_the_unknown_status_transplants",
            "transplant",
            "a transplant of unknown status is exactly a patient not evaluated for remission",
            "hypothesis: the patients missing from the remission denominator are the transplants "
            "of unknown status",
            "hypothesis",
        ),
    ),
}


def rules_for(*, reconstructed: bool, hypothesis: str | None = None) -> tuple[Rule, ...]:
    """The rules a cohort is checked against: the site's rules, the reconstruction's bounds
    (reconstructed cohorts only) and the rule of the scenario's hypothesis, if any."""
    extra = (HYPOTHESES[hypothesis].rule,) if hypothesis is not None else ()
    return RULES + (BOUNDS if reconstructed else ()) + extra


@dataclass(frozen=True)
class _Arrays:
    months: np.ndarray
    death: np.ndarray
    salvage: np.ndarray
    transplant: np.ndarray
    transplant_months: np.ndarray
    first_event: np.ndarray
    first_remission: np.ndarray


def _transplant_bad(p: _Arrays, b: Bounds) -> np.ndarray:
    transplanted = p.transplant != TRANSPLANT_CODES["none"]
    at = p.transplant_months
    recorded = ~np.isnan(at)
    with np.errstate(invalid="ignore"):
        timed = recorded & ((at <= b.landmark) | (at > p.months))
    return np.asarray(transplanted & (timed | (~recorded & (p.months <= b.landmark))), dtype=bool)


_CHECKS: dict[str, Callable[[_Arrays, Bounds], np.ndarray]] = {
    "evaluated_alive_at_landmark": lambda p, b: (
        (p.salvage != SALVAGE_CODES["not_evaluable"]) & (p.months <= b.landmark)
    ),
    "transplant_after_landmark": _transplant_bad,
    "transplant_matches_remission": lambda p, b: (
        ((p.transplant == TRANSPLANT_CODES["in_remission"]) & (p.salvage != SALVAGE_CODES["yes"]))
        | (
            (p.transplant == TRANSPLANT_CODES["not_in_remission"])
            & (p.salvage != SALVAGE_CODES["no"])
        )
    ),
    "long_survivor_had_remission_or_transplant": lambda p, b: (
        (p.months >= b.horizon)
        & (p.salvage != SALVAGE_CODES["yes"])
        & (p.transplant == TRANSPLANT_CODES["none"])
    ),
    "induction_failure_has_no_first_remission": lambda p, b: (
        (p.first_event == FIRST_EVENT_CODES["induction_failure"]) & (p.first_remission != 0)
    ),
    "relapse_after_a_first_remission": lambda p, b: (
        (p.first_event == FIRST_EVENT_CODES["relapse"])
        & (p.first_remission < b.min_relapse_remission)
    ),
    "transplant_within_first_year": lambda p, b: (
        (p.transplant != TRANSPLANT_CODES["none"])
        & ~(p.transplant_months <= b.transplant_by)  # a missing month breaks it too
    ),
    "follow_up_within_data_cutoff": lambda p, b: p.months > b.cutoff - p.first_remission + 1e-9,
    "not_evaluable_died_before_landmark": lambda p, b: (
        (p.salvage == SALVAGE_CODES["not_evaluable"]) & ((p.months > b.landmark) | (p.death == 0))
    ),
    "not_evaluable_are_the_unknown_status_transplants": lambda p, b: (
        (p.salvage == SALVAGE_CODES["not_evaluable"])
        != (p.transplant == TRANSPLANT_CODES["status_unknown"])
    ),
}


def _arrays(ensemble: Ensemble) -> _Arrays:
    return _Arrays(
        ensemble.months,
        ensemble.death,
        ensemble.salvage,
        ensemble.transplant,
        ensemble.transplant_months,
        ensemble.first_event,
        ensemble.first_remission,
    )


def rule_violations(
    ensemble: Ensemble, *, bounds: Bounds, rules: tuple[Rule, ...] = RULES
) -> dict[str, np.ndarray]:
    """Per rule of ``rules``, True where a patient breaks it, shape ``(cohorts, patients)``."""
    p = _arrays(ensemble)
    return {rule.name: _CHECKS[rule.name](p, bounds) for rule in rules}


def rule_checks(
    ensemble: Ensemble, *, bounds: Bounds, rules: tuple[Rule, ...] = RULES
) -> pd.DataFrame:
    """True where every patient of a cohort follows the rule; one row per cohort, one column
    per rule of ``rules``."""
    bad = rule_violations(ensemble, bounds=bounds, rules=rules)
    return pd.DataFrame({name: ~v.any(axis=1) for name, v in bad.items()})


class _Row(Protocol):
    """One row of a validated patient table, as ``itertuples`` gives it (the fields read here)."""

    id: str
    months: float
    transplant: str
    salvage_remission: str
    first_remission_months: float


def patient_rule_problems(
    frame: pd.DataFrame,
    *,
    file: str,
    lines: list[int] | None = None,
    bounds: Bounds | None = None,
) -> list[DataProblem]:
    """Every patient of a validated patient table that breaks a rule of :data:`RULES`, as a
    :class:`DataProblem`.

    ``frame`` is :func:`~analysis.patient_level.load.load_patients`' table; ``lines`` the
    file line of each row (default: header + row number). The reconstruction's bounds are not
    applied to real data.
    """
    b = bounds or Bounds()
    landmark = b.landmark

    def codes(column: str, names: tuple[str, ...]) -> np.ndarray:
        return frame[column].map({n: i for i, n in enumerate(names)}).to_numpy(dtype=np.int8)

    at = pd.to_numeric(frame["transplant_months"], errors="coerce").to_numpy(dtype=float)
    p = _Arrays(
        frame["months"].to_numpy(dtype=float),
        frame["death"].to_numpy(dtype=np.int8),
        codes("salvage_remission", SALVAGE),
        codes("transplant", TRANSPLANT),
        at,
        codes("first_event", FIRST_EVENTS),
        frame["first_remission_months"].to_numpy(dtype=float),
    )
    bad = {rule.name: _CHECKS[rule.name](p, b) for rule in RULES}

    def transplant(r: _Row, i: int) -> tuple[str, str, str]:
        if np.isnan(at[i]):
            found = (
                f"transplant '{r.transplant}' with months {r.months:g} (transplant before the "
                f"landmark of {landmark:g} months)"
            )
            expected = (
                f"a transplant after the landmark of {landmark:g} months, so only to a patient "
                "alive then (this site's rule)"
            )
            return "transplant", found, expected
        expected = (
            f"a transplant after the landmark of {landmark:g} months and no later than the "
            "patient's last time (this site's rule)"
        )
        return "transplant_months", f"{at[i]:g} (months {r.months:g})", expected

    found: dict[str, Callable[[_Row, int], str]] = {
        "evaluated_alive_at_landmark": lambda r, i: (
            f"salvage_remission '{r.salvage_remission}' with months {r.months:g} "
            f"(death or last contact at or before the landmark of {landmark:g} months)"
        ),
        "transplant_matches_remission": lambda r, i: (
            f"transplant '{r.transplant}' with salvage_remission '{r.salvage_remission}'"
        ),
        "long_survivor_had_remission_or_transplant": lambda r, i: (
            f"alive at {r.months:g} months with salvage_remission '{r.salvage_remission}' "
            "and no transplant"
        ),
        "induction_failure_has_no_first_remission": lambda r, i: (
            f"first_remission_months {r.first_remission_months:g} for an induction failure"
        ),
        "relapse_after_a_first_remission": lambda r, i: (
            f"first_remission_months {r.first_remission_months:g} for a relapse"
        ),
    }
    problems: list[DataProblem] = []
    # cast: pandas-stubs type itertuples' rows as plain tuples; they are namedtuples of the columns
    rows = cast("list[_Row]", list(frame.itertuples(index=False)))
    line = lines or [i + 2 for i in range(len(rows))]
    for rule in RULES:
        for i in np.flatnonzero(bad[rule.name]).tolist():
            r = rows[i]
            if rule.name == "transplant_after_landmark":
                field, what, expected = transplant(r, i)
            else:
                field, what = rule.field, found[rule.name](r, i)
                expected = rule.text + f" (landmark {landmark:g} months, this site's rule)"
            problems.append(
                DataProblem(file, f"row {i + 1} (id '{r.id}')", field, what, expected, line=line[i])
            )
    return problems


def _span(values: np.ndarray, unit: str = " months") -> str:
    v = values[np.isfinite(values)]
    if not len(v):
        return "none recorded"
    low, high = float(v.min()), float(v.max())
    return f"{low:g}{unit}" if low == high else f"{low:g}–{high:g}{unit}"


def _where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(mask, values, np.nan)


def what_cohorts_hold(name: str, ens: Ensemble, bounds: Bounds) -> str:
    """What the cohorts hold for the rule ``name``: the values it bounds, across ``ens``."""
    evaluated = ens.salvage != SALVAGE_CODES["not_evaluable"]
    transplanted = ens.transplant != TRANSPLANT_CODES["none"]
    relapse = ens.first_event == FIRST_EVENT_CODES["relapse"]
    if name == "evaluated_alive_at_landmark":
        return f"evaluated patients' shortest time: {np.min(ens.months[evaluated]):g} months"
    if name in {"transplant_after_landmark", "transplant_within_first_year"}:
        months = _where(transplanted, ens.transplant_months)
        lag = _where(transplanted, ens.months - ens.transplant_months)
        text = f"transplant months {_span(months)}"
        if name == "transplant_after_landmark" and np.isfinite(lag).any():
            text += (
                f"; shortest time from transplant to death or last contact {np.nanmin(lag):g} "
                "months"
            )
        if name == "transplant_within_first_year":
            missing = int((transplanted & np.isnan(ens.transplant_months)).sum())
            text += f"; transplants without a month: {missing}"
        return text
    if name == "induction_failure_has_no_first_remission":
        return "first remission of induction failures: " + _span(
            _where(~relapse, ens.first_remission)
        )
    if name == "relapse_after_a_first_remission":
        return "first remission of relapses: " + _span(_where(relapse, ens.first_remission))
    if name == "follow_up_within_data_cutoff":
        room = bounds.cutoff - ens.first_remission - ens.months
        return (
            f"longest follow-up {np.nanmax(ens.months):g} months; closest to the patient's "
            f"limit: {np.nanmin(room):.1f} months before it"
        )
    if name == "not_evaluable_died_before_landmark":
        return "the not evaluated died at " + _span(
            _where(~evaluated & (ens.death == 1), ens.months)
        )
    if name == "not_evaluable_are_the_unknown_status_transplants":
        unknown = ens.transplant == TRANSPLANT_CODES["status_unknown"]
        return (
            f"transplants of unknown status to evaluated patients: {int((unknown & evaluated).sum())}; "
            f"not evaluated without one: {int((~unknown & ~evaluated).sum())}"
        )
    return "patients breaking it: " + str(
        int(rule_violations(ens, bounds=bounds, rules=rules_named(name))[name].sum())
    )


def rules_named(name: str) -> tuple[Rule, ...]:
    return tuple(
        r for r in (*RULES, *BOUNDS, *(h.rule for h in HYPOTHESES.values())) if r.name == name
    )
