"""The rendered artifacts as one JSON-serialisable bundle, cached by the content of its inputs.

This module is deliberately light (standard library only): a build whose inputs have not
changed reads the cached bundle and never imports pandas, scipy, altair or lifelines.

A cache entry is a folder ``bundle-<fingerprint>/`` holding ``bundle.json`` (HTML blocks,
values, text files) and ``files/`` (pictures, stored as files). The child process that computes
an entry hands ``bundle.json`` over as soon as it is written and renders the pictures after, so
the site generator builds its pages while the pictures are drawn; :meth:`BundleJob.finish`
waits for them before the site's files are written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from ..errors import AnalysisError
from .child import Child

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_JSON",
    "FILES_DIR",
    "READY",
    "ROOT_TOKEN",
    "VERSIONED",
    "Bundle",
    "BundleJob",
    "fingerprint",
    "start_bundle",
    "write_entry",
]

BUNDLE_FORMAT = 3
BUNDLE_JSON = "bundle.json"
FILES_DIR = "files"  # beside bundle.json: the files listed in Bundle.external
READY = "ready"  # what the child prints, with the path of bundle.json, once it is written
ROOT_TOKEN = "__SITE_ROOT__/"  # replaced by the site glue with the page's path to the site root
PACKAGE_DIR = Path(__file__).parent.parent
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


@dataclass(frozen=True)
class Bundle:
    """Rendered output: HTML blocks by ``"kind:name"``, inline values, and files for the site.

    ``files`` maps a site path to its text; ``external`` lists site paths whose content is a
    file under ``files/`` beside the bundle (pictures, drawn after the bundle is handed over).
    """

    blocks: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    external: list[str] = field(default_factory=list)
    fingerprint: str = ""

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
    for dist in VERSIONED:
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
        spawn: Callable[..., Child] = Child,
        pictures_last: bool = False,
    ) -> None:
        self.entry = cache_dir / f"bundle-{key}"
        self.key = key
        self._child: Child | None = None
        self._bundle: Bundle | None = None
        if (self.entry / BUNDLE_JSON).exists():
            try:
                self._bundle = Bundle.from_json((self.entry / BUNDLE_JSON).read_text("utf-8"))
            except (ValueError, TypeError, json.JSONDecodeError):
                shutil.rmtree(self.entry, ignore_errors=True)  # unreadable entry: compute again
        self._hit = self._bundle is not None
        if self._bundle is None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            args = ["bundle", "--out", str(self.entry), "--fingerprint", key]
            if study_file is not None:
                args += ["--study", str(study_file)]
            if patients_file is not None:
                args += ["--patients", str(patients_file)]
            if pictures_last:
                args.append("--pictures-last")
            self._child = spawn(*args)

    @property
    def cached(self) -> bool:
        """Whether the bundle came from the cache (rather than a child process)."""
        return self._hit

    @property
    def done(self) -> bool:
        """Whether the entry is complete, pictures included (:meth:`finish` would not wait)."""
        return self._child is None or self._child.done

    def result(self) -> Bundle:
        """Wait for the bundle (not its pictures); :class:`AnalysisError` with the child's message
        on failure."""
        if self._bundle is not None:
            return self._bundle
        assert self._child is not None
        line = self._child.readline()
        while line and not line.startswith(f"{READY} "):  # anything else printed is passed over
            line = self._child.readline()
        if not line:
            out = self._child.wait()  # raises with the child's message if it failed
            msg = f"the analysis child process ended without a bundle; it printed: {out[-2000:]}"
            raise AnalysisError(msg)
        written = Path(line.removeprefix(f"{READY} ").strip())
        try:
            text = written.read_text(encoding="utf-8")
        except FileNotFoundError:  # the child has finished meanwhile and moved it into place
            text = (self.entry / BUNDLE_JSON).read_text(encoding="utf-8")
        self._bundle = Bundle.from_json(text)
        return self._bundle

    def external_file(self, site_path: str) -> Path:
        """Where an external file of the bundle is (once :meth:`finish` has returned)."""
        return self.entry / FILES_DIR / site_path

    def finish(self) -> None:
        """Wait until the entry is complete, pictures included (at once for a cache hit)."""
        self.result()
        if self._child is not None:
            self._child.wait()
            self._child = None


def start_bundle(
    cache_dir: Path,
    *,
    study_file: Path | None = None,
    patients_file: Path | None = None,
    spawn: Callable[..., Child] = Child,
    running: BundleJob | None = None,
    pictures_last: bool = False,
) -> BundleJob:
    """Start getting the bundle for the current inputs (cache hit: immediate).

    ``spawn(*args)`` starts ``python -m analysis *args`` on a miss (e.g. hands the command to
    a child already waiting with its libraries imported: :meth:`Child.waiting`). ``running``
    is a job still finishing its entry; it is returned if its inputs are the current ones.
    ``pictures_last``: the child draws the pictures only after the bundle (nobody waits for
    them before the pages are written: ``serve``).
    """
    if patients_file is not None:
        patients_file = patients_file.resolve()
    extra = tuple(p for p in (study_file, patients_file) if p is not None)
    key = fingerprint(extra=extra)
    if running is not None and running.key == key and running.entry.parent == cache_dir:
        return running
    return BundleJob(
        cache_dir,
        key,
        study_file=study_file,
        patients_file=patients_file,
        spawn=spawn,
        pictures_last=pictures_last,
    )


def write_entry(
    entry: Path, bundle: Bundle, pictures: Iterable[tuple[str, Callable[[], bytes]]]
) -> None:
    """Write a cache entry: ``bundle.json`` first (announced on stdout with :data:`READY` so the
    site generator can go on), then each picture, then move the folder into place atomically.

    Another build that finished the same entry first wins; its content is the same.
    """
    tmp = entry.parent / f".{entry.name}.tmp{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / BUNDLE_JSON).write_text(bundle.to_json(), encoding="utf-8")
    print(READY, tmp / BUNDLE_JSON, flush=True)
    for site_path, draw in pictures:
        target = tmp / FILES_DIR / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(draw())
    try:
        tmp.rename(entry)
    except OSError:
        if not (entry / BUNDLE_JSON).exists():
            raise
        shutil.rmtree(tmp, ignore_errors=True)
