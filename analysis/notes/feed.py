"""An Atom feed (RFC 4287) of the notes, newest first."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .check import RenderedNote
from .display import KIND_LABELS, permalink, resolve_root
from .markdown_ext import page_url

__all__ = ["FEED_PATH", "atom_feed"]

FEED_PATH = "notes/feed.xml"

_ATOM = "http://www.w3.org/2005/Atom"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(
    items: Sequence[RenderedNote],
    *,
    site_url: str,
    site_name: str,
    updated: dt.date,
    limit: int = 50,
    use_directory_urls: bool = True,
) -> str:
    """Atom XML listing the newest ``limit`` notes with their sanitised HTML as content.

    Parameters
    ----------
    items
        Checked, rendered notes.
    site_url
        Absolute URL of the site root, ending in ``/``; every link in the feed is absolute.
    updated
        Date of the feed when there is no note (otherwise the newest note's date).
    """
    root = site_url if site_url.endswith("/") else site_url + "/"
    ordered = sorted(items, key=lambda r: (r.note.date, r.note.slug), reverse=True)[:limit]
    index = root + page_url("notes/index.md", use_directory_urls=use_directory_urls)
    ET.register_namespace("", _ATOM)
    feed = ET.Element(f"{{{_ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        el.text = text
        return el

    sub(feed, "title", f"{site_name} — readers' notes")
    sub(feed, "id", index)
    sub(feed, "link", rel="self", href=root + FEED_PATH)
    sub(feed, "link", rel="alternate", type="text/html", href=index)
    sub(feed, "updated", _stamp(ordered[0].note.date if ordered else updated))
    for item in ordered:
        note = item.note
        url = resolve_root(permalink(item, use_directory_urls=use_directory_urls), root)
        entry = sub(feed, "entry")
        sub(entry, "title", note.title or f"{KIND_LABELS[note.kind]} by {note.author.name}")
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "published", _stamp(note.date))
        sub(entry, "updated", _stamp(note.date))
        author = sub(entry, "author")
        sub(author, "name", note.author.name)
        if note.author.orcid:
            sub(author, "uri", "https://orcid.org/" + note.author.orcid.rsplit("/", 1)[-1])
        sub(entry, "category", term=note.kind, label=KIND_LABELS[note.kind])
        sub(entry, "content", resolve_root(item.html, root), type="html")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
