"""The page-weight benchmark measures every chart page of the built site, found from the HTML."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from testsupport.chart_text import chart_pages as find_chart_pages

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "page_weight.py"


def _chart_pages_of(site: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import runpy, sys; ns = runpy.run_path(sys.argv[1]); "
        "import json, pathlib; print(json.dumps(ns['chart_pages'](pathlib.Path(sys.argv[2]))))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(SCRIPT), str(site)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_benchmark_finds_every_chart_page_of_the_built_site(built_site: Path) -> None:
    done = _chart_pages_of(built_site)
    assert done.returncode == 0, done.stderr
    pages: dict[str, str] = json.loads(done.stdout)
    # Every page with a chart and no other: more than the two pages the benchmark once typed.
    assert sorted(pages.values()) == find_chart_pages(built_site)
    assert {"results/", "survival/", "checks/", "context/"} <= set(pages.values())
    assert pages["Survival"] == "survival/"
    for path in pages.values():
        html = (built_site / path / "index.html").read_text(encoding="utf-8")
        assert 'class="study-chart"' in html, path


def test_the_benchmark_stops_when_the_site_has_no_chart_page(tmp_path: Path) -> None:
    (tmp_path / "about").mkdir()
    (tmp_path / "about" / "index.html").write_text("<p>No chart here</p>", encoding="utf-8")
    done = _chart_pages_of(tmp_path)
    assert done.returncode != 0
    assert "no page holds a chart" in done.stderr
