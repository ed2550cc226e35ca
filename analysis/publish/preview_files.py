"""What a pull-request preview may contain, and the stamp every page of it gets, fail-closed.

A preview is published on the site's own origin from a build the pull request controls, so
nothing in it is trusted. :func:`preview_files` accepts a folder only if every entry is a
regular file (no symbolic links, pipes or devices), no name is hidden or a repository control
file (``.git``, ``.gitattributes``, ``.gitmodules``, ``.lfsconfig``: any name starting with a
dot), every file has a known type (compared case-insensitively) and the whole stays under
:data:`MAX_FILES` files and :data:`MAX_BYTES` bytes. :func:`stamp_page` inserts the
``noindex`` tag at the start of the page's real ``<head>`` and the preview banner at the start
of its real ``<body>``, found by tokenizing the page as a browser does (comments, quoted
attribute values, the text of scripts and titles), in one pass; a page whose structure it
cannot be sure of is refused, never published unstamped. SVG images and XML files, which a
browser runs scripts in when they are opened, are accepted only without scripts, event
handlers, links or embedded documents. Standard library only.
"""

from __future__ import annotations

import os
import re
import stat
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublishError

__all__ = [
    "MAX_BYTES",
    "MAX_FILES",
    "PreviewFile",
    "check_xml_file",
    "preview_files",
    "stamp_page",
]

MAX_FILES = 2_000  # the site has about 160 files
MAX_BYTES = 100 * 1024 * 1024  # the site is about 8 MB
MAX_DEPTH = 16
DROPPED = frozenset({"sitemap.xml", "sitemap.xml.gz"})  # at the root: never announce a preview
PAGES = frozenset({".html"})  # stamped
CHECKED = frozenset({".svg", ".xml"})  # documents a browser may run scripts in: checked
INERT = frozenset(
    {
        ".css", ".js", ".json", ".csv", ".txt", ".yaml", ".bib", ".ris", ".map",
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2",
    }
)  # fmt: skip
KNOWN = PAGES | CHECKED | INERT
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")
_SHOWN = 20  # problems listed in one refusal


@dataclass(frozen=True)
class PreviewFile:
    """One file a preview may publish: where it is and its path inside the site."""

    path: Path
    name: str  # relative, with "/"
    kind: str  # "page", "checked" or "inert"


