"""Inline values (``{{ value NAME }}``) of a study of reported figures, every one named
``fig.…``: each figure as printed, each check's outcome and detail, and what the numbers allow.
Names come from the figures' own names, so pages of any study place them the same way."""

from __future__ import annotations

from ..datafile import decimals_of
from .allowed import NOT_RECONSTRUCTED, DeathCount
from .results import FigureResults
from .schema import Count, Figure, FigureStudy, Median, Proportion, PValue, Ratio, Survival

__all__ = ["check_key", "figure_text", "figures_values", "printed_text"]


def _num(value: float) -> str:
    return f"{value:.{decimals_of(value)}f}"


def _p(p: float | str) -> str:
    return f"P{p}" if isinstance(p, str) else f"P = {_num(p)}"


def figure_text(figure: Figure) -> str:
    """A figure as printed, in one short phrase."""
    if isinstance(figure, Count):
        return str(figure.value)
    if isinstance(figure, Proportion):
        parts = []
        if figure.k is not None and figure.n is not None:
            parts.append(f"{figure.k}/{figure.n}")
        elif figure.k is not None:
            parts.append(str(figure.k))
        if figure.percent is not None:
            parts.append(f"{_num(figure.percent)}%")
        return " ".join(parts[:1]) + (f" ({parts[1]})" if len(parts) > 1 else "")
    if isinstance(figure, Median):
        text = _num(figure.value) + (f" {figure.unit}" if figure.unit else "")
        if figure.range is not None:
            text += f" (range {_num(figure.range.low)}–{_num(figure.range.high)})"
        return text
    if isinstance(figure, Survival):
        text = f"{_num(figure.estimate)}%"
        if figure.ci is not None:
            text += (
                f" ({_num(figure.ci.level)}% CI {_num(figure.ci.lower)}–{_num(figure.ci.upper)}%)"
            )
        if figure.se is not None:
            text += f" (SE {_num(figure.se)}%)"
        return text
    if isinstance(figure, Ratio):
        ci = figure.ci
        text = f"{_num(figure.estimate)} ({_num(ci.level)}% CI {_num(ci.lower)}–{_num(ci.upper)})"
        return text + (f"; {_p(figure.p)}" if figure.p is not None else "")
    assert isinstance(figure, PValue)
    return _p(figure.p)


def printed_text(figure: Figure, study: FigureStudy) -> str:
    """What the paper prints of a figure; for a count it does not print (``sum_of``), that it
    was not printed and the sum it is."""
    if isinstance(figure, Count) and figure.sum_of:
        counts = {f.name: f for f in study.figures if isinstance(f, Count)}
        parts = " + ".join(str(counts[name].value) for name in figure.sum_of)
        return f"not printed: {parts} = {figure.value} ({', '.join(figure.sum_of)})"
    return figure_text(figure)


def check_key(check: str) -> str:
    """A check's title as a value-name part: "SE against its no-censoring floor" → "se_floor"."""
    return {
        "percentage against k/n": "percent",
        "denominator is its count": "denominator",
        "part within its whole": "part",
        "parts against their whole": "parts",
        "survival CI against its estimate": "ci_transform",
        "SE against its no-censoring floor": "se_floor",
        "ratio against its CI's geometric midpoint": "midpoint",
        "P against the Wald P from the CI": "wald_p",
        "median inside its range": "median_range",
        "P value": "p",
    }[check]


def figures_values(results: FigureResults) -> dict[str, str]:
    study = results.study
    values: dict[str, str] = {}
    for figure in study.figures:
        values[f"fig.{figure.name}"] = figure_text(figure)
        values[f"fig.{figure.name}.source"] = figure.source
        if figure.label is not None:
            values[f"fig.{figure.name}.label"] = figure.label
        if isinstance(figure, Survival):
            values[f"fig.{figure.name}.time"] = f"{_num(figure.time)} {figure.time_unit}"
        if isinstance(figure, Ratio | PValue) and figure.analysis is not None:
            values[f"fig.{figure.name}.analysis"] = figure.analysis
        if isinstance(figure, PValue):
            if figure.test is not None:
                values[f"fig.{figure.name}.test"] = figure.test
            if figure.applies_to:
                values[f"fig.{figure.name}.applies_to"] = "; ".join(figure.applies_to)
    checks = results.checks
    for check in checks:
        key = f"fig.check.{check.figures[0]}.{check_key(check.check)}"
        values[key] = check.outcome
        values[f"{key}.detail"] = check.detail
    for a in results.se_allowances:
        values[f"fig.allowed.{a.figure}.se"] = f"{a.se:.2f}"
        values[f"fig.allowed.{a.figure}.binomial_n"] = f"{a.binomial_n:.0f}"
        if a.floor is not None:
            values[f"fig.allowed.{a.figure}.floor"] = f"{a.floor:.2f}"
    found: dict[str, list[DeathCount]] = {}
    for d in results.death_counts:
        found.setdefault(d.figure, []).append(d)
    for name, readings in found.items():  # each reading named when the SE has more than one
        values[f"fig.allowed.{name}.counts"] = (
            readings[0].finding
            if len(readings) == 1
            else "; ".join(f"{d.reading}: {d.finding}" for d in readings)
        )
    values["fig.allowed.not_reconstructed"] = NOT_RECONSTRUCTED
    values["fig.checks.total"] = str(len(checks))
    values["fig.bounds.total"] = str(len(results.bounds))
    if study.citation is not None:
        c = study.citation
        values["fig.citation.title"] = c.title
        values["fig.citation.authors"] = ", ".join(c.authors)
        values["fig.citation.journal"] = c.journal
        values["fig.citation.year"] = str(c.year)
        where = ";".join(x for x in (c.volume, f"({c.issue})" if c.issue else None) if x)
        values["fig.citation.where"] = (
            where.replace(";(", "(")
            + (f":{c.first_page}" if c.first_page else "")
            + (f"–{c.last_page}" if c.first_page and c.last_page else "")
        )
        values["fig.citation.pmid"] = c.pmid or "not found in the sources checked here"
        if c.doi is not None:
            values["fig.citation.doi"] = c.doi
        values["fig.citation.not_verified"] = " ".join(c.not_verified) or "nothing listed"
    return values
