"""Claims about the comparator data, its validation, the Context page's artifacts and the page."""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from analysis.context.artifacts import comparator_chart
from analysis.context.rows import context_values, disagreement_rows, survival_comparison_rows
from analysis.context.schema import COMPARATORS_FILE, load_comparators
from analysis.context.tables import eras_table, options_table, survival_comparison_table
from analysis.context.trace import traceable_numbers, untraced_numbers
from analysis.errors import ComparatorDataError, DataProblem
from analysis.study.load import load_study
from analysis.study.results import survival_rows

RAW = yaml.safe_load(COMPARATORS_FILE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    raw = copy.deepcopy(RAW)
    change(raw)
    path = tmp_path / "comparators.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _problems(path: Path, **kwargs: Any) -> list[DataProblem]:
    with pytest.raises(ComparatorDataError) as info:
        load_comparators(path, **kwargs)
    problems = info.value.problems
    for p in problems:
        assert p.file.endswith("comparators.yaml")
        assert p.line is not None, p
    return problems


def _index(section: str, entry_id: str) -> int:
    return next(i for i, e in enumerate(RAW[section]) if e["id"] == entry_id)


# --- the packaged file -------------------------------------------------------------------


def test_packaged_comparator_file_is_valid_and_agrees_with_the_study() -> None:
    data = load_comparators(study=load_study())
    assert sum(c.this_study for c in data.cohorts) == 1


def test_every_entry_cites_a_source_that_can_be_looked_up() -> None:
    data = load_comparators()
    known = {s.id: s for s in data.sources}
    for section in ("cohorts", "estimates", "eras", "options"):
        for entry in getattr(data, section):
            src = known[entry.source]
            assert src.doi or src.pmid or src.url, entry.id


def test_every_source_is_cited_by_some_entry() -> None:
    data = load_comparators()
    cited = {
        e.source for s in ("cohorts", "estimates", "eras", "options") for e in getattr(data, s)
    }
    cited |= {e.years_source for e in data.eras if e.years_source}
    assert {s.id for s in data.sources} == cited


def test_interfant99_post_relapse_os_disagreement_is_shown_with_both_sources() -> None:
    rows = disagreement_rows(load_comparators())
    interfant = rows[rows["cohort_id"] == "interfant99_relapses"]
    assert sorted(interfant["percent"]) == [20.9, 24.9]
    assert interfant["source_id"].nunique() == 2
    assert set(interfant["time"]) == {3}


def test_this_studys_computed_interval_matches_the_results_page() -> None:
    rows = survival_comparison_rows(load_comparators()).set_index("estimate_id")
    own = survival_rows(load_study()).set_index("method").loc["log-log"]
    assert rows.loc["jilsg_os_5y", "lower"] == pytest.approx(100 * own["lower"], abs=0.05)
    assert rows.loc["jilsg_os_5y", "upper"] == pytest.approx(100 * own["upper"], abs=0.05)


def test_every_interval_contains_its_estimate_and_stays_within_0_to_100() -> None:
    rows = survival_comparison_rows(load_comparators()).dropna(subset=["lower"])
    assert len(rows) > 0
    assert (rows["lower"] <= rows["percent"]).all()
    assert (rows["percent"] <= rows["upper"]).all()
    assert (rows["lower"] >= 0).all()
    assert (rows["upper"] <= 100).all()


def test_an_estimate_without_se_or_ci_gets_no_interval() -> None:
    data = load_comparators()
    rows = survival_comparison_rows(data).set_index("estimate_id")
    for est in data.estimates:
        has_interval = est.se is not None or est.ci is not None
        assert pd.notna(rows.loc[est.id, "lower"]) == has_interval, est.id
        if not has_interval:
            assert rows.loc[est.id, "interval_basis"] == "no SE or CI reported"


def test_eras_table_keeps_the_order_of_each_programme() -> None:
    table = eras_table(load_comparators())
    trials = list(dict.fromkeys(table.data["trial"]))
    assert trials.index("MLL96/MLL98") < trials.index("MLL03") < trials.index("MLL-10")
    assert (
        trials.index("Interfant-99")
        < trials.index("Interfant-06")
        < trials.index("Interfant-06 + blinatumomab")
    )


def test_newer_options_include_revumenib_approval_and_car_t_data_with_sources() -> None:
    table = options_table(load_comparators())
    assert {"revumenib", "cart"} <= set(table.data["option_id"])
    assert table.display["Source"].str.fullmatch(r"\[\d+\]").all()


def test_table_source_numbers_point_into_the_sources_list() -> None:
    data = load_comparators()
    table = survival_comparison_table(data)
    numbers = {int(n) for n in table.display["Source"].str.strip("[]")}
    assert numbers <= set(range(1, len(data.sources) + 1))


# --- validation: each bad case is rejected with a precise message -------------------------


def test_estimate_above_100_percent_is_rejected(tmp_path: Path) -> None:
    i = _index("estimates", "mll03_os_3y")
    path = _write(tmp_path, lambda r: r["estimates"][i].update(percent=160.2))
    (problem,) = _problems(path)
    assert (problem.entry, problem.field, problem.found) == (
        f"'mll03_os_3y' (estimates[{i}])",
        "percent",
        "160.2",
    )
    assert "100" in problem.expected


def test_negative_estimate_in_an_era_result_is_rejected(tmp_path: Path) -> None:
    i = _index("eras", "mll03")
    path = _write(tmp_path, lambda r: r["eras"][i]["results"][0].update(percent=-4))
    (problem,) = _problems(path)
    assert problem.field == "results.0.percent"
    assert "0" in problem.expected


def test_interval_that_excludes_its_estimate_is_rejected(tmp_path: Path) -> None:
    i = _index("estimates", "cart_os_2y")
    path = _write(tmp_path, lambda r: r["estimates"][i].update(ci=[70, 95]))
    (problem,) = _problems(path)
    assert (problem.field, problem.found) == ("ci", "[70, 95]")
    assert "contains the estimate 62" in problem.expected


def test_era_interval_that_excludes_its_estimate_is_rejected(tmp_path: Path) -> None:
    i = _index("eras", "mll03")
    path = _write(tmp_path, lambda r: r["eras"][i]["results"][0].update(ci=[50, 55.1]))
    (problem,) = _problems(path)
    assert problem.entry == f"'mll03' (eras[{i}])"
    assert problem.field == "results.0.ci"


def test_both_se_and_ci_on_one_estimate_is_rejected(tmp_path: Path) -> None:
    i = _index("estimates", "mll03_os_4y")
    path = _write(tmp_path, lambda r: r["estimates"][i].update(ci=[20, 66]))
    (problem,) = _problems(path)
    assert problem.field == "se"
    assert "one of se or ci" in problem.expected


def test_unknown_time_unit_is_rejected(tmp_path: Path) -> None:
    i = _index("estimates", "interfant99_os_3y_bestbits")
    path = _write(tmp_path, lambda r: r["estimates"][i].update(unit="yrs"))
    (problem,) = _problems(path)
    assert (problem.field, problem.found) == ("unit", "'yrs'")
    assert "'years'" in problem.expected


def test_entry_without_a_source_is_rejected(tmp_path: Path) -> None:
    i = _index("estimates", "interfant99_os_3y_blood2020")
    path = _write(tmp_path, lambda r: r["estimates"][i].pop("source"))
    (problem,) = _problems(path)
    assert problem.field == "source"
    assert "missing" in problem.found


def test_reference_to_an_unknown_source_is_rejected(tmp_path: Path) -> None:
    i = _index("cohorts", "mll03_relapses")
    path = _write(tmp_path, lambda r: r["cohorts"][i].update(source="hearsay"))
    (problem,) = _problems(path)
    assert (problem.field, problem.found) == ("source", "'hearsay'")
    assert "mll03_relapse_survey" in problem.expected


def test_source_without_doi_pmid_or_url_is_rejected(tmp_path: Path) -> None:
    i = _index("sources", "interfant21_registry")
    path = _write(tmp_path, lambda r: r["sources"][i].pop("url"))
    (problem,) = _problems(path)
    assert problem.entry == f"'interfant21_registry' (sources[{i}])"
    assert problem.field == "doi/pmid/url"


def test_duplicate_cohort_id_is_rejected(tmp_path: Path) -> None:
    first, second = _index("cohorts", "interfant99_relapses"), _index("cohorts", "mll03_relapses")

    def duplicate(raw: dict[str, Any]) -> None:
        raw["cohorts"][second]["id"] = "interfant99_relapses"
        for est in raw["estimates"]:
            if est["cohort"] == "mll03_relapses":
                est["cohort"] = "interfant99_relapses"

    (problem,) = _problems(_write(tmp_path, duplicate))
    assert (problem.field, problem.found) == ("id", "'interfant99_relapses'")
    assert f"cohorts[{first}]" in problem.expected


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    i, j = _index("estimates", "mll03_os_3y"), _index("estimates", "cart_os_2y")

    def two_faults(raw: dict[str, Any]) -> None:
        raw["estimates"][i]["source"] = "nowhere"
        raw["estimates"][j]["ci"] = [10, 20]

    problems = _problems(_write(tmp_path, two_faults))
    assert {p.field for p in problems} == {"source", "ci"}


def test_comparator_entry_for_this_study_must_match_study_yaml(tmp_path: Path) -> None:
    i = _index("estimates", "jilsg_os_5y")
    path = _write(tmp_path, lambda r: r["estimates"][i].update(percent=26.5))
    with pytest.raises(ComparatorDataError) as info:
        load_comparators(path, study=load_study())
    (problem,) = info.value.problems
    assert (problem.field, problem.found) == ("percent", "26.5")
    assert "25.6" in problem.expected


# --- the chart ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chart_spec() -> dict[str, Any]:
    return comparator_chart(load_comparators(study=load_study())).chart.to_dict()


def _dataset(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec["data"]["values"]


def test_chart_has_one_panel_per_endpoint_and_time_point(chart_spec: dict[str, Any]) -> None:
    assert chart_spec["facet"]["row"]["field"] == "panel"
    assert chart_spec["resolve"]["scale"]["y"] == "independent"
    data = load_comparators()
    keys = {(e.endpoint, e.time, e.unit) for e in data.estimates}
    assert len({r["panel"] for r in _dataset(chart_spec)}) == len(keys)


def test_every_mark_states_its_time_point(chart_spec: dict[str, Any]) -> None:
    for row in _dataset(chart_spec):
        assert re.search(r"\d+(\.\d+)?% at \d+ (d|wk|mo|y)\b", row["annotation"]), row


def test_chart_pools_nothing(chart_spec: dict[str, Any]) -> None:
    text = json.dumps(chart_spec)
    assert '"aggregate"' not in text
    assert '"joinaggregate"' not in text
    assert len(_dataset(chart_spec)) == len(load_comparators().estimates)


def test_chart_draws_no_interval_where_the_source_gave_none(chart_spec: dict[str, Any]) -> None:
    rows = {r["label"]: r for r in _dataset(chart_spec)}
    interfant = [r for label, r in rows.items() if label.startswith("Interfant-99")]
    assert len(interfant) == 2
    assert all(r["lower"] is None and r["upper"] is None for r in interfant)
    rule = chart_spec["spec"]["layer"][0]
    assert rule["mark"]["type"] == "rule"
    assert rule["transform"] == [{"filter": "isValid(datum.lower)"}]


# --- traceability ------------------------------------------------------------------------


def test_a_number_no_sourced_entry_contains_is_flagged() -> None:
    data = load_comparators()
    assert 47.5 not in traceable_numbers(data)
    assert untraced_numbers("OS was 24.9% in one source, 47.5% in none.", data) == ["47.5"]


def test_inline_values_contain_only_traceable_numbers() -> None:
    data = load_comparators()
    for name, text in context_values(data).items():
        assert untraced_numbers(text, data) == [], name


class _ArticleText(HTMLParser):
    """Text of the page's <article>, without inline SVG (whose numbers are coordinates) and
    without the page's last-updated line (a date, not a figure)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = self.svg = self.meta = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        elif tag == "svg":
            self.svg += 1
        elif tag == "aside" and (self.meta or "md-source-file" in (dict(attrs).get("class") or "")):
            self.meta += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        elif tag == "svg":
            self.svg -= 1
        elif tag == "aside" and self.meta:
            self.meta -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.svg and not self.meta:
            self.parts.append(data)


def _context_html(site: Path) -> str:
    return (site / "context" / "index.html").read_text(encoding="utf-8")


def _article_text(page: str) -> str:
    parser = _ArticleText()
    parser.feed(page)
    return html.unescape(" ".join(parser.parts))


@pytest.mark.slow
def test_every_number_on_the_context_page_comes_from_a_sourced_entry(built_site: Path) -> None:
    data = load_comparators()
    text = _article_text(_context_html(built_site))
    assert "Interfant-99" in text
    assert untraced_numbers(text, data) == []
    # Percentages are the figures a reader compares: each must be a sourced estimate or an
    # interval bound of one, not merely a number that appears somewhere in the data file.
    known = traceable_numbers(data)
    for pct in re.findall(r"(\d+(?:\.\d+)?)%", text):
        assert float(pct) in known, pct


@pytest.mark.slow
def test_context_page_shows_chart_eras_disagreement_and_sources(built_site: Path) -> None:
    page = _context_html(built_site)
    for block in (
        'id="chart-comparator_survival"',
        'id="table-comparator_survival"',
        'id="table-comparator_cohorts"',
        'id="table-comparator_disagreements"',
        'id="table-treatment_eras"',
        'id="table-newer_options"',
    ):
        assert block in page, block
    sources = page[page.index('id="sources"') :]
    items = re.findall(r"<li>(.*?)</li>", sources[: sources.index("</ol>")], flags=re.DOTALL)
    data = load_comparators()
    assert len(items) == len(data.sources)
    assert all('<a href="http' in item for item in items)
    index = (built_site / "index.html").read_text(encoding="utf-8")
    nav = [index.index(f'href="{page}/"') for page in ("prognosis", "context", "checks")]
    assert nav == sorted(nav), "Context should follow Prognostic factors in the navigation"


# --- issue 14: what the Context page may claim ------------------------------------------


def test_the_plus_minus_of_this_study_and_the_mll03_survey_is_marked_as_read_as_se() -> None:
    rows = survival_comparison_rows(load_comparators()).set_index("estimate_id")
    for est in ("jilsg_os_5y", "mll03_os_3y", "mll03_os_4y", "mll03_os_5y"):
        assert rows.loc[est, "se_assumed"], est
        assert "read as SE by this site" in rows.loc[est, "reported"], est
        assert "± read as an SE" in rows.loc[est, "interval_basis"], est


def test_a_time_point_beyond_the_reported_follow_up_is_flagged() -> None:
    rows = survival_comparison_rows(load_comparators()).set_index("estimate_id")
    # MLL03: mean follow-up 31.8 months, so 3, 4 and 5 years all lie beyond it.
    for est in ("mll03_os_3y", "mll03_os_4y", "mll03_os_5y"):
        assert (
            rows.loc[est, "beyond_follow_up"] == "beyond the reported follow-up, mean 31.8 months"
        )
    # This study: 5 years within a median follow-up of 5.5 years.
    assert rows.loc["jilsg_os_5y", "beyond_follow_up"] == ""
    table = survival_comparison_table(load_comparators()).display
    assert table["Endpoint, time point"].str.contains("beyond the reported follow-up").sum() == 3


def test_every_cohort_names_its_treatment_era_with_a_source() -> None:
    data = load_comparators()
    for cohort in data.cohorts:
        assert cohort.era, cohort.id
        assert cohort.era_sources, cohort.id
    from analysis.context.tables import cohorts_table

    display = cohorts_table(data).display
    assert display["Treatment era"].str.match(r".+ \[\d+(, \d+)*\]$").all()


def test_other_cohorts_os_range_is_computed_from_the_file() -> None:
    data = load_comparators()
    others = [
        e for e in data.estimates if e.endpoint == "OS" and not data.cohort(e.cohort).this_study
    ]
    values = context_values(data)
    low, high = min(e.percent for e in others), max(e.percent for e in others)
    assert values["cmp_others_os_range"] == f"{low:g}–{high:g}%" == "20.9–62%"
    assert values["cmp_others_os_times"] == "2–5 years"


def test_interfant99_trial_size_is_given_by_both_of_its_sources() -> None:
    values = context_values(load_comparators())
    assert values["cmp_interfant99_relapses_n_of"] == "478"
    assert values["era_interfant99_n"] == "482"


def test_revumenib_says_who_the_trial_and_the_approval_cover_and_gives_the_childrens_figures() -> (
    None
):
    data = load_comparators()
    table = options_table(data)
    rows = table.data.set_index("option_id")
    assert rows.loc["revumenib", "status"].startswith("approved by the US FDA for ages 1 year")
    assert "adults and children" in rows.loc["revumenib", "evidence"]
    children = rows.loc["revumenib_children"]
    assert "23% (95% CI 5–53.8)" in children["results"]
    assert "3/13" in children["results"]
    assert "median overall survival 6.9 months" in children["results"]
    source = data.source(data.options[1].source)
    assert source.id == "syndax_pediatric_2024"
    assert source.url


def test_se_assumed_without_an_se_is_rejected(tmp_path: Path) -> None:
    i = _index("estimates", "interfant99_os_3y_bestbits")
    path = _write(tmp_path, lambda raw: raw["estimates"][i].update(se_assumed=True))
    (problem,) = _problems(path)
    assert problem.field == "se_assumed"
    assert "interfant99_os_3y_bestbits" in problem.entry


def test_a_follow_up_time_that_disagrees_with_the_follow_up_text_is_rejected(
    tmp_path: Path,
) -> None:
    i = _index("cohorts", "mll03_relapses")
    path = _write(tmp_path, lambda raw: raw["cohorts"][i].update(follow_up_time=13.8))
    (problem,) = _problems(path)
    assert problem.field == "follow_up_time"
    assert problem.found == "13.8 months"
    assert "mean 31.8 months" in problem.expected


def test_an_era_size_missing_from_its_population_text_is_rejected(tmp_path: Path) -> None:
    i = _index("eras", "interfant99")
    path = _write(tmp_path, lambda raw: raw["eras"][i].update(n=478))
    (problem,) = _problems(path)
    assert (problem.field, problem.found) == ("n", "478")


def test_an_unknown_era_source_is_rejected(tmp_path: Path) -> None:
    i = _index("cohorts", "cart_kmt2a_infant")
    path = _write(tmp_path, lambda raw: raw["cohorts"][i].update(era_sources=["nowhere"]))
    (problem,) = _problems(path)
    assert problem.field == "era_sources.0"
    assert problem.found == "'nowhere'"


@pytest.mark.slow
def test_context_page_says_the_other_figures_range_widely_and_are_not_comparable(
    built_site: Path,
) -> None:
    text = " ".join(_article_text(_context_html(built_site)).split())
    assert "similar order" not in text
    assert "ranges widely (20.9–62% at 2–5 years)" in text
    assert "These figures are not comparable" in text


@pytest.mark.slow
def test_context_page_points_at_the_first_line_table_in_the_right_direction(
    built_site: Path,
) -> None:
    page = _context_html(built_site)
    text = " ".join(_article_text(page).split())
    assert "row below" not in text
    first_line = page.index('id="first-line-treatment"')
    cannot_say = page.index('id="what-this-comparison-cannot-say"')
    assert first_line < cannot_say
    assert re.search(r"MLL ?-10 row of the first-line table above", text)
    disagree = page.index('id="where-the-sources-disagree"')
    assert disagree < first_line
    assert "(in the first-line table below)" in text


@pytest.mark.slow
def test_context_page_explains_the_two_sizes_of_interfant99_and_states_no_inference(
    built_site: Path,
) -> None:
    text = " ".join(_article_text(_context_html(built_site)).split())
    assert re.search(
        r"counts 478 infants \[\d+\], the trial's own report 482 \[\d+\].{0,60}"
        r"The sources checked here do not explain the difference",
        text,
    )
    assert "no induction failures" not in text
    assert "Relapses only" not in text
    assert "whether it included infants who never reached remission is not stated" in text


@pytest.mark.slow
def test_context_page_marks_the_se_reading_the_follow_up_and_the_treatment_era(
    built_site: Path,
) -> None:
    page = _context_html(built_site)
    table = page[page.index('id="table-comparator_survival"') :]
    table = table[: table.index("</figure>")]
    assert table.count("read as SE by this site") == 4
    assert table.count("beyond the reported follow-up, mean 31.8 months") == 3
    cohorts = page[page.index('id="table-comparator_cohorts"') :]
    assert '<th scope="col">Treatment era</th>' in cohorts[: cohorts.index("</thead>")]


@pytest.mark.slow
def test_context_page_gives_revumenibs_approval_age_and_the_childrens_figures(
    built_site: Path,
) -> None:
    text = " ".join(_article_text(_context_html(built_site)).split())
    assert "approved by the US FDA for ages 1 year and older" in text
    assert "adults and children with several kinds of acute leukaemia" in text
    assert "CR/CRh, children under 18 (3/13): 23%" in text
    assert "median overall survival 6.9 months" in text
