"""The notes check: every rule a note must follow, with the file, line, rule and fix.

Used by ``python -m analysis notes check`` and by the site build (which stops on any problem).
The check is strict on purpose (any HTML other than ``<sup>``/``<sub>`` is an error); the
sanitiser in :mod:`analysis.notes.sanitise` is the separate guarantee that forbidden content is
never emitted even if this check is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from markdown.extensions.toc import slugify, unique

from ..errors import NoteProblem
from .markdown_ext import LinkRecord, render_markdown, url_scheme
from .sanitise import ALLOWED_TAGS, LINK_SCHEMES, sanitise
from .schema import Note, parse_note

__all__ = ["NOTES_DIR", "CheckedNotes", "RenderedNote", "check_notes", "page_sections"]

NOTES_DIR = "notes"  # inside the docs folder
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TAG_START = re.compile(r"<(?:/?[A-Za-z]|!|\?)")
_ALLOWED_RAW = {"<sup>", "</sup>", "<sub>", "</sub>"}
_AUTOLINK = re.compile(r"<(?:https?://[^<>\s]*|[^<>\s@]+@[^<>\s@]+\.[^<>\s]+)>", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_URL_BREAKERS = re.compile(r"[\"'<>\\`]")
_IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"}
_SVG_ACTIVE = re.compile(
    r"<\s*script|\bon[a-z]+\s*=|javascript:|<\s*foreignObject|<\s*iframe|href\s*=|<!ENTITY",
    re.IGNORECASE,
)
_DANGEROUS_ELEMENTS = {
    "script": "a <script> element",
    "iframe": "an <iframe>",
    "frame": "a <frame>",
    "object": "an <object>",
    "embed": "an <embed>",
    "form": "a <form>",
    "input": "a form <input>",
    "button": "a <button>",
    "svg": "inline SVG",
    "math": "inline MathML",
    "style": "a <style> element",
    "link": "a <link> element",
    "meta": "a <meta> element",
    "base": "a <base> element",
}
_UNSUPPORTED = {
    "h1": ("a heading", r"^\s*#|^\s*[=-]{3,}\s*$"),
    "h2": ("a heading", r"^\s*#|^\s*[=-]{3,}\s*$"),
    "h3": ("a heading", r"^\s*#"),
    "h4": ("a heading", r"^\s*#"),
    "h5": ("a heading", r"^\s*#"),
    "h6": ("a heading", r"^\s*#"),
    "code": ("code", r"`|^ {4}"),
    "pre": ("a code block", r"`|^ {4}"),
    "blockquote": ("a quotation block", r"^\s*>"),
}
MAX_HTML_PROBLEMS = 20  # raw-HTML problems reported per note; the rest are counted in one more
_SNIPPET = 120  # characters of a tag looked at and shown
_FIX_HTML = (
    "remove it: the only HTML a note may contain is <sup>…</sup> and <sub>…</sub>, without "
    "attributes; use Markdown for formatting, [links](https://…) and "
    '![images](file.png "Title")'
)


@dataclass(frozen=True)
class RenderedNote:
    """A note that passed the check, with its sanitised HTML (URLs still carry ROOT_TOKEN)."""

    note: Note
    html: str


@dataclass
class CheckedNotes:
    """Result of checking a notes folder."""

    notes: list[RenderedNote] = field(default_factory=list)
    problems: list[NoteProblem] = field(default_factory=list)


def page_sections(docs_dir: Path, *, notes_dir: str = NOTES_DIR) -> dict[str, set[str]]:
    """Pages of the site (paths inside ``docs_dir``) and the ids of their headings, computed
    as MkDocs' ``toc`` extension computes them."""
    pages: dict[str, set[str]] = {}
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        if rel.startswith(f"{notes_dir}/") and rel != f"{notes_dir}/index.md":
            continue
        ids: set[str] = set()
        fence: str | None = None
        for line in path.read_text(encoding="utf-8").splitlines():
            opening = _FENCE.match(line)
            if opening:
                fence = None if fence and opening.group(1)[0] == fence[0] else opening.group(1)
                continue
            heading = None if fence else _HEADING.match(line)
            if heading:
                explicit = _ATTR_ID.search(heading.group(2))
                text = _ATTR_ID.sub("", heading.group(2)).strip()
                ids.add(explicit.group(1) if explicit else unique(slugify(text, "-"), ids))
        pages[rel] = ids
    return pages


