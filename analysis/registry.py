"""Every named table, chart and value the pages can place, computed from the data files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd

from .appraisal.schema import load_appraisal
from .appraisal.tables import appraisal_values, checklist_table, limitations_table, pico_table
from .context.artifacts import (
    CONTEXT_CHART_BUILDERS,
    CONTEXT_DATA_FILES,
    CONTEXT_TABLE_BUILDERS,
    context_inline_values,
)
from .render.theme import semantic_colour
from .study import charts
from .study.checks import run_checks
from .study.flow import patient_flow
from .study.load import STUDY_FILE, load_study
from .study.schema import ProportionFigure, Study, SurvivalFigure
from .study.tables import (
    SOURCE_ABSTRACT,
    Table,
    checks_table,
    figures_table,
    key_numbers_table,
    prognostic_table,
    proportion_rows,
    proportions_table,
    reported_text,
    survival_rows,
    survival_table,
)

__all__ = ["Artifacts", "ChartArtifact", "build_artifacts"]


@dataclass(frozen=True)
class ChartArtifact:
    """A chart with what a reader needs beside it: caption, text alternative, data, source."""

    name: str
    caption: str
    description: str
    chart: alt.TopLevelMixin
    data: pd.DataFrame
    fields: dict[str, str]
    source: str


@dataclass(frozen=True)
class Artifacts:
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, ChartArtifact] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    data_files: dict[str, Path] = field(default_factory=dict)


def _flow_chart(study: Study) -> ChartArtifact:
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
    )


def _proportions_chart(study: Study) -> ChartArtifact:
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
    )


def _survival_chart(study: Study) -> ChartArtifact:
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
    )


def _values(study: Study) -> dict[str, str]:
    """Short texts a page can place inline with ``{{ value NAME }}``."""
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
    values.update(context_inline_values(study))
    values.update(appraisal_values(load_appraisal(values=values)))
    return values


def _appraisal_tables(study: Study) -> tuple[Table, ...]:
    appraisal = load_appraisal(values=_values(study))
    return checklist_table(appraisal), pico_table(appraisal), limitations_table(appraisal)


# A builder returns one table or several (when they share expensive inputs).
TABLE_BUILDERS: tuple[Callable[[Study], Table | tuple[Table, ...]], ...] = (
    key_numbers_table,
    proportions_table,
    survival_table,
    checks_table,
    figures_table,
    prognostic_table,
    _appraisal_tables,
    *CONTEXT_TABLE_BUILDERS,
)
CHART_BUILDERS: tuple[Callable[[Study], ChartArtifact], ...] = (
    _flow_chart,
    _proportions_chart,
    _survival_chart,
    *CONTEXT_CHART_BUILDERS,
)


def build_artifacts(
    study_file: Path = STUDY_FILE, *, on_chart: Callable[[ChartArtifact], None] | None = None
) -> Artifacts:
    """Load and validate the data, then compute every chart, table and value.

    ``on_chart`` is called with each chart as soon as it is built (charts come first), so that
    drawing it can start while the rest is computed.
    """
    study = load_study(study_file)
    charts_: dict[str, ChartArtifact] = {}
    for build_chart in CHART_BUILDERS:
        chart = build_chart(study)
        charts_[chart.name] = chart
        if on_chart is not None:
            on_chart(chart)
    tables: dict[str, Table] = {}
    for build in TABLE_BUILDERS:
        built = build(study)
        for table in built if isinstance(built, tuple) else (built,):
            tables[table.name] = table
    return Artifacts(
        tables=tables,
        charts=charts_,
        values={**_values(study), **survival_values(study)},
        data_files={"study.yaml": Path(study_file), **CONTEXT_DATA_FILES},
    )


# The patient-level view (issue 3); imported last because it uses ChartArtifact from above.
from .patient_level.artifacts import SURVIVAL_CHARTS, SURVIVAL_TABLES, survival_values

TABLE_BUILDERS += SURVIVAL_TABLES
CHART_BUILDERS += SURVIVAL_CHARTS
