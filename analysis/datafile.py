"""The one loader of every YAML data file: parsing with line numbers, the shared pydantic types,
and one translation of pydantic's errors into :class:`~analysis.errors.DataProblem`, so a
mistake reads ``file:line: entry …, field '…': found …; expected …`` in every file.

A leaf module: it imports only :mod:`analysis.errors`.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)

from .errors import DataProblem, StudyDataError

__all__ = [
    "DATA_DIR",
    "FAST_SAFE_LOADER",
    "Id",
    "Locator",
    "Model",
    "Number",
    "Text",
    "decimals_of",
    "parse_yaml",
    "read_yaml",
    "schema_problems",
]

DATA_DIR = Path(__file__).parent / "data"

Number = StrictInt | StrictFloat
Id = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Text = Annotated[StrictStr, Field(min_length=1)]


class Model(BaseModel):
    """Base of every data-file model: unknown fields are errors, loaded data is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def decimals_of(value: float) -> int:
    """Number of decimals a reported number was printed with (40.5 → 1, 5 → 0)."""
    text = repr(value)
    return len(text.split(".", 1)[1]) if "." in text else 0


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# libyaml's parser, when PyYAML was built with it, is about ten times faster than the pure-Python one
FAST_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line_index(root: yaml.Node | None) -> dict[tuple[Any, ...], int]:
    """Map YAML paths such as ("figures", 3, "percent") to 1-based line numbers."""
    index: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, key.value)
                walk(value, sub)
                index[sub] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return index


def parse_yaml(text: str, loader: type) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse YAML once: the node tree gives the line numbers (1-based, by path such as
    ``("figures", 3, "percent")``), and is then constructed into data."""
    parser = loader(text)
    try:
        root = parser.get_single_node()
        raw = parser.construct_document(root) if root is not None else None
    finally:
        parser.dispose()
    return raw, _line_index(root)


class Locator:
    """Turns a YAML path into the entry name, field and line of a problem."""

    def __init__(self, file: str, raw: Any, lines: dict[tuple[Any, ...], int]) -> None:
        self.file, self.raw, self.lines = file, raw, lines

    def entry_name(self, path: tuple[Any, ...]) -> str:
        if len(path) >= 2 and isinstance(path[1], int):
            section, index = path[0], path[1]
            try:
                item = self.raw[section][index]
                ident = item.get("id") if isinstance(item, dict) else None
            except (KeyError, IndexError, TypeError):
                ident = None
            where = f"{section}[{index}]"
            return f"'{ident}' ({where})" if ident else where
        return f"'{path[0]}'" if path else "(top level)"

    def line(self, path: tuple[Any, ...]) -> int | None:
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return None

    def duplicate_ids(
        self, section: str, ids: list[str]
    ) -> tuple[dict[str, int], list[DataProblem]]:
        """Index of each id's first entry in ``section``, and a problem for every repeat."""
        first: dict[str, int] = {}
        problems = []
        for i, ident in enumerate(ids):
            if ident in first:
                problems.append(
                    self.problem(
                        (section, i),
                        "id",
                        repr(ident),
                        f"an id not already used by {section}[{first[ident]}]",
                    )
                )
            first.setdefault(ident, i)
        return first, problems

    def problem(self, path: tuple[Any, ...], field: str, found: str, expected: str) -> DataProblem:
        return DataProblem(
            file=self.file,
            entry=self.entry_name(path),
            field=field,
            found=found,
            expected=expected,
            line=self.line((*path, field.split(".")[0]) if field else path),
        )


def schema_problems(
    err: ValidationError, loc: Locator, *, tags: Collection[str] = ()
) -> list[DataProblem]:
    """Every error of a pydantic validation as a :class:`DataProblem` naming file, line, entry,
    field, what was found and what was expected.

    ``tags`` are the discriminator values of a tagged union (e.g. a figure's ``kind``), which
    pydantic inserts into the error path; they are dropped from the field name.
    """
    problems = []
    for e in err.errors(include_url=False):
        raw_path = tuple(e["loc"])
        path = tuple(
            p
            for i, p in enumerate(raw_path)
            if not (i == 2 and isinstance(raw_path[1], int) and isinstance(p, str) and p in tags)
        )
        # a list entry (section, index), a mapping entry (key), or a top-level field
        entry_len = 2 if len(path) >= 2 and isinstance(path[1], int) else min(1, len(path) - 1)
        field_parts = path[entry_len:]
        field = ".".join(str(p) for p in field_parts) or "(whole entry)"
        if e["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            field = "kind"
            raw_kind = e["input"].get("kind") if isinstance(e["input"], dict) else None
            found = repr(raw_kind) if raw_kind is not None else "nothing (the field is missing)"
            expected = "one of " + ", ".join(sorted(tags))
        elif e["type"] == "missing":
            found, expected = "nothing (the field is missing)", "a value for this field"
        elif e["type"] == "extra_forbidden":
            found, expected = f"unknown field {field_parts[-1]!r}", "only the documented fields"
        else:
            found, expected = repr(e["input"]), e["msg"][0].lower() + e["msg"][1:]
        problems.append(
            DataProblem(
                file=loc.file,
                entry=loc.entry_name(path[:entry_len]),
                field=field,
                found=found,
                expected=expected,
                line=loc.line(path),
            )
        )
    return problems


def _syntax_problem(shown: str, exc: yaml.YAMLError) -> DataProblem:
    """A YAML syntax error as a problem: where the parser stopped and, if it was inside
    something begun earlier (an unclosed quote, say), where that began, which is the line to
    look at and the line the problem names."""
    mark, begun = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    found = str(getattr(exc, "problem", None) or exc).removeprefix("found ")
    if mark is not None:
        found += f" at line {mark.line + 1}"
    context = getattr(exc, "context", None)
    if context and begun is not None and (mark is None or begun.line != mark.line):
        found += f", {context} begun at line {begun.line + 1}"
    at = begun if context and begun is not None else mark
    return DataProblem(
        shown, "(file)", "(syntax)", found, "valid YAML", line=at.line + 1 if at else None
    )


def read_yaml(
    path: Path, *, error: type[StudyDataError] = StudyDataError, loader: type = FAST_SAFE_LOADER
) -> tuple[Any, Locator]:
    """Read a YAML data file with line numbers; unreadable or invalid YAML raises ``error``
    naming the file (and line)."""
    shown = _display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problem = DataProblem(shown, "(file)", "(file)", str(exc), "a readable UTF-8 YAML file")
        raise error([problem]) from None
    try:
        raw, lines = parse_yaml(text, loader)
    except yaml.YAMLError as exc:
        raise error([_syntax_problem(shown, exc)]) from None
    return raw, Locator(shown, raw, lines)
