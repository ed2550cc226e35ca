"""A note file: front matter (who, when, what kind, where it belongs) and a Markdown body.

Parsing never raises on bad input: it returns the problems it found, each with the file,
line, rule broken and how to fix it, so one bad note cannot hide the others' problems.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from ..datafile import Locator, Model, parse_yaml, schema_problems
from ..errors import NoteProblem

__all__ = ["KINDS", "Author", "Note", "parse_note", "valid_orcid"]

KINDS = ("knowledge", "pearl", "summary", "comment")
Kind = Literal["knowledge", "pearl", "summary", "comment"]
_FIELDS = ("author", "date", "kind", "title", "page", "section")
_AUTHOR_FIELDS = ("name", "orcid", "affiliation")
_ORCID = re.compile(r"^(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Characters that end a line for YAML, Python's splitlines or a browser, and other controls: a
# front-matter value (one line each) never holds one; tab and the line's own end are allowed
_NOT_ONE_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_TEMPLATE = (
    "start the file with front matter between two '---' lines, as in docs/notes/_template.md"
)


class _AuthorFields(Model):
    name: Any = None
    orcid: Any = None
    affiliation: Any = None


class FrontMatter(Model):
    """The fields a note's front matter may have. Unknown fields are found by the shared
    data-file loader; values are checked by :func:`parse_note`, worded for a contributor."""

    author: Any = None  # a name, or name/orcid/affiliation (_AuthorFields)
    date: Any = None
    kind: Any = None
    title: Any = None
    page: Any = None
    section: Any = None


@dataclass(frozen=True)
class Author:
    """Who wrote a note."""

    name: str
    orcid: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True)
class Note:
    """A parsed note; ``body`` is Markdown, ``body_line`` the file line where it starts."""

    file: str
    docs_path: str  # path inside the docs folder, e.g. "notes/2026-11-25-salvage.md"
    slug: str
    author: Author
    date: dt.date
    kind: Kind
    title: str | None
    page: str | None
    section: str | None
    body: str
    body_line: int
    field_lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, field: str) -> int:
        """File line of a front-matter field (1 if absent)."""
        return dict(self.field_lines).get(field, 1)


class _NoDates(yaml.SafeLoader):
    """YAML loader that keeps dates as text, so an impossible date is our error, not YAML's."""


