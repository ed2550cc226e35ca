"""Under ``serve`` a bundle's pictures are drawn after the pages; when the next edit comes while
they are still being drawn, that bundle is superseded: its child (and the child's drawing helper)
is stopped, not left drawing pictures nobody will see while the next bundle computes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analysis.errors import AnalysisError
from analysis.mkdocs_side.artifacts.jobs import start_bundle
from analysis.mkdocs_side.artifacts.serve import ServeSession
from analysis.mkdocs_side.signals import SIGNAL_FILE
from testsupport.project import STUDY_FILE

pytestmark = pytest.mark.slow  # computes bundles in child processes

PUBLISHED = "numerator: 15\n    denominator: 37\n    percent: 40.5"


def _study(folder: Path, numerator: int) -> Path:
    """The study with ``numerator``/37 salvage remissions."""
    path = folder / f"study-{numerator}.yaml"
    edited = f"numerator: {numerator}\n    denominator: 37\n    percent: {100 * numerator / 37:.1f}"
    path.write_text(STUDY_FILE.read_text().replace(PUBLISHED, edited))
    return path


def _processes_of(study: Path) -> set[tuple[int, str]]:
    """The live bundle child reading ``study`` and the processes it started (pid, start time)."""
    table: dict[int, tuple[int, str, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] not in {"Z", "X"}:
            table[int(entry.name)] = (int(fields[1]), fields[19], argv)
    found = {
        pid for pid, (_, _, argv) in table.items() if "bundle --out" in argv and str(study) in argv
    }
    while below := {pid for pid, (ppid, _, _) in table.items() if ppid in found} - found:
        found |= below
    return {(pid, table[pid][1]) for pid in found}


def test_a_bundle_superseded_while_drawing_its_pictures_is_stopped(tmp_path: Path) -> None:
    cache, signals = tmp_path / "cache", tmp_path / "signals"
    session = ServeSession(signals, ahead=False)
    first = start_bundle(cache, study_file=_study(tmp_path, 15), pictures_last=True)
    session.started(first)
    assert session.pictures_entry(first) == first.entry  # the first build waits for its pictures

    older_study = _study(tmp_path, 16)
    older = start_bundle(cache, study_file=older_study, pictures_last=True)
    session.started(older)
    older.result()
    assert session.pictures_entry(older) == first.entry  # its own are drawn after the pages
    drawing = _processes_of(older_study)
    assert len(drawing) >= 2, drawing  # the bundle child and what it started: its drawing helper
    assert not older.done  # still drawing when the next edit comes

    newer = start_bundle(cache, study_file=_study(tmp_path, 17), pictures_last=True)
    session.started(newer)
    deadline = time.monotonic() + 10
    while (drawing & _processes_of(older_study)) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        assert not drawing & _processes_of(older_study), "the superseded bundle goes on drawing"
        assert not newer.done  # stopped while the newer bundle computes, not after
        while session.running_bundle() is older and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not older.entry.exists()
        assert not list(cache.glob(f".{older.entry.name}.tmp*")), "its half-written entry is left"
        assert not (signals / SIGNAL_FILE).exists()  # nothing of it to show: no rebuild
    finally:
        newer.stop()
    with pytest.raises(AnalysisError):
        newer.finish()
