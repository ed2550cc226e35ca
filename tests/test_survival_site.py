"""The patient-level view on the built site: labelled pages, the notebook, and real data."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.child_side.notebook import execute_notebook
from analysis.patient_level.allowed import loss_search
from analysis.patient_level.scenarios import SCENARIOS
from analysis.study.load import load_study
from testsupport.found import some
from testsupport.project import PROJECT, copy_site_sources, run_mkdocs_build

LABEL = "Reconstructed from published summary numbers, not patient data"
SYNTHETIC = PROJECT / "tests" / "data" / "patients_synthetic.csv"
NOTEBOOK = PROJECT / "docs" / "notebooks" / "reproduce.ipynb"


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
    assert set(kinds) == {sc.label for sc in SCENARIOS}
    assert all(kinds.values())


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


def test_every_reconstructed_download_says_so_in_its_name_and_its_rows(built_site: Path) -> None:
    downloads = built_site / "downloads"
    for name in (
        "survival_cohort",
        "survival_fidelity",
        "survival_models",
        "survival_scenarios",
        "clinical_rules",  # checked on the cohorts, so made from them
    ):
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


@pytest.mark.slow  # executes the notebook
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


@pytest.mark.slow  # two builds of its own
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
    cached = some((project / ".cache" / "notebooks").rglob("*"), "executed notebook files")
    executed = {p: p.stat().st_mtime_ns for p in cached}
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


@pytest.mark.slow  # a build of its own
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


@pytest.mark.slow  # a build of its own
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


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<svg.*?</svg>", " ", html, flags=re.DOTALL)
    html = re.sub(r"<table data-search-exclude>.*?</table>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&quot;", '"').split())


def _page(built_site: Path, name: str) -> str:
    return _text((built_site / name / "index.html").read_text(encoding="utf-8"))


def test_survival_states_the_conditions_of_the_exact_range_where_it_states_it(
    built_site: Path,
) -> None:
    text = _page(built_site, "survival")
    assert "up to four losses" not in text
    start = text.index("The outer band is exact")
    section = text[start : text.index("The inner bands are assumptions", start)]
    # The search over every order of deaths and losses, run here on the published numbers.
    truncated = loss_search(39, (25.55, 25.65), (6.9, 7.0))
    assert truncated.only_without_losses
    assert "with any number of losses" in section
    assert f"at least {truncated.min_se_with_loss:.2f}%" in section
    peto = loss_search(39, (25.55, 25.65), (6.9, 7.0), variance="peto")
    assert f"at least {peto.min_se_with_loss:.2f}% with a loss" in section
    assert loss_search(39, (25.55, 25.65), (6.85, 6.95)).matches == ()
    assert "read as rounded (any error from 6.85% to just under 6.95%), no order" in section
    for fewer in (37, 38):
        assert loss_search(fewer, (25.55, 25.65), (6.9, 7.0)).matches == ()
    assert "with 37 or 38 at time 0, no order gives them either" in section
    for condition in (
        "Greenwood standard error",
        "truncated",
        "all 39 patients enter at time 0, the start of second-line treatment",
        "The floor up to the landmark comes from this site's landmark",
        "which this site reads as the median follow-up of the survivors",
    ):
        assert condition in section, condition
    intro = text[: text.index("How the cohorts are built")]
    assert "it is all the abstract itself says" not in intro
    assert "exact under the conditions stated" in intro


def _title_lines(spec: dict) -> list[str]:
    text = spec["vconcat"][0]["title"]["text"] if "vconcat" in spec else spec["title"]["text"]
    return text if isinstance(text, list) else [text]


def test_every_synthetic_chart_names_its_scenario_in_its_title_in_every_download(
    built_site: Path,
) -> None:
    charts = built_site / "downloads" / "charts"
    shown = SCENARIOS[0].title  # the shown cohort's scenario
    for name in ("survival_km", "survival_by_remission", "survival_envelope"):
        spec = json.loads((charts / f"reconstructed-{name}.vl.json").read_text())
        lines = _title_lines(spec)
        title = " ".join(lines)
        assert "synthetic" in title, name
        if name == "survival_envelope":
            assert "the patients not evaluated died before the landmark" in title
        else:
            assert shown in title, name
        svg = (charts / f"reconstructed-{name}.svg").read_text(encoding="utf-8")
        for line in lines:  # the SVG (and the PNG, drawn from the same spec) shows it
            assert f">{line}<" in svg.replace("&#39;", "'"), (name, line)


def _time_domains(node) -> set[tuple[float, float]]:
    """The scale domains of every encoding of the ``months`` field in a Vega-Lite spec."""
    found: set[tuple[float, float]] = set()
    if isinstance(node, dict):
        if node.get("field") == "months" and "domain" in node.get("scale", {}):
            found.add(tuple(node["scale"]["domain"]))
        for value in node.values():
            found |= _time_domains(value)
    elif isinstance(node, list):
        for value in node:
            found |= _time_domains(value)
    return found


def test_synthetic_curves_stop_at_5_years(built_site: Path) -> None:
    charts = built_site / "downloads" / "charts"
    for name, end in (
        ("survival_km", 60),
        ("survival_by_remission", 58),
        ("survival_envelope", 60),
    ):
        rows = _rows(charts / f"reconstructed-{name}.csv")
        assert max(float(r["months"]) for r in rows) == end, name
        spec = json.loads((charts / f"reconstructed-{name}.vl.json").read_text())
        domains = _time_domains(spec)
        assert domains, name
        assert domains == {(0, end)}, (name, domains)


def _cohort(built_site: Path) -> list[dict[str, str]]:
    return _rows(built_site / "downloads" / "tables" / "reconstructed-survival_cohort.csv")


def test_the_downloaded_cohort_holds_only_patients_who_could_exist(built_site: Path) -> None:
    study = load_study()
    first, last = study.design.enrolment_years
    middle = (dt.date(last, 12, 31) - dt.date(first, 1, 1)).days / 2 / 365.25 * 12
    # The median first remission and follow-up, from the abstract (study.yaml).
    fr, fu = study.figure("first_remission"), study.figure("follow_up")
    cutoff = middle + fr.value + fu.value * (12 if fu.unit == "years" else 1)
    for p in _cohort(built_site):
        months, fr = float(p["months"]), float(p["first_remission_months"])
        if p["first_event"] == "relapse":
            assert fr >= 1, p
        assert months <= cutoff - fr, p
        if p["transplant"] == "none":
            assert p["transplant_months"] == "", p
        else:
            assert 2 < float(p["transplant_months"]) <= min(months, 12), p


def test_the_landmark_illustration_says_it_cannot_show_the_bias(built_site: Path) -> None:
    from lifelines.statistics import logrank_test

    rows = _cohort(built_site)
    t = [float(r["months"]) for r in rows]
    d = [int(r["death"]) for r in rows]

    def p_value(group_a, group_b, shift=0.0) -> float:
        a = [i for i, r in enumerate(rows) if group_a(r) and t[i] > shift]
        b = [i for i, r in enumerate(rows) if group_b(r) and t[i] > shift]
        return logrank_test(
            [t[i] - shift for i in a],
            [t[i] - shift for i in b],
            [d[i] for i in a],
            [d[i] for i in b],
        ).p_value

    def no(r) -> bool:
        return r["salvage_remission"] == "no"

    def yes(r) -> bool:
        return r["salvage_remission"] == "yes"

    time0, landmark = p_value(no, yes), p_value(no, yes, shift=2.0)
    assert f"{time0:.4f}" == f"{landmark:.4f}"  # the cohorts cannot tell the two apart
    naive = p_value(lambda r: not yes(r), yes)
    text = _page(built_site, "survival")
    assert "This illustration cannot show the bias" in text
    assert (
        f"gives the same log-rank P as the comparison from time 0 ({time0:.4f} both ways)" in text
    )
    assert f"from time 0 gives P = {naive:.3f} in the same cohort" in text


def test_the_shown_cohorts_transplant_split_is_stated_and_called_an_artefact(
    built_site: Path,
) -> None:
    rows = _cohort(built_site)

    def split(status: str) -> str:
        group = [r for r in rows if r["transplant"] == status]
        return f"{sum(float(r['months']) >= 60 for r in group)} of {len(group)}"

    text = _page(built_site, "survival")
    assert (
        f"In this cohort {split('not_in_remission')} patients transplanted without remission are "
        f"alive at 5 years, against {split('in_remission')} transplanted in remission"
    ) in text
    assert "an artefact of the construction, not a finding" in text
    assert "The shown cohort was not picked to avoid it" in text


def test_the_hazard_ratio_prior_stands_beside_the_all_cohorts_medians(built_site: Path) -> None:
    prior = f"log-uniformly from 1 to 8 (median {math.sqrt(8):.2f})"
    rows = _rows(built_site / "downloads" / "tables" / "reconstructed-survival_models.csv")
    every = [r for r in rows if r["scope"].startswith("all cohorts")]
    assert every
    assert all(prior in r["scope"] for r in every)
    assert f"every scenario draws it {prior}" in _page(built_site, "survival")


def test_both_readings_of_the_missing_patients_are_named_on_survival_checks_and_data(
    built_site: Path,
) -> None:
    survival, data = _page(built_site, "survival"), _page(built_site, "patient-data")
    for reading in (
        "the patients not evaluated died before the landmark",
        "the patients not evaluated are the transplants of unknown status",
    ):
        assert reading in survival
        assert reading in data
    assert "every hazard shape (constant, early-heavy, late-heavy" in survival
    assert "second reading with the constant hazard only" in survival
    checks = _page(built_site, "checks")
    assert "they are the 2 transplanted with unknown status" in checks
    assert "early death or missing data" not in checks


def test_checks_reasons_the_right_way_about_the_standard_error(built_site: Path) -> None:
    text = _page(built_site, "checks")
    assert "reference notes" not in text
    assert "censoring can only raise the SE, so it is no contradiction" not in text.replace(
        "Censoring", "censoring"
    )
    assert "Censoring before a death would raise the SE and widen this gap" in text
    found = loss_search(39, (25.55, 25.65), (6.9, 7.0))
    start = text.index("Smallest possible standard error")
    definition = text[start : text.index("Every reported figure", start)]
    assert f"at least {found.min_se_with_loss:.2f}%" in definition
    assert "so censoring would widen the gap" in definition
    assert "Only truncation reconciles the two" in definition
