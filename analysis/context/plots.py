"""Context page chart: survival after relapse across cohorts, one panel per endpoint and time point."""

from __future__ import annotations

import math
from typing import Any, Literal

import altair as alt
import pandas as pd

from ..render import theme

# Where a value is written beside its mark, and how far from it (px).
_ALIGNMENTS: tuple[tuple[Literal["left", "right", "center"], int], ...] = (
    ("left", 8),
    ("right", -8),
    ("center", 0),
)

__all__ = ["comparison_frame", "survival_comparison_chart"]

_ENDPOINT_NAMES = {"OS": "Overall survival", "RFS": "Relapse-free survival"}


def comparison_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Chart rows from :func:`analysis.context.results.survival_comparison_rows`.

    Adds ``panel`` (endpoint and time point; one panel each, so estimates at different time
    points never share a scale), ``panel_order``, ``label`` (cohort and source number),
    ``annotation`` (the value with its time point, on every mark, and a flag when sources
    disagree, when the time point lies beyond the cohort's reported follow-up or when the
    cohort is a selected group), ``role`` and ``colour``.
    """
    frame = rows.copy()
    unit_short = {"days": "d", "weeks": "wk", "months": "mo", "years": "y"}
    frame["panel"] = [
        f"{_ENDPOINT_NAMES.get(e, e)} at {t:g} {u}"
        for e, t, u in zip(frame["endpoint"], frame["time"], frame["unit"], strict=True)
    ]
    frame["panel_order"] = [(t, e) for t, e in zip(frame["time"], frame["endpoint"], strict=True)]
    order = {key: i for i, key in enumerate(sorted(set(frame["panel_order"])))}
    frame["panel_order"] = frame["panel_order"].map(order)
    frame["label"] = [
        f"{c} [{n}]" for c, n in zip(frame["cohort"], frame["source_number"], strict=True)
    ]
    frame["annotation"] = [
        f"{p:g}% at {t:g} {unit_short[u]}"
        + (" · sources disagree" if d else "")
        + (" · beyond follow-up" if b else "")
        + (" · selected group" if s else "")
        for p, t, u, d, b, s in zip(
            frame["percent"],
            frame["time"],
            frame["unit"],
            frame["disagreement"],
            frame["beyond_follow_up"],
            frame["selected_group"],
            strict=True,
        )
    ]
    frame["role"] = [
        "this study" if s else ("sources disagree" if d else "other cohort")
        for s, d in zip(frame["this_study"], frame["disagreement"], strict=True)
    ]
    meaning = {"this study": "studied", "sources disagree": "unknown", "other cohort": "estimate"}
    frame["colour"] = frame["role"].map(lambda r: theme.semantic_colour(meaning[r]))
    frame["interval"] = [
        "none reported"
        if math.isnan(lo)
        else (f"{lo:.1f}–{hi:.1f}%" if "computed" in basis else f"{lo:g}–{hi:g}%")
        for lo, hi, basis in zip(
            frame["lower"], frame["upper"], frame["interval_basis"], strict=True
        )
    ]
    return frame.sort_values(["panel_order", "this_study"], ascending=[True, False], kind="stable")


def survival_comparison_chart(
    frame: pd.DataFrame, *, description: str, layout: theme.Layout = theme.WIDE
) -> alt.FacetChart:
    """Estimates with their 95% intervals where one exists, one panel per endpoint and time.

    ``frame`` comes from :func:`comparison_frame`. Nothing is pooled or averaged: every mark is
    one estimate as one source reports it. Estimates without an SE or CI have no interval line.
    The wide layout names each cohort beside its row; the narrow one writes the name and the
    value above the row, so the plot can take the whole width.
    """
    columns = [
        "panel",
        "panel_order",
        "label",
        "cohort",
        "percent",
        "lower",
        "upper",
        "interval",
        "interval_basis",
        "annotation",
        "role",
        "colour",
        "origin",
        "reported",
        "beyond_follow_up",
        "n",
    ]
    # Explicit nulls where no interval exists (NaN is not valid JSON in the exported spec).
    records: list[dict[str, Any]] = [  # JSON records for the Vega spec: values of any type
        {str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in frame[columns].to_dict(orient="records")
    ]
    narrow = layout == theme.NARROW
    width = 300 if narrow else 330
    for record in records:
        record["heading"] = [record["label"], record["annotation"]]
        # Written to the right of its mark, else to its left, else centred above it: whichever
        # keeps it inside the plot (about 7 px a character at the chart's font size).
        x, length = width * record["percent"] / 100, 7 * len(record["annotation"])
        record["text_align"] = (
            "left" if x + 8 + length <= width else "right" if x - 8 - length >= 0 else "center"
        )
    # altair's generated alt.Data.__init__ carries no annotations.
    data = alt.Data(values=records)  # type: ignore[no-untyped-call]
    x_scale = alt.Scale(domain=[0, 100])
    tooltip = [
        alt.Tooltip("cohort:N", title="Cohort"),
        alt.Tooltip("panel:N", title="Endpoint"),
        alt.Tooltip("reported:N", title="As reported"),
        alt.Tooltip("interval:N", title="95% CI"),
        alt.Tooltip("interval_basis:N", title="Interval"),
        alt.Tooltip("origin:N", title="Time origin"),
        alt.Tooltip("beyond_follow_up:N", title="Follow-up"),
        alt.Tooltip("n:Q", title="Patients"),
    ]
    y = alt.Y(
        "label:N",
        title=None,
        sort=None,
        axis=None if narrow else alt.Axis(labelLimit=300),
        bandPosition=0.79 if narrow else 0.5,
    )
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    ci = (
        base.transform_filter("isValid(datum.lower)")
        .mark_rule(strokeWidth=2.5)
        .encode(
            x=alt.X(
                "lower:Q",
                scale=x_scale,
                title=theme.wrap("Survival (%) at the panel's time point", layout, chars=30),
                axis=alt.Axis(values=list(range(0, 101, 20 if narrow else 10))),
            ),
            x2=alt.X2("upper:Q"),
            color=alt.Color("colour:N", scale=None),
        )
    )
    point = base.mark_point(filled=True, size=90, shape="diamond").encode(
        x=alt.X("percent:Q", scale=x_scale),
        color=alt.Color("colour:N", scale=None),
    )
    if narrow:  # name and value written from the top of the row down, the interval under them
        text = base.mark_text(align="left", baseline="top", dy=2, lineHeight=16).encode(
            x=alt.datum(0),
            y=alt.Y("label:N", title=None, sort=None, axis=None, bandPosition=0),
            text=alt.Text("heading:N"),
        )
    else:  # the value beside its mark, on whichever side keeps it inside the plot
        texts = [
            base.transform_filter(f"datum.text_align == '{align}'")
            .mark_text(align=align, dx=dx, dy=-11 if align != "center" else -14)
            .encode(x=alt.X("percent:Q", scale=x_scale), text=alt.Text("annotation:N"))
            for align, dx in _ALIGNMENTS
        ]
    layers = [ci, point, text] if narrow else [ci, point, *texts]
    layered = alt.layer(*layers, data=data).properties(
        width=300 if narrow else 330, height=alt.Step(56 if narrow else 40)
    )
    chart: alt.FacetChart = (
        layered.facet(
            row=alt.Row(
                "panel:N",
                sort=alt.EncodingSortField("panel_order", order="ascending"),
                header=alt.Header(
                    title=None,
                    labelAngle=0,
                    labelAlign="left",
                    labelAnchor="start",
                    labelOrient="top",
                    labelFontWeight="bold",
                    labelFontSize=13,
                    labelColor="currentColor",
                ),
            ),
            spacing=18,
        )
        .resolve_scale(y="independent")
        # Room on the left: browsers may draw the labels in a wider font than the renderer
        # measured them with.
        .properties(
            description=description,
            padding={"left": 5 if narrow else 40, "top": 5, "right": 5, "bottom": 5},
        )
    )
    return chart
