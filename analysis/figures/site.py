"""Every artifact of a study of reported figures, for a site built from that file alone: the
``figures`` domain's tables, chart and values, the file offered for download, and the citation.
A study file says it is one with ``model: reported-figures`` at its top level."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..artifact import Artifacts, ChartArtifact, DataFile, literal_text
from ..datafile import FAST_SAFE_LOADER
from .load import load_figures
from .results import FigureResults

__all__ = ["MODEL", "build_figure_artifacts", "is_figure_study"]

MODEL = "reported-figures"


def is_figure_study(path: Path) -> bool:
    """Whether ``path`` is a study file of the generic model (its first lines say so)."""
    try:
        head = path.read_text(encoding="utf-8")
    except OSError:
        return False
    import yaml

    try:
        raw = yaml.load(head, Loader=FAST_SAFE_LOADER)
    except yaml.YAMLError:
        return False
    return isinstance(raw, dict) and raw.get("model") == MODEL


def build_figure_artifacts(
    path: Path, *, on_chart: Callable[[ChartArtifact], None] | None = None
) -> Artifacts:
    from . import FIGURES

    results = FigureResults(load_figures(path))
    study = results.study
    charts = {}
    for build in FIGURES.charts:
        chart = build(results)
        charts[chart.name] = chart
        if on_chart is not None:
            on_chart(chart)
    tables = {t.name: t for t in (build(results) for build in FIGURES.tables)}
    assert FIGURES.values is not None
    citation: dict[str, object] = {}
    if study.citation is not None:
        c = study.citation
        citation = {
            "title": c.title,
            "authors": list(c.authors),
            "journal": c.journal,
            "year": c.year,
        }
        if c.doi:
            citation["doi"] = c.doi
    return Artifacts(
        tables=tables,
        charts=charts,
        # Every value of this model is text from the study file or built from its numbers:
        # pasted into a page's Markdown, it shows as typed, never as markup.
        values={k: literal_text(v) for k, v in FIGURES.values(results).items()},
        data_files={
            "study.yaml": DataFile(
                path, "the study's reported figures, each with its source sentence"
            )
        },
        citation=citation,
    )
