"""The context domain's results: comparator survival estimates, source disagreements and
treatment eras as rows, and the texts they are written with, each computed from the validated
comparator file (analysis/data/comparators.yaml), which every builder takes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..stats.intervals import survival_interval
from .schema import Cohort, Comparators, Estimate, Result, months

__all__ = [
    "CONTEXT_SOURCE",
    "beyond_follow_up",
    "comparable_estimates",
    "count_behind",
    "disagreement_rows",
    "era_rows",
    "estimate_interval",
    "exclusion_reason",
    "number_text",
    "reported_text",
    "result_text",
    "source_numbers",
    "sources_markdown",
    "survival_comparison_rows",
    "time_span",
    "time_text",
]


CONTEXT_SOURCE = (
    "Figures as reported by the sources numbered in the Sources list of the Context page "
    "(analysis/data/comparators.yaml)"
)


def source_numbers(data: Comparators) -> dict[str, int]:
    """Source id → its number in the Sources list (the order of the file, from 1)."""
    return {src.id: i for i, src in enumerate(data.sources, start=1)}


def number_text(x: float) -> str:
    """A reported number as the source prints it: 44.0 stays 44.0, 62 stays 62."""
    if isinstance(x, float) and x.is_integer():
        return f"{x:.1f}"
    return f"{x:g}"


def time_text(time: float | None, unit: str | None) -> str:
    if time is None or unit is None:
        return ""
    return f"{number_text(time)} {unit[:-1] if time == 1 else unit}"


def reported_text(item: Estimate | Result) -> str:
    """The percentage with its SE or CI, written the way the source gives it."""
    text = f"{number_text(item.percent)}%"
    if item.se is not None and getattr(item, "se_assumed", False):
        text += f" ± {number_text(item.se)} (read as SE by this site)"
    elif item.se is not None:
        text += f" (SE {number_text(item.se)})"
    if item.ci is not None:
        text += f" (95% CI {number_text(item.ci[0])}–{number_text(item.ci[1])})"
    return text


def estimate_interval(est: Estimate) -> tuple[float, float, str]:
    """95% interval in % and how it was obtained; NaN bounds when the source gives neither."""
    if est.ci is not None:
        return float(est.ci[0]), float(est.ci[1]), "reported 95% CI"
    if est.se is not None:
        ci = survival_interval(est.percent / 100, est.se / 100, method="log-log")
        what = "the reported ± read as an SE" if est.se_assumed else "the reported SE"
        return (
            round(100 * ci.lower, 1),
            round(100 * ci.upper, 1),
            f"95% CI computed from {what} (log–log)",
        )
    return math.nan, math.nan, "no SE or CI reported"


_months = months


def beyond_follow_up(est: Estimate, cohort: Cohort) -> str:
    """A note when the estimate's time point lies beyond the cohort's reported follow-up."""
    limit = cohort.follow_up_months
    if limit is None or _months(est.time, est.unit) <= limit:
        return ""
    return f"beyond the reported follow-up, {cohort.follow_up}"


def exclusion_reason(est: Estimate, data: Comparators) -> str:
    """Why an estimate of another cohort is kept out of the range of comparable figures
    (empty when it is in it): a selected group, or a time origin the source does not state."""
    cohort = data.cohort(est.cohort)
    if cohort.this_study:
        return "this study"
    reasons = []
    if cohort.selected:
        reasons.append(f"a selected group ({cohort.selected})")
    if not est.origin_stated:
        reasons.append("time origin not stated")
    return "; ".join(reasons)


def comparable_estimates(data: Comparators, endpoint: str = "OS") -> list[Estimate]:
    """Other cohorts' estimates of ``endpoint`` that may stand in one range: from an
    unselected cohort and with a stated time origin."""
    return [e for e in data.estimates if e.endpoint == endpoint and not exclusion_reason(e, data)]


def count_behind(percent: float, n: int) -> int | None:
    """The one count k of n whose percentage, to the source's decimals, is ``percent``
    (None when no count or several counts give it)."""
    text = repr(float(percent))
    decimals = len(text.split(".", 1)[1].rstrip("0")) if "." in text else 0
    hits = [k for k in range(n + 1) if round(100 * k / n, decimals) == round(percent, decimals)]
    return hits[0] if len(hits) == 1 else None


def time_span(estimates: list[Estimate]) -> str:
    """The time points of ``estimates`` from the earliest to the latest, e.g. '2–5 years'."""
    ordered = sorted(estimates, key=lambda e: _months(e.time, e.unit))
    first, last = ordered[0], ordered[-1]
    if (first.time, first.unit) == (last.time, last.unit):
        return time_text(first.time, first.unit)
    if first.unit == last.unit:
        return f"{number_text(first.time)}–{time_text(last.time, last.unit)}"
    return f"{time_text(first.time, first.unit)} to {time_text(last.time, last.unit)}"


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
            values = " vs ".join(f"{number_text(m.percent)}%" for m in members)
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
        lower, upper, basis = estimate_interval(est)
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
                "reported": reported_text(est),
                "follow_up": cohort.follow_up,
                "beyond_follow_up": beyond_follow_up(est, cohort),
                "se_assumed": est.se_assumed,
                "era": cohort.era or "",
                "caveat": cohort.caveat,
                "disagreement": disagree.get(est.id, ""),
                "selected_group": cohort.selected or "",
                "kept_out_of_range": "" if cohort.this_study else exclusion_reason(est, data),
                "note": est.note or "",
                "quote": est.quote or "",
                "source_id": est.source,
                "source_number": numbers[est.source],
            }
        )
    return pd.DataFrame(rows)


def disagreement_rows(data: Comparators) -> pd.DataFrame:
    """Estimates of the same cohort, endpoint, origin and time point that sources give
    differently, one row per source."""
    rows = survival_comparison_rows(data)
    return rows[rows["disagreement"] != ""].reset_index(drop=True)


def result_text(result: Result) -> str:
    when = (
        ""
        if result.time is None or result.unit is None
        else (f"{number_text(result.time)}-{result.unit[:-1]}")
    )
    head = f"{when} {result.endpoint}" if when else result.endpoint
    return f"{head}, {result.subgroup}: {reported_text(result)}"


def era_rows(data: Comparators) -> pd.DataFrame:
    """First-line trials, one row per headline result (a trial without results has one row)."""
    numbers = source_numbers(data)
    rows = []
    for order, era in enumerate(data.eras, start=1):
        results: Sequence[Result | None] = era.results or [None]
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
                    "result_note": (result.note or "") if result else "",
                    "quote": ((result.quote if result else None) or era.quote or ""),
                    "note": era.note or "",
                    "source_number": numbers[(result.source if result else None) or era.source],
                    "years_source_number": numbers[era.years_source] if era.years_source else None,
                }
            )
    return pd.DataFrame(rows)


def sources_markdown(data: Comparators) -> str:
    """The Sources list as a Markdown ordered list with links (numbers match the tables).

    A source is linked by its DOI and PMID where it has them, else by its address; the
    addresses its text was read at (``read_at``) are in the downloadable sources table only.
    """
    lines = []
    for i, src in enumerate(data.sources, start=1):
        ids = []
        if src.doi:
            ids.append(f"DOI [{src.doi}](https://doi.org/{src.doi})")
        if src.pmid:
            ids.append(f"PMID [{src.pmid}](https://pubmed.ncbi.nlm.nih.gov/{src.pmid}/)")
        if src.url and not (src.doi or src.pmid):
            ids.append(f"[the source's page]({src.url})")
        lines.append(f"{i}. {src.authors}. {src.citation} *{src.kind}*. " + " · ".join(ids))
    return "\n".join(lines)
