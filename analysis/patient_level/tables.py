"""The patient-level view's tables, each built from one
:class:`~analysis.patient_level.results.PatientAnalysis` (computed once per build); each carries
its data source (:mod:`.labels`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..artifact import Table
from .cell import real, text, whole
from .cohorts import concat_ensembles
from .labels import (
    BAND_TIMES,
    DATA_SOURCE_FIELD,
    file_prefix,
    percent_text,
    scenario_note,
    source_text,
    tagged,
)
from .results import PatientAnalysis
from .rules import BOUNDS, HYPOTHESES, RULES, rule_violations, what_cohorts_hold
from .scenarios import assumption_notes, prior_text
from .schema import COLUMNS

__all__ = [
    "TABLES",
    "assumptions_table",
    "cohort_table",
    "fidelity_table",
    "models_table",
    "rules_table",
    "scenarios_table",
    "schema_table",
]


def _num(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def fidelity_table(a: PatientAnalysis) -> Table:
    """Every published number beside the value every scenario's cohorts (or the file) give."""
    rows = []
    many = a.ensemble.size > 1
    for rule in a.rules:
        values = np.concatenate([c.measures[rule.measure].to_numpy(dtype=float) for c in a.checks])
        finite = np.isfinite(values).any()
        row = {
            "measure": rule.measure,
            "label": rule.label,
            "published": rule.published,
            "precision": rule.precision,
            "lower": rule.lower,
            "upper": rule.upper,
            "median": float(np.nanmedian(values)) if finite else np.nan,
            "min": float(np.nanmin(values)) if finite else np.nan,
            "max": float(np.nanmax(values)) if finite else np.nan,
        }
        ok = {c.name: c.passed[rule.measure].to_numpy() for c in a.checks}
        for c in a.checks:
            row[f"passing: {c.name}"] = int(ok[c.name].sum())
        row["cohorts_passing"] = int(sum(v.sum() for v in ok.values()))
        row["cohorts"] = int(sum(len(v) for v in ok.values()))
        row["passed"] = bool(all(v.all() for v in ok.values()))
        row["result"] = _result_text(a, ok)
        row["decimals"] = rule.decimals
        rows.append(row)
    rows.append(
        {
            "measure": "multivariate_p",
            "label": "No remission after salvage, independent poor prognostic factor",
            "published": f"{a.published_p}, multivariate (cannot be reproduced from summary numbers)",
            "precision": "not checked: the model's other covariates are not published",
            "lower": np.nan,
            "upper": np.nan,
            "median": np.nan,
            "min": np.nan,
            "max": np.nan,
            **{f"passing: {c.name}": np.nan for c in a.checks},
            "cohorts_passing": np.nan,
            "cohorts": sum(len(c.passed) for c in a.checks),
            "passed": np.nan,
            "result": "not checked",
            "decimals": 0,
        }
    )
    data = tagged(a, pd.DataFrame(rows))
    W = "the fidelity table"  # names the table if a field is not a number
    display = pd.DataFrame(
        {
            "Published number": data["label"],
            "Reported": data["published"],
            ("Median across cohorts" if many else "This data"): [
                "—"
                if np.isnan(m := real(r.median, where=W))
                else _num(m, whole(r.decimals, where=W))
                for r in data.itertuples()
            ],
            **(
                {
                    "Range across cohorts": [
                        "—"
                        if np.isnan(lo := real(r.min, where=W))
                        else f"{_num(lo, d := whole(r.decimals, where=W))}–"
                        f"{_num(real(r.max, where=W), d)}"
                        for r in data.itertuples()
                    ]
                }
                if many
                else {}
            ),
            "Precision": data["precision"],
            "Result": data["result"],
        }
    )
    caption = (
        f"Every published number beside the value the cohorts give, in every scenario "
        f"({scenario_note(a)})"
        if many
        else "Every published number beside the value the patient-level data give"
    )
    return Table(
        "survival_fidelity",
        caption,
        source_text(a),
        data.drop(columns=["decimals"]),
        display,
        {
            "data_source": DATA_SOURCE_FIELD,
            "measure": "identifier of the measure",
            "label": "what is compared",
            "published": "the number as printed",
            "precision": "how closely it must be met",
            "lower": "smallest accepted value",
            "upper": "accepted values lie below this (equal to lower for exact counts)",
            "median": "median across the cohorts of every scenario",
            "min": "smallest across the cohorts of every scenario",
            "max": "largest across the cohorts of every scenario",
            **{
                f"passing: {c.name}": f"cohorts of '{c.name}' meeting the published number"
                for c in a.checks
            },
            "cohorts_passing": "cohorts meeting the published number, every scenario (blank: not "
            "checked)",
            "cohorts": "cohorts compared, every scenario",
            "passed": "true if every cohort of every scenario meets it (blank: not checked)",
            "result": "the result as shown",
        },
        file_prefix(a),
    )


