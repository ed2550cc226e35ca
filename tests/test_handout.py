"""The appraisal on the built site, and the handout printed to PDF through the system Chromium."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page
from pypdf import PdfReader

from analysis.registry import build_artifacts
from analysis.study.load import load_study
from testsupport.project import PROJECT

MAX_HANDOUT_PAGES = 2


@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    return build_artifacts().values


@pytest.fixture(scope="module")
def site_url(built_site_url: str) -> str:
    return built_site_url


def _pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def _configured_site_url() -> str:
    """``site_url`` as the test build sees it: the default of the !ENV tag in mkdocs.yml."""

    class EnvLoader(yaml.SafeLoader):
        pass

    EnvLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
    text = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=EnvLoader)["site_url"]


def test_home_shows_the_bottom_line_in_a_box_linking_to_the_appraisal(
    built_site: Path, values: dict[str, str]
) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    start = home.index("Our bottom line")
    box = home[home.rindex("<div", 0, start) : home.index("</div>", start)]
    box_text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", box)).split())
    assert " ".join(values["appraisal_bottom_line"].split()) in box_text
    assert 'href="appraisal/"' in box


def test_appraisal_page_comes_after_checks_and_methods_in_the_navigation(
    built_site: Path,
) -> None:
    page = (built_site / "appraisal" / "index.html").read_text(encoding="utf-8")
    nav = page[page.index('class="md-nav md-nav--primary"') :]
    assert nav.index('href="../checks/"') < nav.index('href="./"') < nav.index('href="../data/"')
    for table in ("appraisal_pico", "appraisal_checklist", "appraisal_limitations"):
        assert f'id="table-{table}"' in page


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_handout_prints_on_at_most_two_pages_with_key_numbers_and_citation(
    browser: Browser, site_url: str, values: dict[str, str], tmp_path: Path, paper: str
) -> None:
    page = browser.new_page()
    page.goto(site_url + "handout/")
    pdf = tmp_path / f"handout-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper)
    page.close()
    pages, text = _pdf_text(pdf)

    assert pages <= MAX_HANDOUT_PAGES, f"{paper}: {pages} pages"
    key_numbers = (
        "os_5y",
        "os_5y_ci",
        "salvage_remission",
        "relapsed_or_refractory",
        "hsct",
        "first_remission",
        "salvage_remission_worst_case_count",
    )
    for name in key_numbers:
        assert values[name] in text, f"{name} = {values[name]!r} missing from the printed handout"
    study = load_study()
    assert " ".join(study.citation.title.split()) in text
    assert f"doi:{study.citation.doi}" in text
    assert f"Edition {values['edition']}" in text
    # An unpublished build has no address to return to: not the local preview's.
    assert _configured_site_url() not in text
    assert "online at" not in text
    assert " ".join(values["associated_factors"].split()) in text
    assert " ".join(values["appraisal_bottom_line"].split()) in text
    for chrome in ("Skip to content", "Search", "Checks & methods", "Study design", "Download:"):
        assert chrome not in text, f"screen chrome {chrome!r} printed"


def _print_view(browser: Browser, url: str, *, scheme: str) -> Page:
    page = browser.new_page(color_scheme=scheme)  # type: ignore[arg-type]
    page.goto(url)
    page.emulate_media(media="print")
    return page


def test_printed_handout_hides_navigation_and_keeps_the_chart_as_svg(
    browser: Browser, site_url: str
) -> None:
    page = _print_view(browser, site_url + "handout/", scheme="light")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer", ".md-search"):
        assert not page.locator(selector).first.is_visible(), f"{selector} printed"
    chart = page.locator("#chart-patient_flow svg").first
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None
    assert box["height"] > 50
    assert not page.locator(".study-chart__data").first.is_visible()
    page.close()


def test_handout_prints_dark_text_on_white_even_from_the_dark_palette(
    browser: Browser, site_url: str
) -> None:
    page = _print_view(browser, site_url + "handout/", scheme="dark")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    rgb = page.evaluate(
        "getComputedStyle(document.querySelector('.md-typeset p')).color"
        ".match(/[\\d.]+/g).slice(0, 3).map(Number)"
    )
    page.close()
    assert max(rgb) < 100, f"printed text colour {rgb} is not dark"
