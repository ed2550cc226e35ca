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

from analysis.context.charts import comparator_chart
from analysis.context.load import COMPARATORS_FILE, load_comparators
from analysis.context.results import disagreement_rows, survival_comparison_rows
from analysis.context.tables import eras_table, options_table, survival_comparison_table
from analysis.context.trace import traceable_numbers, untraced_numbers
from analysis.context.values import context_values
from analysis.errors import ComparatorDataError, DataProblem
from analysis.study.load import load_study
from analysis.study.results import survival_rows
from testsupport.found import some

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
    cited |= {ref for e in data.eras for ref in e.note_sources}
    cited |= {ref for c in data.cohorts for ref in c.era_sources}
    cited |= {c.kmt2a_source for c in data.cohorts if c.kmt2a_source}
    cited |= {o.status_source for o in data.options if o.status_source}
    cited |= {r.source for s in ("eras", "options") for e in getattr(data, s) for r in e.results}
    cited.discard(None)
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
    assert table.display["Source"].str.fullmatch(r"\[\d+\](, \[\d+\])*").all()


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


def test_every_number_on_the_context_page_comes_from_a_sourced_entry(built_site: Path) -> None:
    data = load_comparators()
    text = _article_text(_context_html(built_site))
    assert "Interfant-99" in text
    assert untraced_numbers(text, data) == []
    # Percentages are the figures a reader compares: each must be a sourced estimate or an
    # interval bound of one, not merely a number that appears somewhere in the data file.
    known = traceable_numbers(data)
    for pct in some(re.findall(r"(\d+(?:\.\d+)?)%", text), "percentages on the Context page"):
        assert float(pct) in known, pct


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


