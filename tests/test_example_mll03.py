"""The MLL03 example site, built the way a person builds it (``make example``, strict): every
figure of its data file appears on a page, every check its figures allow ran, and no page holds
a placeholder left unfilled."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from analysis.figures.checks import check_figures
from analysis.figures.load import load_figures
from analysis.figures.values import check_key, figure_text
from testsupport.project import PROJECT, run_mkdocs_build

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
    """Each figure is placed by name in a sentence (``{{ value fig.NAME }}``) and shown on that
    page; the table of all figures (Results) does not count, as it lists every one."""
    docs = STUDY.parent / "docs"
    for figure in load_figures(STUDY).figures:
        placed = re.compile(r"\{\{\s*value\s+fig\." + re.escape(figure.name) + r"\s*\}\}")
        where = [p for p in docs.glob("*.md") if placed.search(p.read_text(encoding="utf-8"))]
        assert where, f"examples/mll03/study.yaml: no page places {figure.name}"
        for page in where:
            built = "index.html" if page.stem == "index" else f"{page.stem}/index.html"
            assert figure_text(figure) in example_site[built], (page.name, figure.name)


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


# Markdown and HTML a figure's text might hold, each of which the page would otherwise turn
# into markup: emphasis, code, a link to a script, raw HTML, an attribute list, a table cell
# break, an include of a file, a heading marker, an entity.
HOSTILE_LABEL = (
    '# *bold* __strong__ `code` [x](javascript:alert(1)) <b>b</b> {: onclick="alert(1)" } '
    'a | b --8<-- "mkdocs.yml" &amp; ![i](x.png)'
)


def test_a_figures_text_shows_as_typed_never_as_markup(tmp_path: Path) -> None:
    """A label and a title from the study file, full of Markdown and HTML, built strictly the
    way ``make example`` builds: the page shows the text exactly as typed and holds none of
    the markup it spells (values are pasted into Markdown, which would otherwise read it)."""
    site = tmp_path / "examples" / "mll03"
    shutil.copytree(PROJECT / "examples" / "mll03", site, ignore=shutil.ignore_patterns("site"))
    study = yaml.safe_load(STUDY.read_text(encoding="utf-8"))
    for figure in study["figures"]:
        if figure["name"] == "efs_4y":
            figure["label"] = HOSTILE_LABEL
    study["citation"]["title"] = "A *title* with _marks_"
    (site / "study.yaml").write_text(yaml.safe_dump(study, allow_unicode=True), "utf-8")
    done = run_mkdocs_build(tmp_path / "out", project=site)
    assert done.returncode == 0, done.stderr[-3000:]
    results = (tmp_path / "out" / "results" / "index.html").read_text(encoding="utf-8")
    item = re.search(r"<li>([^\n]*?) at 4 years", results)
    assert item is not None
    shown = re.sub(r"<[^>]+>", "", item.group(1))
    assert html.unescape(shown).strip() == HOSTILE_LABEL
    assert re.findall(r"<[^>]*>", item.group(1)) == []  # no element, no attribute: text only
    assert "site_name" not in results  # mkdocs.yml was not included
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<em>A *title* with _marks_</em>" in home
