"""``python -m analysis notes from-issue``: a reader's *Note* issue form → a note file, checked.

GitHub writes an issue form into the issue's body as Markdown: ``### <label>`` for each field,
then the answer (``_No response_`` when an optional field was left empty; checkboxes as
``- [X] label``). The labels and ids come from ``.github/ISSUE_TEMPLATE/note.yml``, so the form
and this parser cannot drift apart unnoticed. The body is untrusted text: front-matter values
are written by the YAML library (never pasted into the file), one-line fields must be one line,
and the note's text goes through the same notes check as any note (which refuses HTML,
scripts, ``javascript:`` links and so on). One-line fields take no control characters or line
separators (U+2028, U+2029, U+0085 …), which would end a line for YAML or a browser. At most
:data:`MAX_PROBLEMS` problems are printed, each cut to :data:`MAX_PROBLEM_LENGTH` characters,
so the bot's answer always fits in one issue comment. Problems are returned as messages naming the form
field, what was found and what is expected; nothing here raises on bad input.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import NoteProblem
from .check import NOTES_DIR, check_notes
from .schema import KINDS

__all__ = [
    "FORM_FILE",
    "MAX_BODY",
    "MAX_PROBLEMS",
    "FromIssue",
    "from_issue_command",
    "note_from_issue",
    "parse_form_body",
]

FORM_FILE = Path(".github/ISSUE_TEMPLATE/note.yml")
MAX_BODY = 65_536  # GitHub's own limit on an issue body: anything longer is not from the form
NO_RESPONSE = "_No response_"
_HEADING = re.compile(r"^### (.+?)\s*$")
_CHECKBOX = re.compile(r"^\s*- \[( |x|X)\] (.+?)\s*$")
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
_SECTION_ID = re.compile(r"^[\w-]+$")
_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$")
_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_PMID = re.compile(r"^PMID:?\s*(\d{1,9})$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SLUG_WORD = re.compile(r"[a-z0-9]+")
# C0 and C1 controls, DEL and the Unicode line and paragraph separators: each ends a line for
# some reader of the file (YAML, Python's splitlines, a browser), so none is in a one-line field
_NOT_ONE_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
MAX_PROBLEMS = 30  # listed in the answer; the rest are counted
MAX_PROBLEM_LENGTH = 400  # characters of one problem's message


@dataclass(frozen=True)
class FromIssue:
    """The outcome: the note file written (``None`` if refused) and every problem found."""

    path: Path | None
    problems: list[str] = field(default_factory=list)


def _form_fields(form_file: Path) -> list[dict[str, Any]]:
    form = yaml.safe_load(form_file.read_text(encoding="utf-8"))
    return [f for f in form["body"] if f.get("type") != "markdown" and f.get("id")]


def parse_form_body(body: str, labels: list[str]) -> dict[str, str] | None:
    """The answer under each ``### label`` heading, by label (``None``: not a form body).

    Only headings that are the form's labels, in the form's order, split the body, so a
    ``### …`` line inside an answer stays part of that answer.
    """
    lines = body.replace("\r\n", "\n").split("\n")
    starts: list[tuple[int, str]] = []
    allowed = 0  # labels before this one were found already (or skipped: missing)
    for i, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading and heading.group(1) in labels[allowed:]:
            starts.append((i, heading.group(1)))
            allowed = labels.index(heading.group(1), allowed) + 1
    if not starts:
        return None
    answers: dict[str, str] = {}
    for n, (i, name) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        text = "\n".join(lines[i + 1 : end]).strip()
        answers[name] = "" if text == NO_RESPONSE else text
    return answers


def _slug(topic: str, number: int) -> str:
    words = _SLUG_WORD.findall(topic.lower())[:6]
    return "-".join(["issue", str(number), *words])[:60].rstrip("-")


def _source_line(line: str) -> str:
    line = _BULLET.sub("", line).strip()
    doi, pmid = _DOI.match(line), _PMID.match(line)
    if doi:
        return f"[doi:{doi.group(1)}](https://doi.org/{doi.group(1)})"
    if pmid:
        return f"[PMID {pmid.group(1)}](https://pubmed.ncbi.nlm.nih.gov/{pmid.group(1)}/)"
    if _URL.match(line):
        return f"[{line}]({line})"
    return line


def _one_line(label: str, value: str, problems: list[str]) -> str:
    if "\n" in value:
        problems.append(f"form field '{label}': found text over several lines; expected one line")
        return value.split("\n", 1)[0].strip()
    found = sorted({f"U+{ord(c):04X}" for c in _NOT_ONE_LINE.findall(value)})
    if found:
        problems.append(
            f"form field '{label}': found a control or line-separator character "
            f"({', '.join(found[:5])}); expected one line of plain text (retype it, or paste "
            "it without formatting)"
        )
        return _NOT_ONE_LINE.sub(" ", value)
    return value


def note_from_issue(
    body: str,
    *,
    number: int,
    author: str,
    date: dt.date,
    docs: Path = Path("docs"),
    form_file: Path = FORM_FILE,
) -> FromIssue:
    """Write the note an issue's form body describes into ``docs/notes/`` and check it.

    Returns the file written and no problems, or no file (nothing is left behind) and every
    problem: the form's own (a required field empty, a box not ticked, a field that is not one
    line) or the notes check's, each pointing at the form field it came from.
    """
    problems: list[str] = []
    if len(body) > MAX_BODY:
        problems.append(
            f"issue body: found {len(body):,} characters; expected at most {MAX_BODY:,} "
            "(GitHub's limit for an issue written with the form)"
        )
        return FromIssue(None, problems)
    if not _LOGIN.match(author):
        problems.append(f"--author: found {author!r}; expected a GitHub login")
        return FromIssue(None, problems)
    fields = _form_fields(form_file)
    labels = [f["attributes"]["label"] for f in fields]
    answers = parse_form_body(body, labels)
    if answers is None:
        problems.append(
            f"issue body: found no '### {labels[0]}' heading; expected the body GitHub writes "
            "for the Note form (open the issue with the Note form, or copy its headings)"
        )
        return FromIssue(None, problems)
    by_id: dict[str, str] = {}
    for spec in fields:
        label, answer = spec["attributes"]["label"], answers.get(spec["attributes"]["label"])
        required = spec.get("validations", {}).get("required", False)
        if answer is None:
            problems.append(f"form field '{label}': found no '### {label}' heading; expected it")
            continue
        if spec["type"] == "checkboxes":
            ticked = {
                m.group(2)
                for m in map(_CHECKBOX.match, answer.split("\n"))
                if m and m.group(1) != " "
            }
            for option in spec["attributes"]["options"]:
                if option.get("required") and option["label"] not in ticked:
                    problems.append(
                        f"form field '{label}': found '{option['label']}' not ticked; "
                        "expected it ticked"
                    )
            continue
        if required and not answer:
            problems.append(f"form field '{label}': found no answer; expected one")
        by_id[spec["id"]] = answer
    labels_by_id = {f["id"]: f["attributes"]["label"] for f in fields}
    topic = _one_line(labels_by_id["topic"], by_id.get("topic", ""), problems)
    kind = by_id.get("kind", "")
    if kind and kind not in KINDS:
        problems.append(
            f"form field '{labels_by_id['kind']}': found {kind[:40]!r}; expected one of "
            + ", ".join(KINDS)
        )
    page = _one_line(labels_by_id["page"], by_id.get("page", ""), problems)
    section = _one_line(labels_by_id["section"], by_id.get("section", ""), problems).lstrip("#")
    if section and not _SECTION_ID.match(section):
        problems.append(
            f"form field '{labels_by_id['section']}': found {section[:60]!r}; expected a "
            "section id such as survival (letters, digits, hyphens)"
        )
    if problems:
        return FromIssue(None, problems)

    front: dict[str, object] = {
        "author": {"name": author},
        "date": date.isoformat(),
        "kind": kind,
        "title": topic,
    }
    if page:
        front["page"] = page
    if section:
        front["section"] = section
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    sources = [_source_line(s) for s in by_id.get("sources", "").split("\n") if s.strip()]
    text = by_id.get("note", "").strip()
    where = [labels_by_id["note"]] * (text.count("\n") + 1)  # the form field of each line
    if sources:
        text += "\n\n**Sources**\n\n" + "\n".join(f"- {s}" for s in sources)
        where += [labels_by_id["sources"]] * (3 + len(sources))
    content = f"---\n{header}---\n{text}\n"
    name = f"{date.isoformat()}-{_slug(topic, number)}.md"
    path = docs / NOTES_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    own = f"{docs.name}/{NOTES_DIR}/{name}"
    found = [p for p in check_notes(docs, today=date).problems if p.file == own]
    if found:
        path.unlink()
        body_line = header.count("\n") + 3
        return FromIssue(None, [_explain(p, body_line, where, labels_by_id) for p in found])
    return FromIssue(path, [])


def _explain(problem: NoteProblem, body_line: int, where: list[str], labels: dict[str, str]) -> str:
    """A check's problem told in terms of the form: which field, and what to change."""
    offset = problem.line - body_line
    if 0 <= offset < len(where):
        label = where[offset]
    else:  # a front-matter field
        label = {
            "page": labels["page"],
            "section": labels["section"],
            "kind": labels["kind"],
            "front-matter": labels["topic"],
        }.get(problem.rule, labels["note"])
    return f"form field '{label}': [{problem.rule}] {problem.found}. Fix: {problem.fix}"


