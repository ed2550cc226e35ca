"""This study's reported figures in the generic model of reported figures
(:mod:`analysis.figures`), relations included, so that the checks its figures allow come from
their kinds and relations (:func:`analysis.figures.checks.check_figures`), as they do for any
other study. :func:`analysis.study.checks.run_checks` takes its verdicts from there.

The data file's relations map one to one: ``of`` is ``part_of``; ``sum_of`` names every part
of a whole (``parts_complete``). One count is not printed: the relapsed or refractory patients,
relapses plus induction failures, which the remission percentage is over; it is added here
with a source that says it is derived.
"""

from __future__ import annotations

from ..figures.schema import Count, Figure, FigureStudy, Median, Proportion, PValue, Range, Survival
from .flow import Flow
from .schema import CountFigure, MedianFigure, ProportionFigure, PValueFigure, Study, SurvivalFigure

__all__ = ["RELAPSED_OR_REFRACTORY", "as_figure_study"]

RELAPSED_OR_REFRACTORY = "relapsed_or_refractory"
_DERIVED = "Not printed: relapses plus induction failures, derived from the counts printed."


def _parts_of(study: Study) -> dict[str, str]:
    """Each part's whole, from ``of`` and from the wholes' ``sum_of``."""
    wholes: dict[str, str] = {}
    for f in study.figures:
        if isinstance(f, CountFigure):
            if f.of is not None:
                wholes[f.id] = f.of
            for part in f.sum_of or ():
                wholes[part] = f.id
    return wholes


def _figure(f: object, wholes: dict[str, str]) -> Figure:
    if isinstance(f, CountFigure):
        return Count(
            kind="count",
            name=f.id,
            source=f.source,
            label=f.label,
            value=f.value,
            part_of=wholes.get(f.id),
            parts_complete=f.sum_of is not None,
        )
    if isinstance(f, ProportionFigure):
        return Proportion(
            kind="proportion",
            name=f.id,
            source=f.source,
            label=f.label,
            k=f.numerator,
            n=f.denominator,
            percent=f.percent,
            # the abstract says every relapsed or refractory patient received salvage
            denominator=RELAPSED_OR_REFRACTORY,
        )
    if isinstance(f, MedianFigure):
        bounds = None if f.min is None or f.max is None else Range(low=f.min, high=f.max)
        return Median(
            kind="median",
            name=f.id,
            source=f.source,
            label=f.label,
            value=f.value,
            range=bounds,
            unit=f.unit,
        )
    if isinstance(f, SurvivalFigure):
        return Survival(
            kind="survival",
            name=f.id,
            source=f.source,
            label=f.label,
            estimate=f.percent,
            time=f.time,
            time_unit=f.unit,
            se=f.se,
            n=f.n_at_start,
        )
    assert isinstance(f, PValueFigure)
    p: float | str = f.value if f.relation == "=" else f"{f.relation}{f.value}"
    return PValue(kind="p_value", name=f.id, source=f.source, label=f.label, p=p)


def as_figure_study(study: Study, flow: Flow) -> FigureStudy:
    """The study's figures as generic reported figures, with the one derived count added."""
    wholes = _parts_of(study)
    figures = [_figure(f, wholes) for f in study.figures]
    derived = Count(
        kind="count",
        name=RELAPSED_OR_REFRACTORY,
        source=_DERIVED,
        value=flow.relapsed_or_refractory,
    )
    return FigureStudy(figures=[*figures, derived])
