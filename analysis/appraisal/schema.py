"""The site's journal-club appraisal (analysis/data/appraisal.yaml): schema, loading, validation.

The appraisal is the site's judgement of the study, kept as data so that it can be dated,
signed, validated and challenged by pull request. Its texts may name study values with the
page syntax ``{{ value NAME }}``; :func:`load_appraisal` fills them in, so no number is typed
twice.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from ..datafile import (
    DATA_DIR,
    FAST_SAFE_LOADER,
    Id,
    Locator,
    Model,
    Text,
    read_yaml,
    schema_problems,
)
from ..errors import AppraisalDataError, DataProblem

__all__ = [
    "ANSWERS",
    "APPRAISAL_FILE",
    "BOTTOM_LINE_MAX_CHARS",
    "BOTTOM_LINE_MAX_SENTENCES",
    "CASP_COHORT",
    "JUSTIFICATION_MAX_CHARS",
    "Appraisal",
    "ChecklistAnswer",
    "ChecklistQuestion",
    "Limitation",
    "Pico",
    "Reviewer",
    "YAML12Loader",
    "count_sentences",
    "load_appraisal",
]

APPRAISAL_FILE = DATA_DIR / "appraisal.yaml"
ANSWERS = ("yes", "no", "can't tell")
BOTTOM_LINE_MAX_SENTENCES = 3
BOTTOM_LINE_MAX_CHARS = 480
JUSTIFICATION_MAX_CHARS = 260


class ChecklistQuestion(BaseModel):
    """One question of the CASP cohort checklist: our id, its number and section in CASP."""

    model_config = ConfigDict(frozen=True)

    id: str
    number: str
    section: str


_SECTIONS = {
    "A": "Are the results valid?",
    "B": "What are the results?",
    "C": "Will the results help locally?",
}
#: The structure of the CASP Cohort Study Checklist (12 questions, 5 and 6 in two parts).
#: The wording of each question lives in the data file, in our own words.
CASP_COHORT: tuple[ChecklistQuestion, ...] = tuple(
    ChecklistQuestion(id=ident, number=number, section=section)
    for ident, number, section in (
        ("focused_question", "1", "A"),
        ("cohort_recruitment", "2", "A"),
        ("exposure_measurement", "3", "A"),
        ("outcome_measurement", "4", "A"),
        ("confounders_identified", "5a", "A"),
        ("confounders_accounted", "5b", "A"),
        ("follow_up_complete", "6a", "A"),
        ("follow_up_long", "6b", "A"),
        ("results_reported", "7", "B"),
        ("precision", "8", "B"),
        ("believable", "9", "B"),
        ("applicable", "10", "C"),
        ("fits_evidence", "11", "C"),
        ("practice_implications", "12", "C"),
    )
)
SECTION_TITLES: Mapping[str, str] = _SECTIONS


class Reviewer(Model):
    """One review of the appraisal: who made it, in what role, and when."""

    name: Text
    role: Text
    date: dt.date

    def __str__(self) -> str:
        return f"{self.name} ({self.role}, {self.date.isoformat()})"


class AppraisalMeta(Model):
    """Who appraised the study, when, on what basis and with which checklist."""

    reviewers: list[Reviewer] = Field(min_length=1)
    basis: Text
    checklist: Text
    checklist_url: Annotated[StrictStr, Field(pattern=r"^https://\S+$")]
    checklist_note: Text

    @property
    def date(self) -> dt.date:
        """The date of the latest review: the judgements stand as of then."""
        return max(reviewer.date for reviewer in self.reviewers)


class Pico(Model):
    """Population, exposure (prognostic factors), comparison and outcomes."""

    population: Text
    exposure: Text
    comparison: Text
    outcomes: Text


class ChecklistAnswer(Model):
    """The site's answer to one checklist question, with a one-line justification."""

    id: Id
    question: Text
    answer: Literal["yes", "no", "can't tell"]
    justification: Text
    basis: Text


class Limitation(Model):
    id: Id
    title: Text
    detail: Text


