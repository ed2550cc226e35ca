"""The appraisal's inline values (``{{ value NAME }}``): the bottom line, who reviewed it and
when, the answer counts, the edition."""

from __future__ import annotations

from .schema import Appraisal
from .tables import edition, reviewers_text

__all__ = ["appraisal_values"]


def appraisal_values(appraisal: Appraisal) -> dict[str, str]:
    """Inline values: the bottom line, who reviewed it and when, answer counts, the edition."""
    meta = appraisal.appraisal
    answers = [item.answer for item in appraisal.checklist]
    return {
        "appraisal_bottom_line": appraisal.bottom_line,
        "appraisal_date": meta.date.isoformat(),
        "appraisal_reviewers": reviewers_text(appraisal),
        "appraisal_basis": meta.basis,
        "appraisal_design": appraisal.design,
        "appraisal_checklist": meta.checklist,
        "appraisal_checklist_url": meta.checklist_url,
        "appraisal_checklist_note": meta.checklist_note,
        "appraisal_questions": str(len(answers)),
        "appraisal_yes": str(answers.count("yes")),
        "appraisal_no": str(answers.count("no")),
        "appraisal_cant_tell": str(answers.count("can't tell")),
        "appraisal_limitations": str(len(appraisal.limitations)),
        "edition": edition(),
    }
