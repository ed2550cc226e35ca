"""The test lanes: markers given by what a test uses, and a report of slow unmarked tests.

Loaded into pytest by ``-p testsupport.lanes`` (pyproject.toml, ``addopts``). ``make test`` runs
every test whatever its markers; ``make test-fast`` leaves out ``browser``, ``clone`` and
``slow`` (the Makefile's ``FAST`` expression). A test gets ``browser``, ``clone`` or ``slow``
here from the fixtures it uses, so that the lane cannot be wrong about them; a test that asks
for such a fixture at run time (``request.getfixturevalue``) carries the marker itself.
"""

from __future__ import annotations

import pytest

__all__ = ["FIXTURE_MARKS", "SLOW_SECONDS"]

FIXTURE_MARKS = {
    "browser": "browser",  # Chromium
    "clone": "clone",  # the fresh clone of the repository and its make
    "clone_site": "clone",
    "changed_site": "slow",  # a changed copy of the site: a build of its own
}
LANE_MARKS = {"browser", "clone", "slow"}
SLOW_SECONDS = 10.0  # a test of the fast lane that takes longer is reported at the end

_fast_durations: dict[str, float] = {}  # the tests of the fast lane (no lane marker) that ran


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            mark = FIXTURE_MARKS.get(fixture)
            if mark is not None and item.get_closest_marker(mark) is None:
                item.add_marker(mark)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # The report's keywords carry the markers, in this process or from a worker process alike.
    if report.when == "call" and not LANE_MARKS & set(report.keywords):
        _fast_durations[report.nodeid] = report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    slow = sorted(
        (
            (seconds, nodeid)
            for nodeid, seconds in _fast_durations.items()
            if seconds > SLOW_SECONDS
        ),
        reverse=True,
    )
    if slow:
        terminalreporter.section("fast-lane tests that took long (mark them slow?)")
        for seconds, nodeid in slow:
            terminalreporter.write_line(f"{seconds:6.1f} s  {nodeid}")
