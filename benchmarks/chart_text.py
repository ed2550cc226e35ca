"""Smallest chart text per page, as Chromium draws it, at a phone and a desktop width.

For every page with a chart it prints the smallest rendered chart text (CSS px: computed font
size times the SVG's scale) with JavaScript off (the build-time SVG) and on (the interactive
Vega view), at a 390 px and a 1280 px window, and how many texts are clipped. Target: at least
11 px and none clipped everywhere, so that every label stays readable on a phone;
``tests/test_chart_text.py`` enforces it.

Usage: ``python benchmarks/chart_text.py [--site DIR]`` (default: build this tree first). Give
``--site`` a site built from another commit to compare before and after.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from testsupport.browser import chromium
from testsupport.chart_text import (
    MIN_TEXT_PX,
    WIDTHS,
    chart_pages,
    make_every_chart_interactive,
    measure,
    show_every_chart,
)
from testsupport.project import run_mkdocs_build
from testsupport.serving import serve_directory


def _report(site: Path) -> None:
    pages = chart_pages(site)
    columns = [(w, js) for w in WIDTHS.values() for js in (False, True)]
    header = "  ".join(f"{w} JS {'on' if js else 'off'}".ljust(11) for w, js in columns)
    print(f"smallest chart text (CSS px), clipped texts in brackets; target >= {MIN_TEXT_PX:g}")
    print(f"{'page':12s}  {header}")
    rows = {path: [] for path in pages}
    with serve_directory(site) as url, chromium() as browser:
        for width, javascript in columns:
            context = browser.new_context(
                viewport={"width": width, "height": 900}, java_script_enabled=javascript
            )
            page = context.new_page()
            for path in pages:
                page.goto(url + path)
                show_every_chart(page)
                if javascript:
                    make_every_chart_interactive(page)
                texts = measure(page)
                smallest = min((t.px for t in texts), default=float("nan"))
                clipped = sum(1 for t in texts if t.clipped)
                rows[path].append(f"{smallest:5.1f} [{clipped}]".ljust(11))
            context.close()
    for path, cells in rows.items():
        print(f"{'/' + path:12s}  {'  '.join(cells)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build this tree)")
    args = parser.parse_args()
    if args.site is not None:
        _report(args.site)
        return
    with tempfile.TemporaryDirectory() as tmp:
        result = run_mkdocs_build(Path(tmp))
        if result.returncode != 0:
            sys.exit(result.stderr)
        _report(Path(tmp))


if __name__ == "__main__":
    main()
