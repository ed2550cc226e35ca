"""The patient-level view's charts, each built from one
:class:`~analysis.patient_level.results.PatientAnalysis` (drawn by :mod:`.plots`); each carries
its data source (:mod:`.labels`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..artifact import ChartArtifact
from ..render.theme import PALETTE, both_layouts, semantic_colour
from .cell import real
from .labels import (
    BAND_TIMES,
    DATA_SOURCE_FIELD,
    file_prefix,
    percent_text,
    source_text,
    tagged,
)
from .plots import bands_chart, km_chart
from .results import PatientAnalysis
from .rules import EARLY_DEATHS, HYPOTHESES

__all__ = ["ALLOWED_LABEL", "CHARTS", "envelope_chart", "groups_chart", "km_os_chart"]


def _who(a: PatientAnalysis) -> str:
    """Whose curve a chart draws: one synthetic cohort and its scenario, or the data."""
    return f"one synthetic cohort ({a.shown.title})" if a.shown is not None else "the data"


def km_os_chart(a: PatientAnalysis) -> ChartArtifact:
    km = a.km
    s5 = km.loc[km["months"] <= a.bounds.horizon, "survival"].iloc[-1]
    who = _who(a)
    description = (
        f"Kaplan–Meier overall survival of {who} ({a.label}), with its 95% "
        f"confidence band, drawn to {km['months'].max():g} months; survival at "
        f"{a.bounds.horizon:g} months is {100 * s5:.1f}%. Numbers at "
        "risk every 12 months: "
        + ", ".join(
            f"{int(real(r.months, where='the numbers at risk'))} months: {r.at_risk}"
            for r in a.at_risk.itertuples()
        )
    )
    wide, narrow = both_layouts(
        km_chart,
        km,
        a.at_risk,
        colours={"all patients": semantic_colour("estimate")},
        title=a.km_title,
        label=a.label,
        description=description,
        end=float(km["months"].max()),
    )
    return ChartArtifact(
        "survival_km",
        f"Overall survival of {who}, with 95% confidence band (log–log) and "
        "numbers at risk"
        + ("; ticks mark censoring." if km["censored"].any() else "; no one is censored here.")
        + (
            f" Drawn to {a.bounds.horizon:g} months only: the published numbers say nothing "
            "about the cohorts after 5 years."
            if a.shown is not None
            else ""
        ),
        description,
        wide,
        tagged(a, km),
        {
            "data_source": DATA_SOURCE_FIELD,
            "group": "who the curve is for",
            "months": "time (months)",
            "survival": "Kaplan–Meier estimate",
            "lower": "95% lower limit (log–log)",
            "upper": "95% upper limit (log–log)",
            "censored": "1 if someone was censored at this time",
        },
        source_text(a),
        file_prefix=file_prefix(a),
        narrow=narrow,
    )


ALLOWED_LABEL = "Allowed by the published numbers (exact under stated conditions)"
_SCENARIO_COLOURS = (PALETTE["blue"], PALETTE["vermillion"], PALETTE["bluish_green"])


def _band_frame(a: PatientAnalysis) -> tuple[pd.DataFrame, dict[str, str]]:
    allowed = a.allowed
    frames = [
        pd.DataFrame(
            {
                "group": ALLOWED_LABEL,
                "kind": "allowed",
                "assumption": "none beyond the stated clinical rules",
                "months": allowed["months"],
                "lower": allowed["lowest"],
                "upper": allowed["highest"],
            }
        )
    ]
    colours = {ALLOWED_LABEL: PALETTE["sky_blue"]}
    shapes = [(sc, curves) for sc, _, curves in a.drawn_scenarios]
    horizon = float(allowed["months"].max())
    keep = a.grid <= horizon
    for (scenario, curves), colour in zip(shapes, _SCENARIO_COLOURS, strict=False):
        name = f"{scenario.label} (middle 90%)"
        q = np.percentile(curves[:, keep], [5, 50, 95], axis=0)
        base = {"group": name, "assumption": scenario.assumption, "months": a.grid[keep]}
        frames.append(pd.DataFrame({**base, "kind": "scenario", "lower": q[0], "upper": q[2]}))
        frames.append(pd.DataFrame({**base, "kind": "median", "lower": q[1], "upper": q[1]}))
        colours[name] = colour
    if not a.ensemble.reconstructed:
        name = f"{a.label} (Kaplan–Meier)"
        curve = a.curves[0, keep]
        frames.append(
            pd.DataFrame(
                {
                    "group": name,
                    "kind": "median",
                    "assumption": "none (real data)",
                    "months": a.grid[keep],
                    "lower": curve,
                    "upper": curve,
                }
            )
        )
        colours[name] = PALETTE["blue"]
    return pd.concat(frames, ignore_index=True), colours


def envelope_chart(a: PatientAnalysis) -> ChartArtifact:
    bands, colours = _band_frame(a)
    at = a.bands(list(BAND_TIMES))
    allowed = at[at["kind"] == "allowed"].set_index("months")
    lm = a.allowed.loc[a.allowed["months"] == a.landmark, "lowest"].iloc[0]
    drawn = a.drawn_scenarios
    W = "the survival bands"  # names the table if a field is not a number
    shown = at[(at["kind"] == "scenario") & at["band"].isin([sc.label for sc, _, _ in drawn])]
    hypothesis = HYPOTHESES[EARLY_DEATHS].label
    description = (
        f"Two kinds of band ({a.label}), up to {a.bounds.horizon:g} months. Allowed by the "
        "published numbers, exactly: "
        + "; ".join(
            f"at {t:g} months {percent_text(real(allowed.loc[t, 'lower'], where=W))}–"  # type: ignore[index]  # pandas-stubs reject a float row label
            f"{percent_text(real(allowed.loc[t, 'upper'], where=W))}"  # type: ignore[index]  # (as above)
            for t in BAND_TIMES
        )
        + f" (at the {a.landmark:g}-month landmark at least {percent_text(lm)}), meeting at the "
        "reported 5-year value."
        + (
            " Added by an assumption about the shape of the hazard (each also assuming "
            f"{hypothesis}), middle 90% of synthetic cohorts: "
            + "; ".join(
                f"{r.band} at {r.months:g} months {percent_text(real(r.lower, where=W))}–"
                f"{percent_text(real(r.upper, where=W))}"
                for r in shown.itertuples()
            )
            + "."
            if len(shown)
            else ""
        )
    )
    title = (
        "Outer band: allowed by the published numbers (lowest to highest possible). Inner "
        f"bands: synthetic cohorts under each assumed hazard shape named below, each assuming "
        f"{hypothesis} "
        "(middle 90% of a scenario's cohorts; line: their median)."
        if drawn
        else "Band: allowed by the published numbers (lowest to highest possible); line: the data."
    )
    wide, narrow = both_layouts(
        bands_chart,
        bands.drop(columns=["assumption"]),
        colours=colours,
        label=a.label,
        description=description,
        title=title,
    )
    return ChartArtifact(
        "survival_envelope",
        "What the published numbers allow (outer band, exact under the conditions stated below "
        "the chart) and what each named assumption "
        "about the shape of the hazard adds (inner bands: middle 90% of that scenario's "
        f"synthetic cohorts, all assuming {hypothesis}), up to 5 years. "
        + " ".join(f"{sc.label}: {sc.assumption}." for sc, _, _ in drawn),
        description,
        wide,
        tagged(a, bands),
        {
            "data_source": DATA_SOURCE_FIELD,
            "group": "the band: allowed by the published numbers, or a named assumption",
            "kind": "allowed (exact), scenario (5th–95th percentile) or median (a line)",
            "assumption": "what the band assumes beyond the published numbers",
            "months": "time from the start of second-line treatment (months)",
            "lower": "lowest allowed survival, 5th percentile, or the median line",
            "upper": "highest allowed survival, 95th percentile, or the median line",
        },
        source_text(a),
        file_prefix=file_prefix(a),
        narrow=narrow,
    )


def groups_chart(a: PatientAnalysis) -> ChartArtifact:
    who = _who(a)
    end = float(a.km_landmark["months"].max())
    description = (
        f"Landmark analysis at {a.landmark:g} months of {who} ({a.label}): Kaplan–Meier "
        f"overall survival from the landmark by remission after salvage, among patients "
        f"evaluated and alive at it ({a.landmark_left_out} evaluated patients died before it and "
        f"are left out), drawn to {end:g} months from the landmark; log-rank P = "
        f"{a.landmark_logrank_p:.3f}."
    )
    colours = {
        "remission": semantic_colour("favourable"),
        "no remission": semantic_colour("unfavourable"),
    }
    wide, narrow = both_layouts(
        km_chart,
        a.km_landmark,
        a.at_risk_landmark,
        colours=colours,
        band=False,
        title=f"Landmark at {a.landmark:g} months: by remission after salvage"
        + (f", one synthetic cohort. {a.shown.title}" if a.shown is not None else ""),
        label=a.label,
        description=description,
        end=end,
        x_title=f"Months from the landmark ({a.landmark:g} months after second-line "
        "treatment starts)",
    )
    return ChartArtifact(
        "survival_by_remission",
        f"Overall survival by remission after salvage, from the {a.landmark:g}-month landmark "
        f"({who}); log-rank P = {a.landmark_logrank_p:.3f}. Patients not evaluated for "
        "remission, and anyone who died before the landmark, are left out."
        + (
            f" Drawn to {a.bounds.horizon:g} months after second-line treatment starts only."
            if a.shown is not None
            else ""
        ),
        description,
        wide,
        tagged(a, a.km_landmark),
        {
            "data_source": DATA_SOURCE_FIELD,
            "group": "remission after salvage",
            "months": "time from the landmark (months)",
            "survival": "Kaplan–Meier estimate",
            "lower": "95% lower limit",
            "upper": "95% upper limit",
            "censored": "1 if censored at this time",
        },
        source_text(a),
        file_prefix=file_prefix(a),
        narrow=narrow,
    )


CHARTS: tuple[Callable[[PatientAnalysis], ChartArtifact], ...] = (
    km_os_chart,
    envelope_chart,
    groups_chart,
)
