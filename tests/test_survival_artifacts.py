"""The patient-level charts and tables say what they draw: each synthetic chart names its
scenario in its title and stops at 5 years, the bands chart's text alternative describes only
the bands it draws, the hazard-ratio prior stands beside the hazard ratios it produced, and the
rules table checks every rule and bound against the drawn values (checked on the specs and the
tables' data)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from analysis.patient_level.charts import CHARTS
from analysis.patient_level.results import PatientAnalysis, analyse
from analysis.patient_level.rules import BOUNDS, HYPOTHESES, RULES
from analysis.patient_level.scenarios import SCENARIOS
from analysis.patient_level.tables import (
    fidelity_table,
    models_table,
    rules_table,
    scenarios_table,
)
from analysis.study.load import load_study

SYNTHETIC = ("survival_km", "survival_envelope", "survival_by_remission")


@pytest.fixture(scope="module")
def analysis() -> PatientAnalysis:
    return analyse(load_study(), cohorts=200)


@pytest.fixture(scope="module")
def charts(analysis: PatientAnalysis) -> dict:
    return {c.name: c for c in (build(analysis) for build in CHARTS)}


def _titles(spec: dict) -> list[str]:
    """Every title text of a Vega-Lite spec (lists of lines joined), nested charts included."""
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            title = node.get("title")
            if isinstance(title, dict | str | list):
                text = title.get("text", "") if isinstance(title, dict) else title
                found.append(" ".join(text) if isinstance(text, list) else str(text))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in spec.items() if k not in {"datasets", "config"}})
    return found


@pytest.mark.parametrize("name", SYNTHETIC)
@pytest.mark.parametrize("layout", ["chart", "narrow"])
def test_every_synthetic_chart_names_its_scenario_in_its_title(
    charts: dict, analysis: PatientAnalysis, name: str, layout: str
) -> None:
    spec = getattr(charts[name], layout).to_dict()
    top = " ".join(_titles(spec))
    assert "synthetic" in top, (name, top)
    if name == "survival_envelope":
        assert HYPOTHESES["early_deaths"].label in top
    else:
        assert analysis.shown.title in top


@pytest.mark.parametrize("name", SYNTHETIC)
def test_synthetic_curves_end_at_5_years(charts: dict, name: str) -> None:
    chart = charts[name]
    horizon = 60.0 if name != "survival_by_remission" else 60.0 - 2.0
    assert chart.data["months"].max() <= horizon
    spec = json.dumps(chart.chart.to_dict())
    assert f'"domain": [0, {horizon}]' in spec or f'"domain": [0.0, {horizon}]' in spec


def test_the_bands_chart_text_alternative_describes_only_the_bands_it_draws(
    charts: dict,
) -> None:
    chart = charts["survival_envelope"]
    drawn = set(chart.data["group"])
    described = {sc.label for sc in SCENARIOS if f"{sc.label} at " in chart.description}
    assert described
    assert {f"{label} (middle 90%)" for label in described} <= drawn
    for sc in SCENARIOS:
        if f"{sc.label} (middle 90%)" not in drawn:
            assert sc.label not in chart.description, sc.key
    assert "univariate P filter" not in chart.description


def test_the_hazard_ratio_prior_is_named_beside_every_all_cohorts_median(
    analysis: PatientAnalysis,
) -> None:
    low, high = SCENARIOS[0].assumptions.hazard_ratio_range
    prior = f"log-uniformly from {low:g} to {high:g} (median {math.sqrt(low * high):.2f})"
    data = models_table(analysis).data
    every = data[data["scope"].str.startswith("all cohorts")]
    assert len(every) == 2 * len(SCENARIOS)
    assert every["scope"].str.contains(prior, regex=False).all()


def test_the_rules_table_checks_every_rule_bound_and_hypothesis_on_the_drawn_values(
    analysis: PatientAnalysis,
) -> None:
    table = rules_table(analysis)
    data = table.data.set_index("rule")
    expected = [r.name for r in (*RULES, *BOUNDS, *(h.rule for h in HYPOTHESES.values()))]
    assert list(data.index) == expected
    assert data["passed"].all()
    assert (data["cohorts_passing"] == data["cohorts"]).all()
    assert data["source"].str.len().gt(0).all()
    relapses = analysis.ensemble.first_remission[analysis.ensemble.first_event == 0]
    for scenario_checks in analysis.checks:
        ens = scenario_checks.ensemble
        relapses = np.concatenate([relapses, ens.first_remission[ens.first_event == 0]])
    assert data.loc["relapse_after_a_first_remission", "drawn"] == (
        f"first remission of relapses: {relapses.min():g}–{relapses.max():g} months"
    )
    # Each hypothesis rule is checked only on the scenarios drawn under it.
    total = analysis.ensemble.size
    assert data.loc["not_evaluable_died_before_landmark", "cohorts"] == 4 * total
    assert data.loc["not_evaluable_are_the_unknown_status_transplants", "cohorts"] == total


def test_every_published_number_is_reproduced_in_each_scenario(analysis: PatientAnalysis) -> None:
    data = fidelity_table(analysis).data.set_index("measure").drop(index="multivariate_p")
    for sc in SCENARIOS:
        assert (data[f"passing: {sc.label}"] == analysis.ensemble.size).all(), sc.key
    assert data["result"].str.startswith(f"✓ pass in all {len(SCENARIOS)} scenarios").all()


def test_the_scenarios_table_holds_both_readings_of_the_missing_patients(
    analysis: PatientAnalysis,
) -> None:
    bands = scenarios_table(analysis).data
    labels = set(bands.loc[bands["kind"] == "scenario", "band"])
    assert {sc.label for sc in SCENARIOS} == labels


def test_a_curve_without_censoring_draws_no_empty_tick_layer(charts: dict) -> None:
    # An empty layer is drawn as a graphic without a text alternative (axe: svg-img-alt).
    for name in ("survival_km", "survival_by_remission"):
        chart = charts[name]
        assert not chart.data["censored"].any()  # no one is lost before 5 years
        assert '"tick"' not in json.dumps(chart.chart.to_dict()), name
        assert "ticks mark censoring" not in chart.caption
