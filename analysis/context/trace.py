"""Traceability of the Context page: every number it shows must come from a sourced entry."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from .results import estimate_interval, source_numbers
from .schema import Comparators

__all__ = [
    "number_tokens",
    "traceable_numbers",
    "untraced_numbers",
]


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
        lower, upper, _ = estimate_interval(est)
        if not math.isnan(lower):
            add(f"{lower} {upper}", est.source)
    return found


def untraced_numbers(text: str, data: Comparators) -> list[str]:
    """Numbers in ``text`` that no sourced entry of ``data`` contains (empty when all trace)."""
    known = traceable_numbers(data)
    return [t for t in number_tokens(text) if float(t) not in known]
