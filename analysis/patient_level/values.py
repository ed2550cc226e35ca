"""The survival pages' inline values (``{{ value NAME }}``; ``landmark_months`` is cited by other
pages too), each built from one :class:`~analysis.patient_level.results.PatientAnalysis`."""

from __future__ import annotations

import numpy as np

from .allowed import LossSearch
from .cell import real
from .labels import (
    BAND_TIMES,
    percent_text,
)
from .results import PatientAnalysis
from .rules import HYPOTHESES
from .scenarios import SCENARIOS, prior_text

__all__ = ["survival_values"]


def _orders(count: int, *, complete: bool = True) -> str:
    if not complete:  # the search stopped at its budget: what it found so far, and that it stopped
        return f"at least {count:,} {'order' if count == 1 else 'orders'} (the search stopped unfinished)"
    return "no order" if count == 0 else "1 order" if count == 1 else f"{count:,} orders"


def _min_se(search: LossSearch) -> str:
    found = f"{search.min_se_with_loss:.2f}%"
    return (
        found if search.complete else f"{found} (the lowest before the search stopped unfinished)"
    )


def _search_values(a: PatientAnalysis) -> dict[str, str]:
    """What the search over every order of deaths and losses found, for the pages."""
    g, peto = a.searches["greenwood"], a.searches["peto"]
    values = {
        "survival_search_result": (
            "only orders without a loss before the last death"
            if g.only_without_losses
            else f"{_orders(len(g.matches), complete=g.complete)}, "
            f"{'' if g.complete else 'at least '}"
            f"{sum(g.losses_before_a_death(m) > 0 for m in g.matches):,} of them with a loss "
            "before a death"
        ),
        "survival_search_result_peto": (
            "only orders without a loss before the last death"
            if peto.only_without_losses
            else f"{_orders(len(peto.matches), complete=peto.complete)}"
        ),
        "survival_min_se_with_loss": _min_se(g),
        "survival_min_se_with_loss_peto": _min_se(peto),
        "survival_search_rounded": _orders(
            len(a.searches["rounded"].matches), complete=a.searches["rounded"].complete
        ),
        "survival_search_fewer": _orders(
            len(a.searches["fewer_1"].matches) + len(a.searches["fewer_2"].matches),
            complete=a.searches["fewer_1"].complete and a.searches["fewer_2"].complete,
        ),
        "survival_fewer_patients": (
            f"{a.searches['fewer_2'].patients} or {a.searches['fewer_1'].patients}"
        ),
        "survival_rounded_se": (
            f"any error from {a.searches['rounded'].se[0]:g}% to just under "
            f"{a.searches['rounded'].se[1]:g}%"
        ),
        "survival_truncated_se": f"any error from {g.se[0]:g}% to just under {g.se[1]:g}%",
        "survival_os_reads_as": f"{(g.percent[0] + g.percent[1]) / 2:g}%",
        "survival_published_se": f"{g.se[0]:g}%",
    }
    no_loss = [m for m in g.matches if g.losses_before_a_death(m) == 0]
    if no_loss:
        deaths = no_loss[0]
        s = float(np.prod([1 - 1 / r for r in deaths]))
        var = sum(1 / (r * (r - 1)) for r in deaths)
        values["survival_se_no_loss"] = f"{100 * s * np.sqrt(var):.2f}%"
    else:
        values["survival_se_no_loss"] = "—"
    return values