def from_issue_command(
    body_file: Path | None,
    *,
    number: int | None,
    author: str | None,
    date: str | None,
    docs: Path,
) -> int:
    """The command: print the note file written (exit 0), or every problem on standard error,
    one per line, and exit 2 (also for unusable arguments), never a traceback."""
    problems = []
    if number is None or number <= 0:
        problems.append("--number: expected the issue's number (a positive integer)")
    if not author:
        problems.append("--author: expected the GitHub login of the issue's author")
    day = dt.datetime.now(tz=dt.UTC).date()
    if date is not None:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            problems.append(f"--date: found {date!r}; expected YYYY-MM-DD")
    body = ""
    if body_file is None:
        problems.append("BODY_FILE: missing; expected the file holding the issue's body")
    else:
        try:
            body = body_file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            problems.append(f"{body_file}: cannot be read ({exc.strerror}); expected the body")
    if not FORM_FILE.is_file():
        problems.append(f"{FORM_FILE}: not found; run the command from the project's top folder")
    if not (docs / NOTES_DIR).is_dir():
        problems.append(f"--docs {docs}: no {NOTES_DIR}/ folder; expected the site's docs folder")
    if not problems:
        assert number is not None
        assert author
        result = note_from_issue(body, number=number, author=author, date=day, docs=docs)
        if result.path is not None:
            print(result.path)
            return 0
        problems = result.problems
    issue = f"issue #{number}" if number else "the issue"
    lines = [f"error: no note was written from {issue}; {len(problems)} problem(s):"]
    for problem in problems[:MAX_PROBLEMS]:
        if len(problem) > MAX_PROBLEM_LENGTH:
            problem = problem[: MAX_PROBLEM_LENGTH - 1] + "…"
        lines.append(f"  - {problem}")
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"  - … and {len(problems) - MAX_PROBLEMS} more problem(s) not shown")
    print("\n".join(lines), file=sys.stderr)
    return 2
