"""Schema, loading and validation of the comparator data file (analysis/data/comparators.yaml).

Every problem is reported as a :class:`~analysis.errors.DataProblem` naming the file, line,
entry and field, and all problems of a file are raised together in one
:class:`~analysis.errors.ComparatorDataError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from ..datafile import DATA_DIR, Id, Locator, Model, Number, Text, read_yaml, schema_problems
from ..errors import ComparatorDataError, DataProblem
from ..study.schema import CountFigure, Study, SurvivalFigure

__all__ = [
    "AGGREGATOR_HOSTS",
    "COMPARATORS_FILE",
    "NOT_STATED",
    "TIME_UNITS",
    "Cohort",
    "Comparators",
    "Era",
    "Estimate",
    "Option",
    "Result",
    "Source",
    "load_comparators",
    "months",
    "study_problems",
]

COMPARATORS_FILE = DATA_DIR / "comparators.yaml"
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


_SECTIONS = ("sources", "cohorts", "estimates", "eras", "options")


def months(time: float, unit: str) -> float:
    """A time in months (a year is 12 months, a week 12/52.18, a day 12/365.25)."""
    return time * {"days": 12 / 365.25, "weeks": 12 / 52.18, "months": 1, "years": 12}[unit]


def _problem(
    loc: Locator, path: tuple[Any, ...], field: str, found: str, expected: str
) -> DataProblem:
    """A problem at ``path`` (section, index, field parts…), with the line of the deepest part."""
    return DataProblem(
        file=loc.file,
        entry=loc.entry_name(path[:2]),
        field=field,
        found=found,
        expected=expected,
        line=loc.line(path),
    )


def _reported_problems(
    item: _Reported, path: tuple[Any, ...], prefix: str, loc: Locator
) -> list[DataProblem]:
    problems = []
    if item.se is not None and item.ci is not None:
        problems.append(
            _problem(
                loc,
                (*path, "se"),
                f"{prefix}se",
                f"both se ({item.se}) and ci",
                "one of se or ci, exactly as the source reports it",
            )
        )
    if item.ci is not None:
        lower, upper = item.ci
        if not lower <= item.percent <= upper:
            problems.append(
                _problem(
                    loc,
                    (*path, "ci"),
                    f"{prefix}ci",
                    f"[{lower}, {upper}]",
                    f"an interval that contains the estimate {item.percent}",
                )
            )
    return problems


def _consistency_problems(data: Comparators, loc: Locator) -> list[DataProblem]:
    """Relations between entries that the schema alone cannot check."""
    problems: list[DataProblem] = []
    ids: dict[str, dict[str, int]] = {}
    for section in _SECTIONS:
        seen, repeats = loc.duplicate_ids(section, [e.id for e in getattr(data, section)])
        problems += repeats
        ids[section] = seen

    for i, src in enumerate(data.sources):
        if not (src.doi or src.pmid or src.url):
            problems.append(
                _problem(
                    loc,
                    ("sources", i),
                    "doi/pmid/url",
                    "none of them",
                    "at least one of doi, pmid or url, so a reader can find the source",
                )
            )

    def check_ref(path: tuple[Any, ...], field: str, ref: str | None, section: str) -> None:
        if ref is not None and ref not in ids[section]:
            known = ", ".join(ids[section]) or "none"
            problems.append(
                _problem(
                    loc,
                    (*path, field),
                    field,
                    repr(ref),
                    f"the id of an entry under '{section}:' (known: {known})",
                )
            )

    for section in ("cohorts", "estimates", "eras", "options"):
        for i, entry in enumerate(getattr(data, section)):
            check_ref((section, i), "source", entry.source, "sources")
    for i, cohort in enumerate(data.cohorts):
        check_ref(("cohorts", i), "kmt2a_source", cohort.kmt2a_source, "sources")
    for i, opt in enumerate(data.options):
        check_ref(("options", i), "status_source", opt.status_source, "sources")
    for section in ("eras", "options"):
        for i, entry in enumerate(getattr(data, section)):
            for j, result in enumerate(entry.results):
                check_ref(
                    (section, i, "results", j), f"results.{j}.source", result.source, "sources"
                )
    for i, era in enumerate(data.eras):
        for j, ref in enumerate(era.note_sources):
            check_ref(("eras", i, "note_sources", j), f"note_sources.{j}", ref, "sources")
    problems += _source_link_problems(data, loc)
    problems += _rising_result_problems(data, loc)
    problems += _estimate_problems(data, loc)
    for i, era in enumerate(data.eras):
        check_ref(("eras", i), "years_source", era.years_source, "sources")
        if era.n is not None and str(era.n) not in era.population:
            problems.append(
                _problem(
                    loc,
                    ("eras", i, "n"),
                    "n",
                    str(era.n),
                    f"the number of patients written in 'population' ({era.population!r})",
                )
            )
    for i, cohort in enumerate(data.cohorts):
        for j, ref in enumerate(cohort.era_sources):
            check_ref(("cohorts", i, "era_sources", j), f"era_sources.{j}", ref, "sources")
        if (cohort.follow_up_time is None) != (cohort.follow_up_unit is None):
            problems.append(
                _problem(
                    loc,
                    ("cohorts", i),
                    "follow_up_time/follow_up_unit",
                    f"time={cohort.follow_up_time}, unit={cohort.follow_up_unit}",
                    "both a follow-up time and its unit, or neither",
                )
            )
        elif cohort.follow_up_time is not None:
            written = f"{cohort.follow_up_time:g} {cohort.follow_up_unit}"
            if written not in cohort.follow_up:
                problems.append(
                    _problem(
                        loc,
                        ("cohorts", i, "follow_up_time"),
                        "follow_up_time",
                        written,
                        f"the follow-up written in 'follow_up' ({cohort.follow_up!r})",
                    )
                )
    for i, est in enumerate(data.estimates):
        check_ref(("estimates", i), "cohort", est.cohort, "cohorts")
        problems += _reported_problems(est, ("estimates", i), "", loc)
        if est.se_assumed and est.se is None:
            problems.append(
                _problem(
                    loc,
                    ("estimates", i, "se_assumed"),
                    "se_assumed",
                    "true without an se",
                    "an se (the ± value the source prints) when se_assumed is true",
                )
            )
    for section in ("eras", "options"):
        for i, entry in enumerate(getattr(data, section)):
            for j, result in enumerate(entry.results):
                path = (section, i, "results", j)
                problems += _reported_problems(result, path, f"results.{j}.", loc)
                if (result.time is None) != (result.unit is None):
                    problems.append(
                        _problem(
                            loc,
                            path,
                            f"results.{j}.time/unit",
                            f"time={result.time}, unit={result.unit}",
                            "both a time and its unit, or neither",
                        )
                    )
    for i, cohort in enumerate(data.cohorts):
        if cohort.n_of is not None and cohort.n > cohort.n_of:
            problems.append(
                _problem(
                    loc, ("cohorts", i, "n"), "n", str(cohort.n), f"at most n_of ({cohort.n_of})"
                )
            )
    if sum(c.this_study for c in data.cohorts) != 1:
        problems.append(
            _problem(
                loc,
                ("cohorts",),
                "this_study",
                f"{sum(c.this_study for c in data.cohorts)} cohorts marked",
                "exactly one cohort marked 'this_study: true'",
            )
        )
    return problems


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].lower()


def _source_link_problems(data: Comparators, loc: Locator) -> list[DataProblem]:
    """A DOI is the link where one exists; aggregator mirrors are never a source."""
    problems = []
    for i, src in enumerate(data.sources):
        if src.doi and src.url:
            problems.append(
                _problem(
                    loc,
                    ("sources", i, "url"),
                    "url",
                    repr(src.url),
                    f"no url when a DOI is given (link by doi {src.doi}; put the address the "
                    "text was read at in read_at)",
                )
            )
        for field, urls in (("url", [src.url] if src.url else []), ("read_at", src.read_at)):
            for j, url in enumerate(urls):
                host = _host(url)
                if any(host == h or host.endswith("." + h) for h in AGGREGATOR_HOSTS):
                    name = field if field == "url" else f"read_at.{j}"
                    path = ("sources", i, field) if field == "url" else ("sources", i, field, j)
                    problems.append(
                        _problem(
                            loc,
                            path,
                            name,
                            repr(url),
                            "the original release, the peer-reviewed report or the regulator's "
                            f"notice, not a stock-news aggregator mirror ({host})",
                        )
                    )
    return problems


def _rising_result_problems(data: Comparators, loc: Locator) -> list[DataProblem]:
    """Within one analysis a survival estimate cannot rise with time; a later report that
    gives a higher figure must say so in its ``note``."""
    problems = []
    for section in ("eras", "options"):
        for i, entry in enumerate(getattr(data, section)):
            timed = [(j, r) for j, r in enumerate(entry.results) if r.time is not None and r.unit]
            for j, later in timed:
                for _, earlier in timed:
                    same = (earlier.endpoint, earlier.subgroup) == (later.endpoint, later.subgroup)
                    if not same or months(earlier.time, earlier.unit) >= months(
                        later.time, later.unit
                    ):
                        continue
                    if later.percent <= earlier.percent:
                        continue
                    same_source = (earlier.source or entry.source) == (later.source or entry.source)
                    if same_source or later.note is None:
                        what = (
                            "a figure no higher than the earlier time point's: within one "
                            "analysis survival cannot rise"
                            if same_source
                            else "a note saying why this later report's figure is higher than "
                            "the earlier time point's"
                        )
                        problems.append(
                            _problem(
                                loc,
                                (section, i, "results", j, "percent"),
                                f"results.{j}.percent",
                                f"{later.percent} at {later.time:g} {later.unit} after "
                                f"{earlier.percent} at {earlier.time:g} {earlier.unit}",
                                what,
                            )
                        )
    return problems


def _estimate_problems(data: Comparators, loc: Locator) -> list[DataProblem]:
    """Time origins said plainly, and an RFS above the OS of the same patients explained."""
    problems = []
    for i, est in enumerate(data.estimates):
        if NOT_STATED in est.origin and est.origin != NOT_STATED:
            problems.append(
                _problem(
                    loc,
                    ("estimates", i, "origin"),
                    "origin",
                    repr(est.origin),
                    f"the time origin the source states, or exactly {NOT_STATED!r}",
                )
            )
        if est.endpoint != "RFS":
            continue
        for other in data.estimates:
            if (other.endpoint, other.cohort, other.time, other.unit) != (
                "OS",
                est.cohort,
                est.time,
                est.unit,
            ):
                continue
            if est.percent > other.percent and est.note is None:
                problems.append(
                    _problem(
                        loc,
                        ("estimates", i, "percent"),
                        "percent",
                        f"RFS {est.percent} above OS {other.percent} ({other.id})",
                        "a note saying why: counted over the same patients from the same "
                        "start, relapse-free survival cannot exceed overall survival",
                    )
                )
    return problems


def study_problems(data: Comparators, study: Study, *, file: str) -> list[DataProblem]:
    """Disagreements between the comparator entry for this study and the study data file."""
    problems: list[DataProblem] = []
    own = [c for c in data.cohorts if c.this_study]
    if len(own) != 1:
        return problems  # already reported by the consistency check
    cohort = own[0]
    counts = {f.id: f.value for f in study.figures if isinstance(f, CountFigure)}
    checks = [
        (
            "n",
            cohort.n,
            counts["relapses"] + counts["induction_failures"],
            "relapses + induction failures in study.yaml",
        ),
        ("n_of", cohort.n_of, counts["cohort"], "the 'cohort' count in study.yaml"),
    ]
    for field, found, expected, what in checks:
        if found != expected:
            problems.append(
                DataProblem(
                    file, f"'{cohort.id}' (cohorts)", field, str(found), f"{expected}, {what}"
                )
            )
    for fig in study.figures:
        if not isinstance(fig, SurvivalFigure):
            continue
        for est in data.estimates:
            if est.cohort != cohort.id or (est.time, est.unit) != (fig.time, fig.unit):
                continue
            for field in ("percent", "se"):
                if getattr(est, field) != getattr(fig, field):
                    problems.append(
                        DataProblem(
                            file,
                            f"'{est.id}' (estimates)",
                            field,
                            str(getattr(est, field)),
                            f"{getattr(fig, field)}, as figure '{fig.id}' in study.yaml",
                        )
                    )
    return problems


def load_comparators(
    path: Path | str = COMPARATORS_FILE, *, study: Study | None = None
) -> Comparators:
    """Read and validate the comparator file; optionally cross-check it against the study.

    Parameters
    ----------
    path
        The YAML file (default: the packaged ``analysis/data/comparators.yaml``).
    study
        If given, the entry marked ``this_study`` must agree with it.

    Raises
    ------
    ComparatorDataError
        With every problem found, each naming the file, line, entry and field.
    """
    raw, loc = read_yaml(Path(path), error=ComparatorDataError)
    shown = loc.file
    if not isinstance(raw, dict):
        problem = DataProblem(
            shown,
            "(top level)",
            "(whole file)",
            type(raw).__name__,
            "a mapping with " + ", ".join(_SECTIONS),
        )
        raise ComparatorDataError([problem])
    try:
        data = Comparators.model_validate(raw)
    except ValidationError as err:
        raise ComparatorDataError(schema_problems(err, loc)) from None
    problems = _consistency_problems(data, loc)
    if study is not None:
        problems += study_problems(data, study, file=shown)
    if problems:
        raise ComparatorDataError(problems)
    return data
