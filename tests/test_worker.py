"""Under serve the reconstructed cohorts are drawn in a worker started ahead: the same cohorts as
drawn here, a failure reported with the same message, and no worker used before it is ready."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pytest

from analysis.child_side import worker
from analysis.errors import AnalysisError, ReconstructionError
from analysis.registry import Inputs


def _ready_worker() -> ProcessPoolExecutor:
    """A worker started ahead and ready. One asked for while still importing is shut down, so
    each new one is given twice as long as the last: on a loaded machine, where importing takes
    longer than any fixed wait, a fixed wait would never find one ready."""
    wait, deadline = 2.0, time.monotonic() + 240
    while time.monotonic() < deadline:
        worker.start_worker_ahead()
        time.sleep(wait)
        pool = worker.worker_started_ahead()
        if pool is not None:
            return pool
        wait *= 2
    raise AssertionError("no worker was ready within 240 s")


def fails_on_purpose() -> None:
    msg = "only 3 of 200 cohorts accepted after 2000000 candidates"
    raise ReconstructionError(msg)


def test_a_worker_still_importing_is_not_used_and_is_shut_down() -> None:
    worker.start_worker_ahead()
    assert worker.worker_started_ahead() is None  # its libraries take seconds to import
    assert worker.worker_started_ahead() is None  # and it is gone, not handed out later


def test_the_cohorts_drawn_in_the_worker_are_the_ones_drawn_here() -> None:
    here = Inputs(cohorts=200).patient_analysis
    elsewhere = Inputs(cohorts=200)
    with _ready_worker() as pool:
        elsewhere.start_patient_analysis(partial(pool.submit, worker.call))
        there = elsewhere.patient_analysis
    assert [s.key for s, _, _ in there.scenarios] == [s.key for s, _, _ in here.scenarios]
    for (_, made_there, curves_there), (_, made_here, curves_here) in zip(
        there.scenarios, here.scenarios, strict=True
    ):
        for field in ("months", "death", "salvage", "transplant", "hazard_ratio"):
            assert np.array_equal(
                getattr(made_there.ensemble, field), getattr(made_here.ensemble, field)
            ), field
        assert np.array_equal(curves_there, curves_here)
    assert there.scenario_effects.equals(here.scenario_effects)


def test_a_failure_in_the_worker_comes_back_with_its_message() -> None:
    with _ready_worker() as pool:
        failed = pool.submit(worker.call, fails_on_purpose)
        with pytest.raises(AnalysisError, match=r"^only 3 of 200 cohorts accepted"):
            failed.result()
