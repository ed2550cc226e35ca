"""Reference managers and link previews read the paper and this edition from every page.

The paper's record comes from ``citation:`` in study.yaml; these tests read it back with the
parsers reference tools use (bibtexparser, rispy, a JSON parser, an HTML parser) and compare it
with the data file, field by field.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pytest
import rispy
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors

from analysis.publish.citation import (
    SUMMARY_LICENSE,
    SUMMARY_LICENSE_URL,
    Summary,
    edition_bibtex,
    edition_jsonld,
    edition_ris,
    jsonld_script_text,
    social_tags,
)
from analysis.publish.edition import Edition, project_version
from analysis.study.citation import (
    page_range,
    paper_bibtex,
    paper_highwire_tags,
    paper_jsonld,
    paper_ris,
)
from analysis.study.load import load_study
from analysis.study.schema import Citation
from testsupport.found import some
from testsupport.project import PROJECT

PAPER = load_study().citation
EDITION = Summary(
    title="A summary & its checks",
    description="What it is.",
    url="https://example.org/relapse/2026.2/",
    edition=Edition(name="2026.2", version="2026.2", commit="a" * 40, date="2026-11-20"),
    authors=("The contributors to this summary",),
    about="https://doi.org/10.1002/pbc.21975",
)


def _bibtex_entry(text: str) -> dict[str, object]:
    library = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors()]
    )
    assert not library.failed_blocks, library.failed_blocks
    assert len(library.entries) == 1
    entry = library.entries[0]
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    return {"ENTRYTYPE": entry.entry_type, "ID": entry.key, **fields}


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("808-13", ("808", "813")), ("1-5", ("1", "5")), ("99-101", ("99", "101"))],
)
def test_an_abbreviated_last_page_is_written_out(pages: str, expected: tuple[str, str]) -> None:
    assert page_range(pages) == expected


def test_paper_bibtex_parses_to_the_data_files_citation() -> None:
    entry = _bibtex_entry(paper_bibtex(PAPER))
    assert entry["ENTRYTYPE"] == "article"
    assert entry["ID"] == "Tomizawa2009"
    assert entry["author"] == [
        f"{a.split()[-1]}, {' '.join(a.split()[:-1])}" for a in PAPER.authors
    ]
    assert entry["title"] == PAPER.title
    assert entry["journal"] == PAPER.journal  # "Pediatric Blood & Cancer", & escaped in BibTeX
    assert (entry["year"], entry["volume"], entry["number"]) == ("2009", "52", "7")
    assert entry["pages"] == "808–813"  # "--" decodes to an en dash
    assert (entry["doi"], entry["pmid"]) == (PAPER.doi, PAPER.pmid)


def test_paper_ris_parses_to_the_data_files_citation() -> None:
    (record,) = rispy.loads(paper_ris(PAPER))
    assert record["type_of_reference"] == "JOUR"
    assert record["authors"] == [
        f"{a.split()[-1]}, {' '.join(a.split()[:-1])}" for a in PAPER.authors
    ]
    assert record["title"] == PAPER.title
    assert record["secondary_title"] == PAPER.journal
    assert record["alternate_title1"] == PAPER.journal_abbrev
    assert (record["year"], record["volume"], record["number"]) == ("2009", "52", "7")
    assert (record["start_page"], record["end_page"]) == ("808", "813")
    assert record["doi"] == PAPER.doi
    assert record["accession_number"] == PAPER.pmid


def test_edition_bibtex_and_ris_name_the_edition_its_address_and_licence() -> None:
    entry = _bibtex_entry(edition_bibtex(EDITION))
    assert entry["ENTRYTYPE"] == "misc"
    assert entry["title"] == "A summary & its checks"
    assert entry["author"] == ["The contributors to this summary"]
    assert (entry["edition"], entry["year"], entry["url"]) == ("2026.2", "2026", EDITION.url)
    assert "CC BY 4.0" in entry["note"]
    (record,) = rispy.loads(edition_ris(EDITION))
    assert record["type_of_reference"] == "ELEC"
    assert (record["title"], record["edition"], record["year"]) == (
        "A summary & its checks",
        "2026.2",
        "2026",
    )
    assert record["urls"] == [EDITION.url]
    assert record["authors"] == ["The contributors to this summary"]


def test_highwire_tags_carry_every_field_zotero_reads_with_one_tag_per_author() -> None:
    tags = paper_highwire_tags(PAPER)
    names = [name for name, _ in tags]
    for name in (
        "citation_title",
        "citation_journal_title",
        "citation_publication_date",
        "citation_volume",
        "citation_issue",
        "citation_firstpage",
        "citation_lastpage",
        "citation_doi",
        "citation_pmid",
    ):
        assert names.count(name) == 1, name
    authors = [content for name, content in tags if name == "citation_author"]
    assert authors == ["Tomizawa, Daisuke", *authors[1:]]
    assert len(authors) == len(PAPER.authors)
    assert dict(tags)["citation_publication_date"] == "2009/07/01"


def test_json_ld_cannot_close_its_script_element() -> None:
    hostile = Citation(**{**PAPER.model_dump(), "title": "A </script><script>alert(1)</script>"})
    text = jsonld_script_text(paper_jsonld(hostile))
    assert "</" not in text
    assert json.loads(text)["@graph"][0]["name"] == hostile.title


def test_a_long_chart_description_is_cut_for_the_preview_alt_text() -> None:
    tags = social_tags(
        title="t", description="d", url="u", image="i", image_alt="x" * 1000, site_name="s"
    )
    alts = [content for _, key, content in tags if key.endswith(":image:alt")]
    assert len(alts) == 2
    assert all(len(alt) == 420 and alt.endswith("…") for alt in alts)


def test_the_summary_licence_agrees_with_the_site_footer_and_citation_cff() -> None:
    cff = yaml.safe_load((PROJECT / "CITATION.cff").read_text(encoding="utf-8"))
    assert SUMMARY_LICENSE in cff["license"]
    footer = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^copyright: Summary text[^\n]*CC BY 4\.0", footer, re.MULTILINE)
    assert SUMMARY_LICENSE_URL == "https://creativecommons.org/licenses/by/4.0/"
    assert edition_jsonld(EDITION)["license"] == SUMMARY_LICENSE_URL


class _Head(HTMLParser):
    """The ``<meta>`` tags and JSON-LD scripts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.jsonld: list[str] = []
        self.links: list[tuple[str, str | None]] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and a.get("content") is not None:
            key = a.get("name") or a.get("property")
            if key:
                self.meta.append((key, a["content"] or ""))
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")
        if tag == "a" and a.get("href"):
            self.links.append((a["href"] or "", a.get("download")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data


def _head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _pages(site: Path) -> list[Path]:
    pages = sorted(p for p in site.rglob("index.html") if "downloads" not in p.parts)
    return some(pages, "built pages", at_least=15)


def test_every_page_carries_the_papers_highwire_tags_from_the_data_file(built_site: Path) -> None:
    expected = paper_highwire_tags(PAPER)
    pages = _pages(built_site)
    assert len(pages) >= 15
    for page in pages:
        tags = [(k, v) for k, v in _head(page).meta if k.startswith("citation_")]
        assert tags == expected, page.relative_to(built_site)


def test_every_page_has_json_ld_for_the_paper_and_this_edition(built_site: Path) -> None:
    for page in _pages(built_site):
        (text,) = _head(page).jsonld
        graph = json.loads(text)
        assert graph["@context"] == "https://schema.org"
        by_type = {node["@type"]: node for node in graph["@graph"]}
        assert set(by_type) == {"ScholarlyArticle", "CreativeWork"}, page
        article, work = by_type["ScholarlyArticle"], by_type["CreativeWork"]
        assert article["@id"] == f"https://doi.org/{PAPER.doi}"
        assert article["name"] == PAPER.title
        assert [a["name"] for a in article["author"]] == PAPER.authors
        assert work["license"] == SUMMARY_LICENSE_URL
        assert work["version"] == f"preview of {project_version(PROJECT)}"  # not published
        assert work["about"] == {"@id": article["@id"]}


def test_every_page_has_a_link_preview_with_its_own_description_and_a_built_chart_png(
    built_site: Path, built_site_url: str
) -> None:
    site_url = built_site_url  # what the session's site was built for (SITE_URL)
    descriptions = set()
    for page in _pages(built_site):
        meta = dict(_head(page).meta)
        name = page.relative_to(built_site)
        for key in ("og:title", "og:description", "og:url", "og:image", "og:image:alt"):
            assert meta.get(key), f"{name}: no {key}"
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["twitter:image"] == meta["og:image"]
        assert meta["og:description"] == meta["description"] or name.parts[0] == "notebooks"
        descriptions.add(meta["og:description"])
        image = meta["og:image"]
        assert image.startswith(site_url), image
        assert image.endswith(".png"), image
        picture = built_site / image.removeprefix(site_url)
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image
    assert len(descriptions) == len(_pages(built_site)), "descriptions are not page-specific"
    results = dict(_head(built_site / "results" / "index.html").meta)
    assert results["og:image"].endswith("downloads/charts/proportions.png")  # its own chart


def test_home_offers_the_papers_bibtex_and_ris_and_they_parse(built_site: Path) -> None:
    links = dict(_head(built_site / "index.html").links)
    assert links.get("cite/paper.bib") == "Tomizawa2009.bib"
    assert links.get("cite/paper.ris") == "Tomizawa2009.ris"
    entry = _bibtex_entry((built_site / "cite" / "paper.bib").read_text(encoding="utf-8"))
    assert entry["doi"] == PAPER.doi
    (record,) = rispy.loads((built_site / "cite" / "paper.ris").read_text(encoding="utf-8"))
    assert record["doi"] == PAPER.doi
    for name in ("edition.bib", "edition.ris"):  # written for every build, linked for editions
        assert (built_site / "cite" / name).is_file()