def survival_values(a: PatientAnalysis) -> dict[str, str]:
    """Inline values for the survival pages (``landmark_months`` is cited by other pages)."""
    many = a.ensemble.size > 1
    every_rule = {r for c in a.checks for r in c.rules_passed.columns}
    passing_rules = {
        r
        for r in every_rule
        if all(c.rules_passed[r].all() for c in a.checks if r in c.rules_passed.columns)
    }
    values = {
        "survival_label": a.label,
        "survival_cohorts": f"{a.ensemble.size:,}",
        "survival_rows_passing": str(
            sum(all(c.passed[r.measure].all() for c in a.checks) for r in a.rules)
        ),
        "survival_rows": str(len(a.rules)),
        "survival_rules": str(len(every_rule)),
        "survival_rules_passing": str(len(passing_rules)),
        "survival_logrank_p": f"{a.logrank_p:.3f}",
        "survival_logrank_p_4": f"{a.logrank_p:.4f}",
        "survival_cox_hr": f"{a.cox['hr']:.2f}",
        "survival_cox_ci": f"{a.cox['lower']:.2f}–{a.cox['upper']:.2f}",
        "survival_published_p": a.published_p,
        "landmark_months": f"{a.landmark:g}",
        "survival_landmark_logrank_p": f"{a.landmark_logrank_p:.3f}",
        "survival_landmark_left_out": str(a.landmark_left_out),
        "survival_landmark_vs_time0": (
            f"gives the same log-rank P as the comparison from time 0 ({a.logrank_p:.4f} both ways)"
            if round(a.logrank_p, 4) == round(a.landmark_logrank_p, 4)
            else f"gives a log-rank P of {a.landmark_logrank_p:.4f}, against {a.logrank_p:.4f} "
            "from time 0"
        ),
        "survival_time0_naive_p": f"{a.time0_not_evaluable_as_no_p:.3f}",
        "survival_scenarios": str(len(a.scenarios)),
        "survival_hazard_scenarios": str(len(a.drawn_scenarios)),
        "survival_shown_scenario": a.shown.title if a.shown is not None else "—",
        "survival_hr_prior": prior_text(SCENARIOS[0].assumptions),
        "survival_horizon_months": f"{a.bounds.horizon:g}",
        "survival_transplant_by": f"{a.bounds.transplant_by:g}",
        "survival_min_relapse_remission": f"{a.bounds.min_relapse_remission:g}",
        "survival_cutoff": a.bounds.cutoff_date.strftime("%B %Y") if a.bounds.cutoff_date else "—",
        "survival_cutoff_months": f"{a.bounds.cutoff:.0f}",
        "survival_longest_follow_up": (
            f"{max(float(np.max(c.ensemble.months)) for c in a.checks):g}"
        ),
        **{f"survival_hypothesis_{key}": h.label for key, h in HYPOTHESES.items()},
        **_search_values(a),
    }
    tx = a.transplant_survival
    values["survival_tx_in_remission_alive"] = (
        f"{tx['in_remission_alive']} of {tx['in_remission_patients']}"
    )
    values["survival_tx_without_remission_alive"] = (
        f"{tx['not_in_remission_alive']} of {tx['not_in_remission_patients']}"
    )
    values["survival_tx_reverse_share"] = (
        f"{100 * tx['cohorts_better_without']:.0f}%" if many else "—"
    )
    n = a.ensemble.months.shape[1]
    allowed = a.allowed.set_index("months")
    # The counts of patients alive are fixed only where no loss before a death is possible;
    # otherwise the range holds as bounds and the pages say the counts are not fixed.
    fixed = bool(a.allowed["most_deaths"].notna().all())
    W = "the allowed survival table"  # names the table if a cell is not a number
    lowest_at_landmark = real(allowed.loc[a.landmark, "lowest"], where=W)  # type: ignore[index]  # pandas-stubs reject a float row label
    floor = n - round(lowest_at_landmark * n)
    if fixed:
        deaths = int(a.allowed["most_deaths"].max())
        values["survival_deaths_5y"] = str(deaths)
        values["survival_alive_5y"] = str(n - deaths)
        values["survival_band_claim"] = "The outer band is exact, under four conditions."
        values["survival_loss_claim"] = (
            "Nobody is lost to follow-up before the last death in the first 5 years."
        )
        values["survival_curve_claim"] = (
            "So until 5 years the curve is simply the share of the\n"
            f"   {n} patients not yet dead, and survival at any month is set by\n"
            "   one whole number, the deaths so far. This holds only if:"
        )
        values["survival_deaths_by_horizon"] = (
            f"By 5 years {deaths} have died and {n - deaths} are alive.\n"
            f"   Nothing in the abstract says *when* the {deaths} died:"
        )
    else:
        values["survival_deaths_5y"] = "—"
        g = a.searches["greenwood"]
        shown = any(g.losses_before_a_death(m) > 0 for m in g.matches)
        values["survival_loss_claim"] = (
            "A loss to follow-up before a death in the first 5 years is possible."
            if shown or g.complete
            else "A loss to follow-up before a death in the first 5 years is not ruled out: "
            "the search stopped unfinished."
        )
        values["survival_curve_claim"] = (
            "So the curve is not fixed by the deaths alone; it cannot rise, which bounds it "
            "between the published value at 5 years and the landmark floor. The search's "
            "finding rests on these readings:"
        )
        values["survival_alive_5y"] = "—"
        values["survival_band_claim"] = (
            "The outer band holds as bounds; the numbers allow censoring, so it is not exact "
            "and the counts of patients alive are not fixed."
        )
        values["survival_deaths_by_horizon"] = (
            "The published numbers allow a loss to follow-up before a death, so the number "
            "dead by 5 years is not fixed; survival cannot rise, so up to 5 years it stays "
            "above the published value at 5 years. Nothing in the abstract says *when* the "
            "deaths happened:"
        )
    values["survival_alive_at_landmark_min"] = str(n - floor)
    for t in (a.landmark, *BAND_TIMES):
        low = real(allowed.loc[t, "lowest"], where=W)  # type: ignore[index]  # pandas-stubs reject a float row label
        high = real(allowed.loc[t, "highest"], where=W)  # type: ignore[index]  # pandas-stubs reject a float row label
        key = "landmark" if t == a.landmark else f"{t:g}"
        values[f"survival_allowed_{key}"] = f"{percent_text(low)}–{percent_text(high)}"
        values[f"survival_allowed_{key}_counts"] = (
            f"{round(low * n)}/{n} to {round(high * n)}/{n} patients alive"
            if fixed
            else "the counts of patients alive are not fixed, as censoring is possible"
        )
    bands = a.bands(list(BAND_TIMES)).set_index(["band", "months"])
    effects = a.scenario_effects.set_index("scenario") if a.scenarios else None
    for scenario in SCENARIOS:  # every key exists for real data too ("—"): pages name them
        for t in BAND_TIMES:
            key = f"survival_band_{t:g}_{scenario.key}"
            if (scenario.label, t) in bands.index:
                r = bands.loc[(scenario.label, t)]  # type: ignore[index]  # pandas-stubs reject a float row label
                values[key] = f"{percent_text(r['lower'])}–{percent_text(r['upper'])}"
            else:
                values[key] = "—"
        if effects is None:
            values[f"survival_hr_spread_{scenario.key}"] = "—"
            values[f"survival_hr_median_{scenario.key}"] = "—"
            values[f"survival_p_spread_{scenario.key}"] = "—"
            continue
        e = effects.loc[scenario.label]
        values[f"survival_hr_spread_{scenario.key}"] = f"{e['hr_p5']:.2f}–{e['hr_p95']:.2f}"
        values[f"survival_hr_median_{scenario.key}"] = f"{e['hr_median']:.2f}"
        values[f"survival_p_spread_{scenario.key}"] = f"{e['p_p5']:.3f}–{e['p_p95']:.3f}"
    rec = a.reconstruction
    values["survival_candidates"] = f"{rec.candidates:,}" if rec else "—"
    values["survival_acceptance"] = f"{100 * rec.acceptance_rate:.1f}%" if rec else "—"
    values["survival_seed"] = str(rec.seed) if rec else "—"
    filtered = [m for _, m, _ in a.scenarios if m.assumptions.p_filter]
    values["survival_filter_candidates"] = f"{filtered[0].candidates:,}" if filtered else "—"
    values["survival_filter_acceptance"] = (
        f"{100 * filtered[0].acceptance_rate:.1f}%" if filtered else "—"
    )
    return values
