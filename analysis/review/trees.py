"""``python -m analysis diff``: the analysis bundle of a git revision and of the working tree,
and the computed numbers that differ between them.

Each side's bundle is computed by that tree's own ``python -m analysis bundle`` in a child
process (with this environment's libraries; :class:`analysis.wire.launch.Child`) and kept in
the same cache as the site build's, under the key :func:`analysis.wire.digest.fingerprint`
gives its package: a second diff,
or a ``make build`` after a diff, computes nothing again. The revision is extracted once per
tree into ``<cache>/trees/<tree id>/`` (a stable place, so its key is stable too).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

from ..errors import AnalysisError
from ..wire.bundle import BUNDLE_JSON
from ..wire.digest import digest, fingerprint
from ..wire.launch import Child
from .compare import compare, render_markdown
from .snapshot import pages_placing, read_snapshot

__all__ = [
    "DEFAULT_CACHE",
    "Side",
    "compute_bundles",
    "diff_command",
    "extract_revision",
    "number_diff",
    "repository_root",
    "side_for",
]

DEFAULT_CACHE = Path(".cache/analysis")  # the site build's bundle cache (mkdocs.yml default)
_INPUTS = ("analysis", "pyproject.toml")  # what a bundle is computed from, in a project


@overload
def _git(repo: Path, *args: str, binary: Literal[False] = False) -> str: ...
@overload
def _git(repo: Path, *args: str, binary: Literal[True]) -> bytes: ...
def _git(repo: Path, *args: str, binary: bool = False) -> str | bytes:
    result = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=not binary, check=False
    )
    if result.returncode != 0:
        err = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
        msg = f"git {' '.join(args)} (in {repo}): {err.strip() or f'exit {result.returncode}'}"
        raise AnalysisError(msg)
    out: str | bytes = result.stdout
    return out


def repository_root(start: Path) -> Path:
    """The top folder of the git working tree holding ``start``."""
    try:
        return Path(str(_git(start, "rev-parse", "--show-toplevel")).strip())
    except AnalysisError as exc:
        msg = f"{start}: not inside a git working tree ({exc}); run the diff from the project"
        raise AnalysisError(msg) from None


def extract_revision(repo: Path, ref: str, trees: Path) -> tuple[str, Path]:
    """The commit ``ref`` names and a folder holding its files (extracted once per tree)."""
    try:
        commit = str(_git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")).strip()
    except AnalysisError:
        msg = f"--base {ref!r}: no such commit in {repo}; expected a branch, tag or commit"
        raise AnalysisError(msg) from None
    tree = str(_git(repo, "rev-parse", f"{commit}^{{tree}}")).strip()
    dest = trees / tree
    if not (dest / ".complete").exists():
        shutil.rmtree(dest, ignore_errors=True)
        trees.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{tree[:12]}.", dir=trees))
        archive = _git(repo, "archive", "--format=tar", commit, binary=True)
        with tarfile.open(fileobj=io.BytesIO(bytes(archive))) as tar:
            tar.extractall(tmp, filter="data")
        (tmp / ".complete").touch()
        try:
            tmp.rename(dest)
        except OSError:  # another diff extracted the same tree first
            shutil.rmtree(tmp, ignore_errors=True)
    return commit, dest


def _inputs_digest(root: Path) -> str:
    """The digest of what a bundle is computed from in the project ``root``: its package's
    files and ``pyproject.toml``, by their paths in the project."""
    files: list[Path] = []
    for name in _INPUTS:
        path = root / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        files += [
            p
            for p in candidates
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
        ]
    return digest(files=files, relative_to=root)


@dataclass
class Side:
    """One side of the diff: a project folder and the cache entry of its bundle."""

    label: str
    project: Path
    entry: Path

    @property
    def cached(self) -> bool:
        return (self.entry / BUNDLE_JSON).is_file()


def side_for(label: str, project: Path, cache: Path, cohorts: int | None) -> Side:
    key = fingerprint(package_dir=project / "analysis")
    if cohorts is not None:  # never mistaken for the site's own bundle
        key += f"-cohorts{cohorts}"
    return Side(label, project, cache / f"bundle-{key}")


def _start(side: Side, cohorts: int | None) -> Child:
    """That tree's own ``python -m analysis bundle``, run with this environment's libraries."""
    args = ["bundle", "--out", str(side.entry), "--fingerprint", side.entry.name[len("bundle-") :]]
    if cohorts is not None:
        args += ["--cohorts", str(cohorts)]
    return Child(*args, project=side.project)


def _wait(side: Side, child: Child) -> None:
    try:
        child.wait()
    except AnalysisError as exc:
        message = str(exc)
    else:
        if side.cached:
            return
        message = "it wrote no bundle"
    msg = (
        f"computing the analysis bundle of {side.label} ({side.project}) failed "
        f"(exit {child.returncode}):\n{message}"
    )
    raise AnalysisError(msg)


def compute_bundles(sides: list[Side], cohorts: int | None, report: Callable[[str], None]) -> None:
    """Compute the bundles the cache does not have, side by side (one child process each)."""
    for side in sides:
        side.entry.parent.mkdir(parents=True, exist_ok=True)
        state = "cached" if side.cached else "computing"
        report(f"analysis bundle of {side.label}: {state} ({side.entry.name})")
    running = [(side, _start(side, cohorts)) for side in sides if not side.cached]
    failure: AnalysisError | None = None
    for side, child in running:
        try:
            _wait(side, child)
        except AnalysisError as exc:
            failure = failure or exc
    if failure is not None:
        raise failure


def diff_command(base: str, cache_dir: Path, cohorts: int | None, out: Path | None) -> int:
    """``python -m analysis diff``: print the diff (and write it to ``out`` if given, e.g. for
    CI's job summary); say on standard error which bundles were cached or computed."""
    text = number_diff(
        base,
        cache_dir=cache_dir,
        cohorts=cohorts,
        report=lambda line: print(line, file=sys.stderr),
    )
    print(text, end="")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return 0


def number_diff(
    base: str,
    *,
    start: Path | None = None,
    cache_dir: Path = DEFAULT_CACHE,
    cohorts: int | None = None,
    report: Callable[[str], None] = lambda _: None,
) -> str:
    """Markdown listing every computed value, table cell and chart data point that differs
    between revision ``base`` and the working tree, grouped by the pages that place them.

    Parameters
    ----------
    base
        A branch, tag or commit of the repository (e.g. ``main``, ``v2026.1``, a SHA).
    start
        A folder inside the repository (default: the current folder).
    cache_dir
        The bundle cache, relative to the repository's top folder unless absolute.
    cohorts
        Reconstruct this many cohorts on both sides instead of the site's number (quicker; the
        base revision's ``bundle`` command must know ``--cohorts``).
    report
        Called with a line saying, for each side, whether its bundle is cached or computed.
    """
    repo = repository_root(start or Path.cwd())
    cache = cache_dir if cache_dir.is_absolute() else repo / cache_dir
    commit, base_tree = extract_revision(repo, base, cache / "trees")
    head = side_for("the working tree", repo, cache, cohorts)
    label = f"{base} ({commit[:12]})"
    if _inputs_digest(base_tree) == _inputs_digest(
        repo
    ):  # same code and data: one bundle serves both sides
        report(f"{label} has the same code and data as the working tree: one bundle")
        old = Side(label, base_tree, head.entry)
    else:
        old = side_for(label, base_tree, cache, cohorts)
    compute_bundles([head] if old.entry == head.entry else [old, head], cohorts, report)
    changes = compare(
        read_snapshot(old.entry / BUNDLE_JSON), read_snapshot(head.entry / BUNDLE_JSON)
    )
    placed = pages_placing(base_tree)
    placed.update(pages_placing(repo))  # where the working tree places them, if it does
    named = f"`{base}` ({commit[:12]})" if not commit.startswith(base) else f"`{commit[:12]}`"
    title = f"Computed numbers: {named} → working tree"
    if cohorts is not None:
        title += f" ({cohorts} reconstructed cohorts)"
    return render_markdown(changes, placed, title=title)
