"""The study domain's charts, each built from :class:`StudyResults` (drawn by :mod:`.plots`)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..artifact import ChartArtifact
from ..render.theme import NARROW, semantic_colour
from . import plots
from .results import StudyResults
from .schema import SurvivalFigure
from .tables import INTERVAL_METHODS, SOURCE_ABSTRACT

__all__ = ["CHARTS", "flow_chart", "proportions_chart", "survival_chart"]


def flow_chart(results: StudyResults) -> ChartArtifact:
    flow = results.flow
    boxes = plots.flow_boxes(flow)
    description = (
        f"Patient flow. Of {flow.cohort} infants with MLL-rearranged ALL in MLL96 and MLL98, "
        f"{flow.relapsed_or_refractory} relapsed ({flow.relapses}) or never reached remission "
        f"({flow.induction_failures}). After salvage chemotherapy {flow.salvage_remission} of "
        f"{flow.salvage_evaluated} evaluated patients were in remission and "
        f"{flow.salvage_no_remission} were not; {flow.salvage_not_evaluable} are not in that "
        f"denominator. {flow.hsct} received a stem cell transplant ({flow.hsct_in_remission} in "
        f"remission, {flow.hsct_not_in_remission} not, {flow.hsct_status_unknown} unknown) and "
        f"{flow.no_hsct} did not."
    )
    data = boxes[["box", "level", "stage", "count", "label", "detail", "derived"]]
    return ChartArtifact(
        "patient_flow",
        "Patient flow from the parent trials to transplant. Dashed boxes: counts derived "
        "from the reported ones.",
        description,
        plots.flow_chart(boxes, description=description),
        data,
        {
            "box": "identifier of the group",
            "level": "step in the flow (0 = parent trials … 3 = transplant)",
            "stage": "name of the step",
            "count": "number of patients in the group",
            "label": "who is in the group",
            "detail": "breakdown or denominator",
            "derived": "true if the count is arithmetic on reported counts",
        },
        SOURCE_ABSTRACT,
        narrow=plots.flow_chart(boxes, description=description, layout=NARROW),
    )


def proportions_chart(results: StudyResults) -> ChartArtifact:
    rows = results.proportions
    frame = pd.DataFrame(
        {
            "label": rows["label"],
            "percent": 100 * rows["proportion"],
            "lower": 100 * rows["exact_lower"],
            "upper": 100 * rows["exact_upper"],
            "method": "Clopper–Pearson (exact)",
            "colour": semantic_colour("estimate"),
            "annotation": [
                f"{100 * p:.1f}% ({k}/{n})"
                for p, k, n in zip(
                    rows["proportion"], rows["numerator"], rows["denominator"], strict=False
                )
            ],
        }
    )
    parts = "; ".join(
        f"{r.label}: {r.percent:.1f}% (95% CI {r.lower:.1f}–{r.upper:.1f}%)"
        for r in frame.itertuples()
    )
    description = f"Key proportions with exact 95% confidence intervals. {parts}."
    return ChartArtifact(
        "proportions",
        "Key proportions with exact (Clopper–Pearson) 95% confidence intervals.",
        description,
        plots.interval_chart(
            frame, title="", description=description, x_title="Percent of patients"
        ),
        frame.drop(columns=["colour", "annotation"]),
        {
            "label": "what is counted, and out of whom",
            "percent": "point estimate (%)",
            "lower": "95% lower limit (%)",
            "upper": "95% upper limit (%)",
            "method": "interval method",
        },
        f"Counts: {SOURCE_ABSTRACT}. Intervals computed by this site.",
        narrow=plots.interval_chart(
            frame, title="", description=description, x_title="Percent of patients", layout=NARROW
        ),
    )


def survival_chart(results: StudyResults) -> ChartArtifact:
    rows = results.survival
    os5 = results.study.figure("os_5y")
    assert isinstance(os5, SurvivalFigure)
    frame = pd.DataFrame(
        {
            "label": [f"{os5.time:g}-year OS, {INTERVAL_METHODS[m]}" for m in rows["method"]],
            "percent": 100 * rows["estimate"],
            "lower": 100 * rows["lower"],
            "upper": 100 * rows["upper"],
            "method": rows["method"],
            "colour": semantic_colour("estimate"),
            "annotation": [f"{os5.percent:g}% ± {os5.se:g}% (± read as SE)"] * len(rows),
        }
    )
    by_method = frame.set_index("method")
    description = (
        f"Overall survival {os5.time:g} {os5.unit} after second-line treatment was "
        f"{os5.percent:g}% ± {os5.se:g}% (the ± read as a standard error); the 95% confidence "
        "interval is "
        + "; ".join(
            f"{by_method.loc[m, 'lower']:.1f}–{by_method.loc[m, 'upper']:.1f}% "
            f"by the {INTERVAL_METHODS[m]} method"
            for m in rows["method"]
        )
        + "."
    )
    return ChartArtifact(
        "os_5y",
        f"{os5.time:g}-year overall survival after second-line treatment, with 95% "
        "confidence intervals by each method, computed from the reported ± read as a standard "
        "error.",
        description,
        plots.interval_chart(
            frame, title="", description=description, x_title="Overall survival (%)"
        ),
        frame.drop(columns=["colour", "annotation"]),
        {
            "label": "estimate and interval method",
            "percent": "reported estimate (%)",
            "lower": "95% lower limit (%)",
            "upper": "95% upper limit (%)",
            "method": "'log-log', 'log' or 'plain'",
        },
        f"Estimate and ±: {SOURCE_ABSTRACT}. Intervals computed by this site.",
        narrow=plots.interval_chart(
            frame, title="", description=description, x_title="Overall survival (%)", layout=NARROW
        ),
    )


CHARTS: tuple[Callable[[StudyResults], ChartArtifact], ...] = (
    flow_chart,
    proportions_chart,
    survival_chart,
)
