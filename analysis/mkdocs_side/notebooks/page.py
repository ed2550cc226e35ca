"""Make mkdocs-jupyter's rendering of a notebook a valid, self-contained page body.

mkdocs-jupyter (0.26) leaves markup the W3C Nu HTML Checker rejects: ``<style>`` elements in
the body (nbconvert's JupyterLab CSS, a Mermaid block, pandas' ``<style scoped>`` before every
DataFrame), a ``<style>`` holding the Python ``repr`` of a list of CSS strings, and copy buttons
with an ``aria-label`` but no role. :func:`clean_notebook_html` moves every style into one CSS
file, drops the list ``repr`` and gives each copy button the role its own script sets anyway.
Standard library only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = ["CleanNotebook", "clean_notebook_html"]

_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
# nbconvert2.nb2html appends f"<style>{resources['inlining']['css']}</style>", the str() of a
# list. Read as CSS that is one string inside an invalid selector: it styles nothing.
_LIST_REPR = re.compile(r"""\A\s*\[\s*(?:'|"|\])""")
# Scripts nbconvert's template adds that would load MathJax or Mermaid from a CDN (or, with an
# empty MathJax URL, the page itself); the site's notebooks use neither.
_CDN_SCRIPTS = (
    re.compile(r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>'),
    re.compile(r'<script type="text/x-mathjax-config">.*?</script>', re.DOTALL),
    re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.DOTALL),
)
_COPY_BUTTON = re.compile(r"<clipboard-copy\b([^>]*)>")
_STRAY_COMMA = re.compile(r'\s*,(?:="")?(?=\s|$)')


@dataclass(frozen=True)
class CleanNotebook:
    """A notebook page body with its styles moved out: link ``css_name`` from the body."""

    html: str
    css: str
    css_name: str


def _copy_button(match: re.Match[str]) -> str:
    # The template writes `for="cell-1", aria-label="…"`: the comma becomes an attribute ",".
    attrs = _STRAY_COMMA.sub("", match.group(1))
    # @github/clipboard-copy-element sets role="button" and tabindex="0" when it connects; an
    # aria-label is valid only on an element with such a role, so write them into the markup.
    if "role=" not in attrs:
        attrs += ' role="button"'
    if "tabindex=" not in attrs:
        attrs += ' tabindex="0"'
    return f"<clipboard-copy{attrs}>"


def clean_notebook_html(html: str) -> CleanNotebook:
    """Move a rendered notebook's ``<style>`` elements into one CSS file and fix its markup.

    Parameters
    ----------
    html
        The page body mkdocs-jupyter rendered.

    Returns
    -------
    CleanNotebook
        The body without ``<style>`` elements or CDN scripts, the CSS they held (in document
        order, each distinct block once, the list ``repr`` left out) and a content-hashed file
        name for it under ``assets/``. ``css`` is empty when the body had no styles.
    """
    for pattern in _CDN_SCRIPTS:
        html = pattern.sub("", html)
    blocks: list[str] = []
    for match in _STYLE.finditer(html):
        css = match.group(1).strip()
        if css and not _LIST_REPR.match(css) and css not in blocks:
            blocks.append(css)
    html = _STYLE.sub("", html)
    html = _COPY_BUTTON.sub(_copy_button, html)
    css = "\n".join(blocks)
    name = f"assets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css" if css else ""
    return CleanNotebook(html, css + "\n" if css else "", name)
