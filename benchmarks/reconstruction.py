"""Benchmark: ensemble generation, and vectorised survival statistics vs a lifelines loop.

Run: ``.venv/bin/python benchmarks/reconstruction.py``. Prints ratios from one run; the
vectorised and lifelines results are asserted identical (1e-9) on the same cohorts.
"""

from __future__ import annotations

import time
import warnings

import numpy as np


def main(loop_cohorts: int = 200) -> None:
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import logrank_test

    from analysis.patient_level.reconstruct import reconstruct
    from analysis.stats.survival import km_at, logrank
    from analysis.study.load import load_study

    study = load_study()
    reconstruct(study, cohorts=20)  # warm-up: imports and caches
    start = time.perf_counter()
    rec = reconstruct(study)
    generation = time.perf_counter() - start
    ens = rec.ensemble
    print(
        f"ensemble generation: {ens.size} cohorts accepted of {rec.candidates} candidates "
        f"in {generation:.2f} s"
    )

    start = time.perf_counter()
    surv, _ = km_at(ens.months, ens.death, [60.0])
    test = logrank(ens.months, ens.death, ens.salvage)
    vectorised = time.perf_counter() - start
    vec_rate = ens.size / vectorised

    n = min(loop_cohorts, ens.size)
    loop_s, loop_p = np.empty(n), np.empty(n)
    start = time.perf_counter()
    for i in range(n):
        t, e, g = ens.months[i], ens.death[i], ens.salvage[i]
        loop_s[i] = KaplanMeierFitter().fit(t, e).survival_function_at_times(60.0).iloc[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loop_p[i] = logrank_test(t[g == 1], t[g == 0], e[g == 1], e[g == 0]).p_value
    looped = time.perf_counter() - start
    loop_rate = n / looped
    np.testing.assert_allclose(surv[:n, 0], loop_s, rtol=0, atol=1e-9)
    np.testing.assert_allclose(test.p_value[:n], loop_p, rtol=0, atol=1e-9)
    print(f"vectorised KM + log-rank: {vec_rate:,.0f} cohorts/s ({ens.size} cohorts)")
    print(
        f"lifelines loop KM + log-rank: {loop_rate:,.1f} cohorts/s ({n} cohorts, "
        f"{1000 / loop_rate:.1f} ms each)"
    )
    print(f"speed-up: {vec_rate / loop_rate:,.0f}x (identical results to 1e-9)")


if __name__ == "__main__":
    main()
