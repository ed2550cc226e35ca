"""``python -m analysis runtime``: make the self-hosted Vega runtime that makes charts
interactive, Vega alone, as ``window.vega``.

Specs are compiled from Vega-Lite to Vega at build time, so the browser needs neither Vega-Lite
nor vega-embed (about 200 KB gzip instead of about 300 KB); ``docs/javascripts/study-charts.js``
draws with ``vega.View`` and shows tooltips itself. The file is produced by
``vl_convert.javascript_bundle`` with a snippet that uses only ``vega``, so the browser never
calls a CDN. Producing it takes ~5 s; where it is kept and how it is found:
:mod:`analysis.wire.runtime`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..wire.digest import versions
from ..wire.runtime import BUNDLE, DISTRIBUTIONS, MANIFEST, RUNTIME_DIR, runtime_file, runtime_key

__all__ = ["ensure_runtime", "runtime_command"]


def _snippet(vega_version: str) -> str:
    """The bundle's entry point: Vega's own module namespace as ``window.vega``, nothing else.

    It imports Vega by the path vl-convert keeps it under: the bare name ``vega`` a snippet may
    use is Vega's *default* export, which does not exist (vl-convert binds it to ``null``).
    """
    return (
        f'import * as vegaModule from "/npm/vega@{vega_version}/+esm";\nwindow.vega = vegaModule;\n'
    )


def ensure_runtime(directory: Path = RUNTIME_DIR) -> Path:
    """Return the runtime file, making it first if needed (written atomically)."""
    existing = runtime_file(directory)
    if existing is not None:
        return existing
    import vl_convert as vlc

    vega_version = vlc.get_vega_version()
    code = vlc.javascript_bundle(_snippet(vega_version))
    directory.mkdir(parents=True, exist_ok=True)
    vlc_version = vlc.__version__  # type: ignore[attr-defined]  # vl_convert's stubs omit __version__
    name = f"vega-runtime-vega{vega_version}-vlc{vlc_version}.js"
    tmp = directory / f".{name}.{os.getpid()}"
    tmp.write_text(code, encoding="utf-8")
    tmp.replace(directory / name)
    manifest = {
        "file": name,
        "key": runtime_key(),
        "versions": versions(DISTRIBUTIONS),
        "bundle": BUNDLE,
        "vega": vega_version,
    }
    tmp = directory / f".{MANIFEST}.{os.getpid()}"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    tmp.replace(directory / MANIFEST)
    return directory / name


def runtime_command(directory: Path | None = None) -> int:
    """``python -m analysis runtime``: make the runtime if missing and print where it is (the
    site generator's job reads that last line)."""
    print(ensure_runtime(directory or RUNTIME_DIR))
    return 0
