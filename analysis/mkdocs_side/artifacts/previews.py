"""Link previews: the Open Graph and Twitter card tags of a page, with the build-time PNG of the
page's first chart (or of the site's preview chart) as the picture a shared link shows."""

from __future__ import annotations

import html as html_lib
import re

__all__ = ["first_chart", "preview_png"]

# A page's first chart: the stem of its downloads (a reconstructed chart's starts with
# "reconstructed-") from its spec's address, and its text alternative.
_CHART_ON_PAGE = re.compile(
    r'data-chart="[^"]+" data-spec="[^"]*downloads/charts/([^"/]+)\.vg\.json"[^>]*>'
    r'.*?aria-label="([^"]*)"',
    re.DOTALL,
)


def preview_png(stem: str) -> str:
    """The site path of a chart's PNG, from the stem of its downloads' names."""
    return f"downloads/charts/{stem}.png"


def first_chart(html: str) -> tuple[str, str] | None:
    """The stem of the first chart's downloads in a rendered page, and its text alternative."""
    chart = _CHART_ON_PAGE.search(html)
    if chart is None:
        return None
    return chart.group(1), html_lib.unescape(chart.group(2))
