"""Charts as data: the figures' values, colours and matrices, trends across the 2020 → 2021
edition change and across the 2024 merger of SM04 and SM05 into SM09; and the report page
as text (self-contained, escaped), without a browser."""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from parindex.analysis.trends import (
    area_mapping,
    area_trends_frame,
    edition_changes,
    lineage,
    unit_trends_frame,
)
from parindex.cli import app
from parindex.criteria.model import Edition, Previous
from parindex.pipeline import open_run
from parindex.report import charts
from parindex.report.html import build_report, figure_json
from parindex.report.tables import fmt
from parindex.samples.sample import sample_bundles
from parindex.scoring.run import Run

YEARS = list(range(2019, 2025))


@pytest.fixture(scope="module")
def runs(sample_runs: list[Run]) -> list[Run]:
    return sample_runs


@pytest.fixture(scope="module")
def run(runs: list[Run]) -> Run:
    return runs[-1]


def nums(values: Any) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def by_year(runs: list[Run], code: str) -> dict[int, float]:
    out = {}
    for r in runs:
        codes = r.units["code"].tolist()
        if code in codes:
            out[r.year] = float(r.scores.index[codes.index(code)])
    return out


class TestRanking:
    """The ranking bar chart: one bar per unit at its index, coloured by its band."""

    def test_bars_values_and_band_colours(self, run: Run) -> None:
        fig = charts.ranking_bar(run)
        colors = charts.band_colors(run.edition.band_names())
        assert sum(len(t.y) for t in fig.data) == len(run.units)
        names = run.units["name"].tolist()
        for trace in fig.data:
            assert trace.marker.color == colors[trace.name]
            for label, x in zip(trace.y, trace.x, strict=True):
                i = names.index(label)
                assert run.band_name(i) == trace.name
                assert x == pytest.approx(run.scores.index[i])

    def test_best_unit_on_top(self, run: Run) -> None:
        fig = charts.ranking_bar(run)
        order = list(fig.layout.yaxis.categoryarray)
        assert order[-1] == run.units["name"].iloc[int(run.order()[0])]
        assert order[0] == run.units["name"].iloc[int(run.order()[-1])]

    def test_rank_certainty(self, run: Run) -> None:
        """Median rank with its 5–95 % range, and the published rank, per ranked unit."""
        from parindex.analysis.uncertainty import uncertainty

        u = uncertainty(run, draws=300, seed=3)
        fig = charts.rank_uncertainty(u, "vi")
        interval, published = fig.data
        rows = u.summary()
        assert list(interval.y) == list(published.y) == [r["name"] for r in rows]
        assert list(interval.x) == [r["rank_median"] for r in rows]
        assert list(published.x) == [r["rank"] for r in rows]
        assert [m - lo for m, lo in zip(interval.x, interval.error_x.arrayminus, strict=True)] \
            == [r["rank_p5"] for r in rows]
        assert [m + hi for m, hi in zip(interval.x, interval.error_x.array, strict=True)] \
            == [r["rank_p95"] for r in rows]
        assert list(fig.layout.yaxis.categoryarray)[-1] == rows[0]["name"]  # best on top
        assert "300 lần mô phỏng" in fig.layout.title.text
        assert any(hi > lo for lo, hi in zip(interval.error_x.arrayminus, interval.error_x.array,
                                             strict=True))  # some ranks are uncertain

    def test_rank_range_column(self, run: Run) -> None:
        from parindex.analysis.uncertainty import uncertainty
        from parindex.report.html import _league_table, _rank_ranges

        u = uncertainty(run, draws=200, seed=1)
        table = _league_table(run, "vi", _rank_ranges(u))
        assert "<button type=\"button\">Hạng (90%)</button>" in table
        for r in u.summary():
            lo, hi = r["rank_p5"], r["rank_p95"]
            text = f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
            assert f'<td class="num" data-v="{lo:g}">{text}</td>' in table

    def test_band_distribution(self, run: Run) -> None:
        fig = charts.band_distribution(run)
        bar = fig.data[0]
        assert list(bar.x) == run.edition.band_names()
        assert sum(bar.y) == len(run.units)
        expected = [int((run.scores.band == k).sum()) for k in range(len(bar.x))]
        assert list(bar.y) == expected
        assert list(bar.marker.color) == list(charts.band_colors(bar.x).values())

    def test_band_colours_best_green_worst_red(self) -> None:
        colors = charts.band_colors(["A", "B", "C", "D", "E"])
        assert list(colors.values()) == list(charts.PALETTE)
        assert len(set(charts.band_colors([str(k) for k in range(8)]).values())) == 8


