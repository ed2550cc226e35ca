"""Pseudo-patient cohorts consistent with every published number (constructive, then filtered).

Each candidate cohort is built so that most published numbers hold by construction (the
counts, the first-remission median and range, 5-year OS and its standard error, the median
follow-up); only the log-rank P value and its direction are left to chance, and a candidate is
accepted when every constraint of :mod:`analysis.patient_level.fidelity` and every rule and
bound of :mod:`analysis.patient_level.rules` holds. What the paper does not constrain is set by
:class:`~.scenarios.Assumptions`; :func:`~.scenarios.assumption_notes` explains each default.
Deterministic for a given seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ReconstructionError
from ..study.schema import CountFigure, MedianFigure, ProportionFigure, Study, SurvivalFigure
from .cohorts import (
    RECONSTRUCTED_LABEL,
    SALVAGE_CODES,
    TRANSPLANT_CODES,
    Ensemble,
    concat_ensembles,
)
from .fidelity import MONTHS_PER_YEAR, Constraint, check, constraints, measure
from .rules import (
    HYPOTHESES,
    MIN_RELAPSE_REMISSION_MONTHS,
    UNKNOWN_TRANSPLANTS,
    Bounds,
    rule_checks,
    rules_for,
    study_bounds,
)
from .scenarios import Assumptions

__all__ = ["Reconstruction", "check_targets", "out_of_reach", "reconstruct"]

DEFAULT_SEED = 20090701  # the paper's publication date


@dataclass(frozen=True)
class Reconstruction:
    """Accepted cohorts and how many candidates it took."""

    ensemble: Ensemble
    candidates: int
    seed: int
    assumptions: Assumptions

    @property
    def acceptance_rate(self) -> float:
        return self.ensemble.size / self.candidates


@dataclass(frozen=True)
class _Targets:
    relapses: int
    induction_failures: int
    fr_median: int
    fr_min: int
    fr_max: int
    relapse_min: int
    yes: int
    no: int
    not_evaluable: int
    hsct: tuple[int, int, int]
    horizon: float
    survivors: int
    follow_up: tuple[float, float]
    bounds: Bounds


def _targets(study: Study, assumptions: Assumptions) -> _Targets:
    rel = study.figure("relapses")
    ind = study.figure("induction_failures")
    fr = study.figure("first_remission")
    sal = study.figure("salvage_remission")
    os5 = study.figure("os_5y")
    fu = study.figure("follow_up")
    hsct = [
        study.figure(i)
        for i in ("hsct_in_remission", "hsct_not_in_remission", "hsct_status_unknown")
    ]
    assert isinstance(rel, CountFigure)
    assert isinstance(ind, CountFigure)
    assert isinstance(fr, MedianFigure)
    assert isinstance(sal, ProportionFigure)
    assert isinstance(os5, SurvivalFigure)
    assert isinstance(fu, MedianFigure)
    in_remission, not_in_remission, status_unknown = hsct
    assert isinstance(in_remission, CountFigure)
    assert isinstance(not_in_remission, CountFigure)
    assert isinstance(status_unknown, CountFigure)
    n = rel.value + ind.value
    if sal.denominator > n:  # the data check only warns: the abstract's own 37 of 39 is legal
        msg = (
            f"study.yaml: entry 'salvage_remission', field 'denominator': found "
            f"{sal.denominator}; expected at most {n}, the relapsed or refractory patients "
            f"(relapses + induction failures) the reconstruction draws the evaluated from"
        )
        raise ReconstructionError(msg)
    relapse_min = math.ceil(MIN_RELAPSE_REMISSION_MONTHS)
    if (
        fr.min is None
        or fr.max is None
        or n % 2 == 0
        or (ind.value and fr.min != 0)
        or (not ind.value and fr.min < relapse_min)
        or fr.value < relapse_min
    ):
        msg = (
            "the first-remission construction needs an odd number of patients, a reported "
            "range, a lower end of 0 when there are induction failures, and a median of at "
            f"least {relapse_min} month (a relapse needs a remission first)"
        )
        raise ReconstructionError(msg)
    hypothesis_needs = {UNKNOWN_TRANSPLANTS: status_unknown.value}
    if assumptions.missing in hypothesis_needs and hypothesis_needs[assumptions.missing] != (
        n - sal.denominator
    ):
        msg = (
            f"study.yaml: entry 'hsct_status_unknown', field 'value': found "
            f"{hypothesis_needs[assumptions.missing]}; expected {n - sal.denominator}, as many "
            "transplants of unknown status as patients not evaluated for remission (scenario "
            f"'{HYPOTHESES[assumptions.missing].label}')"
        )
        raise ReconstructionError(msg)
    candidates = [k for k in range(n + 1) if round(100 * k / n, 1) == round(os5.percent, 1)]
    if not candidates:
        msg = f"no number of survivors out of {n} gives {os5.percent}% without censoring"
        raise ReconstructionError(msg)
    scale = MONTHS_PER_YEAR if fu.unit == "years" else 1.0
    half = 0.5 * 10**-1 * scale if fu.unit == "years" else 0.5
    bounds = study_bounds(study, landmark=assumptions.landmark)
    follow_up = (fu.value * scale - half, fu.value * scale + half)
    step = 10.0**-assumptions.time_decimals
    if bounds.cutoff - fr.max <= follow_up[1] + 2 * step:
        msg = (
            f"the data cut-off the trial years and median follow-up imply ({bounds.cutoff:.1f} "
            f"months after the first enrolment) leaves a patient with {fr.max:g} months of first "
            f"remission less follow-up than the median of {fu.value:g} {fu.unit}"
        )
        raise ReconstructionError(msg)
    return _Targets(
        relapses=rel.value,
        induction_failures=ind.value,
        fr_median=int(fr.value),
        fr_min=int(fr.min),
        fr_max=int(fr.max),
        relapse_min=max(int(fr.min), relapse_min),
        yes=sal.numerator,
        no=sal.denominator - sal.numerator,
        not_evaluable=n - sal.denominator,
        hsct=(in_remission.value, not_in_remission.value, status_unknown.value),
        horizon=float(os5.time) * (MONTHS_PER_YEAR if os5.unit == "years" else 1.0),
        survivors=candidates[0],
        follow_up=follow_up,
        bounds=bounds,
    )


def check_targets(study: Study, assumptions: Assumptions) -> None:
    """Refuse, before any sampling, a study whose numbers do not fit the construction under
    ``assumptions`` (the checks :func:`reconstruct` would otherwise make when it starts).

    Raises
    ------
    ReconstructionError
        Naming the file, entry and field, what was found and what was expected.
    """
    _targets(study, assumptions)


def _permuted(rng: np.random.Generator, batch: int, n: int) -> NDArray[np.intp]:
    return np.argsort(rng.random((batch, n)), axis=1)


def _ranks(keys: NDArray[np.float64]) -> NDArray[np.intp]:
    """Each entry's rank within its row (0 for the smallest): ``argsort(argsort(keys))``, with
    the second sort replaced by inverting the first's permutation (the same numbers)."""
    order = np.argsort(keys, axis=1)
    ranks = np.empty_like(order)
    ranks[np.arange(keys.shape[0])[:, None], order] = np.arange(keys.shape[1])
    return ranks


