"""The rendered artifacts as one JSON-serialisable bundle, cached by the content of its inputs.

This module is deliberately light (standard library only): a build whose inputs have not
changed reads the cached bundle and never imports pandas, scipy, altair or lifelines.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from .child import Child

__all__ = [
    "BUNDLE_FORMAT",
    "ROOT_TOKEN",
    "Bundle",
    "BundleJob",
    "fingerprint",
    "start_bundle",
]

BUNDLE_FORMAT = 2
ROOT_TOKEN = "__SITE_ROOT__/"  # replaced by the site glue with the page's path to the site root
PACKAGE_DIR = Path(__file__).parent
_VERSIONED = (
    "altair",
    "vl-convert-python",
    "pandas",
    "numpy",
    "scipy",
    "pydantic",
    "pyyaml",
    "mll-relapse-study",
)  # the project version is the handout's edition


@dataclass(frozen=True)
class Bundle:
    """Rendered output: HTML blocks by ``"kind:name"``, inline values, and files for the site."""

    blocks: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    binary: list[str] = field(default_factory=list)  # files whose text is base64 of bytes
    fingerprint: str = ""

    def file_content(self, path: str) -> str | bytes:
        """A file's content: text, or bytes for binary files."""
        if path in self.binary:
            return base64.b64decode(self.files[path])
        return self.files[path]

    def names(self, kind: str) -> list[str]:
        if kind == "value":
            return sorted(self.values)
        prefix = f"{kind}:"
        return sorted(k.removeprefix(prefix) for k in self.blocks if k.startswith(prefix))

    def to_json(self) -> str:
        return json.dumps({"format": BUNDLE_FORMAT, **asdict(self)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Bundle:
        raw = json.loads(text)
        if raw.pop("format", None) != BUNDLE_FORMAT:
            msg = "bundle written by another version of the analysis package"
            raise ValueError(msg)
        return cls(**raw)


def _input_files(package_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in package_dir.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    )


def fingerprint(*, package_dir: Path = PACKAGE_DIR, extra: tuple[Path, ...] = ()) -> str:
    """Hash of everything the bundle depends on: the package's code and data, extra input
    files, the Python version and the versions of the libraries that compute and render."""
    digest = hashlib.sha256()
    digest.update(f"format {BUNDLE_FORMAT}; python {sys.version_info[:3]}\n".encode())
    for dist in _VERSIONED:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{dist}=={version}\n".encode())
    for path in (*_input_files(package_dir), *extra):
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes() if path.exists() else b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()[:20]


class BundleJob:
    """The bundle for a fingerprint: read from the cache, or computed in a child process.

    Computing in a child process means code edited during ``mkdocs serve`` is always the
    code that runs, and lets the computation overlap with the site generator's own work.
    """

    def __init__(
        self,
        cache_dir: Path,
        key: str,
        *,
        study_file: Path | None = None,
        patients_file: Path | None = None,
    ) -> None:
        self.path = cache_dir / f"bundle-{key}.json"
        self.key = key
        self._child: Child | None = None
        self._bundle: Bundle | None = None
        if self.path.exists():
            try:
                self._bundle = Bundle.from_json(self.path.read_text(encoding="utf-8"))
            except (ValueError, TypeError, json.JSONDecodeError):
                self._bundle = None  # unreadable cache entry: compute it again
        if self._bundle is None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            args = ["bundle", "--out", str(self.path), "--fingerprint", key]
            if study_file is not None:
                args += ["--study", str(study_file)]
            if patients_file is not None:
                args += ["--patients", str(patients_file)]
            self._child = Child(*args)

    @property
    def cached(self) -> bool:
        return self._child is None

    def result(self) -> Bundle:
        """Wait for the bundle; raise :class:`AnalysisError` with the child's message on failure."""
        if self._bundle is not None:
            return self._bundle
        assert self._child is not None
        self._child.wait()
        self._bundle = Bundle.from_json(self.path.read_text(encoding="utf-8"))
        return self._bundle


def start_bundle(
    cache_dir: Path, *, study_file: Path | None = None, patients_file: Path | None = None
) -> BundleJob:
    """Start getting the bundle for the current inputs (cache hit: immediate)."""
    if patients_file is not None:
        patients_file = patients_file.resolve()
    extra = tuple(p for p in (study_file, patients_file) if p is not None)
    return BundleJob(
        cache_dir, fingerprint(extra=extra), study_file=study_file, patients_file=patients_file
    )
