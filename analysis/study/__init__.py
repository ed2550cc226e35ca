"""The study domain: the data file of reported figures (``schema``, ``load``), what is derived
from it (``results``: the patient flow, the consistency checks, the intervals), the paper's
citation records (Highwire tags, JSON-LD, BibTeX, RIS), and the ``tables``, ``charts`` (drawn
by ``plots``) and ``values`` built from the results. May import :mod:`analysis.stats`, the
shared types and the theme; never the registry, another domain or the MkDocs side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..artifact import Domain
    from .results import StudyResults

    STUDY: Domain[StudyResults]

__all__ = ["STUDY"]


def __getattr__(name: str) -> Any:
    """``STUDY``, made on first use: it imports its table and value builders (and so pandas; its
    charts, and altair, are imported when first built), while
    a module of the domain imported alone (its schema, say) stays light."""
    if name != "STUDY":
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from ..artifact import Domain
    from .tables import TABLES
    from .values import study_values

    domain = Domain(
        "study",
        "study_results",
        tables=TABLES,
        charts_from=f"{__name__}.charts",
        values=study_values,
    )
    globals()[name] = domain
    return domain