def _result_text(a: PatientAnalysis, ok: dict[str, np.ndarray]) -> str:
    """'✓ pass in all N scenarios (k/k)', or which scenarios fail; one cohort: ✓ or ✗."""
    total = sum(len(v) for v in ok.values())
    passing = sum(int(v.sum()) for v in ok.values())
    if total == 1:
        return "✓ pass" if passing else "✗ fail"
    if passing == total:
        return f"✓ pass in all {len(ok)} scenarios ({passing:,}/{total:,})"
    failing = "; ".join(
        f"{name} {int(v.sum()):,}/{len(v):,}" for name, v in ok.items() if not v.all()
    )
    return f"✗ fail: {failing}"


def models_table(a: PatientAnalysis) -> Table:
    """Effect of no remission on survival, computed on synthetic cohorts: illustrations of each
    scenario, never a finding (real data: the file's own estimates)."""
    many = a.ensemble.size > 1
    first = a.shown.title if a.shown is not None else "this data"
    who = f"one cohort ({first})" if many else "this data"
    rows = [
        ("cox_hr", who, a.cox["hr"], a.cox["lower"], a.cox["upper"], "95% confidence interval"),
        ("cox_p", who, a.cox["p"], np.nan, np.nan, ""),
        ("logrank_p", who, a.logrank_p, np.nan, np.nan, ""),
    ]
    if many:
        prior = {sc.label: prior_text(made.assumptions) for sc, made, _ in a.scenarios}
        w = "the scenario effects table"  # names the table if a field has the wrong type
        for r in a.scenario_effects.itertuples():
            name = text(r.scenario, where=w)
            scope = f"all cohorts ({name}; hazard ratio drawn {prior[name]})"
            hr = (real(r.hr_median, where=w), real(r.hr_p5, where=w), real(r.hr_p95, where=w))
            p = (real(r.p_median, where=w), real(r.p_p5, where=w), real(r.p_p95, where=w))
            rows.append(("cox_hr", scope, *hr, "5th–95th percentile"))
            rows.append(("logrank_p", scope, *p, "5th–95th percentile"))
    data = pd.DataFrame(
        rows, columns=["quantity", "scope", "estimate", "lower", "upper", "interval"]
    )
    names = {
        "cox_hr": "Hazard ratio of death, no remission vs remission (Cox, univariate)",
        "cox_p": "Wald P of that hazard ratio",
        "logrank_p": "Univariate log-rank P, same comparison",
    }
    display = pd.DataFrame(
        {
            "Quantity": data["quantity"].map(names),
            "Computed on": data["scope"],
            "Estimate": [
                f"{v:.2f}" if q == "cox_hr" else f"{v:.3f}"
                for q, v in zip(data["quantity"], data["estimate"], strict=True)
            ],
            "Interval": [
                ""
                if np.isnan(lo)
                else f"{lo:.2f}–{hi:.2f} ({kind})"
                if q == "cox_hr"
                else f"{lo:.3f}–{hi:.3f} ({kind})"
                for q, lo, hi, kind in zip(
                    data["quantity"], data["lower"], data["upper"], data["interval"], strict=True
                )
            ],
        }
    )
    caption = (
        "Effect of no remission after salvage in each scenario: illustrations of what the "
        "scenario assumes, not findings of the paper (which gives no hazard ratio)"
        if a.ensemble.reconstructed
        else "Effect of no remission after salvage on survival"
    )
    return Table(
        "survival_models",
        caption,
        source_text(a),
        tagged(a, data),
        display,
        {
            "data_source": DATA_SOURCE_FIELD,
            "quantity": "cox_hr, cox_p or logrank_p",
            "scope": "which cohort(s), under which named assumption, and the hazard-ratio prior "
            "the cohorts were drawn with",
            "estimate": "value (median across cohorts for 'all cohorts')",
            "lower": "lower end of the interval",
            "upper": "upper end of the interval",
            "interval": "kind of interval",
        },
        file_prefix(a),
    )


