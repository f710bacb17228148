"""The analyses a report shows, computed here once per run so that renderers only render.

The HTML report (and ``parindex report --format json``) shows two analyses of the latest
run: the rank certainty (:func:`parindex.analysis.uncertainty.uncertainty`, with the report's
fixed draws and seed, so the same bundles give the same page) and each unit's way to the next
band (:func:`parindex.analysis.advice.advice`). :func:`report_analyses` hands them to the
renderer. Each is computed on first use and kept in the run's ``memo`` (a plain dict on the
frozen :class:`~parindex.scoring.run.Run`, left out of its equality and repr): the cache lives
and dies with the run, a run re-scored with changes is a new run with an empty memo, and no
module-level registry keyed by runs is needed. Computing lazily matters because the charts
alone (``--format json``) need the certainty but not the advice, which runs a plan per band.
"""

from __future__ import annotations

from typing import cast

from parindex.analysis.advice import Advice, advice
from parindex.analysis.uncertainty import Uncertainty, uncertainty
from parindex.scoring.run import Run

#: the report's rank-certainty simulation: fixed, so the same bundles give the same page
REPORT_DRAWS, REPORT_SEED = 1000, 0
_UNCERTAINTY, _ADVICE = "report.uncertainty", "report.advice"


class ReportAnalyses:
    """The analyses of one run that a report shows, each computed on first use."""

    def __init__(self, run: Run) -> None:
        self.run = run

    @property
    def uncertainty(self) -> Uncertainty:
        """Rank certainty with the report's draws and seed."""
        memo = self.run.memo
        if _UNCERTAINTY not in memo:
            memo[_UNCERTAINTY] = uncertainty(self.run, draws=REPORT_DRAWS, seed=REPORT_SEED)
        return cast(Uncertainty, memo[_UNCERTAINTY])

    @property
    def advice(self) -> list[Advice]:
        """Every unit's way to the next band, in unit order."""
        memo = self.run.memo
        if _ADVICE not in memo:
            memo[_ADVICE] = advice(self.run)
        return cast(list[Advice], memo[_ADVICE])


def report_analyses(run: Run) -> ReportAnalyses:
    """The analyses a report of ``run`` shows (computed at most once per run)."""
    return ReportAnalyses(run)


__all__ = ["REPORT_DRAWS", "REPORT_SEED", "ReportAnalyses", "report_analyses"]