def _candidates(tg: _Targets, a: Assumptions, rng: np.random.Generator, batch: int) -> Ensemble:
    n = tg.relapses + tg.induction_failures
    rows = np.arange(batch)[:, None]
    # First event and first remission: induction failures at 0, one relapse at the median and
    # one at the maximum, the rest evenly below and above the median (whole months; a relapse
    # has at least ``relapse_min``).
    below = (n - 1) // 2 - tg.induction_failures
    above = (n - 1) // 2 - 1
    fr = np.concatenate(
        [
            np.zeros((batch, tg.induction_failures)),
            rng.integers(tg.relapse_min, tg.fr_median + 1, (batch, below)),
            np.full((batch, 1), tg.fr_median),
            rng.integers(tg.fr_median, tg.fr_max + 1, (batch, above)),
            np.full((batch, 1), tg.fr_max),
        ],
        axis=1,
    ).astype(float)
    event = np.concatenate(
        [
            np.ones((batch, tg.induction_failures), np.int8),
            np.zeros((batch, n - tg.induction_failures), np.int8),
        ],
        axis=1,
    )
    order = _permuted(rng, batch, n)
    fr, event = fr[rows, order], event[rows, order]
    # Remission after salvage, at random.
    salvage = np.repeat(np.array([0, 1, 2], np.int8), [tg.yes, tg.no, tg.not_evaluable])
    salvage = salvage[_permuted(rng, batch, n)]
    yes = salvage == SALVAGE_CODES["yes"]
    evaluated = salvage != SALVAGE_CODES["not_evaluable"]
    # Who lives past the landmark, and with which group's hazard: the evaluated; and, when the
    # not evaluated are the transplants of unknown status, those too, each with the hazard of
    # remission or not at random in the evaluated patients' proportion.
    unknown_transplants = a.missing == UNKNOWN_TRANSPLANTS
    if unknown_transplants:
        followed = np.ones((batch, n), bool)
        like_yes = yes | (~evaluated & (rng.random((batch, n)) < tg.yes / (tg.yes + tg.no)))
    else:
        followed, like_yes = evaluated, yes
    like_no = followed & ~like_yes
    # Proportional hazards after the landmark, Weibull baseline; cumulative hazard H (remission
    # group) from the landmark to the horizon solved so that the expected number of survivors
    # among the patients alive at the landmark is the reported one.
    lo, hi = np.log(a.hazard_ratio_range[0]), np.log(a.hazard_ratio_range[1])
    hr = np.exp(rng.uniform(lo, hi, batch))
    n_yes, n_other = like_yes.sum(axis=1), like_no.sum(axis=1)
    h_lo, h_hi = np.full(batch, 1e-9), np.full(batch, 50.0)
    for _ in range(80):
        mid = (h_lo + h_hi) / 2
        expected = n_yes * np.exp(-mid) + n_other * np.exp(-hr * mid)
        too_many = expected > tg.survivors
        h_lo, h_hi = np.where(too_many, mid, h_lo), np.where(too_many, h_hi, mid)
    cum = (h_lo + h_hi) / 2
    # Survivors per group: exact conditional distribution of two binomials given the total.
    p_yes, p_other = np.exp(-cum), np.exp(-hr * cum)
    k = np.arange(tg.survivors + 1)
    from scipy.stats import binom

    logp = binom.logpmf(k[None], n_yes[:, None], p_yes[:, None]) + binom.logpmf(
        tg.survivors - k[None], n_other[:, None], p_other[:, None]
    )
    s_yes = np.argmax(logp + rng.gumbel(size=logp.shape), axis=1)
    # Pick which patients survive: ranks within each group, random.
    rank = _ranks(rng.random((batch, n)) + 2.0 * ~like_yes)
    rank_no = _ranks(rng.random((batch, n)) + 2.0 * ~like_no)
    survivor = np.where(
        like_yes, rank < s_yes[:, None], like_no & (rank_no < (tg.survivors - s_yes)[:, None])
    )
    # Death times of those alive at the landmark: the group's Weibull from the landmark,
    # truncated to before the horizon; the others die before the landmark (uniformly).
    step = 10.0**-a.time_decimals
    span = tg.horizon - a.landmark
    group_hr = np.where(like_yes, 1.0, hr[:, None])
    total = group_hr * cum[:, None]
    u = rng.random((batch, n)) * -np.expm1(-total)
    t = a.landmark + span * (-np.log1p(-u) / total) ** (1 / a.weibull_shape)
    t = np.clip(np.round(t, a.time_decimals), a.landmark + step, tg.horizon - step)
    early = np.clip(
        np.round(rng.uniform(0, a.landmark, (batch, n)), a.time_decimals),
        step,
        a.landmark - step,
    )
    t = np.where(followed, t, early)
    # Follow-up of survivors: median placed inside the reported rounding interval, none past
    # the data cut-off.
    fu = _follow_up(tg, a, rng, survivor, fr)
    months = np.where(survivor, fu, t)
    death = (~survivor).astype(np.int8)
    transplant = _transplants(tg, rng, salvage, survivor, unknown_transplants=unknown_transplants)
    return Ensemble(
        ids=tuple(f"R{i + 1:02d}" for i in range(n)),
        months=months,
        death=death,
        first_event=event,
        first_remission=fr,
        salvage=salvage,
        transplant=transplant,
        transplant_months=_transplant_months(tg, a, rng, transplant, months),
        hazard_ratio=hr,
        label=RECONSTRUCTED_LABEL,
        reconstructed=True,
    )


