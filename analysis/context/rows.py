"""Context page: comparator survival rows, source disagreements, treatment eras, newer options and
the Sources list, all computed from analysis/data/comparators.yaml."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..artifact import Table
from ..stats.intervals import survival_interval
from ..study.schema import Study
from .schema import COMPARATORS_FILE, Comparators, Estimate, Result, load_comparators

__all__ = [
    "CONTEXT_SOURCE",
    "cohorts_table",
    "context_data",
    "context_values",
    "disagreement_rows",
    "disagreements_table",
    "era_rows",
    "eras_table",
    "number_tokens",
    "options_table",
    "source_numbers",
    "sources_table",
    "survival_comparison_rows",
    "survival_comparison_table",
    "traceable_numbers",
    "untraced_numbers",
]

CONTEXT_SOURCE = (
    "Figures as reported by the sources numbered in the Sources list of the Context page "
    "(analysis/data/comparators.yaml)"
)


@cache
def _load(path: Path) -> Comparators:
    return load_comparators(path)


_checked: dict[Path, tuple[Study, bytes, Comparators]] = {}


def context_data(study: Study | None = None, *, path: Path = COMPARATORS_FILE) -> Comparators:
    """The validated comparator data; with ``study``, also cross-checked against it.

    Every context table and chart asks for it, so the result is kept for as long as the study
    object and the file's bytes stay the same.
    """
    if study is None:
        return _load(path)
    content = path.read_bytes() if path.exists() else b""
    seen = _checked.get(path)
    if seen is None or seen[0] is not study or seen[1] != content:
        seen = _checked[path] = (study, content, load_comparators(path, study=study))
    return seen[2]


def source_numbers(data: Comparators) -> dict[str, int]:
    """Source id → its number in the Sources list (the order of the file, from 1)."""
    return {src.id: i for i, src in enumerate(data.sources, start=1)}


def _num(x: float) -> str:
    return f"{x:g}"


def _time_text(time: float | None, unit: str | None) -> str:
    if time is None or unit is None:
        return ""
    return f"{_num(time)} {unit[:-1] if time == 1 else unit}"


def _reported_text(item: Estimate | Result) -> str:
    """The percentage with its SE or CI, written the way the source gives it."""
    text = f"{_num(item.percent)}%"
    if item.se is not None:
        text += f" (SE {_num(item.se)})"
    if item.ci is not None:
        text += f" (95% CI {_num(item.ci[0])}–{_num(item.ci[1])})"
    return text


def _interval(est: Estimate) -> tuple[float, float, str]:
    """95% interval in % and how it was obtained; NaN bounds when the source gives neither."""
    if est.ci is not None:
        return float(est.ci[0]), float(est.ci[1]), "reported 95% CI"
    if est.se is not None:
        ci = survival_interval(est.percent / 100, est.se / 100, method="log-log")
        return (
            round(100 * ci.lower, 1),
            round(100 * ci.upper, 1),
            "95% CI computed from the reported SE (log–log)",
        )
    return math.nan, math.nan, "no SE or CI reported"


def _disagreement_keys(data: Comparators) -> dict[str, str]:
    """Estimate id → a short description, for estimates another source reports differently."""
    groups: dict[tuple[Any, ...], list[Estimate]] = {}
    for est in data.estimates:
        groups.setdefault((est.cohort, est.endpoint, est.origin, est.time, est.unit), []).append(
            est
        )
    out = {}
    for members in groups.values():
        if len({m.percent for m in members}) > 1:
            values = " vs ".join(f"{_num(m.percent)}%" for m in members)
            for m in members:
                out[m.id] = f"sources disagree: {values}"
    return out


def survival_comparison_rows(data: Comparators) -> pd.DataFrame:
    """One row per reported survival estimate, with its cohort, interval and source number.

    Intervals are in % and rounded to one decimal; ``lower``/``upper`` are NaN when the source
    reports neither an SE nor a CI. No row combines estimates: nothing is pooled.
    """
    numbers = source_numbers(data)
    disagree = _disagreement_keys(data)
    rows = []
    for est in data.estimates:
        cohort = data.cohort(est.cohort)
        lower, upper, basis = _interval(est)
        rows.append(
            {
                "estimate_id": est.id,
                "cohort_id": cohort.id,
                "cohort": cohort.name,
                "this_study": cohort.this_study,
                "population": cohort.population,
                "kmt2a_share": cohort.kmt2a_share,
                "n": cohort.n,
                "n_of": cohort.n_of,
                "endpoint": est.endpoint,
                "origin": est.origin,
                "time": est.time,
                "unit": est.unit,
                "percent": est.percent,
                "se": est.se,
                "lower": lower,
                "upper": upper,
                "interval_basis": basis,
                "reported": _reported_text(est),
                "follow_up": cohort.follow_up,
                "caveat": cohort.caveat,
                "disagreement": disagree.get(est.id, ""),
                "source_id": est.source,
                "source_number": numbers[est.source],
            }
        )
    return pd.DataFrame(rows)


SURVIVAL_FIELDS = {
    "estimate_id": "identifier of the estimate in comparators.yaml",
    "cohort_id": "identifier of the cohort",
    "cohort": "name of the cohort",
    "this_study": "true for the cohort of Tomizawa 2009",
    "population": "who is in the cohort",
    "kmt2a_share": "share with an MLL/KMT2A rearrangement, as stated",
    "n": "patients in the cohort",
    "n_of": "patients in the trial or series the cohort comes from (empty if not stated)",
    "endpoint": "OS (overall), RFS (relapse-free) survival",
    "origin": "time origin of the estimate, as stated ('not stated' if the source does not say)",
    "time": "time point",
    "unit": "unit of the time point",
    "percent": "estimate as reported (%)",
    "se": "standard error as reported (%; empty if not reported)",
    "lower": "95% lower limit (%): reported, or computed from the SE; empty if neither",
    "upper": "95% upper limit (%): reported, or computed from the SE; empty if neither",
    "interval_basis": "where the interval comes from",
    "reported": "the estimate as the source writes it",
    "follow_up": "follow-up as reported",
    "caveat": "what limits the comparison",
    "disagreement": "non-empty when another source reports this figure differently",
    "source_id": "identifier of the source",
    "source_number": "number of the source in the Sources list",
}


def _ci_text(lower: float, upper: float, basis: str) -> str:
    if math.isnan(lower):
        return "—"
    if "computed" in basis:
        return f"{lower:.1f}–{upper:.1f}% (computed)"
    return f"{_num(lower)}–{_num(upper)}%"


def survival_comparison_table(data: Comparators) -> Table:
    """Survival after relapse or refractory disease, one row per reported estimate."""
    rows = survival_comparison_rows(data)
    display = pd.DataFrame(
        {
            "Cohort": rows["cohort"],
            "Endpoint, time point": [
                f"{r.endpoint} at {_time_text(r.time, r.unit)}" for r in rows.itertuples()
            ],
            "Time origin": rows["origin"],
            "Estimate as reported": [
                f"{_num(p)}%" + (f" (SE {_num(s)})" if pd.notna(s) else "")
                for p, s in zip(rows["percent"], rows["se"], strict=True)
            ],
            "95% CI": [
                _ci_text(lo, hi, b)
                for lo, hi, b in zip(
                    rows["lower"], rows["upper"], rows["interval_basis"], strict=True
                )
            ],
            "Source": [f"[{n}]" for n in rows["source_number"]],
        }
    )
    return Table(
        "comparator_survival",
        "Survival after relapse or refractory disease, as each source reports it (not pooled)",
        CONTEXT_SOURCE + "; intervals from an SE computed by this site (log–log).",
        rows,
        display,
        SURVIVAL_FIELDS,
    )


def cohorts_table(data: Comparators) -> Table:
    """Who each comparator cohort is: population, KMT2A share, size, follow-up and caveat."""
    numbers = source_numbers(data)
    frame = pd.DataFrame(
        [
            {
                "cohort_id": c.id,
                "cohort": c.name,
                "population": c.population,
                "kmt2a_share": c.kmt2a_share,
                "n": c.n,
                "n_of": c.n_of,
                "years": c.years or "",
                "follow_up": c.follow_up,
                "caveat": c.caveat,
                "source_number": numbers[c.source],
            }
            for c in data.cohorts
        ]
    )
    display = pd.DataFrame(
        {
            "Cohort": frame["cohort"],
            "Who": frame["population"],
            "MLL/KMT2A-rearranged": frame["kmt2a_share"],
            "Patients": [
                f"{n} of {int(m)}" if pd.notna(m) else str(n)
                for n, m in zip(frame["n"], frame["n_of"], strict=True)
            ],
            "Follow-up": frame["follow_up"],
            "Caveat": frame["caveat"],
            "Source": [f"[{n}]" for n in frame["source_number"]],
        }
    )
    return Table(
        "comparator_cohorts",
        "The cohorts compared: who they are and what limits the comparison",
        CONTEXT_SOURCE + ".",
        frame,
        display,
        {
            "cohort_id": "identifier of the cohort in comparators.yaml",
            "cohort": "name of the cohort",
            "population": "who is in the cohort",
            "kmt2a_share": "share with an MLL/KMT2A rearrangement, as stated",
            "n": "patients in the cohort",
            "n_of": "patients in the trial or series the cohort comes from (empty if not stated)",
            "years": "treatment years, where stated",
            "follow_up": "follow-up as reported",
            "caveat": "what limits the comparison",
            "source_number": "number of the source in the Sources list",
        },
    )


def disagreement_rows(data: Comparators) -> pd.DataFrame:
    """Estimates of the same cohort, endpoint, origin and time point that sources give
    differently, one row per source."""
    rows = survival_comparison_rows(data)
    return rows[rows["disagreement"] != ""].reset_index(drop=True)


def disagreements_table(data: Comparators) -> Table:
    """Where sources disagree about the same figure, each value beside its source."""
    rows = disagreement_rows(data)
    by_id = {s.id: s for s in data.sources}
    frame = pd.DataFrame(
        {
            "estimate_id": rows["estimate_id"],
            "cohort": rows["cohort"],
            "endpoint": rows["endpoint"],
            "time": rows["time"],
            "unit": rows["unit"],
            "percent": rows["percent"],
            "source_id": rows["source_id"],
            "source_number": rows["source_number"],
            "source_kind": [by_id[s].kind for s in rows["source_id"]],
        }
    )
    notes = {e.id: e.note or "" for e in data.estimates}
    display = pd.DataFrame(
        {
            "Figure": [
                f"{r.cohort}: {r.endpoint} at {_time_text(r.time, r.unit)}"
                for r in frame.itertuples()
            ],
            "Value given": [f"{_num(p)}%" for p in frame["percent"]],
            "Given by": [
                f"[{n}] {k}" + (f" — {notes[i]}" if notes[i] else "")
                for n, k, i in zip(
                    frame["source_number"], frame["source_kind"], frame["estimate_id"], strict=True
                )
            ],
        }
    )
    return Table(
        "comparator_disagreements",
        "Where sources disagree: the same figure, given differently (both shown, none chosen)",
        CONTEXT_SOURCE + ".",
        frame,
        display,
        {
            "estimate_id": "identifier of the estimate in comparators.yaml",
            "cohort": "name of the cohort",
            "endpoint": "OS (overall survival) or another endpoint",
            "time": "time point",
            "unit": "unit of the time point",
            "percent": "value this source gives (%)",
            "source_id": "identifier of the source",
            "source_number": "number of the source in the Sources list",
            "source_kind": "what kind of document the source is",
        },
    )


def _result_text(result: Result) -> str:
    when = (
        ""
        if result.time is None or result.unit is None
        else (f"{_num(result.time)}-{result.unit[:-1]}")
    )
    head = f"{when} {result.endpoint}" if when else result.endpoint
    return f"{head}, {result.subgroup}: {_reported_text(result)}"


def era_rows(data: Comparators) -> pd.DataFrame:
    """First-line trials, one row per headline result (a trial without results has one row)."""
    numbers = source_numbers(data)
    rows = []
    for order, era in enumerate(data.eras, start=1):
        results = era.results or [None]
        for result in results:
            rows.append(
                {
                    "order": order,
                    "era_id": era.id,
                    "programme": era.programme,
                    "trial": era.trial,
                    "published": era.published,
                    "years": era.years or "",
                    "population": era.population,
                    "what_changed": era.what_changed,
                    "endpoint": result.endpoint if result else "",
                    "subgroup": result.subgroup if result else "",
                    "time": result.time if result else None,
                    "unit": result.unit if result else "",
                    "percent": result.percent if result else None,
                    "se": result.se if result else None,
                    "ci_lower": result.ci[0] if result and result.ci else None,
                    "ci_upper": result.ci[1] if result and result.ci else None,
                    "note": era.note or "",
                    "source_number": numbers[era.source],
                    "years_source_number": numbers[era.years_source] if era.years_source else None,
                }
            )
    return pd.DataFrame(rows)


ERA_FIELDS = {
    "order": "position in the sequence of trials (within each programme, oldest first)",
    "era_id": "identifier of the trial in comparators.yaml",
    "programme": "study group",
    "trial": "trial name",
    "published": "year of the cited report",
    "years": "enrolment years, where a checked source gives them",
    "population": "who was treated",
    "what_changed": "what the trial changed, in the source's terms",
    "endpoint": "EFS (event-free), DFS (disease-free) or OS (overall) survival",
    "subgroup": "which patients the result is for",
    "time": "time point",
    "unit": "unit of the time point",
    "percent": "result as reported (%)",
    "se": "standard error as reported (%)",
    "ci_lower": "reported 95% lower limit (%)",
    "ci_upper": "reported 95% upper limit (%)",
    "note": "caveat about the figure or its source",
    "source_number": "number of the source in the Sources list",
    "years_source_number": "number of the source for the enrolment years",
}


def eras_table(data: Comparators) -> Table:
    """First-line treatment eras: one row per trial, its headline results in one cell."""
    numbers = source_numbers(data)
    display_rows = []
    for era in data.eras:
        results = "; ".join(_result_text(r) for r in era.results) or "no results yet"
        if era.note:
            results += f" ({era.note})"
        when = era.years or ""
        if era.years_source:
            when += f" [{numbers[era.years_source]}]"
        display_rows.append(
            {
                "Group": era.programme,
                "Trial": era.trial,
                "Enrolment": when or "—",
                "Patients": era.population,
                "What changed": era.what_changed,
                "Headline results as reported": results,
                "Source": f"[{numbers[era.source]}]"
                + (f", {era.published}" if era.published else ""),
            }
        )
    return Table(
        "treatment_eras",
        "First-line treatment eras for infant MLL/KMT2A-rearranged ALL, oldest first",
        CONTEXT_SOURCE + ".",
        era_rows(data),
        pd.DataFrame(display_rows),
        ERA_FIELDS,
    )


def options_table(data: Comparators) -> Table:
    """Newer options for relapsed or refractory KMT2A-rearranged disease."""
    numbers = source_numbers(data)
    rows, display = [], []
    for opt in data.options:
        results = "; ".join(_result_text(r) for r in opt.results)
        if opt.extra:
            results += f"; {opt.extra}"
        rows.append(
            {
                "option_id": opt.id,
                "name": opt.name,
                "status": opt.status,
                "indication": opt.indication,
                "evidence": opt.evidence,
                "results": results,
                "caveat": opt.caveat,
                "source_number": numbers[opt.source],
            }
        )
        display.append(
            {
                "Option": opt.name,
                "Status": opt.status,
                "For whom": opt.indication,
                "Evidence": f"{opt.evidence}: {results}",
                "Caveat": opt.caveat,
                "Source": f"[{numbers[opt.source]}]",
            }
        )
    return Table(
        "newer_options",
        "Newer options for relapsed or refractory KMT2A-rearranged leukaemia",
        CONTEXT_SOURCE + ".",
        pd.DataFrame(rows),
        pd.DataFrame(display),
        {
            "option_id": "identifier in comparators.yaml",
            "name": "treatment",
            "status": "approval or evidence status, as reported",
            "indication": "who it is for, as worded by the source",
            "evidence": "study and number of patients",
            "results": "results as reported",
            "caveat": "what limits its relevance to infants",
            "source_number": "number of the source in the Sources list",
        },
    )


def _source_link(src: Any) -> str:
    if src.doi:
        return f"https://doi.org/{src.doi}"
    return src.url or f"https://pubmed.ncbi.nlm.nih.gov/{src.pmid}/"


def sources_table(data: Comparators) -> Table:
    """Every source of the Context page, numbered, with its identifiers and what it supports."""
    used: dict[str, list[str]] = {s.id: [] for s in data.sources}
    for section in ("cohorts", "estimates", "eras", "options"):
        for entry in getattr(data, section):
            used[entry.source].append(entry.id)
    for era in data.eras:
        if era.years_source:
            used[era.years_source].append(f"{era.id} (enrolment years)")
    frame = pd.DataFrame(
        [
            {
                "number": i,
                "source_id": s.id,
                "citation": s.citation,
                "kind": s.kind,
                "doi": s.doi or "",
                "pmid": s.pmid or "",
                "url": s.url or "",
                "supports": ", ".join(used[s.id]),
            }
            for i, s in enumerate(data.sources, start=1)
        ]
    )
    display = pd.DataFrame(
        {
            "No.": [f"[{n}]" for n in frame["number"]],
            "Source": frame["citation"],
            "Kind": frame["kind"],
            "Link": [_source_link(s) for s in data.sources],
        }
    )
    return Table(
        "context_sources",
        "Sources of the Context page",
        "analysis/data/comparators.yaml",
        frame,
        display,
        {
            "number": "number used in the Context page's tables",
            "source_id": "identifier in comparators.yaml",
            "citation": "citation of the document",
            "kind": "what kind of document it is",
            "doi": "DOI, where known",
            "pmid": "PubMed id, where known",
            "url": "address the figures were read at",
            "supports": "entries of comparators.yaml that cite it",
        },
    )


def _sources_markdown(data: Comparators) -> str:
    """The Sources list as a Markdown ordered list with links (numbers match the tables)."""
    lines = []
    for i, src in enumerate(data.sources, start=1):
        ids = []
        if src.doi:
            ids.append(f"DOI [{src.doi}](https://doi.org/{src.doi})")
        if src.pmid:
            ids.append(f"PMID [{src.pmid}](https://pubmed.ncbi.nlm.nih.gov/{src.pmid}/)")
        if src.url:
            ids.append(f"[read at this address]({src.url})")
        lines.append(f"{i}. {src.citation} *{src.kind}*. " + " · ".join(ids))
    return "\n".join(lines)


def context_values(data: Comparators) -> dict[str, str]:
    """Inline values for the Context page (each traceable to a sourced entry)."""
    values: dict[str, str] = {"context_sources_list": _sources_markdown(data)}
    numbers = source_numbers(data)
    for est in data.estimates:
        values[f"cmp_{est.id}"] = _reported_text(est)
        values[f"cmp_{est.id}_pct"] = f"{_num(est.percent)}%"
        values[f"cmp_{est.id}_when"] = f"{_time_text(est.time, est.unit)} {est.endpoint}"
        values[f"cmp_{est.id}_ref"] = f"[{numbers[est.source]}]"
    for cohort in data.cohorts:
        values[f"cmp_{cohort.id}_n"] = str(cohort.n)
    for era in data.eras:
        values[f"era_{era.id}_ref"] = f"[{numbers[era.source]}]"
    for opt in data.options:
        values[f"option_{opt.id}_ref"] = f"[{numbers[opt.source]}]"
        values[f"option_{opt.id}_status"] = opt.status
    disagreements = disagreement_rows(data)
    values["cmp_disagreement_count"] = str(disagreements["estimate_id"].nunique())
    return values


# --- traceability ---------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def number_tokens(text: str) -> list[str]:
    """Every number written in ``text`` (digits with an optional decimal part)."""
    return _NUMBER.findall(text)


def _texts(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _texts(v)
    elif value is not None:
        yield str(value)


def traceable_numbers(data: Comparators) -> dict[float, set[str]]:
    """Every number a page may show, mapped to the ids of the sources it comes from.

    A number is traceable if it is written in an entry that cites a source (any field), is an
    interval bound computed from such an entry's SE, or is a source's own number in the list.
    Numbers are compared by value, so '3', '3.0' and '03' are the same number.
    """
    found: dict[float, set[str]] = {}

    def add(text: str, source_id: str) -> None:
        for token in number_tokens(text):
            found.setdefault(float(token), set()).add(source_id)

    for src in data.sources:
        for text in _texts(src.model_dump()):
            add(text, src.id)
    for number, source_id in ((n, s) for s, n in source_numbers(data).items()):
        add(str(number), source_id)
    for section in ("cohorts", "estimates", "eras", "options"):
        for entry in getattr(data, section):
            for text in _texts(entry.model_dump()):
                add(text, entry.source)
    for est in data.estimates:
        lower, upper, _ = _interval(est)
        if not math.isnan(lower):
            add(f"{lower} {upper}", est.source)
    return found


def untraced_numbers(text: str, data: Comparators) -> list[str]:
    """Numbers in ``text`` that no sourced entry of ``data`` contains (empty when all trace)."""
    known = traceable_numbers(data)
    return [t for t in number_tokens(text) if float(t) not in known]
