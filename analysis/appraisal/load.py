"""Loading and validation of the journal-club appraisal (analysis/data/appraisal.yaml): YAML 1.2
booleans, every ``{{ value NAME }}`` filled in from the other domains' values, and the rules a
reviewer's text follows. Every problem names the file, line, entry and field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..datafile import DATA_DIR, FAST_SAFE_LOADER, Locator, read_yaml, schema_problems
from ..errors import AppraisalDataError, DataProblem
from .schema import (
    BOTTOM_LINE_MAX_CHARS,
    BOTTOM_LINE_MAX_SENTENCES,
    CASP_COHORT,
    JUSTIFICATION_MAX_CHARS,
    SECTION_TITLES,
    Appraisal,
)

__all__ = ["APPRAISAL_FILE", "YAML12Loader", "count_sentences", "load_appraisal"]

APPRAISAL_FILE = DATA_DIR / "appraisal.yaml"


# FAST_SAFE_LOADER is chosen at run time (libyaml or not), so mypy sees a plain `type` base.
class YAML12Loader(FAST_SAFE_LOADER):  # type: ignore[misc]
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
                    f"(section {q.section}: {SECTION_TITLES[q.section]})",
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
