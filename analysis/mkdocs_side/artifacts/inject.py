"""The placeholder syntax pages use to place artifacts, independent of any site generator.

Syntax (outside code blocks and inline code)::

    {{ table NAME }}   a table, alone on its line
    {{ chart NAME }}   a chart, alone on its line
    {{ value NAME }}   a short text (a number as reported, an interval), anywhere in a sentence

Tables and charts become opaque tokens in the Markdown, so the Markdown processor never sees
their HTML; :func:`restore_blocks` puts the HTML back into the rendered page. A chart's drawings
(its SVGs) can be held back while the other plugins read the page, leaving only their text
(``restore_blocks(held=…)``): the search plugin indexes the same text without parsing their
markup. They go back into the written page (:func:`restore_pictures`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import PlaceholderError, UnknownArtifactError
from ...wire.bundle import ROOT_TOKEN, Bundle

__all__ = [
    "KINDS",
    "PlaceholderError",
    "Stash",
    "inject",
    "restore_blocks",
    "restore_pictures",
]

KINDS = ("table", "chart", "value")
_ANY = re.compile(r"\{\{(?P<body>.*?)\}\}")
_VALID = re.compile(r"^\s*(?P<kind>[a-z]+)\s+(?P<name>[A-Za-z0-9_.-]+)\s*$")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
_TOKEN = "STUDYBLOCK{:04d}"
_TOKEN_RE = re.compile(r"(?:<p>)?(STUDYBLOCK\d{4})(?:</p>)?")
_PICTURE = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_PICTURE_MARK = "STUDYPICTURE"
_PICTURE_TOKEN = _PICTURE_MARK + "{:04d}"
_TEXT = re.compile(r">([^<]+)<")  # an SVG's text: what lies between its tags


@dataclass
class Stash:
    """HTML blocks waiting to be put back into the rendered page, by token."""

    blocks: dict[str, str] = field(default_factory=dict)


def _replace_in_text(
    text: str, bundle: Bundle, stash: Stash, *, where: str, line_no: int, whole_line: str
) -> str:
    def substitute(match: re.Match[str]) -> str:
        body = match.group("body")
        valid = _VALID.match(body)
        if not valid or valid.group("kind") not in KINDS:
            msg = (
                f"{where}:{line_no}: malformed placeholder '{match.group(0)}'; expected "
                "'{{ table NAME }}', '{{ chart NAME }}' or '{{ value NAME }}'"
            )
            raise PlaceholderError(msg)
        kind, name = valid.group("kind"), valid.group("name")
        if kind == "value":
            if name not in bundle.values:
                raise UnknownArtifactError(
                    kind=kind, name=name, valid=bundle.names(kind), where=f"{where}:{line_no}"
                )
            return bundle.values[name]
        key = f"{kind}:{name}"
        if key not in bundle.blocks:
            raise UnknownArtifactError(
                kind=kind, name=name, valid=bundle.names(kind), where=f"{where}:{line_no}"
            )
        if whole_line.strip() != match.group(0).strip():
            msg = (
                f"{where}:{line_no}: '{match.group(0)}' must stand alone on its line "
                "(tables and charts are blocks, not inline text)"
            )
            raise PlaceholderError(msg)
        token = _TOKEN.format(len(stash.blocks))
        stash.blocks[token] = bundle.blocks[key]
        return token

    return _ANY.sub(substitute, text)


def inject(markdown: str, bundle: Bundle, *, where: str = "page") -> tuple[str, Stash]:
    """Replace every placeholder outside code; return the new Markdown and the stashed blocks.

    Raises
    ------
    UnknownArtifactError
        A name the bundle does not have (the message lists the valid names).
    PlaceholderError
        Anything else that looks like a placeholder but is not a valid one.
    """
    stash = Stash()
    out: list[str] = []
    fence: str | None = None
    for line_no, line in enumerate(markdown.splitlines(keepends=True), start=1):
        opening = _FENCE.match(line)
        if fence is not None:
            if (
                opening
                and opening.group("fence")[0] == fence[0]
                and len(opening.group("fence")) >= len(fence)
            ):
                fence = None
            out.append(line)
            continue
        if opening:
            fence = opening.group("fence")
            out.append(line)
            continue
        if "{{" not in line:
            out.append(line)
            continue
        pieces, last = [], 0
        for code in _INLINE_CODE.finditer(line):
            pieces.append(
                _replace_in_text(
                    line[last : code.start()],
                    bundle,
                    stash,
                    where=where,
                    line_no=line_no,
                    whole_line=line,
                )
            )
            pieces.append(code.group(0))
            last = code.end()
        pieces.append(
            _replace_in_text(
                line[last:], bundle, stash, where=where, line_no=line_no, whole_line=line
            )
        )
        out.append("".join(pieces))
    return "".join(out), stash


def restore_blocks(
    html: str,
    stash: Stash,
    *,
    root: str,
    where: str = "page",
    held: dict[str, str] | None = None,
) -> str:
    """Put stashed blocks back into rendered HTML; ``root`` is the page's path to the site root
    (e.g. ``"../"``), used for download links.

    With ``held`` (a dict to fill), each inline SVG of a block (a chart's drawing) goes in as
    its text alone, between two HTML comments that name it, and the SVG is put in ``held``
    under that name, to go back with :func:`restore_pictures`: what a reader of the page's text
    sees (the search plugin) is the same, without the markup. Only the blocks' own drawings are
    held, never anything of the page's; a page that already holds such a comment is refused.
    """
    if held is not None and _PICTURE_MARK in html:
        msg = f"{where}: the page contains the text {_PICTURE_MARK!r}, kept for the site's own use"
        raise PlaceholderError(msg)
    seen: set[str] = set()

    def hold(match: re.Match[str]) -> str:
        assert held is not None
        token = _PICTURE_TOKEN.format(len(held))
        held[token] = match.group(0)
        text = "".join(_TEXT.findall(match.group(0)))
        return f"<!--{token}-->{text}<!--/{token}-->"

    def put_back(match: re.Match[str]) -> str:
        token = match.group(1)
        if token not in stash.blocks:
            return match.group(0)
        seen.add(token)
        block = stash.blocks[token].replace(ROOT_TOKEN, root)
        return block if held is None else _PICTURE.sub(hold, block)

    result = _TOKEN_RE.sub(put_back, html)
    lost = sorted(set(stash.blocks) - seen)
    if lost:
        msg = f"{where}: {len(lost)} placeholder(s) vanished during Markdown rendering"
        raise PlaceholderError(msg)
    return result


def restore_pictures(html: str, held: dict[str, str], *, where: str = "page") -> str:
    """Put the SVGs held by :func:`restore_blocks` back, each where its text is (once)."""
    for token, svg in held.items():
        start, end = f"<!--{token}-->", f"<!--/{token}-->"
        found = html.count(start), html.count(end)
        if found != (1, 1) or html.index(start) > html.index(end):
            msg = (
                f"{where}: a chart's drawing ({token}) was found {found[0]} times in the written "
                "page; expected once (did a plugin or template copy or drop it?)"
            )
            raise PlaceholderError(msg)
        before, rest = html.split(start, 1)
        html = before + svg + rest.split(end, 1)[1]
    return html
