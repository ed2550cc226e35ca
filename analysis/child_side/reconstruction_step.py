"""What a reconstruction reads, as a step key (:func:`~analysis.wire.digest.step_key`), and the
reconstruction taken from the step cache or drawn and filed there."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..patient_level.reconstruct import DEFAULT_SEED, Reconstruction, reconstruct
from ..patient_level.scenarios import Assumptions
from ..study.prose import numbers_and_rules
from ..study.schema import Study
from ..wire.digest import PACKAGE_DIR, package_files, step_key
from ..wire.steps import Steps

__all__ = ["reconstructed", "reconstruction_key"]

# The reconstruction's code: the patient-level package and the statistics it calls.
CODE_DIRS = ("patient_level", "stats")
LIBRARIES = ("numpy", "pandas", "scipy")


def _code() -> list[Path]:
    return [path for name in CODE_DIRS for path in package_files(PACKAGE_DIR / name)]


def reconstruction_key(
    study: Study, *, cohorts: int, assumptions: Assumptions, seed: int = DEFAULT_SEED
) -> str:
    """The key of a reconstruction: the study's numbers and rules (not its prose), the number
    of cohorts, the seed, the scenario's assumptions and the reconstruction's code."""
    data = {
        "study": numbers_and_rules(study),  # the reconstruction reads no sentence (a test)
        "cohorts": cohorts,
        "seed": seed,
        "assumptions": dataclasses.asdict(assumptions),
    }
    return step_key("reconstruction", data, libraries=LIBRARIES, code=_code())


def reconstructed(
    steps: Steps, study: Study, *, cohorts: int, assumptions: Assumptions
) -> Reconstruction:
    """The scenario's cohorts from the step cache, or drawn now and filed there."""
    key = reconstruction_key(study, cohorts=cohorts, assumptions=assumptions)
    found = steps.get("reconstruction", key)
    if isinstance(found, Reconstruction):
        return found
    made = reconstruct(study, cohorts=cohorts, assumptions=assumptions)
    steps.put("reconstruction", key, made)
    return made
