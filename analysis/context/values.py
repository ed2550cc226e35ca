"""The Context page's inline values (``{{ value NAME }}``), each traceable to a sourced entry of
the validated comparator file."""

from __future__ import annotations

from .results import (
    beyond_follow_up,
    comparable_estimates,
    disagreement_rows,
    exclusion_reason,
    number_text,
    reported_text,
    source_numbers,
    sources_markdown,
    time_span,
    time_text,
)
from .schema import Comparators, Era

__all__ = ["context_values"]


def _era_result_values(era: Era, numbers: dict[str, int]) -> dict[str, str]:
    values = {}
    for result in era.results:
        if result.id is None:
            continue
        values[f"era_result_{result.id}_pct"] = f"{number_text(result.percent)}%"
        values[f"era_result_{result.id}_text"] = reported_text(result)
        values[f"era_result_{result.id}_ref"] = f"[{numbers[result.source or era.source]}]"
    if era.events is not None and era.n is not None:
        values[f"era_{era.id}_events"] = str(era.events)
        values[f"era_{era.id}_event_free"] = str(era.n - era.events)
        values[f"era_{era.id}_event_free_pct"] = f"{100 * (era.n - era.events) / era.n:.1f}%"
    return values


def context_values(data: Comparators) -> dict[str, str]:
    """Inline values for the Context page (each traceable to a sourced entry)."""
    values: dict[str, str] = {"context_sources_list": sources_markdown(data)}
    numbers = source_numbers(data)
    for est in data.estimates:
        values[f"cmp_{est.id}"] = reported_text(est)
        values[f"cmp_{est.id}_pct"] = f"{number_text(est.percent)}%"
        values[f"cmp_{est.id}_when"] = f"{time_text(est.time, est.unit)} {est.endpoint}"
        values[f"cmp_{est.id}_ref"] = f"[{numbers[est.source]}]"
    for cohort in data.cohorts:
        values[f"cmp_{cohort.id}_n"] = str(cohort.n)
        if cohort.n_of is not None:
            values[f"cmp_{cohort.id}_n_of"] = str(cohort.n_of)
        values[f"cmp_{cohort.id}_ref"] = f"[{numbers[cohort.source]}]"
    comparable = comparable_estimates(data)
    if comparable:
        low, high = min(e.percent for e in comparable), max(e.percent for e in comparable)
        values["cmp_comparable_os_range"] = (
            f"{number_text(low)}–{number_text(high)}%" if low != high else f"{number_text(low)}%"
        )
        values["cmp_comparable_os_times"] = time_span(comparable)
        names = dict.fromkeys(data.cohort(e.cohort).name for e in comparable)
        values["cmp_comparable_os_cohorts"] = " and ".join(names)
        values["cmp_comparable_os_origins"] = " and ".join(
            dict.fromkeys(e.origin for e in comparable)
        )
    kept_out: dict[str, str] = {}
    for est in data.estimates:
        reason = exclusion_reason(est, data)
        if reason and reason != "this study":
            kept_out.setdefault(data.cohort(est.cohort).name, reason)
    values["cmp_kept_out_of_range"] = "; ".join(f"{k}: {v}" for k, v in kept_out.items())
    for est in data.estimates:
        values[f"cmp_{est.id}_beyond"] = beyond_follow_up(est, data.cohort(est.cohort))
    for era in data.eras:
        values[f"era_{era.id}_ref"] = f"[{numbers[era.source]}]"
        if era.n is not None:
            values[f"era_{era.id}_n"] = str(era.n)
        values.update(_era_result_values(era, numbers))
    for opt in data.options:
        values[f"option_{opt.id}_ref"] = f"[{numbers[opt.source]}]"
        values[f"option_{opt.id}_status"] = opt.status
        values[f"option_{opt.id}_status_ref"] = f"[{numbers[opt.status_source or opt.source]}]"
        if opt.approved_ages:
            values[f"option_{opt.id}_ages"] = opt.approved_ages
    disagreements = disagreement_rows(data)
    values["cmp_disagreement_count"] = str(disagreements["estimate_id"].nunique())
    return values
