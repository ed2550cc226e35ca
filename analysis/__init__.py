"""Analysis of Tomizawa et al. 2009: data, statistics, tables and charts for the study site.

Importing the package is cheap on purpose: the public names below are loaded on first use, so
the MkDocs side, which imports only light modules, never loads pandas, scipy or altair.

    >>> from analysis import Inputs, build_artifacts
    >>> artifacts = build_artifacts(Inputs())            # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "Inputs",
    "PatientAnalysis",
    "StudyResults",
    "analyse",
    "build_artifacts",
    "fidelity_table",
    "km_chart",
    "load_appraisal",
    "load_comparators",
    "load_patients",
    "load_study",
    "models_table",
]

_WHERE = {
    "Inputs": "registry",
    "build_artifacts": "registry",
    "load_study": "study.load",
    "StudyResults": "study.results",
    "load_comparators": "context.load",
    "load_appraisal": "appraisal.load",
    "load_patients": "patient_level.load",
    "analyse": "patient_level.results",
    "PatientAnalysis": "patient_level.results",
    "fidelity_table": "patient_level.tables",
    "models_table": "patient_level.tables",
    "km_chart": "patient_level.plots",
}

if TYPE_CHECKING:
    from .appraisal.load import load_appraisal
    from .context.load import load_comparators
    from .patient_level.load import load_patients
    from .patient_level.plots import km_chart
    from .patient_level.results import PatientAnalysis, analyse
    from .patient_level.tables import fidelity_table, models_table
    from .registry import Inputs, build_artifacts
    from .study.load import load_study
    from .study.results import StudyResults


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        msg = f"module 'analysis' has no attribute {name!r}; its public names are {__all__}"
        raise AttributeError(msg)
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
