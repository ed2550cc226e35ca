"""Claims about the study's numbers that the consistency checks must establish."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.study.checks import run_checks
from analysis.study.flow import patient_flow
from analysis.study.load import load_study
from analysis.study.schema import Study
from testsupport.project import STUDY_FILE


@pytest.fixture(scope="module")
def checks() -> dict[str, object]:
    return {c.id: c for c in run_checks(load_study())}


def test_34_relapses_and_5_induction_failures_make_39_of_80(checks) -> None:
    c = checks["relapsed_or_refractory_sum"]
    assert c.status == "ok"
    assert c.computed == "34 + 5 = 39 of 80"


def test_transplants_9_12_and_2_add_up_to_23(checks) -> None:
    assert checks["hsct_parts_sum"].status == "ok"
    assert "9 + 12 + 2 = 23" in checks["hsct_parts_sum"].computed


def test_15_of_37_rounds_to_the_printed_40_5_percent(checks) -> None:
    c = checks["salvage_percent_matches_count"]
    assert c.status == "ok"
    assert "15/37 = 40.54%" in c.computed


def test_two_patients_are_missing_from_the_remission_denominator(checks) -> None:
    c = checks["salvage_denominator"]
    assert c.status == "warn"
    assert "37 vs 39" in c.computed
    assert "2 unaccounted" in c.computed


def test_the_reported_se_reads_as_a_truncated_minimum(checks) -> None:
    c = checks["os_se_floor"]
    assert c.status == "warn"
    assert "6.99%" in c.computed
    assert "truncated" in c.explanation


def test_the_5_year_os_equals_10_survivors_of_39(checks) -> None:
    c = checks["os_as_simple_fraction"]
    assert c.status == "ok"
    assert c.computed.startswith("10/39 = 25.64%")


def test_a_se_at_or_above_the_floor_passes(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(STUDY_FILE.read_text().replace("se: 6.9", "se: 7.4"))
    c = {c.id: c for c in run_checks(load_study(path))}["os_se_floor"]
    assert c.status == "ok"


def test_a_se_below_even_the_truncated_floor_is_flagged_as_unexplained(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text(STUDY_FILE.read_text().replace("se: 6.9", "se: 5.0"))
    c = {c.id: c for c in run_checks(load_study(path))}["os_se_floor"]
    assert c.status == "warn"
    assert "unexplained" in c.explanation


def test_a_full_denominator_resolves_the_open_question(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    text = STUDY_FILE.read_text().replace(
        "denominator: 37\n    percent: 40.5", "denominator: 39\n    percent: 38.5"
    )
    path.write_text(text)
    c = {c.id: c for c in run_checks(load_study(path))}["salvage_denominator"]
    assert c.status == "ok"


def test_derived_flow_counts_follow_from_reported_counts() -> None:
    flow = patient_flow(load_study())
    assert flow.relapsed_or_refractory == flow.relapses + flow.induction_failures == 39
    assert flow.without_relapse_or_failure == 41
    assert flow.salvage_no_remission == 22
    assert flow.salvage_not_evaluable == 2
    assert flow.no_hsct == 16


def test_remissions_not_transplanted_in_remission_are_an_open_question(checks) -> None:
    c = checks["hsct_in_remission_accounted"]
    assert c.status == "warn"
    assert c.computed == (
        "15 remissions after salvage, 9 transplanted in remission (6 unaccounted for)"
    )
    assert "second remissions" not in c.computed
    assert "up to 5 of the 15 may not be second remissions" in c.explanation


def test_transplants_in_remission_equal_to_remissions_settle_the_question(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    text = STUDY_FILE.read_text()
    text = text.replace("value: 9\n", "value: 15\n").replace("value: 12\n", "value: 6\n")
    path.write_text(text)
    c = {c.id: c for c in run_checks(load_study(path))}["hsct_in_remission_accounted"]
    assert c.status == "ok"


def test_factors_named_without_a_p_value_are_an_open_question(checks) -> None:
    c = checks["prognostic_factors_reported"]
    assert c.status == "warn"
    assert c.computed.startswith("1 of 3 factors with a P value; none for: age under 3 months")
    assert "central nervous system involvement" in c.open_question


def test_every_open_check_states_its_question() -> None:
    for c in run_checks(load_study()):
        if c.status == "warn":
            assert c.open_question.endswith("?"), c.id


def test_the_se_check_says_censoring_would_widen_the_gap_and_only_truncation_closes_it(
    checks,
) -> None:
    c = checks["os_se_floor"]
    assert "widen this gap" in c.explanation
    assert "only truncation reconciles the two" in c.explanation
    assert "so it is no contradiction" not in c.explanation


def test_the_missing_denominator_check_names_both_readings(checks) -> None:
    c = checks["salvage_denominator"]
    assert "died before their response could be assessed" in c.explanation
    assert "they are the 2 transplanted with unknown status" in c.explanation
    assert "early death or missing data" not in c.explanation


def test_with_fewer_unknown_status_transplants_than_missing_patients_only_one_reading_fits(
    tmp_path: Path,
) -> None:
    path = tmp_path / "study.yaml"
    text = STUDY_FILE.read_text()
    text = text.replace("value: 12\n", "value: 13\n").replace(
        "id: hsct_status_unknown\n    kind: count\n    label: HSCT with unknown remission status\n"
        "    value: 2\n",
        "id: hsct_status_unknown\n    kind: count\n    label: HSCT with unknown remission status\n"
        "    value: 1\n",
    )
    assert "value: 1\n    of: hsct" in text
    path.write_text(text)
    c = {c.id: c for c in run_checks(load_study(path))}["salvage_denominator"]
    assert "cannot be exactly the 2 missing" in c.explanation


# The checks that are instances of a generic kind, with the kind and the figure it is run on.
INSTANCES = {
    "relapsed_or_refractory_sum": ("parts against their whole", "cohort"),
    "hsct_parts_sum": ("parts against their whole", "hsct"),
    "salvage_percent_matches_count": ("percentage against k/n", "salvage_remission"),
    "salvage_denominator": ("denominator is its count", "salvage_remission"),
    "os_se_floor": ("SE against its no-censoring floor", "os_5y"),
}
# Edits of the shipped figures, each of which turns one instance's verdict around.
TURNS = {
    "relapsed_or_refractory_sum": ("value: 80\n", "value: 38\n"),  # 34 + 5 > 38
    "hsct_parts_sum": ("value: 23\n", "value: 24\n"),  # 9 + 12 + 2 is not 24
    "salvage_percent_matches_count": ("percent: 40.5", "percent: 41.5"),
    "salvage_denominator": (
        "denominator: 37\n    percent: 40.5",
        "denominator: 39\n    percent: 38.5",
    ),
    "os_se_floor": ("se: 6.9", "se: 7.0"),
}


@pytest.mark.parametrize("check_id", sorted(INSTANCES))
def test_this_studys_checks_take_their_verdict_from_the_generic_kinds(check_id: str) -> None:
    """On the shipped figures and on an edit that turns the verdict: the check's status is the
    generic kind's outcome on the study seen as generic reported figures, so the two cannot
    drift apart."""
    from analysis.figures.checks import check_figures
    from analysis.study.as_figures import as_figure_study

    kind, figure = INSTANCES[check_id]
    old, new = TURNS[check_id]
    text = STUDY_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    statuses = []
    for edited in (text, text.replace(old, new)):
        # schema only: the loader itself refuses some of these edits before any check runs
        study = Study.model_validate(yaml.safe_load(edited))
        generic = {
            (r.check, r.figures[0]): r.outcome
            for r in check_figures(as_figure_study(study, patient_flow(study)))
        }
        status = {c.id: c.status for c in run_checks(study)}[check_id]
        assert status == ("ok" if generic[(kind, figure)] == "pass" else "warn")
        statuses.append(status)
    assert statuses[0] != statuses[1], "the edit did not turn the verdict"


def test_a_study_without_the_relations_a_check_needs_is_refused_by_name(tmp_path: Path) -> None:
    from analysis.errors import StudyDataError

    path = tmp_path / "study.yaml"
    text = STUDY_FILE.read_text(encoding="utf-8").replace("    of: cohort\n", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StudyDataError) as raised:
        run_checks(load_study(path))
    assert "entry cohort, field 'of / sum_of'" in str(raised.value)
