"""What the printed figures allow (bounds at other times, SE against its floor), the domain's
tables and values, and the MLL03 study file: every check its figures allow ran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analysis.figures import FIGURES
from analysis.figures.allowed import bounds_at, se_allowances, time_bounds
from analysis.figures.checks import check_figures
from analysis.figures.load import load_figures
from analysis.figures.schema import FigureStudy, Survival
from analysis.figures.values import figures_values

MLL03 = Path(__file__).resolve().parents[1] / "examples" / "mll03" / "study.yaml"


def curve(*points: tuple[float, float]) -> FigureStudy:
    figures: list[dict[str, Any]] = [
        {
            "name": f"s{i}",
            "kind": "survival",
            "endpoint": "efs",
            "estimate": estimate,
            "time": time,
            "time_unit": "years",
            "source": "A sentence.",
        }
        for i, (time, estimate) in enumerate(points)
    ]
    return FigureStudy.model_validate({"figures": figures})


def test_one_estimate_bounds_the_curve_on_either_side() -> None:
    study = curve((4, 43.2))
    (figure,) = study.figures
    assert isinstance(figure, Survival)
    assert bounds_at(study, figure, 2)[:2] == (43.2, 100.0)
    assert bounds_at(study, figure, 6)[:2] == (0.0, 43.2)


def test_a_second_estimate_tightens_the_bounds_between_them() -> None:
    study = curve((2, 70.0), (5, 40.0))
    first = study.figures[0]
    assert isinstance(first, Survival)
    assert bounds_at(study, first, 3) == (40.0, 70.0, ("s0", "s1"))
    stretches = [(b.start, b.end, b.low, b.high) for b in time_bounds(study)]
    assert stretches == [(None, 2, 70.0, 100.0), (2, 5, 40.0, 70.0), (5, None, 0.0, 40.0)]


def test_mll03_every_check_the_figures_allow_ran() -> None:
    results = {(r.figures[0], r.check): r for r in check_figures(load_figures(MLL03))}
    assert results["age_hr", "P against the Wald P from the CI"].outcome == "pass"
    assert results["age_hr", "ratio against its CI's geometric midpoint"].outcome == "pass"
    for survival in ("efs_4y", "os_4y"):
        assert results[survival, "survival CI against its estimate"].outcome == "pass"
        assert "log-log" in results[survival, "survival CI against its estimate"].detail
        floor = results[survival, "SE against its no-censoring floor"]
        assert floor.outcome == "pass"
        assert "n = 62" in floor.detail
        assert "does not state the denominator" in floor.detail
    assert results["univariate_factors", "P value"].outcome == "cannot check"


def test_mll03_se_allowance_and_binomial_n() -> None:
    allowed = {a.figure: a for a in se_allowances(load_figures(MLL03))}
    assert allowed["efs_4y"].se == pytest.approx(6.3, abs=0.1)
    assert allowed["efs_4y"].floor is not None
    assert allowed["efs_4y"].se >= allowed["efs_4y"].floor
    assert 55 < allowed["efs_4y"].binomial_n < 62


def test_domain_builds_every_table_and_value() -> None:
    study = load_figures(MLL03)
    names = [build(study).name for build in FIGURES.tables]
    assert names == ["fig_figures", "fig_checks", "fig_bounds", "fig_allowed_se"]
    values = figures_values(study)
    assert values["fig.age_hr"] == "1.969 (95% CI 0.903–4.291); P = 0.088"
    assert values["fig.infants"] == "62"
    # What the abstract says of the analysis and of what a P applies to, placeable by name.
    assert values["fig.age_hr.analysis"] == "multivariable"
    assert values["fig.univariate_factors.analysis"] == "univariate"
    assert values["fig.univariate_factors.applies_to"] == (
        "younger age (<90 days at diagnosis); central nervous system disease; "
        "poor response to initial prednisolone therapy"
    )
    assert "fig.univariate_factors.test" not in values  # the abstract names no test
    assert values["fig.citation.doi"] == "10.1038/leu.2014.172"
    assert "PMID" in values["fig.citation.not_verified"]
