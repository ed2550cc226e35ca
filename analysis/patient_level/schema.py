"""Patient-level data: the documented CSV schema (read by :mod:`.load`).

One row per patient. Times are months from the start of second-line treatment.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import FIRST_EVENTS, SALVAGE, TRANSPLANT, YES_NO

__all__ = [
    "COLUMNS",
    "FIRST_EVENTS",
    "SALVAGE",
    "TRANSPLANT",
    "YES_NO",
    "Column",
]


@dataclass(frozen=True)
class Column:
    """One column of the patient file: its name, kind, whether required, allowed values."""

    name: str
    kind: str  # "id", "months", "optional_months", "flag", "category", "text"
    description: str
    required: bool = True
    allowed: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "patient identifier, unique within the file"),
    Column(
        "months",
        "months",
        "months from the start of second-line treatment to death or last follow-up",
    ),
    Column("death", "flag", "1 if the patient died at `months`, 0 if alive at last follow-up"),
    Column("first_event", "category", "what ended first-line treatment", allowed=FIRST_EVENTS),
    Column(
        "first_remission_months",
        "months",
        "months in first remission (0 for an induction failure)",
    ),
    Column("salvage_remission", "category", "remission after salvage therapy", allowed=SALVAGE),
    Column(
        "transplant",
        "category",
        "stem cell transplant and remission status at it",
        allowed=TRANSPLANT,
    ),
    Column(
        "transplant_months",
        "optional_months",
        "months from the start of second-line treatment to the transplant (blank = not recorded)",
        required=False,
    ),
    Column(
        "age_under_3_months",
        "category",
        "under 3 months old at first diagnosis (blank = not recorded)",
        required=False,
        allowed=YES_NO,
    ),
    Column(
        "cns_involvement",
        "category",
        "CNS involvement at first diagnosis (blank = not recorded)",
        required=False,
        allowed=YES_NO,
    ),
    Column(
        "data_source",
        "text",
        "where the row comes from, e.g. that it is reconstructed (free text, not analysed)",
        required=False,
    ),
)