def _line(body: str, body_line: int, pattern: str, *, regex: bool = False) -> int:
    for offset, text in enumerate(body.split("\n")):
        if re.search(pattern, text) if regex else pattern.lower() in text.lower():
            return body_line + offset
    return body_line


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _describe_raw(snippet: str) -> str:
    parser = _Tags()
    parser.feed(snippet + (">" if not snippet.endswith(">") else ""))
    parser.close()
    if snippet.startswith("<!--"):
        return "an HTML comment"
    if not parser.tags:
        return "a malformed HTML tag"
    tag, attrs = parser.tags[0]
    shown = tag if len(tag) <= 30 else tag[:29] + "…"
    what = _DANGEROUS_ELEMENTS.get(tag, f"an HTML <{shown}> tag")
    extras = []
    handlers = sorted(name for name, _ in attrs if name.startswith("on"))
    if handlers:
        names = [h if len(h) <= 30 else h[:29] + "…" for h in handlers[:5]]
        extras.append(f"event-handler attribute {', '.join(names)}")
    if any(name == "style" for name, _ in attrs):
        extras.append("a style attribute")
    for name, value in attrs:
        scheme = url_scheme(value or "")
        if scheme in {"javascript", "data", "vbscript"}:
            extras.append(f"a {scheme}: URL in {name}")
    return what + (f" with {' and '.join(extras)}" if extras else "")


def _raw_html_problems(note: Note) -> list[NoteProblem]:
    """Every raw HTML tag or comment but <sup>/<sub>, each looked at within a few dozen
    characters (a tag that never closes does not make the check read the rest of the line
    for each one) and at most :data:`MAX_HTML_PROBLEMS` of them reported."""
    problems: list[NoteProblem] = []
    opened: set[str] = set()
    more = 0
    for offset, text in enumerate(note.body.split("\n")):
        for match in _TAG_START.finditer(text):
            if _AUTOLINK.match(text, match.start(), match.start() + 2048):
                continue
            end = text.find(">", match.start(), match.start() + _SNIPPET)
            snippet = text[match.start() : end + 1 if end >= 0 else match.start() + _SNIPPET]
            if snippet in _ALLOWED_RAW:
                continue
            name = re.match(r"</?([A-Za-z][A-Za-z0-9-]*)", snippet)
            if name and snippet.startswith("</") and name.group(1).lower() in opened:
                continue  # the opening tag is already reported
            if name:
                opened.add(name.group(1).lower())
            if len(problems) >= MAX_HTML_PROBLEMS:
                more += 1
                continue
            shown = snippet if len(snippet) <= 60 else snippet[:57] + "…"
            fix = _FIX_HTML
            if re.match(r"<[A-Za-z]", snippet) and " " not in snippet[:3]:
                fix += "; if you meant a less-than sign, put a space after it ('a < b')"
            problems.append(
                NoteProblem(
                    file=note.file,
                    line=note.body_line + offset,
                    rule="forbidden-html",
                    found=f"{_describe_raw(snippet)}: {shown}",
                    fix=fix,
                )
            )
    if more:
        problems.append(
            NoteProblem(
                file=note.file,
                line=note.body_line,
                rule="forbidden-html",
                found=f"{more} more HTML tag(s) or comment(s) after these {MAX_HTML_PROBLEMS}",
                fix=_FIX_HTML,
            )
        )
    return problems


def _link_problems(
    note: Note,
    links: list[LinkRecord],
    pages: dict[str, set[str]],
    docs_dir: Path,
    note_files: set[str],
) -> list[NoteProblem]:
    problems = []

    def add(raw: str, rule: str, found: str, fix: str) -> None:
        line = _line(note.body, note.body_line, raw[:40] or "](")
        problems.append(NoteProblem(note.file, line, rule, found, fix))

    folder = note.docs_path.rsplit("/", 1)[0]
    for link in links:
        scheme = url_scheme(link.raw)
        if _URL_BREAKERS.search(link.raw):
            add(
                link.raw,
                "forbidden-link",
                f"a link or image address with a quote, angle "
                f"bracket or backslash ({link.raw[:60]})",
                "write a plain address; encode "
                "such characters (%22, %3C, %3E, %5C) if they are really part of it",
            )
            continue
        if link.tag == "img":
            if scheme is not None:
                name = link.raw.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "image.png"
                add(
                    link.raw,
                    "external-image",
                    f"image from outside the site: {link.raw}",
                    f"save the file in the repository next to the note (docs/{folder}/{name}) "
                    f'and write ![alt text]({name} "Title")',
                )
                continue
        elif scheme is not None and scheme not in LINK_SCHEMES:
            add(
                link.raw,
                "forbidden-link",
                f"a link with a {scheme or 'host-relative'}: URL ({link.raw[:60]})",
                "link only to https://, http:// or mailto: addresses, "
                "or to a page of this site such as ../results.md",
            )
            continue
        if scheme is not None:
            continue
        if link.raw.startswith(("/", "#")) or link.target is None:
            add(
                link.raw,
                "broken-link",
                f"'{link.raw}' is not relative to the note",
                "write links to site pages relative to the note, e.g. ../results.md#survival",
            )
            continue
        path, fragment = link.target, link.raw.partition("#")[2]
        if path.startswith("..") or path in note_files or not (docs_dir / path).is_file():
            add(
                link.raw,
                "broken-link",
                f"'{link.raw}' points to no file of the site",
                "check the path: it is relative to the note's folder, e.g. ../results.md",
            )
        elif link.tag == "img" and Path(path).suffix.lower() not in _IMAGE_TYPES:
            add(
                link.raw,
                "image-type",
                f"'{link.raw}' is not an image file the site shows",
                f"use one of: {', '.join(sorted(_IMAGE_TYPES))}",
            )
        elif (
            link.tag == "img"
            and path.lower().endswith(".svg")
            and _SVG_ACTIVE.search((docs_dir / path).read_text(encoding="utf-8", errors="replace"))
        ):
            add(
                link.raw,
                "forbidden-html",
                f"SVG image {path} contains a script, an event handler, embedded HTML or a link",
                "export the figure as PNG, or as an SVG without scripts and links",
            )
        elif fragment and path in pages and fragment not in pages[path]:
            add(
                link.raw,
                "broken-link",
                f"page {path} has no section '#{fragment}'",
                f"use one of: {', '.join(sorted(pages[path])) or '(no sections)'}",
            )
    return problems


