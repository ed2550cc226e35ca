"""The whole site builds strictly, shows every artifact with the right numbers, and loads nothing
from other hosts."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from analysis.render.blocks import INLINE_ROWS
from testsupport.found import some
from testsupport.project import STUDY_FILE, copy_site_sources, run_mkdocs_build
from testsupport.variants import use_study_text

PAGES = {
    "index.html": ["table-key_numbers"],
    "design/index.html": ["chart-patient_flow"],
    "results/index.html": [
        "chart-proportions",
        "table-proportions",
        "chart-os_5y",
        "table-survival",
    ],
    "prognosis/index.html": ["table-prognostic_factors"],
    "checks/index.html": ["table-checks", "table-figures"],
    "data/index.html": ["table-downloads", "table-fields"],
}


class _Resources(HTMLParser):
    """Collects every URL the browser would fetch by itself (not links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"} and a.get("src"):
            self.urls.append(a["src"] or "")
        if (
            tag == "link"
            and a.get("href")
            and (a.get("rel") or "") not in {"canonical", "alternate"}
        ):
            self.urls.append(a["href"] or "")
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"] or "")


def _html_files(site: Path) -> list[Path]:
    return some(sorted(site.rglob("*.html")), "built HTML pages", at_least=15)


def test_every_page_shows_its_injected_tables_and_charts(built_site: Path) -> None:
    for page, ids in PAGES.items():
        html = (built_site / page).read_text(encoding="utf-8")
        for ident in ids:
            assert f'id="{ident}"' in html, f"{page} lacks {ident}"


def test_no_placeholder_or_token_is_left_anywhere(built_site: Path) -> None:
    for path in _html_files(built_site):
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text, path
        assert "STUDYBLOCK" not in text, path
        assert "STUDYPICTURE" not in text, path  # every chart's drawing is back in its page
        assert "__SITE_ROOT__" not in text, path
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "STUDYPICTURE" not in index


@pytest.mark.parametrize("page", ["survival/index.html", "checks/index.html"])
def test_the_search_plugin_reads_the_same_text_with_the_charts_drawings_held(
    built_site: Path, page: str
) -> None:
    """The drawings are held from the other plugins as their text alone: Material's own search
    parser finds the same sections with the same text either way, and the held page comes
    back byte for byte."""
    from material.plugins.search.plugin import Parser

    from analysis.mkdocs_side.artifacts.inject import Stash, restore_blocks, restore_pictures

    written = (built_site / page).read_text(encoding="utf-8")
    article = written[written.index("<article") : written.index("</article>")]
    figures = re.findall(r'<figure class="study-chart".*?</figure>', article, re.DOTALL)
    assert figures, f"{page}: no chart"
    stash = Stash({f"STUDYBLOCK{i:04d}": figure for i, figure in enumerate(figures)})
    with_tokens = article
    for token, figure in stash.blocks.items():
        with_tokens = with_tokens.replace(figure, token, 1)
    held: dict[str, str] = {}
    held_article = restore_blocks(with_tokens, stash, root="", held=held)
    assert len(held) >= len(figures)
    assert held_article.count("<svg") == article.count("<svg") - len(held)  # the page's icons stay

    def sections(html: str) -> list[tuple[str, str, str]]:
        parser = Parser()
        parser.feed(html)
        parser.close()
        return [(repr(s), "".join(s.title), "".join(s.text)) for s in parser.data]

    assert sections(held_article) == sections(article)
    assert restore_pictures(held_article, held) == article


def test_the_home_page_shows_the_key_numbers_and_links_doi_and_pubmed(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    for needle in ("39 of 80 (48.8%)", "40.5% (15/37)", "25.6% ± 6.9%", "13.4–39.7%", "P = 0.01"):
        assert needle in html, needle
    assert 'href="https://doi.org/10.1002/pbc.21975"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/19229974/"' in html


def test_the_checks_page_flags_the_open_questions(built_site: Path) -> None:
    html = (built_site / "checks/index.html").read_text(encoding="utf-8")
    assert html.count("⚠") >= 3
    assert html.count("✓") >= 5
    assert "denominator 37 vs 39 patients (2 unaccounted for)" in html


def test_tables_are_real_html_tables_with_caption_and_source(built_site: Path) -> None:
    html = (built_site / "results/index.html").read_text(encoding="utf-8")
    figure = re.search(
        r'<figure class="study-table" id="table-proportions">.*?</figure>', html, re.DOTALL
    )
    assert figure is not None
    block = figure.group(0)
    assert "<table><caption>" in block
    assert '<th scope="col">' in block
    assert "Source: Counts: Tomizawa et al." in block
    assert 'href="../downloads/tables/proportions.csv"' in block


def test_charts_are_inline_svg_with_a_text_alternative_and_csv_download(built_site: Path) -> None:
    html = (built_site / "design/index.html").read_text(encoding="utf-8")
    for layout in ("wide", "narrow"):  # the stylesheet shows the one that fits the column
        label = f'<svg data-layout="{layout}" role="img" aria-label="Patient flow. Of 80 infants'
        assert label in html
    for spec in some(re.findall(r'data-spec(?:-narrow)?="([^"]+)"', html), "chart specs"):
        assert (built_site / "design" / spec).resolve().is_file(), spec
    assert 'data-spec-narrow="../downloads/charts/patient_flow.narrow.vg.json"' in html
    assert 'href="../downloads/charts/patient_flow.csv"' in html
    csv = (built_site / "downloads/charts/patient_flow.csv").read_text(encoding="utf-8")
    assert csv.splitlines()[0] == "box,level,stage,count,label,detail,derived"


def test_every_download_link_points_at_a_built_file(built_site: Path) -> None:
    links = [
        (path, href)
        for path in _html_files(built_site)
        for href in re.findall(r'href="([^"]*downloads/[^"]+)"', path.read_text(encoding="utf-8"))
    ]
    for path, href in some(links, "download links", at_least=10):
        target = (path.parent / href).resolve()
        assert target.is_file(), f"{path.relative_to(built_site)} → {href}"


def test_a_charts_data_points_stay_out_of_the_search_index_but_its_description_is_found(
    built_site: Path,
) -> None:
    """Every page loads the search index before any interaction: thousands of chart data
    points would weigh on every page and find nothing a reader searches for."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    page = (built_site / "survival" / "index.html").read_text(encoding="utf-8")
    assert "<table data-search-exclude><caption>" not in page  # only chart data is excluded
    start = page.index('id="chart-survival_km"')
    figure = page[start : page.index("</figure>", start)]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", figure)
    assert rows, "the chart's data table is on the page"
    assert "<table data-search-exclude>" in figure
    last = rows[-1]  # the index joins a table's cells with or without spaces
    assert "".join(last) not in text
    assert " ".join(last) not in text
    assert "Two kinds of band" in text  # the chart's text description stays searchable


def test_a_charts_large_data_table_is_not_in_the_page_but_its_csv_is_named_and_linked(
    built_site: Path,
) -> None:
    """The survival envelope's hundreds of rows were most of the Survival page's elements."""
    page = (built_site / "survival" / "index.html").read_text(encoding="utf-8")
    start = page.index('id="chart-survival_envelope"')
    figure = page[start : page.index("</figure>", start)]
    assert "<table" not in figure
    csv = built_site / "downloads/charts/reconstructed-survival_envelope.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    rows, columns = len(lines) - 1, len(lines[0].split(","))
    assert rows > INLINE_ROWS
    named = re.search(r'data-table-rows="(\d+)".*?([\d,]+) rows of (\d+) columns', figure)
    assert named is not None
    assert named.groups() == (str(rows), f"{rows:,}", str(columns))
    assert 'href="../downloads/charts/reconstructed-survival_envelope.csv" download>' in figure


def test_the_data_file_is_published_unchanged(built_site: Path) -> None:
    assert (built_site / "downloads/study.yaml").read_text() == STUDY_FILE.read_text()


def test_abbreviations_are_explained_on_hover(built_site: Path) -> None:
    html = (built_site / "results/index.html").read_text(encoding="utf-8")
    assert '<abbr title="Haematopoietic stem cell transplantation">HSCT</abbr>' in html


def test_no_page_loads_a_script_style_font_or_image_from_another_host(built_site: Path) -> None:
    offenders = []
    for path in _html_files(built_site):
        parser = _Resources()
        parser.feed(path.read_text(encoding="utf-8"))
        offenders += [(path.name, u) for u in parser.urls if re.match(r"(https?:)?//", u)]
    for css in some(built_site.rglob("*.css"), "stylesheets"):
        offenders += [
            (css.name, u) for u in re.findall(r"url\((['\"]?)(https?://[^)'\"]+)", css.read_text())
        ]
    assert offenders == []


def _site_with(
    tmp_path: Path, *, study_text: str | None = None, page_edit: tuple[str, str] | None = None
) -> Path:
    project = copy_site_sources(tmp_path / "project")
    if study_text is not None:
        use_study_text(project, study_text)
    if page_edit is not None:
        page = project / "docs" / page_edit[0]
        page.write_text(page.read_text() + page_edit[1])
    return project


@pytest.mark.slow  # a build of its own
def test_an_unknown_artifact_name_fails_the_build_listing_valid_names(tmp_path: Path) -> None:
    project = _site_with(tmp_path, page_edit=("results.md", "\n{{ chart survival_curve }}\n"))
    result = run_mkdocs_build(tmp_path / "site", project=project)
    assert result.returncode != 0
    assert "docs/results.md:" in result.stderr
    listed = re.search(
        r"unknown chart 'survival_curve'; valid chart names are: (.+)", result.stderr
    )
    assert listed is not None, result.stderr
    assert {"os_5y", "patient_flow", "proportions"} <= set(listed.group(1).split(", "))


@pytest.mark.slow  # a build of its own
def test_a_bad_data_file_stops_the_build_with_file_entry_and_field(tmp_path: Path) -> None:
    bad = STUDY_FILE.read_text().replace("percent: 40.5", "percent: 41.5")
    project = _site_with(tmp_path, study_text=bad)
    result = run_mkdocs_build(tmp_path / "site", project=project)
    assert result.returncode != 0
    assert "study.yaml:" in result.stderr
    assert (
        "entry 'salvage_remission' (figures[4]), field 'percent': found 41.5; expected 40.5"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_an_edited_number_is_recomputed_on_the_next_build(changed_site: Path) -> None:
    html = (changed_site / "index.html").read_text(encoding="utf-8")
    assert "43.2% (16/37)" in html
    assert "40.5% (15/37)" not in html
    published = yaml.safe_load((changed_site / "downloads" / "study.yaml").read_text())
    assert published["figures"][4]["numerator"] == 16
