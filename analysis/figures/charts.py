"""The chart of a study of reported figures: for each survival endpoint, the band the printed
estimates allow over time (a curve never rises), with each estimate and its interval."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..artifact import ChartArtifact
from .results import FigureResults
from .schema import Survival

__all__ = ["CHARTS", "bounds_chart"]

_FIELDS = {
    "endpoint": "the survival endpoint (or the figure's name when none is given)",
    "time": "time from the origin, in the figures' unit",
    "low": "lowest survival the printed estimates allow, percent",
    "high": "highest survival the printed estimates allow, percent",
}


def bounds_chart(results: FigureResults) -> ChartArtifact:
    """The allowed band of each survival curve, from the time origin to twice its last time."""
    study = results.study
    rows = []
    for b in results.bounds:
        start = b.start if b.start is not None else 0.0
        end = b.end if b.end is not None else 2 * start
        rows += [
            {"endpoint": b.endpoint, "time": start, "low": b.low, "high": b.high},
            {"endpoint": b.endpoint, "time": end, "low": b.low, "high": b.high},
        ]
    frame = pd.DataFrame(rows, columns=list(_FIELDS))
    points = pd.DataFrame(
        [
            {
                "endpoint": f.endpoint or f.name,
                "time": f.time,
                "estimate": f.estimate,
                "lower": f.ci.lower if f.ci else f.estimate,
                "upper": f.ci.upper if f.ci else f.estimate,
            }
            for f in study.figures
            if isinstance(f, Survival)
        ]
    )
    colour = alt.Color("endpoint:N", title="Endpoint")
    band = (
        alt.Chart(frame)
        .mark_area(opacity=0.25, interpolate="step-after")
        .encode(
            x=alt.X("time:Q", title="Time"),
            y=alt.Y("low:Q", title="Survival (%)", scale=alt.Scale(domain=[0, 100])),
            y2="high:Q",
            color=colour,
        )
    )
    rules = (
        alt.Chart(points).mark_rule().encode(x="time:Q", y="lower:Q", y2="upper:Q", color=colour)
    )
    dots = (
        alt.Chart(points).mark_point(filled=True).encode(x="time:Q", y="estimate:Q", color=colour)
    )
    description = "Band each survival curve may take given its printed estimates: " + "; ".join(
        f"{b.endpoint} between {b.low:g}% and {b.high:g}%"
        + (f" from {b.start:g}" if b.start is not None else " from the origin")
        + (f" to {b.end:g} {b.time_unit}" if b.end is not None else " onwards")
        for b in results.bounds
    )
    return ChartArtifact(
        name="fig_bounds",
        caption="What the printed survival estimates allow over time (no assumption added)",
        description=description + ".",
        chart=(band + rules + dots).properties(width=560, height=300),
        data=frame,
        fields=_FIELDS,
        source="Computed from the reported figures alone: a survival curve never rises",
    )


CHARTS = (bounds_chart,)
