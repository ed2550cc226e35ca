"""What the printed figures allow (bounds at other times, SE against its floor), the domain's
tables and values, and the MLL03 study file: every check its figures allow ran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analysis.figures import FIGURES
from analysis.figures.allowed import bounds_at, death_counts, se_allowances, time_bounds
from analysis.figures.checks import check_figures
from analysis.figures.load import load_figures
from analysis.figures.results import FigureResults
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
    results = FigureResults(load_figures(MLL03))
    names = [build(results).name for build in FIGURES.tables]
    assert names == [
        "fig_figures",
        "fig_checks",
        "fig_bounds",
        "fig_allowed_se",
        "fig_death_counts",
    ]
    values = figures_values(results)
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


def _os(n: int | None, **fields: Any) -> FigureStudy:
    """One 5-year survival estimate of 25.6% over ``n`` patients (``None``: n not known)."""
    figure: dict[str, Any] = {
        "name": "os_5y",
        "kind": "survival",
        "estimate": 25.6,
        "time": 5,
        "time_unit": "years",
        "source": "OS was 25.6% +/- 6.9%.",
        **fields,
    }
    if n is not None:
        figure["n"] = n
    return FigureStudy.model_validate({"figures": [figure]})


def test_a_printed_se_read_as_truncated_fixes_the_count_alive_and_as_rounded_allows_nothing() -> (
    None
):
    # This repository's own study, in the generic model: the engine's search reaches what the
    # reconstruction's pages say (10 of 39 alive at 5 years; the rounded reading: no order).
    rounded, truncated = death_counts(_os(39, se=6.9))
    assert rounded.reading == "printed SE, read as rounded"
    assert rounded.se == pytest.approx((6.85, 6.95))
    assert rounded.outcome == "no order"
    assert truncated.reading == "printed SE, read as truncated"
    assert truncated.outcome == "fixed"
    assert truncated.alive == (10,)
    assert "10 of 39 are alive" in truncated.finding


def test_a_looser_se_leaves_the_count_alive_open() -> None:
    # The search can say "not fixed": an SE of 7.3 leaves room for a loss before a death.
    (_, truncated) = death_counts(_os(39, se=7.3))
    assert truncated.outcome == "not fixed"
    assert "a loss before a death" in truncated.finding


def test_no_n_no_search_and_a_large_n_stops_unfinished() -> None:
    assert death_counts(_os(None, se=6.9)) == []
    big = death_counts(_os(1500, se=1.1))
    assert {d.outcome for d in big} <= {"search unfinished", "no order"}
    assert any(d.outcome == "search unfinished" for d in big)
    assert all(not d.search.complete for d in big if d.outcome == "search unfinished")


def test_mll03s_estimates_need_a_loss_before_a_death_over_62() -> None:
    # 43.2% and 67.2% are not k/62 for any k, so over 62 patients from the time origin some
    # patient was censored before a later death: every order that reads as printed has a loss.
    found = {d.figure: d for d in death_counts(load_figures(MLL03))}
    assert set(found) == {"efs_4y", "os_4y"}
    for name, estimate in (("efs_4y", 43.2), ("os_4y", 67.2)):
        d = found[name]
        assert d.n == 62
        assert "assumed: not stated" in d.n_from
        assert d.reading == "SE implied by the CI under the log-log transform"
        assert d.outcome == "not fixed"
        assert d.search.complete
        assert d.search.matches
        assert d.alive == ()
        assert all(abs(100 * k / 62 - estimate) >= 0.05 for k in range(63))
        assert "someone was lost to follow-up before a later death" in d.finding


def test_every_column_of_every_table_is_filled() -> None:
    results = FigureResults(load_figures(MLL03))
    for build in FIGURES.tables:
        table = build(results)
        assert not table.data.isna().any().any(), (table.name, table.data.isna().sum().to_dict())
