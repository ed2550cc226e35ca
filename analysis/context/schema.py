"""Schema of the comparator data file (analysis/data/comparators.yaml): sources, cohorts,
estimates, treatment eras and newer options, as validated models (loaded by :mod:`.load`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from ..datafile import Id, Model, Number, Text

__all__ = [
    "AGGREGATOR_HOSTS",
    "NOT_STATED",
    "TIME_UNITS",
    "Cohort",
    "Comparators",
    "Era",
    "Estimate",
    "Option",
    "Result",
    "Source",
    "months",
]

TIME_UNITS = ("days", "weeks", "months", "years")
NOT_STATED = "not stated"
"""The ``origin`` of an estimate whose source does not state when its clock starts."""
AGGREGATOR_HOSTS = ("advfn.com", "marketscreener.com", "4-traders.com", "seekingalpha.com")
"""Stock-news aggregators: their copies of press releases are never a source here."""

Percent = Annotated[Number, Field(ge=0, le=100)]
Unit = Literal["days", "weeks", "months", "years"]
Url = Annotated[StrictStr, Field(pattern=r"^https?://\S+$")]


class Source(Model):
    """Where figures come from; needs at least one of ``doi``, ``pmid`` or ``url``.

    With a DOI the source is linked by it, so ``url`` must be empty; ``read_at`` records the
    addresses the text was actually read at when they are not the publisher's (for checking;
    the page does not link them).
    """

    id: Id
    authors: Text
    """The authors as the source names them, or why they are not given."""
    citation: Text
    kind: Text
    doi: Annotated[StrictStr, Field(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmid: Annotated[StrictStr, Field(pattern=r"^\d+$")] | None = None
    url: Url | None = None
    read_at: list[Url] = Field(default_factory=list)


class _Reported(Model):
    """A percentage as reported, with its SE or 95% CI (at most one of them) when reported."""

    percent: Percent
    se: Annotated[Number, Field(gt=0, le=50)] | None = None
    ci: tuple[Percent, Percent] | None = None


class Result(_Reported):
    """A headline result of a trial or treatment (eras and options)."""

    id: Id | None = None
    """Names the result when a page refers to it (``{{ value era_result_<id>_pct }}``)."""
    endpoint: Text
    subgroup: Text
    time: Annotated[Number, Field(gt=0)] | None = None
    unit: Unit | None = None
    source: Id | None = None
    """The report this result comes from, when not the entry's own source."""
    note: Text | None = None
    quote: Text | None = None


class Cohort(Model):
    """A group of infants followed after relapse or refractory disease."""

    id: Id
    name: Text
    group: Text
    population: Text
    kmt2a_share: Text
    n: Annotated[StrictInt, Field(gt=0)]
    n_of: Annotated[StrictInt, Field(gt=0)] | None = None
    years: Text | None = None
    follow_up: Text
    follow_up_time: Annotated[Number, Field(gt=0)] | None = None
    """The follow-up figure of ``follow_up`` as a number, to compare time points with."""
    follow_up_unit: Unit | None = None
    era: Text | None = None
    """When and after which first-line treatment the cohort was treated, as far as sources say."""
    era_sources: list[Id] = Field(default_factory=list)
    kmt2a_source: Id | None = None
    """The source of ``kmt2a_share``."""
    selected: Text | None = None
    """Why the cohort is a selected group; such a cohort is kept out of the comparable range."""
    this_study: StrictBool = False
    caveat: Text
    quote: Text | None = None
    source: Id

    @property
    def follow_up_months(self) -> float | None:
        if self.follow_up_time is None or self.follow_up_unit is None:
            return None
        return months(self.follow_up_time, self.follow_up_unit)


class Estimate(_Reported):
    """A survival figure of a cohort at a time point, as one source reports it."""

    id: Id
    cohort: Id
    endpoint: Text
    origin: Text
    time: Annotated[Number, Field(gt=0)]
    unit: Unit
    source: Id
    quote: Text | None = None
    note: Text | None = None
    se_assumed: StrictBool = False
    """True when the source prints "±" without naming it and this site reads it as an SE."""

    @property
    def origin_stated(self) -> bool:
        return self.origin != NOT_STATED


class Era(Model):
    """A first-line trial, in the order the file lists them within its programme."""

    id: Id
    programme: Text
    trial: Text
    published: Annotated[StrictInt, Field(ge=1950, le=2100)] | None = None
    years: Text | None = None
    years_source: Id | None = None
    n: Annotated[StrictInt, Field(gt=0)] | None = None
    """Patients in the trial, when a page needs the number (it must appear in ``population``)."""
    population: Text
    what_changed: Text
    results: list[Result]
    source: Id
    quote: Text | None = None
    years_quote: Text | None = None
    events: Annotated[StrictInt, Field(ge=0)] | None = None
    """Events (relapse, death, second cancer) the entry's own report counts, when it says."""
    events_quote: Text | None = None
    note: Text | None = None
    note_sources: list[Id] = Field(default_factory=list)


class Option(Model):
    """A newer treatment for relapsed or refractory KMT2A-rearranged disease."""

    id: Id
    name: Text
    status: Text
    approved_ages: Text | None = None
    """The age range of the US approval, as the approval notice or label words it."""
    status_source: Id | None = None
    """The source of ``status`` and ``approved_ages``, when not the entry's own source."""
    indication: Text
    evidence: Text
    results: list[Result]
    extra: Text | None = None
    source: Id
    quote: Text | None = None
    caveat: Text


class Comparators(Model):
    """The whole comparator file."""

    sources: list[Source] = Field(min_length=1)
    cohorts: list[Cohort] = Field(min_length=1)
    estimates: list[Estimate] = Field(min_length=1)
    eras: list[Era] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)

    def source(self, source_id: str) -> Source:
        for src in self.sources:
            if src.id == source_id:
                return src
        msg = f"no source with id '{source_id}'"
        raise KeyError(msg)

    def cohort(self, cohort_id: str) -> Cohort:
        for cohort in self.cohorts:
            if cohort.id == cohort_id:
                return cohort
        msg = f"no cohort with id '{cohort_id}'"
        raise KeyError(msg)


def months(time: float, unit: str) -> float:
    """A time in months (a year is 12 months, a week 12/52.18, a day 12/365.25)."""
    return time * {"days": 12 / 365.25, "weeks": 12 / 52.18, "months": 1, "years": 12}[unit]
