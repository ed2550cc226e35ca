"""Altair charts: each takes a tidy DataFrame and returns a chart; none saves or displays."""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import pandas as pd

from ..cells import optional_text
from ..errors import ChartError
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
            81,
            18,
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
            13,
            12.5,
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
            40,
            12.5,
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
            70,
            15,
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
        "\n".join(
            part
            for part in (
                f"{r.count} {r.label}",
                optional_text(r.detail, where=f"flow box row {r.Index}, field 'detail'"),
            )
            if part
        )
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


_TREE_INDENT = 14  # px per level on the narrow layout
_TREE_LINE = 16


def _tree(boxes: pd.DataFrame, width: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The flow as an indented tree for the narrow layout: one full-width row per box.

    A box hangs from its parent; boxes whose ``parent`` is ``"*"`` (every box of the level
    above) hang from that level's own parent, which they partition a second way. Where a box
    has children from more than one stage, each stage gets a heading row they hang from.
    Leaves come before subtrees, so a short branch is not drawn past a long one.
    Returns the rows (``x1``, ``x2``, ``y1``, ``y2`` in px from the top left, and ``kind``:
    ``box`` or ``stage``) and the connector lines.
    """
    # Row records keyed by column name (pandas types the keys as any hashable).
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in boxes.to_dict(orient="records")
    ]
    parent_of: dict[str, str] = {}
    for r in records:
        parent = r["parent"]
        if parent == "*":
            above = {b["parent"] for b in records if b["level"] == r["level"] - 1}
            (parent,) = above  # the level above hangs from one box
        if parent is not None:
            parent_of[r["box"]] = parent
    children: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r["box"] in parent_of:
            children.setdefault(parent_of[r["box"]], []).append(r)

    def sub_rows(parent: str) -> list[dict[str, Any]]:
        kids = children.get(parent, [])
        stages = list(dict.fromkeys(k["stage"] for k in kids))
        if len(stages) > 1:
            return [
                {
                    "kind": "stage",
                    "box": f"{parent}/{stage}",
                    "text": stage,
                    "stage": stage,
                    "kids": [k for k in kids if k["stage"] == stage],
                }
                for stage in stages
            ]
        leaves = [k for k in kids if k["box"] not in children]
        return [{"kind": "box", **k} for k in leaves + [k for k in kids if k not in leaves]]

    rows: list[dict[str, Any]] = []
    lines: list[dict[str, float]] = []
    y = 0.0

    def place(row: dict[str, Any], depth: int, parent: dict[str, Any] | None) -> None:
        nonlocal y
        n_lines = 1 if row["kind"] == "stage" else str(row["text"]).count("\n") + 1
        height = n_lines * _TREE_LINE + (4 if row["kind"] == "stage" else 10)
        placed = {**row, "x1": depth * _TREE_INDENT, "x2": width, "y1": y, "y2": y + height}
        placed["y"] = y + height / 2
        rows.append(placed)
        y += height + 6
        if parent is not None:
            trunk = parent["x1"] + _TREE_INDENT / 2
            lines.append({"x": trunk, "y": parent["y2"], "x2": trunk, "y2": placed["y"]})
            lines.append({"x": trunk, "y": placed["y"], "x2": placed["x1"], "y2": placed["y"]})
        kids = row.pop("kids", None)
        subs = [{"kind": "box", **k} for k in kids] if kids is not None else sub_rows(row["box"])
        for sub in subs:
            place(sub, depth + 1, placed)

    for root in (r for r in records if r["box"] not in parent_of):
        place({"kind": "box", **root}, 0, None)
    return pd.DataFrame(rows), pd.DataFrame(lines)


def flow_chart(
    boxes: pd.DataFrame, *, description: str, layout: theme.Layout = theme.WIDE
) -> alt.LayerChart:
    """CONSORT-style diagram of the patient flow from :func:`flow_boxes`.

    Boxes whose count is derived (not printed in the abstract) have a dashed border. The wide
    layout places the boxes as :func:`flow_boxes` says; the narrow one draws the same boxes as
    an indented tree (:func:`_tree`), one full-width row each, so their text keeps its size.
    """
    tooltip = [
        alt.Tooltip("stage:N", title="Stage"),
        alt.Tooltip("count:Q", title="Patients"),
        alt.Tooltip("label:N", title="Group"),
        alt.Tooltip("detail:N", title="Detail"),
        alt.Tooltip("basis:N", title="Count"),
    ]
    text_align: Literal["left", "center"]
    text_baseline: Literal["top"]
    if layout == theme.NARROW:
        width = layout.width - 20
        rows, connectors = _tree(boxes, width)
        height = float(rows["y2"].max())
        x_scale = alt.Scale(domain=[0, width], nice=False)
        y_scale = alt.Scale(domain=[height, 0], nice=False)
        text_x, text_y, text_align, text_baseline = "text_x", "text_y", "left", "top"
        # Vega does not centre multi-line text on its baseline: write it from the top down.
        frame = rows.assign(text_x=rows["x1"] + 8, text_y=rows["y1"] + 7)
        stage_rows = frame[frame["kind"] == "stage"]
        frame = frame[frame["kind"] == "box"].copy()
    else:
        width, height = 620, 330
        x_scale = alt.Scale(domain=[0, 100])
        y_scale = alt.Scale(domain=[100, 0])
        text_x, text_y, text_align, text_baseline = "x", "text_y", "center", "top"
        connectors = _connectors(boxes)
        # Vega does not centre multi-line text on its baseline: start it half the block
        # (lines 16 px apart, 12 px letters) above the box centre, in % of the height.
        block = (boxes["text"].str.count("\n") * _TREE_LINE + 12) * 100 / height
        frame = boxes.assign(
            x1=boxes["x"] - boxes["half_width"],
            x2=boxes["x"] + boxes["half_width"],
            y1=boxes["y"] - _BOX_HALF_HEIGHT,
            y2=boxes["y"] + _BOX_HALF_HEIGHT,
            text_y=boxes["y"] - block / 2,
        )
        stage_rows = None
    frame["basis"] = frame["derived"].map({True: "derived from reported counts", False: "reported"})
    frame = frame[[c for c in frame.columns if c not in {"kids", "kind"}]]
    base = alt.Chart(frame)
    box_encoding = {
        "x": alt.X("x1:Q", scale=x_scale, axis=None),
        "x2": alt.X2("x2:Q"),
        "y": alt.Y("y1:Q", scale=y_scale, axis=None),
        "y2": alt.Y2("y2:Q"),
        "fill": alt.Fill("colour:N", scale=None),
        "stroke": alt.Stroke("colour:N", scale=None),
        "tooltip": tooltip,
    }
    reported = (
        base.transform_filter("!datum.derived")
        .mark_rect(cornerRadius=4, fillOpacity=0.16, strokeWidth=1.5)
        .encode(**box_encoding)
    )
    derived = (
        base.transform_filter("datum.derived")
        .mark_rect(cornerRadius=4, fillOpacity=0.16, strokeWidth=1.5, strokeDash=[5, 3])
        .encode(**box_encoding)
    )
    labels = base.mark_text(
        lineBreak="\n", fontSize=12, lineHeight=_TREE_LINE, baseline=text_baseline, align=text_align
    ).encode(
        x=alt.X(f"{text_x}:Q", scale=x_scale, axis=None),
        y=alt.Y(f"{text_y}:Q", scale=y_scale, axis=None),
        text=alt.Text("text:N"),
        tooltip=tooltip,
    )
    lines = (
        alt.Chart(connectors)
        .mark_rule(strokeWidth=1, opacity=0.6, color="currentColor")
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("y:Q", scale=y_scale, axis=None),
            x2=alt.X2("x2:Q"),
            y2=alt.Y2("y2:Q"),
        )
    )
    layers = [lines, reported, derived, labels]
    if stage_rows is not None:
        layers.append(
            alt.Chart(stage_rows[["text", "text_x", "y"]])
            .mark_text(fontSize=12, fontWeight="bold", baseline="middle", align="left", dx=-4)
            .encode(
                x=alt.X("text_x:Q", scale=x_scale, axis=None),
                y=alt.Y("y:Q", scale=y_scale, axis=None),
                text=alt.Text("text:N"),
            )
        )
    chart = alt.layer(*layers).properties(width=width, height=height, description=description)
    return _layered(chart, "flow_chart")


def interval_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    description: str,
    x_title: str,
    layout: theme.Layout = theme.WIDE,
) -> alt.LayerChart:
    """Point estimates with 95% intervals, one row per ``label``, on a 0–100% axis.

    ``frame`` needs ``label``, ``percent``, ``lower``, ``upper`` (all in %), ``method``,
    ``colour`` and ``annotation`` (the text printed beside the interval); one row per interval.
    Row labels are drawn as text above each interval rather than as axis labels, so a browser
    font wider than the one the SVG was laid out with cannot clip them. On the narrow layout
    the label wraps and the annotation goes under it, above the interval, instead of beside it.
    """
    narrow = layout == theme.NARROW
    # Narrow: each row starts with its label (two lines) and the annotation, written from the
    # top of the row down, and ends with the interval.
    line = 16
    y = alt.Y("label:N", title=None, sort=None, axis=None, bandPosition=0.8 if narrow else 0.5)
    x_scale = alt.Scale(domain=[0, 100])
    x_axis = alt.Axis(values=list(range(0, 101, 20 if narrow else 10)))
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
    data = frame.assign(
        heading=pd.Series(
            [theme.wrap(str(t), layout, chars=34, lines=2) for t in frame["label"]],
            index=frame.index,
        )
    )
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    ci = (
        base.mark_rule(strokeWidth=2.5)
        .encode(
            x=alt.X("lower:Q", scale=x_scale, title=x_title, axis=x_axis),
            x2=alt.X2("upper:Q"),
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
    if narrow:
        top = alt.Y("label:N", title=None, sort=None, axis=None, bandPosition=0)
        label = base.mark_text(
            align="left", baseline="top", dy=2, fontWeight="bold", lineHeight=line
        ).encode(x=alt.datum(0), y=top, text=alt.Text("heading:N"))
        value = base.mark_text(align="left", baseline="top", dy=2 + 2 * line).encode(
            x=alt.datum(0), y=top, text=alt.Text("annotation:N")
        )
    else:
        label = base.mark_text(align="left", baseline="bottom", dy=-9, fontWeight="bold").encode(
            x=alt.datum(0), text=alt.Text("heading:N")
        )
        value = base.mark_text(align="left", baseline="middle", dx=8).encode(
            x=alt.X("upper:Q", scale=x_scale), text=alt.Text("annotation:N")
        )
    chart = alt.layer(ci, point, label, value, data=data).properties(
        width=300 if narrow else 560,
        height=alt.Step(76 if narrow else 58),
        title=title,
        description=description,
    )
    return _layered(chart, "interval_chart")


def _layered(chart: alt.LayerChart | alt.FacetChart, name: str) -> alt.LayerChart:
    """``chart`` as the layered chart it was built as (altair types ``layer()`` as possibly
    faceted)."""
    if not isinstance(chart, alt.LayerChart):
        msg = f"chart {name!r}: found a {type(chart).__name__}; expected a layered chart"
        raise ChartError(msg)
    return chart
