"""`parindex weak`: points lost per leaf, trailing the group median, areas below the band."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pytest
from typer.testing import CliRunner

from parindex.analysis.weak import Weakness, summary, weak
from parindex.cli import app
from parindex.cli.common import frame_csv
from parindex.evidence.states import MISSING, NA
from parindex.pipeline import open_run
from parindex.report.analysis_tables import summary_frame, weak_table
from parindex.samples.sample import sample_root
from parindex.scoring.run import Run, num_or_none

SAMPLE = sample_root() / "2024"
runner = CliRunner()


@pytest.fixture(scope="module")
def run(sample_run: Run) -> Run:
    return sample_run


@pytest.fixture(scope="module")
def reports(run: Run) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in weak(run)}


class TestPointsLost:
    """Leaves by points lost add up to what the unit misses of its applicable max."""

    def test_sorted_and_summing(self, run: Run, reports: dict[str, dict[str, Any]]) -> None:
        for code, r in reports.items():
            lost = [x["lost"] for x in r["lost"]]
            assert lost == sorted(lost, reverse=True)
            assert all(v > 0 for v in lost)
            i = run.unit_index(code)
            s = run.scores
            earned = s.appraised_points[i] + s.survey_points[i]
            assert r["points_lost"] == pytest.approx(s.applicable_max[i] - earned)

    def test_missing_loses_its_max_and_na_loses_nothing(self, run: Run,
                                                        reports: dict[str, dict[str, Any]]) -> None:
        r = reports["SM08"]  # 3.3 is missing for SM08
        row = next(x for x in r["lost"] if x["criterion"] == "3.3")
        assert row["status"] == "missing"
        assert row["lost"] == row["max"]
        i = run.unit_index("NN05")
        r = reports["NN05"]
        na = {run.edition.leaves[j].code for j in np.flatnonzero(run.scores.state[i] == NA)}
        assert na
        assert not na & {x["criterion"] for x in r["lost"]}


class TestGroupMedian:
    """Areas and leaves below the group's median, computed by hand for one unit."""

    def test_areas(self, run: Run, reports: dict[str, dict[str, Any]]) -> None:
        i = run.unit_index("NN03")
        group = (run.units["group"] == run.units["group"].iloc[i]).to_numpy()
        med = np.nanmedian(run.scores.area_index[group], axis=0)
        want = [a.code for k, a in enumerate(run.edition.areas)
                if run.scores.area_index[i, k] < med[k] - 1e-9]
        got = [a["area"] for a in reports["NN03"]["below_group_median"]["areas"]]
        assert got == want
        assert got

    def test_areas_below_band(self, run: Run, reports: dict[str, dict[str, Any]]) -> None:
        for code, r in reports.items():
            i = run.unit_index(code)
            want = [a.code for k, a in enumerate(run.edition.areas)
                    if run.scores.area_index[i, k] < r["band_min"] - 1e-9]
            assert [a["area"] for a in r["areas_below_band"]] == want


class TestWeakCLI:
    """`parindex weak` for one unit and every unit, in each format."""

    @pytest.mark.parametrize("fmt", ["table", "csv", "json"])
    def test_one_unit(self, fmt: str) -> None:
        res = runner.invoke(app, ["weak", str(SAMPLE), "SM08", "-f", fmt, "--lang", "en"])
        assert res.exit_code == 0, res.output
        if fmt == "json":
            data = json.loads(res.stdout)
            assert data["code"] == "SM08"
            assert data["lost"][0]["criterion"] == "7.1.1"
        else:
            assert "7.1.1" in res.stdout

    def test_every_unit(self) -> None:
        res = runner.invoke(app, ["weak", str(SAMPLE), "-f", "json"])
        assert res.exit_code == 0, res.output
        assert len(json.loads(res.stdout)["units"]) == 14
        res = runner.invoke(app, ["weak", str(SAMPLE)])
        assert res.exit_code == 0
        assert "Mất nhiều điểm nhất" in res.stdout

    def test_unknown_unit(self) -> None:
        res = runner.invoke(app, ["weak", str(SAMPLE), "ZZ01"])
        assert res.exit_code == 1
        assert "Traceback" not in res.output


