"""Where the self-hosted Vega runtime is kept, and how either side finds it.

The runtime (Vega alone, as ``window.vega``: :mod:`analysis.child_side.runtime` makes it)
depends only on the installed packages, not on the project's inputs, so it is made once per
environment (``make`` does it right after installing; ``python -m analysis runtime``) and kept
beside the environment in ``<sys.prefix>/share/study-site/`` with a manifest naming the file
and the key it was made for. The site generator finds it with :func:`runtime_file`; a build that
finds it missing or stale has a child make it then. Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .digest import KEY_LENGTH, digest

__all__ = ["BUNDLE", "DISTRIBUTIONS", "MANIFEST", "RUNTIME_DIR", "runtime_file", "runtime_key"]

RUNTIME_DIR = Path(sys.prefix) / "share" / "study-site"
MANIFEST = "vega-runtime.json"
BUNDLE = "vega-only"  # what the runtime holds (Vega, neither Vega-Lite nor vega-embed)
DISTRIBUTIONS = ("altair", "vl-convert-python")  # the installed packages it is made from


def runtime_key() -> str:
    """The key of the runtime the installed packages make (cheap: reads package metadata)."""
    return digest(f"runtime {BUNDLE}", libraries=DISTRIBUTIONS)[:KEY_LENGTH]


def runtime_file(directory: Path = RUNTIME_DIR) -> Path | None:
    """The runtime made for the installed versions, or None if it is missing or stale."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = directory / str(manifest.get("file", ""))
    if manifest.get("key") != runtime_key() or not path.is_file():
        return None
    return path
