"""A malformed or inconsistent data file is refused with a message naming file, line, entry and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.errors import StudyDataError
from analysis.study.load import load_study
from testsupport.project import STUDY_FILE


def _variant(tmp_path: Path, old: str, new: str, *, count: int = 1) -> Path:
    text = STUDY_FILE.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"fixture text not found: {old!r}"
    path = tmp_path / "study.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def _only_problem(path: Path) -> str:
    with pytest.raises(StudyDataError) as info:
        load_study(path)
    assert len(info.value.problems) == 1, str(info.value)
    return str(info.value.problems[0])


def test_the_shipped_data_file_is_valid() -> None:
    study = load_study()
    assert study.citation.pmid == "19229974"
    assert study.citation.doi == "10.1002/pbc.21975"


def test_a_percentage_that_does_not_match_its_count_names_entry_field_found_and_expected(
    tmp_path: Path,
) -> None:
    msg = _only_problem(_variant(tmp_path, "percent: 40.5", "percent: 41.5"))
    assert "study.yaml:" in msg
    assert "entry 'salvage_remission'" in msg
    assert "field 'percent'" in msg
    assert "found 41.5" in msg
    assert "expected 40.5 (= 15/37" in msg


def test_a_count_that_contradicts_its_parts_is_refused(tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        "label: HSCT in remission\n    value: 9",
        "label: HSCT in remission\n    value: 10",
    )
    msg = _only_problem(path)
    assert "entry 'hsct'" in msg
    assert "field 'value'" in msg
    assert "found 23" in msg
    assert "expected 24, the sum of its parts" in msg


def test_a_wrong_type_is_refused_with_the_line_of_the_field(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'pmid: "19229974"', "pmid: 19229974")
    msg = _only_problem(path)
    line = next(
        i
        for i, text in enumerate(path.read_text().splitlines(), 1)
        if text.strip().startswith("pmid:")
    )
    assert f"study.yaml:{line}:" in msg
    assert "entry 'citation'" in msg
    assert "field 'pmid'" in msg
    assert "found 19229974" in msg
    assert "valid string" in msg


def test_a_count_given_as_text_is_refused(tmp_path: Path) -> None:
    msg = _only_problem(_variant(tmp_path, "value: 80", 'value: "80"'))
    assert "entry 'cohort' (figures[0])" in msg
    assert "field 'value'" in msg
    assert "found '80'" in msg


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    msg = _only_problem(_variant(tmp_path, "    denominator: 37\n", ""))
    assert "entry 'salvage_remission'" in msg
    assert "field 'denominator'" in msg
    assert "found nothing (the field is missing)" in msg


def test_an_unknown_field_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    msg = _only_problem(
        _variant(tmp_path, "    percent: 40.5\n", "    percent: 40.5\n    pct: 40.5\n")
    )
    assert "entry 'salvage_remission'" in msg
    assert "unknown field 'pct'" in msg


def test_an_unknown_top_level_field_is_named_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text("colour: red\n" + STUDY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    msg = _only_problem(path)
    assert msg.endswith(
        ":1: entry (top level), field 'colour': found unknown field 'colour'; "
        "expected only the documented fields"
    )


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StudyDataError) as info:
        load_study(
            _variant(
                tmp_path,
                "kind: median\n    label: Median follow-up",
                "kind: average\n    label: Median follow-up",
            )
        )
    assert "entry 'follow_up'" in str(info.value)
    assert "field 'kind'" in str(info.value)


def test_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    msg = _only_problem(_variant(tmp_path, "id: induction_failures", "id: relapses"))
    assert "field 'id'" in msg
    assert "found 'relapses'" in msg
    assert "not already used" in msg


def test_a_part_larger_than_its_whole_is_refused(tmp_path: Path) -> None:
    msg = _only_problem(_variant(tmp_path, "value: 34", "value: 81"))
    assert "entry 'relapses'" in msg
    assert "at most 80" in msg


def test_a_numerator_above_its_denominator_is_refused(tmp_path: Path) -> None:
    msg = _only_problem(_variant(tmp_path, "numerator: 15", "numerator: 38"))
    assert "field 'numerator'" in msg
    assert "at most the denominator (37)" in msg


def test_invalid_yaml_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "study.yaml"
    path.write_text("citation: [unclosed\n", encoding="utf-8")
    with pytest.raises(StudyDataError) as info:
        load_study(path)
    assert re.search(r"study\.yaml:\d+: entry \(file\), field '\(syntax\)'", str(info.value))


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = _variant(tmp_path, "percent: 40.5", "percent: 41.5")
    text = path.read_text().replace(
        "label: HSCT in remission\n    value: 9", "label: HSCT in remission\n    value: 10"
    )
    path.write_text(text)
    with pytest.raises(StudyDataError) as info:
        load_study(path)
    fields = sorted(p.field for p in info.value.problems)
    assert fields == ["percent", "value"]


def test_the_check_command_exits_2_with_the_message_and_no_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = _variant(tmp_path, "percent: 40.5", "percent: 41.5")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "check", "--study", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "entry 'salvage_remission'" in result.stderr
    assert "Traceback" not in result.stderr
