"""The survival models fitted with lifelines on one cohort: Kaplan–Meier curves with numbers at
risk, the Cox model of remission, and the landmark analysis of remission (lifelines is imported
when a model is fitted)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cohorts import SALVAGE_CODES

__all__ = ["cox_fit", "km_fit", "landmark_fit"]


def km_fit(
    months: np.ndarray, death: np.ndarray, ticks: np.ndarray, name: str, end: float = np.inf
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan–Meier curve and numbers at risk; a curve longer than ``end`` stops there (a
    last step at ``end`` carries the estimate on)."""
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter(label="survival").fit(months, death)
    sf = kmf.survival_function_["survival"]
    ci = kmf.confidence_interval_
    curve = pd.DataFrame(
        {
            "group": name,
            "months": sf.index.to_numpy(dtype=float),
            "survival": sf.to_numpy(),
            "lower": ci.iloc[:, 0].to_numpy(),
            "upper": ci.iloc[:, 1].to_numpy(),
        }
    )
    censored = pd.Series(months[death == 0])
    curve["censored"] = curve["months"].isin(censored).astype(int)
    if np.isfinite(end) and curve["months"].max() > end:
        curve = curve[curve["months"] <= end]
        last = curve.iloc[[-1]].assign(months=end, censored=0)
        curve = pd.concat([curve, last], ignore_index=True)
    risk = pd.DataFrame(
        {"group": name, "months": ticks, "at_risk": [(months >= t).sum() for t in ticks]}
    )
    return curve, risk


def cox_fit(months: np.ndarray, death: np.ndarray, salvage: np.ndarray) -> dict[str, float]:
    from lifelines import CoxPHFitter

    keep = salvage != SALVAGE_CODES["not_evaluable"]
    frame = pd.DataFrame(
        {
            "months": months[keep],
            "death": death[keep],
            "no_remission": (salvage[keep] == SALVAGE_CODES["no"]).astype(float),
        }
    )
    fit = CoxPHFitter().fit(frame, "months", "death", fit_options={"precision": 1e-12})
    row = fit.summary.loc["no_remission"]
    return {
        "hr": float(row["exp(coef)"]),
        "lower": float(row["exp(coef) lower 95%"]),
        "upper": float(row["exp(coef) upper 95%"]),
        "p": float(row["p"]),
    }


def landmark_fit(
    months: np.ndarray,
    death: np.ndarray,
    salvage: np.ndarray,
    landmark: float,
    ticks: np.ndarray,
    end: float = np.inf,
) -> tuple[pd.DataFrame, pd.DataFrame, float, int]:
    """Kaplan–Meier by remission among patients evaluated and alive at the landmark, time from
    the landmark; log-rank P; how many evaluated patients were left out (died by then)."""
    from lifelines.statistics import logrank_test

    evaluated = salvage != SALVAGE_CODES["not_evaluable"]
    alive = months > landmark
    keep = evaluated & alive
    t, d, g = months[keep] - landmark, death[keep], salvage[keep]
    parts = []
    for name, code in (("remission", SALVAGE_CODES["yes"]), ("no remission", SALVAGE_CODES["no"])):
        sel = g == code
        parts.append(km_fit(t[sel], d[sel], ticks, name, end))
    yes, no = g == SALVAGE_CODES["yes"], g == SALVAGE_CODES["no"]
    p = float(logrank_test(t[no], t[yes], d[no], d[yes]).p_value)
    return (
        pd.concat([c for c, _ in parts], ignore_index=True),
        pd.concat([r for _, r in parts], ignore_index=True),
        p,
        int((evaluated & ~alive).sum()),
    )
