"""The patient-level file format: valid files load, every kind of bad cell is named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.errors import PatientDataError, PatientRuleWarning
from analysis.patient_level.load import load_patients
from analysis.patient_level.rules import LANDMARK_MONTHS
from analysis.patient_level.schema import COLUMNS

SYNTHETIC = Path(__file__).parent / "data" / "patients_synthetic.csv"
HEADER = ",".join(c.name for c in COLUMNS if c.required)
GOOD = "P1,12.5,1,relapse,4,no,none"


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "patients.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _problems(path: Path) -> list:
    with pytest.raises(PatientDataError) as info:
        load_patients(path)
    return info.value.problems


def test_synthetic_file_loads_with_one_row_per_patient() -> None:
    frame = load_patients(SYNTHETIC)
    assert len(frame) == len(SYNTHETIC.read_text().strip().splitlines()) - 1
    assert list(frame.columns) == [c.name for c in COLUMNS]
    assert set(frame["death"]) <= {0, 1}


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    frame = load_patients(_write(tmp_path, HEADER, GOOD))
    assert frame.loc[0, "age_under_3_months"] == ""


def test_missing_column_is_named_on_the_header_line(tmp_path: Path) -> None:
    header = HEADER.replace(",death", "")
    (problem,) = _problems(_write(tmp_path, header, "P1,12.5,relapse,4,no,none"))
    assert (problem.field, problem.line, problem.found) == ("death", 1, "no such column")


@pytest.mark.parametrize(
    ("column", "bad", "expected"),
    [
        ("months", "-3", "0 or more"),
        ("months", "soon", "0 or more"),
        ("death", "2", "0 or 1"),
        ("first_event", "relapsed", "relapse, induction_failure"),
        ("salvage_remission", "maybe", "yes, no, not_evaluable"),
        ("transplant", "allo", "none, in_remission"),
    ],
)
def test_bad_cell_names_file_line_row_column_found_and_expected(
    tmp_path: Path, column: str, bad: str, expected: str
) -> None:
    cells = GOOD.split(",")
    cells[[c.name for c in COLUMNS].index(column)] = bad
    path = _write(tmp_path, HEADER, "P0,1,0,relapse,2,yes,none", ",".join(cells))
    (problem,) = _problems(path)
    assert problem.file.endswith("patients.csv")
    assert (problem.line, problem.field) == (3, column)
    assert problem.entry == "row 2 (id 'P1')"
    assert bad in problem.found
    assert expected in problem.expected
    assert column in str(PatientDataError([problem]))


def test_duplicated_id_points_at_the_first_use(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER, GOOD, GOOD))
    assert (problem.field, problem.line) == ("id", 3)
    assert "line 2" in problem.expected


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    problems = _problems(
        _write(tmp_path, HEADER, "P1,-1,5,relapse,4,no,none", "P2,3,1,other,4,no,none")
    )
    assert {(p.line, p.field) for p in problems} == {
        (2, "months"),
        (2, "death"),
        (3, "first_event"),
    }


def test_unknown_column_is_rejected(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, HEADER + ",weight", GOOD + ",4.2"))
    assert problem.field == "weight"


def _rule_warnings(path: Path) -> list[PatientRuleWarning]:
    with pytest.warns(PatientRuleWarning) as record:
        load_patients(path)
    return [w.message for w in record if isinstance(w.message, PatientRuleWarning)]


def test_transplant_before_the_landmark_warns_naming_file_row_field_found_and_expected(
    tmp_path: Path,
) -> None:
    header = HEADER + ",transplant_months"
    path = _write(tmp_path, header, GOOD + ",", "P2,30.0,1,relapse,6,no,not_in_remission,1.0")
    (warning,) = _rule_warnings(path)
    problem = warning.problem
    assert (problem.file, problem.line, problem.field) == (str(path), 3, "transplant_months")
    assert problem.entry == "row 2 (id 'P2')"
    assert problem.found == "1 (months 30)"
    assert f"after the landmark of {LANDMARK_MONTHS:g} months" in problem.expected
    assert "patients.csv:3" in str(warning)


def test_transplanted_patient_dead_by_the_landmark_warns_but_still_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER, GOOD, "P2,1.5,1,relapse,6,not_evaluable,status_unknown")
    with pytest.warns(PatientRuleWarning, match=r"row 2 \(id 'P2'\), field 'transplant'"):
        frame = load_patients(path)
    assert len(frame) == 2  # a warning, not an error: real data may differ from our reading


def test_evaluated_patient_dead_before_the_landmark_and_untreated_long_survivor_warn(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        HEADER,
        "P1,0.5,1,relapse,4,no,none",
        "P2,70.0,0,relapse,4,no,none",
    )
    fields = {(w.problem.entry, w.problem.field) for w in _rule_warnings(path)}
    assert fields == {
        ("row 1 (id 'P1')", "salvage_remission"),
        ("row 2 (id 'P2')", "salvage_remission"),
    }


def test_a_file_that_follows_every_rule_loads_without_a_warning(tmp_path: Path) -> None:
    # pytest turns any warning into an error here (filterwarnings = error).
    header = HEADER + ",transplant_months"
    frame = load_patients(_write(tmp_path, header, "P1,30.0,1,relapse,6,no,not_in_remission,3.5"))
    assert frame.loc[0, "transplant_months"] == 3.5


def test_the_downloadable_reconstructed_cohort_is_a_valid_file_that_follows_every_rule(
    tmp_path: Path,
) -> None:
    from analysis.patient_level.reconstruct import reconstruct
    from analysis.study.load import load_study

    cohort = reconstruct(load_study(), cohorts=5).ensemble.cohort(0)
    path = tmp_path / "reconstructed-survival_cohort.csv"
    cohort.to_csv(path, index=False)
    frame = load_patients(path)  # no PatientDataError, no warning
    assert set(frame["data_source"]) == {
        "Reconstructed from published summary numbers, not patient data"
    }


def test_a_real_file_breaking_a_rule_is_analysed_and_its_rules_table_names_the_patient(
    tmp_path: Path,
) -> None:
    from analysis.patient_level.results import analyse
    from analysis.patient_level.tables import rules_table
    from analysis.study.load import load_study

    lines = SYNTHETIC.read_text(encoding="utf-8").splitlines()
    lines = [
        line.replace(",not_evaluable,status_unknown,", ",not_evaluable,none,") for line in lines
    ]
    path = tmp_path / "patients.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.warns(PatientRuleWarning, match="with salvage_remission 'not_evaluable' and no"):
        result = analyse(load_study(), patients=path)
    table = rules_table(result).display.set_index("Rule")
    row = table.loc[
        "a patient alive at 5 years reached remission after salvage or had a transplant"
    ]
    assert row["Result"] == "✗ fail; broken by S12, S18"


def test_a_transplant_month_before_the_landmark_fails_the_rule_on_real_data(
    tmp_path: Path,
) -> None:
    # The patient is alive long after the landmark: only the recorded month breaks the rule.
    from analysis.patient_level.results import analyse
    from analysis.patient_level.tables import rules_table
    from analysis.study.load import load_study

    lines = SYNTHETIC.read_text(encoding="utf-8").splitlines()
    lines[0] += ",transplant_months"
    lines[1:] = [
        line
        + (
            ",1.0"
            if line.startswith("S03,")
            else ",3.0"
            if "_remission," in line or ",status_unknown," in line
            else ","
        )
        for line in lines[1:]
    ]
    path = tmp_path / "patients.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.warns(PatientRuleWarning, match=r"row 3 \(id 'S03'\), field 'transplant_months'"):
        result = analyse(load_study(), patients=path)
    table = rules_table(result).display.set_index("Rule")
    row = table.loc[next(r for r in table.index if r.startswith("a transplant comes after"))]
    assert row["Result"] == "✗ fail; broken by S03"
