"""Fields of computed tables' rows (from ``itertuples``) read as numbers, checked: pandas types a
field as any scalar, so code that formats or compares one says here that it expects a real number
(NaN included: these tables mark a missing value with it) and fails naming the field if not."""

from __future__ import annotations

import numbers

from ..errors import AnalysisError

__all__ = ["real", "text", "whole"]


def real(value: object, *, where: str) -> float:
    """``value`` as a float (NaN allowed); anything but a real number raises naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{where}: found {value!r}; expected a real number"
        raise AnalysisError(msg)
    return float(value)


def whole(value: object, *, where: str) -> int:
    """``value`` as an int; anything but an integer raises naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        msg = f"{where}: found {value!r}; expected an integer"
        raise AnalysisError(msg)
    return int(value)


def text(value: object, *, where: str) -> str:
    """``value`` as it is if it is a str; anything else raises naming ``where``."""
    if not isinstance(value, str):
        msg = f"{where}: found {value!r}; expected text"
        raise AnalysisError(msg)
    return value
