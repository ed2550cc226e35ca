"""Charts below the first screen are not laid out at load, yet every chart and table is on the
page and draws when the reader reaches it, with JavaScript off (the build-time SVG). Tables are
always laid out: a skipped table's scrolling wrapper would lose keyboard access."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from testsupport.chart_text import chart_pages

SKIPPED = "f => f.firstElementChild.checkVisibility({contentVisibilityAuto: true})"


def test_offscreen_figures_skip_layout_until_reached_and_then_draw(
    browser: Browser, built_site: Path, built_site_url: str
) -> None:
    assert "survival/" in chart_pages(built_site)
    context = browser.new_context(viewport={"width": 412, "height": 860}, java_script_enabled=False)
    page = context.new_page()
    page.goto(built_site_url + "survival/")
    # Figures inside a closed <details> (the cohort table) are hidden on purpose; left out.
    figures = page.locator(
        ":is(figure.study-chart, figure.study-table):not(details:not([open]) figure)"
    )
    count = figures.count()
    assert count >= 6
    # At load, the last chart (far below the first screen) is skipped by the browser: what it
    # holds is not rendered, which is what saves the phone's main thread.
    charts = page.locator("figure.study-chart:not(details:not([open]) figure)")
    assert charts.count() >= 3
    assert charts.nth(charts.count() - 1).evaluate(SKIPPED) is False
    for i in range(count):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        for _ in range(50):  # the browser renders it by the next frame or so
            if figure.evaluate(SKIPPED):
                break
            page.wait_for_timeout(100)
        assert figure.evaluate(SKIPPED), f"figure {i} still not rendered once in view"
        if figure.evaluate("f => f.classList.contains('study-chart')"):
            box = figure.locator(".study-chart__svg > svg:visible").first.bounding_box()
            assert box is not None, i
            assert box["width"] > 200, i
            assert box["height"] > 100, i
        else:
            assert figure.locator("table").first.bounding_box() is not None, i
    context.close()
