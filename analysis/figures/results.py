"""What is derived from a study of reported figures, each part computed once on first use: the
checks of the figures against each other and what the printed numbers allow (the tables, the
chart and the values of the domain all read them from here)."""

from __future__ import annotations

from functools import cached_property

from .allowed import Bounds, DeathCount, SeAllowance, death_counts, se_allowances, time_bounds
from .checks import CheckResult, check_figures
from .schema import FigureStudy

__all__ = ["FigureResults"]


class FigureResults:
    """The study's figures with every check and bound derived from them (each made once)."""

    def __init__(self, study: FigureStudy) -> None:
        self.study = study

    @cached_property
    def checks(self) -> list[CheckResult]:
        """Every check the figures' kinds and relations allow (:func:`~.checks.check_figures`)."""
        return check_figures(self.study)

    @cached_property
    def bounds(self) -> list[Bounds]:
        """Each curve's range between its printed estimates (:func:`~.allowed.time_bounds`)."""
        return time_bounds(self.study)

    @cached_property
    def se_allowances(self) -> list[SeAllowance]:
        """Each survival SE against its no-censoring floor (:func:`~.allowed.se_allowances`)."""
        return se_allowances(self.study)

    @cached_property
    def death_counts(self) -> list[DeathCount]:
        """What the SE searches say of the patients alive (:func:`~.allowed.death_counts`): the
        slowest part, a search over orders of deaths and losses."""
        return death_counts(self.study)
