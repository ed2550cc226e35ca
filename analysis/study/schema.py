"""Typed schema of the study data file (analysis/data/study.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StrictStr

from ..datafile import Id, Model, Number, Text

__all__ = [
    "Citation",
    "Conclusion",
    "CountFigure",
    "Design",
    "Figure",
    "Finding",
    "MedianFigure",
    "PValueFigure",
    "ProportionFigure",
    "Study",
    "SurvivalFigure",
]


class Citation(Model):
    title: Text
    authors: list[Text] = Field(min_length=1)
    journal: Text
    journal_abbrev: Text
    date: dt.date
    volume: StrictInt
    issue: StrictInt
    pages: Annotated[StrictStr, Field(pattern=r"^\d+-\d+$")]
    pmid: Annotated[StrictStr, Field(pattern=r"^\d+$")]
    doi: Annotated[StrictStr, Field(pattern=r"^10\.\d{4,9}/\S+$")]
    publication_type: Text
    group: Text


class Design(Model):
    type: Text
    trials: list[Text] = Field(min_length=1)
    enrolment_years: tuple[StrictInt, StrictInt]
    source: Text


class _FigureBase(Model):
    id: Id
    label: Text
    source: Text
    ambiguity: Text | None = None


class CountFigure(_FigureBase):
    """A number of patients or events."""

    kind: Literal["count"]
    value: Annotated[StrictInt, Field(ge=0)]
    of: Id | None = None
    sum_of: list[Id] | None = None


class ProportionFigure(_FigureBase):
    """A proportion reported as numerator/denominator with its percentage."""

    kind: Literal["proportion"]
    numerator: Annotated[StrictInt, Field(ge=0)]
    denominator: Annotated[StrictInt, Field(gt=0)]
    percent: Annotated[Number, Field(ge=0, le=100)]


class MedianFigure(_FigureBase):
    """A median, optionally with its range."""

    kind: Literal["median"]
    value: Annotated[Number, Field(ge=0)]
    min: Annotated[Number, Field(ge=0)] | None = None
    max: Annotated[Number, Field(ge=0)] | None = None
    unit: Literal["days", "months", "years"]


class SurvivalFigure(_FigureBase):
    """A survival probability at a time point, with its standard error, both in percent."""

    kind: Literal["survival"]
    percent: Annotated[Number, Field(ge=0, le=100)]
    se: Annotated[Number, Field(gt=0, le=50)]
    time: Annotated[Number, Field(gt=0)]
    unit: Literal["months", "years"]
    origin: Text
    n_at_start: Annotated[StrictInt, Field(gt=0)]


class PValueFigure(_FigureBase):
    """A P value as printed (with its relation: '=', '<' or '≤')."""

    kind: Literal["p_value"]
    value: Annotated[Number, Field(gt=0, le=1)]
    relation: Literal["=", "<", "≤"] = "="


Figure = Annotated[
    CountFigure | ProportionFigure | MedianFigure | SurvivalFigure | PValueFigure,
    Field(discriminator="kind"),
]


class Finding(Model):
    """A prognostic factor the abstract names, with its direction and the analysis behind it."""

    id: Id
    factor: Text
    direction: Literal["worse", "better", "no association"]
    analysis: Literal["univariate", "multivariate", "not stated"]
    """The analysis the abstract names for the finding; "not stated" where it names none (e.g.
    a factor only "associated with" the outcome)."""
    p_value: Id | None = None
    source: Text
    ambiguity: Text | None = None


class Conclusion(Model):
    source: Text


class Study(Model):
    """The whole data file. Use :meth:`figure` to look a figure up by id."""

    citation: Citation
    design: Design
    figures: list[Figure] = Field(min_length=1)
    findings: list[Finding] = Field(default_factory=list)
    conclusion: Conclusion

    def figure(self, figure_id: str) -> Figure:
        for fig in self.figures:
            if fig.id == figure_id:
                return fig
        msg = f"no figure with id '{figure_id}'; known ids: " + ", ".join(
            f.id for f in self.figures
        )
        raise KeyError(msg)
