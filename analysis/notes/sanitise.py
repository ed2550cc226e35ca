"""The one sanitiser every note's HTML goes through before it reaches a page or the feed.

It is an allowlist applied by nh3 (a binding to the maintained Rust library ammonia): only the
tags and attributes the notes formatting rules produce survive; everything else is removed.
The notes check rejects such content earlier with a message; this is the guarantee that holds
even when the check is skipped.
"""

from __future__ import annotations

import re

import nh3

from .markdown_ext import ROOT_TOKEN, url_scheme

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "LINK_SCHEMES", "sanitise"]

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "u", "sup", "sub", "ol", "ul", "li", "a", "img", "div", "hr"}
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "sup": {"id"},
    "li": {"id"},
}
_CLASSES = {"a": {"footnote-ref", "footnote-backref"}, "div": {"footnote"}}
_DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "template",
        "noscript",
        "textarea",
        "title",
        "xmp",
        "noembed",
        "noframes",
        "plaintext",
        "select",
        "frameset",
    }
)
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_NOTE_ID = re.compile(r"^note-[A-Za-z0-9_-]+$")
_START = re.compile(r"^[0-9]{1,4}$")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _NOTE_ID.match(value) else None
    if attribute == "start":
        return value if _START.match(value) else None
    if tag == "img" and attribute == "src":
        # Images come from the repository only: no scheme, no //host, no site-absolute path
        # other than the one the note renderer writes.
        if url_scheme(value) is not None:
            return None
        if value.startswith("/") and not value.startswith(ROOT_TOKEN):
            return None
    return value


def sanitise(html: str) -> str:
    """Keep only what the notes formatting rules need; drop everything else.

    Parameters
    ----------
    html
        HTML from the notes renderer, or anything else (the function trusts nothing).

    Returns
    -------
    str
        HTML containing only the allowed tags and attributes; links only to http, https,
        mailto or relative targets; images only from relative paths; ``<script>``,
        ``<style>`` and similar elements removed with their content.
    """
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        # "*": no attribute on every tag (ammonia would otherwise allow lang and title).
        attributes={"*": set()} | {tag: set(a) for tag, a in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(LINK_SCHEMES),
        allowed_classes={tag: set(names) for tag, names in _CLASSES.items()},
        link_rel="ugc nofollow noopener noreferrer",
        strip_comments=True,
    )
