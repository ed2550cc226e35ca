"""The study domain's inline values (``{{ value NAME }}``), each built from :class:`StudyResults`."""

from __future__ import annotations

from ..cells import number_at
from .results import EVENTS_PER_VARIABLE, StudyResults, deaths_by_survival_time
from .schema import ProportionFigure
from .tables import INTERVAL_METHODS, reported_text

__all__ = ["study_values"]


def study_values(results: StudyResults) -> dict[str, str]:
    """The study's short texts a page can place inline with ``{{ value NAME }}``."""
    study = results.study
    values = {fig.id: reported_text(fig) for fig in study.figures}
    for fig in study.figures:
        if isinstance(fig, ProportionFigure):
            values[f"{fig.id}_numerator"] = str(fig.numerator)
            values[f"{fig.id}_denominator"] = str(fig.denominator)
    flow = results.flow
    for name in flow.derived_fields:
        values[name] = str(getattr(flow, name))
    props = results.proportions.set_index("id")
    for ident, row in props.iterrows():
        values[f"{ident}_count"] = f"{row['numerator']}/{row['denominator']}"
        values[f"{ident}_share"] = f"{100 * row['proportion']:.1f}%"
        values[f"{ident}_ci"] = f"{100 * row['exact_lower']:.1f}–{100 * row['exact_upper']:.1f}%"
        values[f"{ident}_wilson_ci"] = (
            f"{100 * row['wilson_lower']:.1f}–{100 * row['wilson_upper']:.1f}%"
        )
    surv = results.survival.set_index("method")
    for method, suffix in (("log-log", ""), ("plain", "_plain"), ("log", "_log")):
        lower = number_at(surv, method, "lower", table="survival")
        upper = number_at(surv, method, "upper", table="survival")
        values[f"os_5y_ci{suffix}"] = f"{100 * lower:.1f}–{100 * upper:.1f}%"
    coverage = results.coverage.set_index("method")["lowest_coverage"]
    for method, suffix in (("log-log", "loglog"), ("log", "log"), ("plain", "plain")):
        values[f"os_5y_coverage_{suffix}"] = f"{100 * coverage[method]:.1f}%"
    deaths = deaths_by_survival_time(study)
    values["os_5y_deaths"] = str(deaths)
    values["epv_rule"] = str(EVENTS_PER_VARIABLE)
    values["os_5y_epv_factors"] = f"{deaths / EVENTS_PER_VARIABLE:.0f}"
    values["os_5y_ci_log_software"] = INTERVAL_METHODS["log"]
    values["os_5y_ci_software"] = INTERVAL_METHODS["log-log"]
    # The factors associated with the outcome other than by the multivariate analysis (the
    # abstract does not say by which analysis: "univariate" where it does, "not stated" here).
    associated = [f.factor for f in study.findings if f.analysis != "multivariate"]
    values["associated_factors"] = " and ".join(f[0].lower() + f[1:] for f in associated)
    c = study.citation
    surnames = [a.split()[-1] + " " + "".join(p[0] for p in a.split()[:-1]) for a in c.authors]
    authors = ", ".join(surnames[:3]) + (", et al." if len(surnames) > 3 else "")
    values["citation"] = (
        f"{authors} {c.title.rstrip('.')}. *{c.journal_abbrev}*. {c.date.year};"
        f"{c.volume}({c.issue}):{c.pages}."
    )
    values["authors"] = ", ".join(c.authors)
    values["doi"] = c.doi
    values["pmid"] = c.pmid
    values["journal"] = c.journal
    values["year"] = str(c.date.year)
    values["trials"] = " and ".join(study.design.trials)
    values["enrolment_years"] = "–".join(str(y) for y in study.design.enrolment_years)
    checks = results.checks
    open_questions = sum(ch.status == "warn" for ch in checks)
    values["checks_consistent"] = str(len(checks) - open_questions)
    values["checks_open"] = str(open_questions)
    # The Checks page's list of open questions: one per ⚠ check, so its length is checks_open.
    values["open_questions_list"] = "\n".join(
        f"- **{ch.open_question or ch.title}** {ch.explanation}"
        for ch in checks
        if ch.status == "warn"
    )
    return values
