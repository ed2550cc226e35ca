"""Loading a study file of reported figures: the schema (:mod:`.schema`), then the relations
between figures (every target exists, is a count, and no chain of ``part_of`` returns to where
it began). Loading fails closed: every problem names file, line, entry, field, what was found
and what was expected, and nothing is returned while any remains."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..datafile import Locator, read_yaml, schema_problems
from ..errors import DataProblem, StudyDataError
from .schema import FIGURE_KINDS, Count, FigureStudy

__all__ = ["RELATIONS", "FigureDataError", "load_figures"]

# Each relation field, and what it says of the figure it names (always a count).
RELATIONS = {
    "part_of": "the count this figure is a part of",
    "denominator": "the count that is this proportion's n",
    "over": "the count this estimate is over",
}


class FigureDataError(StudyDataError):
    """A study file of reported figures is malformed or its relations do not hold together."""


class _NamedLocator(Locator):
    """Names a figure by its ``name`` field, as the study file does."""

    def entry_name(self, path: tuple[Any, ...]) -> str:
        if len(path) >= 2 and path[0] == "figures" and isinstance(path[1], int):
            try:
                item = self.raw["figures"][path[1]]
                name = item.get("name") if isinstance(item, dict) else None
            except (KeyError, IndexError, TypeError):
                name = None
            where = f"figures[{path[1]}]"
            return f"'{name}' ({where})" if isinstance(name, str) else where
        return super().entry_name(path)


def _relation_problems(study: FigureStudy, loc: Locator) -> list[DataProblem]:
    names = [figure.name for figure in study.figures]
    index, problems = loc.duplicate_ids("figures", names)
    # duplicate_ids says "id"; the field is the figure's name here
    problems = [DataProblem(p.file, p.entry, "name", p.found, p.expected, p.line) for p in problems]
    for i, figure in enumerate(study.figures):
        for field, meaning in RELATIONS.items():
            target = getattr(figure, field, None)
            if target is None:
                continue
            if target not in index:
                problems.append(
                    loc.problem(
                        ("figures", i), field, repr(target), f"the name of a figure ({meaning})"
                    )
                )
            elif not isinstance(study.figures[index[target]], Count):
                kind = study.figures[index[target]].kind
                problems.append(
                    loc.problem(
                        ("figures", i),
                        field,
                        f"{target!r}, a {kind}",
                        f"the name of a count ({meaning})",
                    )
                )
    # a sum and one of its own parts both named parts of the same whole: counted twice in it
    counts = {f.name: f for f in study.figures if isinstance(f, Count)}
    for f in study.figures:
        if not isinstance(f, Count) or not f.sum_of or f.part_of is None:
            continue
        for part in f.sum_of:
            if part in counts and counts[part].part_of == f.part_of:
                problems.append(
                    loc.problem(
                        ("figures", index[part]),
                        "part_of",
                        f"{f.part_of!r}, which the sum '{f.name}' of this count is a part of too",
                        f"part_of on '{f.name}' alone: its parts are in it, and would be "
                        f"counted twice in '{f.part_of}'",
                    )
                )
    # a chain of part_of that comes back to its start: no count can be a part of itself
    parent = {
        f.name: f.part_of
        for f in study.figures
        if isinstance(f, Count) and f.part_of is not None and f.part_of in index
    }
    reported: set[str] = set()
    for start, first in parent.items():
        chain: list[str] = [start]
        node: str | None = first
        while node is not None and node not in chain:
            chain.append(node)
            node = parent.get(node)
        if node == start and start not in reported:
            reported.update(chain)
            problems.append(
                loc.problem(
                    ("figures", index[start]),
                    "part_of",
                    "a cycle: " + " → ".join([*chain, start]),
                    "a chain of part_of that ends at a whole that is a part of nothing",
                )
            )
    return problems


def _sum_problems(raw: dict[str, Any], loc: Locator) -> list[DataProblem]:
    """Give each count with ``sum_of`` its ``value``, the sum of the counts it names (in the
    raw file, before the schema: a derived count is then a count like any other), and list
    what stops that: a value typed beside ``sum_of``, a name that is not a count with a
    value, or a sum that needs itself."""
    figures = raw.get("figures")
    if not isinstance(figures, list):
        return []  # the schema says what is wrong
    entries = {
        f["name"]: (i, f)
        for i, f in enumerate(figures)
        if isinstance(f, dict) and isinstance(f.get("name"), str) and f.get("kind") == "count"
    }
    problems: list[DataProblem] = []
    done: dict[str, int] = {}

    def total(name: str, chain: tuple[str, ...]) -> int | None:
        i, entry = entries[name]
        if name in done:
            return done[name]
        parts = entry.get("sum_of")
        if parts is None:
            value = entry.get("value")
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        if not isinstance(parts, list) or not all(isinstance(n, str) for n in parts):
            return None  # the schema says what is wrong
        if "value" in entry:
            problems.append(
                loc.problem(
                    ("figures", i),
                    "value",
                    f"{entry['value']!r} beside sum_of",
                    "no value: a count given by sum_of is computed from its parts",
                )
            )
            return None
        found = 0
        for part in parts:
            if part in chain or part == name:
                problems.append(
                    loc.problem(
                        ("figures", i),
                        "sum_of",
                        "a cycle: " + " → ".join([*chain, name, part]),
                        "counts that do not need this sum to be known",
                    )
                )
                return None
            if part not in entries:
                problems.append(
                    loc.problem(
                        ("figures", i), "sum_of", repr(part), "the name of a count of this file"
                    )
                )
                return None
            value = total(part, (*chain, name))
            if value is None:
                return None
            found += value
        done[name] = found
        return found

    for name, (_, entry) in entries.items():
        if "sum_of" in entry:
            value = total(name, ())
            if value is not None:
                entry["value"] = value
    return list({str(p): p for p in problems}.values())  # a sum met twice is named once


_BRANCH = re.compile(r"\.(int|float|str|function-after\[[^]]*\])(?=\.|$)")


def _merge_number_branches(problems: list[DataProblem]) -> list[DataProblem]:
    """One problem per field: a number is an int or a float (so that its printed decimals are
    kept), and pydantic reports each branch apart as ``estimate.int`` and ``estimate.float``."""
    merged: dict[tuple[str, str], DataProblem] = {}
    for p in problems:
        field = _BRANCH.sub("", p.field)
        key = (p.entry, field)
        if key in merged:
            old = merged[key]
            if p.expected not in old.expected:
                merged[key] = DataProblem(
                    old.file,
                    old.entry,
                    field,
                    old.found,
                    f"{old.expected}, or {p.expected}",
                    old.line,
                )
        else:
            merged[key] = DataProblem(p.file, p.entry, field, p.found, p.expected, p.line)
    return list(merged.values())


def load_figures(path: Path | str) -> FigureStudy:
    """Read and validate a study file of reported figures; raise :class:`FigureDataError`
    listing every problem."""
    raw, plain = read_yaml(Path(path), error=FigureDataError)
    loc = _NamedLocator(plain.file, raw, plain.lines)
    if not isinstance(raw, dict):
        problem = DataProblem(
            loc.file,
            "(top level)",
            "(whole file)",
            repr(type(raw).__name__),
            "a mapping with 'figures'",
        )
        raise FigureDataError([problem])
    sums = _sum_problems(raw, loc)
    if sums:
        raise FigureDataError(sums)
    try:
        study = FigureStudy.model_validate(raw)
    except ValidationError as err:
        raise FigureDataError(
            _merge_number_branches(schema_problems(err, loc, tags=FIGURE_KINDS))
        ) from None
    problems = _relation_problems(study, loc)
    if problems:
        raise FigureDataError(problems)
    return study
