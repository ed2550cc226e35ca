"""Every built page is valid HTML to the W3C Nu HTML Checker, but for the theme's own errors.

The checker (``vnu.jar`` from npm's ``vnu-jar``, installed by ``make test`` into
``node_modules/``) runs once over every page of the site and of a bare Material site built with
the same theme settings, so the errors the theme itself produces are known from that build, not
assumed: each one is listed in ``THEME_ERRORS`` with why it cannot be fixed here, and the list
must match what the bare theme produces.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import yaml
from mkdocs.utils.yaml import yaml_load

from analysis.mkdocs_side.notebooks.page import clean_notebook_html
from testsupport.project import PROJECT, run_mkdocs_build

# Runs the Nu HTML Checker (Java) over every page, and builds a bare site.
pytestmark = pytest.mark.slow

VNU_JAR = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Errors of Material for MkDocs itself, each the start of the checker's message, with why the
# site leaves it alone. test_theme_errors_are_exactly_those_of_a_bare_material_site keeps this
# list honest: an entry the bare theme no longer produces, or a new theme error, fails it.
THEME_ERRORS = {
    "Attribute “autocomplete” is only allowed when the input type is": (
        'Material\'s base.html writes autocomplete="off" on the hidden checkboxes that open the '
        "navigation drawer and the search (`__drawer`, `__search`) so that Firefox does not "
        "restore them open after back-navigation; removing it would mean overriding the whole "
        "base template, which would drift from the theme on every upgrade."
    ),
}


def _theme_error(message: str) -> str | None:
    return next((prefix for prefix in THEME_ERRORS if message.startswith(prefix)), None)


def _bare_theme_site(folder: Path) -> Path:
    """A two-page site with the project's theme settings and no custom templates or plugins."""
    config = yaml_load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))
    theme = {k: v for k, v in config["theme"].items() if k != "custom_dir"}
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Bare theme\n\nA paragraph.\n", "utf-8")
    (folder / "docs" / "other.md").write_text("# Other page\n\n## A section\n\nText.\n", "utf-8")
    bare = {
        "site_name": "Bare Material site",
        "site_url": "http://127.0.0.1:8000/",
        "theme": theme,
        "plugins": ["search"],
    }
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(bare, allow_unicode=True), "utf-8")
    site = folder / "site"
    result = run_mkdocs_build(site, project=folder)
    assert result.returncode == 0, result.stderr
    return site


def _vnu_errors(pages: list[Path]) -> list[tuple[Path, str]]:
    """(page, message) for every error the checker reports; one run of the checker for all."""
    java = shutil.which("java")
    if java is None:
        pytest.skip(
            "Java is not installed: the Nu HTML Checker (vnu.jar) needs Java 17 "
            "(Debian: apt-get install default-jre-headless)"
        )
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: run `make node_modules/.installed`"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stderr)  # vnu writes its JSON report to stderr
    errors = []
    for message in report["messages"]:
        assert message["type"] == "error", message  # e.g. a non-document error: a missing file
        path = Path(message["url"].removeprefix("file:"))
        errors.append((path, f"line {message.get('lastLine', '?')}: {message['message']}"))
    return errors


@pytest.fixture(scope="module")
def checked(
    built_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, list[tuple[Path, str]]]:
    bare = _bare_theme_site(tmp_path_factory.mktemp("bare-theme"))
    pages = sorted(built_site.rglob("*.html")) + sorted(bare.rglob("*.html"))
    return built_site, bare, _vnu_errors(pages)


def test_every_built_page_has_no_html_error_of_the_sites_own(
    checked: tuple[Path, Path, list[tuple[Path, str]]],
) -> None:
    site, _, errors = checked
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 15, "the site build produced fewer pages than expected"
    own = [
        f"{path.relative_to(site)} {message}"
        for path, message in errors
        if path.is_relative_to(site) and _theme_error(message.split(": ", 1)[1]) is None
    ]
    assert not own, "HTML errors of the site's own making:\n" + "\n".join(own)


def test_theme_errors_are_exactly_those_of_a_bare_material_site(
    checked: tuple[Path, Path, list[tuple[Path, str]]],
) -> None:
    _, bare, errors = checked
    bare_messages = [m.split(": ", 1)[1] for path, m in errors if path.is_relative_to(bare)]
    unlisted = sorted({m for m in bare_messages if _theme_error(m) is None})
    assert not unlisted, (
        "the bare theme produces errors THEME_ERRORS does not list (add each, with why it "
        "cannot be fixed here):\n" + "\n".join(unlisted)
    )
    seen = Counter(_theme_error(m) for m in bare_messages)
    stale = [prefix for prefix in THEME_ERRORS if not seen[prefix]]
    assert not stale, f"the bare theme no longer produces these; remove them: {stale}"


NOTEBOOK_BODY = """\
<style type="text/css">.jp-Cell { margin: 0; }</style>
<style>
  .jp-Mermaid:not(.jp-RenderedMermaid) { display: none; }
</style>
<div class="jupyter-wrapper">
<div class="zeroclipboard-container">
<clipboard-copy for="cell-1", aria-label="Copy to Clipboard"><div>copy</div></clipboard-copy>
</div>
<div><style scoped>
    .dataframe thead th { text-align: right; }
</style><table class="dataframe"><tr><td>1</td></tr></table></div>
<div><style scoped>
    .dataframe thead th { text-align: right; }
</style><table class="dataframe"><tr><td>2</td></tr></table></div>
</div>
        <style>
        ['pre { line-height: 125%; }\\ntd.linenos .normal { color: inherit; }']
        </style>
"""


def test_a_notebook_body_keeps_no_style_element_and_its_css_moves_to_a_file() -> None:
    page = clean_notebook_html(NOTEBOOK_BODY)
    assert "<style" not in page.html
    assert page.css_name.startswith("assets/notebook-")
    assert page.css_name.endswith(".css")
    # Each distinct block once, in document order; the str() of a Python list is not CSS.
    assert page.css.index(".jp-Cell") < page.css.index(".jp-Mermaid") < page.css.index(".dataframe")
    assert page.css.count(".dataframe thead th") == 1
    assert "line-height: 125%" not in page.css
    assert page.html.count('<table class="dataframe">') == 2


def test_a_notebook_copy_button_gets_the_role_its_label_needs_and_loses_the_stray_comma() -> None:
    html = clean_notebook_html(NOTEBOOK_BODY).html
    assert (
        '<clipboard-copy for="cell-1" aria-label="Copy to Clipboard" role="button" tabindex="0">'
        in html
    )
