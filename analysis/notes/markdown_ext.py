"""The notes dialect of Markdown, as a Python-Markdown extension used only for notes.

Differences from the site's standard Markdown, all taken from the source page's rules:

* ``_text_`` is underline (``<u>``), not emphasis; ``*text*`` stays italics.
* Footnotes may be written inline, ``[^1](This is a footnote.)``, besides the usual
  reference form ``[^1]`` with ``[^1]: long text`` elsewhere in the note.
* Footnote ids are prefixed with the note's slug, so several notes can share a page.
* Footnote markers read ``[1]``, so a marker after a number ("39[1]") is not copied or read
  aloud as part of it ("391").
* Relative links and images are resolved against the note's folder and rewritten to
  ``ROOT_TOKEN + path-from-site-root``; the site glue replaces the token per page.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import SimpleTagInlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

__all__ = [
    "ROOT_TOKEN",
    "LinkRecord",
    "NoteExtension",
    "RenderInfo",
    "page_url",
    "plain_url",
    "render_markdown",
    "url_scheme",
]

ROOT_TOKEN = "__NOTES_ROOT__/"
# Underline: single underscores around text that neither starts nor ends with a space, not
# inside a word (so snake_case_names stay as they are) and not doubled.
_UNDERLINE = r"(?<![\w_])_(?![\s_])(.+?)(?<![\s_])_(?![\w_])"
_INLINE_FOOTNOTE_START = re.compile(r"\[\^([^\]\s]+)\]\(")
_REF_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class LinkRecord:
    """A link or image target as written in the note, and what it resolved to."""

    tag: str  # "a" or "img"
    raw: str  # as written (entities decoded)
    target: str | None  # docs-relative path of a relative target, or None


@dataclass
class RenderInfo:
    """What the renderer learnt about a note besides its HTML."""

    links: list[LinkRecord] = field(default_factory=list)
    footnote_problems: list[tuple[str, str]] = field(default_factory=list)  # (label, why)


def plain_url(value: str) -> str:
    """A URL as a browser would read it: entities decoded, control characters and spaces
    removed (browsers ignore them inside a scheme, e.g. ``java\\tscript:``)."""
    value = html.unescape(value.replace(AMP_SUBSTITUTE, "&"))
    return _CONTROL.sub("", value)


def url_scheme(value: str) -> str | None:
    """Lower-case scheme of a URL (``"https"``, ``"javascript"``), ``""`` for ``//host``
    (protocol-relative, i.e. external), or None for a relative URL."""
    plain = plain_url(value)
    if plain.startswith(("//", "\\\\", "/\\", "\\/")):
        return ""
    match = _SCHEME.match(plain)
    return match.group(1).lower() if match else None


def page_url(docs_path: str, *, use_directory_urls: bool = True) -> str:
    """URL (from the site root) of the page built from ``docs_path``, as MkDocs makes it."""
    if not docs_path.endswith(".md"):
        return docs_path
    stem = docs_path[: -len(".md")]
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):
        return f"{folder}/" if folder else ""
    if not use_directory_urls:
        return f"{stem}.html"
    return f"{stem}/"


def _split_inline_footnotes(text: str, info: RenderInfo) -> str:
    """Turn ``[^label](text)`` into ``[^label]`` plus a definition appended to the note."""
    defined = set(_REF_FOOTNOTE_DEF.findall(text))
    out: list[str] = []
    definitions: list[str] = []
    pos = 0
    while True:
        match = _INLINE_FOOTNOTE_START.search(text, pos)
        if match is None:
            break
        depth, end = 1, match.end()
        while end < len(text) and depth:
            if text[end] == "(":
                depth += 1
            elif text[end] == ")":
                depth -= 1
            end += 1
        label = match.group(1)
        if depth:  # unbalanced: leave the text alone, the checker reports it
            info.footnote_problems.append((label, "its closing ')' is missing"))
            break
        body = " ".join(text[match.end() : end - 1].split())
        if label in defined:
            info.footnote_problems.append((label, "it is defined twice"))
        defined.add(label)
        out.append(text[pos : match.start()] + f"[^{label}]")
        definitions.append(f"[^{label}]: {body}")
        pos = end
    out.append(text[pos:])
    joined = "".join(out)
    if definitions:
        joined = joined.rstrip("\n") + "\n\n" + "\n".join(definitions) + "\n"
    return joined


class _InlineFootnotes(Preprocessor):
    def __init__(self, md: Markdown, info: RenderInfo) -> None:
        super().__init__(md)
        self.info = info

    def run(self, lines: list[str]) -> list[str]:
        return _split_inline_footnotes("\n".join(lines), self.info).split("\n")


class _Links(Treeprocessor):
    """Record every link and image; prefix fragment ids; resolve relative targets."""

    def __init__(self, md: Markdown, ext: NoteExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def _resolve(self, raw: str) -> tuple[str | None, str]:
        plain = plain_url(raw)
        if url_scheme(raw) is not None or plain.startswith(("/", "#")) or not plain:
            return None, raw
        path, _, fragment = plain.partition("#")
        note_dir = self.ext.getConfig("note_dir")
        target = posixpath.normpath(posixpath.join(note_dir, path))
        if target.startswith("../") or target == "..":
            return target, raw
        url = page_url(target, use_directory_urls=self.ext.getConfig("use_directory_urls"))
        return target, ROOT_TOKEN + url + (f"#{fragment}" if fragment else "")

    def run(self, root: etree.Element) -> None:
        prefix = f"note-{self.ext.getConfig('slug')}-"
        for el in root.iter():
            if "id" in el.attrib:
                el.set("id", prefix + el.get("id", ""))
            if el.tag in ("a", "img"):
                attr = "href" if el.tag == "a" else "src"
                raw = el.get(attr, "")
                if el.tag == "a" and raw.startswith("#"):
                    el.set(attr, "#" + prefix + raw[1:])
                    continue
                target, new = self._resolve(raw)
                self.ext.info.links.append(LinkRecord(el.tag, plain_url(raw), target))
                el.set(attr, new)


class NoteExtension(Extension):
    """Underline, inline footnotes, per-note ids and link resolution (see module docstring)."""

    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "slug": ["note", "prefix for ids inside the note"],
            "note_dir": ["notes", "the note's folder, relative to the docs folder"],
            "use_directory_urls": [True, "as the site's MkDocs setting"],
        }
        self.info = RenderInfo()
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        delimiters = getattr(md, "delimiters", None)
        if delimiters is not None and "_" in getattr(delimiters, "tokens", ()):
            # Python-Markdown >= 3.11 handles * and _ in one delimiter processor.
            delimiters.remove("_")
            delimiters.add("_", "u", smart=True)
        else:  # older Python-Markdown: a separate pattern for underscores
            md.inlinePatterns.deregister("em_strong2")
            md.inlinePatterns.register(SimpleTagInlineProcessor(_UNDERLINE, "u"), "underline", 50)
        md.preprocessors.register(_InlineFootnotes(md, self.info), "inline_footnotes", 25)
        md.treeprocessors.register(_Links(md, self), "note_links", 5)


def render_markdown(
    text: str, *, slug: str, note_dir: str, use_directory_urls: bool = True
) -> tuple[str, RenderInfo]:
    """Render a note body to HTML (not yet sanitised) and report its links and footnotes."""
    ext = NoteExtension(slug=slug, note_dir=note_dir, use_directory_urls=use_directory_urls)
    md = Markdown(
        extensions=["footnotes", ext],
        extension_configs={
            "footnotes": {
                "SEPARATOR": "-",
                "BACKLINK_TITLE": "Back to the text of footnote {}",
                # "39[1]", not "391", when the text is copied or read aloud
                "SUPERSCRIPT_TEXT": "[{}]",
                "USE_DEFINITION_ORDER": False,  # number footnotes in reading order
            }
        },
        output_format="html",
    )
    return md.convert(text), ext.info
