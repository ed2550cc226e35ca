"""The registry's steps taken from the step cache, or computed and filed there: each domain's
charts, tables and values (keyed by what the domain reads,
:meth:`~analysis.registry.Inputs.reads`) and the patient-level analysis (by what it reads,
:func:`~analysis.patient_level.results.analysis_reads`), with the code that computes them."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from ..wire.digest import PACKAGE_DIR, VERSIONED, package_files, step_key
from ..wire.steps import Steps

__all__ = ["NOT_RUN", "NOT_RUN_FILES", "domain_code", "registry_step", "registry_step_key"]


# What computing a domain's outputs never runs: the site generator's side, the bundle child's
# own code, the wire format, publishing, reviews, notes, and the drawing and rendering of the
# outputs once made (a test computes every domain and checks that no module it ran is left out).
NOT_RUN = frozenset({"mkdocs_side", "child_side", "wire", "publish", "review", "notes"})
NOT_RUN_FILES = frozenset({"render/draw.py", "render/blocks.py", "__main__.py"})


@cache
def domain_code() -> tuple[Path, ...]:
    """The analysis code a domain's outputs can depend on: every module of the package but
    those it never runs. Read once per process."""
    return tuple(
        path
        for path in package_files(PACKAGE_DIR)
        if path.suffix == ".py"
        and path.relative_to(PACKAGE_DIR).parts[0] not in NOT_RUN
        and path.relative_to(PACKAGE_DIR).as_posix() not in NOT_RUN_FILES
    )


def registry_step_key(name: str, reads: object) -> str:
    """The key of a step of the registry (``"domain study"``, ``"analysis"``): its name, what it
    reads, the libraries' versions and the package's code (:func:`domain_code`)."""
    return step_key(name, reads, libraries=VERSIONED, code=domain_code())


def registry_step(steps: Steps, name: str, reads: object, compute: Callable[[], Any]) -> Any:
    """A step's result (a domain's outputs, the patient-level analysis) from the step cache, or
    computed now and filed there; the step cache counts it under the name's first word."""
    kind = name.split()[0]
    key = registry_step_key(name, reads)
    found = steps.get(kind, key)
    if found is not None:
        return found
    made = compute()
    steps.put(kind, key, made)
    return made