def _follow_up(
    tg: _Targets,
    a: Assumptions,
    rng: np.random.Generator,
    survivor: NDArray[np.bool_],
    first_remission: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Each survivor's months of follow-up (other patients' entries are unused): the median
    inside the reported rounding interval; below it, values from just after the horizon; above
    it, values up to the patient's own limit, the data cut-off less their first remission."""
    batch, n = survivor.shape
    s = tg.survivors
    step = 10.0**-a.time_decimals
    floor = tg.horizon + step
    # int(): shape entries are typed Any, which would pick numpy's scalar overload of uniform
    median = rng.uniform(tg.follow_up[0] + step, tg.follow_up[1] - step, int(batch))
    gap = rng.uniform(0, np.minimum(a.median_gap_months, median - floor))
    if s % 2:
        middle: NDArray[np.float64] = median[:, None]
        below = s // 2
    else:
        middle = np.stack([median - gap, median + gap], axis=1)
        below = s // 2 - 1
    rank = _ranks(rng.random((batch, n)) + 2.0 * ~survivor)  # survivors first, at random
    u = rng.random((batch, n))
    limit = tg.bounds.cutoff - first_remission - step  # rounding stays within the cut-off
    low = floor + u * (middle[:, :1] - floor)
    high = middle[:, -1:] + u * (limit - middle[:, -1:])
    centre = np.take_along_axis(middle, np.clip(rank - below, 0, middle.shape[1] - 1), axis=1)
    value: NDArray[np.float64] = np.where(
        rank < below, low, np.where(rank < below + middle.shape[1], centre, high)
    )
    return np.round(value, a.time_decimals)


