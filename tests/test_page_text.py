"""What the built pages say about the study: claims clinician-statisticians reviewing the site
checked, each read off the strictly built site."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from analysis.registry import build_artifacts

_INLINE = re.compile(r"</?(?:abbr|a|strong|em|code|sup|sub|span)\b[^>]*>")


def page_text(site: Path, page: str) -> str:
    """The text of a page's content, one space between blocks, inline markup dropped."""
    raw = (site / page).read_text(encoding="utf-8")
    body = raw[raw.index('<article class="md-content__inner') : raw.rindex("</article>")]
    body = re.sub(r"<svg\b.*?</svg>", " ", body, flags=re.DOTALL)
    body = _INLINE.sub("", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def section(text: str, start: str, end: str | None = None) -> str:
    """The part of ``text`` from the heading ``start`` (a '¶' follows headings) to ``end``."""
    part = text[text.index(f"{start}¶") :]
    return part[: part.index(f"{end}¶")] if end else part


@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    return build_artifacts().values


def test_results_states_the_median_first_remission_without_contradicting_itself(
    built_site: Path,
) -> None:
    text = page_text(built_site, "results/index.html")
    assert "Among those who had a first remission" not in text
    assert (
        "The median duration of first remission was 5 months (range 0–28); whether the 5 "
        "induction failures are included as 0 is not stated" in text
    )


def test_results_shows_the_worst_case_remission_rate_beside_15_of_37(built_site: Path) -> None:
    text = page_text(built_site, "results/index.html")
    salvage = section(text, "Salvage and transplant", "Survival")
    assert "40.5% (15/37)" in salvage
    assert "38.5% (15/39; exact 95% CI 23.4–55.4%, Wilson 24.9–54.1%)" in salvage
    # …and as a row of the proportions table, with both intervals.
    assert re.search(r"worst case.{0,120}15/39 38\.5% 23\.4–55\.4% 24\.9–54\.1%", salvage)


def test_results_names_the_software_whose_default_each_survival_interval_is(
    built_site: Path,
) -> None:
    text = section(page_text(built_site, "results/index.html"), "Survival")
    assert "the one survival software reports" not in text
    assert "The site quotes the log–log interval, 13.4–39.7%." in text
    assert "it is the default of the Python library lifelines" in text
    assert "R's survfit reports the log interval by default, 15.1–43.4% here" in text
    assert "log (R survfit's default) 15.1–43.4%" in text  # the table row


def test_home_counts_exactly_the_open_questions_the_checks_page_lists(built_site: Path) -> None:
    home = page_text(built_site, "index.html")
    stated = re.search(r"The abstract also leaves (\d+) questions open", home)
    assert stated is not None
    checks_html = (built_site / "checks/index.html").read_text(encoding="utf-8")
    listed = checks_html[checks_html.index('id="open-questions"') :]
    listed = listed[: listed.index("</ul>")]
    flagged = re.search(r'id="table-checks".*?</table>', checks_html, flags=re.DOTALL)
    assert flagged is not None
    open_checks = flagged.group(0).count("<td>open question</td>")
    assert int(stated.group(1)) == listed.count("<li>") == open_checks == 5


def test_checks_page_says_remissions_after_salvage_not_second_remissions(
    built_site: Path,
) -> None:
    text = page_text(built_site, "checks/index.html")
    assert "15 second remissions" not in text
    assert "the 15 remissions after salvage" in text
    assert "up to 5 of the 15 may not be second remissions" in text


def test_the_site_marks_start_of_second_line_treatment_as_its_own_reading(
    built_site: Path,
) -> None:
    pages = ("index", "design", "results", "checks", "context", "appraisal", "handout")
    for page in pages:
        path = "index.html" if page == "index" else f"{page}/index.html"
        text = page_text(built_site, path)
        for match in re.finditer(r"start of second-line treatment|from its start", text):
            near = text[max(0, match.start() - 160) : match.end() + 160]
            assert "read" in near, f"{page}: {near!r}"
    design = page_text(built_site, "design/index.html")
    assert (
        "from the start of second-line treatment (this site's reading of the abstract's "
        '"after the second-line treatment")' in design
    )


def test_every_only_independent_predictor_carries_the_guarantee_time_caveat_as_an_open_risk(
    built_site: Path,
) -> None:
    """The abstract does not show the bias; it leaves open whether the analysis guarded against
    it. Every page says so where it names the predictor, and none asserts the bias as fact."""
    pages = ("index.html", "handout/index.html", "appraisal/index.html", "prognosis/index.html")
    for page in pages:
        text = page_text(built_site, page)
        claims = list(re.finditer(r"only independent predictor|[Ss]ole independent", text))
        assert claims, page
        for claim in claims:
            # Prognosis explains the bias first and then quotes the claim: look both ways.
            near = text[max(0, claim.start() - 600) : claim.end() + 700]
            assert re.search(
                r"remission is assessed after the survival clock starts|measured after",
                near,
                flags=re.IGNORECASE,
            ), f"{page}: {text[claim.start() : claim.end() + 200]!r}"
            assert re.search(
                r"does not say whether (the|its) analysis guarded|"
                r"does not say whether guarantee-time bias was guarded against",
                near,
            ), f"{page}: {text[claim.start() : claim.end() + 400]!r}"
        assert "so the comparison favours" not in text, page
        assert "guarantee-time bias), so" not in text, page
    limitations = section(page_text(built_site, "appraisal/index.html"), "Limitations")
    assert "Remission is measured after the clock starts" in limitations
    prognosis = page_text(built_site, "prognosis/index.html")
    assert "remission is reported over 37 patients, not 39" in prognosis
    assert "https://doi.org/10.1200/JCO.2013.49.5283" in (
        (built_site / "prognosis/index.html").read_text(encoding="utf-8")
    )


def test_appraisal_answers_no_longer_overstate_the_population_the_match_or_the_follow_up(
    built_site: Path,
) -> None:
    text = page_text(built_site, "appraisal/index.html")
    assert "a defined nationwide population" not in text
    assert "matches other cohorts" not in text
    assert "complete trial cohort" in text
    assert "cannot be compared with this one" in text
    assert re.search(
        r"6b Was follow-up long enough\? \S+ Can't tell Median follow-up of 5\.5", text
    )


def test_handout_of_an_unpublished_build_prints_no_address(built_site: Path) -> None:
    text = page_text(built_site, "handout/index.html")
    assert "127.0.0.1" not in text
    assert "online at" not in text


def test_handout_gives_the_median_first_remission_and_the_associated_factors(
    built_site: Path, values: dict[str, str]
) -> None:
    text = page_text(built_site, "handout/index.html")
    assert f"Median first remission: {values['first_remission']}" in text
    assert values["associated_factors"] == (
        "age under 3 months at initial diagnosis and central nervous system involvement at "
        "initial diagnosis"
    )
    assert f"(analysis not stated): {values['associated_factors']}" in text
    assert "one at a time" not in text


# --- the appraisal, Home and the handout, as a clinician-statistician reviewed them ---------


def test_the_appraisal_and_the_handout_name_reviewers_with_dates_not_tracker_issues(
    built_site: Path,
) -> None:
    reviewer = "the site's editors (first draft, 2026-11-25)"
    appraisal = page_text(built_site, "appraisal/index.html")
    assert f"The judgements on this page are the site's, reviewed by {reviewer}." in appraisal
    assert f"This site's appraisal by {reviewer}, based on the abstract" in appraisal  # sources
    handout = page_text(built_site, "handout/index.html")
    assert f"appraisal reviewed by {reviewer}" in handout
    for text in (appraisal, handout):
        assert not re.search(r"\bissue #?\d", text, flags=re.IGNORECASE)


def test_the_appraisal_states_its_basis_in_a_whole_sentence(built_site: Path) -> None:
    text = page_text(built_site, "appraisal/index.html")
    assert "The published abstract only;" not in text
    assert (
        "This appraisal rests on the published abstract only: the full text (patient table, "
        "hazard ratios, survival curves) was not available to us." in text
    )


def _checklist_row(text: str, number: str) -> str:
    start = re.search(rf"(?<![0-9a-z]){re.escape(number)} [A-Z]", text)
    assert start is not None, number
    following = re.search(
        r" (?:\d{1,2}[ab]?) (?:Does|Was|Were|Did|Are|Do|Should)\b", text[start.end() :]
    )
    return text[start.start() : start.end() + (following.start() if following else 600)]


def test_checklist_answers_state_the_conditions_they_rest_on(built_site: Path) -> None:
    text = section(
        page_text(built_site, "appraisal/index.html"),
        "Checklist: validity, results and applicability",
        "Limitations",
    )
    q4 = _checklist_row(text, "4")
    assert re.match(r"4 Was the outcome measured [^?]*\? \S+ Can't tell Death is objective", q4)
    assert "this site's reading" in q4
    q6a = _checklist_row(text, "6a")
    assert "Greenwood SE truncated (not rounded) and all 39 start at time 0" in q6a
    assert "no patient was lost before the last death within 5 years" in q6a
    q9 = _checklist_row(text, "9")
    assert "is low" not in q9
    assert "most patients would have died within 5 years" in q9
    q5b = _checklist_row(text, "5b")
    assert "39 patients can support" not in q5b
    assert "29 deaths by 5 years" in q5b
    assert "about 3 factors at 10 events per variable" in q5b
    assert "Peduzzi" in q5b


def test_prognosis_does_not_call_the_associated_factors_univariate(built_site: Path) -> None:
    text = page_text(built_site, "prognosis/index.html")
    assert "univariate" not in text.replace("does not call them univariate", "")
    assert "one at a time: age" not in text
    table = section(text, "Prognostic factors").split("How to read this")[0]
    assert table.count('not stated ("associated with poor outcome")') == 2
    home = page_text(built_site, "index.html")
    assert "One factor at a time" not in home
    assert "without saying by which analysis" in home


def test_home_does_not_call_every_remission_after_salvage_a_return(built_site: Path) -> None:
    text = page_text(built_site, "index.html")
    assert "reached remission again" not in text
    assert (
        "40.5% (15/37) reached remission after salvage (for any of the 5 induction failures "
        "among them, a first remission)" in text
    )


def test_the_plus_minus_is_called_a_standard_error_only_as_a_reading(built_site: Path) -> None:
    """The abstract prints "±" and nothing more: wherever a page calls it an SE, it says that
    this is how the site reads it."""
    pages = ("index.html", "results/index.html", "handout/index.html", "appraisal/index.html")
    for page in pages:
        raw = (built_site / page).read_text(encoding="utf-8")
        assert "(SE)" not in raw, page
        assert "(SE 6.9%)" not in raw, page
        text = page_text(built_site, page)
        for match in re.finditer(r"± 6\.9%", text):
            after = text[match.end() : match.end() + 60]
            # Called an SE right after it (a method name such as "plain (± 1.96 SE)" in a
            # table's next cell has a number first, and is not a reading of the ±).
            if re.match(r"[^0-9]{0,30}?\b(SE|standard error)\b", after):
                assert "read as" in after, f"{page}: {after!r}"
    home = page_text(built_site, "index.html")
    assert "25.6% ± 6.9% (the ± read as a standard error; 95% CI 13.4–39.7%" in home


def test_results_gives_the_coverage_reason_for_a_transformed_interval(
    built_site: Path, values: dict[str, str]
) -> None:
    text = section(page_text(built_site, "results/index.html"), "Survival")
    assert "lifelines' default" not in text.split("Why a transformed interval")[1][:900]
    assert (
        f"the nominal 95% plain interval covers the true 5-year survival as little as "
        f"{values['os_5y_coverage_plain']} of the time" in text
    )
    assert f"the log–log interval at least {values['os_5y_coverage_loglog']}" in text
    raw = (built_site / "results/index.html").read_text(encoding="utf-8")
    assert "https://rdrr.io/cran/survival/man/survfit_confint.html" in raw
    assert "Borgan and Liestøl (1990)" in text


def test_a_footnote_marker_after_39_is_copied_and_read_apart_from_it(built_site: Path) -> None:
    raw = (built_site / "results/index.html").read_text(encoding="utf-8")
    start = raw.index("together make")
    paragraph = raw[start : raw.index("</p>", start)]
    copied = html.unescape(re.sub(r"<[^>]+>", "", paragraph))  # what a copy of the text holds
    assert "391" not in copied
    assert "39[1]" in copied
    marker = re.search(r'<a class="footnote-ref"[^>]*>([^<]+)</a>', paragraph)
    assert marker is not None
    assert marker.group(1) == "[1]"  # the link's text, which a screen reader announces


def test_the_data_page_describes_each_data_file_and_offers_the_appraisal(
    built_site: Path,
) -> None:
    from analysis.appraisal.load import APPRAISAL_FILE
    from analysis.context.load import COMPARATORS_FILE

    page = (built_site / "data/index.html").read_text(encoding="utf-8")
    rows = dict(
        re.findall(r"<tr><td>downloads/([a-z]+\.yaml)</td><td>YAML</td><td>([^<]+)</td>", page)
    )
    assert set(rows) == {"study.yaml", "comparators.yaml", "appraisal.yaml"}
    assert "reported figures" in rows["study.yaml"]
    assert "not figures of this study" in html.unescape(rows["comparators.yaml"])
    assert "judgements" in rows["appraisal.yaml"]
    assert len(set(rows.values())) == 3
    downloads = built_site / "downloads"
    assert (downloads / "appraisal.yaml").read_text() == APPRAISAL_FILE.read_text()
    assert (downloads / "comparators.yaml").read_text() == COMPARATORS_FILE.read_text()
    text = page_text(built_site, "data/index.html")
    assert "The appraisal file" in text