class TestHeatmap:
    """Units × areas; the matrix is the component indexes, units by rank."""

    def test_matrix_equals_component_indexes(self, run: Run) -> None:
        fig = charts.area_heatmap(run)
        z = np.array([nums(row) for row in fig.data[0].z])
        expected = run.scores.area_index[run.order()]
        assert z.shape == (len(run.units), len(run.edition.areas))
        assert np.allclose(z, expected, equal_nan=True)
        assert list(fig.data[0].y) == [run.units["name"].iloc[int(i)] for i in run.order()]
        assert fig.data[0].zmin == 0
        assert fig.data[0].zmax == 100
        assert fig.data[0].text[0][0] == fmt(float(expected[0, 0]), "vi")


class TestScorecard:
    """A unit's areas against its group's average, its top points lost, its on-time rate."""

    def test_data(self, run: Run) -> None:
        i = run.unit_index("SM02")
        fig = charts.scorecard(run, i)
        unit, group, lost, gauge = fig.data
        assert np.allclose(nums(unit.y), run.scores.area_index[i], equal_nan=True)
        members = (run.units["group"] == run.units["group"].iloc[i]).to_numpy()
        assert np.allclose(nums(group.y), np.nanmean(run.scores.area_index[members], axis=0))
        leaf_lost = run.scores.leaf_applicable[i] - run.scores.leaf_appr[i]
        top = sorted(leaf_lost, reverse=True)[:5]
        assert sorted(lost.x, reverse=True) == pytest.approx(top)
        assert gauge.type == "indicator"
        row = run.inputs.one_stop.iloc[i]
        due = (row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
               + row["pending_overdue"])
        assert gauge.value == pytest.approx((row["resolved_early"] + row["resolved_on_time"])
                                            / due * 100)

    def test_missing_one_stop_is_no_value(self, run: Run) -> None:
        one_stop = run.inputs.one_stop.copy()
        one_stop.iloc[0, :] = np.nan
        bare = replace(run, inputs=replace(run.inputs, one_stop=one_stop))
        assert math.isnan(charts.on_time_rates(bare)[0])
        assert charts.scorecard(bare, 0).data[3].value is None


