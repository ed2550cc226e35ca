"""This summary as a citable work, and the metadata every page carries for readers' tools.

The edition comes from :mod:`analysis.publish.edition`; the paper's record from
:mod:`analysis.study.citation`. Produces the edition's schema.org ``CreativeWork``, BibTeX and
RIS, the page's Open Graph and Twitter card tags, and the JSON-LD script text. Standard library
only: the site glue calls it on every build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .edition import Edition

__all__ = [
    "SUMMARY_LICENSE",
    "SUMMARY_LICENSE_URL",
    "Summary",
    "cff_authors",
    "edition_bibtex",
    "edition_jsonld",
    "edition_ris",
    "jsonld_script_text",
    "social_tags",
]

# The licence of the summary's text, tables and charts: the site footer (mkdocs.yml copyright)
# and CITATION.cff say the same; tests/test_citation.py checks that all three agree.
SUMMARY_LICENSE = "CC-BY-4.0"
SUMMARY_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
ALT_LIMIT = 420


@dataclass(frozen=True)
class Summary:
    """This site as a work to cite.

    Attributes
    ----------
    title
        The site's name (``site_name`` in mkdocs.yml).
    description
        What it is (``site_description``).
    url
        The address of this edition (ends with ``/``).
    edition
        Which edition the build is.
    authors
        Who to credit, as CITATION.cff names them (may be empty).
    about
        The ``@id`` of the work summarised (the paper's DOI URL).
    """

    title: str
    description: str
    url: str
    edition: Edition
    authors: tuple[str, ...]
    about: str

    @property
    def version(self) -> str:
        """The edition name (``2026.1``); ``dev (after 2026.1)`` or ``preview of 2026.1`` for a
        build that is not a numbered edition."""
        if self.edition.kind == "edition":
            return str(self.edition.name)
        if self.edition.kind == "dev":
            return f"dev (after {self.edition.version})"
        return f"preview of {self.edition.version}"

    @property
    def year(self) -> str:
        return (self.edition.date or self.edition.version)[:4]

    @property
    def note(self) -> str:
        return f"{self.edition.label[0].upper()}{self.edition.label[1:]}. Licensed CC BY 4.0."


def edition_jsonld(s: Summary) -> dict[str, object]:
    """The summary as a schema.org ``CreativeWork`` with its edition and licence (no
    ``@context``); ``about`` and ``isBasedOn`` point at the paper's ``@id``."""
    work: dict[str, object] = {
        "@type": "CreativeWork",
        "@id": s.url,
        "name": s.title,
        "description": s.description,
        "url": s.url,
        "version": s.version,
        "license": SUMMARY_LICENSE_URL,
        "inLanguage": "en",
        "about": {"@id": s.about},
        "isBasedOn": {"@id": s.about},
    }
    if s.authors:
        work["author"] = [{"@type": "Organization", "name": a} for a in s.authors]
    if s.edition.date:
        work["dateModified"] = s.edition.date
    return work


def _bibtex_text(text: str) -> str:
    return "".join("\\" + ch if ch in "&%$#_{}" else ch for ch in text)


def edition_bibtex(s: Summary) -> str:
    """The edition as one BibTeX ``@misc`` entry (authors kept whole as a corporate name)."""
    key = "summary" + "".join(ch if ch.isalnum() else "_" for ch in s.version)
    fields = [("title", "{" + _bibtex_text(s.title) + "}")]
    if s.authors:
        fields.append(("author", " and ".join("{" + _bibtex_text(a) + "}" for a in s.authors)))
    fields += [
        ("year", s.year),
        ("edition", s.version),
        ("version", s.version),
        ("howpublished", f"\\url{{{s.url}}}"),
        ("url", s.url),
        ("note", _bibtex_text(s.note)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def edition_ris(s: Summary) -> str:
    """The edition as one RIS record of type ``ELEC`` (web page)."""
    lines = [("TY", "ELEC"), ("TI", s.title)]
    lines += [("AU", a) for a in s.authors]
    lines += [("PY", s.year), ("ET", s.version)]
    if s.edition.date:
        lines.append(("DA", s.edition.date.replace("-", "/")))
    lines += [("UR", s.url), ("N1", s.note), ("ER", "")]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


def social_tags(
    *, title: str, description: str, url: str, image: str, image_alt: str, site_name: str
) -> list[tuple[str, str, str]]:
    """``(attribute, key, content)`` of a page's Open Graph (``property``) and Twitter card
    (``name``) meta tags; ``url`` and ``image`` must be absolute. ``image_alt`` is cut to the
    420 characters Twitter reads."""
    if len(image_alt) > ALT_LIMIT:
        image_alt = image_alt[: ALT_LIMIT - 1].rstrip() + "…"
    return [
        ("property", "og:type", "website"),
        ("property", "og:site_name", site_name),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", url),
        ("property", "og:image", image),
        ("property", "og:image:alt", image_alt),
        ("property", "og:locale", "en"),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", image),
        ("name", "twitter:image:alt", image_alt),
    ]


def jsonld_script_text(*nodes: dict[str, object]) -> str:
    """JSON-LD for a ``<script type="application/ld+json">``: one ``@graph`` of ``nodes``,
    with ``<``, ``>`` and ``&`` escaped so no text can end the script element."""
    graph = {"@context": "https://schema.org", "@graph": list(nodes)}
    text = json.dumps(graph, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def cff_authors(path: Path) -> tuple[str, ...]:
    """The authors CITATION.cff credits (``name``, or given and family names); none if absent."""
    import yaml

    if not path.is_file():
        return ()
    authors = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("authors") or []
    names = (
        a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p)
        for a in authors
    )
    return tuple(n for n in names if n)
