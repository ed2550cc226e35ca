"""Page-weight and Lighthouse benchmark for chart pages, as ratios against the bare theme.

For every page of the built site that holds a chart (found from the built HTML, see
``chart_pages``) it loads, in Debian's Chromium, (a) our page and (b) the *bare*
mkdocs-material page of the same Markdown (analysis plugin removed, placeholders stripped; see
build_time.py), records every response before any interaction, and sums their gzip sizes
(HTML + CSS + JS + anything else fetched). It also reports the lazily loaded chart runtime's gzip
size and, when ``npx lighthouse`` is available, the Lighthouse mobile scores of both pages.
Targets: bytes ≤ 1.3× bare; runtime ≤ 320 KB gzip; Lighthouse perf ≥ 95, a11y 100,
best practices 100, SEO ≥ 95.

Lighthouse diagnostics are printed beside the scores: DOM size, main-thread work, TBT, LCP.

Usage: ``python benchmarks/page_weight.py [--no-lighthouse] [--no-bare-lighthouse] [--runs N]``

The pages are served gzip-encoded, as GitHub Pages serves them
(``testsupport.serving.serve_directory``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from build_time import _copy

from testsupport.browser import CHROMIUM, chromium
from testsupport.chart_text import chart_pages as find_chart_pages
from testsupport.serving import serve_directory


def chart_pages(site: Path) -> dict[str, str]:
    """Every page of the built ``site`` that holds a chart: name -> path relative to the root.

    Found from the built HTML (the chart markup, as ``testsupport.chart_text`` finds it), not a
    typed list, so a page that gains a chart is measured without editing this file. Stops if the
    site holds no chart page at all: the markup changed and the benchmark would measure nothing.
    """
    pages = {(p.rstrip("/").replace("/", " ").title() or "Home"): p for p in find_chart_pages(site)}
    if not pages:
        raise SystemExit(
            f"{site}: no page holds a chart (figure.study-chart); expected at least one chart "
            "page (did the chart markup change?)"
        )
    return pages


def _build(project: Path, site: Path, url: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    env.update({"STUDY_GIT_DATES": "false", "SITE_URL": url})
    subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "-f", "mkdocs.yml", "-q", "-d", str(site)],
        cwd=project,
        env=env,
        check=True,
    )


LAZY = ("vega-runtime.js", ".vg.json")  # fetched on demand when a chart comes into view


def _weigh(url: str) -> tuple[int, int]:
    """gzip bytes fetched by load, before any interaction: (page itself, lazily loaded charts)."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 412, "height": 860})
        bodies: list[tuple[str, bytes]] = []
        page.on("response", lambda r: bodies.append((r.url, r.body())) if r.ok else None)
        page.goto(url)
        page.wait_for_load_state("networkidle")
    size = {u: len(gzip.compress(body, 9)) for u, body in bodies}
    lazy = sum(v for u, v in size.items() if u.endswith(LAZY))
    return sum(size.values()) - lazy, lazy


METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "speed-index": "SI",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
}


def _lighthouse_once(url: str, work: Path) -> dict[str, object] | None:
    out = work / "report.json"
    out.unlink(missing_ok=True)
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
    result = subprocess.run(
        [
            str(work / "node_modules" / ".bin" / "lighthouse"),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--chrome-flags={flags}",
        ],
        cwd=work,
        env=env,
        check=False,
        capture_output=True,
    )
    if result.returncode != 0 or not out.exists():
        return None
    report = json.loads(out.read_text())
    scores = {k: round(100 * v["score"]) for k, v in report["categories"].items() if v["score"]}
    audits = report["audits"]
    metrics = {short: audits[key]["displayValue"] for key, short in METRICS.items()}
    metrics["DOM"] = audits["dom-size"].get("displayValue", "?")
    metrics["main thread"] = audits["mainthread-work-breakdown"].get("displayValue", "?")
    breakdown = audits["mainthread-work-breakdown"].get("details", {}).get("items", [])
    metrics["main-thread breakdown"] = " / ".join(
        f"{item['groupLabel']} {item['duration']:.0f} ms" for item in breakdown[:4]
    )
    return {"scores": scores, "metrics": metrics}


