"""Every named table, chart and value the pages can place, computed from the data files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .appraisal.schema import load_appraisal
from .appraisal.tables import appraisal_values, checklist_table, limitations_table, pico_table
from .artifact import Artifacts, ChartArtifact, Table
from .context.artifacts import (
    CONTEXT_CHART_BUILDERS,
    CONTEXT_DATA_FILES,
    CONTEXT_TABLE_BUILDERS,
    context_inline_values,
)
from .patient_level.artifacts import SURVIVAL_CHARTS, SURVIVAL_TABLES, survival_values
from .study.artifacts import flow_chart, proportions_chart, study_values, survival_chart
from .study.load import STUDY_FILE, load_study
from .study.schema import Study
from .study.tables import (
    checks_table,
    figures_table,
    key_numbers_table,
    prognostic_table,
    proportions_table,
    survival_table,
)

__all__ = ["Artifacts", "ChartArtifact", "build_artifacts"]


def _values(study: Study) -> dict[str, str]:
    """Short texts a page can place inline with ``{{ value NAME }}``."""
    values = study_values(study)
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
    *SURVIVAL_TABLES,
)
CHART_BUILDERS: tuple[Callable[[Study], ChartArtifact], ...] = (
    flow_chart,
    proportions_chart,
    survival_chart,
    *CONTEXT_CHART_BUILDERS,
    *SURVIVAL_CHARTS,
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
