"""Tables of the journal-club appraisal (checklist, PICO, limitations)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import metadata

import pandas as pd

from ..artifact import Table
from .schema import ANSWERS, SECTION_TITLES, Appraisal

__all__ = [
    "ANSWER_DISPLAY",
    "PROJECT_DISTRIBUTION",
    "TABLES",
    "checklist_table",
    "edition",
    "limitations_table",
    "pico_table",
    "reviewers_text",
]

PROJECT_DISTRIBUTION = "mll-relapse-study"

#: How each answer is shown: an icon AND a word, so that it never relies on colour or shape alone.
ANSWER_DISPLAY: Mapping[str, str] = {
    "yes": "✔ Yes",
    "no": "✘ No",
    "can't tell": "? Can't tell",
}


def edition() -> str:
    """The site's edition: the project version (``[project] version`` in pyproject.toml)."""
    return metadata.version(PROJECT_DISTRIBUTION)


def reviewers_text(appraisal: Appraisal) -> str:
    """Who reviewed the appraisal, in what role and when: "Name (role, date)", one per review."""
    return "; ".join(str(reviewer) for reviewer in appraisal.appraisal.reviewers)


def _source(appraisal: Appraisal) -> str:
    meta = appraisal.appraisal
    return (
        f"This site's appraisal by {reviewers_text(appraisal)}, based on the abstract; "
        f"questions paraphrased from the {meta.checklist}"
    )


def checklist_table(appraisal: Appraisal) -> Table:
    """The checklist: CASP number, question, answer (icon and word), justification, grounds."""
    rows = []
    for item in appraisal.checklist:
        q = appraisal.question(item.id)
        rows.append(
            {
                "id": item.id,
                "number": q.number,
                "section": q.section,
                "question": item.question,
                "answer": item.answer,
                "justification": item.justification,
                "basis": item.basis,
            }
        )
    data = pd.DataFrame(rows)
    display = pd.DataFrame(
        {
            "#": data["number"],
            "Question": data["question"],
            "Answer": [ANSWER_DISPLAY[a] for a in data["answer"]],
            "Why": data["justification"],
            "Grounds": data["basis"],
        }
    )
    sections = "; ".join(
        f"{letter} ({', '.join(data.loc[data['section'] == letter, 'number'])}): {title}"
        for letter, title in SECTION_TITLES.items()
    )
    return Table(
        "appraisal_checklist",
        f"{appraisal.appraisal.checklist}, answered by this site. Sections {sections}",
        _source(appraisal),
        data,
        display,
        {
            "id": "identifier of the question",
            "number": "question number in the CASP cohort checklist",
            "section": "CASP section: A validity, B results, C local applicability",
            "question": "the question, in this site's words",
            "answer": "one of: " + ", ".join(ANSWERS),
            "justification": "one-line reason for the answer",
            "basis": "where the reason comes from",
        },
    )


def pico_table(appraisal: Appraisal) -> Table:
    """Population, exposure / prognostic factors, comparison, outcomes and design."""
    p = appraisal.pico
    data = pd.DataFrame(
        {
            "element": ["population", "exposure", "comparison", "outcomes", "design"],
            "label": [
                "Population",
                "Exposure and prognostic factors",
                "Comparison",
                "Outcomes",
                "Design",
            ],
            "text": [p.population, p.exposure, p.comparison, p.outcomes, appraisal.design],
        }
    )
    return Table(
        "appraisal_pico",
        "PICO: who was studied, what was measured, against what",
        _source(appraisal),
        data,
        data[["label", "text"]].rename(columns={"label": "Element", "text": "This study"}),
        {
            "element": "PICO element (or design)",
            "label": "the element's name as shown",
            "text": "what the study did, in this site's words",
        },
    )


def limitations_table(appraisal: Appraisal) -> Table:
    """The limitations a reader should weigh, each with why it matters."""
    data = pd.DataFrame(
        {
            "id": [lim.id for lim in appraisal.limitations],
            "title": [lim.title for lim in appraisal.limitations],
            "detail": [lim.detail for lim in appraisal.limitations],
        }
    )
    return Table(
        "appraisal_limitations",
        "Limitations to weigh before applying the results",
        _source(appraisal),
        data,
        data[["title", "detail"]].rename(
            columns={"title": "Limitation", "detail": "Why it matters"}
        ),
        {
            "id": "identifier of the limitation",
            "title": "the limitation in a few words",
            "detail": "what it is and why it matters",
        },
    )


TABLES: tuple[Callable[[Appraisal], Table], ...] = (
    checklist_table,
    pico_table,
    limitations_table,
)
