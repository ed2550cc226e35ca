"""Chart text is readable on a phone and on a desktop: every chart's text, as Chromium draws it,
is at least 11 CSS px and nothing of it is clipped, at a 390 px and a 1280 px window, with
JavaScript off (the build-time SVG) and on (the interactive Vega view).

Sizes are measured, not read from the specs: computed font size times the SVG's scale to CSS
pixels (see ``tests/chart_text.py``). ``benchmarks/chart_text.py`` prints the smallest size per
page for a before/after comparison.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from testsupport.chart_text import (
    MIN_TEXT_PX,
    WIDTHS,
    chart_pages,
    make_every_chart_interactive,
    measure,
    show_every_chart,
)


@pytest.mark.parametrize("javascript", [False, True], ids=["svg", "interactive"])
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_chart_text_is_at_least_11_px_and_unclipped(
    browser: Browser, built_site: Path, built_site_url: str, width: int, javascript: bool
) -> None:
    pages = chart_pages(built_site)
    assert {"design/", "results/", "survival/", "context/"} <= set(pages)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    problems: list[str] = []
    for path in pages:
        page.goto(built_site_url + path)
        show_every_chart(page)
        if javascript:
            make_every_chart_interactive(page)
            states = page.eval_on_selector_all(
                "figure.study-chart", "fs => fs.map(f => f.dataset.chart + ':' + f.dataset.state)"
            )
            assert all(s.endswith(":interactive") for s in states), (path, states)
        texts = measure(page)
        charts = page.eval_on_selector_all(
            "figure.study-chart", "fs => fs.map(f => f.dataset.chart)"
        )
        assert {t.chart for t in texts} == set(charts), f"{path}: a chart drew no text"
        layer = "interactive" if javascript else "static"
        assert {t.layer for t in texts} == {layer}, path
        problems += [f"/{path}: {t}" for t in texts if t.px < MIN_TEXT_PX or t.clipped]
    context.close()
    assert problems == []


def test_an_interactive_chart_redraws_in_the_layout_that_fits_when_its_column_narrows(
    browser: Browser, built_site_url: str
) -> None:
    page = browser.new_page(viewport={"width": WIDTHS["desktop"], "height": 900})
    page.goto(built_site_url + "survival/")
    make_every_chart_interactive(page)
    figure = "#chart-survival_km"
    assert page.eval_on_selector(figure, "f => f.dataset.layout") == "wide"
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    page.wait_for_function(f"document.querySelector('{figure}').dataset.layout === 'narrow'")
    page.locator(figure).scroll_into_view_if_needed()
    texts = [t for t in measure(page) if t.chart == "survival_km"]
    assert texts
    assert min(t.px for t in texts) >= MIN_TEXT_PX
    assert [str(t) for t in texts if t.clipped] == []
    page.close()


SYNTHETIC_PAGE = """<!doctype html><meta charset="utf-8"><title>synthetic chart</title>
<figure class="study-chart" data-chart="synthetic_small_and_clipped" style="width:300px">
  <svg viewBox="0 0 600 100" width="600" height="100" style="max-width:100%;height:auto">
    <text x="10" y="50" font-size="12px">halved to 6 px</text>
    <text x="-30" y="80" font-size="24px">all patients</text>
    <g clip-path="url(#synthetic-clip)"><text x="500" y="30" font-size="24px">cut</text></g>
    <text x="200" y="90" font-size="24px">shortened…</text>
    <clipPath id="synthetic-clip"><rect x="0" y="0" width="520" height="100"/></clipPath>
  </svg>
</figure>"""


def test_the_measurement_sees_small_text_and_every_kind_of_clipping(browser: Browser) -> None:
    """A synthetic chart: a shrunken SVG, a text past its edge, past a clip-path, shortened."""
    page = browser.new_page()
    page.set_content(SYNTHETIC_PAGE)
    texts = {t.text: t for t in measure(page)}
    page.close()
    assert texts["halved to 6 px"].px == pytest.approx(6.0, abs=0.01)
    assert not texts["halved to 6 px"].clipped
    assert "the SVG's edge" in texts["all patients"].clipped
    assert "a clip-path" in texts["cut"].clipped
    assert "an ellipsis" in texts["shortened…"].clipped
