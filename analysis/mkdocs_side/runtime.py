"""The self-hosted Vega runtime that makes charts interactive: Vega alone, as ``window.vega``.

Specs are compiled from Vega-Lite to Vega at build time, so the browser needs neither Vega-Lite
nor vega-embed (about 200 KB gzip instead of about 300 KB); ``docs/javascripts/study-charts.js``
draws with ``vega.View`` and shows tooltips itself. The file is produced by
``vl_convert.javascript_bundle`` with a snippet that uses only ``vega``, so the browser never
calls a CDN. Producing it takes ~5 s and depends only on the
installed packages, not on the project's inputs, so it is made once per environment (``make``
does it right after installing; ``python -m analysis runtime``) and kept beside the environment
in ``<sys.prefix>/share/study-site/``. A build that finds it missing or stale makes it then.
"""

from __future__ import annotations

import json
import os
import sys
from importlib import metadata
from pathlib import Path

from .child import Child

__all__ = ["RUNTIME_DIR", "RuntimeJob", "ensure_runtime", "runtime_file", "versions"]

RUNTIME_DIR = Path(sys.prefix) / "share" / "study-site"
_MANIFEST = "vega-runtime.json"
_BUNDLE = "vega-only"


def _snippet(vega_version: str) -> str:
    """The bundle's entry point: Vega's own module namespace as ``window.vega``, nothing else.

    It imports Vega by the path vl-convert keeps it under: the bare name ``vega`` a snippet may
    use is Vega's *default* export, which does not exist (vl-convert binds it to ``null``).
    """
    return (
        f'import * as vegaModule from "/npm/vega@{vega_version}/+esm";\nwindow.vega = vegaModule;\n'
    )


def versions() -> dict[str, str]:
    """Installed versions the runtime depends on (cheap: reads package metadata only)."""
    return {dist: metadata.version(dist) for dist in ("altair", "vl-convert-python")}


def runtime_file(directory: Path = RUNTIME_DIR) -> Path | None:
    """The runtime made for the installed versions, or None if it is missing or stale."""
    try:
        manifest = json.loads((directory / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = directory / str(manifest.get("file", ""))
    fresh = manifest.get("versions") == versions() and manifest.get("bundle") == _BUNDLE
    if not fresh or not path.is_file():
        return None
    return path


def ensure_runtime(directory: Path = RUNTIME_DIR) -> Path:
    """Return the runtime file, making it first if needed (written atomically)."""
    existing = runtime_file(directory)
    if existing is not None:
        return existing
    import vl_convert as vlc

    vega_version = vlc.get_vega_version()
    code = vlc.javascript_bundle(_snippet(vega_version))
    directory.mkdir(parents=True, exist_ok=True)
    name = f"vega-runtime-vega{vega_version}-vlc{vlc.__version__}.js"
    tmp = directory / f".{name}.{os.getpid()}"
    tmp.write_text(code, encoding="utf-8")
    tmp.replace(directory / name)
    manifest = {"file": name, "versions": versions(), "bundle": _BUNDLE, "vega": vega_version}
    tmp = directory / f".{_MANIFEST}.{os.getpid()}"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    tmp.replace(directory / _MANIFEST)
    return directory / name


class RuntimeJob:
    """The runtime file: found at once, or being made by a child process (~5 s, once per env)."""

    def __init__(self, directory: Path = RUNTIME_DIR) -> None:
        self._path = runtime_file(directory)
        self._child = Child("runtime", "--dir", str(directory)) if self._path is None else None

    def result(self) -> Path:
        if self._path is None:
            assert self._child is not None
            out = self._child.wait(what="could not make the Vega runtime")
            self._path = Path(out.strip().splitlines()[-1])
        return self._path
