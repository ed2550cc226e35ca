"""The one digest of the project: what some output was made from, as one hexadecimal string.

Every key that says "made from this code, these data and these libraries" is made here: the
analysis bundle's (:func:`fingerprint`), each cached step's (:func:`step_key`: a chart's
drawing, a scenario's reconstruction), the executed notebook's, the Vega runtime's, the
waiting child's check that the code it loaded is unchanged, and the number diff's check that
two trees hold the same code and data. Standard library only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path

from .bundle import BUNDLE_FORMAT

__all__ = [
    "KEY_LENGTH",
    "PACKAGE_DIR",
    "VERSIONED",
    "digest",
    "fingerprint",
    "package_files",
    "step_key",
    "versions",
    "versions_read_once",
]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
KEY_LENGTH = 20  # hexadecimal digits of a cache key: a folder's name
# Every library whose version can change what the analysis computes or draws (a test checks that
# each one the analysis imports is here), and the project's version (the handout's edition).
VERSIONED = (
    "altair",
    "vl-convert-python",
    "pandas",
    "numpy",
    "scipy",
    "lifelines",
    "pydantic",
    "pyyaml",
    "markdown",
    "nh3",
    "mll-relapse-study",
)


# Each distribution's version as first read inside :func:`versions_read_once`, else None.
_VERSIONS: dict[str, str] | None = None


def versions(distributions: Iterable[str]) -> dict[str, str]:
    """The installed version of each distribution ("absent" where it is not installed)."""
    found = {}
    for dist in distributions:
        if _VERSIONS is not None and dist in _VERSIONS:
            found[dist] = _VERSIONS[dist]
            continue
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "absent"
        if _VERSIONS is not None:
            _VERSIONS[dist] = found[dist]
    return found


@contextlib.contextmanager
def versions_read_once() -> Iterator[None]:
    """Within it, each distribution's version is read once: a bundle makes some twenty keys,
    and reading a version parses the distribution's metadata (0.1 s of a cached bundle). Only
    for a run that ends before anything is upgraded (not the server's own process)."""
    global _VERSIONS  # one cache, for the one run inside the block
    outer, _VERSIONS = _VERSIONS, {} if _VERSIONS is None else _VERSIONS
    try:
        yield
    finally:
        _VERSIONS = outer


def digest(
    *lines: str,
    libraries: Iterable[str] = (),
    files: Iterable[Path] = (),
    relative_to: Path | None = None,
) -> str:
    """SHA-256 (hexadecimal) of ``lines``, then each library's installed version, then each
    file's path and content, in the order given.

    A file's path is taken relative to ``relative_to`` (default: its drive or root, so the same
    content elsewhere is another key); a missing file counts as ``(missing)``.
    """
    hashed = hashlib.sha256()
    for line in lines:
        hashed.update(f"{line}\n".encode())
    for dist, version in versions(libraries).items():
        hashed.update(f"{dist}=={version}\n".encode())
    for path in files:
        name = path.relative_to(relative_to if relative_to is not None else path.anchor)
        hashed.update(name.as_posix().encode())
        hashed.update(b"\0")
        hashed.update(path.read_bytes() if path.exists() else b"(missing)")
        hashed.update(b"\0")
    return hashed.hexdigest()


def package_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Every file of the package, code and data, without bytecode caches, sorted."""
    return sorted(
        p
        for p in package_dir.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    )


def fingerprint(*, package_dir: Path = PACKAGE_DIR, extra: tuple[Path, ...] = ()) -> str:
    """The analysis bundle's key: the package's code and data, extra input files, the Python
    version and the versions of the libraries that compute and render."""
    header = f"format {BUNDLE_FORMAT}; python {sys.version_info[:3]}"
    files = [*package_files(package_dir), *extra]
    return digest(header, libraries=VERSIONED, files=files)[:KEY_LENGTH]


def step_key(
    step: str,
    data: object,
    *,
    libraries: Iterable[str] = (),
    code: Iterable[Path] = (),
) -> str:
    """One cached step's key: the step's name, ``data`` (what the step reads, as JSON: dicts,
    lists, strings and numbers), the libraries' versions and the code's files (paths taken
    relative to the package's parent, so the key names the code, not the checkout)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    header = f"step {step}; python {sys.version_info[:3]}"
    return digest(header, text, libraries=libraries, files=code, relative_to=PACKAGE_DIR.parent)[
        :KEY_LENGTH
    ]
