"""A generic domain of reported figures: any study's figures from a data file (``schema``,
``load``), checked against each other from their kinds and relations (``checks``), what the
printed numbers allow (``allowed``), both computed once in ``results``, and the ``tables``, ``charts`` and ``values`` built from
them. May import shared types and analysis.stats; never the registry or the MkDocs side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..artifact import Domain
    from .results import FigureResults

    FIGURES: Domain[FigureResults]

__all__ = ["FIGURES"]


def __getattr__(name: str) -> Any:
    """``FIGURES``, made on first use: it imports the builders (and so pandas), while a module
    of the domain imported alone (its schema, say) stays light."""
    if name != "FIGURES":
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from ..artifact import Domain
    from .charts import CHARTS
    from .tables import TABLES
    from .values import figures_values

    domain = Domain(
        "figures", "figure_results", tables=TABLES, charts=CHARTS, values=figures_values
    )
    globals()[name] = domain
    return domain
