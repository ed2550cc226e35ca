"""The arithmetic on printed figures (analysis.stats.reported) against its forward formulas."""

from __future__ import annotations

import math

import pytest

from analysis.stats.intervals import survival_interval
from analysis.stats.reported import TRANSFORMS, half_unit, se_from_limit, wald_p_from_ci


@pytest.mark.parametrize("method", TRANSFORMS)
@pytest.mark.parametrize("estimate", [0.1, 0.432, 0.9])
def test_se_from_limit_inverts_survival_interval(method: str, estimate: float) -> None:
    se = 0.05
    interval = survival_interval(estimate, se, method=method)  # type: ignore[arg-type]
    assert se_from_limit(estimate, interval.lower, side="lower", method=method) == pytest.approx(se)  # type: ignore[arg-type]
    if interval.upper < 1:
        assert se_from_limit(
            estimate, interval.upper, side="upper", method=method
        ) == pytest.approx(se)  # type: ignore[arg-type]


def test_limit_on_the_wrong_side_gives_a_negative_se() -> None:
    assert se_from_limit(0.4, 0.5, side="lower", method="plain") < 0


def test_wald_p_matches_a_hand_computation() -> None:
    se = (math.log(4.0) - math.log(1.0)) / (2 * 1.959963984540054)
    z = math.log(2.0) / se
    expected = math.erfc(z / math.sqrt(2))
    assert wald_p_from_ci(2.0, 1.0, 4.0) == pytest.approx(expected)
    assert wald_p_from_ci(1.0, 0.5, 2.0) == pytest.approx(1.0)


def test_half_unit() -> None:
    assert half_unit(1) == pytest.approx(0.05)
    assert half_unit(0) == 0.5


def test_bad_inputs_raise() -> None:
    with pytest.raises(ValueError, match="estimate"):
        se_from_limit(1.2, 0.5, side="lower", method="log")
    with pytest.raises(ValueError, match="lower < upper"):
        wald_p_from_ci(1.0, 2.0, 1.0)
