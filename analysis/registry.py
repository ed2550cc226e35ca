"""Every named table, chart and value the pages can place, computed once from the data files.

The registry is the one place that knows every domain: :class:`Inputs` reads and analyses each
data file once, on first use, and :func:`build_artifacts` loops over the domains
(:data:`DOMAINS`), handing each builder of a domain what its :class:`~analysis.artifact.Domain`
says it is built from. No domain imports this module.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from .appraisal import APPRAISAL
from .appraisal.load import APPRAISAL_FILE, load_appraisal
from .appraisal.schema import Appraisal
from .artifact import Artifacts, ChartArtifact, DataFile, Domain, Table
from .context import CONTEXT
from .context.load import COMPARATORS_FILE, load_comparators
from .context.schema import Comparators
from .figures.site import build_figure_artifacts, is_figure_study
from .patient_level import PATIENT_LEVEL
from .patient_level.reconstruct import Reconstruction
from .patient_level.results import (
    DEFAULT_COHORTS,
    PatientAnalysis,
    analyse,
    analysis_reads,
    relabelled,
)
from .patient_level.scenarios import Scenario
from .study import STUDY
from .study.citation import citation_record
from .study.load import STUDY_FILE, load_study
from .study.prose import PROSE, numbers_and_rules
from .study.results import StudyResults
from .study.schema import Study

__all__ = [
    "CHARTS_LEAVE_OUT",
    "DOMAINS",
    "DomainOutputs",
    "Inputs",
    "build_artifacts",
    "build_figure_artifacts",
    "check_command",
    "is_figure_study",
]

# Every domain, in the order the Data page's catalogue lists their tables and charts. The
# appraisal is loaded last whatever its place here: its texts may cite any other domain's value.
DOMAINS: tuple[Domain[Any], ...] = (STUDY, APPRAISAL, CONTEXT, PATIENT_LEVEL)
# The domains whose tables, charts and values never show a sentence of the study file (its
# prose: :data:`~analysis.study.prose.PROSE`): what they read leaves it out, so a prose edit
# finds them in the step cache (a test edits every sentence and compares their outputs).
PROSE_BLIND = frozenset({CONTEXT.name, PATIENT_LEVEL.name})
# What of the study no domain's charts show: its prose and every figure's label, left out of
# what the charts read, so a label edit redraws nothing either (a test edits all of them and
# compares every domain's charts).
CHARTS_LEAVE_OUT = PROSE | {"label"}


class DomainOutputs(NamedTuple):
    """What one domain gives the pages: its charts and tables (in its order) and its values."""

    charts: list[ChartArtifact]
    tables: list[Table]
    values: dict[str, str]


# How a step's result is had: called with the step's name ("domain study", "analysis"), what it
# reads (JSON data) and how to compute it (the bundle child takes it from its step cache).
Step = Callable[[str, object, Callable[[], Any]], Any]


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
    reconstruct_with
        How each scenario's cohorts are drawn: called as ``reconstruct_with(study,
        cohorts=…, assumptions=…)`` (the bundle child takes them from its step cache this way);
        ``None``: :func:`~analysis.patient_level.reconstruct.reconstruct`, every time.
    step
        How each domain's outputs and the patient-level analysis are had (:data:`Step`);
        ``None``: computed every time.
    """

    def __init__(
        self,
        *,
        study_file: Path | str = STUDY_FILE,
        patients_file: Path | str | None = None,
        comparators_file: Path | str = COMPARATORS_FILE,
        appraisal_file: Path | str = APPRAISAL_FILE,
        cohorts: int = DEFAULT_COHORTS,
        reconstruct_with: Callable[..., Reconstruction] | None = None,
        step: Step | None = None,
    ) -> None:
        self.study_file = Path(study_file)
        self.patients_file = Path(patients_file) if patients_file is not None else None
        self.comparators_file = Path(comparators_file)
        self.appraisal_file = Path(appraisal_file)
        self.cohorts = cohorts
        self.reconstruct_with = reconstruct_with
        self.step = step
        self._outputs: dict[str, DomainOutputs] = {}
        self.on_chart: Callable[[ChartArtifact], None] | None = None

    @cached_property
    def study(self) -> Study:
        return load_study(self.study_file)

    @cached_property
    def study_results(self) -> StudyResults:
        return StudyResults(self.study)

    @cached_property
    def comparators(self) -> Comparators:
        return load_comparators(self.comparators_file, study=self.study)

    def _reconstructed(self, scenario: Scenario) -> Reconstruction:
        assert self.reconstruct_with is not None
        return self.reconstruct_with(
            self.study, cohorts=self.cohorts, assumptions=scenario.assumptions
        )

    @cached_property
    def patient_analysis(self) -> PatientAnalysis:
        made = self._reconstructed if self.reconstruct_with is not None else None

        def compute() -> PatientAnalysis:
            return analyse(self.study, patients=self.patients_file, cohorts=self.cohorts, made=made)

        if self.step is None:
            return compute()
        reads = analysis_reads(self.study, cohorts=self.cohorts, patients=self._patients_read())
        found = self.step("analysis", reads, compute)
        assert isinstance(found, PatientAnalysis)
        return relabelled(found, self.study)  # the labels are not in the key: this study's

    def _patients_read(self) -> dict[str, str] | None:
        """The real patient-level file as the analysis reads it: its text, and its name (the
        pages label everything computed from it with the name)."""
        if self.patients_file is None:
            return None
        return {"name": self.patients_file.name, "text": self.patients_file.read_text("utf-8")}

    def built_from(self, domain: Domain[Any]) -> Any:
        """What ``domain``'s builders are built from (read once: a cached property here)."""
        return getattr(self, domain.built_from)

    def reads(self, domain: Domain[Any], *, charts: bool = False) -> object:
        """What ``domain``'s outputs are made from, as JSON data: the data files it reads (the
        study without its prose for :data:`PROSE_BLIND` domains, and without
        :data:`CHARTS_LEAVE_OUT` for every domain's ``charts``), the number of cohorts, and for
        the appraisal every value its texts may cite."""

        def text(path: Path | None) -> str | None:
            return path.read_text(encoding="utf-8") if path is not None else None

        study: object
        if charts:
            study = numbers_and_rules(self.study, leave_out=CHARTS_LEAVE_OUT)
        elif domain.name in PROSE_BLIND:
            study = numbers_and_rules(self.study)
        else:
            study = text(self.study_file)
        if domain.name == STUDY.name:
            return {"study": study}
        if domain.name == CONTEXT.name:
            return {"study": study, "comparators": text(self.comparators_file)}
        if domain.name == PATIENT_LEVEL.name:
            return {"study": study, "cohorts": self.cohorts, "patients": self._patients_read()}
        if domain.name == APPRAISAL.name:
            return {"appraisal": text(self.appraisal_file), "values": self.values}
        msg = f"Inputs.reads: no inputs known for the domain {domain.name!r}"
        raise ValueError(msg)

    def outputs(self, domain: Domain[Any]) -> DomainOutputs:
        """``domain``'s charts, tables and values, made once (through :attr:`step`: its charts
        are one step, keyed by what they read, and its tables and values another).

        :attr:`on_chart` is called with each chart as soon as it is built, before the
        domain's tables (so that drawing it overlaps them), or as soon as the domain's charts
        come from the step cache."""
        if domain.name not in self._outputs:
            handed: set[str] = set()

            def hand_on(chart: ChartArtifact) -> ChartArtifact:
                if self.on_chart is not None and chart.name not in handed:
                    handed.add(chart.name)
                    self.on_chart(chart)
                return chart

            def make_charts() -> list[ChartArtifact]:
                built = self.built_from(domain)
                return [hand_on(build(built)) for build in domain.chart_builders()]

            def make_rest() -> DomainOutputs:
                built = self.built_from(domain)
                return DomainOutputs(
                    [],
                    [build(built) for build in domain.tables],
                    domain.values(built) if domain.values is not None else {},
                )

            if not (domain.charts or domain.charts_from):
                charts: list[ChartArtifact] = []
            elif self.step is None:
                charts = make_charts()
            else:
                charts = self.step(
                    f"charts {domain.name}", self.reads(domain, charts=True), make_charts
                )
                assert isinstance(charts, list)
            for chart in charts:
                hand_on(chart)  # those from the step cache
            if self.step is None:
                rest = make_rest()
            else:
                rest = self.step(f"domain {domain.name}", self.reads(domain), make_rest)
                assert isinstance(rest, DomainOutputs)
            self._outputs[domain.name] = DomainOutputs(charts, rest.tables, rest.values)
        return self._outputs[domain.name]

    @cached_property
    def values(self) -> dict[str, str]:
        """Every inline value but the appraisal's own: what the appraisal's texts may cite."""
        return {
            name: value
            for domain in DOMAINS
            if domain.name != APPRAISAL.name
            for name, value in self.outputs(domain).values.items()
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


def build_artifacts(
    inputs: Inputs | None = None, *, on_chart: Callable[[ChartArtifact], None] | None = None
) -> Artifacts:
    """Load and validate the data, then compute every chart, table and value.

    ``on_chart`` is called with each chart as soon as it is built (every domain's charts come
    before any table), so that drawing it can start while the rest is computed.
    """
    inputs = inputs if inputs is not None else Inputs()
    inputs.on_chart = on_chart
    outputs = {domain.name: inputs.outputs(domain) for domain in DOMAINS}
    charts = {c.name: c for domain in DOMAINS for c in outputs[domain.name].charts}
    tables = {t.name: t for domain in DOMAINS for t in outputs[domain.name].tables}
    return Artifacts(
        tables=tables,
        charts=charts,
        values={**inputs.values, **outputs[APPRAISAL.name].values},
        data_files=inputs.data_files,
        citation=citation_record(inputs.study.citation),
    )


def check_command(study_file: Path | None = None, *, comparators_file: Path | None = None) -> int:
    """``python -m analysis check``: validate the study (printing each consistency check) and
    the comparator file against it."""
    inputs = Inputs(
        study_file=study_file if study_file is not None else STUDY_FILE,
        comparators_file=comparators_file if comparators_file is not None else COMPARATORS_FILE,
    )
    for check in inputs.study_results.checks:
        print(f"{check.symbol} {check.title}: {check.computed}")
    print(f"{inputs.study_file}: valid")
    inputs.comparators  # noqa: B018 - reading it validates it against the study
    print(f"{inputs.comparators_file}: valid")
    return 0
