"""The patient-level domain's results: the survival analysis behind the survival page, on
reconstructed or real data.

:func:`analyse` loads a patient file (or reconstructs cohorts from the published numbers),
checks every cohort against the paper, and fits the survival models: the vectorised
statistics of :mod:`analysis.stats.survival` over the whole ensemble, lifelines (Kaplan–Meier,
log-rank, Cox) on the representative cohort, the one whose curve is nearest the ensemble's
median curve.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..datafile import decimals_of
from ..errors import ReconstructionError
from ..stats.survival import cox_binary, km_at, logrank
from ..study.prose import PROSE, numbers_and_rules
from ..study.schema import CountFigure, ProportionFigure, PValueFigure, Study, SurvivalFigure
from .allowed import LossSearch, allowed_range, loss_search
from .cohorts import SALVAGE_CODES, TRANSPLANT_CODES, Ensemble, ensemble_from_patients
from .fidelity import MONTHS_PER_YEAR, Constraint, check, constraints, measure
from .fits import cox_fit, km_fit, landmark_fit
from .load import load_patients
from .reconstruct import Reconstruction, check_targets, reconstruct
from .rules import EARLY_DEATHS, LANDMARK_MONTHS, Bounds, Rule, rule_checks, rules_for, study_bounds
from .scenarios import SCENARIOS, Scenario

__all__ = [
    "DEFAULT_COHORTS",
    "CohortChecks",
    "PatientAnalysis",
    "analyse",
    "analysis_reads",
    "data_label",
    "loss_searches",
    "relabelled",
]

DEFAULT_COHORTS = 1000  # reconstructed cohorts the site shows

GRID_STEP = 0.5  # months
AT_RISK_EVERY = 12  # months


def data_label(path: Path) -> str:
    """The label shown on everything computed from a real patient file."""
    return f"Patient-level data from {path.name}"


@dataclass(frozen=True)
class CohortChecks:
    """One scenario's cohorts (or a real file) against every published number and every rule
    that applies to them: measures and passes, one row per cohort."""

    name: str
    ensemble: Ensemble
    measures: pd.DataFrame
    passed: pd.DataFrame
    rules: tuple[Rule, ...]
    rules_passed: pd.DataFrame


@dataclass(frozen=True)
class PatientAnalysis:
    """Everything the survival tables and charts show (see :func:`analyse`)."""

    ensemble: Ensemble
    reconstruction: Reconstruction | None
    rules: list[Constraint]
    measures: pd.DataFrame
    passed: pd.DataFrame
    grid: np.ndarray
    curves: np.ndarray
    representative: int
    km: pd.DataFrame
    at_risk: pd.DataFrame
    km_groups: pd.DataFrame
    at_risk_groups: pd.DataFrame
    logrank_p: float
    cox: dict[str, float]
    ensemble_hr: np.ndarray
    ensemble_p: np.ndarray
    allowed: pd.DataFrame
    scenarios: tuple[tuple[Scenario, Reconstruction, np.ndarray], ...]
    landmark: float
    km_landmark: pd.DataFrame
    at_risk_landmark: pd.DataFrame
    landmark_logrank_p: float
    landmark_left_out: int
    published_p: str
    bounds: Bounds
    scenario_measures: dict[str, pd.DataFrame]
    searches: dict[str, LossSearch]
    time0_not_evaluable_as_no_p: float
    """Log-rank P from time 0 with the not evaluated counted as 'no remission' (what a
    comparison that does not guard against guarantee-time bias would do), shown cohort."""

    @property
    def shown(self) -> Scenario | None:
        """The scenario of the shown cohort (``None`` for real data)."""
        return SCENARIOS[0] if self.reconstruction is not None else None

    @property
    def drawn_scenarios(self) -> list[tuple[Scenario, Reconstruction, np.ndarray]]:
        """The scenarios the bands chart draws: the hazard shapes, each with the first reading
        of the patients missing from the remission denominator (not the P filter, not the
        second reading, which the scenarios table shows)."""
        return [
            (sc, made, curves)
            for sc, made, curves in self.scenarios
            if not made.assumptions.p_filter and made.assumptions.missing == EARLY_DEATHS
        ]

    @property
    def km_title(self) -> str:
        """The title of the overall-survival chart: what it draws, and under which scenario."""
        if self.shown is None:
            return "Overall survival"
        return (
            f"Overall survival of one synthetic cohort to {self.bounds.horizon:g} months. "
            f"{self.shown.title}"
        )

    @cached_property
    def checks(self) -> tuple[CohortChecks, ...]:
        """Every scenario's cohorts (or the real file) against the published numbers and rules."""
        if not self.scenarios:
            rules = rules_for(reconstructed=False)
            return (
                CohortChecks(
                    "this data",
                    self.ensemble,
                    self.measures,
                    self.passed,
                    rules,
                    rule_checks(self.ensemble, bounds=self.bounds, rules=rules),
                ),
            )
        out = []
        for scenario, made, _ in self.scenarios:
            ens = made.ensemble
            rules = rules_for(reconstructed=True, hypothesis=made.assumptions.missing)
            out.append(
                CohortChecks(
                    scenario.label,
                    ens,
                    self.scenario_measures[scenario.key],
                    check(self.scenario_measures[scenario.key], self.rules),
                    rules,
                    rule_checks(ens, bounds=self.bounds, rules=rules),
                )
            )
        return tuple(out)

    @cached_property
    def transplant_survival(self) -> dict[str, float]:
        """Patients transplanted in remission and without, and those of them alive at the
        horizon, in the shown cohort; and the share of its scenario's cohorts in which a larger
        share is alive after a transplant without remission than after one in remission (what
        the construction makes of it: an artefact, not a finding)."""
        ens, horizon = self.ensemble, self.bounds.horizon
        alive = ens.months >= horizon
        out: dict[str, float] = {}
        shares = {}
        for name in ("in_remission", "not_in_remission"):
            group = ens.transplant == TRANSPLANT_CODES[name]
            size, living = group.sum(axis=1), (group & alive).sum(axis=1)
            out[f"{name}_patients"] = int(size[self.representative])
            out[f"{name}_alive"] = int(living[self.representative])
            shares[name] = living / np.maximum(size, 1)
        out["cohorts_better_without"] = float(
            np.mean(shares["not_in_remission"] > shares["in_remission"])
        )
        return out

    @cached_property
    def scenario_effects(self) -> pd.DataFrame:
        """Per scenario, the 5th, 50th and 95th percentile across its cohorts of the Cox hazard
        ratio and the log-rank P of no remission vs remission (illustrations of the scenario)."""
        rows = []
        for scenario, made, _ in self.scenarios:
            ens = made.ensemble
            hr = np.percentile(
                cox_binary(ens.months, ens.death, ens.salvage).hazard_ratio, [5, 50, 95]
            )
            p = np.percentile(logrank(ens.months, ens.death, ens.salvage).p_value, [5, 50, 95])
            rows.append(
                {
                    "scenario": scenario.label,
                    "hr_p5": hr[0],
                    "hr_median": hr[1],
                    "hr_p95": hr[2],
                    "p_p5": p[0],
                    "p_median": p[1],
                    "p_p95": p[2],
                }
            )
        return pd.DataFrame(rows)

    @property
    def label(self) -> str:
        return self.ensemble.label

    def envelope(self, low: float = 5, high: float = 95) -> pd.DataFrame:
        """Pointwise percentiles of the cohorts' Kaplan–Meier curves on the time grid."""
        q = np.percentile(self.curves, [low, 50, high], axis=0)
        return pd.DataFrame(
            {
                "months": self.grid,
                "lower": q[0],
                "median": q[1],
                "upper": q[2],
                "representative": self.curves[self.representative],
            }
        )

    def bands(
        self, times: list[float] | np.ndarray, low: float = 5, high: float = 95
    ) -> pd.DataFrame:
        """Survival at ``times``: the allowed range, then each scenario's 5th–95th percentile
        and median (reconstructed data only), one row per band and time."""
        times = np.asarray(times, dtype=float)
        allowed = self.allowed.set_index("months")
        rows = [
            {
                "band": "Allowed by the published numbers",
                "kind": "allowed",
                "assumption": "none beyond the stated clinical rules",
                "months": t,
                "lower": float(allowed.loc[t, "lowest"]),
                "median": np.nan,
                "upper": float(allowed.loc[t, "highest"]),
            }
            for t in times
        ]
        for scenario, _, curves in self.scenarios:
            index = np.searchsorted(self.grid, times)
            q = np.percentile(curves[:, index], [low, 50, high], axis=0)
            rows += [
                {
                    "band": scenario.label,
                    "kind": "scenario",
                    "assumption": scenario.assumption,
                    "months": t,
                    "lower": float(q[0, i]),
                    "median": float(q[1, i]),
                    "upper": float(q[2, i]),
                }
                for i, t in enumerate(times)
            ]
        return pd.DataFrame(rows)


