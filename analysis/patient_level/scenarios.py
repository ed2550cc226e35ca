"""The reconstruction's named assumptions: what the paper leaves open (:class:`Assumptions`,
each default explained by :func:`assumption_notes`) and the scenarios the site draws cohorts
under (:data:`SCENARIOS`), each a named choice of them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .rules import (
    EARLY_DEATHS,
    HYPOTHESES,
    LANDMARK_MONTHS,
    MIN_RELAPSE_REMISSION_MONTHS,
    UNKNOWN_TRANSPLANTS,
    Bounds,
)

__all__ = ["SCENARIOS", "Assumptions", "Scenario", "assumption_notes", "prior_text"]


@dataclass(frozen=True)
class Assumptions:
    """Choices the paper leaves open; every default is explained in :data:`ASSUMPTION_NOTES`.

    ``weibull_shape`` is the shape of the hazard after the landmark (1 constant, below 1
    early-heavy, above 1 late-heavy); ``p_filter`` keeps only cohorts whose univariate log-rank
    P rounds to the published (multivariate) P, a scenario, never the default; ``missing`` is
    the reading of the patients missing from the remission denominator (a key of
    :data:`~.rules.HYPOTHESES`).
    """

    weibull_shape: float = 1.0
    hazard_ratio_range: tuple[float, float] = (1.0, 8.0)
    time_decimals: int = 1
    median_gap_months: float = 3.0
    landmark: float = LANDMARK_MONTHS
    p_filter: bool = False
    missing: str = EARLY_DEATHS

    @property
    def hazard_ratio_median(self) -> float:
        """Median of the log-uniform prior of the hazard ratio (its geometric midpoint)."""
        return math.sqrt(self.hazard_ratio_range[0] * self.hazard_ratio_range[1])


@dataclass(frozen=True)
class Scenario:
    """A named assumption: its key, its label (legend, caption, CSV), what it assumes, and the
    assumptions it draws with.

    Two families are combined this way: the shape of the hazard (constant, early-heavy,
    late-heavy, and constant with the P filter), each with the first reading of the patients
    missing from the remission denominator (they died before the landmark); and the second
    reading (they are the transplants of unknown status) with the default, constant hazard
    only. :attr:`title` names both halves.
    """

    key: str
    label: str
    assumption: str
    assumptions: Assumptions

    @property
    def hypothesis(self) -> str:
        """What the scenario assumes about the patients missing from the denominator."""
        return HYPOTHESES[self.assumptions.missing].label

    @property
    def title(self) -> str:
        """The label and the missing-patient reading, e.g. for a chart's title."""
        if self.assumptions.missing == EARLY_DEATHS:
            return f"{self.label}; {self.hypothesis}"
        return self.label


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "constant",
        "Assumed: constant hazard",
        "the risk of death stays the same from the landmark to 5 years (Weibull shape 1)",
        Assumptions(),
    ),
    Scenario(
        "early",
        "Assumed: early-heavy hazard",
        "deaths cluster soon after the landmark (Weibull shape 0.5: the risk falls over time)",
        Assumptions(weibull_shape=0.5),
    ),
    Scenario(
        "late",
        "Assumed: late-heavy hazard",
        "deaths come later, towards 5 years (Weibull shape 2: the risk rises over time)",
        Assumptions(weibull_shape=2.0),
    ),
    Scenario(
        "p_filtered",
        "Assumed: constant hazard, univariate P filter",
        (
            "constant hazard, and only cohorts whose univariate log-rank P for remission rounds "
            "to 0.01 are kept, as if the published multivariate P were univariate"
        ),
        Assumptions(p_filter=True),
    ),
    Scenario(
        "unknown_transplants",
        "Assumed: constant hazard; the patients not evaluated are the transplants of unknown "
        "status",
        (
            "constant hazard; the patients missing from the remission denominator are those "
            "transplanted with unknown status, alive at the landmark (each is given the hazard "
            "of remission or of no remission at random, in the evaluated patients' proportion)"
        ),
        Assumptions(missing=UNKNOWN_TRANSPLANTS),
    ),
)


def prior_text(assumptions: Assumptions) -> str:
    """The hazard-ratio prior a scenario draws from, e.g. 'log-uniformly from 1 to 8 (median
    2.83)'."""
    low, high = assumptions.hazard_ratio_range
    return f"log-uniformly from {low:g} to {high:g} (median {assumptions.hazard_ratio_median:.2f})"


