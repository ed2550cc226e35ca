"""The ``study-analysis`` plugin's settings (``plugins: - study-analysis:`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

__all__ = ["ArtifactsConfig"]


class ArtifactsConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs's Config.__init_subclass__ is unannotated
    enabled = c.Type(bool, default=True)
    """Compute the analysis and place its tables, charts and values in the pages."""
    cache_dir = c.Type(str, default=".cache/analysis")
    """Where computed bundles are kept, by the key of their inputs (relative to mkdocs.yml)."""
    study = c.Optional(c.File(exists=True))
    """A study file to use instead of the packaged ``analysis/data/study.yaml``."""
    patients = c.Optional(c.File(exists=True))
    """A real patient-level CSV replacing the reconstruction everywhere (the notebook too)."""
    preview_chart = c.Type(str, default="patient_flow")
    """The chart whose build-time PNG previews a shared link to a page without a chart."""
    serve_signal_dir = c.Type(str, default=".cache/serve")
    """Under ``serve``: the folder whose file says the work left after the pages is done (a
    rebuild follows; :mod:`analysis.mkdocs_side.signals`)."""
    serve_ahead = c.Type(bool, default=True)
    """Under ``serve``: start the next bundle's child ahead of the edit, its libraries imported
    (one process, waiting; ``benchmarks/serve_latency.py --no-ahead`` measures what it buys)."""