# --- What the Context page may claim: each figure as its source reports it ---------------


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
        assert rows.loc[est, "beyond_follow_up"].startswith(
            "beyond the reported follow-up, mean 31.8 months"
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


def test_the_range_of_other_cohorts_leaves_out_selected_groups_and_unstated_origins() -> None:
    data = load_comparators()
    values = context_values(data)
    comparable = [
        e
        for e in data.estimates
        if e.endpoint == "OS"
        and not data.cohort(e.cohort).this_study
        and not data.cohort(e.cohort).selected
        and e.origin != "not stated"
    ]
    low, high = min(e.percent for e in comparable), max(e.percent for e in comparable)
    assert values["cmp_comparable_os_range"] == f"{low:g}–{high:g}%" == "20.9–24.9%"
    assert values["cmp_comparable_os_times"] == "3 years"
    assert values["cmp_comparable_os_origins"] == "relapse"
    # The selected CAR-T group (62%) and the MLL03 survey of unknown time origin (60.2%) are
    # named as kept out, with the reason.
    kept = values["cmp_kept_out_of_range"]
    assert "CAR-T" in kept
    assert "a selected group" in kept
    assert "MLL03" in kept
    assert "time origin not stated" in kept
    assert "cmp_others_os_range" not in values


def test_interfant99_trial_size_is_given_by_both_of_its_sources() -> None:
    values = context_values(load_comparators())
    assert values["cmp_interfant99_relapses_n_of"] == "478"
    assert values["era_interfant99_n"] == "482"


def test_revumenib_rows_rest_on_the_regulator_and_the_peer_reviewed_report() -> None:
    data = load_comparators()
    table = options_table(data)
    rows = table.data.set_index("option_id")
    assert rows.loc["revumenib", "status"].startswith("approved by the US FDA for ages 1 year")
    assert "adults and children" in rows.loc["revumenib", "evidence"]
    assert "revumenib_children" not in rows.index
    trial = rows.loc["revumenib_augment101"]
    assert "22.8% (95% CI 12.7–35.8)" in trial["results"]
    source = data.source(next(o.source for o in data.options if o.id == "revumenib_augment101"))
    assert source.authors.startswith("Issa GC, Aldoss I")
    assert "J Clin Oncol" in source.citation
    assert "stock-news mirrors" in trial["caveat"]


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


def test_context_page_says_the_other_figures_range_widely_and_are_not_comparable(
    built_site: Path,
) -> None:
    text = " ".join(_article_text(_context_html(built_site)).split())
    assert "similar order" not in text
    assert "20.9–62%" not in text
    assert re.search(
        r"\(Interfant-99 relapses\) report overall survival of 20\.9–24\.9% at 3 years from "
        r"relapse",
        text,
    )
    assert "None of these figures is comparable" in text


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


def test_context_page_explains_the_two_sizes_of_interfant99_and_states_no_inference(
    built_site: Path,
) -> None:
    text = " ".join(_article_text(_context_html(built_site)).split())
    assert re.search(
        r"counts 478 infants \[\d+\], the trial's own report 482 \[\d+\].{0,200}"
        r"The sources checked here do not explain either difference",
        text,
    )
    assert "no induction failures" not in text
    assert "Relapses only" not in text
    assert "whether it included infants who never reached remission is not stated" in text


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


def test_context_page_gives_revumenibs_approval_age_and_the_peer_reviewed_figures(
    built_site: Path,
) -> None:
    text = " ".join(_article_text(_context_html(built_site)).split())
    assert "approved by the US FDA for ages 1 year and older" in text
    assert "adults and children with several kinds of acute leukaemia" in text
    assert "CR+CRh, efficacy-evaluable (57): 22.8%" in text
    assert "3/13" not in text


# --- primary sources, their authors and their links ---------------------------------------


def _source_of(data: Any, section: str, entry_id: str) -> Any:
    entry = next(e for e in getattr(data, section) if e.id == entry_id)
    return data.source(entry.source)


def test_every_source_names_its_authors_or_says_they_are_not_stated() -> None:
    data = load_comparators()
    for src in data.sources:
        assert src.authors.strip(), src.id


def test_a_source_without_authors_is_rejected(tmp_path: Path) -> None:
    i = _index("sources", "koh_mll03")
    path = _write(tmp_path, lambda raw: raw["sources"][i].pop("authors"))
    (problem,) = _problems(path)
    assert (problem.entry, problem.field) == (f"'koh_mll03' (sources[{i}])", "authors")
    assert "missing" in problem.found


def test_no_source_is_a_stock_news_aggregator_mirror() -> None:
    from analysis.context.schema import AGGREGATOR_HOSTS

    for src in load_comparators().sources:
        for url in [src.url or "", *src.read_at]:
            assert not any(host in url for host in AGGREGATOR_HOSTS), (src.id, url)


def test_an_aggregator_mirror_is_rejected_naming_its_host(tmp_path: Path) -> None:
    i = _index("sources", "fda_revumenib")
    mirror = "https://it.advfn.com/mercati/NASDAQ/SNDX/notizie/93617571/syndax-presents"
    path = _write(tmp_path, lambda raw: raw["sources"][i].update(url=mirror))
    (problem,) = _problems(path)
    assert (problem.field, problem.found) == ("url", repr(mirror))
    assert "stock-news aggregator mirror (it.advfn.com)" in problem.expected


def test_a_source_with_a_doi_is_linked_by_it_not_by_a_mirror(tmp_path: Path) -> None:
    data = load_comparators()
    for src in data.sources:
        if src.doi:
            assert src.url is None, src.id
    i = _index("sources", "tomizawa_2007_final")
    snippet = "https://scite.ai/reports/outcome-of-risk-based-therapy-for-zNajDE"
    path = _write(tmp_path, lambda raw: raw["sources"][i].update(url=snippet))
    (problem,) = _problems(path)
    assert problem.field == "url"
    assert "link by doi 10.1038/sj.leu.2404903" in problem.expected


def test_mll96_98_efs_is_attributed_to_the_final_report_and_shown_beside_the_interim_one() -> None:
    data = load_comparators()
    era = next(e for e in data.eras if e.id == "mll96_98")
    final = data.source(era.source)
    assert final.doi == "10.1038/sj.leu.2404903"
    assert final.url is None
    assert final.authors.startswith("Tomizawa D")
    by_id = {r.id: r for r in era.results}
    assert by_id["mll96_98_efs_5y_final"].percent == 38.6
    interim = by_id["mll96_98_efs_5y_interim"]
    assert (interim.percent, interim.source) == (39.7, "jilsg_mll96_98_ash2006")
    table = eras_table(data).data
    assert set(table[table["era_id"] == "mll96_98"]["percent"]) == {38.6, 39.7}


def test_interfant99_relapses_cite_the_driessen_letter_by_its_doi() -> None:
    data = load_comparators()
    source = _source_of(data, "cohorts", "interfant99_relapses")
    assert source.doi == "10.1038/leu.2015.246"
    assert source.authors.startswith("Driessen")
    # The 24.9% was read on a summary page and is labelled as such, beside the letter's 20.9%.
    summary = _source_of(data, "estimates", "interfant99_os_3y_bestbits")
    assert summary.kind.startswith("summary page")


def test_interfant06_results_come_from_its_own_report() -> None:
    data = load_comparators()
    source = _source_of(data, "eras", "interfant06")
    assert source.doi == "10.1200/JCO.19.00261"
    assert source.authors.startswith("Pieters R, De Lorenzo P")
    assert "J Clin Oncol. 2019" in source.citation


def test_blinatumomab_four_year_figures_are_the_follow_up_s_not_the_2023_report_s() -> None:
    data = load_comparators()
    era = next(e for e in data.eras if e.id == "interfant06_blinatumomab")
    assert data.source(era.source).doi == "10.1056/NEJMoa2214171"
    for result in era.results:
        expected = "blinatumomab_infant_followup" if result.time == 4 else None
        assert result.source == expected, (result.time, result.endpoint, result.subgroup)
    followup = data.source("blinatumomab_infant_followup")
    assert "long-term" in followup.citation
    assert followup.doi is None  # not stated in the sources checked here, so not invented


def test_the_higher_four_year_dfs_is_exactly_the_event_free_share_of_the_30_infants() -> None:
    values = context_values(load_comparators())
    assert values["era_result_blina_dfs_4y_pct"] == "83.3%"
    assert values["era_result_blina_dfs_2y_pct"] == "81.6%"
    assert values["era_interfant06_blinatumomab_event_free"] == "25"
    assert values["era_interfant06_blinatumomab_event_free_pct"] == "83.3%"


def test_a_later_figure_above_an_earlier_one_from_the_same_report_is_rejected(
    tmp_path: Path,
) -> None:
    i = _index("eras", "interfant06_blinatumomab")
    j = next(k for k, r in enumerate(RAW["eras"][i]["results"]) if r.get("id") == "blina_dfs_4y")

    def same_report(raw: dict[str, Any]) -> None:
        raw["eras"][i]["results"][j].pop("source")

    (problem,) = _problems(_write(tmp_path, same_report))
    assert problem.field == f"results.{j}.percent"
    assert problem.found == "83.3 at 4 years after 81.6 at 2 years"
    assert "survival cannot rise" in problem.expected

    def unexplained(raw: dict[str, Any]) -> None:
        raw["eras"][i]["results"][j].pop("note")

    (problem,) = _problems(_write(tmp_path, unexplained))
    assert "a note saying why this later report's figure is higher" in problem.expected


# --- the facts of each cohort and trial ----------------------------------------------------


def test_mll03_enrolment_years_and_mll_rearranged_only_are_stated_with_their_sources() -> None:
    data = load_comparators()
    cohort = data.cohort("mll03_relapses")
    assert cohort.years == "April 2004 – June 2009"
    assert "April 2004 to June 2009" in cohort.era
    assert "not stated" not in cohort.era
    assert cohort.kmt2a_share.startswith("all")
    assert cohort.kmt2a_source == "koh_mll03"
    assert "between April 2004 and June 2009" in cohort.quote
    era = next(e for e in data.eras if e.id == "mll03")
    assert (era.years, era.years_source) == ("April 2004 – June 2009", "mll03_relapse_survey")


def test_interfant99_start_year_is_given_from_its_reports() -> None:
    data = load_comparators()
    era = next(e for e in data.eras if e.id == "interfant99")
    assert (era.years, era.years_source) == ("1999–2005", "pieters_2007_lancet")
    assert "between 1999 and 2005" in era.years_quote
    cohort = data.cohort("interfant99_relapses")
    assert "1999–2005" in cohort.era
    assert "not stated" not in cohort.era


def test_the_car_t_group_is_marked_selected_with_its_ages_and_its_rfs_explained() -> None:
    data = load_comparators()
    cohort = data.cohort("cart_kmt2a_infant")
    assert cohort.selected
    assert "1–29" in cohort.name
    assert "none was an infant when treated" in cohort.population
    rows = survival_comparison_rows(data).set_index("estimate_id")
    assert rows.loc["cart_rfs_2y", "percent"] > rows.loc["cart_os_2y", "percent"]
    assert "counted among those who reached remission" in rows.loc["cart_rfs_2y", "note"]
    assert rows.loc["cart_rfs_2y", "kept_out_of_range"].startswith("a selected group")


def test_an_rfs_above_the_os_of_the_same_patients_without_a_note_is_rejected(
    tmp_path: Path,
) -> None:
    i = _index("estimates", "cart_rfs_2y")
    path = _write(tmp_path, lambda raw: raw["estimates"][i].pop("note"))
    (problem,) = _problems(path)
    assert (problem.field, problem.found) == ("percent", "RFS 67 above OS 62 (cart_os_2y)")
    assert "cannot exceed overall survival" in problem.expected


def test_an_origin_that_half_says_not_stated_is_rejected(tmp_path: Path) -> None:
    i = _index("estimates", "mll03_os_3y")
    path = _write(tmp_path, lambda raw: raw["estimates"][i].update(origin="not stated (relapse?)"))
    (problem,) = _problems(path)
    assert problem.field == "origin"
    assert "exactly 'not stated'" in problem.expected


def test_tisagenlecleucel_approval_age_and_the_reported_risks_are_stated() -> None:
    data = load_comparators()
    rows = options_table(data).data.set_index("option_id")
    cart = rows.loc["cart"]
    assert cart["approved_ages"] == "up to 25 years"
    assert "up to 25 years of age" in cart["status"]
    label = data.source("kymriah_label")
    assert label.authors.startswith("Novartis")
    numbers = {s.id: n for n, s in enumerate(data.sources, start=1)}
    assert cart["status_source_number"] == numbers["kymriah_label"]
    assert "myeloid lineage switch" in cart["results"]
    assert "3.6-fold increased risk of death from any cause (95% CI 1.04–12.75)" in cart["results"]


def test_interfant21_is_described_as_single_arm_for_kmt2a_rearranged_b_all_and_b_mpal() -> None:
    data = load_comparators()
    era = next(e for e in data.eras if e.id == "interfant21")
    assert "KMT2A-rearranged B-precursor ALL" in era.population
    assert "B-MPAL" in era.population
    assert "single-arm" in era.note
    assert "historical results of Interfant-06" in era.note
    assert set(era.note_sources) == {"bspho_interfant21", "kwf_interfant21"}


def test_newer_options_gain_blinatumomab_and_inotuzumab_with_their_approval_ages() -> None:
    data = load_comparators()
    rows = options_table(data).data.set_index("option_id")
    assert rows.loc["blinatumomab", "approved_ages"] == "one month and older (consolidation)"
    assert rows.loc["inotuzumab", "approved_ages"] == "1 year and older"
    for option, source in (
        ("blinatumomab", "fda_blinatumomab_2024"),
        ("inotuzumab", "fda_inotuzumab_2024"),
    ):
        opt = next(o for o in data.options if o.id == option)
        assert opt.status_source == source
        assert data.source(source).authors == "US Food and Drug Administration"
    assert "42.0% (95% CI 28.1–55.9)" not in rows.loc["inotuzumab", "results"]
    assert "42% (95% CI 28.1–55.9)" in rows.loc["inotuzumab", "results"]


def test_the_chart_flags_mll03_s_five_year_figure_as_beyond_its_follow_up(
    chart_spec: dict[str, Any],
) -> None:
    marks = {(r["label"].split(" [")[0], r["panel"]): r for r in _dataset(chart_spec)}
    mll03 = marks[("MLL03 relapses (JPLSG survey)", "Overall survival at 5 years")]
    own = marks[("JILSG MLL96/MLL98 (this study)", "Overall survival at 5 years")]
    assert mll03["annotation"] == "23.5% at 5 y · beyond follow-up"
    assert own["annotation"] == "25.6% at 5 y"
    cart_name = "CAR-T, KMT2A-r infant ALL, aged 1–29"
    cart = marks[(cart_name, "Overall survival at 2 years")]
    assert cart["annotation"].endswith("· selected group")


# --- the built Context page ----------------------------------------------------------------


def _sources_items(page: str) -> list[str]:
    sources = page[page.index('id="sources"') :]
    return re.findall(r"<li>(.*?)</li>", sources[: sources.index("</ol>")], flags=re.DOTALL)


def test_context_page_sources_give_authors_and_link_by_doi_where_one_exists(
    built_site: Path,
) -> None:
    page = _context_html(built_site)
    assert "advfn" not in page
    data = load_comparators()
    items = _sources_items(page)
    for src, item in zip(data.sources, items, strict=True):
        text = html.unescape(re.sub(r"<[^>]+>", "", item))
        assert text.startswith(src.authors.split(",")[0]), (src.id, text[:60])
        links = re.findall(r'href="([^"]+)"', item)
        if src.doi:
            assert links[0] == f"https://doi.org/{src.doi}", src.id
            assert all(
                link.startswith(("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/"))
                for link in links
            ), (src.id, links)
        for mirror in src.read_at:
            assert mirror not in item, (src.id, mirror)


def test_context_page_states_the_corrected_facts(built_site: Path) -> None:
    text = " ".join(_article_text(_context_html(built_site)).split())
    # MLL03: years, MLL-rearranged only, and the 5-year figure flagged beside this study's.
    assert "treated April 2004 to June 2009" in text
    assert re.search(r"MLL03, too, treated only MLL ?-rearranged infants", text)
    assert re.search(
        r"Its 5-year figure, 23\.5% \[\d+\], shares a panel with this study's 25\.6%, but it "
        r"lies beyond the reported follow-up, mean 31\.8 months",
        text,
    )
    # Interfant-99's enrolment years; the CAR-T group's ages, selection and RFS.
    assert "first-line Interfant-99, enrolment 1999–2005" in text
    assert "CAR-T, KMT2A-r infant ALL, aged 1–29" in text
    assert re.search(r"relapse-free survival \(67%\) is above its overall survival \(62%\)", text)
    # Blinatumomab's two analyses explained; inotuzumab and the label ages shown.
    assert re.search(r"exactly 25 of 30 infants without an event \(83\.3%\)", text)
    assert "4-year DFS, KMT2A-rearranged: 83.3% (95% CI 64.5–92.7)" in text
    assert "Inotuzumab ozogamicin" in text
    assert "Blinatumomab (CD19/CD3" in text
    assert "up to 25 years of age" in text
    assert "B-cell mixed phenotype acute leukaemia (B-MPAL)" in text
