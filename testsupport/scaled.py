"""Larger studies made from the shipped one, for tests of how the analysis scales.

The shipped study scaled ×10 keeps every published proportion and reads as a coherent study:
391 relapsed or refractory patients (341 relapses + 50 induction failures, the total kept odd
as the first-remission median needs), 150 of 370 in remission, 5-year overall survival 25.6%
± 2.2% (the error shrinks about as one over the square root of the patients), and every other
count ×10. It is synthetic: made here from the shipped file, never committed as a copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .project import STUDY_FILE

__all__ = ["SCALED_X10", "scaled_study_text", "write_scaled_study"]

# entry id -> field -> value in the ×10 study (every other field as shipped).
SCALED_X10: dict[str, dict[str, Any]] = {
    "cohort": {"value": 800},
    "relapses": {"value": 341},
    "induction_failures": {"value": 50},
    "salvage_remission": {"numerator": 150, "denominator": 370, "percent": 40.5},
    "hsct": {"value": 230},
    "hsct_in_remission": {"value": 90},
    "hsct_not_in_remission": {"value": 120},
    "hsct_status_unknown": {"value": 20},
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
