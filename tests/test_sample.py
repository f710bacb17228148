"""The bundled sample district (2019–2024) is a realistic, valid showcase of the format.

Each year checks without errors and has enough communes in two ranking groups; together the
years exercise everything a real assessment has — not-applicable and missing evidence,
appraisal corrections, bonus and penalty, survey values (none in 2019), one-stop and report
tables, a merger — and the indexes spread as real ones do.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from parindex.pipeline import check, open_run
from parindex.samples.sample import sample_bundles

BUNDLES = {int(p.name): p for p in sample_bundles()}
YEARS = sorted(BUNDLES)
UNIT_TYPES = {"xa", "phuong", "thi_tran"}


@functools.cache
def _run(year: int) -> Any:
    return open_run(BUNDLES[year])


@functools.cache
def _result(year: int) -> dict[str, Any]:
    result: dict[str, Any] = _run(year).to_json()
    return result


def _table(year: int, name: str) -> pd.DataFrame:
    return pd.read_csv(BUNDLES[year] / f"{name}.csv", dtype=str, keep_default_na=False)


def _survey_codes(year: int) -> set[str]:
    return {lf.code for lf in _run(year).edition.leaves if lf.survey}


def test_years_and_editions() -> None:
    """2019–2020 are scored on xa-2017, 2021–2024 on xa-2024, oldest first."""
    assert list(range(2019, 2025)) == YEARS
    assert [p.name for p in sample_bundles()] == [str(y) for y in YEARS]
    for year, path in BUNDLES.items():
        meta = yaml.safe_load((path / "bundle.yaml").read_text(encoding="utf-8"))
        assert meta["year"] == year
        assert meta["edition"] == ("xa-2017" if year <= 2020 else "xa-2024")
        assert meta["authority"]


@pytest.mark.parametrize("year", YEARS)
class TestEachYear:
    """Every sample year is a valid bundle of a realistic size and spread."""

    def test_checks_without_errors(self, year: int) -> None:
        errors = [p.render() for p in check(BUNDLES[year]) if p.severity == "error"]
        assert errors == []

    def test_at_least_12_communes_in_2_groups(self, year: int) -> None:
        units = _table(year, "units")
        assert len(units) >= 12
        assert units["code"].is_unique
        groups = units["group"].value_counts()
        assert len(groups) == 2
        assert groups.min() >= 5
        assert set(units["type"]) <= UNIT_TYPES

    def test_has_one_stop_and_report_tables(self, year: int) -> None:
        units = set(_table(year, "units")["code"])
        one_stop, reports = _table(year, "one_stop"), _table(year, "reports")
        assert set(one_stop["unit"]) == units
        assert set(reports["unit"]) == units
        assert set(reports["report"]) == {"Q1", "H1", "Q3", "YEAR"}

    def test_indexes_spread_realistically(self, year: int) -> None:
        units = _result(year)["units"]
        index = np.array([u["index"] for u in units])
        assert index.std() > 5
        assert index.min() > 20
        assert index.max() < 100
        assert len({u["band"] for u in units}) >= 3

    def test_ranks_are_1_to_n(self, year: int) -> None:
        units = _result(year)["units"]
        ranks = [u["rank"] for u in units]
        assert ranks[0] == 1
        assert ranks == sorted(ranks)
        assert max(ranks) <= len(units)
        for group in {u["group"] for u in units}:
            assert min(u["group_rank"] for u in units if u["group"] == group) == 1

    def test_most_evidence_is_given(self, year: int) -> None:
        """Missing evidence is the exception: at most a few leaves per unit."""
        for u in _result(year)["units"]:
            assert len(u["missing"]) <= 5, (u["code"], u["missing"])


class TestTogether:
    """Across the years the sample shows every situation the format describes."""

    def test_not_applicable_declared_and_rebased(self) -> None:
        for year in YEARS:
            ev = _table(year, "evidence")
            na = ev["value"].str.upper().isin(["NA", "N/A"]) | \
                ev["appraised"].str.upper().isin(["NA", "N/A"])
            assert na.any(), year
            survey = _survey_codes(year)
            assert any(set(u["not_applicable"]) - survey for u in _result(year)["units"])
        assert any(u["applicable_max"] < 100 - 1e-9
                   for year in YEARS[1:] for u in _result(year)["units"])

    def test_missing_values(self) -> None:
        assert any(u["missing"] for year in YEARS for u in _result(year)["units"])
        assert any((_table(year, "evidence")["value"] == "").any() for year in YEARS)

    def test_appraisal_corrections_change_points(self) -> None:
        for year in YEARS:
            ev = _table(year, "evidence")
            corrected = (ev["appraised"] != "") & \
                (ev["appraised"].str.lower() != ev["value"].str.lower())
            assert corrected.sum() >= 10, year
            units = _result(year)["units"]
            assert any(abs(u["self_points"] - u["appraised_points"]) > 1e-9 for u in units)

    def test_bonus_and_penalty(self) -> None:
        units = [u for year in YEARS for u in _result(year)["units"]]
        assert any(u["bonus"] > 0 for u in units)
        assert any(u["penalty"] > 0 for u in units)
        for year in YEARS:
            adj = _table(year, "adjustments")
            assert set(adj["kind"]) <= {"bonus", "penalty"}

    def test_survey_values_except_2019(self) -> None:
        for year in YEARS:
            survey = _survey_codes(year)
            assert survey
            ev = _table(year, "evidence")
            rows = ev[ev["criterion"].isin(survey)]
            given = (rows["value"] != "") | (rows["appraised"] != "")
            units = _result(year)["units"]
            if year == 2019:
                assert not given.any()
                assert all(u["survey_points"] == 0 for u in units)
                assert all(survey <= set(u["not_applicable"]) for u in units)
            elif year <= 2020:  # xa-2017: survey results as evidence values
                assert given.sum() >= len(units)
                assert all(u["survey_points"] > 0 for u in units)
            else:  # xa-2024: computed from the questionnaire answers, no value cells
                assert not given.any()
                answers = _table(year, "survey")
                assert set(answers["unit"]) == {u["code"] for u in units}
                assert all(0 < u["survey_points"] < 30 for u in units)
                assert all(not survey & set(u["missing"]) for u in units)

    def test_survey_answers_spread_and_scores_follow_them(self) -> None:
        """2024: 30–45 respondents a unit, every SIPAS question asked, a realistic spread;
        a leaf's points are max × the mean weight of the unit's answers to its questions."""
        answers = _table(2024, "survey")
        per_unit = answers.groupby("unit")["respondent"].nunique()
        assert per_unit.between(30, 45).all()
        assert set(answers["question"]) == {"TC1", "TC2", "TC3", "TT1", "TT2", "TT3", "CC1",
                                            "CC2", "CC3", "KQ1", "KQ2", "HL", "GY1", "GY2"}
        weight = answers["answer"].map({"A": 100, "B": 60, "C": 20, "D": 0})
        mean = weight.groupby(answers["unit"]).mean()
        assert mean.max() - mean.min() > 20  # the units differ
        assert set(answers["answer"]) == {"A", "B", "C", "D", ""}
        run = _run(2024)
        q = answers[answers["question"].isin(["GY1", "GY2"]) & (answers["answer"] != "")]
        sm01 = q[q["unit"] == "SM01"]["answer"].map({"A": 100, "B": 60, "C": 20, "D": 0})
        j = run.edition.leaf_index["7.2.5"]
        got = run.scores.leaf_appr[run.unit_index("SM01"), j]
        assert got == pytest.approx(6 * sm01.mean() / 100)

    def test_2024_merger_has_lineage(self) -> None:
        lineage = pd.read_csv(BUNDLES[2024] / "lineage.csv", dtype=str)
        assert not lineage.empty
        units_2024 = set(_table(2024, "units")["code"])
        units_2023 = set(_table(2023, "units")["code"])
        for code, predecessor in zip(lineage["code"], lineage["predecessor"], strict=True):
            assert code in units_2024
            assert code not in units_2023
            assert predecessor in units_2023
            assert predecessor not in units_2024
        assert not any((BUNDLES[y] / "lineage.csv").exists() for y in YEARS if y < 2024)

    def test_units_stay_the_same_apart_from_the_merger(self) -> None:
        base = set(_table(2019, "units")["code"])
        for year in YEARS[1:-1]:
            assert set(_table(year, "units")["code"]) == base
        lineage = pd.read_csv(BUNDLES[2024] / "lineage.csv", dtype=str)
        after = (base - set(lineage["predecessor"])) | set(lineage["code"])
        assert set(_table(2024, "units")["code"]) == after


def test_sample_is_package_data() -> None:
    """The sample ships inside the package, so `parindex demo` works after pip install."""
    root = Path(sample_bundles()[0]).parent
    assert (root.parent / "sample.py").is_file()
    for path in BUNDLES.values():
        for name in ("bundle.yaml", "units.csv", "evidence.csv", "one_stop.csv",
                     "reports.csv", "adjustments.csv"):
            assert (path / name).is_file(), (path.name, name)
