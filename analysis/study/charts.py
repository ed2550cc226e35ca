"""Altair charts: each takes a tidy DataFrame and returns a chart; none saves or displays."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..render import theme
from .flow import Flow

__all__ = ["flow_boxes", "flow_chart", "interval_chart"]

_LEVEL_Y = {0: 9, 1: 36, 2: 63, 3: 90}  # box centres, in % of the chart height
_BOX_HALF_HEIGHT = 8


def flow_boxes(flow: Flow) -> pd.DataFrame:
    """The patient-flow diagram as tidy rows: one box per group, with its place and meaning.

    Columns: ``box``, ``level``, ``stage``, ``count``, ``label``, ``detail``, ``meaning``,
    ``derived`` (True where the count is arithmetic on reported counts), ``x`` and ``half_width``
    (box centre and half width, % of the chart width), ``parent``.
    """
    rows = [
        (
            "cohort",
            0,
            "Parent trials",
            flow.cohort,
            "infants with MLL-R ALL",
            "MLL96 + MLL98, 1995–2001",
            "cohort",
            False,
            50,
            26,
            None,
        ),
        (
            "relapsed_or_refractory",
            1,
            "First-line outcome",
            flow.relapsed_or_refractory,
            "relapsed or refractory",
            f"{flow.relapses} relapse · {flow.induction_failures} induction failure",
            "studied",
            True,
            34,
            26,
            "cohort",
        ),
        (
            "without_relapse_or_failure",
            1,
            "First-line outcome",
            flow.without_relapse_or_failure,
            "no relapse or induction failure",
            "not part of this study",
            "outside",
            True,
            82,
            16,
            "cohort",
        ),
        (
            "salvage_remission",
            2,
            "After salvage",
            flow.salvage_remission,
            "in remission",
            f"of {flow.salvage_evaluated} evaluated",
            "favourable",
            False,
            12,
            11,
            "relapsed_or_refractory",
        ),
        (
            "salvage_no_remission",
            2,
            "After salvage",
            flow.salvage_no_remission,
            "no remission",
            f"of {flow.salvage_evaluated} evaluated",
            "unfavourable",
            True,
            36,
            11,
            "relapsed_or_refractory",
        ),
        (
            "salvage_not_evaluable",
            2,
            "After salvage",
            flow.salvage_not_evaluable,
            "not in the denominator",
            "unexplained in the abstract",
            "unknown",
            True,
            61,
            12,
            "relapsed_or_refractory",
        ),
        (
            "hsct",
            3,
            "Transplant",
            flow.hsct,
            "received HSCT",
            (
                f"{flow.hsct_in_remission} in remission · {flow.hsct_not_in_remission} not · "
                f"{flow.hsct_status_unknown} unknown"
            ),
            "studied",
            False,
            30,
            26,
            "*",
        ),
        ("no_hsct", 3, "Transplant", flow.no_hsct, "no HSCT", "", "unknown", True, 72, 12, "*"),
    ]
    columns = [
        "box",
        "level",
        "stage",
        "count",
        "label",
        "detail",
        "meaning",
        "derived",
        "x",
        "half_width",
        "parent",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["colour"] = frame["meaning"].map(theme.semantic_colour)
    frame["y"] = frame["level"].map(_LEVEL_Y)
    frame["text"] = [
        "\n".join(part for part in (f"{r.count} {r.label}", r.detail) if part)
        for r in frame.itertuples()
    ]
    return frame


def _connectors(boxes: pd.DataFrame) -> pd.DataFrame:
    """Elbow connectors: parent bottom → bus line → each child's top.

    A child whose ``parent`` is ``"*"`` hangs from every box of the level above.
    """
    lines: list[dict[str, float]] = []
    for level in sorted(boxes["level"].unique())[1:]:
        children = boxes[boxes["level"] == level]
        above = boxes[boxes["level"] == level - 1]
        for parent_key, group in children.groupby("parent", sort=False):
            parents = above if parent_key == "*" else above[above["box"] == parent_key]
            top = float(group["y"].iloc[0]) - _BOX_HALF_HEIGHT
            bottom = float(parents["y"].max()) + _BOX_HALF_HEIGHT
            bus = (top + bottom) / 2
            xs = [*parents["x"], *group["x"]]
            lines.append({"x": min(xs), "y": bus, "x2": max(xs), "y2": bus})
            lines += [{"x": x, "y": bottom, "x2": x, "y2": bus} for x in parents["x"]]
            lines += [{"x": x, "y": bus, "x2": x, "y2": top} for x in group["x"]]
    return pd.DataFrame(lines)


def flow_chart(boxes: pd.DataFrame, *, description: str) -> alt.LayerChart:
    """CONSORT-style diagram of the patient flow from :func:`flow_boxes`.

    Boxes whose count is derived (not printed in the abstract) have a dashed border.
    """
    x_scale = alt.Scale(domain=[0, 100])
    y_scale = alt.Scale(domain=[100, 0])
    frame = boxes.assign(
        x1=boxes["x"] - boxes["half_width"],
        x2=boxes["x"] + boxes["half_width"],
        y1=boxes["y"] - _BOX_HALF_HEIGHT,
        y2=boxes["y"] + _BOX_HALF_HEIGHT,
    )
    tooltip = [
        alt.Tooltip("stage:N", title="Stage"),
        alt.Tooltip("count:Q", title="Patients"),
        alt.Tooltip("label:N", title="Group"),
        alt.Tooltip("detail:N", title="Detail"),
        alt.Tooltip("basis:N", title="Count"),
    ]
    frame["basis"] = frame["derived"].map({True: "derived from reported counts", False: "reported"})
    base = alt.Chart(frame)
    box_encoding = {
        "x": alt.X("x1:Q", scale=x_scale, axis=None),
        "x2": "x2:Q",
        "y": alt.Y("y1:Q", scale=y_scale, axis=None),
        "y2": "y2:Q",
        "fill": alt.Fill("colour:N", scale=None),
        "stroke": alt.Stroke("colour:N", scale=None),
        "tooltip": tooltip,
    }
    box_style = {"cornerRadius": 4, "fillOpacity": 0.16, "strokeWidth": 1.5}
    reported = base.transform_filter("!datum.derived").mark_rect(**box_style).encode(**box_encoding)
    derived = (
        base.transform_filter("datum.derived")
        .mark_rect(**box_style, strokeDash=[5, 3])
        .encode(**box_encoding)
    )
    labels = base.mark_text(lineBreak="\n", fontSize=12, lineHeight=16, baseline="middle").encode(
        x=alt.X("x:Q", scale=x_scale, axis=None),
        y=alt.Y("y:Q", scale=y_scale, axis=None),
        text="text:N",
        tooltip=tooltip,
    )
    lines = (
        alt.Chart(_connectors(boxes))
        .mark_rule(strokeWidth=1, opacity=0.6, color="currentColor")
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("y:Q", scale=y_scale, axis=None),
            x2="x2:Q",
            y2="y2:Q",
        )
    )
    return alt.layer(lines, reported, derived, labels).properties(
        width=680, height=330, description=description
    )


def interval_chart(
    frame: pd.DataFrame, *, title: str, description: str, x_title: str
) -> alt.LayerChart:
    """Point estimates with 95% intervals, one row per ``label``, on a 0–100% axis.

    ``frame`` needs ``label``, ``percent``, ``lower``, ``upper`` (all in %), ``method``,
    ``colour`` and ``annotation`` (the text printed beside the interval); one row per interval.
    Row labels are drawn as text above each interval rather than as axis labels, so a browser
    font wider than the one the SVG was laid out with cannot clip them.
    """
    y = alt.Y("label:N", title=None, sort=None, axis=None)
    x_scale = alt.Scale(domain=[0, 100])
    tooltip = [
        alt.Tooltip("label:N", title="Measure"),
        alt.Tooltip("percent:Q", title="Estimate (%)", format=".1f"),
        alt.Tooltip("lower:Q", title="95% CI lower (%)", format=".1f"),
        alt.Tooltip("upper:Q", title="95% CI upper (%)", format=".1f"),
        alt.Tooltip("method:N", title="Interval"),
    ]
    # Hovering a row dims the others (interactive view only; the static SVG shows all rows).
    hover = alt.selection_point(
        name="hover", on="pointerover", clear="pointerout", fields=["label"]
    )
    emphasis = alt.condition(hover, alt.value(1.0), alt.value(0.35))
    base = alt.Chart(frame).encode(y=y, tooltip=tooltip)
    ci = (
        base.mark_rule(strokeWidth=2.5)
        .encode(
            x=alt.X("lower:Q", scale=x_scale, title=x_title),
            x2="upper:Q",
            color=alt.Color("colour:N", scale=None),
            opacity=emphasis,
        )
        .add_params(hover)
    )
    point = base.mark_point(filled=True, size=90, shape="diamond").encode(
        x=alt.X("percent:Q", scale=x_scale),
        color=alt.Color("colour:N", scale=None),
        opacity=emphasis,
    )
    label = base.mark_text(align="left", baseline="bottom", dy=-9, fontWeight="bold").encode(
        x=alt.datum(0), text="label:N"
    )
    value = base.mark_text(align="left", baseline="middle", dx=8).encode(
        x=alt.X("upper:Q", scale=x_scale), text="annotation:N"
    )
    return alt.layer(ci, point, label, value).properties(
        width=560, height=alt.Step(58), title=title, description=description
    )