def _os_windows(study: Study) -> tuple[int, tuple[float, float], tuple[float, float]]:
    """Patients at time 0, and the published estimate and error as ``[low, high)`` in %: the
    estimate as rounded, the error as truncated (the reading under which it fits at all)."""
    rel, ind, os5 = (study.figure(i) for i in ("relapses", "induction_failures", "os_5y"))
    assert isinstance(rel, CountFigure)
    assert isinstance(ind, CountFigure)
    assert isinstance(os5, SurvivalFigure)
    half = 0.5 * 10 ** -decimals_of(float(os5.percent))
    step = 10 ** -decimals_of(float(os5.se))
    return (
        rel.value + ind.value,
        (os5.percent - half, os5.percent + half),
        (os5.se, os5.se + step),
    )


def loss_searches(study: Study) -> dict[str, LossSearch]:
    """The search over every order of deaths and losses (:func:`~.allowed.loss_search`) under
    each reading the Survival page names: ``greenwood`` and ``peto`` (the ± a truncated SE of
    either formula, all patients at time 0), ``rounded`` (the ± a rounded Greenwood SE), and
    ``fewer_1``, ``fewer_2`` (one or two patients fewer at time 0)."""
    n, percent, se = _os_windows(study)
    step = se[1] - se[0]
    rounded = (se[0] - step / 2, se[0] + step / 2)
    return {
        "greenwood": loss_search(n, percent, se),
        "peto": loss_search(n, percent, se, variance="peto"),
        "rounded": loss_search(n, percent, rounded),
        "fewer_1": loss_search(n - 1, percent, se),
        "fewer_2": loss_search(n - 2, percent, se),
    }


