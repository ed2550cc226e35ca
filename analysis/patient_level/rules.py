"""The clinical rules every patient must follow, checked on whole ensembles or on one patient file.

The abstract does not say when remission after salvage was assessed. This site chooses a
*landmark*, :data:`LANDMARK_MONTHS` after the start of second-line treatment, and reads the
abstract with it (the site's reading, not the paper's):

- remission after salvage is assessed at the landmark, so a patient evaluated for it (remission
  yes or no) was alive at the landmark; a death before it makes the patient "not evaluable";
- a transplant happens after the landmark, so only to a patient alive then; "in remission"
  means remission after salvage, "without remission" means none;
- a patient alive at 5 years reached remission after salvage or had a transplant (no one
  survives five years with neither);
- an induction failure has 0 months of first remission (the reading that gives the published
  range its lower end of 0), everywhere on the site.

:func:`rule_checks` returns, per cohort, whether every patient follows each rule (the
reconstruction keeps only cohorts that do); :func:`patient_rule_problems` lists every
patient of a real file that does not, for the loader to warn about.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataProblem
from .cohorts import FIRST_EVENT_CODES, SALVAGE_CODES, TRANSPLANT_CODES, Ensemble
from .vocabulary import FIRST_EVENTS, SALVAGE, TRANSPLANT

__all__ = [
    "HORIZON_MONTHS",
    "LANDMARK_MONTHS",
    "RULES",
    "Rule",
    "patient_rule_problems",
    "rule_checks",
    "rule_violations",
]

LANDMARK_MONTHS = 2.0
HORIZON_MONTHS = 60.0  # the abstract's 5-year time point


@dataclass(frozen=True)
class Rule:
    """One clinical rule: identifier, the patient field it is about, and what it requires."""

    name: str
    field: str
    text: str


RULES: tuple[Rule, ...] = (
    Rule(
        "evaluated_alive_at_landmark",
        "salvage_remission",
        "a patient evaluated for remission after salvage (yes or no) is alive at the landmark; "
        "a death before it is 'not evaluable'",
    ),
    Rule(
        "transplant_after_landmark",
        "transplant",
        "a transplant happens after the landmark, so only to a patient alive then",
    ),
    Rule(
        "transplant_matches_remission",
        "transplant",
        "'in remission' only after remission after salvage; 'without remission' only without it",
    ),
    Rule(
        "long_survivor_had_remission_or_transplant",
        "salvage_remission",
        "a patient alive at 5 years reached remission after salvage or had a transplant",
    ),
    Rule(
        "induction_failure_has_no_first_remission",
        "first_remission_months",
        "an induction failure has 0 months of first remission",
    ),
)


def _violations(
    months: np.ndarray,
    salvage: np.ndarray,
    transplant: np.ndarray,
    first_event: np.ndarray,
    first_remission: np.ndarray,
    landmark: float,
) -> dict[str, np.ndarray]:
    """Per rule, True where a patient breaks it (arrays of any equal shape)."""
    evaluated = salvage != SALVAGE_CODES["not_evaluable"]
    transplanted = transplant != TRANSPLANT_CODES["none"]
    return {
        "evaluated_alive_at_landmark": evaluated & (months <= landmark),
        "transplant_after_landmark": transplanted & (months <= landmark),
        "transplant_matches_remission": (
            (transplant == TRANSPLANT_CODES["in_remission"]) & (salvage != SALVAGE_CODES["yes"])
        )
        | ((transplant == TRANSPLANT_CODES["not_in_remission"]) & (salvage != SALVAGE_CODES["no"])),
        "long_survivor_had_remission_or_transplant": (months >= HORIZON_MONTHS)
        & (salvage != SALVAGE_CODES["yes"])
        & ~transplanted,
        "induction_failure_has_no_first_remission": (
            first_event == FIRST_EVENT_CODES["induction_failure"]
        )
        & (first_remission != 0),
    }


def rule_violations(
    ensemble: Ensemble, *, landmark: float = LANDMARK_MONTHS
) -> dict[str, np.ndarray]:
    """Per rule of :data:`RULES`, True where a patient breaks it, shape ``(cohorts, patients)``."""
    return _violations(
        ensemble.months,
        ensemble.salvage,
        ensemble.transplant,
        ensemble.first_event,
        ensemble.first_remission,
        landmark,
    )


def rule_checks(ensemble: Ensemble, *, landmark: float = LANDMARK_MONTHS) -> pd.DataFrame:
    """True where every patient of a cohort follows the rule; one row per cohort, one column
    per rule of :data:`RULES`."""
    bad = rule_violations(ensemble, landmark=landmark)
    return pd.DataFrame({name: ~v.any(axis=1) for name, v in bad.items()})


def patient_rule_problems(
    frame: pd.DataFrame,
    *,
    file: str,
    lines: list[int] | None = None,
    landmark: float = LANDMARK_MONTHS,
) -> list[DataProblem]:
    """Every patient of a validated patient table that breaks a rule, as a :class:`DataProblem`.

    ``frame`` is :func:`~analysis.patient_level.patients.load_patients`' table; ``lines`` the
    file line of each row (default: header + row number). A ``transplant_months`` value at or before the landmark, or
    after the patient's last time, is reported too.
    """

    def codes(column: str, names: tuple[str, ...]) -> np.ndarray:
        return frame[column].map({n: i for i, n in enumerate(names)}).to_numpy(dtype=np.int8)

    months = frame["months"].to_numpy(dtype=float)
    bad = _violations(
        months,
        codes("salvage_remission", SALVAGE),
        codes("transplant", TRANSPLANT),
        codes("first_event", FIRST_EVENTS),
        frame["first_remission_months"].to_numpy(dtype=float),
        landmark,
    )
    found = {
        "evaluated_alive_at_landmark": lambda r: (
            f"salvage_remission '{r.salvage_remission}' with months {r.months:g} "
            f"(death or last contact at or before the landmark of {landmark:g} months)"
        ),
        "transplant_after_landmark": lambda r: (
            f"transplant '{r.transplant}' with months {r.months:g} (transplant before the "
            f"landmark of {landmark:g} months)"
        ),
        "transplant_matches_remission": lambda r: (
            f"transplant '{r.transplant}' with salvage_remission '{r.salvage_remission}'"
        ),
        "long_survivor_had_remission_or_transplant": lambda r: (
            f"alive at {r.months:g} months with salvage_remission '{r.salvage_remission}' "
            "and no transplant"
        ),
        "induction_failure_has_no_first_remission": lambda r: (
            f"first_remission_months {r.first_remission_months:g} for an induction failure"
        ),
    }
    problems: list[DataProblem] = []
    rows = list(frame.itertuples(index=False))
    line = lines or [i + 2 for i in range(len(rows))]
    for rule in RULES:
        for i in np.flatnonzero(bad[rule.name]):
            r = rows[i]
            problems.append(
                DataProblem(
                    file,
                    f"row {i + 1} (id '{r.id}')",
                    rule.field,
                    found[rule.name](r),
                    rule.text + f" (landmark {landmark:g} months, this site's rule)",
                    line=line[i],
                )
            )
    if "transplant_months" in frame.columns:
        for i, r in enumerate(rows):
            at = r.transplant_months
            if at is None or at == "" or (isinstance(at, float) and np.isnan(at)):
                continue
            at = float(at)
            if at <= landmark or at > r.months:
                problems.append(
                    DataProblem(
                        file,
                        f"row {i + 1} (id '{r.id}')",
                        "transplant_months",
                        f"{at:g} (months {r.months:g})",
                        f"a transplant after the landmark of {landmark:g} months and no later "
                        "than the patient's last time (this site's rule)",
                        line=line[i],
                    )
                )
    return problems