def _show(name: str) -> str:
    """``name`` as an error message can show it: control characters, line separators and
    bytes that are not UTF-8 written as escapes."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _BAD_NAME.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


def _refuse(site: Path, problems: list[str]) -> PublishError:
    problems = sorted(problems)
    shown = problems[:_SHOWN]
    more = len(problems) - len(shown)
    lines = "\n".join(f"  - {p}" for p in shown) + (f"\n  - … and {more} more" if more else "")
    return PublishError(
        f"{site}: the preview is refused, nothing was published; {len(problems)} problem(s):\n"
        f"{lines}"
    )


def preview_files(site: Path) -> list[PreviewFile]:
    """Every file of the built site ``site`` that the preview publishes; raise if any entry
    is not allowed (see the module's description), naming each one."""
    if site.is_symlink() or not site.is_dir():
        raise PublishError(f"--site {site}: no such folder; expected a built site")
    problems: list[str] = []
    found: list[PreviewFile] = []
    total = seen = 0
    stack: list[tuple[Path, str, int]] = [(site, "", 0)]
    while stack and len(problems) < 10 * _SHOWN:
        folder, prefix, depth = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError as exc:
            problems.append(f"{prefix or '.'}: cannot be read ({exc.strerror})")
            continue
        for entry in entries:
            seen += 1
            if len(found) > MAX_FILES or total > MAX_BYTES or seen > 2 * MAX_FILES:
                break  # reported below; the rest is not read
            name = f"{prefix}{entry.name}"
            shown = _show(name)
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                problems.append(f"{shown}: cannot be read ({exc.strerror})")
                continue
            if entry.name.startswith("."):
                problems.append(
                    f"{shown}: a hidden or repository control file (.git, .gitattributes, "
                    ".gitmodules, .lfsconfig …); expected only the built site's pages and assets"
                )
                continue
            try:
                entry.name.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(f"{shown}: the name is not UTF-8; expected a plain file name")
                continue
            if _BAD_NAME.search(entry.name):
                problems.append(
                    f"{shown}: the name holds a control character, a line separator or a "
                    "backslash; expected a plain file name"
                )
                continue
            if stat.S_ISLNK(info.st_mode):
                problems.append(f"{shown}: a symbolic link; expected a regular file")
            elif stat.S_ISDIR(info.st_mode):
                if depth + 1 > MAX_DEPTH:
                    problems.append(f"{shown}: nested deeper than {MAX_DEPTH} folders")
                else:
                    stack.append((Path(entry.path), f"{name}/", depth + 1))
            elif not stat.S_ISREG(info.st_mode):
                problems.append(
                    f"{shown}: not a regular file (a pipe, socket or device); expected a file"
                )
            elif not prefix and entry.name in DROPPED:
                continue
            else:
                suffix = Path(entry.name).suffix.lower()
                if suffix not in KNOWN:
                    problems.append(
                        f"{shown}: a file of type {suffix or '(none)'!r}, which a preview does "
                        f"not publish; expected one of {', '.join(sorted(KNOWN))}"
                    )
                    continue
                kind = "page" if suffix in PAGES else "checked" if suffix in CHECKED else "inert"
                found.append(PreviewFile(Path(entry.path), name, kind))
                total += info.st_size
        entries.close()
        if len(found) > MAX_FILES or total > MAX_BYTES or seen > 2 * MAX_FILES:
            problems.append(
                f"the site holds more than {MAX_FILES:,} files or {MAX_BYTES:,} bytes "
                f"(found {len(found):,} files, {total:,} bytes, {seen:,} entries so far); "
                "expected a built site of this project"
            )
            break
    if not problems and not any(f.name == "index.html" for f in found):
        problems.append("index.html: missing; expected a built site (properdocs build -d DIR)")
    if problems:
        raise _refuse(site, problems)
    return sorted(found, key=lambda f: f.name)


# --- HTML: where the real <head> and <body> start, as a browser's tokenizer finds them --------

_WS = "\t\n\f\r "
_WS_RUN = re.compile(r"[\t\n\f\r ]*")
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_ATTR_NAME = re.compile(r"[^\t\n\f\r />=]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
_ALPHA = re.compile(r"[A-Za-z]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_RAW_TEXT = frozenset(
    {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript"}
)
_HEAD_ELEMENTS = frozenset({"meta", "link", "base", "title", "style", "script"})
_RAW_END: dict[str, re.Pattern[str]] = {
    name: re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE) for name in _RAW_TEXT
}


@dataclass(frozen=True)
class _Token:
    kind: str  # "start", "end", "raw" (a script's or title's text), "comment", "doctype",
    # "text" or "eof" (the page ends inside a tag)
    name: str
    start: int
    end: int


class _Unstampable(Exception):
    """The page's structure is not one whose head and body this module can be sure of."""


def _run_end(pattern: re.Pattern[str], text: str, i: int) -> int:
    """Index just after the run of ``pattern`` at ``i`` (each run pattern here matches the empty
    string, so a run always exists)."""
    found = pattern.match(text, i)
    if found is None:
        msg = (
            f"the pattern {pattern.pattern!r} found no run at index {i}; expected one, maybe empty"
        )
        raise _Unstampable(msg)
    return found.end()


def _tag_end(text: str, i: int) -> int | None:
    """Index just after the ``>`` that ends the tag whose attributes start at ``i`` (the
    attribute states of the HTML tokenizer), or ``None`` if the page ends inside the tag."""
    n = len(text)
    while True:
        i = _run_end(_WS_RUN, text, i)
        if i >= n:
            return None
        c = text[i]
        if c == ">":
            return i + 1
        if c == "/":
            i += 1
            continue
        # attribute name (a first "=" belongs to the name)
        i = _run_end(_ATTR_NAME, text, i + 1)
        i = _run_end(_WS_RUN, text, i)
        if i >= n:
            return None
        if text[i] != "=":
            continue  # no value: "/", ">" or the next attribute's name
        i = _run_end(_WS_RUN, text, i + 1)
        if i >= n:
            return None
        c = text[i]
        if c in "\"'":
            close = text.find(c, i + 1)
            if close < 0:
                return None
            i = close + 1
        elif c == ">":
            return i + 1
        else:
            i = _run_end(_UNQUOTED, text, i)


def _comment_end(text: str, i: int) -> int:
    """Index after the comment whose ``<!--`` ends at ``i`` (the page's end if never closed)."""
    if text.startswith(">", i):
        return i + 1  # <!-->
    if text.startswith("->", i):
        return i + 2  # <!--->
    ends = [found + len(mark) for mark in ("-->", "--!>") if (found := text.find(mark, i)) >= 0]
    return min(ends) if ends else len(text)


def _tokens(text: str) -> Iterator[_Token]:
    """The page's tokens up to the end, each consuming at least one character: linear time."""
    n, i = len(text), 0
    while i < n:
        lt = text.find("<", i)
        if lt != i:
            end = n if lt < 0 else lt
            yield _Token("text", "", i, end)
            i = end
            continue
        nxt = text[i + 1 : i + 2]
        if _ALPHA.match(nxt):
            name_end = _run_end(_TAG_NAME, text, i + 1)
            name = text[i + 1 : name_end].translate(_ASCII_LOWER)
            tag_end = _tag_end(text, name_end)
            if tag_end is None:
                yield _Token("eof", "", i, n)  # the page ends inside a tag: it is dropped
                return
            yield _Token("start", name, i, tag_end)
            i = tag_end
            if name in _RAW_TEXT:
                close = _RAW_END[name].search(text, i)
                body_end = n if close is None else close.start()
                yield _Token("raw", name, i, body_end)
                i = body_end
        elif nxt == "/":
            after = text[i + 2 : i + 3]
            if _ALPHA.match(after):
                name_end = _run_end(_TAG_NAME, text, i + 2)
                tag_end = _tag_end(text, name_end)
                if tag_end is None:
                    yield _Token("eof", "", i, n)
                    return
                yield _Token("end", text[i + 2 : name_end].translate(_ASCII_LOWER), i, tag_end)
                i = tag_end
            elif after == ">":
                i += 3  # "</>" is dropped
            elif not after:
                yield _Token("text", "", i, n)
                return
            else:  # a bogus comment, up to the next ">"
                gt = text.find(">", i)
                end = n if gt < 0 else gt + 1
                yield _Token("comment", "", i, end)
                i = end
        elif nxt == "!":
            if text.startswith("--", i + 2):
                end = _comment_end(text, i + 4)
                yield _Token("comment", "", i, end)
            else:
                gt = text.find(">", i)
                end = n if gt < 0 else gt + 1
                is_doctype = text[i + 2 : i + 9].translate(_ASCII_LOWER) == "doctype"
                yield _Token("doctype" if is_doctype else "comment", "", i, end)
            i = end
        elif nxt == "?":  # a bogus comment, up to the next ">"
            gt = text.find(">", i)
            end = n if gt < 0 else gt + 1
            yield _Token("comment", "", i, end)
            i = end
        else:
            yield _Token("text", "", i, i + 1)  # a "<" that starts no tag
            i += 1


def _insertion_points(text: str) -> tuple[int, int]:
    """Where the real ``<head>`` and ``<body>`` start tags end; raise :class:`_Unstampable`."""
    phase, head_at = "before html", -1
    for token in _tokens(text):
        if token.kind == "eof":
            raise _Unstampable(f"the page ends inside a tag before its <body> ({phase})")
        if token.kind == "comment":
            continue
        if token.kind == "text" and not text[token.start : token.end].strip(_WS):
            continue  # whitespace only
        if token.kind == "doctype" and phase == "before html":
            continue
        if token.kind == "raw":
            if token.name == "script" and "<!--" in text[token.start : token.end]:
                raise _Unstampable("a <script> in the head holds '<!--'")
            continue
        what = {
            "text": "text",
            "start": f"<{token.name}>",
            "end": f"</{token.name}>",
            "doctype": "a second <!doctype>",
        }[token.kind]
        if phase == "before html":
            if token.kind != "start" or token.name != "html":
                raise _Unstampable(f"{what} before <html>; expected <html> then <head>")
            phase = "before head"
        elif phase == "before head":
            if token.kind != "start" or token.name != "head":
                raise _Unstampable(f"{what} before <head>; expected <head> right after <html>")
            phase, head_at = "in head", token.end
        elif phase == "in head":
            if token.kind in ("start", "end") and token.name in _HEAD_ELEMENTS:
                continue  # an end tag closes a title, style or script (or is ignored)
            if token.kind == "end" and token.name == "head":
                phase = "after head"
                continue
            raise _Unstampable(
                f"{what} inside <head>; expected only "
                f"{', '.join(f'<{n}>' for n in sorted(_HEAD_ELEMENTS))} there, then </head>"
            )
        else:  # after head
            if token.kind == "start" and token.name == "body":
                return head_at, token.end
            raise _Unstampable(f"{what} between </head> and <body>; expected <body>")
    missing = {"before html": "<html>", "before head": "<head>", "in head": "</head>"}
    raise _Unstampable(f"no {missing.get(phase, '<body>')} found; expected a whole HTML page")


def stamp_page(raw: bytes, name: str, robots: str, banner: str) -> bytes:
    """The page ``raw`` (UTF-8) with ``robots`` first in its head and ``banner`` first in its
    body; raise :class:`PublishError` naming ``name`` if the page cannot be stamped for sure."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{name}: not UTF-8 text (byte {exc.start}); expected a page of the built site"
        raise PublishError(msg) from None
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body_text = text[len(bom) :]
    try:
        head_at, body_at = _insertion_points(body_text)
    except _Unstampable as exc:
        msg = f"{name}: cannot be stamped as a preview: {exc}"
        raise PublishError(msg) from None
    stamped = (
        body_text[:head_at] + robots + body_text[head_at:body_at] + banner + body_text[body_at:]
    )
    return (bom + stamped).encode("utf-8")


# --- SVG and XML: documents a browser renders, and may run scripts in, when opened ----------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ATOM_NS = "http://www.w3.org/2005/Atom"
SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "path", "line", "polyline", "polygon", "rect",
        "circle", "ellipse", "text", "tspan", "clipPath", "mask", "linearGradient",
        "radialGradient", "stop", "pattern", "symbol", "use", "marker",
    }
)  # fmt: skip


class _XmlRefused(Exception):
    pass


def check_xml_file(raw: bytes, name: str) -> None:
    """Refuse (raise :class:`PublishError`) an SVG or XML file a browser could run code in.

    An SVG may hold only drawing elements (:data:`SVG_ELEMENTS`), no attribute starting with
    ``on``, and links (``href``) only to fragments of itself (``#id``); an XML file (the notes
    feed) only elements of no namespace or of Atom. Neither may have a ``<!DOCTYPE>`` (no
    entities) or a processing instruction (such as an XSLT style sheet).
    """
    svg = name.lower().endswith(".svg")
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    seen_root = False

    def doctype(*_: object) -> None:
        raise _XmlRefused("a <!DOCTYPE> (entities are not allowed)")

    def instruction(target: str, _data: str) -> None:
        raise _XmlRefused(f"a processing instruction <?{target} …?>")

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal seen_root
        namespace, _, local = tag.rpartition(" ")
        if svg:
            if namespace != SVG_NS or local not in SVG_ELEMENTS:
                raise _XmlRefused(f"an element <{local}> (namespace {namespace or 'none'})")
            if not seen_root and local != "svg":
                raise _XmlRefused(f"a root <{local}>; expected <svg>")
        elif namespace not in ("", ATOM_NS):
            raise _XmlRefused(f"an element <{local}> of namespace {namespace}")
        seen_root = True
        for key, value in attributes.items():
            attr_ns, _, attr = key.rpartition(" ")
            if attr.lower().startswith("on"):
                raise _XmlRefused(f"an event-handler attribute {attr} on <{local}>")
            if attr_ns not in ("", XML_NS, XLINK_NS):
                raise _XmlRefused(f"an attribute {attr} of namespace {attr_ns}")
            if svg and attr == "href" and not value.startswith("#"):
                raise _XmlRefused(f"a link {value[:60]!r} on <{local}>; expected '#id' only")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    parser.StartElementHandler = start
    try:
        parser.Parse(raw, True)
    except _XmlRefused as exc:
        msg = f"{name}: not published: it holds {exc}"
        raise PublishError(msg) from None
    except xml.parsers.expat.ExpatError as exc:
        msg = f"{name}: not well-formed XML ({exc}); expected a file of the built site"
        raise PublishError(msg) from None
