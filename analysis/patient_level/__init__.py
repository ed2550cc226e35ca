"""The patient-level domain: the patient file format (``schema``, ``load``), the clinical rules
every patient follows (``rules``, with the reconstruction's bounds and the two readings of the
patients missing from the remission denominator), the range of survival the published numbers
allow and the search over every order of deaths and losses behind it (``allowed``),
reconstructed cohorts (``reconstruct``) under named scenarios (``scenarios``) that meet every
published number, rule and bound, their fidelity to the paper (``fidelity``), the survival
analysis (``results``, with the models of ``fits`` and a landmark analysis of remission) and
the ``tables``, ``charts`` (drawn by ``plots``) and ``values`` built from it, each saying where
its data come from (``labels``). May import the study domain, the statistics and shared types;
never the registry or the MkDocs side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..artifact import Domain
    from .results import PatientAnalysis

    PATIENT_LEVEL: Domain[PatientAnalysis]

__all__ = ["PATIENT_LEVEL"]


def __getattr__(name: str) -> Any:
    """``PATIENT_LEVEL``, made on first use: it imports its table and value builders (and so pandas; its
    charts, and altair, are imported when first built), while
    a module of the domain imported alone (its schema, say) stays light."""
    if name != "PATIENT_LEVEL":
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from ..artifact import Domain
    from .tables import TABLES
    from .values import survival_values

    domain = Domain(
        "patient_level",
        "patient_analysis",
        tables=TABLES,
        charts_from=f"{__name__}.charts",
        values=survival_values,
    )
    globals()[name] = domain
    return domain
