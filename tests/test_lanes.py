"""The test lanes: `make test` runs every test, `make test-fast` all but those marked browser,
clone or slow, and the markers say what the tests really use."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest

from testsupport.lanes import FIXTURE_MARKS, LANE_MARKS
from testsupport.project import PROJECT
from testsupport.shared import built_once


def _makefile_recipe(target: str) -> str:
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    found = re.search(rf"(?m)^{re.escape(target)}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile)
    assert found is not None, f"the Makefile has no {target} target"
    return found[1]


def _fast_expression() -> str:
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"(?m)^FAST := (.+)$", makefile)
    assert found is not None, "the Makefile has no FAST expression"
    return found[1].strip()


def _registered_markers() -> set[str]:
    with (PROJECT / "pyproject.toml").open("rb") as handle:
        lines = tomllib.load(handle)["tool"]["pytest"]["ini_options"]["markers"]
    return {line.split(":", 1)[0] for line in lines}


def test_make_test_runs_every_test_whatever_its_markers() -> None:
    recipe = _makefile_recipe("test").strip()
    assert re.fullmatch(r"\$\(UV\) run --no-sync pytest \$\(PYTEST_PARALLEL\)", recipe), recipe
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    parallel = re.search(r"(?m)^PYTEST_PARALLEL = (.*)$", makefile)
    assert parallel is not None
    assert not re.search(r"(^|\s)-[mk]\b", parallel[1]), "the workers' options deselect tests"
    with (PROJECT / "pyproject.toml").open("rb") as handle:
        options = tomllib.load(handle)["tool"]["pytest"]["ini_options"]
    assert not {"-m", "-k"} & set(options["addopts"]), "pytest's options deselect tests"
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().endswith("make test")


def test_the_fast_lane_leaves_out_exactly_the_lane_markers_and_every_marker_is_one() -> None:
    assert _fast_expression() == " and ".join(f"not {m}" for m in sorted(LANE_MARKS))
    assert _registered_markers() == LANE_MARKS, "a marker nothing selects or deselects"
    assert set(FIXTURE_MARKS.values()) <= LANE_MARKS
    assert '-m "$(FAST)"' in _makefile_recipe("test-fast")


def _collected(expression: str) -> set[str]:
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*command, "-m", expression],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return {line for line in result.stdout.splitlines() if "::" in line}


@pytest.mark.slow  # collects the suite four times
def test_each_lane_marker_selects_the_tests_that_use_what_it_names() -> None:
    browser, clone, slow = (_collected(m) for m in ("browser", "clone", "slow"))
    fast = _collected(_fast_expression())
    assert browser
    assert clone
    assert slow
    assert fast
    assert {t for t in browser if t.startswith("tests/test_browser.py::")}, "by its fixture"
    assert any("test_every_documented_command_runs" in t for t in clone), "marked by hand"
    assert any(t.startswith("tests/test_notes_suggest.py::") for t in slow), "changed_site"
    assert not (fast & (browser | clone | slow))
    everything = _collected("")
    assert fast | browser | clone | slow == everything, "a test in no lane"


def test_a_site_built_once_per_run_is_built_by_the_first_worker_and_reused_by_the_others(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Two workers asking at once (threads here: the lock is per open file, as between
    processes): one builds, the other waits for it and gets the same folder."""
    calls: list[Path] = []

    def build(folder: Path) -> Path:
        calls.append(folder)
        time.sleep(0.3)  # the other asks meanwhile, or after: either way it must not build
        (folder / "site").mkdir()
        return folder / "site"

    got: list[Path] = []
    threads = [
        threading.Thread(target=lambda: got.append(built_once(tmp_path_factory, "once", build)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(got) == 2
    assert got[0] == got[1] == calls[0] / "site"
