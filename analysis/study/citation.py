"""The paper's reference in the forms reference managers read: Highwire Press meta tags,
schema.org JSON-LD, BibTeX and RIS, all from ``citation:`` in study.yaml (never typed twice).

Pure functions of :class:`~analysis.study.schema.Citation`; the analysis bundle carries their
results (:func:`citation_record`), so the site generator never reads study.yaml itself.
"""

from __future__ import annotations

import json

from .schema import Citation

__all__ = [
    "citation_record",
    "doi_url",
    "family_given",
    "page_range",
    "paper_bibtex",
    "paper_highwire_tags",
    "paper_jsonld",
    "paper_ris",
    "pubmed_url",
]


def doi_url(c: Citation) -> str:
    return f"https://doi.org/{c.doi}"


def pubmed_url(c: Citation) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{c.pmid}/"


def family_given(author: str) -> tuple[str, str]:
    """``"Daisuke Tomizawa"`` → ``("Tomizawa", "Daisuke")`` (study.yaml writes given names first)."""
    *given, family = author.split()
    return family, " ".join(given)


def page_range(pages: str) -> tuple[str, str]:
    """First and last page, the last written out in full: ``"808-13"`` → ``("808", "813")``."""
    first, last = pages.split("-")
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def paper_highwire_tags(c: Citation) -> list[tuple[str, str]]:
    """``(name, content)`` of the Highwire Press ``citation_*`` meta tags Zotero and Google
    Scholar read, one ``citation_author`` per author, in order."""
    first, last = page_range(c.pages)
    tags = [("citation_title", c.title)]
    tags += [("citation_author", "{}, {}".format(*family_given(a))) for a in c.authors]
    tags += [
        ("citation_journal_title", c.journal),
        ("citation_journal_abbrev", c.journal_abbrev),
        ("citation_publication_date", c.date.strftime("%Y/%m/%d")),
        ("citation_volume", str(c.volume)),
        ("citation_issue", str(c.issue)),
        ("citation_firstpage", first),
        ("citation_lastpage", last),
        ("citation_doi", c.doi),
        ("citation_pmid", c.pmid),
    ]
    return tags


def paper_jsonld(c: Citation) -> dict[str, object]:
    """The paper as a schema.org ``ScholarlyArticle`` (without ``@context``), identified by its
    DOI URL, in its journal issue."""
    first, last = page_range(c.pages)
    return {
        "@type": "ScholarlyArticle",
        "@id": doi_url(c),
        "name": c.title,
        "headline": c.title,
        "author": [
            {"@type": "Person", "familyName": f, "givenName": g, "name": a}
            for a, (f, g) in ((a, family_given(a)) for a in c.authors)
        ],
        "datePublished": c.date.isoformat(),
        "pageStart": first,
        "pageEnd": last,
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": str(c.issue),
            "isPartOf": {
                "@type": "PublicationVolume",
                "volumeNumber": str(c.volume),
                "isPartOf": {"@type": "Periodical", "name": c.journal},
            },
        },
        "identifier": [
            {"@type": "PropertyValue", "propertyID": "DOI", "value": c.doi},
            {"@type": "PropertyValue", "propertyID": "PMID", "value": c.pmid},
        ],
        "sameAs": [doi_url(c), pubmed_url(c)],
    }


def _bibtex_text(text: str) -> str:
    return "".join("\\" + ch if ch in "&%$#_{}" else ch for ch in text)


def paper_bibtex(c: Citation) -> str:
    """The paper as one BibTeX ``@article`` entry, keyed ``<FirstAuthorFamily><year>``."""
    first, last = page_range(c.pages)
    key = f"{family_given(c.authors[0])[0]}{c.date.year}"
    authors = " and ".join("{}, {}".format(*family_given(a)) for a in c.authors)
    fields = [
        ("author", authors),
        ("title", "{" + _bibtex_text(c.title) + "}"),  # braces keep its capitals
        ("journal", _bibtex_text(c.journal)),
        ("year", str(c.date.year)),
        ("month", str(c.date.month)),
        ("volume", str(c.volume)),
        ("number", str(c.issue)),
        ("pages", f"{first}--{last}"),
        ("doi", c.doi),
        ("pmid", c.pmid),
        ("url", doi_url(c)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{key},\n{body}\n}}\n"


def paper_ris(c: Citation) -> str:
    """The paper as one RIS record (``TY  - JOUR`` … ``ER  -``)."""
    first, last = page_range(c.pages)
    lines = [("TY", "JOUR")]
    lines += [("AU", "{}, {}".format(*family_given(a))) for a in c.authors]
    lines += [
        ("TI", c.title),
        ("T2", c.journal),
        ("J2", c.journal_abbrev),
        ("PY", str(c.date.year)),
        ("DA", c.date.strftime("%Y/%m/%d")),
        ("VL", str(c.volume)),
        ("IS", str(c.issue)),
        ("SP", first),
        ("EP", last),
        ("DO", c.doi),
        ("AN", c.pmid),
        ("UR", doi_url(c)),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


def citation_record(c: Citation) -> dict[str, object]:
    """The paper's reference as the site places it (the analysis bundle's ``citation``): the
    name its downloads are saved as, its DOI URL, BibTeX, RIS, Highwire tags (``[name,
    content]`` pairs) and JSON-LD node (as JSON text, so that its keys keep their order)."""
    return {
        "name": f"{family_given(c.authors[0])[0]}{c.date.year}",
        "url": doi_url(c),
        "bibtex": paper_bibtex(c),
        "ris": paper_ris(c),
        "highwire": [list(tag) for tag in paper_highwire_tags(c)],
        "jsonld": json.dumps(paper_jsonld(c), ensure_ascii=False),
    }
