"""The MLL03 example site, built the way a person builds it (``make example``, strict): every
figure of its data file appears on a page, every check its figures allow ran, and no page holds
a placeholder left unfilled."""

from __future__ import annotations

import html
import re
import subprocess

import pytest

from analysis.figures.checks import check_figures
from analysis.figures.load import load_figures
from analysis.figures.values import check_key, figure_text
from testsupport.project import PROJECT

STUDY = PROJECT / "examples" / "mll03" / "study.yaml"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("mll03") / "site"
    done = subprocess.run(
        ["make", "--no-print-directory", "example", f"EXAMPLE_SITE_DIR={out}"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pages = {}
    for page in out.rglob("index.html"):
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
        pages[str(page.relative_to(out))] = re.sub(r"\s+", " ", html.unescape(text))
    return pages


def test_every_page_of_the_nav_was_built(example_site: dict[str, str]) -> None:
    for page in (
        "index.html",
        "results/index.html",
        "checks/index.html",
        "allowed/index.html",
        "appraisal/index.html",
        "notes/index.html",
    ):
        assert page in example_site


def test_no_placeholder_is_left(example_site: dict[str, str]) -> None:
    for name, text in example_site.items():
        assert "{{" not in text, name


def test_every_figure_appears_on_a_page(example_site: dict[str, str]) -> None:
    everything = " ".join(example_site.values())
    for figure in load_figures(STUDY).figures:
        assert figure_text(figure) in everything, figure.name


def test_every_check_the_figures_allow_ran_and_is_shown(example_site: dict[str, str]) -> None:
    checks = example_site["checks/index.html"]
    results = check_figures(load_figures(STUDY))
    kinds = {(r.figures[0], check_key(r.check)) for r in results}
    assert {("age_hr", "wald_p"), ("efs_4y", "ci_transform"), ("os_4y", "ci_transform")} <= kinds
    for r in results:
        assert r.detail in checks, r
    allowed = example_site["allowed/index.html"]
    assert "n = 62" in checks
    assert "does not state the denominator" in checks
    assert "not reconstructed" in allowed


def test_citation_and_what_is_not_verified(example_site: dict[str, str]) -> None:
    home = example_site["index.html"]
    assert "10.1038/leu.2014.172" in home
    assert "PMID: not found in the sources checked here" in home


def test_pages_hold_no_typed_number() -> None:
    """Every number on the example's pages is placed from its data file; the trial's name is
    the only run of digits a page may type."""
    for page in (PROJECT / "examples" / "mll03" / "docs").glob("*.md"):
        text = re.sub(r"\{\{.*?\}\}", "", page.read_text(encoding="utf-8"))
        typed = re.findall(r"\d+", text.replace("MLL03", ""))
        assert not typed, (page.name, typed)
