"""Every named table, chart and value the pages can place, computed once from the data files.

The registry is the one place that knows every domain: :class:`Inputs` reads and analyses each
data file once, on first use, and :func:`build_artifacts` hands each domain the input it needs.
No domain imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from functools import cached_property
from pathlib import Path

from .appraisal.artifacts import APPRAISAL_TABLES, appraisal_values
from .appraisal.schema import APPRAISAL_FILE, Appraisal, load_appraisal
from .artifact import Artifacts, ChartArtifact, DataFile, Table
from .context.artifacts import CONTEXT_CHARTS, CONTEXT_TABLES, context_values
from .context.schema import COMPARATORS_FILE, Comparators, load_comparators
from .patient_level.analysis import DEFAULT_COHORTS, PatientAnalysis, analyse
from .patient_level.artifacts import SURVIVAL_CHARTS, SURVIVAL_TABLES, survival_values
from .patient_level.reconstruct import SCENARIOS, Reconstruction, Scenario, reconstruct
from .study.artifacts import STUDY_CHARTS, STUDY_TABLES, study_values
from .study.citation import citation_record
from .study.load import STUDY_FILE, load_study
from .study.results import StudyResults
from .study.schema import Study

__all__ = ["Inputs", "build_artifacts"]


class Inputs:
    """The data files of one build, each read, validated and analysed once, on first use.

    Parameters
    ----------
    study_file
        The study's reported figures (default: the packaged ``analysis/data/study.yaml``).
    patients_file
        A real patient-level CSV; ``None`` (the default) reconstructs cohorts from the
        published numbers instead.
    comparators_file, appraisal_file
        The comparator cohorts and the journal-club appraisal (packaged defaults).
    cohorts
        How many cohorts the reconstruction draws (ignored with ``patients_file``); fewer are
        quicker and less precise, for tests and trial runs (the site uses the default).
    """

    def __init__(
        self,
        *,
        study_file: Path | str = STUDY_FILE,
        patients_file: Path | str | None = None,
        comparators_file: Path | str = COMPARATORS_FILE,
        appraisal_file: Path | str = APPRAISAL_FILE,
        cohorts: int = DEFAULT_COHORTS,
    ) -> None:
        self.study_file = Path(study_file)
        self.patients_file = Path(patients_file) if patients_file is not None else None
        self.comparators_file = Path(comparators_file)
        self.appraisal_file = Path(appraisal_file)
        self.cohorts = cohorts
        self._drawing: dict[str, Future[Reconstruction]] = {}  # by scenario, in another process

    @cached_property
    def study(self) -> Study:
        return load_study(self.study_file)

    @cached_property
    def study_results(self) -> StudyResults:
        return StudyResults(self.study)

    @cached_property
    def comparators(self) -> Comparators:
        return load_comparators(self.comparators_file, study=self.study)

    def start_patient_analysis(self, submit: Callable[..., Future[Reconstruction]]) -> None:
        """Draw the scenarios' cohorts with ``submit(function, *args, **kwargs)`` (in another
        process) from now on, while this one goes on with the rest; :attr:`patient_analysis`
        waits for them. The study is read and validated here first, so its problems are
        reported as without a worker."""
        if self.patients_file is None:  # real data: nothing to draw
            self._drawing = {
                scenario.key: submit(
                    reconstruct,
                    self.study,
                    cohorts=self.cohorts,
                    assumptions=scenario.assumptions,
                )
                for scenario in SCENARIOS
            }

    def _drawn(self, scenario: Scenario) -> Reconstruction:
        try:
            return self._drawing[scenario.key].result()
        except BrokenProcessPool:  # the worker died (not the drawing): draw them here
            return reconstruct(self.study, cohorts=self.cohorts, assumptions=scenario.assumptions)

    @cached_property
    def patient_analysis(self) -> PatientAnalysis:
        made = self._drawn if self._drawing else None
        return analyse(self.study, patients=self.patients_file, cohorts=self.cohorts, made=made)

    @cached_property
    def values(self) -> dict[str, str]:
        """Every inline value but the appraisal's own: what the appraisal's texts may cite."""
        return {
            **study_values(self.study_results),
            **context_values(self.comparators),
            **survival_values(self.patient_analysis),
        }

    @cached_property
    def appraisal(self) -> Appraisal:
        return load_appraisal(self.appraisal_file, values=self.values)

    @property
    def data_files(self) -> dict[str, DataFile]:
        """The data files offered for download, by their name on the site, each with what it
        holds (the Data page lists them)."""
        return {
            "study.yaml": DataFile(
                self.study_file,
                "the study's reported figures, each with the abstract's sentence it comes from",
            ),
            "comparators.yaml": DataFile(
                self.comparators_file,
                "other studies' cohorts, results, treatment eras and newer treatments, for the "
                "Context page, each with its source (not figures of this study)",
            ),
            "appraisal.yaml": DataFile(
                self.appraisal_file,
                "this site's journal-club appraisal: reviewers, PICO, checklist answers, "
                "limitations and bottom line (judgements, not figures of the study)",
            ),
        }


def _charts(inputs: Inputs) -> list[Callable[[], ChartArtifact]]:
    return [
        *(lambda b=b: b(inputs.study_results) for b in STUDY_CHARTS),
        *(lambda b=b: b(inputs.comparators) for b in CONTEXT_CHARTS),
        *(lambda b=b: b(inputs.patient_analysis) for b in SURVIVAL_CHARTS),
    ]


def _tables(inputs: Inputs) -> list[Callable[[], Table]]:
    return [
        *(lambda b=b: b(inputs.study_results) for b in STUDY_TABLES),
        *(lambda b=b: b(inputs.appraisal) for b in APPRAISAL_TABLES),
        *(lambda b=b: b(inputs.comparators) for b in CONTEXT_TABLES),
        *(lambda b=b: b(inputs.patient_analysis) for b in SURVIVAL_TABLES),
    ]


def build_artifacts(
    inputs: Inputs | None = None, *, on_chart: Callable[[ChartArtifact], None] | None = None
) -> Artifacts:
    """Load and validate the data, then compute every chart, table and value.

    ``on_chart`` is called with each chart as soon as it is built (charts come first), so that
    drawing it can start while the rest is computed.
    """
    inputs = inputs if inputs is not None else Inputs()
    charts: dict[str, ChartArtifact] = {}
    for build_chart in _charts(inputs):
        chart = build_chart()
        charts[chart.name] = chart
        if on_chart is not None:
            on_chart(chart)
    tables: dict[str, Table] = {}
    for build_table in _tables(inputs):
        table = build_table()
        tables[table.name] = table
    values: Mapping[str, str] = {**inputs.values, **appraisal_values(inputs.appraisal)}
    return Artifacts(
        tables=tables,
        charts=charts,
        values=dict(values),
        data_files=inputs.data_files,
        citation=citation_record(inputs.study.citation),
    )
