"""``python -m analysis bundle``: compute every artifact, render it and write the cache entry
the site generator reads (:mod:`analysis.wire.bundle`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import Any

from ..wire.bundle import BUNDLE_JSON, FILES_DIR, READY, Bundle
from ..wire.digest import fingerprint as digest_fingerprint
from ..wire.digest import versions_read_once
from ..wire.steps import STEPS_DIR, Steps
from .reconstruction_step import reconstructed
from .registry_steps import registry_step

__all__ = ["bundle_command", "write_entry"]


def bundle_command(
    out: Path,
    *,
    study: Path | None = None,
    comparators: Path | None = None,
    fingerprint: str = "",
    patients: Path | None = None,
    cohorts: int | None = None,
    pictures_last: bool = False,
    steps_dir: Path | None = None,
    steps_off: frozenset[str] = frozenset(),
) -> int:
    """Compute and render every artifact into the cache entry ``out``.

    The drawer's helper process draws each chart as soon as it is built, while this process
    computes the rest; the bundle is handed over before the PNGs are drawn (:func:`write_entry`).
    The PNGs fill the helper's idle moments, unless they are not waited for (``pictures_last``):
    then none delays the drawing of a chart built after it.

    Each chart's drawings and each scenario's reconstruction are taken from the step cache in
    ``steps_dir`` (default: ``steps/`` beside ``out``) when their inputs and code are unchanged,
    and filed there otherwise (not those named in ``steps_off``); what was reused and made is
    printed as one line at the end.
    """
    read_from = tuple(p for p in (study, comparators, patients) if p is not None)
    key_before = _key(read_from, cohorts) if fingerprint else ""
    from ..registry import Inputs, build_artifacts, build_figure_artifacts, is_figure_study
    from ..render.blocks import ChartDrawings, render_bundle
    from ..render.draw import Drawer

    with versions_read_once(), Drawer() as drawer:
        handed_over: Future[None] = Future()
        if pictures_last:
            drawer.hold_later(handed_over)
        steps = Steps(steps_dir or out.parent / STEPS_DIR, off=steps_off)
        given: dict[str, Any] = {
            "study_file": study,
            "comparators_file": comparators,
            "cohorts": cohorts,
        }
        inputs = Inputs(
            patients_file=patients,
            reconstruct_with=partial(reconstructed, steps),
            step=partial(registry_step, steps),
            **{name: v for name, v in given.items() if v is not None},
        )
        drawings = ChartDrawings(drawer, steps=steps)
        if study is not None and is_figure_study(study):  # a study file of the generic model
            artifacts = build_figure_artifacts(study, on_chart=drawings.add)
        else:
            artifacts = build_artifacts(inputs, on_chart=drawings.add)
        # The key this entry is known by is re-made from the files as they are now: recorded
        # only if they are those the key was made from and did not change while they were read
        # (an edit meanwhile: the entry serves this build, and no later one takes it as a hit).
        same = fingerprint and _key(read_from, cohorts) == key_before == fingerprint
        recorded = fingerprint if same else ""
        bundle, pictures = render_bundle(artifacts, fingerprint=recorded, drawings=drawings)
        handed_over.set_result(None)
        write_entry(out, bundle, pictures)
    print(steps.summary(), flush=True)
    return 0


def _key(read_from: tuple[Path, ...], cohorts: int | None) -> str:
    """The bundle's key as its makers make it (:func:`~analysis.wire.digest.fingerprint`; the
    number diff's bundles of fewer cohorts say how many)."""
    key = digest_fingerprint(extra=read_from)
    return key if cohorts is None else f"{key}-cohorts{cohorts}"


def write_entry(
    entry: Path, bundle: Bundle, pictures: Iterable[tuple[str, Callable[[], bytes]]]
) -> None:
    """Write a cache entry: ``bundle.json`` first (announced on stdout with :data:`READY` so the
    site generator can go on), then each picture, then move the folder into place atomically.

    Another build that finished the same entry first wins; its content is the same.
    """
    tmp = entry.parent / f".{entry.name}.tmp{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / BUNDLE_JSON).write_text(bundle.to_json(), encoding="utf-8")
    print(READY, tmp / BUNDLE_JSON, flush=True)
    for site_path, draw in pictures:
        target = tmp / FILES_DIR / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(draw())
    try:
        tmp.rename(entry)
    except OSError:
        if not (entry / BUNDLE_JSON).exists():
            raise
        shutil.rmtree(tmp, ignore_errors=True)