class TestUnitTrends:
    """Each unit's index 2019–2024 across the edition change, merged units via predecessors."""

    def test_years_and_values_cross_the_edition_change(self, runs: list[Run]) -> None:
        fig = charts.unit_trends(runs)
        traces = {t.name: t for t in fig.data}
        sm01 = traces["Thị trấn Sông Mây (SM01)"]
        assert list(sm01.x) == YEARS
        assert nums(sm01.y) == pytest.approx([by_year(runs, "SM01")[y] for y in YEARS])
        assert len(fig.data) == len(runs[-1].units)
        assert all(list(t.x) == YEARS for t in fig.data)

    def test_edition_change_marked(self, runs: list[Run]) -> None:
        assert edition_changes(runs) == [(2020.5, "xa-2017", "xa-2024")]
        fig = charts.unit_trends(runs)
        assert [s.x0 for s in fig.layout.shapes] == [2020.5]
        assert "xa-2017 → xa-2024" in [a.text for a in fig.layout.annotations]

    def test_merged_unit_shows_its_predecessors_mean(self, runs: list[Run]) -> None:
        assert lineage(runs) == {"SM09": (2024, ("SM04", "SM05"))}
        fig = charts.unit_trends(runs)
        sm09 = next(t for t in fig.data if t.name == "Xã Đồng Bến (SM09)")
        sm04, sm05 = by_year(runs, "SM04"), by_year(runs, "SM05")
        expected = [(sm04[y] + sm05[y]) / 2 for y in YEARS[:-1]] + [by_year(runs, "SM09")[2024]]
        assert nums(sm09.y) == pytest.approx(expected)
        assert list(sm09.marker.symbol) == ["circle-open"] * 5 + ["circle"]
        assert "SM04, SM05" in sm09.customdata[0]
        df = unit_trends_frame(runs)
        assert df[(df.code == "SM09") & (df.year == 2023)]["via"].iloc[0] == ("SM04", "SM05")
        assert not df[df.code == "SM01"]["derived"].any()

    def test_merger_keeping_a_code(self, tmp_path: Path, runs: list[Run]) -> None:
        """A unit that keeps SM04's code and absorbs SM05: its own and SM05's mean before."""
        b = tmp_path / "2024"
        shutil.copytree(runs[-1].bundle.path, b)  # type: ignore[union-attr]
        for name in ("units.csv", "evidence.csv", "one_stop.csv", "reports.csv",
                     "adjustments.csv", "survey.csv"):
            f = b / name
            f.write_text(f.read_text(encoding="utf-8").replace("SM09", "SM04"),
                         encoding="utf-8")
        (b / "lineage.csv").write_text("code,predecessor\nSM04,SM04\nSM04,SM05\n",
                                       encoding="utf-8")
        series = [*runs[:-1], open_run(b)]
        df = unit_trends_frame(series).set_index(["code", "year"])
        sm04, sm05 = by_year(runs, "SM04"), by_year(runs, "SM05")
        assert df.loc[("SM04", 2022), "index"] == pytest.approx((sm04[2022] + sm05[2022]) / 2)


class TestAreaTrends:
    """Area trends map older editions' areas through `previous`, pooling merged areas."""

    def test_mapped_through_previous(self, runs: list[Run]) -> None:
        df = area_trends_frame(runs).set_index(["area", "year"])
        old = runs[0]  # 2019, xa-2017: its area "5" (CBCCVC) continues as xa-2024's "4"
        assert df.loc[("4", 2019), "mapped"] == "5"
        assert df.loc[("4", 2019), "index"] == pytest.approx(
            float(np.nanmean(old.scores.area_index[:, 4])))
        assert df.loc[("4", 2024), "index"] == pytest.approx(
            float(np.nanmean(runs[-1].scores.area_index[:, 3])))
        fig = charts.area_trends(runs)
        assert len(fig.data) == 7
        assert all(list(t.x) == YEARS for t in fig.data)
        assert nums(fig.data[3].y) == pytest.approx(
            [df.loc[("4", y), "index"] for y in YEARS])

    def test_merged_areas_pool_points(self, runs: list[Run]) -> None:
        old, new = runs[0], runs[-1]
        model = new.edition.model
        areas: dict[str, str | list[str]] = {"1": ["1", "2"]}
        remapped = model.model_copy(update={"previous": Previous(edition="xa-2017",
                                                                 areas=areas)})
        new2 = replace(new, inputs=replace(new.inputs, edition=new.edition.with_model(remapped)))
        df = area_trends_frame([old, new2]).set_index(["area", "year"])
        s = old.scores
        pooled = (s.area_points[:, 0] + s.area_points[:, 1]) / (s.area_max[:, 0]
                                                                 + s.area_max[:, 1]) * 100
        assert df.loc[("1", 2019), "index"] == pytest.approx(float(pooled.mean()))
        assert df.loc[("1", 2019), "mapped"] == "1+2"
        gap: Any = df.loc[("2", 2019), "index"]
        assert math.isnan(gap)  # no mapping: a gap, not a zero

    def test_mapping_chains_editions(self) -> None:
        c = _edition("c", Previous(edition="b", areas={"1": "1", "2": "2"}))
        b = _edition("b", Previous(edition="a", areas={"1": ["1", "2"], "2": "3"}))
        a = _edition("a", None)
        assert area_mapping(c, "a", {"b": b, "a": a}) == {"1": ["1", "2"], "2": ["3"]}
        assert area_mapping(c, "c", {}) == {"1": ["1"], "2": ["2"]}
        assert area_mapping(a, "c", {"b": b, "c": c}) is None


