"""The study domain's charts and inline values, built from the study data file."""

from __future__ import annotations

import pandas as pd

from ..artifact import ChartArtifact
from ..render.theme import NARROW, semantic_colour
from . import charts
from .checks import run_checks
from .flow import patient_flow
from .schema import ProportionFigure, Study, SurvivalFigure
from .tables import SOURCE_ABSTRACT, proportion_rows, reported_text, survival_rows

__all__ = ["flow_chart", "proportions_chart", "study_values", "survival_chart"]


def flow_chart(study: Study) -> ChartArtifact:
    flow = patient_flow(study)
    boxes = charts.flow_boxes(flow)
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
        charts.flow_chart(boxes, description=description),
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
        narrow=charts.flow_chart(boxes, description=description, layout=NARROW),
    )


def proportions_chart(study: Study) -> ChartArtifact:
    rows = proportion_rows(study)
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
        charts.interval_chart(
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
        narrow=charts.interval_chart(
            frame, title="", description=description, x_title="Percent of patients", layout=NARROW
        ),
    )


def survival_chart(study: Study) -> ChartArtifact:
    rows = survival_rows(study)
    os5 = study.figure("os_5y")
    assert isinstance(os5, SurvivalFigure)
    names = {"log-log": "log–log interval", "plain": "plain interval (± 1.96 SE)"}
    frame = pd.DataFrame(
        {
            "label": [f"{os5.time:g}-year OS, {names[m]}" for m in rows["method"]],
            "percent": 100 * rows["estimate"],
            "lower": 100 * rows["lower"],
            "upper": 100 * rows["upper"],
            "method": rows["method"],
            "colour": semantic_colour("estimate"),
            "annotation": [f"{os5.percent:g}% ± {os5.se:g}% (SE)"] * len(rows),
        }
    )
    ll = frame[frame["method"] == "log-log"].iloc[0]
    description = (
        f"Overall survival {os5.time:g} {os5.unit} after second-line treatment was "
        f"{os5.percent:g}% (SE {os5.se:g}%); the 95% confidence interval is "
        f"{ll['lower']:.1f}–{ll['upper']:.1f}% on the log–log scale."
    )
    return ChartArtifact(
        "os_5y",
        f"{os5.time:g}-year overall survival after second-line treatment, with two 95% "
        "confidence intervals computed from the reported standard error.",
        description,
        charts.interval_chart(
            frame, title="", description=description, x_title="Overall survival (%)"
        ),
        frame.drop(columns=["colour", "annotation"]),
        {
            "label": "estimate and interval method",
            "percent": "reported estimate (%)",
            "lower": "95% lower limit (%)",
            "upper": "95% upper limit (%)",
            "method": "'log-log' or 'plain'",
        },
        f"Estimate and SE: {SOURCE_ABSTRACT}. Intervals computed by this site.",
        narrow=charts.interval_chart(
            frame, title="", description=description, x_title="Overall survival (%)", layout=NARROW
        ),
    )


def study_values(study: Study) -> dict[str, str]:
    """The study's short texts a page can place inline with ``{{ value NAME }}``."""
    values = {fig.id: reported_text(fig) for fig in study.figures}
    for fig in study.figures:
        if isinstance(fig, ProportionFigure):
            values[f"{fig.id}_numerator"] = str(fig.numerator)
            values[f"{fig.id}_denominator"] = str(fig.denominator)
    flow = patient_flow(study)
    for name in flow.derived_fields:
        values[name] = str(getattr(flow, name))
    props = proportion_rows(study).set_index("id")
    for ident, row in props.iterrows():
        values[f"{ident}_share"] = f"{100 * row['proportion']:.1f}%"
        values[f"{ident}_ci"] = f"{100 * row['exact_lower']:.1f}–{100 * row['exact_upper']:.1f}%"
    surv = survival_rows(study).set_index("method")
    values["os_5y_ci"] = f"{100 * surv.loc['log-log', 'lower']:.1f}–" + (
        f"{100 * surv.loc['log-log', 'upper']:.1f}%"
    )
    values["os_5y_ci_plain"] = f"{100 * surv.loc['plain', 'lower']:.1f}–" + (
        f"{100 * surv.loc['plain', 'upper']:.1f}%"
    )
    c = study.citation
    surnames = [a.split()[-1] + " " + "".join(p[0] for p in a.split()[:-1]) for a in c.authors]
    authors = ", ".join(surnames[:3]) + (", et al." if len(surnames) > 3 else "")
    values["citation"] = (
        f"{authors} {c.title.rstrip('.')}. *{c.journal_abbrev}*. {c.date.year};"
        f"{c.volume}({c.issue}):{c.pages}."
    )
    values["authors"] = ", ".join(c.authors)
    values["doi"] = c.doi
    values["pmid"] = c.pmid
    values["journal"] = c.journal
    values["year"] = str(c.date.year)
    values["trials"] = " and ".join(study.design.trials)
    values["enrolment_years"] = "–".join(str(y) for y in study.design.enrolment_years)
    checks = run_checks(study)
    open_questions = sum(ch.status == "warn" for ch in checks)
    values["checks_consistent"] = str(len(checks) - open_questions)
    values["checks_open"] = str(open_questions)
    return values