def _transplants(
    tg: _Targets,
    rng: np.random.Generator,
    salvage: NDArray[np.int8],
    survivor: NDArray[np.bool_],
    *,
    unknown_transplants: bool,
) -> NDArray[np.int8]:
    """Transplant codes: in remission from the remissions, without remission from the others
    (survivors first: no one lives 5 years with neither); status unknown, when the 2 not
    evaluated are those transplants, exactly the not evaluated; otherwise from the remaining
    evaluated patients (alive at the landmark)."""
    batch, n = salvage.shape
    codes = np.full((batch, n), TRANSPLANT_CODES["none"], np.int8)
    noise = rng.random((batch, n))
    for group, count, code in (
        (SALVAGE_CODES["yes"], tg.hsct[0], "in_remission"),
        (SALVAGE_CODES["no"], tg.hsct[1], "not_in_remission"),
    ):
        first = survivor if group == SALVAGE_CODES["no"] else np.zeros_like(survivor)
        key = noise + 2.0 * (salvage != group) - 1.0 * first
        rank = _ranks(key)
        codes[rank < count] = TRANSPLANT_CODES[code]
    not_evaluable = salvage == SALVAGE_CODES["not_evaluable"]
    if unknown_transplants:
        codes[not_evaluable] = TRANSPLANT_CODES["status_unknown"]
        return codes
    free = (codes == TRANSPLANT_CODES["none"]) & ~not_evaluable
    rank = _ranks(rng.random((batch, n)) + 2.0 * ~free)
    codes[rank < tg.hsct[2]] = TRANSPLANT_CODES["status_unknown"]
    return codes


def _transplant_months(
    tg: _Targets,
    a: Assumptions,
    rng: np.random.Generator,
    transplant: NDArray[np.int8],
    months: NDArray[np.float64],
) -> NDArray[np.float64]:
    """The month of each transplant, uniformly from just after the landmark to the earlier of
    the patient's death or last contact and the bound (NaN without a transplant)."""
    step = 10.0**-a.time_decimals
    first = a.landmark + step
    last = np.minimum(months, tg.bounds.transplant_by)
    at = np.round(first + rng.random(months.shape) * (last - first), a.time_decimals)
    return np.where(transplant != TRANSPLANT_CODES["none"], at, np.nan)


