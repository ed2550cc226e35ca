"""Loading a study file of reported figures fails closed: every hostile case is refused with a
problem naming file, entry, field, what was found and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.figures.load import FigureDataError, load_figures
from analysis.figures.schema import Count, Ratio, Survival

GOOD = """\
figures:
  - name: cohort
    kind: count
    value: 62
    source: "Sixty-two infants were treated."
  - name: relapsed
    kind: count
    value: 20
    part_of: cohort
    source: "Twenty relapsed."
  - name: efs
    kind: survival
    estimate: 43.2
    time: 4
    time_unit: years
    ci: {lower: 30.7, upper: 55.1, level: 95}
    over: cohort
    source: "EFS was 43.2%."
  - name: age_hr
    kind: ratio
    measure: hazard
    estimate: 1.969
    ci: {lower: 0.903, upper: 4.291}
    p: 0.088
    analysis: multivariable
    source: "HR 1.969."
  - name: univariate
    kind: p_value
    p: "<0.05"
    source: "P<0.05."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(FigureDataError) as info:
        load_figures(write(tmp_path, text))
    return [str(p) for p in info.value.problems]


def test_a_good_file_loads(tmp_path: Path) -> None:
    study = load_figures(write(tmp_path, GOOD))
    kinds = [type(f) for f in study.figures]
    assert kinds[0] is Count
    assert kinds[2] is Survival
    assert kinds[3] is Ratio


def test_missing_field_is_named(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD.replace("    value: 62\n", "", 1))
    assert any(
        "'cohort' (figures[0])" in p and "field 'value'" in p and "missing" in p for p in found
    )
    assert all("study.yaml" in p for p in found)


def test_unknown_kind_lists_the_kinds(tmp_path: Path) -> None:
    found = problems(
        tmp_path, GOOD.replace("kind: count\n    value: 62", "kind: tally\n    value: 62")
    )
    assert any("field 'kind'" in p and "'tally'" in p and "proportion" in p for p in found)


def test_unknown_relation_target(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD.replace("over: cohort", "over: cohrt"))
    assert any("'efs'" in p and "field 'over'" in p and "'cohrt'" in p for p in found)


def test_relation_target_must_be_a_count(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD.replace("over: cohort", "over: age_hr"))
    assert any("field 'over'" in p and "a ratio" in p and "a count" in p for p in found)


def test_a_cycle_of_parts_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("    value: 62\n", "    value: 62\n    part_of: relapsed\n", 1)
    found = problems(tmp_path, text)
    assert len([p for p in found if "cycle" in p]) == 1
    assert any(
        "cohort → relapsed → cohort" in p or "relapsed → cohort → relapsed" in p for p in found
    )


def test_a_figure_part_of_itself_is_a_cycle(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD.replace("part_of: cohort", "part_of: relapsed"))
    assert any("cycle: relapsed → relapsed" in p for p in found)


@pytest.mark.parametrize("bad", ["1.0e300", ".inf", ".nan", "-.inf", "100000000000"])
def test_huge_or_non_finite_numbers(tmp_path: Path, bad: str) -> None:
    found = problems(tmp_path, GOOD.replace("estimate: 1.969", f"estimate: {bad}"))
    assert any("'age_hr'" in p and "field 'estimate'" in p for p in found)


def test_percent_above_100(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD.replace("estimate: 43.2", "estimate: 143.2"))
    assert any("'efs'" in p and "field 'estimate'" in p for p in found)


@pytest.mark.parametrize("name", ["Cohort", "co hort", "cohört", "1cohort", "a" * 65])
def test_odd_characters_in_a_name(tmp_path: Path, name: str) -> None:
    found = problems(tmp_path, GOOD.replace("name: univariate", f"name: '{name}'"))
    assert any("field 'name'" in p for p in found)


@pytest.mark.parametrize("char", ["\\u202e", "\\x00", "\\u200b"])
def test_control_characters_in_a_source(tmp_path: Path, char: str) -> None:
    found = problems(tmp_path, GOOD.replace('"P<0.05."', f'"P<0.05{char}."'))
    assert any("'univariate'" in p and "field 'source'" in p for p in found)


def test_duplicate_names(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD.replace("name: univariate", "name: efs"))
    assert any("field 'name'" in p and "'efs'" in p and "not already used" in p for p in found)


def test_unknown_field_and_bad_threshold(tmp_path: Path) -> None:
    text = GOOD.replace('p: "<0.05"', 'p: "about 0.05"').replace("time: 4", "time: 4\n    tme: 3")
    found = problems(tmp_path, text)
    assert any("field 'p'" in p for p in found)
    assert any("unknown field 'tme'" in p for p in found)


def test_not_a_mapping(tmp_path: Path) -> None:
    assert any("a mapping" in p for p in problems(tmp_path, "- 1\n- 2\n"))


def test_an_unclosed_quote_names_the_line_where_it_began(tmp_path: Path) -> None:
    # The parser stops only at the end of the file; the line to fix is where the quote opened.
    text = GOOD.replace('source: "P<0.05."', 'source: "P<0.05.')
    (found,) = problems(tmp_path, text)
    opened = text.splitlines().index('    source: "P<0.05.') + 1
    end = len(text.splitlines()) + 1
    assert f"study.yaml:{opened}: entry (file), field '(syntax)'" in found
    assert (
        f"end of stream at line {end}, while scanning a quoted scalar begun at line {opened}"
        in found
    )
    assert "found found" not in found
