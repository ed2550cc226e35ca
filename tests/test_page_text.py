"""What the built pages say about the study: claims a clinician-statistician reading the site
checked (issue 14), each read off the strictly built site."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from analysis.registry import build_artifacts

pytestmark = pytest.mark.slow

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
    assert "log–log interval, 13.4–39.7%: it is the default of the Python library lifelines" in text
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


def test_every_only_independent_predictor_carries_the_guarantee_time_caveat(
    built_site: Path,
) -> None:
    caveat = "remission is assessed after the survival clock starts (guarantee-time bias)"
    for page in ("index.html", "handout/index.html", "appraisal/index.html"):
        text = page_text(built_site, page)
        claims = list(re.finditer(r"only independent predictor|[Ss]ole independent", text))
        assert claims, page
        for claim in claims:
            after = text[claim.end() : claim.end() + 400].lower()
            assert caveat.lower() in after, f"{page}: {text[claim.start() : claim.end() + 200]!r}"
        assert "favours those who live long enough to remit" in text, page
    limitations = section(page_text(built_site, "appraisal/index.html"), "Limitations")
    assert "Remission is measured after the clock starts" in limitations


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


def test_handout_gives_the_median_first_remission_and_the_univariate_factors(
    built_site: Path, values: dict[str, str]
) -> None:
    text = page_text(built_site, "handout/index.html")
    assert f"Median first remission: {values['first_remission']}" in text
    assert values["univariate_factors"] == (
        "age under 3 months at initial diagnosis and central nervous system involvement at "
        "initial diagnosis"
    )
    assert f"one at a time: {values['univariate_factors']}" in text