def reconstruct(
    study: Study,
    *,
    cohorts: int = 1000,
    seed: int = DEFAULT_SEED,
    assumptions: Assumptions | None = None,
    batch: int | None = None,
    max_candidates: int = 2_000_000,
) -> Reconstruction:
    """Generate ``cohorts`` accepted pseudo-patient cohorts.

    Every accepted cohort meets every published number (:func:`~.fidelity.constraints`) and
    every clinical rule, bound and the rule of its missing-patient hypothesis
    (:func:`~.rules.rule_checks`). ``batch`` candidates are drawn at a time
    (default: 4000 with the P filter, which rejects most, else a quarter more than needed).

    Raises
    ------
    ReconstructionError
        If the study's numbers do not fit the construction, or too few candidates pass: as
        soon as the candidates drawn show that the ``max_candidates`` allowed cannot give
        ``cohorts`` (:func:`out_of_reach`), naming the number or rule met least often.
    """
    a = assumptions or Assumptions()
    tg = _targets(study, a)
    rules = constraints(study, p_filter=a.p_filter)
    clinical = rules_for(reconstructed=True, hypothesis=a.missing)
    rng = np.random.default_rng(seed)
    batch = batch or (4000 if a.p_filter else cohorts + cohorts // 4 + 16)
    kept: list[Ensemble] = []
    accepted = tried = 0
    met = _Met()
    # What a refusal would call each published number and rule (said once, counted per batch).
    published_as = {
        r.measure: f"'{r.label}' (published {r.published}, {r.precision})" for r in rules
    }
    rule_as = {r.name: f"the rule '{r.name}' ({r.text})" for r in clinical}
    while accepted < cohorts:
        if tried >= max_candidates or (
            tried and out_of_reach(accepted, tried, cohorts, max_candidates)
        ):
            raise ReconstructionError(met.refusal(accepted, cohorts, tried, max_candidates))
        candidates = _candidates(tg, a, rng, batch)
        ok = np.ones(batch, bool)
        if a.p_filter:  # the cheap test first: most candidates fail it
            ok = _p_passes(candidates, rules)
            met.count("the univariate log-rank P filter of this scenario", ok)
        rows = np.flatnonzero(ok)
        subset = candidates.take(rows)
        published = check(measure(subset, study), rules)
        clinical_ok = rule_checks(subset, bounds=tg.bounds, rules=clinical)
        for measure_name, what in published_as.items():
            met.count(what, published[measure_name])
        for rule_name, what in rule_as.items():
            met.count(what, clinical_ok[rule_name])
        passed = published.all(axis=1).to_numpy() & clinical_ok.all(axis=1).to_numpy()
        ok[rows] = passed
        index = np.flatnonzero(ok)[: cohorts - accepted]
        tried += batch if accepted + ok.sum() < cohorts else int(index[-1]) + 1
        kept.append(candidates.take(index))
        accepted += len(index)
    return Reconstruction(concat_ensembles(kept), tried, seed, a)


# How sure the sampling must be that the candidates it may still draw cannot give the cohorts
# it lacks before it refuses: the upper limit of a one-sided binomial interval for the share of
# candidates accepted, at this doubt, is checked after every batch.
OUT_OF_REACH_DOUBT = 1e-9


def out_of_reach(accepted: int, tried: int, cohorts: int, max_candidates: int) -> bool:
    """Whether, even at the highest acceptance rate the candidates tried so far allow (one-sided
    Clopper–Pearson limit, :data:`OUT_OF_REACH_DOUBT`), the candidates still allowed would not
    give the cohorts still missing: then sampling on would only delay the refusal."""
    from ..stats.intervals import clopper_pearson

    rate = clopper_pearson(accepted, tried, alpha=2 * OUT_OF_REACH_DOUBT).upper
    return accepted + rate * (max_candidates - tried) < cohorts


class _Met:
    """How many of the candidates checked met each published number, rule and filter: what a
    refusal names (the one met least often)."""

    def __init__(self) -> None:
        self._met: dict[str, list[int]] = {}

    def count(self, what: str, passed: Any) -> None:
        values = np.asarray(passed, dtype=bool)
        tally = self._met.setdefault(what, [0, 0])
        tally[0] += int(values.sum())
        tally[1] += values.size

    def refusal(self, accepted: int, cohorts: int, tried: int, max_candidates: int) -> str:
        msg = (
            f"study.yaml: only {accepted:,} of {cohorts:,} cohorts accepted after {tried:,} candidates; "
            "even at the highest acceptance rate these allow (one-sided limit, doubt "
            f"{OUT_OF_REACH_DOUBT:g}), {max_candidates:,} candidates would not give them: the "
            "assumptions may not allow the published numbers"
        )
        checked = {what: tally for what, tally in self._met.items() if tally[1]}
        if not checked:
            return msg
        what, (yes, of) = min(checked.items(), key=lambda item: item[1][0] / item[1][1])
        return f"{msg}. Met least often: {what}, by {yes:,} of {of:,} candidates checked"


def _p_passes(candidates: Ensemble, rules: list[Constraint]) -> np.ndarray:
    """Whether each candidate's univariate log-rank P (and direction) meets its constraints."""
    from ..stats.survival import logrank

    test = logrank(candidates.months, candidates.death, candidates.salvage)
    by_name = {r.measure: r for r in rules}
    worse = (test.observed > test.expected).astype(float)
    return np.asarray(
        by_name["p_value"].holds(test.p_value) & by_name["worse_without_remission"].holds(worse),
        dtype=bool,
    )