def _lighthouse(url: str, work: Path, runs: int) -> dict[str, object] | None:
    """Lighthouse mobile preset, ``runs`` times; the run with the median performance score.

    Lighthouse's own guidance is to take the median of several runs: single scores swing by
    several points on a busy 2-core machine.
    """
    if shutil.which("npx") is None:
        return None
    if not (work / "node_modules" / ".bin" / "lighthouse").exists():
        done = subprocess.run(["npm", "install", "--silent", "lighthouse"], cwd=work, check=False)
        if done.returncode != 0:
            return None
    reports = [r for r in (_lighthouse_once(url, work) for _ in range(runs)) if r is not None]
    if not reports:
        return None
    reports.sort(key=lambda r: r["scores"]["performance"])  # type: ignore[index]
    median = reports[len(reports) // 2]
    median["all_performance"] = [r["scores"]["performance"] for r in reports]  # type: ignore[index]
    return median


def _describe(report: dict[str, object]) -> str:
    metrics = ", ".join(f"{k} {v}" for k, v in report["metrics"].items())  # type: ignore[attr-defined]
    return f"{report['scores']} ({metrics}; performance of each run {report['all_performance']})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument(
        "--no-bare-lighthouse",
        action="store_true",
        help="run Lighthouse on our pages only (halves the time; bytes are still compared)",
    )
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument(
        "--no-gzip", action="store_true", help="serve files uncompressed (no real host does)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ours, bare = _copy(root / "ours", bare=False), _copy(root / "bare", bare=True)
        (root / "ours-site").mkdir()
        (root / "bare-site").mkdir()
        lh_dir = Path(os.environ.get("LIGHTHOUSE_DIR", root / "lighthouse"))
        lh_dir.mkdir(exist_ok=True)
        with (
            serve_directory(root / "ours-site", compress=not args.no_gzip) as ours_url,
            serve_directory(root / "bare-site", compress=not args.no_gzip) as bare_url,
        ):
            _build(ours, root / "ours-site", ours_url)
            _build(bare, root / "bare-site", bare_url)
            runtime = (root / "ours-site" / "javascripts" / "vega-runtime.js").read_bytes()
            print(
                f"chart runtime: {len(gzip.compress(runtime, 9)) / 1024:.0f} KB gzip "
                f"(loaded lazily, once per visit; target <= 320 KB)"
            )
            pages = chart_pages(root / "ours-site")
            print(f"chart pages found in the built site: {', '.join(pages)}")
            for name, path in pages.items():
                ours_bytes, lazy = _weigh(ours_url + path)
                bare_bytes, _ = _weigh(bare_url + path)
                print(
                    f"{name:8s} before interaction: ours {ours_bytes / 1024:6.1f} KB, "
                    f"bare {bare_bytes / 1024:6.1f} KB gzip -> {ours_bytes / bare_bytes:.2f}x "
                    f"(target <= 1.3); plus {lazy / 1024:.0f} KB chart runtime/specs on demand "
                    "for charts in the first screen"
                )
                if not args.no_lighthouse:
                    ours_lh = _lighthouse(ours_url + path, lh_dir, args.runs)
                    if ours_lh is None:
                        print(f"{name:8s} Lighthouse: could not run here")
                        continue
                    print(f"{name:8s} Lighthouse ours {_describe(ours_lh)}")
                    if not args.no_bare_lighthouse:
                        bare_lh = _lighthouse(bare_url + path, lh_dir, args.runs)
                        if bare_lh is not None:
                            print(f"{name:8s} Lighthouse bare {_describe(bare_lh)}")


if __name__ == "__main__":
    main()
