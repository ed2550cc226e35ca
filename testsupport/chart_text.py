"""Measure the text of every chart as a browser draws it: rendered size and clipping.

Shared by ``tests/test_chart_text.py`` (which fails on text under 11 CSS px or clipped) and
``benchmarks/chart_text.py`` (which prints the smallest size per page, width and mode).

A text's rendered size is its computed font size times the scale from its SVG user space to
CSS pixels (``getScreenCTM``), so it counts every ``viewBox`` shrink and transform. A text is
clipped when its box reaches past the edge of its SVG, past a ``clip-path`` of one of its
groups, or past its figure; or when Vega shortened it to fit (it ends in "…").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the page is handed in: this module imports no Playwright
    from playwright.sync_api import Page

__all__ = [
    "MIN_TEXT_PX",
    "WIDTHS",
    "ChartText",
    "chart_pages",
    "make_every_chart_interactive",
    "measure",
    "show_every_chart",
]

MIN_TEXT_PX = 11.0
WIDTHS = {"phone": 390, "desktop": 1280}

_MEASURE = r"""
() => {
  const slack = 0.5;  // CSS px: anti-aliasing and rounding, not clipping
  const outside = (r, box) =>
    r.left < box.left - slack || r.right > box.right + slack ||
    r.top < box.top - slack || r.bottom > box.bottom + slack;
  const clipBox = (element, svg) => {
    const ref = element.getAttribute("clip-path");
    const id = ref && ref.match(/url\(\s*["']?#([^"')]+)["']?\s*\)/);
    const clip = id && svg.ownerDocument.getElementById(id[1]);
    const shape = clip && clip.firstElementChild;
    if (!shape) return null;
    const b = shape.getBBox();
    const m = element.getScreenCTM();
    const xs = [], ys = [];
    for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
                          [b.x + b.width, b.y + b.height]]) {
      xs.push(m.a * x + m.c * y + m.e);
      ys.push(m.b * x + m.d * y + m.f);
    }
    return {left: Math.min(...xs), right: Math.max(...xs),
            top: Math.min(...ys), bottom: Math.max(...ys)};
  };
  const found = [];
  for (const figure of document.querySelectorAll("figure.study-chart")) {
    const svgs = [...figure.querySelectorAll("svg")].filter(
      (svg) => !svg.parentElement.closest("svg") && svg.checkVisibility()
    );
    const figureBox = figure.getBoundingClientRect();
    for (const svg of svgs) {
      const svgBox = svg.getBoundingClientRect();
      const layer = svg.closest(".study-chart__view") ? "interactive" : "static";
      for (const text of svg.querySelectorAll("text")) {
        const lines = text.querySelectorAll("tspan");
        const content = (lines.length ? [...lines].map((l) => l.textContent).join(" ")
                                      : text.textContent).trim();
        const style = getComputedStyle(text);
        if (!content || style.visibility === "hidden" || Number(style.opacity) === 0 ||
            Number(style.fillOpacity) === 0) continue;
        const m = text.getScreenCTM();
        const scale = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
        const box = text.getBoundingClientRect();
        const clipped = [];
        if (outside(box, svgBox)) clipped.push("the SVG's edge");
        if (box.left < figureBox.left - slack || box.right > figureBox.right + slack)
          clipped.push("the figure's edge");
        for (let g = text; g && g !== svg; g = g.parentElement) {
          const clip = clipBox(g, svg);
          if (clip && outside(box, clip)) clipped.push("a clip-path");
        }
        if (content.endsWith("…")) clipped.push("an ellipsis (shortened to fit)");
        found.push({
          chart: figure.dataset.chart, layer, text: content.slice(0, 60),
          px: Math.round(parseFloat(style.fontSize) * scale * 100) / 100,
          clipped: clipped.join(", "),
        });
      }
    }
  }
  return found;
}
"""

_SHOW = r"""
() => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  // Content tabs: select the tab that holds each chart (works without JavaScript too, since
  // Material's tabs are radio inputs and CSS).
  for (const figure of document.querySelectorAll("figure.study-chart")) {
    const block = figure.closest(".tabbed-block");
    if (!block) continue;
    const set = block.closest(".tabbed-set");
    const index = [...block.parentElement.children].indexOf(block);
    const inputs = set.querySelectorAll(":scope > input");
    if (inputs[index]) inputs[index].checked = true;
  }
}
"""


@dataclass(frozen=True)
class ChartText:
    """One text element of a chart as drawn: rendered size in CSS px, and what clips it."""

    chart: str
    layer: str  # "static" (build-time SVG) or "interactive" (Vega view)
    text: str
    px: float
    clipped: str  # empty when nothing clips it

    def __str__(self) -> str:
        problem = f"clipped by {self.clipped}" if self.clipped else f"{self.px:.1f} px"
        return f"{self.chart} ({self.layer}) {self.text!r}: {problem}"


def show_every_chart(page: Page) -> None:
    """Open collapsed blocks and select the content tab of every chart."""
    page.evaluate(_SHOW)


def measure(page: Page) -> list[ChartText]:
    """Every visible chart text on the page, with its rendered size and clipping."""
    return [ChartText(**row) for row in page.evaluate(_MEASURE)]


def chart_pages(site: Path) -> list[str]:
    """Every page of a built site that shows a chart, as paths relative to the site root."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        if 'class="study-chart"' in path.read_text(encoding="utf-8"):
            rel = path.parent.relative_to(site).as_posix()
            pages.append("" if rel == "." else f"{rel}/")
    return pages


def make_every_chart_interactive(page: Page) -> None:
    """Make the reader's first gesture and bring every chart into view, so each one becomes
    interactive (or stays static, saying why); returns when every chart has settled."""
    page.mouse.move(3, 3)
    page.mouse.move(9, 9)
    figures = page.locator("figure.study-chart")
    for i in range(figures.count()):
        figures.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "f => ['interactive', 'static'].includes(f.dataset.state)",
            arg=figures.nth(i).element_handle(),
            timeout=15_000,
        )
