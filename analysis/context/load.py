"""Loading and validation of the comparator data file (analysis/data/comparators.yaml), against
itself and against the study's figures.

Every problem is reported as a :class:`~analysis.errors.DataProblem` naming the file, line,
entry and field, and all problems of a file are raised together in one
:class:`~analysis.errors.ComparatorDataError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..datafile import DATA_DIR, Locator, read_yaml, schema_problems
from ..errors import ComparatorDataError, DataProblem
from ..study.schema import CountFigure, Study, SurvivalFigure
from .schema import AGGREGATOR_HOSTS, NOT_STATED, Comparators, Estimate, Result, months

__all__ = ["COMPARATORS_FILE", "load_comparators", "study_problems"]

COMPARATORS_FILE = DATA_DIR / "comparators.yaml"

_SECTIONS = ("sources", "cohorts", "estimates", "eras", "options")


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
    item: Estimate | Result, path: tuple[Any, ...], prefix: str, loc: Locator
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