def study_allowed_range(
    study: Study, grid: np.ndarray, *, landmark: float, search: LossSearch | None = None
) -> pd.DataFrame:
    """:func:`~.allowed.allowed_range` for this study's published numbers: fixed by the deaths
    when the search finds no loss before a death that gives the published estimate and error,
    otherwise the bounds of a curve that cannot rise (the counts then are not fixed)."""
    sal, os5 = study.figure("salvage_remission"), study.figure("os_5y")
    assert isinstance(sal, ProportionFigure)
    assert isinstance(os5, SurvivalFigure)
    n, percent, se = _os_windows(study)
    found = search if search is not None else loss_search(n, percent, se)
    survivors = round(n * os5.percent / 100)
    horizon = float(os5.time) * (MONTHS_PER_YEAR if os5.unit == "years" else 1.0)
    return allowed_range(
        grid,
        patients=n,
        survivors=survivors,
        not_evaluable=n - sal.denominator,
        landmark=landmark,
        horizon=horizon,
        fixed=found.only_without_losses,
        reported=(percent[0] / 100, percent[1] / 100),
    )


@contextmanager
def _naming(scenario: Scenario) -> Iterator[None]:
    """A reconstruction's refusal, said with the scenario it came from: each draws under
    assumptions of its own, so the same numbers can fit one and not another."""
    try:
        yield
    except ReconstructionError as exc:
        msg = f"scenario '{scenario.key}' ({scenario.label}): {exc}"
        raise ReconstructionError(msg) from None


