"""Patient-level data: the loader of the CSV format (:mod:`.schema`), naming every bad cell.

It either returns a clean DataFrame or raises :class:`~analysis.errors.PatientDataError` listing
every problem with its file, line, row, column, what was found and what was expected; a row
that breaks one of the clinical rules (:mod:`.rules`) is kept, with a warning naming it.
"""

from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataProblem, PatientDataError, PatientRuleWarning
from .rules import patient_rule_problems
from .schema import COLUMNS, Column

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_patients"]

_BY_NAME = {c.name: c for c in COLUMNS}


def _expected(column: Column) -> str:
    if column.kind == "months":
        return "a number of months, 0 or more"
    if column.kind == "optional_months":
        return "a number of months, 0 or more, or blank"
    if column.kind == "text":
        return "any text"
    if column.kind == "flag":
        return "0 or 1"
    if column.kind == "id":
        return "a non-empty identifier"
    shown = [v for v in column.allowed if v] + (["blank"] if "" in column.allowed else [])
    return "one of " + ", ".join(shown)


def _check_cell(column: Column, raw: str) -> tuple[object, str | None]:
    """Parsed value, or None and the reason it is wrong."""
    text = raw.strip()
    if column.kind == "id":
        return (text, None) if text else (None, "an empty cell")
    if column.kind == "text":
        return text, None
    if column.kind == "optional_months" and not text:
        return None, None
    if column.kind in {"months", "optional_months"}:
        try:
            value = float(text)
        except ValueError:
            return None, repr(raw) if text else "an empty cell"
        if not math.isfinite(value) or value < 0:
            return None, repr(raw)
        return value, None
    if column.kind == "flag":
        return (int(text), None) if text in {"0", "1"} else (None, repr(raw))
    return (text, None) if text in column.allowed else (None, repr(raw))


def load_patients(path: Path | str) -> pd.DataFrame:  # pandas imported lazily
    """Read and validate a patient-level CSV file.

    Parameters
    ----------
    path
        A UTF-8 CSV file with a header row naming the columns of :data:`COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        One row per patient, columns in :data:`COLUMNS` order (optional ones added blank).

    Raises
    ------
    PatientDataError
        Listing every problem: file, line, row, column, what was found and what was expected.

    Warns
    -----
    PatientRuleWarning
        Once per patient and clinical rule of :mod:`analysis.patient_level.rules` broken (for
        example a transplant before the landmark): legal in a real file, but worth a look.
    """
    import pandas as pd

    path = Path(path)
    shown = path.name if not path.is_absolute() else str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatientDataError(
            [DataProblem(shown, "(file)", "(file)", str(exc), "a readable UTF-8 CSV file")]
        ) from None
    reader = csv.reader(text.splitlines())
    header = [h.strip() for h in next(reader, [])]
    problems: list[DataProblem] = []
    for name in header:
        if name not in _BY_NAME:
            problems.append(
                DataProblem(
                    shown,
                    "header",
                    name or "(blank)",
                    f"unknown column {name!r}",
                    "only the documented columns: " + ", ".join(_BY_NAME),
                    line=1,
                )
            )
    for column in COLUMNS:
        if column.required and column.name not in header:
            problems.append(
                DataProblem(
                    shown,
                    "header",
                    column.name,
                    "no such column",
                    f"a column '{column.name}' ({column.description})",
                    line=1,
                )
            )
    if problems:
        raise PatientDataError(problems)
    rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    lines: list[int] = []  # line number of each row, for warnings
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        entry = f"row {len(rows) + 1}"
        if len(cells) != len(header):
            problems.append(
                DataProblem(
                    shown,
                    entry,
                    "(row)",
                    f"{len(cells)} cells",
                    f"{len(header)} cells, one per column",
                    line=line_no,
                )
            )
            rows.append({})
            continue
        record = dict(zip(header, cells, strict=True))
        ident = record.get("id", "").strip()
        if ident:
            entry = f"row {len(rows) + 1} (id '{ident}')"
        parsed: dict[str, object] = {}
        for column in COLUMNS:
            if column.name not in record:
                parsed[column.name] = None if column.kind == "optional_months" else ""
                continue
            value, wrong = _check_cell(column, record[column.name])
            if wrong is not None:
                problems.append(
                    DataProblem(shown, entry, column.name, wrong, _expected(column), line=line_no)
                )
            parsed[column.name] = value
        if ident in seen:
            problems.append(
                DataProblem(
                    shown,
                    entry,
                    "id",
                    repr(ident),
                    f"an id not already used on line {seen[ident]}",
                    line=line_no,
                )
            )
        seen.setdefault(ident, line_no)
        if (
            parsed.get("first_event") == "induction_failure"
            and isinstance(parsed.get("first_remission_months"), float)
            and parsed["first_remission_months"] != 0
        ):
            problems.append(
                DataProblem(
                    shown,
                    entry,
                    "first_remission_months",
                    repr(record["first_remission_months"]),
                    "0 for an induction failure (no first remission)",
                    line=line_no,
                )
            )
        rows.append(parsed)
        lines.append(line_no)
    if not rows and not problems:
        problems.append(
            DataProblem(
                shown, "(file)", "(rows)", "no patient rows", "at least one patient", line=2
            )
        )
    if problems:
        raise PatientDataError(problems)
    frame = pd.DataFrame(rows, columns=[c.name for c in COLUMNS])
    frame["death"] = frame["death"].astype(int)
    frame["transplant_months"] = frame["transplant_months"].astype(float)

    for problem in patient_rule_problems(frame, file=shown, lines=lines):
        warnings.warn(PatientRuleWarning(problem), stacklevel=2)
    return frame
