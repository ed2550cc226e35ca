"""Charts in a real browser (Debian's Chromium through Playwright): instant SVG, interactive on
scroll, theme toggle, instant navigation, no third-party requests, accessibility."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from testsupport.chart_text import chart_pages
from testsupport.found import some

NARROW = {"width": 412, "height": 860}  # a phone


@pytest.fixture(scope="module")
def site(built_site: Path, built_site_url: str) -> tuple[str, Path]:
    """The session's site, built for the very address it is served from, so instant navigation
    is live (Material only navigates instantly to URLs listed in the sitemap under site_url)."""
    return built_site_url, built_site


def _pages(folder: Path) -> list[str]:
    pages = []
    for path in sorted(folder.rglob("index.html")):
        rel = path.parent.relative_to(folder).as_posix()
        pages.append("" if rel == "." else f"{rel}/")
    return some(pages, "built pages", at_least=15)


def _chart_pages(folder: Path) -> list[str]:
    return some(chart_pages(folder), "pages with a chart", at_least=4)


class Recorder:
    """Console messages, page errors and every request a page makes."""

    def __init__(self, page: Page) -> None:
        self.console: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))

    def problems(self) -> list[str]:
        return [m for m in self.console if m.split(":")[0] in {"error", "warning", "pageerror"}]

    def foreign(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).hostname not in {"127.0.0.1", None}
            and not u.startswith(("data:", "blob:"))
        ]


def _wait_state(page: Page, selector: str, state: str) -> None:
    """Wait until the chart ``selector`` exists and reaches ``state`` ('interactive'/'static')."""
    page.wait_for_function(
        "([sel, state]) => { const f = document.querySelector(sel); return !!f && f.dataset.state === state; }",
        arg=[selector, state],
        timeout=15_000,
    )


def _touch(page: Page) -> None:
    """A reader's first gesture: charts wait for one before loading their runtime."""
    page.mouse.move(3, 3)
    page.mouse.move(9, 9)


def _enhance_all(page: Page) -> None:
    """Open collapsed blocks and visit every chart, as a reader scrolling through would."""
    _touch(page)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    figures = page.locator("figure.study-chart")
    for i in range(figures.count()):
        figure = figures.nth(i)
        if figure.is_visible():
            figure.scroll_into_view_if_needed()
            page.wait_for_function(
                "f => ['interactive', 'static'].includes(f.dataset.state)",
                arg=figure.element_handle(),
                timeout=15_000,
            )


