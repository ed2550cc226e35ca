"""The study file's text for readers, apart from its numbers and rules: what a step that never
shows a figure's sentence may leave out of its key (:func:`without_prose`)."""

from __future__ import annotations

from typing import Any

from .schema import Study

__all__ = ["PROSE", "numbers_and_rules", "without_prose"]

# The fields that are text for readers: the sentence each figure comes from and the notes on
# its ambiguity. Labels are not among them: the patient-level tables show them.
PROSE = frozenset({"source", "ambiguity"})


def without_prose(value: Any, fields: frozenset[str] = PROSE) -> Any:
    """``value`` (a study's dump: dicts, lists, numbers, text) without the ``fields`` (its
    :data:`PROSE`, by default)."""
    if isinstance(value, dict):
        return {k: without_prose(v, fields) for k, v in value.items() if k not in fields}
    if isinstance(value, list):
        return [without_prose(v, fields) for v in value]
    return value


def numbers_and_rules(study: Study, *, leave_out: frozenset[str] = PROSE) -> Any:
    """The study as JSON data, its prose (or the fields ``leave_out``) left out."""
    return without_prose(study.model_dump(mode="json"), leave_out)