def _edition(eid: str, previous: Previous | None) -> Edition:
    leaf = {"code": "1.1", "name": "x", "max": 50, "score": "manual"}
    return Edition.model_validate({
        "edition": eid, "title": eid, "level": "xa", "valid": {"from": 2020},
        "bands": [{"name": "A", "min": 0}], "previous": previous,
        "areas": [{"code": "1", "name": "a", "criteria": [leaf]},
                  {"code": "2", "name": "b", "criteria": [{**leaf, "code": "2.1"}]}]})


class TestEscaping:
    """User text reaches charts and the page as text, never as markup."""

    def test_labels_escaped(self, tmp_path: Path) -> None:
        b = tmp_path / "b"
        shutil.copytree(sample_bundles()[-1], b)
        units = b / "units.csv"
        units.write_text(units.read_text(encoding="utf-8").replace(
            "Xã Bình Mây", "<b>Bình</b> & Mây").replace("Xã Cát Tường", "</script><x>"),
            encoding="utf-8")
        r = open_run(b)
        labels = [y for t in charts.ranking_bar(r).data for y in t.y]
        assert "&lt;b&gt;Bình&lt;/b&gt; &amp; Mây" in labels
        page = build_report([r])
        assert "</script><x>" not in page
        assert "<b>Bình</b>" not in page
        assert "&lt;/script&gt;&lt;x&gt;" in page
        assert "<" not in figure_json(charts.ranking_bar(r))


class TestReportPage:
    """`parindex report`: one offline page; several years add trends; JSON gives chart data."""

    def test_self_contained(self, runs: list[Run]) -> None:
        from plotly.offline import get_plotlyjs

        page = build_report(runs)
        assert page.count(get_plotlyjs()) == 1  # plotly.js embedded once
        rest = page.replace(get_plotlyjs(), "")
        assert rest.count("<script") == rest.count("</script>")
        assert "src=" not in rest
        assert "http" not in rest
        assert rest.count("Plotly.newPlot") == 1  # one renderer for every figure
        assert page.count('data-fig="fig-') == 6 + len(runs[-1].units)
        assert 'id="trends"' in page
        assert 'id="trends"' not in build_report(runs[-1:])
        assert '<html lang="vi">' in page
        assert '<html lang="en">' in build_report(runs[-1:], "en")

    def test_cli(self, tmp_path: Path) -> None:
        out = tmp_path / "r.html"
        paths = [str(p) for p in sample_bundles()]
        result = CliRunner().invoke(app, ["report", *paths[::-1], "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
        result = CliRunner().invoke(app, ["report", *paths[-2:], "--format", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert set(data) == {"ranking", "rank_certainty", "bands", "heatmap", "unit_trends",
                             "area_trends"}

    def test_two_bundles_for_one_year(self) -> None:
        p = str(sample_bundles()[-1])
        result = CliRunner().invoke(app, ["report", p, p])
        assert result.exit_code == 1
        assert "2024" in result.output


def test_two_bundles_of_one_year_are_refused(runs: list[Run]) -> None:
    """One bundle a year: the report and the CLI name both bundles (exit 1)."""
    from parindex.errors import EvidenceError
    from parindex.scoring.run import sorted_runs

    with pytest.raises(EvidenceError, match="is also for year 2024"):
        build_report([runs[-1], runs[-1]])
    with pytest.raises(EvidenceError):
        sorted_runs([runs[0], runs[-1], runs[-1]])
    from typer.testing import CliRunner

    from parindex.cli import app

    assert runs[-1].bundle is not None
    bundle = str(runs[-1].bundle.path)
    result = CliRunner().invoke(app, ["report", bundle, bundle, "--format", "json",
                                      "--lang", "en"])
    assert result.exit_code == 1
    assert "is also for year 2024" in result.output