def assumption_notes(
    bounds: Bounds, assumptions: Assumptions | None = None
) -> tuple[tuple[str, str, str], ...]:
    """What the paper leaves open, what the reconstruction assumes, and why: one
    ``(question, assumed, why)`` per choice (the table on the Patient-level data page)."""
    a = assumptions or Assumptions()
    low, high = a.hazard_ratio_range
    cutoff = bounds.cutoff_date.strftime("%B %Y") if bounds.cutoff_date else "not set"
    return (
        (
            "Shape of the hazard over time",
            "named scenarios: constant, early-heavy and late-heavy (Weibull shape 1, 0.5, 2)",
            (
                "The abstract gives one point of the survival curve (5 years). Any shape passes "
                "through it, and each shape is an assumption that changes survival at every time "
                "before 5 years; the site shows several, each labelled, and never treats one as "
                "data."
            ),
        ),
        (
            "Effect of no remission after salvage",
            (
                f"hazard ratio drawn log-uniformly from {low:g} to {high:g} (median "
                f"{a.hazard_ratio_median:.2f}); no filter on P"
            ),
            (
                "The abstract gives no hazard ratio, and its P = 0.01 comes from a multivariate "
                "model that cannot be reproduced from summary numbers, so cohorts are not filtered "
                "on it. One separate, labelled scenario keeps only cohorts whose univariate P "
                "rounds to 0.01."
            ),
        ),
        (
            "When remission after salvage was assessed",
            f"at a landmark {bounds.landmark:g} months after second-line treatment starts",
            (
                "The abstract gives no time. It is this site's choice; the evaluated patients are "
                "then alive at the landmark, and a transplant comes after it."
            ),
        ),
        (
            "The patients not evaluated for remission",
            (
                "two named scenarios: they died before the landmark (with every hazard shape), "
                "or they are the transplants of unknown status (with the constant hazard)"
            ),
            (
                "The abstract does not say why they are missing from the denominator. Early "
                "deaths explain it; so does missing data, and the transplants of unknown status "
                "are the simplest candidates. In the first scenario those transplants go to "
                "evaluated patients whose status at the transplant was not recorded; in the "
                "second, no patient with a known remission status has a transplant of unknown "
                "status. Either way they are left out of every comparison by remission, as in "
                "the paper's remission denominator."
            ),
        ),
        (
            "Losses to follow-up before 5 years",
            "none before the last death",
            (
                "Every order of deaths and losses was searched (see Survival): with the ± read as "
                "a truncated Greenwood or Peto standard error and all patients entering at the "
                "start of second-line treatment, only orders without a loss before a death give "
                "the published estimate and error."
            ),
        ),
        (
            "Deaths after 5 years",
            "assumed none; curves are drawn to 5 years only",
            (
                "The abstract is silent; survivors at 5 years are followed until their last "
                "contact. The published numbers bound survival only up to 5 years."
            ),
        ),
        (
            "Follow-up of survivors",
            (
                "half between 5 years and the median, half from the median up to the data "
                f"cut-off (about {cutoff}), counted from the earliest start of second-line "
                "treatment the patient's first remission allows"
            ),
            (
                "Median follow-up is read as that of the patients alive at last contact; its "
                "rounding interval is met by construction. The cut-off is not printed: with "
                "enrolment spread evenly over the trial years, the median patient starts "
                "second-line treatment at their middle plus the median first remission, and the "
                "median follow-up runs from there to the cut-off (a named assumption)."
            ),
        ),
        (
            "Duration of first remission",
            (
                "whole months; induction failures count as 0; a relapse at least "
                f"{MIN_RELAPSE_REMISSION_MONTHS:g} month; the rest spread evenly below and above "
                "the median"
            ),
            (
                "The range's lower end of 0 suggests the induction failures are counted; a "
                "relapse needs a remission first. The abstract gives nothing about the shape of "
                "the distribution."
            ),
        ),
        (
            "Who was transplanted, and when",
            (
                "in remission: drawn from the remissions; without remission: from the patients "
                "without, survivors first; status unknown: as the scenario says; the month drawn "
                f"between the landmark and the earlier of death or {bounds.transplant_by:g} months"
            ),
            (
                "The abstract gives the split but not who or when. A transplant comes after the "
                "landmark, and a patient alive at 5 years without remission after salvage must have "
                "had one (this site's rule); otherwise it is independent of survival, so survival "
                "by transplant group in a cohort is an artefact of the construction, not a finding."
            ),
        ),
        (
            "Which patients reached remission",
            "at random, independent of first event and of first remission",
            "The abstract links remission only to survival.",
        ),
        (
            "Age under 3 months, CNS involvement",
            "left blank",
            "The abstract gives no counts for either, so none are invented.",
        ),
    )
