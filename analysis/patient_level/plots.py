"""Altair survival charts: each takes tidy DataFrames and returns a chart; none saves or displays."""

from __future__ import annotations

import json
import textwrap
from typing import cast

import altair as alt
import pandas as pd

from ..render import theme

__all__ = ["bands_chart", "km_chart"]

# Plot width (px) and months between ticks, per layout; the y axis and padding take ~70 px.
_WIDTH = {"wide": 520, "narrow": 245}
_TICK_MONTHS = {"wide": 12, "narrow": 24}
_X_TITLE = "Months from the start of second-line treatment"


def _x(end: float, layout: theme.Layout, *, axis: bool = True, title: str = _X_TITLE) -> alt.X:
    ticks = list(range(0, int(end) + 1, _TICK_MONTHS[layout.name]))
    return alt.X(
        "months:Q",
        scale=alt.Scale(domain=[0, end], nice=False),
        axis=alt.Axis(values=ticks, title=theme.wrap(title, layout, chars=30)) if axis else None,
    )


def _title(title: str, label: str, layout: theme.Layout) -> alt.TitleParams:
    """The title (on the wide layout, lines of at most 60 characters; on the narrow, 32) and
    the data source as its subtitle."""
    lines = textwrap.wrap(title, 60, break_on_hyphens=False)
    return alt.TitleParams(
        (lines if len(lines) > 1 else title)
        if layout == theme.WIDE
        else theme.wrap(title, layout, chars=32),
        subtitle=theme.wrap(label, layout, chars=38),
        subtitleFontStyle="italic",
    )


_Y = alt.Y(
    "survival:Q",
    scale=alt.Scale(domain=[0, 1]),
    axis=alt.Axis(format="%", title="Overall survival"),
)


def km_chart(
    curves: pd.DataFrame,
    at_risk: pd.DataFrame,
    *,
    colours: dict[str, str],
    title: str,
    label: str,
    description: str,
    band: bool = True,
    x_title: str = _X_TITLE,
    end: float | None = None,
    layout: theme.Layout = theme.WIDE,
) -> alt.VConcatChart:
    """Kaplan–Meier step curves (one per ``group``) with censoring ticks (where any are drawn),
    optional 95% band, and a number-at-risk table under the time axis.

    ``curves``: ``group``, ``months``, ``survival``, ``lower``, ``upper``, ``censored``;
    ``at_risk``: ``group``, ``months``, ``at_risk``. ``label`` (the data source) is shown as
    the subtitle. In the number-at-risk table each group's name is a line of its own above its
    numbers, inside the drawing: a name beside the numbers, outside the plot, was clipped
    where the browser's font is wider than the one the SVG was laid out with. The narrow
    layout numbers every 24 months instead of 12. The time axis runs to ``end`` (default: the
    last number-at-risk time).
    """
    end = float(at_risk["months"].max()) if end is None else end
    groups = list(colours)
    colour = alt.Color(
        "group:N",
        title=None,
        sort=groups,
        scale=alt.Scale(domain=groups, range=[colours[g] for g in groups]),
        legend=alt.Legend(orient="top-right", labelLimit=300) if len(groups) > 1 else None,
    )
    tooltip = [
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("months:Q", title="Months"),
        alt.Tooltip("survival:Q", title="Survival", format=".1%"),
    ]
    width = _WIDTH[layout.name]
    base = alt.Chart().encode(x=_x(end, layout, title=x_title), color=colour)
    layers = []
    if band:
        layers.append(
            base.mark_area(interpolate="step-after", opacity=0.18, clip=True).encode(
                y=alt.Y("lower:Q", scale=alt.Scale(domain=[0, 1])), y2=alt.Y2("upper:Q")
            )
        )
    layers.append(
        base.mark_line(interpolate="step-after", strokeWidth=2, clip=True).encode(
            y=_Y, tooltip=tooltip
        )
    )
    if curves["censored"].any():  # an empty layer would be an unlabelled graphic
        layers.append(
            base.transform_filter("datum.censored == 1")
            .mark_tick(size=8, thickness=1.5, clip=True)
            .encode(y=_Y, tooltip=tooltip)
        )
    plot = alt.layer(*layers, data=curves).properties(
        width=width, height=300 if layout == theme.WIDE else 240, title=_title(title, label, layout)
    )
    step = _TICK_MONTHS[layout.name]
    shown = at_risk[at_risk["months"] % step == 0]
    order = {g: i for i, g in enumerate(groups)}
    table = pd.concat(
        [
            pd.DataFrame(
                {
                    "group": groups,
                    "months": 0.0,
                    "text": groups,
                    "row": [2 * i for i in range(len(groups))],
                }
            ).assign(kind="name"),
            shown.assign(
                text=shown["at_risk"].astype(str),
                row=[2 * order[g] + 1 for g in shown["group"]],
                kind="number",
            )[["group", "months", "text", "row", "kind"]],
        ],
        ignore_index=True,
    )
    rows = alt.Y("row:O", axis=None)
    risk_base = alt.Chart().encode(
        x=_x(end, layout, axis=False), y=rows, text=alt.Text("text:N"), color=colour.legend(None)
    )
    risk = alt.layer(
        risk_base.transform_filter("datum.kind == 'name'").mark_text(
            fontSize=12, align="left", dx=-8
        ),
        risk_base.transform_filter("datum.kind == 'number'").mark_text(fontSize=12),
        data=table,
    ).properties(
        width=width,
        height=17 * 2 * len(groups),
        title=alt.TitleParams("Number at risk", fontSize=12, fontWeight="bold"),
    )
    return alt.vconcat(plot, risk, spacing=6).properties(description=description)


