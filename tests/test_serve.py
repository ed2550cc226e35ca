"""`properdocs serve` watches the data: edit a number and the served page shows the recomputed
value; the pages show it first, and the pictures and the notebook follow in one more rebuild."""

from __future__ import annotations

import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.mkdocs_side.notebooks.plugin import FOLLOWING_TITLE
from testsupport.project import PROJECT, STUDY_FILE, copy_site_sources, engine_serving

pytestmark = pytest.mark.slow  # runs `properdocs serve` and waits for rebuilds


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, needle: str, seconds: float, *, absent: bool = False) -> str:
    deadline, last = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            last = _fetch(url)
            if (needle in last) != absent:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    state = "disappear from" if absent else "appear at"
    raise AssertionError(f"{needle!r} did not {state} {url} within {seconds} s")


def test_editing_the_data_file_updates_the_served_page(tmp_path: Path) -> None:
    project = copy_site_sources(tmp_path / "project")
    study = project / "study.yaml"
    study.write_text(STUDY_FILE.read_text())
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  - study-analysis:\n", "  - study-analysis:\n      study: study.yaml\n"
        )
    )
    with engine_serving(project) as url:
        _wait_for(url, "40.5% (15/37)", 90)
        study.write_text(
            study.read_text().replace(
                "numerator: 15\n    denominator: 37\n    percent: 40.5",
                "numerator: 16\n    denominator: 37\n    percent: 43.2",
            )
        )
        html = _wait_for(url, "43.2% (16/37)", 90)
        assert "40.5% (15/37)" not in html


def _rebuilds(log: Path) -> int:
    """How many builds the server has finished and reloaded the browsers for."""
    return log.read_text(encoding="utf-8").count("Reloading browsers")


def test_a_data_edit_shows_on_the_pages_first_and_the_rest_follows_in_one_rebuild(
    tmp_path: Path,
) -> None:
    # The package's own data file, as a writer edits it: a copy of the package, put first on
    # PYTHONPATH (as `make publish` does), so the notebook's inputs change too.
    project = copy_site_sources(tmp_path / "project")
    shutil.copytree(
        PROJECT / "analysis", project / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    study = project / "analysis" / "data" / "study.yaml"
    log = tmp_path / "serve.log"
    with engine_serving(project, log=log, PYTHONPATH=str(project)) as home:
        notebook = f"{home}notebooks/reproduce/"
        _wait_for(home, "40.5% (15/37)", 300)
        assert FOLLOWING_TITLE not in _fetch(notebook)
        before = _rebuilds(log)
        study.write_text(
            study.read_text().replace(
                "numerator: 15\n    denominator: 37\n    percent: 40.5",
                "numerator: 16\n    denominator: 37\n    percent: 43.2",
            )
        )
        _wait_for(home, "43.2% (16/37)", 300)
        # The notebook runs again only after the pages are written: meanwhile its page shows
        # the last executed copy and says so.
        assert FOLLOWING_TITLE in _fetch(notebook)
        _wait_for(notebook, FOLLOWING_TITLE, 300, absent=True)
        time.sleep(10)  # room for any further rebuild the edit would bring
        # One for the pages, one for what followed them (pictures and notebook together).
        assert _rebuilds(log) - before == 2, log.read_text(encoding="utf-8")[-3000:]
        executed = sorted((project / ".cache" / "notebooks").glob("*/notebooks/reproduce.ipynb"))
        assert len(executed) == 2  # before and after the edit


def test_a_study_of_reported_figures_is_watched_and_served_edited(tmp_path: Path) -> None:
    """The MLL03 example (a study file of the generic model, no code of its own), served as
    its editors serve it: an edit of a figure shows on the page that places it."""
    project = tmp_path / "mll03"
    shutil.copytree(PROJECT / "examples" / "mll03", project, ignore=shutil.ignore_patterns("site"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("../../.cache/example-mll03", ".cache/analysis"))
    study = project / "study.yaml"
    with engine_serving(project) as url:
        _wait_for(url, "a cohort of 62 infants", 90)
        study.write_text(study.read_text().replace("    value: 62\n", "    value: 63\n", 1))
        html = _wait_for(url, "a cohort of 63 infants", 90)
        assert "a cohort of 62 infants" not in html
