"""The generic model of a study's reported figures (a study file in YAML): each figure has a
``name``, a ``kind``, the values as printed, the exact ``source`` sentence, and its relations to
other figures (``part_of``, ``denominator``, ``over``: each names a count). Nothing here knows a
particular study; checks are chosen from kinds and relations alone."""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PlainValidator, StrictFloat, StrictInt, StrictStr

from ..datafile import Model

__all__ = [
    "FIGURE_KINDS",
    "Citation",
    "Count",
    "Figure",
    "FigureStudy",
    "Interval",
    "Median",
    "PValue",
    "Proportion",
    "Ratio",
    "Survival",
]

# The largest magnitude a printed figure may have: beyond it a number is a typing slip, and
# arithmetic on it would lose the printed precision the checks rely on.
MAX_MAGNITUDE = 1e9
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _no_control(text: str) -> str:
    if _CONTROL.search(text):
        msg = "text without control or invisible direction characters"
        raise ValueError(msg)
    return text


Name = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Sentence = Annotated[StrictStr, Field(min_length=1, max_length=2000), AfterValidator(_no_control)]
Value = Annotated[
    StrictInt | StrictFloat,
    Field(allow_inf_nan=False, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE),
]
Positive = Annotated[StrictInt | StrictFloat, Field(allow_inf_nan=False, gt=0, le=MAX_MAGNITUDE)]
Percent = Annotated[StrictInt | StrictFloat, Field(allow_inf_nan=False, ge=0, le=100)]
CountValue = Annotated[StrictInt, Field(ge=0, le=int(MAX_MAGNITUDE))]
Level = Annotated[StrictInt | StrictFloat, Field(allow_inf_nan=False, gt=0, lt=100)]
_THRESHOLD = re.compile(r"^(<|>|≤|≥|<=|>=)\s*(0?\.[0-9]+|1|0)$")


def _p_value(value: object) -> int | float | str:
    """A P value as printed: a number in [0, 1], or a threshold such as "<0.05" or "≤0.001"."""
    if isinstance(value, bool):
        pass
    elif isinstance(value, int | float):
        if math.isfinite(value) and 0 <= value <= 1:
            return value
    elif isinstance(value, str) and _THRESHOLD.match(value.strip()):
        return value.strip()
    msg = "a P value: a number from 0 to 1, or a threshold such as '<0.05'"
    raise ValueError(msg)


PText = Annotated[int | float | str, PlainValidator(_p_value)]


class _Figure(Model):
    name: Name
    source: Sentence
    label: Sentence | None = None


class Count(_Figure):
    """A number of people or events; ``part_of`` names the count it is a part of.
    ``parts_complete`` says that the counts naming this one in their ``part_of`` make all of
    it (the source lists every part), so they must sum to it, not only stay within it.

    A count the paper does not print but whose parts it prints (34 relapses and 5 induction
    failures, so 39 patients) is given by ``sum_of``, the names of those counts, instead of a
    ``value``: the loader computes it (:func:`~.load.load_figures`), and pages say it was not
    printed."""

    kind: Literal["count"]
    value: CountValue
    part_of: Name | None = None
    parts_complete: bool = False
    sum_of: list[Name] | None = Field(default=None, min_length=2, max_length=100)


class Proportion(_Figure):
    """k of n and/or a percentage; ``denominator`` names the count n is, ``part_of`` the
    whole k is a part of."""

    kind: Literal["proportion"]
    k: CountValue | None = None
    n: Annotated[StrictInt, Field(gt=0, le=int(MAX_MAGNITUDE))] | None = None
    percent: Percent | None = None
    denominator: Name | None = None
    part_of: Name | None = None


class Range(Model):
    low: Value
    high: Value


class Median(_Figure):
    """A median with the range printed beside it."""

    kind: Literal["median"]
    value: Value
    range: Range | None = None
    unit: Sentence | None = None


class Interval(Model):
    """A confidence interval as printed, with its level in percent (95 for a 95% CI)."""

    lower: Value
    upper: Value
    level: Level = 95
    level_stated: bool = True


class Survival(_Figure):
    """A survival estimate (percent) at a time, with an SE or a CI; ``n`` if known, or
    ``over`` naming the count it is estimated over."""

    kind: Literal["survival"]
    # what is estimated: figures with the same endpoint are one curve at different times
    endpoint: Name | None = None
    estimate: Percent
    time: Positive
    time_unit: Literal["days", "weeks", "months", "years"]
    se: Percent | None = None
    ci: Interval | None = None
    n: Annotated[StrictInt, Field(gt=0, le=int(MAX_MAGNITUDE))] | None = None
    over: Name | None = None
    # False when the source does not say the estimate is over that count (a reading, not a fact)
    over_stated: bool = True


class Ratio(_Figure):
    """A hazard or odds ratio with its CI, and the P printed beside it."""

    kind: Literal["ratio"]
    measure: Literal["hazard", "odds"]
    estimate: Positive
    ci: Interval
    p: PText | None = None
    analysis: Literal["univariate", "multivariable"] | None = None


class PValue(_Figure):
    """A P value printed alone: exact, or a threshold ("<0.05"); the test when stated."""

    kind: Literal["p_value"]
    p: PText
    test: Sentence | None = None
    applies_to: list[Sentence] = Field(default_factory=list, max_length=100)
    analysis: Literal["univariate", "multivariable"] | None = None


Figure = Annotated[
    Count | Proportion | Median | Survival | Ratio | PValue, Field(discriminator="kind")
]
FIGURE_KINDS = ("count", "median", "p_value", "proportion", "ratio", "survival")


class Citation(Model):
    title: Sentence
    authors: list[Sentence] = Field(min_length=1, max_length=500)
    journal: Sentence
    year: Annotated[StrictInt, Field(ge=1800, le=2200)]
    volume: Sentence | None = None
    issue: Sentence | None = None
    first_page: Sentence | None = None
    last_page: Sentence | None = None
    pmid: Annotated[StrictStr, Field(pattern=r"^[1-9][0-9]{0,8}$")] | None = None
    doi: Annotated[StrictStr, Field(pattern=r"^10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+$")] | None = None
    not_verified: list[Sentence] = Field(default_factory=list)


class FigureStudy(Model):
    """A study file: its citation and its reported figures."""

    model: Literal["reported-figures"] = "reported-figures"
    citation: Citation | None = None
    figures: list[Figure] = Field(min_length=1, max_length=10_000)
