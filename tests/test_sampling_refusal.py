"""A study that the numbers allow loading but no cohort can meet is refused as soon as the
candidates drawn show it, not after the whole sampling budget.

The study files here are SYNTHETIC: the shipped study.yaml with salvage remissions raised from
15 to 31 of 37, a writer's plausible slip. It loads and passes the checks made before any
sampling, but no candidate cohort has its transplants in remission consistent with it. The
sampler used to draw its 2,000,000 candidates (about 45 s here, the time ``make serve`` then
hung) before refusing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.errors import ReconstructionError
from analysis.patient_level.reconstruct import OUT_OF_REACH_DOUBT, out_of_reach, reconstruct
from analysis.patient_level.results import analyse
from analysis.study.load import load_study
from testsupport.project import PROJECT, STUDY_FILE

PUBLISHED = "numerator: 15\n    denominator: 37\n    percent: 40.5\n"
SLIP = "numerator: 31\n    denominator: 37\n    percent: 83.8\n"
BUDGET = 2_000_000  # reconstruct's default max_candidates


def _slipped(tmp_path: Path) -> Path:
    text = STUDY_FILE.read_text(encoding="utf-8")
    assert text.count(PUBLISHED) == 1
    path = tmp_path / "study_synthetic_remissions_31.yaml"
    path.write_text(
        "# SYNTHETIC: salvage remissions 31/37, which no cohort can meet.\n"
        + text.replace(PUBLISHED, SLIP),
        encoding="utf-8",
    )
    return path


def _tried(message: str) -> int:
    found = re.search(r"accepted after ([\d,]+) candidates", message)
    assert found, message
    return int(found.group(1).replace(",", ""))


def test_the_refusal_comes_long_before_the_budget_and_names_what_failed(tmp_path: Path) -> None:
    with pytest.raises(ReconstructionError) as refused:
        analyse(load_study(_slipped(tmp_path)))
    text = str(refused.value)
    # Far fewer candidates than the budget: the early stop, not the budget, refused it.
    assert _tried(text) <= BUDGET // 20, text
    for part in (
        "scenario 'constant'",  # the first scenario drawn
        "study.yaml",
        "only 0 of 1,000 cohorts",
        "Met least often: the rule 'transplant_matches_remission'",
        "by 0 of",
    ):
        assert part in text, text


def test_the_bundle_command_refuses_it_with_that_message(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            *(sys.executable, "-m", "analysis", "bundle", "--study", str(_slipped(tmp_path))),
            *("--out", str(tmp_path / "b"), "--steps", str(tmp_path / "steps")),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode != 0
    assert "transplant_matches_remission" in run.stderr + run.stdout
    assert _tried(run.stderr + run.stdout) <= BUDGET // 20
    assert not (tmp_path / "b").exists()  # nothing filed for a refused study


@pytest.mark.parametrize(
    ("accepted", "tried", "expected"),
    [
        (0, 41_778, True),  # the slip above: nothing accepted in ~42,000
        (0, 20_000, False),  # too few tried to rule out 1 in 2,000
        (1, 400_000, True),  # one in 400,000 cannot make 1,000 in 2,000,000
        (5, 10_000, False),  # 1 in 2,000 is exactly what the budget needs: draw on
        (600, 1_000_000, False),  # halfway through the budget, and the rate suffices
        (999, 1_000_000, False),  # one cohort short, half the budget left
        (999, 1_999_000, True),  # one short, but 1,000 candidates left cannot give it at 1 in 2,000
    ],
)
def test_out_of_reach_refuses_only_what_the_candidates_tried_rule_out(
    accepted: int, tried: int, expected: bool
) -> None:
    assert out_of_reach(accepted, tried, 1000, BUDGET) is expected


def test_no_rate_the_tried_candidates_allow_is_ruled_out() -> None:
    # At the true rate the budget just suffices for, the stop must almost never fire: the
    # expected count of acceptances is checked against its one-sided limit at each batch size.
    rate = 1000 / BUDGET
    for tried in (1_266, 10_000, 100_000, 1_000_000):
        accepted = round(rate * tried)
        assert not out_of_reach(accepted, tried, 1000, BUDGET)
    assert OUT_OF_REACH_DOUBT <= 1e-6


def test_the_shipped_study_is_drawn_as_before(tmp_path: Path) -> None:
    # The stop only reads counts: a study that samples draws the same cohorts, seed for seed.
    study = load_study()
    first = reconstruct(study, cohorts=40, seed=11)
    again = reconstruct(study, cohorts=40, seed=11, max_candidates=first.candidates)
    assert again.candidates == first.candidates
    assert (again.ensemble.months == first.ensemble.months).all()
