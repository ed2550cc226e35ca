"""Load and validate the study data file; every problem is reported with file, entry and field
(through :mod:`analysis.datafile`, the one loader of every data file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..datafile import DATA_DIR, Locator, decimals_of, read_yaml, schema_problems
from ..errors import DataProblem, StudyDataError
from .schema import CountFigure, MedianFigure, ProportionFigure, Study

__all__ = ["STUDY_FILE", "load_study"]

STUDY_FILE = DATA_DIR / "study.yaml"


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
        raise StudyDataError(schema_problems(err, loc, tags=_KINDS)) from None
    problems = _consistency_problems(study, loc)
    if problems:
        raise StudyDataError(problems)
    return study
