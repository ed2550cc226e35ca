"""The site's journal-club appraisal (analysis/data/appraisal.yaml): its schema (loaded and
validated by :mod:`.load`).

The appraisal is the site's judgement of the study, kept as data so that it can be dated,
signed, validated and challenged by pull request. Its texts may name study values with the
page syntax ``{{ value NAME }}``; :func:`~analysis.appraisal.load.load_appraisal` fills them in, so no number is typed
twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ..datafile import (
    Id,
    Model,
    Text,
)

__all__ = [
    "ANSWERS",
    "BOTTOM_LINE_MAX_CHARS",
    "BOTTOM_LINE_MAX_SENTENCES",
    "CASP_COHORT",
    "JUSTIFICATION_MAX_CHARS",
    "Appraisal",
    "ChecklistAnswer",
    "ChecklistQuestion",
    "Limitation",
    "Pico",
    "Reviewer",
]

ANSWERS = ("yes", "no", "can't tell")
BOTTOM_LINE_MAX_SENTENCES = 3
BOTTOM_LINE_MAX_CHARS = 480
JUSTIFICATION_MAX_CHARS = 260


class ChecklistQuestion(BaseModel):
    """One question of the CASP cohort checklist: our id, its number and section in CASP."""

    model_config = ConfigDict(frozen=True)

    id: str
    number: str
    section: str


_SECTIONS = {
    "A": "Are the results valid?",
    "B": "What are the results?",
    "C": "Will the results help locally?",
}
#: The structure of the CASP Cohort Study Checklist (12 questions, 5 and 6 in two parts).
#: The wording of each question lives in the data file, in our own words.
CASP_COHORT: tuple[ChecklistQuestion, ...] = tuple(
    ChecklistQuestion(id=ident, number=number, section=section)
    for ident, number, section in (
        ("focused_question", "1", "A"),
        ("cohort_recruitment", "2", "A"),
        ("exposure_measurement", "3", "A"),
        ("outcome_measurement", "4", "A"),
        ("confounders_identified", "5a", "A"),
        ("confounders_accounted", "5b", "A"),
        ("follow_up_complete", "6a", "A"),
        ("follow_up_long", "6b", "A"),
        ("results_reported", "7", "B"),
        ("precision", "8", "B"),
        ("believable", "9", "B"),
        ("applicable", "10", "C"),
        ("fits_evidence", "11", "C"),
        ("practice_implications", "12", "C"),
    )
)
SECTION_TITLES: Mapping[str, str] = _SECTIONS


class Reviewer(Model):
    """One review of the appraisal: who made it, in what role, and when."""

    name: Text
    role: Text
    date: dt.date

    def __str__(self) -> str:
        return f"{self.name} ({self.role}, {self.date.isoformat()})"


class AppraisalMeta(Model):
    """Who appraised the study, when, on what basis and with which checklist."""

    reviewers: list[Reviewer] = Field(min_length=1)
    basis: Text
    checklist: Text
    checklist_url: Annotated[StrictStr, Field(pattern=r"^https://\S+$")]
    checklist_note: Text

    @property
    def date(self) -> dt.date:
        """The date of the latest review: the judgements stand as of then."""
        return max(reviewer.date for reviewer in self.reviewers)


class Pico(Model):
    """Population, exposure (prognostic factors), comparison and outcomes."""

    population: Text
    exposure: Text
    comparison: Text
    outcomes: Text


class ChecklistAnswer(Model):
    """The site's answer to one checklist question, with a one-line justification."""

    id: Id
    question: Text
    answer: Literal["yes", "no", "can't tell"]
    justification: Text
    basis: Text


class Limitation(Model):
    id: Id
    title: Text
    detail: Text


class Appraisal(Model):
    """The whole appraisal file, with every ``{{ value NAME }}`` filled in once loaded."""

    appraisal: AppraisalMeta
    design: Text
    pico: Pico
    checklist: list[ChecklistAnswer] = Field(min_length=1)
    limitations: list[Limitation] = Field(min_length=1)
    bottom_line: Text

    def question(self, question_id: str) -> ChecklistQuestion:
        """The CASP structure (number, section) of a checklist answer's question."""
        for q in CASP_COHORT:
            if q.id == question_id:
                return q
        msg = f"no CASP cohort question with id '{question_id}'"
        raise KeyError(msg)
