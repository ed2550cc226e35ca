"""The numbers of one build, read from its analysis bundle, and the pages that place them."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AnalysisError

__all__ = ["Frame", "Page", "Snapshot", "pages_placing", "read_snapshot"]

TABLES = "downloads/tables/"  # where the bundle keeps each table's tidy data as CSV
CHARTS = "downloads/charts/"  # ... and each chart's data
_DOWNLOADS = {"table": TABLES, "chart": CHARTS}
_PLACEHOLDER = re.compile(r"\{\{\s*(table|chart|value)\s+([A-Za-z0-9_.-]+)\s*\}\}")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+).+?\1")
_NAV_ENTRY = re.compile(r"^\s*-\s*(?P<title>[^:#][^:]*?):\s*(?P<path>[\w./-]+\.md)\s*$")
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Frame:
    """A table's or chart's tidy data as text, exactly as its CSV download holds it."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Snapshot:
    """Every computed value, table and chart data set of one build, by name."""

    values: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Frame] = field(default_factory=dict)
    charts: dict[str, Frame] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """A page of the site: its file inside ``docs/``, its title and its place in the site's
    order (the navigation's, then by path)."""

    path: str
    title: str
    order: int = 0


def _frame(text: str) -> Frame:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return Frame((), ())
    width = len(rows[0])
    return Frame(tuple(rows[0]), tuple(tuple(r + [""] * (width - len(r))) for r in rows[1:]))


def read_snapshot(bundle_json: Path) -> Snapshot:
    """The numbers in a bundle written by ``python -m analysis bundle`` (any bundle format that
    has ``values`` and ``files``: the base of a diff may be an older revision).

    Raises
    ------
    AnalysisError
        The file is missing or is not a bundle.
    """
    try:
        raw = json.loads(bundle_json.read_text(encoding="utf-8"))
        values, files = raw["values"], raw["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        msg = f"{bundle_json}: not an analysis bundle ({exc}); expected 'values' and 'files'"
        raise AnalysisError(msg) from None
    # A download's file name may differ from the artifact's name (a reconstructed table's starts
    # with "reconstructed-"): the artifact's HTML block names its own CSV.
    named = {
        f"{_DOWNLOADS[kind]}{found.group(1)}.csv": name
        for key, block in (raw.get("blocks") or {}).items()
        for kind, _, name in [key.partition(":")]
        if kind in _DOWNLOADS
        for found in [re.search(rf'{_DOWNLOADS[kind]}([^"/]+)\.csv"', block)]
        if found
    }
    tables: dict[str, Frame] = {}
    charts: dict[str, Frame] = {}
    for path, text in files.items():
        for prefix, into in ((TABLES, tables), (CHARTS, charts)):
            name = path.removeprefix(prefix).removesuffix(".csv")
            if path.startswith(prefix) and path.endswith(".csv") and "/" not in name:
                into[named.get(path, name)] = _frame(text)
    return Snapshot(values={k: str(v) for k, v in values.items()}, tables=tables, charts=charts)


def _placeholders(markdown: str) -> list[tuple[str, str]]:
    """Every ``{{ kind NAME }}`` outside code, as the site's placeholder syntax reads them."""
    found: list[tuple[str, str]] = []
    fence: str | None = None
    for line in markdown.splitlines():
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        found += _PLACEHOLDER.findall(_INLINE_CODE.sub("", line))
    return found


def _nav(config: Path) -> dict[str, str]:
    """Page titles from the ``nav:`` of ``mkdocs.yml``, in their order (read as text: the file
    has MkDocs-only YAML tags)."""
    if not config.is_file():
        return {}
    titles: dict[str, str] = {}
    for line in config.read_text(encoding="utf-8").splitlines():
        entry = _NAV_ENTRY.match(line)
        if entry:
            titles.setdefault(entry.group("path"), entry.group("title").strip())
    return titles


def pages_placing(project: Path) -> dict[tuple[str, str], list[Page]]:
    """Which pages place which artifact: ``(kind, name)`` → pages in the site's navigation order
    (pages not in the navigation after them, by path)."""
    docs = project / "docs"
    nav = _nav(project / "mkdocs.yml")
    order = {path: i for i, path in enumerate(nav)}
    placed: dict[tuple[str, str], list[Page]] = {}
    paths = sorted(
        (p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else [],
        key=lambda p: (order.get(p, len(order)), p),
    )
    for position, path in enumerate(paths):
        text = (docs / path).read_text(encoding="utf-8")
        title = nav.get(path)
        if title is None:
            heading = next((m for m in map(_H1.match, text.splitlines()) if m), None)
            title = heading.group(1) if heading else path
        page = Page(path, title, position)
        for kind, name in _placeholders(text):
            pages = placed.setdefault((kind, name), [])
            if page not in pages:
                pages.append(page)
    return placed
