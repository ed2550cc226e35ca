"""The values a patient file's coded columns may take: shared by the file format, the cohort
arrays and the clinical rules (a leaf module, so none of them imports another for these)."""

from __future__ import annotations

__all__ = ["FIRST_EVENTS", "SALVAGE", "TRANSPLANT", "YES_NO"]

FIRST_EVENTS = ("relapse", "induction_failure")
SALVAGE = ("yes", "no", "not_evaluable")
TRANSPLANT = ("none", "in_remission", "not_in_remission", "status_unknown")
YES_NO = ("yes", "no", "")
