"""One cell of a computed table read as a number, checked: pandas types a cell as any scalar
(text, dates, missing values …), so code that does arithmetic on one says here that it expects a
real number and fails with the table, row and column if it is not."""

from __future__ import annotations

import math
import numbers

import pandas as pd

from .errors import AnalysisError

__all__ = ["number_at", "optional_real", "optional_text"]


def number_at(frame: pd.DataFrame, row: str, column: str, *, table: str) -> float:
    """The number in ``frame`` at (``row``, ``column``); ``table`` names the frame in errors."""
    value: object = frame.loc[row, column]
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        msg = (
            f"computed table {table!r}, row {row!r}, column {column!r}: found {value!r}; "
            "expected a real number"
        )
        raise AnalysisError(msg)
    return float(value)


def optional_real(value: object, *, where: str) -> float | None:
    """A row field (from ``itertuples``) that holds a number or nothing, returned unchanged;
    anything else raises naming ``where``."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    msg = f"{where}: found {value!r}; expected a number or nothing"
    raise AnalysisError(msg)


def optional_text(value: object, *, where: str) -> str | None:
    """A row field that holds text or nothing, returned unchanged; anything else raises."""
    if value is None or isinstance(value, str):
        return value
    msg = f"{where}: found {value!r}; expected text or nothing"
    raise AnalysisError(msg)
