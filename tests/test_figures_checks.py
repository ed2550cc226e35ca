"""Each check of reported figures, on hand-made figures where it passes and where it fails; the
checks are chosen from kinds and relations, so renaming every figure changes no outcome."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.figures.checks import CheckResult, check_figures
from analysis.figures.schema import FigureStudy
from analysis.stats.intervals import survival_interval

SRC = "A sentence."


def run(*figures: dict[str, Any]) -> list[CheckResult]:
    return check_figures(
        FigureStudy.model_validate({"figures": [{"source": SRC, **f} for f in figures]})
    )


def outcome(results: list[CheckResult], check: str) -> CheckResult:
    (only,) = [r for r in results if r.check == check]
    return only


COHORT = {"name": "cohort", "kind": "count", "value": 62}


@pytest.mark.parametrize(
    ("percent", "expected"), [(25.8, "pass"), (25.6, "fail"), (26, "pass"), (25, "fail")]
)
def test_percentage_against_k_over_n(percent: float, expected: str) -> None:
    # 16/62 = 25.806…%: 25.8 (1 decimal) and 26 (0 decimals) agree, 25.6 and 25 do not
    results = run(
        COHORT,
        {"name": "x", "kind": "proportion", "k": 16, "percent": percent, "denominator": "cohort"},
    )
    result = outcome(results, "percentage against k/n")
    assert result.outcome == expected
    assert result.figures == ("x", "cohort")


def test_percentage_without_n_cannot_be_checked() -> None:
    result = outcome(
        run({"name": "x", "kind": "proportion", "k": 3, "percent": 10.0}), "percentage against k/n"
    )
    assert result.outcome == "cannot check"
    assert "n is not" in result.detail


@pytest.mark.parametrize(("n", "expected"), [(62, "pass"), (61, "fail")])
def test_denominator_is_its_count(n: int, expected: str) -> None:
    results = run(
        COHORT, {"name": "x", "kind": "proportion", "k": 3, "n": n, "denominator": "cohort"}
    )
    assert outcome(results, "denominator is its count").outcome == expected


@pytest.mark.parametrize(("a", "b", "expected"), [(30, 32, "pass"), (40, 30, "fail")])
def test_parts_against_their_whole(a: int, b: int, expected: str) -> None:
    results = run(
        COHORT,
        {"name": "a", "kind": "count", "value": a, "part_of": "cohort"},
        {"name": "b", "kind": "proportion", "k": b, "part_of": "cohort"},
    )
    result = outcome(results, "parts against their whole")
    assert result.outcome == expected
    assert result.figures == ("cohort", "a", "b")


@pytest.mark.parametrize(("a", "b", "expected"), [(30, 32, "pass"), (30, 31, "fail")])
def test_parts_that_make_all_of_their_whole_must_sum_to_it(a: int, b: int, expected: str) -> None:
    # 30 + 31 stays within 62, which is enough for parts, not for parts said to be all of it
    results = run(
        {**COHORT, "parts_complete": True},
        {"name": "a", "kind": "count", "value": a, "part_of": "cohort"},
        {"name": "b", "kind": "count", "value": b, "part_of": "cohort"},
    )
    result = outcome(results, "parts against their whole")
    assert result.outcome == expected
    assert "every part" in result.detail


def survival(estimate: float, lower: float, upper: float, **more: Any) -> dict[str, Any]:
    return {
        "name": "s",
        "kind": "survival",
        "estimate": estimate,
        "time": 4,
        "time_unit": "years",
        "ci": {"lower": lower, "upper": upper},
        **more,
    }


@pytest.mark.parametrize("method", ["plain", "log", "log-log"])
def test_survival_ci_names_the_transform_that_made_it(method: str) -> None:
    made = survival_interval(0.5, 0.06, method=method)  # type: ignore[arg-type]
    lower, upper = round(100 * made.lower, 1), round(100 * made.upper, 1)
    result = outcome(run(survival(50.0, lower, upper)), "survival CI against its estimate")
    assert result.outcome == "pass"
    assert method in result.detail


def test_survival_ci_no_transform_reproduces_fails() -> None:
    # far too lopsided for any of the three transforms
    result = outcome(run(survival(50.0, 49.0, 80.0)), "survival CI against its estimate")
    assert result.outcome == "fail"


@pytest.mark.parametrize(("se", "expected"), [(6.5, "pass"), (5.0, "fail")])
def test_se_against_its_no_censoring_floor(se: float, expected: str) -> None:
    # floor at S = 50%, n = 62: √(0.25/62) = 6.35 points
    fig = {
        "name": "s",
        "kind": "survival",
        "estimate": 50.0,
        "time": 4,
        "time_unit": "years",
        "se": se,
        "n": 62,
    }
    result = outcome(run(fig), "SE against its no-censoring floor")
    assert result.outcome == expected
    assert "6.35" in result.detail


def test_se_floor_uses_the_related_count_and_says_when_assumed() -> None:
    fig = survival(43.2, 30.7, 55.1, over="cohort", over_stated=False)
    result = outcome(run(COHORT, fig), "SE against its no-censoring floor")
    assert result.outcome == "pass"
    assert result.figures == ("s", "cohort")
    assert "n = 62" in result.detail
    assert "does not state the denominator" in result.detail


def test_se_floor_without_n_cannot_be_checked() -> None:
    result = outcome(run(survival(43.2, 30.7, 55.1)), "SE against its no-censoring floor")
    assert result.outcome == "cannot check"


def ratio(estimate: float, lower: float, upper: float, p: Any = None) -> dict[str, Any]:
    fig = {
        "name": "r",
        "kind": "ratio",
        "measure": "hazard",
        "estimate": estimate,
        "ci": {"lower": lower, "upper": upper},
    }
    return fig if p is None else {**fig, "p": p}


@pytest.mark.parametrize(("estimate", "expected"), [(1.969, "pass"), (2.1, "fail")])
def test_ratio_against_geometric_midpoint(estimate: float, expected: str) -> None:
    result = outcome(
        run(ratio(estimate, 0.903, 4.291)), "ratio against its CI's geometric midpoint"
    )
    assert result.outcome == expected


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0.088, "pass"), (0.09, "pass"), (0.05, "fail"), ("<0.1", "pass"), ("<0.05", "fail")],
)
def test_ratio_p_against_wald(p: Any, expected: str) -> None:
    result = outcome(run(ratio(1.969, 0.903, 4.291, p)), "P against the Wald P from the CI")
    assert result.outcome == expected


@pytest.mark.parametrize(("value", "expected"), [(5, "pass"), (12, "fail")])
def test_median_inside_its_range(value: int, expected: str) -> None:
    fig = {"name": "m", "kind": "median", "value": value, "range": {"low": 1, "high": 10}}
    assert outcome(run(fig), "median inside its range").outcome == expected


def test_threshold_p_is_listed_as_not_checkable() -> None:
    result = outcome(run({"name": "p", "kind": "p_value", "p": "<0.05"}), "P value")
    assert result.outcome == "cannot check"
    assert "threshold" in result.detail


def test_outcomes_do_not_depend_on_names() -> None:
    figs = [COHORT, survival(43.2, 30.7, 55.1, over="cohort"), ratio(1.969, 0.903, 4.291, 0.088)]
    renamed = [
        {**COHORT, "name": "zz"},
        {**figs[1], "name": "qq", "over": "zz"},
        {**figs[2], "name": "efs"},
    ]
    assert [r.outcome for r in run(*figs)] == [r.outcome for r in run(*renamed)]
