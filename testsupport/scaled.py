"""Larger studies made from the shipped one, for tests of how the analysis scales.

The shipped study scaled ×10 keeps every published proportion and reads as a coherent study:
391 relapsed or refractory patients (341 relapses + 50 induction failures, the total kept odd
as the first-remission median needs), 150 of 370 in remission, 5-year overall survival 25.6%
± 2.2% (the error shrinks about as one over the square root of the patients), 21 transplants
of unknown status (as many as the 391 − 370 patients not evaluated, so the scenario reading
them as the same patients stays possible; 231 transplants in all) and every other count ×10. It is synthetic: made here from the shipped file, never committed as a copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .project import PROJECT, STUDY_FILE

__all__ = [
    "COMPARATORS_X10",
    "SCALED_X10",
    "scaled_study_text",
    "write_scaled_comparators",
    "write_scaled_study",
]

COMPARATORS_FILE = PROJECT / "analysis" / "data" / "comparators.yaml"

# entry id -> field -> value in the ×10 study (every other field as shipped).
SCALED_X10: dict[str, dict[str, Any]] = {
    "cohort": {"value": 800},
    "relapses": {"value": 341},
    "induction_failures": {"value": 50},
    "salvage_remission": {"numerator": 150, "denominator": 370, "percent": 40.5},
    "hsct": {"value": 231},
    "hsct_in_remission": {"value": 90},
    "hsct_not_in_remission": {"value": 120},
    "hsct_status_unknown": {"value": 21},
    "os_5y": {"percent": 25.6, "se": 2.2},
}


def scaled_study_text(changes: dict[str, dict[str, Any]] = SCALED_X10) -> str:
    """The shipped study file with ``changes`` (entry id -> field -> value) applied, marked
    synthetic in its title."""
    data = yaml.safe_load(STUDY_FILE.read_text(encoding="utf-8"))
    found: set[str] = set()
    for section in data.values():
        if not isinstance(section, list):
            continue
        for entry in section:
            if isinstance(entry, dict) and entry.get("id") in changes:
                entry.update(changes[entry["id"]])
                found.add(entry["id"])
    missing = set(changes) - found
    assert not missing, f"{STUDY_FILE}: no entries {sorted(missing)} to change"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_scaled_study(path: Path, changes: dict[str, dict[str, Any]] = SCALED_X10) -> Path:
    """Write :func:`scaled_study_text` to ``path`` and return it."""
    path.write_text(scaled_study_text(changes), encoding="utf-8")
    return path


# The comparator file's entries for this study itself, as the ×10 study has them (the file is
# checked against the study it goes with). Section -> entry id -> field -> value.
COMPARATORS_X10: dict[str, dict[str, dict[str, Any]]] = {
    "cohorts": {"jilsg_mll96_98": {"n": 391, "n_of": 800}},
    "estimates": {"jilsg_os_5y": {"se": 2.2}},
}


def write_scaled_comparators(
    path: Path, changes: dict[str, dict[str, dict[str, Any]]] = COMPARATORS_X10
) -> Path:
    """The shipped comparator file with ``changes`` applied (for the ×10 study), written to
    ``path``."""
    data = yaml.safe_load(COMPARATORS_FILE.read_text(encoding="utf-8"))
    for section, entries in changes.items():
        found = {entry.get("id") for entry in data[section]}
        assert set(entries) <= found, f"{COMPARATORS_FILE}: no {sorted(set(entries) - found)}"
        for entry in data[section]:
            entry.update(entries.get(entry.get("id"), {}))
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
