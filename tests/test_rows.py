"""The league rows: one frame, straight from the run's arrays, that every league table cuts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.pipeline import open_run
from parindex.report.published import overall_frame
from parindex.report.rows import area_keys, league_rows
from parindex.report.tables import league_frames, results_frame
from parindex.samples.sample import sample_root
from parindex.scoring.run import Run


@pytest.fixture(scope="module")
def run() -> Run:
    return open_run(sample_root() / "2024")


class TestLeagueRows:
    """Canonical keys, rank order, and the same figures as the CONTRACT's unit objects."""

    def test_columns_and_order(self, run: Run) -> None:
        rows = league_rows(run)
        assert list(rows.columns) == [
            "code", "name", "type", "group", "self_points", "appraised_points",
            "survey_points", "bonus", "penalty", "total", "applicable_max", "index", "band",
            "rank", "group_rank", "ranked", *area_keys(run)]
        assert rows.index.tolist() == run.order().tolist()
        assert area_keys(run)[0] == f"area:{run.edition.areas[0].code}"

    def test_same_figures_as_the_unit_objects(self, run: Run) -> None:
        rows = league_rows(run).to_dict(orient="records")
        for row, unit in zip(rows, run.to_json()["units"], strict=True):
            for key in ("code", "name", "type", "group", "self_points", "appraised_points",
                        "survey_points", "bonus", "penalty", "total", "applicable_max",
                        "band", "rank", "group_rank"):
                assert row[key] == unit[key], key
            assert row["index"] == unit["index"] or (unit["index"] is None
                                                     and math.isnan(row["index"]))
            assert [row[f"area:{a['code']}"] for a in unit["areas"]] == \
                [a["points"] for a in unit["areas"]]
            assert row["ranked"] is True

    def test_ranks_stay_whole(self, run: Run) -> None:
        rows = league_rows(run)
        assert rows["rank"].dtype == object
        assert all(type(v) is int for v in rows["rank"])

    def test_the_tables_are_cut_from_it(self, run: Run) -> None:
        """Every table's figures are the rows', selected and renamed."""
        rows = league_rows(run)
        assert results_frame(run, "en")["Total"].tolist() == rows["total"].tolist()
        assert overall_frame(run, "en")["Unit"].tolist() == rows["name"].tolist()
        for group, df in league_frames(run, "en"):
            mine = rows[rows["group"] == group]
            assert sorted(df["Unit"]) == sorted(mine["name"])
            assert df["Rank"].tolist() == sorted(mine["group_rank"])


class TestNumberFormat:
    """Table numbers round half up on the number as written, whichever path formats them."""

    @staticmethod
    def _decimal(value: float, decimals: int) -> str:
        from decimal import ROUND_HALF_UP, Decimal

        rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
        return f"{rounded:,.{decimals}f}"

    @given(value=st.one_of(st.floats(-1e7, 1e7, allow_nan=False),
                           st.integers(-10**7, 10**7).map(lambda k: k / 1000),
                           st.integers(-10**5, 10**5).map(lambda k: k / 8)),
           decimals=st.integers(0, 3))
    @settings(max_examples=2000, deadline=None)
    def test_same_as_decimal_rounding(self, value: float, decimals: int) -> None:
        from parindex.report.tables import _rounded

        assert _rounded(value, decimals) == self._decimal(value, decimals)

    def test_written_ties_round_up(self) -> None:
        from parindex.report.tables import fmt

        assert [fmt(v, "vi") for v in (2.675, 1.005, 0.125, -0.125, 1234.5)] == [
            "2,68", "1,01", "0,13", "-0,13", "1.234,50"]
        assert fmt(2.675, "en") == "2.68"


class TestFmt:
    """Table numbers: half up on the number as written, whichever path formats them."""

    @staticmethod
    def written(value: float, lang: str, decimals: int) -> str:
        from decimal import ROUND_HALF_UP, Decimal

        text = f"{Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP):,}"
        return text if lang == "en" else text.translate(str.maketrans(",.", ".,"))

    @settings(max_examples=400, deadline=None)
    @given(st.integers(-10**12, 10**12), st.integers(0, 6), st.sampled_from([0, 1, 2, 3]),
           st.sampled_from(["vi", "en"]))
    def test_half_up_as_written(self, whole: int, places: int, decimals: int,
                                lang: str) -> None:
        from parindex.report.tables import fmt

        value = whole / 10**places  # written with at most `places` decimals
        if value == 0.0 or not 1e-4 <= abs(value) < 1e15:
            return
        assert fmt(value, lang, decimals) == self.written(value, lang, decimals)
        assert fmt(value, lang, decimals) == fmt(value, lang, decimals)  # kept text alike

    def test_ties_and_signs(self) -> None:
        from parindex.report.tables import fmt

        assert [fmt(v, "en") for v in (2.675, 1.005, -0.125, 0.015, 99.995, 0.1 + 0.2)] == \
            ["2.68", "1.01", "-0.13", "0.02", "100.00", "0.30"]
        assert (fmt(-0.0, "vi"), fmt(0.0, "vi"), fmt(1234.5, "vi")) == ("-0,00", "0,00",
                                                                         "1.234,50")
