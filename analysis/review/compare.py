"""What differs between the numbers of two builds, and the Markdown a reviewer reads.

Tables and charts are compared cell by cell on their tidy data. Rows are matched by a key: the
``id`` column if it is unique, else the fewest text columns that are unique, else the first
column if unique, else position (within groups of equal text columns). A row whose key changes
is listed as removed and added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .snapshot import Frame, Page, Snapshot

__all__ = ["Cell", "Change", "compare", "render_markdown"]

NO_CHANGES = "No computed number changes."
COLLAPSE_AFTER = 12  # an artifact with more changed cells than this is shown folded
_UNITS = {"value": ("value", "values"), "table": ("cell", "cells"), "chart": ("point", "points")}
_TOTALS = {
    "value": ("value", "values"),
    "table": ("table cell", "table cells"),
    "chart": ("chart data point", "chart data points"),
}


@dataclass(frozen=True)
class Cell:
    """One changed value, table cell or chart data point (``None``: absent on that side)."""

    row: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Change:
    """Everything that changes in one artifact; ``note`` says if it was added or removed."""

    kind: str  # "value", "table" or "chart"
    name: str
    cells: tuple[Cell, ...]
    note: str = ""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _keys(frame: Frame, columns: Sequence[int]) -> list[tuple[str, ...]]:
    return [tuple(row[i] for i in columns) for row in frame.rows]


def _unique(frames: Sequence[Frame], columns: Sequence[int]) -> bool:
    return all(len(set(keys)) == len(keys) for keys in (_keys(f, columns) for f in frames))


def _key_columns(old: Frame, new: Frame, columns: tuple[str, ...]) -> tuple[list[int], bool]:
    """Indices of the columns that identify a row in both frames, and whether the row's
    position within its group must be added to them to make the key unique."""
    frames = (old, new)
    if "id" in columns and _unique(frames, [columns.index("id")]):
        return [columns.index("id")], False
    text = [  # text columns that tell rows apart (a column with one value for all cannot)
        i
        for i in range(len(columns))
        if not all(_is_number(row[i]) or row[i] == "" for f in frames for row in f.rows)
        and len({row[i] for f in frames for row in f.rows}) > 1
    ]
    for size in range(1, len(text) + 1):
        if _unique(frames, text[:size]):
            return text[:size], False
    if columns and _unique(frames, [0]):
        return [0], False
    return text, True


def _labelled_rows(frame: Frame, key: list[int], ordinal: bool) -> dict[str, tuple[str, ...]]:
    seen: Counter[tuple[str, ...]] = Counter()
    rows: dict[str, tuple[str, ...]] = {}
    for row in frame.rows:
        values = tuple(row[i] for i in key)
        seen[values] += 1
        label = " / ".join(values)
        if ordinal:
            label = f"{label} #{seen[values]}" if values else f"row {seen[values]}"
        rows[label] = row
    return rows


def _compare_frames(old: Frame, new: Frame) -> list[Cell]:
    shared = tuple(c for c in new.columns if c in old.columns)
    cells = [Cell("(columns)", c, None, "new column") for c in new.columns if c not in shared]
    cells += [Cell("(columns)", c, "column", None) for c in old.columns if c not in shared]

    def project(frame: Frame) -> Frame:
        at = [frame.columns.index(c) for c in shared]
        return Frame(shared, tuple(tuple(r[i] for i in at) for r in frame.rows))

    old_p, new_p = project(old), project(new)
    key, ordinal = _key_columns(old_p, new_p, shared)
    before = _labelled_rows(old_p, key, ordinal)
    after = _labelled_rows(new_p, key, ordinal)
    for label, row in after.items():
        if label not in before:
            cells += [Cell(label, c, None, v) for c, v in zip(shared, row, strict=True)]
            continue
        cells += [
            Cell(label, c, o, n)
            for c, o, n in zip(shared, before[label], row, strict=True)
            if o != n
        ]
    for label, row in before.items():
        if label not in after:
            cells += [Cell(label, c, v, None) for c, v in zip(shared, row, strict=True)]
    return cells


def compare(old: Snapshot, new: Snapshot) -> list[Change]:
    """Every value, table cell and chart data point that differs, by artifact (sorted by kind
    and name)."""
    changes: list[Change] = []
    for name in sorted(old.values.keys() | new.values.keys()):
        before, after = old.values.get(name), new.values.get(name)
        if before != after:
            note = "new" if before is None else "removed" if after is None else ""
            changes.append(Change("value", name, (Cell("", "", before, after),), note))
    for kind, before_all, after_all in (
        ("table", old.tables, new.tables),
        ("chart", old.charts, new.charts),
    ):
        for name in sorted(before_all.keys() | after_all.keys()):
            before_frame = before_all.get(name, Frame((), ()))
            after_frame = after_all.get(name, Frame((), ()))
            note = "new" if name not in before_all else "removed" if name not in after_all else ""
            cells = _compare_frames(before_frame, after_frame)
            if cells or note:
                changes.append(Change(kind, name, tuple(cells), note))
    return changes


def _code(text: str | None) -> str:
    """A cell's text as Markdown that shows it literally (no links, mentions or HTML)."""
    if text is None:
        return "*none*"
    if text == "":
        return "*empty*"
    text = " ".join(text.split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _arrow(cell: Cell) -> str:
    return f"{_code(cell.old)} → {_code(cell.new)}"


def _count(change: Change) -> str:
    one, many = _UNITS[change.kind]
    n = len(change.cells)
    return f"{n} {one if n == 1 else many}"


def _block(change: Change) -> list[str]:
    title = f"{change.kind} `{change.name}`"
    if change.note:
        title += f" ({change.note})"
    head = [
        "| row | field | old → new |",
        "|---|---|---|",
        *(f"| {_code(c.row)} | {_code(c.field)} | {_arrow(c)} |" for c in change.cells),
    ]
    if not change.cells:
        return [f"- {title}: no rows", ""]
    if len(change.cells) > COLLAPSE_AFTER:
        note = f" ({change.note})" if change.note else ""
        summary = f"{change.kind} <code>{change.name}</code>{note}: {_count(change)} change"
        return [f"<details><summary>{summary}</summary>", "", *head, "", "</details>", ""]
    return [f"{title}: {_count(change)}", "", *head, ""]


def _section(changes: Sequence[Change]) -> list[str]:
    lines: list[str] = []
    values = [c for c in changes if c.kind == "value"]
    for change in values:
        note = f" ({change.note})" if change.note else ""
        lines.append(f"- value `{change.name}`{note}: {_arrow(change.cells[0])}")
    if values:
        lines.append("")
    for change in changes:
        if change.kind != "value":
            lines += _block(change)
    return lines


def render_markdown(
    changes: Sequence[Change],
    placed: dict[tuple[str, str], list[Page]],
    *,
    title: str,
) -> str:
    """The changes as Markdown: a summary, then one section per page (in the site's order) with
    each artifact it places that changes, then what no page places (downloads only)."""
    lines = [f"## {title}", ""]
    if not changes:
        return "\n".join([*lines, NO_CHANGES, ""])
    by_page: dict[Page, list[Change]] = {}
    unplaced: list[Change] = []
    for change in changes:
        pages = placed.get((change.kind, change.name), [])
        for page in pages:
            by_page.setdefault(page, []).append(change)
        if not pages:
            unplaced.append(change)
    totals = Counter[str]()
    for change in changes:
        totals[change.kind] += len(change.cells)
    summary = ", ".join(
        f"{totals[kind]} {_TOTALS[kind][totals[kind] != 1]}"
        for kind in ("value", "table", "chart")
        if totals[kind]
    )
    pages_text = ", ".join(f"*{p.title}*" for p in sorted(by_page, key=lambda p: (p.order, p.path)))
    where = f" on {len(by_page)} page(s): {pages_text}" if by_page else " on no page"
    lines += [f"{summary or 'Artifacts'} change{where}.", ""]
    for page in sorted(by_page, key=lambda p: (p.order, p.path)):
        lines += [f"### {page.title} (`{page.path}`)", "", *_section(by_page[page])]
    if unplaced:
        lines += ["### Not placed on any page (downloads and unused values)", ""]
        lines += _section(unplaced)
    return "\n".join(lines).rstrip() + "\n"
