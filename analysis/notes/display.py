"""HTML around notes: a card per note, the notes of a page section, and the notes index.

Only metadata that passed the check is placed here, always escaped; note bodies are the
sanitiser's output. URLs still carry ``ROOT_TOKEN``; :func:`resolve_root` fixes them per page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode, urlsplit

from .check import RenderedNote
from .markdown_ext import ROOT_TOKEN, page_url
from .schema import KINDS

__all__ = [
    "INDEX_MARKER",
    "KIND_LABELS",
    "index_html",
    "insert_into_section",
    "note_card",
    "notes_block",
    "permalink",
    "resolve_root",
    "suggest_note_url",
]

INDEX_MARKER = "<!-- notes-index -->"
KIND_LABELS = {
    "knowledge": "Knowledge",
    "pearl": "Pearl",
    "summary": "Summary",
    "comment": "Comment",
}
_HEADING = re.compile(r"<h([1-6])\b[^>]*>")


def suggest_note_url(
    repo_url: str | None, *, page: str | None = None, section: str | None = None
) -> str | None:
    """The repository's *Note* issue form with ``page`` and ``section`` filled in (GitHub fills
    form fields from query parameters named by their ids); ``None`` without a GitHub
    repository, since issue forms are GitHub's."""
    parts = urlsplit(repo_url or "")
    path = parts.path.rstrip("/").removesuffix(".git")
    if parts.scheme != "https" or parts.netloc.lower() != "github.com" or path.count("/") != 2:
        return None
    query = {"template": "note.yml"}
    query |= {"page": page} if page else {}
    query |= {"section": section} if section else {}
    return f"https://github.com{path}/issues/new?{urlencode(query)}"


def _suggest(url: str | None, text: str) -> str:
    if url is None:
        return ""
    return f' · <a class="study-notes__suggest" href="{escape(url)}">{text}</a>'


def permalink(
    item: RenderedNote, *, notes_dir: str = "notes", use_directory_urls: bool = True
) -> str:
    """Where a note lives (from the site root): its page, else the notes index."""
    page = item.note.page or f"{notes_dir}/index.md"
    return (
        ROOT_TOKEN
        + page_url(page, use_directory_urls=use_directory_urls)
        + (f"#note-{item.note.slug}")
    )


def note_card(item: RenderedNote, *, permalink_url: str, show_place: str | None = None) -> str:
    """One note as an ``<article>``: kind badge, title, author, date, permalink, body."""
    note = item.note
    kind = escape(note.kind)
    author = escape(note.author.name)
    if note.author.orcid:
        orcid = escape(note.author.orcid.rsplit("/", 1)[-1])
        author += (
            f' <a class="study-note__orcid" href="https://orcid.org/{orcid}" '
            f'rel="nofollow noopener">ORCID {orcid}</a>'
        )
    if note.author.affiliation:
        author += f", {escape(note.author.affiliation)}"
    title = f'<span class="study-note__title">{escape(note.title)}</span> ' if note.title else ""
    place = f' <span class="study-note__place">on {show_place}</span>' if show_place else ""
    return (
        f'<article class="study-note study-note--{kind}" id="note-{escape(note.slug)}" '
        f'data-kind="{kind}">\n'
        f'<p class="study-note__meta"><span class="study-note__kind">{KIND_LABELS[note.kind]}'
        f'</span> {title}<span class="study-note__author">{author}</span> · '
        f'<time datetime="{note.date.isoformat()}">{note.date:%-d %B %Y}</time>{place} '
        f'<a class="study-note__permalink" href="{escape(permalink_url)}" '
        f'title="Permanent link to this note">#</a></p>\n'
        f'<div class="study-note__body">\n{item.html}\n</div>\n</article>'
    )


