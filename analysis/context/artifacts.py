"""The Context page's tables, chart and values as builders taking the Study (for the registry)."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..artifact import ChartArtifact, Table
from ..render.theme import NARROW
from ..study.schema import Study
from .charts import comparison_frame, survival_comparison_chart
from .rows import (
    CONTEXT_SOURCE,
    SURVIVAL_FIELDS,
    cohorts_table,
    context_data,
    context_values,
    disagreements_table,
    eras_table,
    options_table,
    sources_table,
    survival_comparison_rows,
    survival_comparison_table,
)
from .schema import COMPARATORS_FILE

__all__ = [
    "CONTEXT_CHART_BUILDERS",
    "CONTEXT_DATA_FILES",
    "CONTEXT_TABLE_BUILDERS",
    "comparator_chart",
    "context_inline_values",
]

CONTEXT_DATA_FILES = {"comparators.yaml": COMPARATORS_FILE}


def _comparator_survival(study: Study) -> Table:
    return survival_comparison_table(context_data(study))


def _cohorts(study: Study) -> Table:
    return cohorts_table(context_data(study))


def _disagreements(study: Study) -> Table:
    return disagreements_table(context_data(study))


def _eras(study: Study) -> Table:
    return eras_table(context_data(study))


def _options(study: Study) -> Table:
    return options_table(context_data(study))


def _sources(study: Study) -> Table:
    return sources_table(context_data(study))


def comparator_chart(study: Study) -> ChartArtifact:
    """Survival after relapse or refractory disease across cohorts, one panel per time point."""

    frame = comparison_frame(survival_comparison_rows(context_data(study)))
    panels = []
    for _, group in frame.groupby("panel_order", sort=True):
        marks = "; ".join(
            f"{r.cohort} {r.percent:g}%"
            + ("" if math.isnan(r.lower) else f" (95% CI {r.interval})")
            + (" — sources disagree" if r.disagreement else "")
            for r in group.itertuples()
        )
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
        "source_number",
    ]
    fields = {k: SURVIVAL_FIELDS[k] for k in columns if k in SURVIVAL_FIELDS}
    fields["interval"] = "95% interval (%), reported or computed from the SE, or 'none reported'"
    data = frame[columns].copy()
    data["disagreement"] = data["disagreement"].replace("", "none")
    return ChartArtifact(
        "comparator_survival",
        "Survival after relapse or refractory disease, by cohort. One panel per endpoint and "
        "time point; lines are 95% intervals (reported, or computed from a reported SE); "
        "a diamond without a line has neither. Numbers in brackets refer to the Sources list.",
        description,
        survival_comparison_chart(frame, description=description),
        data,
        fields,
        CONTEXT_SOURCE + "; intervals from an SE computed by this site (log–log).",
        narrow=survival_comparison_chart(frame, description=description, layout=NARROW),
    )


def context_inline_values(study: Study) -> dict[str, str]:
    """Inline values of the Context page."""
    return context_values(context_data(study))


CONTEXT_TABLE_BUILDERS: tuple[Callable[[Study], Table], ...] = (
    _comparator_survival,
    _cohorts,
    _disagreements,
    _eras,
    _options,
    _sources,
)
CONTEXT_CHART_BUILDERS: tuple[Callable[[Study], ChartArtifact], ...] = (comparator_chart,)