def test_every_page_loads_without_console_errors_and_requests_only_127_0_0_1(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, folder = site
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    record = Recorder(page)
    for path in _pages(folder):
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        _enhance_all(page)
    context.close()
    assert record.problems() == []
    assert record.foreign() == []
    assert sum(u.endswith("/vega-runtime.js") for u in record.requests) <= len(_pages(folder))


def test_every_chart_is_an_svg_with_javascript_disabled(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, folder = site
    context = browser.new_context(viewport=NARROW, java_script_enabled=False)
    page = context.new_page()
    counted = 0
    for path in _chart_pages(folder):
        page.goto(url + path)
        for figure in some(page.locator("figure.study-chart").all(), f"charts on /{path}"):
            drawings = figure.locator(".study-chart__svg > svg")  # the wide and narrow layouts
            assert all(svg.get_attribute("role") == "img" for svg in drawings.all())
            shown = figure.locator(".study-chart__svg > svg:visible")
            if shown.count() == 0:  # inside a collapsed block or an inactive tab: not shown
                continue
            assert shown.count() == 1  # one layout at a time
            shown.scroll_into_view_if_needed()
            box = shown.bounding_box()
            assert box is not None
            assert box["width"] > 200
            assert box["height"] > 50
            counted += 1
    context.close()
    assert counted >= 4


def test_the_chart_runtime_loads_only_once_a_chart_comes_into_view(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, _ = site
    page = browser.new_page(viewport=NARROW)
    record = Recorder(page)
    page.goto(url + "checks/")  # its only chart sits in a collapsed block
    page.wait_for_load_state("networkidle")
    figure = page.locator("#chart-patient_flow")
    assert figure.get_attribute("data-state") is None
    assert not any(u.endswith("vega-runtime.js") for u in record.requests)
    page.locator("details:has(#chart-patient_flow) > summary").click()
    figure.scroll_into_view_if_needed()
    _wait_state(page, "#chart-patient_flow", "interactive")
    assert sum(u.endswith("vega-runtime.js") for u in record.requests) == 1
    page.close()


def test_nothing_heavy_loads_before_the_readers_first_gesture(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    record = Recorder(page)
    page.goto(url + "design/")  # the flow chart is in the first screen
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert page.locator("#chart-patient_flow").get_attribute("data-state") is None
    assert not any(u.endswith("vega-runtime.js") for u in record.requests)
    _touch(page)
    _wait_state(page, "#chart-patient_flow", "interactive")
    page.close()


def test_a_chart_becomes_interactive_when_scrolled_into_view_with_tooltips(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, _ = site
    page = browser.new_page(viewport=NARROW)
    page.goto(url + "results/")
    _touch(page)
    figure = page.locator("#chart-os_5y")
    figure.scroll_into_view_if_needed()
    _wait_state(page, "#chart-os_5y", "interactive")
    assert figure.locator(".study-chart__svg").is_hidden()
    assert figure.locator(".study-chart__view svg").is_visible()
    mark = figure.locator(".study-chart__view path[role='graphics-symbol']").first
    mark.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert re.search(r"95% CI (lower|upper) \(%\)", tooltip.inner_text())
    page.close()


def test_the_theme_toggle_recolours_an_interactive_chart(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, _ = site
    page = browser.new_page(viewport=NARROW, color_scheme="light")
    page.goto(url + "results/")
    _touch(page)
    page.locator("#chart-proportions").scroll_into_view_if_needed()
    _wait_state(page, "#chart-proportions", "interactive")
    fill = "getComputedStyle(document.querySelector('#chart-proportions .study-chart__view svg text')).fill"
    before = page.evaluate(fill)
    for _ in range(3):  # auto → light → dark: click the visible toggle until the dark palette is on
        if page.evaluate("document.body.dataset.mdColorScheme") == "slate":
            break
        page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    after = page.evaluate(fill)
    assert before != after
    page.close()


def test_instant_navigation_between_chart_pages_keeps_both_working_and_loads_the_runtime_once(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    record = Recorder(page)
    page.goto(url + "design/")
    _touch(page)
    _wait_state(page, "#chart-patient_flow", "interactive")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("navigation", name="Navigation").get_by_role(
        "link", name="Results", exact=True
    ).click()
    page.wait_for_url(url + "results/")
    assert page.evaluate("window.__sameDocument === true"), "navigation reloaded the page"
    page.locator("#chart-proportions").scroll_into_view_if_needed()
    _wait_state(page, "#chart-proportions", "interactive")
    page.go_back()
    page.wait_for_url(url + "design/")
    _wait_state(page, "#chart-patient_flow", "interactive")
    assert sum(u.endswith("/vega-runtime.js") for u in record.requests) == 1
    assert record.problems() == []
    page.close()


def test_charts_in_tabs_and_collapsed_blocks_get_a_real_width(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "checks/")
    _touch(page)
    page.locator("details:has(#chart-patient_flow) > summary").click()
    page.locator("#chart-patient_flow").scroll_into_view_if_needed()
    _wait_state(page, "#chart-patient_flow", "interactive")
    assert page.locator("#chart-patient_flow .study-chart__view svg").bounding_box()["width"] > 300
    page.goto(url + "results/")
    _touch(page)
    page.locator(".tabbed-labels label:has-text('Table')").first.click()
    page.locator(".tabbed-labels label:has-text('Chart')").first.click()
    page.locator("#chart-os_5y").scroll_into_view_if_needed()
    _wait_state(page, "#chart-os_5y", "interactive")
    assert page.locator("#chart-os_5y .study-chart__view svg").bounding_box()["width"] > 300
    page.close()


def test_a_chart_that_cannot_become_interactive_keeps_its_svg_and_says_why_once(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    record = Recorder(page)
    page.route("**/downloads/charts/proportions.vg.json", lambda route: route.fulfill(status=404))
    page.goto(url + "results/")
    _touch(page)
    page.locator("#chart-proportions").scroll_into_view_if_needed()
    _wait_state(page, "#chart-proportions", "static")
    assert page.locator("#chart-proportions .study-chart__svg > svg:visible").count() == 1
    messages = [m for m in record.console if "study-charts" in m]
    assert len(messages) == 1
    assert "chart 'proportions' stays a static image: its spec answered HTTP 404" in messages[0]
    page.close()


ENVELOPE_DATA = "#chart-survival_envelope details.study-chart__data > summary"


def _csv_rows(folder: Path) -> int:
    csv = folder / "downloads/charts/reconstructed-survival_envelope.csv"
    return len(csv.read_text(encoding="utf-8").splitlines()) - 1


def test_a_large_data_table_is_built_from_its_csv_when_its_block_is_opened_by_keyboard(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, folder = site
    page = browser.new_page(viewport=NARROW)
    record = Recorder(page)
    page.goto(url + "survival/")
    page.wait_for_load_state("networkidle")
    figure = page.locator("#chart-survival_envelope")
    assert figure.locator("table").count() == 0
    assert not any(u.endswith("survival_envelope.csv") for u in record.requests)
    summary = page.locator(ENVELOPE_DATA)
    summary.focus()
    page.keyboard.press("Enter")
    rows = figure.locator(".study-chart__table table tbody tr")
    rows.first.wait_for(timeout=10_000)
    assert rows.count() == _csv_rows(folder)
    table = figure.locator(".study-chart__table table")
    assert table.locator("thead th[scope='col']").first.inner_text() == "data_source"
    caption = table.locator("caption")
    assert re.search(r"\d+ rows of 7 columns", caption.inner_text())
    assert caption.get_by_role("link", name="data (CSV)").is_visible()
    # Material's scrolling box, reachable by keyboard when the table is wider than the phone
    wrapper = figure.locator(".md-typeset__scrollwrap")
    assert wrapper.get_attribute("tabindex") == "0"
    assert figure.locator(".study-chart__table").get_attribute("aria-busy") is None
    page.keyboard.press("Enter")  # closed and opened again: built once, fetched once
    page.keyboard.press("Enter")
    assert figure.locator(".study-chart__table table").count() == 1
    assert sum(u.endswith("survival_envelope.csv") for u in record.requests) == 1
    assert record.problems() == []
    assert record.foreign() == []
    page.close()


def test_a_large_data_table_is_built_after_instant_navigation_too(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, folder = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "results/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("navigation", name="Navigation").get_by_role(
        "link", name="Survival (reconstructed)", exact=True
    ).click()
    page.wait_for_url(url + "survival/")
    assert page.evaluate("window.__sameDocument === true"), "navigation reloaded the page"
    page.locator(ENVELOPE_DATA).click()
    rows = page.locator("#chart-survival_envelope .study-chart__table tbody tr")
    rows.first.wait_for(timeout=10_000)
    assert rows.count() == _csv_rows(folder)
    page.close()


def test_a_large_data_table_that_cannot_load_keeps_its_link_and_says_why_once(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, _ = site
    page = browser.new_page(viewport=NARROW)
    record = Recorder(page)
    page.route("**/reconstructed-survival_envelope.csv", lambda route: route.fulfill(status=404))
    page.goto(url + "survival/")
    page.locator(ENVELOPE_DATA).click()
    box = page.locator("#chart-survival_envelope .study-chart__table")
    page.wait_for_function("b => b.dataset.state === 'failed'", arg=box.element_handle())
    assert box.get_by_role("link", name="data (CSV)").is_visible()
    assert "could not be shown here" in box.inner_text()
    messages = [m for m in record.console if "study-charts" in m]
    assert len(messages) == 1
    assert "'survival_envelope' was not shown: its file answered HTTP 404" in messages[0]
    page.close()


def test_with_javascript_off_a_large_data_table_is_a_link_to_its_csv(
    browser: Browser, site: tuple[str, Path]
) -> None:
    url, folder = site
    context = browser.new_context(viewport=NARROW, java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "survival/")
    page.locator(ENVELOPE_DATA).click()
    box = page.locator("#chart-survival_envelope .study-chart__table")
    assert f"{_csv_rows(folder)} rows of 7 columns" in box.inner_text()
    link = box.get_by_role("link", name="data (CSV)")
    assert link.is_visible()
    href = link.get_attribute("href")
    assert href == "../downloads/charts/reconstructed-survival_envelope.csv"
    response = page.request.get(url + "survival/" + href)
    assert response.ok
    assert len(response.text().splitlines()) - 1 == _csv_rows(folder)
    assert box.locator("table").count() == 0
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(
    browser: Browser, site: tuple[str, Path], scheme: str
) -> None:
    url, folder = site
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    axe = Axe()
    found = []
    for path in _pages(folder):
        page.goto(url + path)
        _enhance_all(page)
        # Back to the top, and let Material's header finish fading between site and page title
        # (axe would otherwise measure the contrast of text in mid-transition).
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(600)
        result = axe.run(page)
        found += [
            f"{path or '/'}: {v['id']} ({v['impact']}): {v['help']} at {node['target']}: "
            + node.get("failureSummary", "").replace("\n", " ")[:240]
            for v in result.response["violations"]
            if v["impact"] in {"serious", "critical"}
            for node in v["nodes"]
        ]
    page.close()
    assert found == []
