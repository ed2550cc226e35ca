"""A guard for loops over what a test found: with nothing found, the loop would check nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

__all__ = ["some"]

T = TypeVar("T")


def some(items: Iterable[T], what: str, *, at_least: int = 1) -> list[T]:
    """``items`` as a list, asserting there are at least ``at_least`` of them (``what`` names
    them in the failure), so that a loop over them cannot pass by checking nothing."""
    found = list(items)
    assert len(found) >= at_least, f"found {len(found)} {what}; expected at least {at_least}"
    return found