def analyse(
    study: Study,
    *,
    patients: Path | None = None,
    cohorts: int = DEFAULT_COHORTS,
    seed: int | None = None,
    landmark: float = LANDMARK_MONTHS,
    made: Callable[[Scenario], Reconstruction] | None = None,
) -> PatientAnalysis:
    """Reconstruct (or load) the cohorts and run every survival analysis on them.

    Parameters
    ----------
    study
        The reported figures (constraints and comparison values).
    patients
        A real patient-level CSV (see :mod:`analysis.patient_level.schema`); replaces the reconstruction.
    cohorts, seed
        Size and seed of the reconstructed ensemble (ignored for real data).
    made
        Each scenario's cohorts, already drawn with these ``cohorts`` and ``seed`` (e.g. in
        another process); by default :func:`~.reconstruct.reconstruct` draws them here.
    """
    from lifelines.statistics import logrank_test

    scenarios: list[tuple[Scenario, Reconstruction]] = []
    # Everything that can refuse the study runs before any sampling or search: every scenario's
    # fit to the construction (the first scenario's sampling would otherwise take its time
    # before a later scenario refuses). The loss searches refuse nothing; they come next.
    if patients is None:
        for scenario in SCENARIOS:
            with _naming(scenario):
                check_targets(study, scenario.assumptions)
    searches = loss_searches(study)
    if patients is not None:
        ens = ensemble_from_patients(load_patients(patients), label=data_label(patients))
        rec = None
    else:
        kwargs = {} if seed is None else {"seed": seed}
        for scenario in SCENARIOS:
            with _naming(scenario):
                drawn = (
                    made(scenario)
                    if made is not None
                    else reconstruct(
                        study, cohorts=cohorts, assumptions=scenario.assumptions, **kwargs
                    )
                )
            scenarios.append((scenario, drawn))
        rec = scenarios[0][1]
        ens = rec.ensemble
    rules = constraints(study)
    values = measure(ens, study)
    passed = check(values, rules)
    bounds = study_bounds(study, landmark=landmark)
    # Synthetic curves stop at the horizon: nothing is known about the cohorts after it.
    horizon = bounds.horizon
    end = horizon if ens.reconstructed else float(min(np.ceil(ens.months.max()), 120.0))
    grid = np.arange(0.0, end + GRID_STEP / 2, GRID_STEP)
    curves, _ = km_at(ens.months, ens.death, grid)
    median_curve = np.median(curves, axis=0)
    rep = int(np.argmin(np.abs(curves - median_curve).mean(axis=1)))
    months, death, salvage = ens.months[rep], ens.death[rep], ens.salvage[rep]
    ticks = np.arange(0, end + 1e-9, AT_RISK_EVERY, dtype=float)
    km, risk = km_fit(months, death, ticks, "all patients", end)
    parts = []
    for name, code in (("remission", SALVAGE_CODES["yes"]), ("no remission", SALVAGE_CODES["no"])):
        sel = salvage == code
        parts.append(km_fit(months[sel], death[sel], ticks, name, end))
    yes, no = salvage == SALVAGE_CODES["yes"], salvage == SALVAGE_CODES["no"]
    p = float(logrank_test(months[no], months[yes], death[no], death[yes]).p_value)
    as_no = salvage != SALVAGE_CODES["yes"]  # the not evaluated counted as "no remission"
    p_naive = float(logrank_test(months[as_no], months[yes], death[as_no], death[yes]).p_value)
    cox_all = cox_binary(ens.months, ens.death, ens.salvage)
    lr_all = logrank(ens.months, ens.death, ens.salvage)
    lm_ticks = np.arange(0, end - landmark + 1e-9, AT_RISK_EVERY, dtype=float)
    km_lm, risk_lm, p_lm, left_out = landmark_fit(
        months, death, salvage, landmark, lm_ticks, end - landmark
    )
    scenario_curves = tuple(
        (
            sc,
            made,
            curves if made is rec else km_at(made.ensemble.months, made.ensemble.death, grid)[0],
        )
        for sc, made in scenarios
    )
    scenario_measures = {
        sc.key: values if made is rec else measure(made.ensemble, study) for sc, made in scenarios
    }
    return PatientAnalysis(
        ensemble=ens,
        reconstruction=rec,
        rules=rules,
        measures=values,
        passed=passed,
        grid=grid,
        curves=curves,
        representative=rep,
        km=km,
        at_risk=risk,
        km_groups=pd.concat([c for c, _ in parts], ignore_index=True),
        at_risk_groups=pd.concat([r for _, r in parts], ignore_index=True),
        logrank_p=p,
        cox=cox_fit(months, death, salvage),
        ensemble_hr=cox_all.hazard_ratio,
        ensemble_p=lr_all.p_value,
        allowed=study_allowed_range(study, grid, landmark=landmark, search=searches["greenwood"]),
        scenarios=scenario_curves,
        landmark=landmark,
        km_landmark=km_lm,
        at_risk_landmark=risk_lm,
        landmark_logrank_p=p_lm,
        landmark_left_out=left_out,
        published_p=_published_p(study),
        bounds=bounds,
        scenario_measures=scenario_measures,
        searches=searches,
        time0_not_evaluable_as_no_p=p_naive,
    )


# What of the study the analysis never reads, or reads only into its rules: the prose and each
# figure's label (the rules' labels are put back by :func:`relabelled`; a test edits every
# label and sentence and compares the analyses).
UNREAD = PROSE | {"label"}


def analysis_reads(study: Study, *, cohorts: int, patients: object) -> object:
    """What :func:`analyse` reads, as JSON data (a step key's): the study's numbers and rules
    without :data:`UNREAD`, the number of cohorts and the patient-level file as read (its name
    and text; ``None`` for the reconstruction)."""
    return {
        "study": numbers_and_rules(study, leave_out=UNREAD),
        "cohorts": cohorts,
        "patients": patients,
    }


def relabelled(analysis: PatientAnalysis, study: Study) -> PatientAnalysis:
    """``analysis`` (of a study differing from ``study`` at most in :data:`UNREAD`) with the
    rules of ``study``, which carry its labels: what :func:`analyse` of ``study`` gives."""
    return dataclasses.replace(analysis, rules=constraints(study))


def _published_p(study: Study) -> str:
    fig = study.figure("multivariate_p")
    assert isinstance(fig, PValueFigure)
    return f"P {fig.relation} {fig.value:g}"
