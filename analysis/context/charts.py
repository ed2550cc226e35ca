"""The Context page's chart, built from the validated comparator file (drawn by :mod:`.plots`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..artifact import ChartArtifact
from ..cells import optional_real, optional_text
from ..render.theme import NARROW
from .plots import comparison_frame, survival_comparison_chart
from .results import CONTEXT_SOURCE, survival_comparison_rows
from .schema import Comparators
from .tables import COMPARISON_FIELDS

__all__ = ["CHARTS", "comparator_chart"]


def _mark_text(r: Any) -> str:
    """One estimate as the chart's description says it; ``r`` is an ``itertuples`` row, whose
    fields pandas leaves untyped, so the ones used as numbers or text are checked."""
    where = f"comparator chart row {r.Index}"
    lower = optional_real(r.lower, where=f"{where}, field 'lower'")
    beyond = optional_text(r.beyond_follow_up, where=f"{where}, field 'beyond_follow_up'")
    selected = optional_text(r.selected_group, where=f"{where}, field 'selected_group'")
    return (
        f"{r.cohort} {r.percent:g}%"
        + ("" if lower is None or math.isnan(lower) else f" (95% CI {r.interval})")
        + (" — sources disagree" if r.disagreement else "")
        + (f" — {beyond}" if beyond else "")
        + (f" — a selected group ({selected})" if selected else "")
    )


def comparator_chart(data: Comparators) -> ChartArtifact:
    """Survival after relapse or refractory disease across cohorts, one panel per time point."""
    frame = comparison_frame(survival_comparison_rows(data))
    panels = []
    for _, group in frame.groupby("panel_order", sort=True):
        marks = "; ".join(_mark_text(r) for r in group.itertuples())
        panels.append(f"{group['panel'].iloc[0]}: {marks}")
    description = (
        "Survival after relapse or refractory disease, one panel per endpoint and time point, "
        "each estimate as its source reports it and nothing pooled. " + ". ".join(panels) + "."
    )
    columns = [
        "estimate_id",
        "cohort",
        "endpoint",
        "time",
        "unit",
        "origin",
        "percent",
        "interval",
        "interval_basis",
        "disagreement",
        "beyond_follow_up",
        "selected_group",
        "source_number",
    ]
    fields = {k: COMPARISON_FIELDS[k] for k in columns if k in COMPARISON_FIELDS}
    fields["interval"] = "95% interval (%), reported or computed from the SE, or 'none reported'"
    rows = frame[columns].copy()
    rows["disagreement"] = rows["disagreement"].replace("", "none")
    rows["selected_group"] = rows["selected_group"].replace("", "no")
    return ChartArtifact(
        "comparator_survival",
        "Survival after relapse or refractory disease, by cohort. One panel per endpoint and "
        "time point; lines are 95% intervals (reported, or computed from a reported SE); "
        "a diamond without a line has neither; a figure beyond its cohort's reported "
        "follow-up, or from a selected group, says so beside its value. Numbers in brackets "
        "refer to the Sources list.",
        description,
        survival_comparison_chart(frame, description=description),
        rows,
        fields,
        CONTEXT_SOURCE + "; intervals from an SE computed by this site (log–log).",
        narrow=survival_comparison_chart(frame, description=description, layout=NARROW),
    )


CHARTS: tuple[Callable[[Comparators], ChartArtifact], ...] = (comparator_chart,)
