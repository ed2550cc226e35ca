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


SUMMED = GOOD.replace(
    """  - name: relapsed
    kind: count
    value: 20
    part_of: cohort
    source: "Twenty relapsed."
""",
    """  - name: relapsed
    kind: count
    value: 20
    part_of: cohort
    source: "Twenty relapsed and three never reached remission."
  - name: refractory
    kind: count
    value: 3
    source: "Twenty relapsed and three never reached remission."
  - name: relapsed_or_refractory
    kind: count
    sum_of: [relapsed, refractory]
    source: "Twenty relapsed and three never reached remission."
""",
)


def test_a_count_the_paper_does_not_print_is_the_sum_of_its_parts(tmp_path: Path) -> None:
    from analysis.figures.checks import check_figures
    from analysis.figures.results import FigureResults
    from analysis.figures.tables import figures_table

    study = load_figures(
        write(tmp_path, SUMMED.replace("over: cohort", "over: relapsed_or_refractory"))
    )
    (derived,) = [f for f in study.figures if f.name == "relapsed_or_refractory"]
    assert isinstance(derived, Count)
    assert derived.value == 23
    shown = (
        figures_table(FigureResults(study))
        .display.set_index("Name")
        .loc["relapsed_or_refractory", "As printed"]
    )
    assert shown == "not printed: 20 + 3 = 23 (relapsed, refractory)"
    (floor,) = [c for c in check_figures(study) if c.check == "SE against its no-censoring floor"]
    assert "n = 23" in floor.detail
    assert "not printed: the sum of relapsed, refractory" in floor.detail


@pytest.mark.parametrize(
    ("sum_of", "field", "found", "expected"),
    [
        ("[relapsed, nobody]", "sum_of", "'nobody'", "the name of a count of this file"),
        ("[relapsed, efs]", "sum_of", "'efs'", "the name of a count of this file"),
        ("[relapsed, relapsed_or_refractory]", "sum_of", "a cycle", "do not need this sum"),
        ("[relapsed]", "sum_of", "", "at least 2 items"),
        ("relapsed", "sum_of", "", "list"),
    ],
)
def test_a_sum_of_what_is_not_a_count_or_of_itself_is_refused(
    tmp_path: Path, sum_of: str, field: str, found: str, expected: str
) -> None:
    text = SUMMED.replace("sum_of: [relapsed, refractory]", f"sum_of: {sum_of}")
    got = problems(tmp_path, text)
    assert any(
        "'relapsed_or_refractory'" in p and f"field '{field}'" in p and found in p and expected in p
        for p in got
    ), got


def test_a_value_typed_beside_its_sum_is_refused(tmp_path: Path) -> None:
    # A derived figure is computed, never typed: even the right total is refused.
    text = SUMMED.replace(
        "sum_of: [relapsed, refractory]", "sum_of: [relapsed, refractory]\n    value: 23"
    )
    (found,) = problems(tmp_path, text)
    assert "'relapsed_or_refractory'" in found
    assert "field 'value'" in found
    assert "computed from its parts" in found


def test_a_median_shows_its_unit(tmp_path: Path) -> None:
    from analysis.figures.results import FigureResults
    from analysis.figures.values import figures_values

    text = (
        GOOD
        + """  - name: followup
    kind: median
    value: 5.5
    range: {low: 0.5, high: 9.1}
    unit: years
    source: "The median follow-up was 5.5 years (range 0.5-9.1)."
"""
    )
    values = figures_values(FigureResults(load_figures(write(tmp_path, text))))
    assert values["fig.followup"] == ("5.5 years (range 0.5–9.1)")


def test_a_sum_and_its_parts_in_one_whole_are_refused_as_counted_twice(tmp_path: Path) -> None:
    # 20 + 3 in 23, and all three part of the cohort: the whole would hold 46 where 23 are.
    text = SUMMED.replace(
        "    sum_of: [relapsed, refractory]\n",
        "    sum_of: [relapsed, refractory]\n    part_of: cohort\n",
    )
    (found,) = problems(tmp_path, text)
    assert "'relapsed'" in found
    assert "field 'part_of'" in found
    assert "counted twice in 'cohort'" in found
    # Given to the sum alone, it loads.
    load_figures(
        write(tmp_path, text.replace("    value: 20\n    part_of: cohort\n", "    value: 20\n"))
    )