def _wrapped_labels(labels: list[str], *, chars: int) -> str:
    """A Vega expression giving each legend label as lines of at most ``chars`` characters."""
    lines = {label: textwrap.wrap(label, chars) for label in labels}
    return f"{json.dumps(lines)}[datum.label] || datum.label"


def bands_chart(
    bands: pd.DataFrame,
    *,
    colours: dict[str, str],
    label: str,
    description: str,
    title: str,
    layout: theme.Layout = theme.WIDE,
) -> alt.LayerChart:
    """Survival bands over time, one colour per ``group`` (legend in ``colours`` order): rows of
    ``kind`` "allowed" or "scenario" are shaded from ``lower`` to ``upper``; rows of ``kind``
    "median" (``lower`` = ``upper``) are drawn as a line. ``title`` says what the bands are
    (wrapped onto lines).

    ``bands``: ``group``, ``kind``, ``months``, ``lower``, ``upper``.
    """
    end = float(bands["months"].max())
    domain = list(colours)
    colour = alt.Color(
        "group:N",
        title=None,
        sort=domain,
        scale=alt.Scale(domain=domain, range=[colours[b] for b in domain]),
        legend=alt.Legend(
            orient="bottom",
            direction="vertical",
            labelLimit=_WIDTH[layout.name] + 40,
            # On a phone each label is wrapped onto lines of its own (Vega draws a list of
            # strings as lines), so that none runs past the drawing.
            # (Undefined leaves the key out of the spec, as no keyword did.)
            labelExpr=alt.Undefined if layout == theme.WIDE else _wrapped_labels(domain, chars=30),
        ),
    )
    tooltip = [
        alt.Tooltip("group:N", title="Band"),
        alt.Tooltip("months:Q", title="Months"),
        alt.Tooltip("lower:Q", title="Lowest", format=".1%"),
        alt.Tooltip("upper:Q", title="Highest", format=".1%"),
    ]
    axis = alt.Axis(format="%", title="Overall survival")
    areas = (
        alt.Chart()
        .transform_filter("datum.kind != 'median'")
        .mark_area(interpolate="step-after", opacity=0.25, clip=True)
        .encode(
            x=_x(end, layout),
            y=alt.Y("lower:Q", scale=alt.Scale(domain=[0, 1]), axis=axis),
            y2=alt.Y2("upper:Q"),
            color=colour,
            tooltip=tooltip,
        )
    )
    lines = (
        alt.Chart()
        .transform_filter("datum.kind == 'median'")
        .mark_line(interpolate="step-after", strokeWidth=2, clip=True)
        .encode(x=_x(end, layout), y=alt.Y("lower:Q", scale=alt.Scale(domain=[0, 1])), color=colour)
    )
    # cast: altair types properties() on a LayerChart as LayerChart | FacetChart; it returns
    # a copy of the same LayerChart
    return cast(
        "alt.LayerChart",
        alt.layer(areas, lines, data=bands).properties(
            width=_WIDTH[layout.name],
            height=320 if layout == theme.WIDE else 260,
            description=description,
            title=alt.TitleParams(
                textwrap.wrap(title, 60 if layout == theme.WIDE else 32),
                subtitle=theme.wrap(label, layout, chars=38),
                subtitleFontStyle="italic",
            ),
        ),
    )
