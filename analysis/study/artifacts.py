"""The study domain's charts, tables and inline values, each built from :class:`StudyResults`."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..artifact import ChartArtifact, Table
from ..render.theme import NARROW, semantic_colour
from . import charts
from .results import EVENTS_PER_VARIABLE, StudyResults, deaths_by_survival_time
from .schema import ProportionFigure, SurvivalFigure
from .tables import (
    INTERVAL_METHODS,
    SOURCE_ABSTRACT,
    checks_table,
    figures_table,
    key_numbers_table,
    prognostic_table,
    proportions_table,
    reported_text,
    survival_table,
)

__all__ = ["flow_chart", "proportions_chart", "study_values", "survival_chart"]


def flow_chart(results: StudyResults) -> ChartArtifact:
    flow = results.flow
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
        charts.interval_chart(
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
        narrow=charts.interval_chart(
            frame, title="", description=description, x_title="Overall survival (%)", layout=NARROW
        ),
    )


def study_values(results: StudyResults) -> dict[str, str]:
    """The study's short texts a page can place inline with ``{{ value NAME }}``."""
    study = results.study
    values = {fig.id: reported_text(fig) for fig in study.figures}
    for fig in study.figures:
        if isinstance(fig, ProportionFigure):
            values[f"{fig.id}_numerator"] = str(fig.numerator)
            values[f"{fig.id}_denominator"] = str(fig.denominator)
    flow = results.flow
    for name in flow.derived_fields:
        values[name] = str(getattr(flow, name))
    props = results.proportions.set_index("id")
    for ident, row in props.iterrows():
        values[f"{ident}_count"] = f"{row['numerator']}/{row['denominator']}"
        values[f"{ident}_share"] = f"{100 * row['proportion']:.1f}%"
        values[f"{ident}_ci"] = f"{100 * row['exact_lower']:.1f}–{100 * row['exact_upper']:.1f}%"
        values[f"{ident}_wilson_ci"] = (
            f"{100 * row['wilson_lower']:.1f}–{100 * row['wilson_upper']:.1f}%"
        )
    surv = results.survival.set_index("method")
    values["os_5y_ci"] = f"{100 * surv.loc['log-log', 'lower']:.1f}–" + (
        f"{100 * surv.loc['log-log', 'upper']:.1f}%"
    )
    for method, suffix in (("plain", "plain"), ("log", "log")):
        values[f"os_5y_ci_{suffix}"] = (
            f"{100 * surv.loc[method, 'lower']:.1f}–{100 * surv.loc[method, 'upper']:.1f}%"
        )
    coverage = results.coverage.set_index("method")["lowest_coverage"]
    for method, suffix in (("log-log", "loglog"), ("log", "log"), ("plain", "plain")):
        values[f"os_5y_coverage_{suffix}"] = f"{100 * coverage[method]:.1f}%"
    deaths = deaths_by_survival_time(study)
    values["os_5y_deaths"] = str(deaths)
    values["epv_rule"] = str(EVENTS_PER_VARIABLE)
    values["os_5y_epv_factors"] = f"{deaths / EVENTS_PER_VARIABLE:.0f}"
    values["os_5y_ci_log_software"] = INTERVAL_METHODS["log"]
    values["os_5y_ci_software"] = INTERVAL_METHODS["log-log"]
    # The factors associated with the outcome other than by the multivariate analysis (the
    # abstract does not say by which analysis: "univariate" where it does, "not stated" here).
    associated = [f.factor for f in study.findings if f.analysis != "multivariate"]
    values["associated_factors"] = " and ".join(f[0].lower() + f[1:] for f in associated)
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
    checks = results.checks
    open_questions = sum(ch.status == "warn" for ch in checks)
    values["checks_consistent"] = str(len(checks) - open_questions)
    values["checks_open"] = str(open_questions)
    # The Checks page's list of open questions: one per ⚠ check, so its length is checks_open.
    values["open_questions_list"] = "\n".join(
        f"- **{ch.open_question or ch.title}** {ch.explanation}"
        for ch in checks
        if ch.status == "warn"
    )
    return values


STUDY_CHARTS: tuple[Callable[[StudyResults], ChartArtifact], ...] = (
    flow_chart,
    proportions_chart,
    survival_chart,
)
STUDY_TABLES: tuple[Callable[[StudyResults], Table], ...] = (
    key_numbers_table,
    proportions_table,
    survival_table,
    checks_table,
    figures_table,
    prognostic_table,
)
