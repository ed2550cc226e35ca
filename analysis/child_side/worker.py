"""A second process for the reconstructed cohorts, started ahead of a ``serve`` rebuild.

Reconstructing the scenarios' cohorts (one of them filters thousands of candidates on their
log-rank P) is the longest single step of a bundle, and nothing needs it until the survival
analysis, which comes after the study's and the comparators' charts. Under ``serve`` the
bundle's child starts this worker while the writer is still typing (:func:`start_worker_ahead`,
one of the child's preloads): it imports the numerical libraries and waits. When the edit comes,
the cohorts are drawn there while the child builds the other charts, on the machine's other core
(:meth:`analysis.registry.Inputs.start_patient_analysis`).

The worker imports none of the package's analysis code ahead (only this module, the error types
and :mod:`analysis.lifetime`, which ends it with the process that started it): the function it
is given is imported when it arrives, so an edit to that code is what runs. A worker that is not
ready yet (still importing) is not used, and a build without one computes in its own process;
the cohorts are the same either way (same code, same seed). Standard library only.
"""

from __future__ import annotations

import importlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from ..errors import AnalysisError
from ..lifetime import pool_initializer

__all__ = ["LIBRARIES", "call", "start_worker_ahead", "worker_started_ahead"]

T = TypeVar("T")

# What the reconstruction imports; a worker has them loaded before its first task.
LIBRARIES = ("numpy", "pandas", "scipy.stats", "pydantic", "yaml")

_AHEAD: list[tuple[ProcessPoolExecutor, Future[int]]] = []  # the worker and its readiness


def _import_libraries() -> None:
    for name in LIBRARIES:
        importlib.import_module(name)


def start_worker_ahead() -> None:
    """Start the next bundle's worker (without waiting for it to be ready)."""
    if not _AHEAD:
        # "spawn": a fresh interpreter that imports only this module, on every platform.
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=pool_initializer(_import_libraries),  # ends with this process
        )
        _AHEAD.append((pool, pool.submit(int)))  # done once the libraries are imported


def worker_started_ahead() -> ProcessPoolExecutor | None:
    """The worker started ahead, if it is ready for work (else it is shut down: no worker)."""
    if not _AHEAD:
        return None
    pool, ready = _AHEAD.pop()
    if ready.done() and ready.exception() is None:
        return pool
    pool.shutdown(wait=False, cancel_futures=True)
    return None


def call(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)``, as run in the worker: a failure on purpose comes back as
    an :class:`~analysis.errors.AnalysisError` with the same message (its own type may not
    survive the trip between processes)."""
    try:
        return function(*args, **kwargs)
    except AnalysisError as exc:
        raise AnalysisError(str(exc)) from None
