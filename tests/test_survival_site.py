"""The patient-level view on the built site: labelled pages, the notebook, and real data."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.mkdocs_side.notebook import execute_notebook

from .conftest import PROJECT, copy_site_sources, run_mkdocs_build

LABEL = "Reconstructed from published summary numbers, not patient data"
SYNTHETIC = PROJECT / "tests" / "data" / "patients_synthetic.csv"
NOTEBOOK = PROJECT / "docs" / "notebooks" / "reproduce.ipynb"


@pytest.mark.slow
def test_survival_page_shows_labelled_charts_and_a_passing_fidelity_table(built_site: Path) -> None:
    html = (built_site / "survival" / "index.html").read_text(encoding="utf-8")
    for name in ("survival_km", "survival_envelope", "survival_by_remission"):
        chart = re.search(
            rf'<figure class="study-chart" id="chart-{name}".*?</figure>', html, re.DOTALL
        )
        assert chart, name
        assert LABEL in chart.group(0), name
    fidelity = re.search(r'id="table-survival_fidelity".*?</figure>', html, re.DOTALL)
    assert fidelity
    assert LABEL in fidelity.group(0)
    assert "✓ pass" in fidelity.group(0)
    assert "✗" not in fidelity.group(0)


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def _figure(html: str, kind: str, name: str) -> str:
    found = re.search(
        rf'<figure class="study-{kind}" id="{kind}-{name}".*?</figure>', html, re.DOTALL
    )
    assert found, name
    return found.group(0)


@pytest.mark.slow
def test_survival_page_shows_the_allowed_band_and_each_named_assumption(built_site: Path) -> None:
    html = (built_site / "survival" / "index.html").read_text(encoding="utf-8")
    spec = json.loads(
        (built_site / "downloads/charts/reconstructed-survival_envelope.vl.json").read_text()
    )
    legend = json.dumps(spec)
    assert "Allowed by the published numbers (exact" in legend
    for label in ("constant hazard", "early-heavy hazard", "late-heavy hazard"):
        assert f"Assumed: {label}" in legend
        assert f"Assumed: {label}" in _figure(html, "chart", "survival_envelope")
    # The 12-month allowed range is in the page text and in the CSV.
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert "allow any overall survival from 25.6%–100.0% (10/39 to 39/39 patients alive)" in text
    rows = _rows(built_site / "downloads/tables/reconstructed-survival_scenarios.csv")
    allowed12 = next(r for r in rows if r["kind"] == "allowed" and float(r["months"]) == 12)
    assert float(allowed12["lower"]) == pytest.approx(10 / 39)
    assert float(allowed12["upper"]) == pytest.approx(1.0)
    kinds = {r["band"]: r["assumption"] for r in rows if r["kind"] == "scenario"}
    assert len(kinds) == 4
    assert all(kinds.values())


@pytest.mark.slow
def test_the_p_value_is_shown_as_multivariate_and_hazard_ratios_as_illustrations(
    built_site: Path,
) -> None:
    html = (built_site / "survival" / "index.html").read_text(encoding="utf-8")
    fidelity = _figure(html, "table", "survival_fidelity")
    assert "P = 0.01, multivariate (cannot be reproduced from summary numbers)" in fidelity
    assert "not checked" in fidelity
    assert "Log-rank P, no remission" not in fidelity
    models = _figure(html, "table", "survival_models")
    assert "illustrations of what the scenario assumes, not findings" in models
    assert "univariate P filter" in models


@pytest.mark.slow
def test_every_reconstructed_download_says_so_in_its_name_and_its_rows(built_site: Path) -> None:
    downloads = built_site / "downloads"
    for name in ("survival_cohort", "survival_fidelity", "survival_models", "survival_scenarios"):
        assert not (downloads / "tables" / f"{name}.csv").exists(), name
        frame = _rows(downloads / f"tables/reconstructed-{name}.csv")
        assert {r["data_source"] for r in frame} == {LABEL}, name
    for name in ("survival_km", "survival_envelope", "survival_by_remission"):
        assert not (downloads / "charts" / f"{name}.csv").exists(), name
        frame = _rows(downloads / f"charts/reconstructed-{name}.csv")
        assert {r["data_source"] for r in frame} == {LABEL}, name
    data_page = (built_site / "data" / "index.html").read_text(encoding="utf-8")
    assert "nothing more" not in data_page
    assert "computed from three data files" in data_page
    assert "downloads/tables/reconstructed-survival_cohort.csv" in data_page


@pytest.mark.slow
def test_remission_comparison_starts_at_the_landmark_with_the_caveat_on_prognosis(
    built_site: Path,
) -> None:
    html = (built_site / "survival" / "index.html").read_text(encoding="utf-8")
    chart = _figure(html, "chart", "survival_by_remission")
    assert "from the 2-month landmark" in chart
    prognosis = " ".join(
        re.sub(r"<[^>]+>", "", (built_site / "prognosis" / "index.html").read_text()).split()
    )
    assert "guarantee-time bias" in prognosis
    assert "landmark of 2 months" in prognosis


@pytest.mark.slow
def test_notebook_page_renders_outputs_without_cdn_and_under_200_kb(built_site: Path) -> None:
    page = built_site / "notebooks" / "reproduce" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert page.stat().st_size <= 200_000
    assert html.count("<svg") >= 2
    assert LABEL in html
    assert not re.search(r'<script[^>]+src="(https?:)?//', html)
    assert "cdnjs" not in html
    assert "jsdelivr" not in html
    assert 'src=""' not in html
    css = re.search(
        r'<link rel="stylesheet" href="(\.\./\.\./assets/notebook-[0-9a-f]+\.css)">', html
    )
    assert css
    assert (page.parent / css.group(1)).resolve().is_file()


@pytest.mark.slow
def test_notebook_executes_without_errors(tmp_path: Path) -> None:
    out = tmp_path / "reproduce.ipynb"
    execute_notebook(NOTEBOOK, out)
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs)


def _project_copy(tmp_path: Path) -> Path:
    project = copy_site_sources(tmp_path / "project")
    return project


@pytest.mark.slow
def test_patient_file_replaces_the_reconstruction_and_warm_rebuild_skips_the_work(
    tmp_path: Path,
) -> None:
    project = _project_copy(tmp_path)
    data = tmp_path / "patients_synthetic.csv"
    shutil.copy(SYNTHETIC, data)
    env = {"STUDY_PATIENTS_FILE": str(data)}
    first = run_mkdocs_build(tmp_path / "site1", project=project, extra_env=env)
    assert first.returncode == 0, first.stderr
    survival = (tmp_path / "site1" / "survival" / "index.html").read_text(encoding="utf-8")
    assert "Patient-level data from patients_synthetic.csv" in survival
    assert LABEL not in survival
    notebook = (tmp_path / "site1" / "notebooks" / "reproduce" / "index.html").read_text()
    assert "Patient-level data from patients_synthetic.csv" in notebook
    # Unchanged inputs: a rebuild must neither reconstruct/fit nor execute the notebook.
    # (mkdocs-jupyter itself imports nbclient, so the notebook is checked via its cache.)
    executed = {p: p.stat().st_mtime_ns for p in (project / ".cache" / "notebooks").rglob("*")}
    poison = tmp_path / "poison" / "lifelines"
    poison.mkdir(parents=True)
    (poison / "__init__.py").write_text("raise ImportError('lifelines imported')\n")
    second = run_mkdocs_build(
        tmp_path / "site2", project=project, extra_env={**env, "PYTHONPATH": str(poison.parent)}
    )
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "site2" / "survival" / "index.html").read_text() == survival
    after = {p: p.stat().st_mtime_ns for p in (project / ".cache" / "notebooks").rglob("*")}
    assert after == executed


@pytest.mark.slow
def test_bad_patient_file_stops_the_build_naming_row_and_column(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    lines = SYNTHETIC.read_text(encoding="utf-8").splitlines()
    lines[3] = (
        lines[3].replace(",0,", ",2,", 1)
        if ",0," in lines[3]
        else lines[3].replace(",1,", ",2,", 1)
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_mkdocs_build(
        tmp_path / "site", project=project, extra_env={"STUDY_PATIENTS_FILE": str(bad)}
    )
    assert result.returncode != 0
    assert "bad.csv:4" in result.stderr
    assert "field 'death'" in result.stderr
    assert "expected 0 or 1" in result.stderr
    assert not (tmp_path / "site" / "survival" / "index.html").exists()


@pytest.mark.slow
def test_a_notebook_cell_that_fails_stops_the_build_naming_the_notebook(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    notebook = project / "docs" / "notebooks" / "reproduce.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('this cell fails')"))
    nbformat.write(nb, notebook)
    result = run_mkdocs_build(tmp_path / "site", project=project)
    assert result.returncode != 0
    assert "docs/notebooks/reproduce.ipynb: notebook execution failed" in result.stderr
    assert "this cell fails" in result.stderr
    assert not list((tmp_path / "site").rglob("*.html"))  # nothing published