def notes_block(
    items: Sequence[RenderedNote],
    *,
    use_directory_urls: bool = True,
    suggest_url: str | None = None,
) -> str:
    """The notes of one page section, newest first, with a "Suggest a note here" link to
    ``suggest_url`` (see :func:`suggest_note_url`) if given."""
    ordered = sorted(items, key=lambda r: (r.note.date, r.note.slug), reverse=True)
    cards = "\n".join(
        note_card(r, permalink_url=permalink(r, use_directory_urls=use_directory_urls))
        for r in ordered
    )
    count = len(ordered)
    return (
        f'<section class="study-notes" aria-label="Readers\' notes">\n'
        f'<p class="study-notes__heading">Readers\' notes ({count}) · '
        f'<a href="{ROOT_TOKEN}{page_url("notes/index.md", use_directory_urls=use_directory_urls)}'
        f'">all notes</a>{_suggest(suggest_url, "Suggest a note here")}</p>\n{cards}\n</section>'
    )


def insert_into_section(page_html: str, section: str | None, block: str) -> str | None:
    """Insert ``block`` at the end of the section whose heading has id ``section`` (before the
    next heading of the same or a higher level), or at the end of the page if ``section`` is
    None. Returns None if the page has no such heading."""
    if section is None:
        return page_html.rstrip() + "\n" + block + "\n"
    start = re.search(rf'<h([1-6])\b[^>]*\bid="{re.escape(section)}"', page_html)
    if start is None:
        return None
    level = int(start.group(1))
    for heading in _HEADING.finditer(page_html, start.end()):
        if int(heading.group(1)) <= level:
            return page_html[: heading.start()] + block + "\n" + page_html[heading.start() :]
    return page_html.rstrip() + "\n" + block + "\n"


def index_html(
    items: Sequence[RenderedNote],
    *,
    page_titles: dict[str, str],
    use_directory_urls: bool = True,
    suggest_url: str | None = None,
) -> str:
    """Every note, newest first, with a kind filter made of radio buttons (CSS only, no
    script: it keeps working with instant navigation and without JavaScript), and a link to
    the Note form if ``suggest_url`` is given."""
    counts = {kind: sum(r.note.kind == kind for r in items) for kind in KINDS}
    radios = [
        (
            '<input type="radio" name="study-note-kind" id="study-note-kind-all" '
            'value="all" checked>'
            f'<label for="study-note-kind-all">All ({len(items)})</label>'
        )
    ]
    for kind in KINDS:
        radios.append(
            f'<input type="radio" name="study-note-kind" id="study-note-kind-{kind}" '
            f'value="{kind}"><label for="study-note-kind-{kind}">'
            f"{KIND_LABELS[kind]} ({counts[kind]})</label>"
        )
    cards = []
    for r in sorted(items, key=lambda r: (r.note.date, r.note.slug), reverse=True):
        place = None
        if r.note.page:
            url = ROOT_TOKEN + page_url(r.note.page, use_directory_urls=use_directory_urls)
            url += f"#{r.note.section}" if r.note.section else ""
            label = escape(page_titles.get(r.note.page, r.note.page))
            if r.note.section:
                label += f" › {escape(r.note.section)}"
            place = f'<a href="{escape(url)}">{label}</a>'
        cards.append(
            note_card(
                r,
                permalink_url=permalink(r, use_directory_urls=use_directory_urls),
                show_place=place,
            )
        )
    empty = "" if items else '<p class="study-notes__empty">No notes yet.</p>'
    suggest = (
        f'<p class="study-notes__suggest-all"><a class="study-notes__suggest" '
        f'href="{escape(suggest_url)}">Suggest a note</a> (a form on GitHub; no git needed)</p>\n'
        if suggest_url
        else ""
    )
    return (
        '<div class="study-notes-index">\n' + suggest + '<fieldset class="study-notes-filter">'
        "<legend>Show notes of kind</legend>" + "".join(radios) + "</fieldset>\n"
        '<div class="study-notes-list">\n' + "\n".join(cards) + empty + "\n</div>\n</div>"
    )


def resolve_root(html: str, root: str) -> str:
    """Replace ``ROOT_TOKEN`` with the path from the current page to the site root."""
    return html.replace(ROOT_TOKEN, root)