def scenarios_table(a: PatientAnalysis) -> Table:
    """Survival at 12, 24 and 36 months: the range the published numbers allow, then each
    scenario's middle 90% of cohorts."""
    bands = a.bands(list(BAND_TIMES))
    data = tagged(a, bands)
    wide = bands.pivot_table(
        index=["band", "assumption"], columns="months", values=["lower", "upper"], sort=False
    )
    display = pd.DataFrame(
        {
            "Band": [b for b, _ in wide.index],
            "What it assumes": [x for _, x in wide.index],
            **{
                f"{t:g} months": [
                    f"{percent_text(wide.loc[i, ('lower', t)])}–{percent_text(wide.loc[i, ('upper', t)])}"
                    for i in wide.index
                ]
                for t in BAND_TIMES
            },
        }
    )
    return Table(
        "survival_scenarios",
        "Overall survival at 12, 24 and 36 months: allowed by the published numbers (exact under "
        "the conditions stated on Survival), "
        "and the middle 90% of cohorts under each named assumption",
        source_text(a),
        data,
        display,
        {
            "data_source": DATA_SOURCE_FIELD,
            "band": "the range allowed by the published numbers, or a named assumption",
            "kind": "allowed (exact) or scenario (5th–95th percentile of its cohorts)",
            "assumption": "what the band assumes beyond the published numbers",
            "months": "time from the start of second-line treatment (months)",
            "lower": "lowest allowed survival, or 5th percentile across the scenario's cohorts",
            "median": "median across the scenario's cohorts (blank for the allowed range)",
            "upper": "highest allowed survival, or 95th percentile across the scenario's cohorts",
        },
        file_prefix(a),
    )


def cohort_table(a: PatientAnalysis) -> Table:
    frame = a.ensemble.cohort(a.representative)
    which = (
        f"One synthetic cohort, the one shown above ({a.shown.title})"
        if a.shown is not None
        else "The data"
    )
    return Table(
        "survival_cohort",
        f"{which}, in the patient file format",
        source_text(a),
        frame,
        frame,
        {c.name: c.description for c in COLUMNS if c.name in frame.columns},
        file_prefix(a),
    )


def assumptions_table(a: PatientAnalysis) -> Table:
    frame = pd.DataFrame(assumption_notes(a.bounds), columns=["question", "default", "why"])
    return Table(
        "reconstruction_assumptions",
        "What the paper leaves open, and what the reconstruction assumes",
        "This site's reconstruction (analysis/patient_level/reconstruct.py)",
        frame,
        frame.rename(
            columns={"question": "Left open by the paper", "default": "Assumed", "why": "Why"}
        ),
        {
            "question": "what the abstract does not say",
            "default": "the assumption",
            "why": "its justification",
        },
    )


def schema_table(a: PatientAnalysis) -> Table:
    frame = pd.DataFrame(
        {
            "column": [c.name for c in COLUMNS],
            "required": ["yes" if c.required else "no" for c in COLUMNS],
            "values": [
                "text, unique"
                if c.kind == "id"
                else "number ≥ 0"
                if c.kind == "months"
                else "number ≥ 0, or blank"
                if c.kind == "optional_months"
                else "any text"
                if c.kind == "text"
                else "0 or 1"
                if c.kind == "flag"
                else ", ".join(v if v else "(blank)" for v in c.allowed)
                for c in COLUMNS
            ],
            "description": [c.description.replace("`", "") for c in COLUMNS],
        }
    )
    return Table(
        "patient_schema",
        "Columns of a patient-level data file",
        "analysis/patient_level/schema.py",
        frame,
        frame.rename(columns=str.capitalize),
        {
            "column": "column name in the header row",
            "required": "whether it must be present",
            "values": "allowed values",
            "description": "meaning",
        },
    )


