"""This site, built as `make build` builds it (strict): every page of the nav was built, no
placeholder of the engine is left unfilled, every figure of study.yaml is placed by name in a
page's prose, every check its figures allow ran and is shown, and no page types a number of its
own."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.figures.checks import check_figures
from analysis.figures.load import load_figures
from analysis.figures.values import figure_text

PROJECT = Path(__file__).resolve().parents[1]
STUDY = PROJECT / "study.yaml"


@pytest.fixture(scope="module")
def html_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The HTML of every built page, by its path in the site."""
    out = tmp_path_factory.mktemp("site") / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0")}
    done = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "-f", "mkdocs.yml", "--strict", "-d", out],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("index.html")}


@pytest.fixture(scope="module")
def site(html_pages: dict[str, str]) -> dict[str, str]:
    """The text of every built page as a reader sees it, by its path in the site."""
    pages = {}
    for name, page in html_pages.items():
        text = re.sub(r"<[^>]+>", " ", page)
        pages[name] = re.sub(r"\s+", " ", html.unescape(text))
    return pages


def built_path(page: str) -> str:
    """Where the build writes a nav page: ``a.md`` to ``a/index.html``, ``b/index.md`` to
    ``b/index.html``."""
    stem = page.removesuffix(".md")
    return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"


def test_every_page_of_the_nav_was_built(site: dict[str, str]) -> None:
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.load(config, Loader=yaml.BaseLoader)["nav"]  # BaseLoader: no !ENV constructor
    for entry in nav:
        page = next(iter(entry.values()))
        assert built_path(page) in site, f"mkdocs.yml: nav page {page} was not built"


def test_no_placeholder_is_left(site: dict[str, str]) -> None:
    citation = load_figures(STUDY).citation
    texts = [] if citation is None else [citation.title, citation.journal, *citation.authors]
    for name, page in site.items():
        text = page
        for typed in texts:  # the paper's own text may hold braces; it is not a placeholder
            text = text.replace(typed, "")
        left = re.search(r"\{\{\s*(value|table|chart)\s+[^}]*\}\}", text)
        assert left is None, f"{name}: {left and left.group(0)} was not filled"


def test_every_figure_appears_on_a_page(site: dict[str, str]) -> None:
    """Each figure is placed by name in a page's prose (``{{ value fig.NAME }}``), and that page
    shows it. The table of every figure (``fig_figures``) does not count: it lists them all, so
    a figure no sentence mentions would pass unseen."""
    docs = PROJECT / "docs"
    pages = {
        page.relative_to(docs).as_posix(): page.read_text(encoding="utf-8")
        for page in sorted(docs.rglob("*.md"))
        if page.relative_to(docs).parts[0] != "notes"
    }
    unplaced = []
    for figure in load_figures(STUDY).figures:
        placed = re.compile(r"\{\{\s*value\s+fig\." + re.escape(figure.name) + r"\s*\}\}")
        where = [name for name, text in pages.items() if placed.search(text)]
        if not where:
            unplaced.append(figure.name)
        for name in where:
            shown = site.get(built_path(name), "")
            assert figure_text(figure) in shown, (
                f"docs/{name}: {figure.name} is placed but not shown"
            )
    assert not unplaced, (
        "study.yaml: no page places "
        + ", ".join(unplaced)
        + "; write {{ value fig.NAME }} in a sentence of a page in docs/"
    )


def test_every_check_the_figures_allow_ran_and_is_shown(site: dict[str, str]) -> None:
    results = check_figures(load_figures(STUDY))
    assert results, "study.yaml: its figures allow no check"
    checks = site["checks/index.html"]
    for r in results:
        assert r.detail in checks, f"checks.md does not show the check {r}"


# A run of digits that is a number of its own: not the end of a name such as MLL96, CD19 or
# Interfant-99 (digits right after a letter, or a letter and a hyphen).
TYPED_NUMBER = re.compile(r"(?<![A-Za-z\d])(?<![A-Za-z]-)\d+(?:[.,]\d+)*")


def test_pages_hold_no_typed_number() -> None:
    """Every number on a page is placed from study.yaml by name (notes are readers' text)."""
    docs = PROJECT / "docs"
    found = {}
    for page in sorted(docs.rglob("*.md")):
        if page.relative_to(docs).parts[0] == "notes":
            continue
        text = re.sub(r"\{\{.*?\}\}", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        typed = TYPED_NUMBER.findall(text)
        if typed:
            found[page.relative_to(PROJECT).as_posix()] = typed
    assert not found, (
        "pages type numbers of their own; place each from study.yaml by name "
        "({{ value fig.NAME }}); digits inside a name, such as MLL96 or CD19, are allowed:\n"
        + "\n".join(f"  {page}: {', '.join(typed)}" for page, typed in found.items())
    )


def test_the_papers_text_shows_as_typed_never_as_markup(
    html_pages: dict[str, str], site: dict[str, str]
) -> None:
    """The citation (study.yaml) and the site's name (mkdocs.yml) reach the HTML escaped: a
    title with < or & shows those characters, and never adds an element to the page."""
    citation = load_figures(STUDY).citation
    assert citation is not None
    assert citation.title in site["index.html"], "index.md: the title is not on the home page"
    texts = [citation.title, citation.journal, *citation.authors]
    for name, page in html_pages.items():
        for text in texts:
            if any(c in text for c in "<>&"):
                assert text not in page, f"{name}: {text!r} is in the HTML unescaped"
