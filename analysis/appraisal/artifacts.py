"""The appraisal domain's tables and values, built from the appraisal once every value it may
cite (study, context, patient-level) is known."""

from __future__ import annotations

from collections.abc import Callable

from ..artifact import Table
from .schema import Appraisal
from .tables import appraisal_values, checklist_table, limitations_table, pico_table

__all__ = ["APPRAISAL_TABLES", "appraisal_values"]

APPRAISAL_TABLES: tuple[Callable[[Appraisal], Table], ...] = (
    checklist_table,
    pico_table,
    limitations_table,
)
