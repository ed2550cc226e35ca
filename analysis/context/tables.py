"""Context page tables: comparator survival, cohorts, disagreements, eras, options and sources."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..artifact import Table
from ..cells import optional_real, optional_text
from ..errors import ComparatorDataError, DataProblem
from .results import (
    CONTEXT_SOURCE,
    disagreement_rows,
    era_rows,
    number_text,
    result_text,
    source_numbers,
    survival_comparison_rows,
    time_text,
)
from .schema import Cohort, Comparators, Estimate, Source

__all__ = [
    "COMPARISON_FIELDS",
    "ERA_FIELDS",
    "TABLES",
    "cohorts_table",
    "disagreements_table",
    "eras_table",
    "options_table",
    "sources_table",
    "survival_comparison_table",
]


COMPARISON_FIELDS = {
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
    "beyond_follow_up": "non-empty when the time point lies beyond the reported follow-up",
    "se_assumed": "true when the source prints ± without naming it and this site reads it as SE",
    "era": "when, and after which first-line treatment, the cohort was treated",
    "caveat": "what limits the comparison",
    "disagreement": "non-empty when another source reports this figure differently",
    "selected_group": "non-empty when the cohort is a selected group, saying how it was selected",
    "kept_out_of_range": (
        "why the estimate is not in the range of comparable figures (a selected group, or a "
        "time origin the source does not state); empty when it is"
    ),
    "note": "note about the estimate or its source",
    "quote": "the sentence of the source the estimate comes from",
    "source_id": "identifier of the source",
    "source_number": "number of the source in the Sources list",
}


def _ci_text(lower: float, upper: float, basis: str) -> str:
    if math.isnan(lower):
        return "—"
    if "computed" in basis:
        return f"{lower:.1f}–{upper:.1f}% (computed)"
    return f"{number_text(lower)}–{number_text(upper)}%"


def _estimate_text(est: Estimate) -> str:
    """The estimate with its SE (the CI has its own column)."""
    text = f"{number_text(est.percent)}%"
    if est.se is None:
        return text
    if est.se_assumed:
        return text + f" ± {number_text(est.se)} (read as SE by this site)"
    return text + f" (SE {number_text(est.se)})"


def survival_comparison_table(data: Comparators) -> Table:
    """Survival after relapse or refractory disease, one row per reported estimate."""
    rows = survival_comparison_rows(data)
    display = pd.DataFrame(
        {
            "Cohort": rows["cohort"],
            "Endpoint, time point": [
                f"{r.endpoint} at {_row_time(r)}"
                + (f" ({_beyond(r)})" if r.beyond_follow_up else "")
                for r in rows.itertuples()
            ],
            "Time origin": rows["origin"],
            "Kept out of the comparable range": [r or "—" for r in rows["kept_out_of_range"]],
            "Estimate as reported": [_estimate_text(e) for e in data.estimates],
            "95% CI": [
                f"{number_text(e.ci[0])}–{number_text(e.ci[1])}%"
                if e.ci is not None
                else _ci_text(lo, hi, b)
                for e, lo, hi, b in zip(
                    data.estimates,
                    rows["lower"],
                    rows["upper"],
                    rows["interval_basis"],
                    strict=True,
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
        COMPARISON_FIELDS,
    )


def _era_text(cohort: Cohort, numbers: dict[str, int]) -> str:
    if not cohort.era:
        return "not stated in the sources checked here"
    refs = ", ".join(str(numbers[s]) for s in cohort.era_sources)
    return cohort.era + (f" [{refs}]" if refs else "")


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
                "era": c.era or "",
                "selected": c.selected or "",
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
            "MLL/KMT2A-rearranged": [
                c.kmt2a_share + (f" [{numbers[c.kmt2a_source]}]" if c.kmt2a_source else "")
                for c in data.cohorts
            ],
            "Patients": [
                f"{n} of {int(m)}" if pd.notna(m) else str(n)
                for n, m in zip(frame["n"], frame["n_of"], strict=True)
            ],
            "Treatment era": [_era_text(c, numbers) for c in data.cohorts],
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
            "era": "when, and after which first-line treatment, the cohort was treated",
            "selected": "how the cohort was selected, when it is a selected group",
            "follow_up": "follow-up as reported",
            "caveat": "what limits the comparison",
            "source_number": "number of the source in the Sources list",
        },
    )


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
            "Figure": [f"{r.cohort}: {r.endpoint} at {_row_time(r)}" for r in frame.itertuples()],
            "Value given": [f"{number_text(p)}%" for p in frame["percent"]],
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
    "result_note": "note about this result (which analysis or report it comes from)",
    "quote": "the sentence of the source the result comes from, where recorded",
    "note": "caveat about the trial's figures or their sources",
    "source_number": "number of the source of this result in the Sources list",
    "years_source_number": "number of the source for the enrolment years",
}


def eras_table(data: Comparators) -> Table:
    """First-line treatment eras: one row per trial, its headline results in one cell."""
    numbers = source_numbers(data)
    display_rows = []
    for era in data.eras:
        parts = []
        for r in era.results:
            text = result_text(r)
            if r.note:
                text += f" ({r.note})"
            if r.source and r.source != era.source:
                text += f" [{numbers[r.source]}]"
            parts.append(text)
        results = "; ".join(parts) or "no results yet"
        if era.note:
            refs = ", ".join(str(numbers[s]) for s in era.note_sources)
            results += f". {era.note}" + (f" [{refs}]" if refs else "")
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
        results = "; ".join(result_text(r) for r in opt.results)
        if opt.extra:
            results += f"; {opt.extra}"
        refs = [numbers[opt.status_source]] if opt.status_source else []
        refs += [numbers[opt.source]] if numbers[opt.source] not in refs else []
        rows.append(
            {
                "option_id": opt.id,
                "name": opt.name,
                "status": opt.status,
                "approved_ages": opt.approved_ages or "",
                "status_source_number": numbers[opt.status_source or opt.source],
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
                "Status": opt.status
                + (f" [{numbers[opt.status_source]}]" if opt.status_source else ""),
                "Approved ages (US)": opt.approved_ages or "—",
                "For whom": opt.indication,
                "Evidence": f"{opt.evidence}: {results}" if results else opt.evidence,
                "Caveat": opt.caveat,
                "Source": ", ".join(f"[{n}]" for n in refs),
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
            "approved_ages": "age range of the US approval, as the notice or label words it",
            "status_source_number": "number of the source of the status and approved ages",
            "indication": "who it is for, as worded by the source",
            "evidence": "study and number of patients",
            "results": "results as reported",
            "caveat": "what limits its relevance to infants",
            "source_number": "number of the source in the Sources list",
        },
    )


def _row_time(row: Any) -> str:
    """The time point of a row from ``itertuples`` (its fields are untyped), checked."""
    time = optional_real(row.time, where=f"comparator row {row.Index}, field 'time'")
    return time_text(
        time, optional_text(row.unit, where=f"comparator row {row.Index}, field 'unit'")
    )


def _beyond(row: Any) -> str | None:
    return optional_text(
        row.beyond_follow_up, where=f"comparator row {row.Index}, field 'beyond_follow_up'"
    )


def _source_link(src: Source) -> str:
    """The link of a source: its DOI, else its PMID, else its own page."""
    if src.doi:
        return f"https://doi.org/{src.doi}"
    if src.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{src.pmid}/"
    if src.url is None:
        problem = DataProblem(
            "comparators.yaml", f"sources.{src.id}", "url", "no doi, pmid or url", "one of them"
        )
        raise ComparatorDataError([problem])
    return src.url


def sources_table(data: Comparators) -> Table:
    """Every source of the Context page, numbered, with its identifiers and what it supports."""
    used: dict[str, list[str]] = {s.id: [] for s in data.sources}
    for section in ("cohorts", "estimates", "eras", "options"):
        for entry in getattr(data, section):
            used[entry.source].append(entry.id)
    for era in data.eras:
        if era.years_source:
            used[era.years_source].append(f"{era.id} (enrolment years)")
    for cohort in data.cohorts:
        for ref in cohort.era_sources:
            used[ref].append(f"{cohort.id} (treatment era)")
        if cohort.kmt2a_source:
            used[cohort.kmt2a_source].append(f"{cohort.id} (KMT2A share)")
    for section in ("eras", "options"):
        for entry in getattr(data, section):
            for result in entry.results:
                if result.source:
                    used[result.source].append(f"{entry.id} ({result.endpoint} result)")
    for era in data.eras:
        for ref in era.note_sources:
            used[ref].append(f"{era.id} (note)")
    for opt in data.options:
        if opt.status_source:
            used[opt.status_source].append(f"{opt.id} (approval)")
    frame = pd.DataFrame(
        [
            {
                "number": i,
                "source_id": s.id,
                "authors": s.authors,
                "citation": s.citation,
                "kind": s.kind,
                "doi": s.doi or "",
                "pmid": s.pmid or "",
                "url": s.url or "",
                "read_at": " ".join(s.read_at),
                "supports": ", ".join(used[s.id]),
            }
            for i, s in enumerate(data.sources, start=1)
        ]
    )
    display = pd.DataFrame(
        {
            "No.": [f"[{n}]" for n in frame["number"]],
            "Authors": frame["authors"],
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
            "authors": "authors as the source names them (or why they are not given)",
            "citation": "citation of the document",
            "kind": "what kind of document it is",
            "doi": "DOI, where known",
            "pmid": "PubMed id, where known",
            "url": "the source's own page, for a source without a DOI",
            "read_at": "addresses the text was read at, when not the publisher's (not linked)",
            "supports": "entries of comparators.yaml that cite it",
        },
    )


TABLES: tuple[Callable[[Comparators], Table], ...] = (
    survival_comparison_table,
    cohorts_table,
    disagreements_table,
    eras_table,
    options_table,
    sources_table,
)