_NoDates.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def valid_orcid(value: str) -> bool:
    """Whether ``value`` is an ORCID iD with a correct ISO 7064 11,2 check digit."""
    match = _ORCID.match(value)
    if not match:
        return False
    digits = match.group(1).replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_note(
    text: str, *, file: str, docs_path: str, slug: str, today: dt.date
) -> tuple[Note | None, list[NoteProblem]]:
    """Parse one note file; return the note (None if unusable) and every problem found."""
    problems: list[NoteProblem] = []

    def problem(line: int, rule: str, found: str, fix: str) -> None:
        entry = "body" if rule == "empty-note" else "front matter"
        problems.append(
            NoteProblem(file=file, line=line, rule=rule, found=found, fix=fix, entry=entry)
        )

    # Lines end at "\n" only (a "\r" before it is dropped), as YAML and Markdown read the file:
    # str.splitlines would also end one at U+2028, U+0085 … inside a value.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if not lines or lines[0].strip(" \t") != "---":
        problem(1, "front-matter", "the note has no front matter", _TEMPLATE)
        return None, problems
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip(" \t") == "---"), None)
    if end is None:
        problem(1, "front-matter", "the front matter is never closed", "add a line '---' after it")
        return None, problems
    for number, line in enumerate(lines[1:end], start=2):
        controls = sorted({f"U+{ord(c):04X}" for c in _NOT_ONE_LINE.findall(line)})
        if controls:
            key = line.split(":", 1)[0].strip() if ":" in line else "front matter"
            problem(
                number,
                "front-matter",
                f"the line of '{key[:40]}' holds a control or line-separator character "
                f"({', '.join(controls[:5])})",
                "retype the value as plain text on one line",
            )
    if problems:
        return None, problems
    header = "\n".join(lines[1:end])
    try:
        raw, index = parse_yaml(header, _NoDates)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        bad_line = 2 + int(mark.line) if mark is not None else 1
        problem(
            bad_line,
            "front-matter",
            f"the front matter is not valid YAML ({exc})",
            "write one 'field: value' per line, as in docs/notes/_template.md",
        )
        return None, problems
    if not isinstance(raw, dict):
        problem(
            1,
            "front-matter",
            "the front matter is not a list of 'field: value' lines",
            "write one 'field: value' per line, as in docs/notes/_template.md",
        )
        return None, problems
    # Lines by field ("kind", "author.orcid"), from the same parse as every data file's.
    at = {".".join(map(str, path)): 1 + line for path, line in index.items() if path}
    author = raw.get("author")
    parts = [(FrontMatter, raw, ())] + (
        [(_AuthorFields, author, ("author",))] if isinstance(author, dict) else []
    )
    for model, value, prefix in parts:
        lines_here = {
            path[len(prefix) :]: 1 + line
            for path, line in index.items()
            if path[: len(prefix)] == prefix
        }
        try:
            model.model_validate(value)
        except ValidationError as err:
            for p in schema_problems(err, Locator(file, value, lines_here)):
                if not p.found.startswith("unknown field"):
                    continue  # values are checked below, with a contributor's wording
                key = p.field.rsplit(".", 1)[-1]
                problems.append(
                    NoteProblem(
                        file=file,
                        line=p.line or 1,
                        rule="author" if prefix else "front-matter",
                        found=f"unknown {'author ' if prefix else ''}field '{key}'",
                        fix="use name, orcid and affiliation"
                        if prefix
                        else f"use only the fields {', '.join(_FIELDS)}",
                        entry="front matter",
                        field=".".join((*prefix, key)),
                    )
                )
    author = raw.get("author")
    name = orcid = affiliation = None
    if isinstance(author, str):
        name = _text(author)
    elif isinstance(author, dict):
        name, orcid, affiliation = (_text(author.get(k)) for k in _AUTHOR_FIELDS)
        if author.get("orcid") is not None and not (orcid and valid_orcid(orcid)):
            problem(
                at.get("author.orcid", 1),
                "author",
                f"'{author.get('orcid')}' is not a valid ORCID iD",
                "write it as 0000-0002-1825-0097 (check the digits)",
            )
    if not name:
        problem(
            at.get("author", 1),
            "author",
            "the author's name is missing",
            "add 'author:' with 'name: Your Name' (and optionally orcid, affiliation)",
        )

    kind = raw.get("kind")
    if kind not in KINDS:
        found = "no kind" if kind is None else f"unknown kind '{kind}'"
        problem(at.get("kind", 1), "kind", found, f"set 'kind:' to one of {', '.join(KINDS)}")

    date: dt.date | None = None
    date_value = raw.get("date")
    where = at.get("date", 1)
    if date_value is None:
        problem(where, "date", "the date is missing", "add 'date: YYYY-MM-DD' (today's date)")
    elif not _DATE.match(str(date_value)):
        problem(
            where,
            "date",
            f"'{date_value}' is not a date written YYYY-MM-DD",
            "write the date as YYYY-MM-DD, e.g. 2026-11-25",
        )
    else:
        try:
            date = dt.date.fromisoformat(str(date_value))
        except ValueError:
            problem(
                where,
                "date",
                f"{date_value} is not a real calendar date",
                "check the month and day",
            )
        if date is not None and date > today:
            problem(
                where,
                "date",
                f"{value} is in the future (today is {today.isoformat()})",
                "use the date you wrote the note",
            )
            date = None

    title = raw.get("title")
    if title is not None and not _text(title):
        problem(
            at.get("title", 1),
            "front-matter",
            "the title is empty",
            "write a title or remove the 'title:' line",
        )
    page, section = _text(raw.get("page")), _text(raw.get("section"))
    if raw.get("section") is not None and raw.get("page") is None:
        problem(
            at.get("section", 1),
            "section",
            "a section is given without its page",
            "add 'page:' with the page file, e.g. page: results.md",
        )

    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        problem(
            end + 1,
            "empty-note",
            "the note has no text after its front matter",
            "write the note below the closing '---' line",
        )
    if problems or name is None or date is None or kind not in KINDS:
        return None, problems
    note = Note(
        file=file,
        docs_path=docs_path,
        slug=slug,
        author=Author(name=name, orcid=orcid, affiliation=affiliation),
        date=date,
        kind=kind,
        title=_text(title),
        page=page,
        section=section,
        body=body,
        body_line=end + 2,
        field_lines=tuple(sorted(at.items())),
    )
    return note, problems
