"""The analyses a report shows are computed by `analysis`, once per run; the page only renders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from parindex.analysis import shown
from parindex.analysis.advice import advice
from parindex.analysis.uncertainty import uncertainty
from parindex.pipeline import open_run
from parindex.report.html import build_report, figures_json
from parindex.samples.sample import sample_root
from parindex.scoring.run import Change, Run


@pytest.fixture
def run() -> Run:
    return open_run(sample_root() / "2024")


class TestReportAnalyses:
    """Each analysis is computed on first use with the report's fixed settings, then reused."""

    def test_the_report_settings(self, run: Run) -> None:
        unc = shown.report_analyses(run).uncertainty
        assert (unc.draws, unc.seed) == (shown.REPORT_DRAWS, shown.REPORT_SEED)
        same = uncertainty(run, draws=shown.REPORT_DRAWS, seed=shown.REPORT_SEED)
        assert np.array_equal(unc.rank, same.rank, equal_nan=True)
        assert shown.report_analyses(run).advice == advice(run)

    def test_computed_once_per_run(self, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
        calls: list[str] = []

        def counted(name: str, fn: Any) -> Any:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                calls.append(name)
                return fn(*args, **kwargs)
            return wrapper

        monkeypatch.setattr(shown, "uncertainty", counted("uncertainty", uncertainty))
        monkeypatch.setattr(shown, "advice", counted("advice", advice))
        figures_json([run])
        assert calls == ["uncertainty"]  # the charts alone need no advice
        page = build_report([run])
        assert calls == ["uncertainty", "advice"]
        assert build_report([run]) == page
        assert calls == ["uncertainty", "advice"]
        changed = run.with_changes([Change(str(run.units["code"].iloc[0]), "1.1.1", "khong")])
        assert changed.memo == {}  # a re-scored run is a new run: nothing carried over
        assert shown.report_analyses(changed).uncertainty.run is changed
        assert calls == ["uncertainty", "advice", "uncertainty"]

    def test_analyses_of_another_run_are_refused(self, run: Run) -> None:
        other = open_run(sample_root() / "2023")
        with pytest.raises(ValueError, match="latest run"):
            build_report([run], analyses=shown.report_analyses(other))
