"""Load and validate the study data file; every problem is reported with file, entry and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import DataProblem, StudyDataError
from .schema import CountFigure, MedianFigure, ProportionFigure, Study

__all__ = ["DATA_DIR", "STUDY_FILE", "Locator", "decimals_of", "load_study", "read_yaml"]

DATA_DIR = Path(__file__).parent.parent / "data"
STUDY_FILE = DATA_DIR / "study.yaml"


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


def _parse(text: str, loader: type) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse once: the node tree gives the line numbers, and is then constructed into data."""
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


def _schema_problems(err: ValidationError, loc: Locator) -> list[DataProblem]:
    problems = []
    for e in err.errors(include_url=False):
        raw_path = tuple(e["loc"])
        # Drop the discriminator tag pydantic inserts for tagged unions ("figures", 3, "count", …).
        path = tuple(
            p
            for i, p in enumerate(raw_path)
            if not (i == 2 and raw_path[0] == "figures" and isinstance(p, str) and p in _KINDS)
        )
        if len(path) >= 2 and isinstance(path[1], int):
            entry_path, field_parts = path[:2], path[2:]
        else:
            entry_path, field_parts = path[:1], path[1:]
        field = ".".join(str(p) for p in field_parts) or "(whole entry)"
        found = "nothing (the field is missing)" if e["type"] == "missing" else repr(e["input"])
        if e["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            field = "kind"
            raw_kind = e["input"].get("kind") if isinstance(e["input"], dict) else None
            found = repr(raw_kind) if raw_kind is not None else "nothing (the field is missing)"
            expected = "one of " + ", ".join(sorted(_KINDS))
        elif e["type"] == "extra_forbidden":
            found, expected = f"unknown field {field_parts[-1]!r}", "only the documented fields"
        else:
            expected = e["msg"][0].lower() + e["msg"][1:]
        problems.append(loc.problem(entry_path, field, found, expected))
    return problems


_KINDS = {"count", "proportion", "median", "survival", "p_value"}


def _consistency_problems(study: Study, loc: Locator) -> list[DataProblem]:
    """Relations between figures that the schema alone cannot check."""
    by_id, problems = loc.duplicate_ids("figures", [f.id for f in study.figures])

    def count_of(ref: str, path: tuple[Any, ...], field: str) -> int | None:
        if ref not in by_id:
            problems.append(loc.problem(path, field, repr(ref), "the id of a figure in this file"))
            return None
        target = study.figures[by_id[ref]]
        if not isinstance(target, CountFigure):
            problems.append(
                loc.problem(path, field, f"{ref!r} (a {target.kind})", "the id of a count")
            )
            return None
        return target.value

    for i, fig in enumerate(study.figures):
        path = ("figures", i)
        if isinstance(fig, CountFigure):
            if fig.of is not None:
                whole = count_of(fig.of, path, "of")
                if whole is not None and fig.value > whole:
                    problems.append(
                        loc.problem(
                            path, "value", str(fig.value), f"at most {whole} (the '{fig.of}' count)"
                        )
                    )
            if fig.sum_of:
                parts = [count_of(ref, path, "sum_of") for ref in fig.sum_of]
                if all(p is not None for p in parts):
                    total = sum(p for p in parts if p is not None)
                    if total != fig.value:
                        sum_text = " + ".join(str(p) for p in parts)
                        problems.append(
                            loc.problem(
                                path,
                                "value",
                                str(fig.value),
                                f"{total}, the sum of its parts {', '.join(fig.sum_of)} "
                                f"({sum_text} = {total})",
                            )
                        )
        elif isinstance(fig, ProportionFigure):
            if fig.numerator > fig.denominator:
                problems.append(
                    loc.problem(
                        path,
                        "numerator",
                        str(fig.numerator),
                        f"at most the denominator ({fig.denominator})",
                    )
                )
            else:
                decimals = decimals_of(fig.percent)
                exact = 100 * fig.numerator / fig.denominator
                if abs(exact - fig.percent) > 0.5 * 10**-decimals + 1e-9:
                    problems.append(
                        loc.problem(
                            path,
                            "percent",
                            repr(fig.percent),
                            f"{exact:.{decimals}f} (= {fig.numerator}/{fig.denominator} "
                            f"rounded to {decimals} decimal(s))",
                        )
                    )
        elif isinstance(fig, MedianFigure):
            if fig.min is not None and fig.value < fig.min:
                problems.append(
                    loc.problem(path, "value", repr(fig.value), f"at least min ({fig.min})")
                )
            if fig.max is not None and fig.value > fig.max:
                problems.append(
                    loc.problem(path, "value", repr(fig.value), f"at most max ({fig.max})")
                )

    for i, finding in enumerate(study.findings):
        if finding.p_value is not None and finding.p_value not in by_id:
            problems.append(
                loc.problem(
                    ("findings", i), "p_value", repr(finding.p_value), "the id of a p_value figure"
                )
            )
    return problems


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
        raw, lines = _parse(text, loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = DataProblem(
            shown,
            "(file)",
            "(syntax)",
            str(getattr(exc, "problem", exc)),
            "valid YAML",
            line=mark.line + 1 if mark else None,
        )
        raise error([problem]) from None
    return raw, Locator(shown, raw, lines)


def load_study(path: Path | str = STUDY_FILE) -> Study:
    """Read, validate and cross-check the study data file.

    Parameters
    ----------
    path
        The YAML file (default: the packaged ``analysis/data/study.yaml``).

    Raises
    ------
    StudyDataError
        With every problem found, each naming the file, line, entry and field.
    """
    raw, loc = read_yaml(Path(path))
    if not isinstance(raw, dict):
        raise StudyDataError(
            [loc.problem((), "", type(raw).__name__, "a mapping with citation, figures, …")]
        )
    try:
        study = Study.model_validate(raw)
    except ValidationError as err:
        raise StudyDataError(_schema_problems(err, loc)) from None
    problems = _consistency_problems(study, loc)
    if problems:
        raise StudyDataError(problems)
    return study