def _unsupported_problems(note: Note, raw_html: str) -> list[NoteProblem]:
    parser = _Tags()
    parser.feed(raw_html)
    parser.close()
    problems, seen = [], set()
    for tag, _ in parser.tags:
        if tag in ALLOWED_TAGS or tag in seen:
            continue
        seen.add(tag)
        what, pattern = _UNSUPPORTED.get(tag, (f"<{tag}>", re.escape(f"<{tag}")))
        problems.append(
            NoteProblem(
                file=note.file,
                line=_line(note.body, note.body_line, pattern, regex=True),
                rule="unsupported-formatting",
                found=f"{what} is not part of the notes formatting",
                fix="use only italics, _underline_, **bold**, <sup>/<sub>, lists, links, images "
                "and footnotes (see CONTRIBUTING.md)",
            )
        )
    return problems


def check_notes(
    docs_dir: Path,
    *,
    today: dt.date | None = None,
    use_directory_urls: bool = True,
    notes_dir: str = NOTES_DIR,
) -> CheckedNotes:
    """Check every note under ``docs_dir/notes_dir`` and render those that pass.

    Files whose name starts with ``_`` (the template) and the folder's ``index.md`` are not
    notes. A note with any problem is left out of ``notes``; callers that publish must stop
    when ``problems`` is not empty.
    """
    today = today or dt.date.today()
    result = CheckedNotes()
    folder = docs_dir / notes_dir
    files = (
        sorted(
            p
            for p in folder.rglob("*.md")
            if not p.name.startswith("_") and p.relative_to(folder).as_posix() != "index.md"
        )
        if folder.is_dir()
        else []
    )
    note_files = {p.relative_to(docs_dir).as_posix() for p in files}
    pages = page_sections(docs_dir, notes_dir=notes_dir)
    slugs: dict[str, str] = {}
    for path in files:
        docs_path, slug = path.relative_to(docs_dir).as_posix(), path.stem
        file = f"{docs_dir.name}/{docs_path}"
        if not _SLUG.match(slug):
            result.problems.append(
                NoteProblem(
                    file,
                    1,
                    "file-name",
                    f"'{path.name}' is not a valid note file name",
                    "use lower-case letters, digits and hyphens, e.g. "
                    "2026-11-25-salvage-remission.md",
                )
            )
            continue
        if slug in slugs:
            result.problems.append(
                NoteProblem(
                    file,
                    1,
                    "duplicate-slug",
                    f"another note ({slugs[slug]}) has the same name '{slug}'",
                    "rename one of the two files",
                )
            )
            continue
        slugs[slug] = file
        note, problems = parse_note(
            path.read_text(encoding="utf-8"), file=file, docs_path=docs_path, slug=slug, today=today
        )
        result.problems.extend(problems)
        if note is None:
            continue
        problems = []
        if note.page is not None and note.page not in pages:
            problems.append(
                NoteProblem(
                    file,
                    note.line_of("page"),
                    "page",
                    f"unknown page '{note.page}'",
                    f"use one of: {', '.join(sorted(pages))}",
                )
            )
        elif note.section is not None and note.section not in pages[note.page or ""]:
            problems.append(
                NoteProblem(
                    file,
                    note.line_of("section"),
                    "section",
                    f"page {note.page} has no section '{note.section}'",
                    f"use one of: {', '.join(sorted(pages[note.page or '']))}",
                )
            )
        raw_html, info = render_markdown(
            note.body,
            slug=slug,
            note_dir=docs_path.rsplit("/", 1)[0],
            use_directory_urls=use_directory_urls,
        )
        html_problems = _raw_html_problems(note)
        problems += html_problems
        for label, why in info.footnote_problems:
            problems.append(
                NoteProblem(
                    file,
                    _line(note.body, note.body_line, f"[^{label}]"),
                    "footnote",
                    f"footnote [^{label}]: {why}",
                    "write [^1](text) inline or "
                    "[^1] with '[^1]: text' on its own line, once per label",
                )
            )
        problems += _link_problems(note, info.links, pages, docs_dir, note_files)
        if not html_problems:
            problems += _unsupported_problems(note, raw_html)
        result.problems.extend(problems)
        if not problems:
            result.notes.append(RenderedNote(note=note, html=sanitise(raw_html)))
    result.notes.sort(key=lambda r: (r.note.date, r.note.slug), reverse=True)
    return result
