"""The package's own exception and warning types; every message names where the problem is."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AnalysisError",
    "AppraisalDataError",
    "ChartError",
    "ComparatorDataError",
    "DataProblem",
    "NoteProblem",
    "NotesError",
    "PatientDataError",
    "PatientRuleWarning",
    "PlaceholderError",
    "PublishError",
    "ReconstructionError",
    "StudyDataError",
    "UnknownArtifactError",
]


class AnalysisError(Exception):
    """Base class of every error this package raises on purpose."""


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong in a data file: where it is, what was found and what was expected."""

    file: str
    entry: str
    field: str
    found: str
    expected: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: entry {self.entry}, field '{self.field}': "
            f"found {self.found}; expected {self.expected}"
        )


class StudyDataError(AnalysisError):
    """A data file is malformed or contradicts itself; carries every problem found."""

    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = list(problems)
        msg = f"{len(self.problems)} problem(s) in data:\n" + "\n".join(
            f"  - {p}" for p in self.problems
        )
        super().__init__(msg)


class UnknownArtifactError(AnalysisError):
    """A page asks for a table, chart or value that the analysis does not produce."""

    def __init__(self, *, kind: str, name: str, valid: list[str], where: str = "") -> None:
        self.kind, self.name, self.valid = kind, name, sorted(valid)
        location = f"{where}: " if where else ""
        msg = f"{location}unknown {kind} '{name}'; valid {kind} names are: " + ", ".join(self.valid)
        super().__init__(msg)


class AppraisalDataError(StudyDataError):
    """The appraisal file (analysis/data/appraisal.yaml) is malformed or incomplete."""


@dataclass(frozen=True)
class NoteProblem:
    """One thing wrong in a reader's note: where, which rule it breaks, and how to fix it.

    Printed in the same shape as a :class:`DataProblem` (file:line, entry, field, found,
    expected): the entry is the note's front matter or its body, the field is the front-matter
    field (or, in the body, the rule broken), and what is expected is the fix.
    """

    file: str
    line: int
    rule: str
    found: str
    fix: str
    entry: str = "body"
    field: str = ""

    def __str__(self) -> str:
        return str(
            DataProblem(
                self.file, self.entry, self.field or self.rule, self.found, self.fix, self.line
            )
        )


class NotesError(AnalysisError):
    """One or more notes break the notes rules; carries every problem found."""

    def __init__(self, problems: list[NoteProblem]) -> None:
        self.problems = list(problems)
        msg = f"{len(self.problems)} problem(s) in notes:\n" + "\n".join(
            f"  - {p}" for p in self.problems
        )
        super().__init__(msg)


class ComparatorDataError(StudyDataError):
    """The comparator data file (comparators.yaml) is malformed or contradicts itself."""


class PatientDataError(StudyDataError):
    """A patient-level data file is malformed; every problem names its row and column."""


class PatientRuleWarning(UserWarning):
    """A patient-level file breaks one of the site's stated clinical rules (legal but dubious).

    A warning, not an error: real data may legitimately differ from the site's reading of the
    abstract. Carries the :class:`DataProblem` (file, row, field, found, expected).
    """

    def __init__(self, problem: DataProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class ReconstructionError(AnalysisError):
    """The published numbers cannot be met by the reconstruction under its assumptions."""


class PublishError(AnalysisError):
    """Publishing an edition was refused or failed; nothing was published.

    The message says what was wrong (a malformed edition name, a dirty working tree, an edition
    already published from another commit, a failed build) and how to fix it.
    """


class ChartError(AnalysisError):
    """A chart's spec or data is invalid; names the chart and the field."""


class PlaceholderError(AnalysisError):
    """A placeholder is malformed or misplaced; names the page and line."""