def _one_unit(run: Run, i: int) -> dict[str, Any]:
    """One unit's report computed the plain way, unit by unit and leaf by leaf (the way
    ``weak`` computed it before it made every unit's lists at once)."""
    s, ed = run.scores, run.edition
    w = Weakness.of(run)
    lost = sorted((j for j in range(len(ed.leaves)) if w.lost[i, j] > 1e-9),
                  key=lambda j: (-w.lost[i, j], j))
    r = run.unit_result(i)
    status = {MISSING: "missing", NA: "na"}
    area = [(a.code, a.name) for a in ed.areas]
    return {
        "code": r["code"], "name": r["name"], "group": r["group"], "index": r["index"],
        "band": r["band"], "band_min": num_or_none(w.band_min[i]), "rank": r["rank"],
        "group_rank": r["group_rank"], "points_lost": float(w.lost[i].sum()),
        "lost": [{"criterion": ed.leaves[j].code, "name": ed.leaves[j].name,
                  "area": ed.areas[ed.leaves[j].area].code, "max": ed.leaves[j].max,
                  "points": float(s.leaf_appr[i, j]), "lost": float(w.lost[i, j]),
                  "status": status.get(int(s.state[i, j]), ""),
                  "group_median": num_or_none(w.leaf_median[i, j]),
                  "below_group_median": bool(w.leaf_share[i, j] < w.leaf_median[i, j] - 1e-9)}
                 for j in lost],
        "below_group_median": {
            "areas": [{"area": c, "name": n, "index": float(s.area_index[i, k]),
                       "group_median": float(w.area_median[i, k])}
                      for k, (c, n) in enumerate(area)
                      if s.area_index[i, k] < w.area_median[i, k] - 1e-9],
            "criteria": [{"criterion": lf.code, "name": lf.name,
                          "percent": float(w.leaf_share[i, j]),
                          "group_median": float(w.leaf_median[i, j])}
                         for j, lf in enumerate(ed.leaves)
                         if w.leaf_share[i, j] < w.leaf_median[i, j] - 1e-9]},
        "areas_below_band": [{"area": c, "name": n, "index": float(s.area_index[i, k])}
                             for k, (c, n) in enumerate(area)
                             if s.area_index[i, k] < w.band_min[i] - 1e-9]}


class TestAllUnitsAtOnce:
    """``weak`` makes every unit's lists in one pass over all units; each report is, key
    for key and in the same order, what the unit's own plain computation gives."""

    def test_every_year_every_unit(self, sample_runs: list[Run]) -> None:
        for run in sample_runs:
            got = weak(run)
            assert [r["code"] for r in got] == [run.units["code"].iloc[i]
                                                for i in run.order()]
            for r in got:
                want = _one_unit(run, run.unit_index(r["code"]))
                assert orjson.dumps(r) == orjson.dumps(want), r["code"]

    def test_some_units_in_the_order_given(self, run: Run) -> None:
        got = weak(run, [5, 0, 5, 13])
        assert [r["code"] for r in got] == [run.units["code"].iloc[i] for i in (5, 0, 5, 13)]
        assert got == [_one_unit(run, i) for i in (5, 0, 5, 13)]
        assert weak(run, []) == []

    def test_ties_keep_the_edition_order(self, run: Run) -> None:
        for r in weak(run):
            place = {lf.code: j for j, lf in enumerate(run.edition.leaves)}
            pairs = [(-x["lost"], place[x["criterion"]]) for x in r["lost"]]
            assert pairs == sorted(pairs)


class TestSummaryFromArrays:
    """The summary table of ``weak`` (no unit, no ``--owner``) is made from the arrays,
    without the reports: the very table the reports give, every year, both languages."""

    @pytest.mark.parametrize("lang", ["vi", "en"])
    def test_every_year(self, sample_runs: list[Run], lang: str) -> None:
        for run in sample_runs:
            made = summary_frame(summary(run), lang)
            want = weak_table(run, weak(run), lang)
            assert len(made) == len(run.units)
            pd.testing.assert_frame_equal(made, want, check_exact=True)

    def test_a_loss_below_the_tolerance_is_not_among_the_biggest(self, run: Run) -> None:
        tops = summary(run)["top"]
        assert all(lost > 1e-9 for top in tops for _, lost in top)
        assert max(map(len, tops)) == 3
        assert summary(run, top=1)["top"] == [top[:1] for top in tops]

    @pytest.mark.parametrize("lang", ["vi", "en"])
    def test_cli_csv_is_the_reports_table(self, lang: str) -> None:
        got = runner.invoke(app, ["weak", str(SAMPLE), "--format", "csv", "--lang", lang])
        assert got.exit_code == 0, got.output
        run = open_run(SAMPLE)
        want = frame_csv(weak_table(run, weak(run), lang), lang)
        assert got.output == want
