"""Reconstructed cohorts: every accepted cohort reproduces every published number and follows
every stated clinical rule, in every named scenario."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test

from analysis.errors import ReconstructionError
from analysis.patient_level.cohorts import RECONSTRUCTED_LABEL, SALVAGE_CODES, TRANSPLANT_CODES
from analysis.patient_level.fidelity import check, constraints, measure
from analysis.patient_level.reconstruct import Reconstruction, reconstruct
from analysis.patient_level.rules import (
    EARLY_DEATHS,
    HORIZON_MONTHS,
    LANDMARK_MONTHS,
    TRANSPLANT_BY_MONTHS,
    UNKNOWN_TRANSPLANTS,
    rule_checks,
    rules_for,
    study_bounds,
)
from analysis.patient_level.scenarios import SCENARIOS, Scenario
from analysis.study.load import STUDY_FILE, load_study


@pytest.fixture(scope="module")
def study():
    return load_study()


@pytest.fixture(scope="module")
def default(study) -> Reconstruction:
    return reconstruct(study)


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda s: s.key)
def scenario(request, study) -> tuple[Scenario, Reconstruction]:
    return request.param, reconstruct(study, cohorts=300, assumptions=request.param.assumptions)


def test_default_ensemble_has_at_least_1000_accepted_cohorts(default: Reconstruction) -> None:
    assert default.ensemble.size >= 1000
    assert default.candidates >= default.ensemble.size


def test_every_accepted_cohort_meets_every_constraint(study, default: Reconstruction) -> None:
    passed = check(measure(default.ensemble, study), constraints(study))
    assert passed.to_numpy().all(), passed.mean()[passed.mean() < 1]


def test_counts_hold_in_every_cohort_when_counted_directly(default: Reconstruction) -> None:
    ens = default.ensemble
    assert ens.months.shape[1] == 39
    assert ((ens.first_event == 0).sum(axis=1) == 34).all()
    assert ((ens.salvage == SALVAGE_CODES["yes"]).sum(axis=1) == 15).all()
    assert ((ens.salvage != SALVAGE_CODES["not_evaluable"]).sum(axis=1) == 37).all()
    for code, count in (("in_remission", 9), ("not_in_remission", 12), ("status_unknown", 2)):
        assert ((ens.transplant == TRANSPLANT_CODES[code]).sum(axis=1) == count).all()
    in_remission = ens.transplant == TRANSPLANT_CODES["in_remission"]
    assert (ens.salvage[in_remission] == SALVAGE_CODES["yes"]).all()
    assert (np.median(ens.first_remission, axis=1) == 5).all()
    assert (ens.first_remission.min(axis=1) == 0).all()
    assert (ens.first_remission.max(axis=1) == 28).all()


def test_survival_numbers_hold_when_checked_with_lifelines(default: Reconstruction) -> None:
    ens = default.ensemble
    for i in np.linspace(0, ens.size - 1, 25).astype(int):
        kmf = KaplanMeierFitter().fit(ens.months[i], ens.death[i])
        s5 = float(kmf.survival_function_at_times(60.0).iloc[0])
        assert round(100 * s5, 1) == 25.6
        se = 100 * s5 * np.sqrt(float(kmf._cumulative_sq_.loc[:60.0].iloc[-1]))
        assert 6.9 <= se < 7.0  # reads as 6.9% when truncated
        survivors = ens.months[i][ens.death[i] == 0]
        assert round(np.median(survivors) / 12, 1) == 5.5


def _univariate_p(ens, i: int) -> float:
    no, yes = ens.salvage[i] == 1, ens.salvage[i] == 0
    t, d = ens.months[i], ens.death[i]
    return float(logrank_test(t[no], t[yes], d[no], d[yes]).p_value)


def test_default_cohorts_are_not_filtered_on_the_multivariate_p(default: Reconstruction) -> None:
    # The published P is multivariate: the default keeps cohorts whatever their univariate P.
    ps = [_univariate_p(default.ensemble, i) for i in range(200)]
    assert any(round(p, 2) != 0.01 for p in ps)
    assert "p_value" not in {c.measure for c in constraints(load_study())}


def test_the_labelled_p_filter_scenario_keeps_only_univariate_p_of_0_01(study) -> None:
    filtered = next(s for s in SCENARIOS if s.assumptions.p_filter)
    assert "univariate P filter" in filtered.label
    ens = reconstruct(study, cohorts=50, assumptions=filtered.assumptions).ensemble
    assert all(round(_univariate_p(ens, i), 2) == 0.01 for i in range(ens.size))


def test_every_accepted_cohort_follows_every_clinical_rule(
    scenario: tuple[Scenario, Reconstruction],
) -> None:
    # Checked patient by patient on the cohort tables (the file format), not with rules.py.
    _, made = scenario
    landmark = made.assumptions.landmark
    assert landmark == LANDMARK_MONTHS
    ens = made.ensemble
    for i in range(ens.size):
        for p in ens.cohort(i).itertuples():
            evaluated = p.salvage_remission != "not_evaluable"
            if evaluated:
                assert p.months > landmark, (i, p.id, "evaluated but dead by the landmark")
            if p.months <= landmark:
                assert p.death == 1
                assert p.salvage_remission == "not_evaluable", (i, p.id)
            if p.transplant != "none":
                assert p.months > landmark, (i, p.id, "transplanted but dead by the landmark")
            if p.transplant == "in_remission":
                assert p.salvage_remission == "yes", (i, p.id)
            if p.transplant == "not_in_remission":
                assert p.salvage_remission == "no", (i, p.id)
            if p.months >= HORIZON_MONTHS:
                assert p.salvage_remission == "yes" or p.transplant != "none", (i, p.id)
            if p.first_event == "induction_failure":
                assert p.first_remission_months == 0, (i, p.id)
            else:
                assert p.first_remission_months >= 1, (i, p.id, "a relapse needs a remission")
            if p.death == 0:
                assert p.months > HORIZON_MONTHS  # nobody lost before 5 years


def test_every_scenario_meets_every_published_number(
    study, scenario: tuple[Scenario, Reconstruction]
) -> None:
    sc, made = scenario
    rules = constraints(study, p_filter=sc.assumptions.p_filter)
    passed = check(measure(made.ensemble, study), rules)
    assert passed.to_numpy().all(), passed.mean()[passed.mean() < 1]


def test_same_seed_same_cohorts_and_other_seed_other_cohorts(study) -> None:
    a, b = reconstruct(study, cohorts=50, seed=5), reconstruct(study, cohorts=50, seed=5)
    c = reconstruct(study, cohorts=50, seed=6)
    np.testing.assert_array_equal(a.ensemble.months, b.ensemble.months)
    assert not np.array_equal(a.ensemble.months, c.ensemble.months)


def test_covariates_without_published_counts_are_left_blank(default: Reconstruction) -> None:
    frame = default.ensemble.cohort(0)
    assert set(frame["age_under_3_months"]) == {""}
    assert set(frame["cns_involvement"]) == {""}
    assert set(frame.loc[frame["transplant"] == "none", "transplant_months"]) == {""}
    assert default.ensemble.label == RECONSTRUCTED_LABEL
    assert set(frame["data_source"]) == {RECONSTRUCTED_LABEL}


def test_survival_impossible_with_39_patients_is_refused(tmp_path: Path) -> None:
    text = STUDY_FILE.read_text(encoding="utf-8").replace("percent: 25.6", "percent: 25.0")
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReconstructionError, match="survivors out of 39"):
        reconstruct(load_study(path), cohorts=10)


def _cutoff_months(study) -> float:
    """The data cut-off the abstract's trial years and median follow-up imply, in months after
    1 January of the first trial year: the middle of the enrolment years, plus the median first
    remission, plus the median follow-up (computed here from study.yaml, not by the package)."""
    first, last = study.design.enrolment_years
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    middle = (end - start).days / 2 / 365.25 * 12
    fr, fu = study.figure("first_remission"), study.figure("follow_up")
    return middle + fr.value + fu.value * (12 if fu.unit == "years" else 1)


def test_no_relapse_in_any_scenario_has_less_than_a_month_of_first_remission(
    scenario: tuple[Scenario, Reconstruction],
) -> None:
    ens = scenario[1].ensemble
    relapse = ens.first_event == 0
    assert (ens.first_remission[relapse] >= 1).all()
    assert (ens.first_remission[~relapse] == 0).all()  # the induction failures have none


def test_no_patient_is_followed_past_the_implied_data_cutoff_less_the_time_to_relapse(
    study, scenario: tuple[Scenario, Reconstruction]
) -> None:
    ens = scenario[1].ensemble
    limit = _cutoff_months(study) - ens.first_remission
    assert (ens.months <= limit).all(), float((ens.months - limit).max())
    assert study_bounds(study).cutoff == pytest.approx(_cutoff_months(study))


def test_every_transplanted_patient_has_a_month_after_the_landmark_and_before_last_contact(
    scenario: tuple[Scenario, Reconstruction],
) -> None:
    # Checked on the cohort tables (the file format) that the site offers for download.
    ens = scenario[1].ensemble
    for i in range(0, ens.size, 10):
        frame = ens.cohort(i)
        transplanted = frame[frame["transplant"] != "none"]
        assert len(transplanted) == 23
        at = transplanted["transplant_months"].astype(float)
        assert (at > LANDMARK_MONTHS).all(), i
        assert (at <= transplanted["months"]).all(), i
        assert (at <= TRANSPLANT_BY_MONTHS).all(), i
        assert set(frame.loc[frame["transplant"] == "none", "transplant_months"]) == {""}


def test_a_transplant_month_before_the_landmark_breaks_the_rule(default: Reconstruction) -> None:
    # The rule reads the transplant month itself, not only whether the patient was alive.
    ens = default.ensemble.take(np.arange(3))  # a copy: the fixture stays as drawn
    bounds = study_bounds(load_study())
    rules = rules_for(reconstructed=True)
    assert rule_checks(ens, bounds=bounds, rules=rules).all().all()
    row, patient = 1, int(np.flatnonzero(ens.transplant[1] != TRANSPLANT_CODES["none"])[0])
    assert ens.months[row, patient] > LANDMARK_MONTHS  # alive at the landmark all the same
    ens.transplant_months[row, patient] = LANDMARK_MONTHS - 0.5
    checks = rule_checks(ens, bounds=bounds, rules=rules)
    assert checks["transplant_after_landmark"].tolist() == [True, False, True]
    ens.transplant_months[row, patient] = ens.months[row, patient] + 1.0  # after death
    assert not rule_checks(ens, bounds=bounds, rules=rules)["transplant_after_landmark"][1]


def _hypothesis(key: str) -> Scenario:
    return next(s for s in SCENARIOS if s.assumptions.missing == key and not s.assumptions.p_filter)


def test_under_the_early_death_reading_the_not_evaluated_died_before_the_landmark(study) -> None:
    sc = _hypothesis(EARLY_DEATHS)
    ens = reconstruct(study, cohorts=200, assumptions=sc.assumptions).ensemble
    missing = ens.salvage == SALVAGE_CODES["not_evaluable"]
    assert (missing.sum(axis=1) == 2).all()
    assert (ens.months[missing] <= LANDMARK_MONTHS).all()
    assert (ens.death[missing] == 1).all()
    # The unknown-status transplants go to evaluated patients, and the scenario says why.
    unknown = ens.transplant == TRANSPLANT_CODES["status_unknown"]
    assert (ens.salvage[unknown] != SALVAGE_CODES["not_evaluable"]).all()
    assert "not recorded" in sc.hypothesis or "not recorded" in _assumption(sc)


def _assumption(sc: Scenario) -> str:
    from analysis.patient_level.rules import HYPOTHESES

    return HYPOTHESES[sc.assumptions.missing].assumption


def test_under_the_unknown_transplant_reading_they_are_exactly_the_not_evaluated(study) -> None:
    sc = _hypothesis(UNKNOWN_TRANSPLANTS)
    assert "unknown status" in sc.title
    ens = reconstruct(study, cohorts=200, assumptions=sc.assumptions).ensemble
    missing = ens.salvage == SALVAGE_CODES["not_evaluable"]
    unknown = ens.transplant == TRANSPLANT_CODES["status_unknown"]
    np.testing.assert_array_equal(missing, unknown)  # no known status with an unknown transplant
    assert (ens.months[missing] > LANDMARK_MONTHS).all()  # alive at the landmark, transplanted
    assert (ens.months <= LANDMARK_MONTHS).sum() == 0  # so nobody dies before it
    passed = check(measure(ens, study), constraints(study))
    assert passed.to_numpy().all()


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _break(name: str, ens, bounds) -> None:
    """Change one patient of the first cohort of ``ens`` (a copy) so that it breaks ``name``."""
    m, tx, tm = ens.months[0], ens.transplant[0], ens.transplant_months[0]
    sal, fr, ev = ens.salvage[0], ens.first_remission[0], ens.first_event[0]
    transplanted = tx != TRANSPLANT_CODES["none"]
    if name == "evaluated_alive_at_landmark":
        m[_first(sal != SALVAGE_CODES["not_evaluable"])] = bounds.landmark - 0.5
    elif name == "transplant_after_landmark":
        tm[_first(transplanted)] = bounds.landmark - 0.5
    elif name == "transplant_matches_remission":
        tx[_first(sal == SALVAGE_CODES["no"])] = TRANSPLANT_CODES["in_remission"]
    elif name == "long_survivor_had_remission_or_transplant":
        i = _first(m >= HORIZON_MONTHS)
        sal[i], tx[i], tm[i] = SALVAGE_CODES["no"], TRANSPLANT_CODES["none"], np.nan
    elif name == "induction_failure_has_no_first_remission":
        fr[_first(ev == 1)] = 3
    elif name == "relapse_after_a_first_remission":
        fr[_first(ev == 0)] = 0
    elif name == "transplant_within_first_year":
        tm[_first(transplanted)] = np.nan  # a transplant without its month
    elif name == "follow_up_within_data_cutoff":
        i = _first(m >= HORIZON_MONTHS)
        m[i] = bounds.cutoff - fr[i] + 1.0
    elif name == "not_evaluable_died_before_landmark":
        m[_first(sal == SALVAGE_CODES["not_evaluable"])] = 10.0
    elif name == "not_evaluable_are_the_unknown_status_transplants":
        tx[_first(sal == SALVAGE_CODES["not_evaluable"])] = TRANSPLANT_CODES["none"]


@pytest.mark.parametrize("key", [EARLY_DEATHS, UNKNOWN_TRANSPLANTS])
def test_every_rule_bound_and_hypothesis_rule_can_fail(study, key: str) -> None:
    # A rule that cannot fail checks nothing: break each one in one patient, and only it fails.
    sc = _hypothesis(key)
    ens = reconstruct(study, cohorts=3, assumptions=sc.assumptions).ensemble
    bounds = study_bounds(study)
    rules = rules_for(reconstructed=True, hypothesis=key)
    assert rule_checks(ens, bounds=bounds, rules=rules).all().all()
    for rule in rules:
        broken = ens.take(np.arange(ens.size))  # a copy
        _break(rule.name, broken, bounds)
        checks = rule_checks(broken, bounds=bounds, rules=(rule,))
        assert checks[rule.name].tolist() == [False, True, True], rule.name


def test_each_missing_patient_reading_breaks_the_other_readings_rule(study) -> None:
    bounds = study_bounds(study)
    early, unknown = (
        reconstruct(study, cohorts=20, assumptions=_hypothesis(k).assumptions).ensemble
        for k in (EARLY_DEATHS, UNKNOWN_TRANSPLANTS)
    )
    early_rule = rules_for(reconstructed=True, hypothesis=EARLY_DEATHS)[-1:]
    unknown_rule = rules_for(reconstructed=True, hypothesis=UNKNOWN_TRANSPLANTS)[-1:]
    assert not rule_checks(early, bounds=bounds, rules=unknown_rule).any().any()
    assert not rule_checks(unknown, bounds=bounds, rules=early_rule).any().any()