class Appraisal(Model):
    """The whole appraisal file, with every ``{{ value NAME }}`` filled in once loaded."""

    appraisal: AppraisalMeta
    design: Text
    pico: Pico
    checklist: list[ChecklistAnswer] = Field(min_length=1)
    limitations: list[Limitation] = Field(min_length=1)
    bottom_line: Text

    def question(self, question_id: str) -> ChecklistQuestion:
        """The CASP structure (number, section) of a checklist answer's question."""
        for q in CASP_COHORT:
            if q.id == question_id:
                return q
        msg = f"no CASP cohort question with id '{question_id}'"
        raise KeyError(msg)


class YAML12Loader(FAST_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """Safe loader that reads only true/false as booleans (YAML 1.2), so that an unquoted
    ``answer: yes`` or ``answer: no`` stays the word it looks like."""


YAML12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
YAML12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

# A reference to an issue of this project's tracker ("issue 8", "Issue #12"): readers of the site
# or of the public repository cannot look it up, so the text gives the reason itself.
_TRACKER_REFERENCE = re.compile(r"\bissue #?[0-9]+", re.IGNORECASE)
_VALUE_REF = re.compile(r"\{\{\s*value\s+(?P<name>[A-Za-z0-9_.-]+)\s*\}\}")
_ANY_BRACES = re.compile(r"\{\{.*?\}\}")
# A sentence ends at . ! or ? followed by a space and a capital letter or an opening bracket;
# "25.6%" or "e.g. blinatumomab" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(A-Z])")


def count_sentences(text: str) -> int:
    """Number of sentences in a short prose text (0 for blank text)."""
    text = text.strip()
    return len(_SENTENCE_END.split(text)) if text else 0


def _fill(
    text: str, values: Mapping[str, str], problem: Any, field: str
) -> tuple[str, list[DataProblem]]:
    problems: list[DataProblem] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in values:
            near = difflib.get_close_matches(name, list(values), n=5, cutoff=0.6)
            hint = f" (close: {', '.join(near)})" if near else ""
            problems.append(problem(field, repr(match.group(0)), f"a known value name{hint}"))
            return match.group(0)
        return values[name]

    filled = _VALUE_REF.sub(substitute, text)
    for leftover in _ANY_BRACES.findall(_VALUE_REF.sub("", text)):
        problems.append(problem(field, repr(leftover), "'{{ value NAME }}'"))
    return filled, problems


def _fill_all(
    raw: dict[str, Any], values: Mapping[str, str], loc: Locator
) -> tuple[dict[str, Any], list[DataProblem]]:
    """Fill every value reference in the prose fields; collect unknown names as problems."""
    problems: list[DataProblem] = []

    def at(path: tuple[Any, ...]) -> Any:
        return lambda field, found, expected: loc.problem(path, field, found, expected)

    def fill(text: str, path: tuple[Any, ...], field: str) -> str:
        filled, found = _fill(text, values, at(path), field)
        problems.extend(found)
        return filled

    out = dict(raw)
    out["design"] = fill(raw["design"], (), "design")
    out["bottom_line"] = fill(raw["bottom_line"], (), "bottom_line")
    out["pico"] = {k: fill(v, ("pico",), k) for k, v in raw["pico"].items()}
    out["checklist"] = [
        {**item, "justification": fill(item["justification"], ("checklist", i), "justification")}
        for i, item in enumerate(raw["checklist"])
    ]
    out["limitations"] = [
        {**item, "detail": fill(item["detail"], ("limitations", i), "detail")}
        for i, item in enumerate(raw["limitations"])
    ]
    return out, problems


def _tracker_problems(raw: Any, loc: Locator, path: tuple[Any, ...] = ()) -> list[DataProblem]:
    """Every text, as written, that cites an issue of the project's tracker."""
    if isinstance(raw, dict):
        items: Any = raw.items()
    elif isinstance(raw, list):
        items = enumerate(raw)
    else:
        return []
    problems: list[DataProblem] = []
    for key, value in items:
        if isinstance(value, str) and (match := _TRACKER_REFERENCE.search(value)):
            start, end = max(0, match.start() - 30), match.end() + 10
            problems.append(
                loc.problem(
                    path,
                    str(key),
                    repr(value[start:end].strip()),
                    "the reason itself, not an issue of the project's tracker (readers of the "
                    "site cannot look it up)",
                )
            )
        else:
            problems += _tracker_problems(value, loc, (*path, key))
    return problems


def _structure_problems(appraisal: Appraisal, loc: Locator) -> list[DataProblem]:
    """What the schema alone cannot check: the checklist is complete, texts are short."""
    problems: list[DataProblem] = []
    known = {q.id: q for q in CASP_COHORT}
    seen: dict[str, int] = {}
    for i, item in enumerate(appraisal.checklist):
        path = ("checklist", i)
        if item.id not in known:
            problems.append(
                loc.problem(
                    path,
                    "id",
                    repr(item.id),
                    "the id of a CASP cohort question: " + ", ".join(known),
                )
            )
        elif item.id in seen:
            problems.append(
                loc.problem(
                    path,
                    "id",
                    repr(item.id),
                    f"each question answered once (already answered in checklist[{seen[item.id]}])",
                )
            )
        seen.setdefault(item.id, i)
        if "\n" in item.justification or len(item.justification) > JUSTIFICATION_MAX_CHARS:
            problems.append(
                loc.problem(
                    path,
                    "justification",
                    f"{len(item.justification)} characters"
                    + (" over several lines" if "\n" in item.justification else ""),
                    f"one line of at most {JUSTIFICATION_MAX_CHARS} characters "
                    "(after values are filled in)",
                )
            )
    for q in CASP_COHORT:
        if q.id not in seen:
            problems.append(
                loc.problem(
                    ("checklist",),
                    f"checklist[id={q.id}]",
                    "no answer to this question",
                    f"an entry with id '{q.id}' answering CASP question {q.number} "
                    f"(section {q.section}: {_SECTIONS[q.section]})",
                )
            )
    problems += loc.duplicate_ids("limitations", [lim.id for lim in appraisal.limitations])[1]
    sentences, chars = count_sentences(appraisal.bottom_line), len(appraisal.bottom_line)
    if sentences > BOTTOM_LINE_MAX_SENTENCES or chars > BOTTOM_LINE_MAX_CHARS:
        problems.append(
            loc.problem(
                (),
                "bottom_line",
                f"{sentences} sentence(s), {chars} characters",
                f"at most {BOTTOM_LINE_MAX_SENTENCES} sentences and "
                f"{BOTTOM_LINE_MAX_CHARS} characters (after values are filled in)",
            )
        )
    return problems


def load_appraisal(path: Path | str = APPRAISAL_FILE, *, values: Mapping[str, str]) -> Appraisal:
    """Read and validate the appraisal file, filling in ``{{ value NAME }}`` from ``values``.

    Parameters
    ----------
    path
        The YAML file (default: the packaged ``analysis/data/appraisal.yaml``).
    values
        The inline values the pages can use (name → text), computed from the study data.

    Returns
    -------
    Appraisal
        With every value reference replaced by its text.

    Raises
    ------
    AppraisalDataError
        With every problem found, each naming the file, line, entry, field, what was found
        and what was expected: an unknown answer, a missing or over-long justification, a
        checklist question without an answer, an over-long bottom line, an unknown value name,
        a text that cites an issue of the project's tracker.
    """
    path = Path(path)
    raw, loc = read_yaml(Path(path), error=AppraisalDataError, loader=YAML12Loader)
    if not isinstance(raw, dict):
        expected = "a mapping with appraisal, design, pico, checklist, limitations, bottom_line"
        raise AppraisalDataError([loc.problem((), "", type(raw).__name__, expected)])
    try:
        Appraisal.model_validate(raw)  # shape and types first, on the text as written
    except ValidationError as err:
        raise AppraisalDataError(schema_problems(err, loc)) from None
    filled, problems = _fill_all(raw, values, loc)
    problems = _tracker_problems(raw, loc) + problems
    appraisal = Appraisal.model_validate(filled)
    problems += _structure_problems(appraisal, loc)
    if problems:
        raise AppraisalDataError(problems)
    return appraisal
