"""The context domain: comparator cohorts, treatment eras and newer therapies
(``analysis/data/comparators.yaml``: ``schema``, ``load``), the rows computed from them
(``results``), and the ``tables``, chart (``charts``, drawn by ``plots``) and ``values``, each
built from the validated file. May import the study domain (its schema and intervals), the
statistics and shared types; never the registry or the MkDocs side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..artifact import Domain
    from .schema import Comparators

    CONTEXT: Domain[Comparators]

__all__ = ["CONTEXT"]


def __getattr__(name: str) -> Any:
    """``CONTEXT``, made on first use: it imports its table and value builders (and so pandas; its
    charts, and altair, are imported when first built), while
    a module of the domain imported alone (its schema, say) stays light."""
    if name != "CONTEXT":
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from ..artifact import Domain
    from .tables import TABLES
    from .values import context_values

    domain = Domain(
        "context",
        "comparators",
        tables=TABLES,
        charts_from=f"{__name__}.charts",
        values=context_values,
    )
    globals()[name] = domain
    return domain
