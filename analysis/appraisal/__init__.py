"""The appraisal domain: the journal-club checklist, PICO and limitations
(``analysis/data/appraisal.yaml``: ``schema``, ``load``), whose texts may cite any value computed
by the other domains, and the ``tables`` and ``values`` built from the loaded appraisal (no
chart; nothing computed beyond the values filled in). May import shared types and the study
schema; never the registry or the MkDocs side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..artifact import Domain
    from .schema import Appraisal

    APPRAISAL: Domain[Appraisal]

__all__ = ["APPRAISAL"]


def __getattr__(name: str) -> Any:
    """``APPRAISAL``, made on first use: it imports every builder (and so pandas and altair), while
    a module of the domain imported alone (its schema, say) stays light."""
    if name != "APPRAISAL":
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from ..artifact import Domain
    from .tables import TABLES
    from .values import appraisal_values

    domain = Domain("appraisal", "appraisal", tables=TABLES, charts=(), values=appraisal_values)
    globals()[name] = domain
    return domain
