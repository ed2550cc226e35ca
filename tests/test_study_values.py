"""Values the pages place that are derived from the study's survival figure: the deaths by the
time point, the factors a multivariable model could hold, and how often each interval covers."""

from __future__ import annotations

import pytest

from analysis.registry import Inputs
from analysis.stats.coverage import lowest_coverage
from analysis.study.load import load_study
from analysis.study.results import EVENTS_PER_VARIABLE, StudyResults


@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    return Inputs().values


def test_deaths_by_five_years_are_the_patients_not_alive_in_the_reported_share(
    values: dict[str, str],
) -> None:
    os5 = load_study().figure("os_5y")
    alive = round(os5.percent / 100 * os5.n_at_start)  # type: ignore[union-attr]
    assert values["os_5y_deaths"] == str(os5.n_at_start - alive)  # type: ignore[union-attr]
    # The patient-level domain reaches the same number from the exact allowed range.
    assert values["os_5y_deaths"] == values["survival_deaths_5y"]


def test_factors_a_model_could_hold_are_deaths_over_events_per_variable(
    values: dict[str, str],
) -> None:
    assert values["epv_rule"] == str(EVENTS_PER_VARIABLE) == "10"  # Peduzzi et al. 1995
    deaths = int(values["os_5y_deaths"])
    assert values["os_5y_epv_factors"] == str(round(deaths / EVENTS_PER_VARIABLE))


def test_coverage_values_are_the_lowest_over_the_quoted_interval(values: dict[str, str]) -> None:
    results = StudyResults(load_study())
    surv = results.survival.set_index("method")
    low, high = surv.loc["log-log", "lower"], surv.loc["log-log", "upper"]
    n = load_study().figure("os_5y").n_at_start  # type: ignore[union-attr]
    for method, name in (("plain", "plain"), ("log", "log"), ("log-log", "loglog")):
        expected = lowest_coverage(n, low, high, method=method)  # type: ignore[arg-type]
        assert values[f"os_5y_coverage_{name}"] == f"{100 * expected:.1f}%"
    assert float(values["os_5y_coverage_plain"].rstrip("%")) < 90