def rules_table(a: PatientAnalysis) -> Table:
    """Every rule, bound and hypothesis rule, where it comes from, what the cohorts (or the
    file) hold for it, and whether every patient follows it, in every scenario it applies to."""
    order = [*RULES, *BOUNDS, *(h.rule for h in HYPOTHESES.values())]
    many = a.ensemble.size > 1
    rows = []
    for rule in order:
        applies = [c for c in a.checks if rule.name in c.rules_passed.columns]
        if not applies:
            continue
        ens = concat_ensembles([c.ensemble for c in applies])
        ok = {c.name: c.rules_passed[rule.name].to_numpy() for c in applies}
        passing = sum(int(v.sum()) for v in ok.values())
        total = sum(len(v) for v in ok.values())
        broken = (
            []
            if a.ensemble.reconstructed
            else list(
                np.array(a.ensemble.ids)[
                    rule_violations(a.ensemble, bounds=a.bounds, rules=(rule,))[rule.name][0]
                ]
            )
        )
        hypothesis = next((h.label for h in HYPOTHESES.values() if h.rule.name == rule.name), None)
        scope = (
            "every scenario"
            if len(applies) == len(a.checks) or hypothesis is None
            else f"the {len(applies)} scenario{'s' if len(applies) > 1 else ''} in which "
            f"{hypothesis}"
        )
        rows.append(
            {
                "rule": rule.name,
                "kind": rule.kind,
                "text": rule.text,
                "source": rule.source,
                "applies_to": scope if many else "this data",
                "drawn": what_cohorts_hold(rule.name, ens, a.bounds),
                "cohorts_passing": passing,
                "cohorts": total,
                "passed": passing == total,
                "broken_by": ", ".join(broken),
                "result": (
                    ("✓ pass" if passing == total else "✗ fail")
                    + (f" ({passing:,}/{total:,}, {scope})" if many else "")
                    + (f"; broken by {', '.join(broken)}" if broken else "")
                ),
            }
        )
    frame = pd.DataFrame(rows)
    who = "the synthetic cohorts" if many else "the data"
    return Table(
        "clinical_rules",
        f"The clinical rules and bounds every patient follows (this site's reading; landmark "
        f"{a.landmark:g} months), checked on {who}",
        f"This site's rules (analysis/patient_level/rules.py), checked on {scenario_note(a)}",
        tagged(a, frame) if a.ensemble.reconstructed else frame,
        pd.DataFrame(
            {
                "Rule": frame["text"],
                "Where it comes from": frame["source"],
                ("What the cohorts hold" if many else "What the data hold"): frame["drawn"],
                "Result": frame["result"],
            }
        ),
        {
            **({"data_source": DATA_SOURCE_FIELD} if a.ensemble.reconstructed else {}),
            "rule": "identifier of the rule",
            "kind": "rule (the site's reading, for every file), bound (the reconstruction's "
            "draws) or hypothesis (one reading of the patients missing from the remission "
            "denominator)",
            "text": "what it requires of every patient",
            "source": "where it comes from: the abstract, this site's choice or a named assumption",
            "applies_to": "the scenarios whose cohorts must follow it",
            "drawn": "what the cohorts (or the file) hold for it",
            "cohorts_passing": "cohorts in which every patient follows it",
            "cohorts": "cohorts checked",
            "passed": "true if every patient of every cohort checked follows it",
            "broken_by": "real data: the patients who break it",
            "result": "the result as shown",
        },
        file_prefix(a),
    )


TABLES: tuple[Callable[[PatientAnalysis], Table], ...] = (
    fidelity_table,
    models_table,
    scenarios_table,
    cohort_table,
    assumptions_table,
    rules_table,
    schema_table,
)
