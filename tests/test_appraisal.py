"""The appraisal file: validation errors that say where and what, and the tables built from it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.appraisal.load import APPRAISAL_FILE, YAML12Loader, count_sentences, load_appraisal
from analysis.appraisal.schema import BOTTOM_LINE_MAX_CHARS, CASP_COHORT, Appraisal
from analysis.appraisal.tables import ANSWER_DISPLAY, checklist_table, edition
from analysis.appraisal.values import appraisal_values
from analysis.errors import AppraisalDataError, DataProblem, StudyDataError
from analysis.registry import Inputs
from testsupport.project import PROJECT


@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    return Inputs().values


@pytest.fixture(scope="module")
def appraisal(values: dict[str, str]) -> Appraisal:
    return load_appraisal(values=values)


def _raw() -> dict[str, Any]:
    return yaml.load(APPRAISAL_FILE.read_text(encoding="utf-8"), Loader=YAML12Loader)


def _problems_after(
    tmp_path: Path, values: dict[str, str], change: Callable[[dict[str, Any]], None]
) -> tuple[list[DataProblem], list[str]]:
    """Write the packaged appraisal with ``change`` applied; return the problems and the lines."""
    raw = _raw()
    change(raw)
    path = tmp_path / "appraisal.yaml"
    text = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AppraisalDataError) as info:
        load_appraisal(path, values=values)
    return info.value.problems, text.splitlines()


def _entry(raw: dict[str, Any], question_id: str) -> dict[str, Any]:
    return next(item for item in raw["checklist"] if item["id"] == question_id)


def test_packaged_appraisal_answers_every_casp_question_exactly_once(appraisal: Appraisal) -> None:
    assert sorted(item.id for item in appraisal.checklist) == sorted(q.id for q in CASP_COHORT)


def test_value_references_are_filled_in_from_the_study_data(
    appraisal: Appraisal, values: dict[str, str]
) -> None:
    assert values["relapsed_or_refractory"] in appraisal.pico.population
    assert values["os_5y"] in appraisal.bottom_line
    texts = [appraisal.bottom_line, appraisal.design, *appraisal.pico.model_dump().values()]
    texts += [item.justification for item in appraisal.checklist]
    texts += [lim.detail for lim in appraisal.limitations]
    assert not [t for t in texts if "{{" in t or "}}" in t]


def test_unknown_answer_is_rejected_naming_entry_field_line_and_the_allowed_answers(
    tmp_path: Path, values: dict[str, str]
) -> None:
    problems, lines = _problems_after(
        tmp_path, values, lambda raw: _entry(raw, "precision").update(answer="maybe")
    )
    (problem,) = problems
    assert problem.file.endswith("appraisal.yaml")
    assert "'precision'" in problem.entry
    assert problem.field == "answer"
    assert problem.found == "'maybe'"
    assert all(word in problem.expected for word in ("'yes'", "'no'", "can't tell"))
    assert problem.line is not None
    assert "maybe" in lines[problem.line - 1]
    assert isinstance(problem, DataProblem)


def test_an_unknown_answer_is_a_study_data_error_too(
    tmp_path: Path, values: dict[str, str]
) -> None:
    problems, _ = _problems_after(
        tmp_path, values, lambda raw: _entry(raw, "believable").update(answer="probably")
    )
    assert problems
    assert issubclass(AppraisalDataError, StudyDataError)


def test_unquoted_yes_and_no_are_answers_not_booleans(
    tmp_path: Path, values: dict[str, str]
) -> None:
    text = APPRAISAL_FILE.read_text(encoding="utf-8").replace('answer: "yes"', "answer: yes")
    text = text.replace('answer: "no"', "answer: no")
    assert "answer: yes" in text
    assert "answer: no" in text
    path = tmp_path / "appraisal.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_appraisal(path, values=values)
    assert {item.answer for item in loaded.checklist} <= {"yes", "no", "can't tell"}
    assert "yes" in {item.answer for item in loaded.checklist}


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (lambda item: item.pop("justification"), "nothing (the field is missing)"),
        (lambda item: item.update(justification=""), "''"),
    ],
    ids=["absent", "empty"],
)
def test_missing_justification_is_rejected(
    tmp_path: Path, values: dict[str, str], change: Callable[[dict[str, Any]], None], found: str
) -> None:
    problems, _ = _problems_after(tmp_path, values, lambda raw: change(_entry(raw, "applicable")))
    (problem,) = problems
    assert "'applicable'" in problem.entry
    assert problem.field == "justification"
    assert problem.found == found


def test_justification_longer_than_one_line_is_rejected(
    tmp_path: Path, values: dict[str, str]
) -> None:
    problems, _ = _problems_after(
        tmp_path,
        values,
        lambda raw: _entry(raw, "fits_evidence").update(justification="Because. " * 40),
    )
    (problem,) = problems
    assert problem.field == "justification"
    assert "one line" in problem.expected


def test_bottom_line_of_four_sentences_is_rejected(tmp_path: Path, values: dict[str, str]) -> None:
    problems, lines = _problems_after(
        tmp_path,
        values,
        lambda raw: raw.update(
            bottom_line="Survival was poor. Numbers are small. HSCT varied. New drugs are needed."
        ),
    )
    (problem,) = problems
    assert problem.field == "bottom_line"
    assert problem.found.startswith("4 sentence")
    assert "at most 3 sentences" in problem.expected
    assert lines[problem.line - 1].startswith("bottom_line:")


def test_bottom_line_over_the_character_limit_is_rejected(
    tmp_path: Path, values: dict[str, str]
) -> None:
    long_sentence = "Survival " + "was very poor " * (BOTTOM_LINE_MAX_CHARS // 10) + "indeed."
    problems, _ = _problems_after(
        tmp_path, values, lambda raw: raw.update(bottom_line=long_sentence)
    )
    (problem,) = problems
    assert problem.field == "bottom_line"
    assert f"{len(long_sentence)} characters" in problem.found
    assert f"{BOTTOM_LINE_MAX_CHARS} characters" in problem.expected


def test_bottom_line_length_counts_the_filled_in_values(
    tmp_path: Path, values: dict[str, str]
) -> None:
    """A short placeholder can stand for a long text: the limit applies to what readers see."""
    padded = {**values, "long_value": "x" * BOTTOM_LINE_MAX_CHARS}
    raw = _raw()
    raw["bottom_line"] = "It is {{ value long_value }}."
    path = tmp_path / "appraisal.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AppraisalDataError, match="bottom_line"):
        load_appraisal(path, values=padded)


def test_missing_checklist_question_is_rejected_naming_its_casp_number(
    tmp_path: Path, values: dict[str, str]
) -> None:
    def drop(raw: dict[str, Any]) -> None:
        raw["checklist"] = [item for item in raw["checklist"] if item["id"] != "follow_up_long"]

    problems, lines = _problems_after(tmp_path, values, drop)
    (problem,) = problems
    assert "follow_up_long" in problem.field
    assert "CASP question 6b" in problem.expected
    assert lines[problem.line - 1].startswith("checklist:")


def test_question_answered_twice_or_not_in_the_checklist_is_rejected(
    tmp_path: Path, values: dict[str, str]
) -> None:
    def duplicate_and_invent(raw: dict[str, Any]) -> None:
        raw["checklist"].append(dict(_entry(raw, "precision")))
        raw["checklist"].append({**_entry(raw, "precision"), "id": "is_it_good"})

    problems, _ = _problems_after(tmp_path, values, duplicate_and_invent)
    assert [p.field for p in problems] == ["id", "id"]
    assert "answered once" in problems[0].expected
    assert problems[1].found == "'is_it_good'"


def test_unknown_value_name_in_a_text_is_rejected(tmp_path: Path, values: dict[str, str]) -> None:
    problems, _ = _problems_after(
        tmp_path,
        values,
        lambda raw: raw["pico"].update(population="{{ value os_10y }} infants"),
    )
    (problem,) = problems
    assert problem.entry == "'pico'"
    assert problem.field == "population"
    assert "os_10y" in problem.found
    assert "os_5y" in problem.expected  # a close name is suggested


def test_every_problem_is_reported_at_once(tmp_path: Path, values: dict[str, str]) -> None:
    def two_faults(raw: dict[str, Any]) -> None:
        _entry(raw, "precision")["justification"] = "{{ value nope }}"
        raw["bottom_line"] = "One. Two. Three. Four."

    problems, _ = _problems_after(tmp_path, values, two_faults)
    assert {p.field for p in problems} == {"justification", "bottom_line"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Survival was 25.6% ± 6.9% at 5 years.", 1),
        ("Treatment changed (e.g. blinatumomab). Results may differ.", 2),
        ("One. Two! Three? Four.", 4),
        ("", 0),
    ],
)
def test_sentences_are_counted_without_splitting_decimals_or_abbreviations(
    text: str, expected: int
) -> None:
    assert count_sentences(text) == expected


def test_checklist_table_shows_each_answer_by_icon_and_word(appraisal: Appraisal) -> None:
    table = checklist_table(appraisal)
    for answer, shown in zip(table.data["answer"], table.display["Answer"], strict=True):
        icon, word = shown.split(" ", 1)
        assert word.lower() == answer
        assert not icon.isalpha()
    icons = {shown.split(" ", 1)[0] for shown in ANSWER_DISPLAY.values()}
    assert len(icons) == len(ANSWER_DISPLAY)  # each answer has its own icon


def test_checklist_table_follows_casp_order_and_numbers(appraisal: Appraisal) -> None:
    table = checklist_table(appraisal)
    assert list(table.data["id"]) == [q.id for q in CASP_COHORT]
    assert list(table.display["#"]) == [q.number for q in CASP_COHORT]


def test_edition_is_the_version_typed_in_citation_cff() -> None:
    citation = yaml.safe_load((PROJECT / "CITATION.cff").read_text(encoding="utf-8"))
    assert edition() == citation["version"]


def test_appraisal_values_count_the_answers(appraisal: Appraisal) -> None:
    shown = appraisal_values(appraisal)
    counted = sum(int(shown[k]) for k in ("appraisal_yes", "appraisal_no", "appraisal_cant_tell"))
    assert counted == int(shown["appraisal_questions"]) == len(CASP_COHORT)
    assert shown["appraisal_date"] == appraisal.appraisal.date.isoformat()


# --- what the appraisal claims, and on what conditions ------------------------------------


def test_each_reviewer_is_named_with_the_date_of_the_review(appraisal: Appraisal) -> None:
    shown = appraisal_values(appraisal)
    reviewers = appraisal.appraisal.reviewers
    assert reviewers
    for reviewer in reviewers:
        assert reviewer.name.strip()
        assert (
            f"{reviewer.name} ({reviewer.role}, {reviewer.date.isoformat()})"
            in (shown["appraisal_reviewers"])
        )
    assert shown["appraisal_date"] == max(r.date for r in reviewers).isoformat()


@pytest.mark.parametrize("where", ["reviewer", "justification", "bottom_line"])
def test_a_text_naming_a_tracker_issue_is_rejected_naming_the_field(
    tmp_path: Path, values: dict[str, str], where: str
) -> None:
    def cite_tracker(raw: dict[str, Any]) -> None:
        if where == "reviewer":
            raw["appraisal"]["reviewers"][0]["role"] = "first draft, issue 8"
        elif where == "justification":
            _entry(raw, "precision")["justification"] += " (see Issue #12)"
        else:
            raw["bottom_line"] = "Survival was poor (issue 3)."

    problems, lines = _problems_after(tmp_path, values, cite_tracker)
    (problem,) = problems
    assert problem.field == {"reviewer": "role", "justification": "justification"}.get(
        where, "bottom_line"
    )
    assert "issue" in problem.found.lower()
    assert "tracker" in problem.expected
    assert problem.line is not None
    assert lines[problem.line - 1].strip().startswith(f"{problem.field}:")


def test_the_basis_of_the_appraisal_is_a_whole_sentence(values: dict[str, str]) -> None:
    basis = appraisal_values(load_appraisal(values=values))["appraisal_basis"]
    assert "The published abstract only;" not in basis
    assert basis.startswith("This appraisal rests on the published abstract only")
    assert count_sentences(basis) == 1
    assert basis.endswith(".")


def test_the_outcome_answer_depends_on_the_sites_reading_of_the_time_origin(
    appraisal: Appraisal,
) -> None:
    item = next(i for i in appraisal.checklist if i.id == "outcome_measurement")
    assert item.answer == "can't tell"
    assert "this site's reading" in item.justification
    assert '"after the second-line treatment"' in item.justification


def test_the_follow_up_answer_states_the_conditions_of_the_no_loss_result(
    appraisal: Appraisal, values: dict[str, str]
) -> None:
    item = next(i for i in appraisal.checklist if i.id == "follow_up_complete")
    assert item.answer == "can't tell"
    text = item.justification
    for condition in ("Greenwood", "truncated", "not rounded", "time 0"):
        assert condition in text, condition
    assert "no patient was lost" in text
    assert f"{values['salvage_remission_denominator']} of {values['relapsed_or_refractory']}" in (
        text
    )


def test_the_believability_answer_does_not_call_the_upper_limit_low(
    appraisal: Appraisal, values: dict[str, str]
) -> None:
    item = next(i for i in appraisal.checklist if i.id == "believable")
    assert " is low" not in item.justification
    assert "most patients would have died" in item.justification
    # "most died" holds at the upper limit only while that limit is below one half.
    upper = float(values["os_5y_ci"].split("–")[1].rstrip("%"))
    assert upper < 50


def test_the_confounding_answer_counts_deaths_not_patients(
    appraisal: Appraisal, values: dict[str, str]
) -> None:
    item = next(i for i in appraisal.checklist if i.id == "confounders_accounted")
    assert "patients can support" not in item.justification
    assert f"{values['os_5y_deaths']} deaths" in item.justification
    assert f"about {values['os_5y_epv_factors']} factors" in item.justification
    assert f"{values['epv_rule']} events per variable" in item.justification
    assert "Peduzzi" in item.basis


def test_the_bottom_line_states_guarantee_time_bias_as_an_open_risk(
    appraisal: Appraisal,
) -> None:
    texts = [appraisal.bottom_line, *(lim.detail for lim in appraisal.limitations)]
    texts += [item.justification for item in appraisal.checklist]
    assert not [t for t in texts if "so the comparison favours" in t]
    for text in texts:
        if "guarantee-time" in text:
            assert "does not say whether" in text, text
    assert "guarantee-time" in appraisal.bottom_line


def test_the_se_is_called_a_reading_of_the_printed_plus_minus(appraisal: Appraisal) -> None:
    assert ", SE)" not in appraisal.bottom_line
    assert "± read as an SE" in appraisal.bottom_line
