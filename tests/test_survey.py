"""The survey table end to end (issue #15 item 4): explain's respondents and answers per
survey leaf, the table's problems located by file, row and column, the same answers read
from a workbook sheet. The scoring itself is in ``cases/survey_answers.yaml``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parindex.cli import app
from parindex.criteria.compiled import SurveySource
from parindex.pipeline import open_run
from parindex.samples.sample import sample_root

SAMPLE = sample_root() / "2024"
runner = CliRunner()
QUESTIONS = {"7.2.1": ["TC1", "TC2", "TC3"], "7.2.5": ["GY1", "GY2"]}


def _answers() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "survey.csv", dtype=str, keep_default_na=False)


def test_explain_counts_respondents_and_answers_of_each_survey_leaf() -> None:
    res = runner.invoke(app, ["explain", str(SAMPLE), "NN05", "--format", "json"])
    assert res.exit_code == 0, res.output
    leaves = {leaf["code"]: leaf for leaf in json.loads(res.stdout)["leaves"]}
    df = _answers()
    mine = df[(df["unit"] == "NN05") & (df["answer"] != "")]
    for code, questions in QUESTIONS.items():
        rows = mine[mine["question"].isin(questions)]
        assert leaves[code]["answers"] == len(rows)
        assert leaves[code]["respondents"] == rows["respondent"].nunique()
        weights = rows["answer"].map({"A": 100, "B": 60, "C": 20, "D": 0})
        assert leaves[code]["appraised_points"] == pytest.approx(6 * weights.mean() / 100)
    assert "respondents" not in leaves["7.1.1"]  # only survey leaves say so


def test_explain_table_says_it_in_the_language() -> None:
    df = _answers()
    rows = df[(df["unit"] == "SM01") & df["question"].isin(QUESTIONS["7.2.5"])
              & (df["answer"] != "")]
    n, k = rows["respondent"].nunique(), len(rows)
    vi = runner.invoke(app, ["explain", str(SAMPLE), "SM01", "--format", "csv"]).stdout
    en = runner.invoke(app, ["explain", str(SAMPLE), "SM01", "--format", "csv",
                             "--lang", "en"]).stdout
    assert f"{n} người trả lời, {k} câu trả lời" in vi
    assert f"{n} respondents, {k} answers" in en


def test_survey_problems_name_file_row_column_and_value(tmp_path: Path) -> None:
    bundle = tmp_path / "2024"
    shutil.copytree(SAMPLE, bundle)
    before = (bundle / "survey.csv").read_bytes()
    with (bundle / "survey.csv").open("a", encoding="utf-8") as fh:
        fh.write("SM01,P001,TC1,E\nXX99,P001,TC1,A\nSM01,,TC2,A\nSM01,P001,Q99,A\n")
    lines = len(before.decode("utf-8").splitlines())
    res = runner.invoke(app, ["check", str(bundle), "--format", "json"],
                        env={"PARINDEX_LANG": "en"})
    assert res.exit_code == 1
    found = {(p["field"], p["value"], p["severity"]): (p["location"], p["message"])
             for p in json.loads(res.stdout)["problems"] if p["file"] == "survey.csv"}
    assert found[("answer", "E", "error")] == (f"row {lines + 1}",
                                               '"E" is not a survey answer')
    assert found[("unit", "XX99", "error")] == (f"row {lines + 2}",
                                                '"XX99" is not a unit in units')
    assert found[("respondent", None, "error")] == (f"row {lines + 3}",
                                                    "the respondent is blank")
    # SM01's P001 answered TC1 already: the repeat is a warning, the unknown question too
    assert found[("question", "TC1", "warning")][1] == (
        '"TC1" is answered twice by respondent P001 of unit SM01; the first answer counts')
    assert found[("question", "Q99", "warning")] == (
        f"row {lines + 4}", '"Q99" is not a survey question of xa-2024; the row is not counted')


def test_fewer_respondents_than_the_edition_asks_is_a_warning(tmp_path: Path) -> None:
    bundle = tmp_path / "2024"
    shutil.copytree(SAMPLE, bundle)
    df = _answers()
    few = df[(df["unit"] != "SM02") | df["respondent"].isin(["P001", "P002"])]
    few.to_csv(bundle / "survey.csv", index=False)
    run = open_run(bundle)
    warned = [p.render("en") for p in run.inputs.problems if p.code == "survey.few"]
    assert warned == ["survey.csv: unit SM02: only 2 respondents to the survey, fewer than "
                      "the minimum 30"]
    i = run.unit_index("SM02")
    assert run.scores.survey_points[i] > 0  # still scored


def test_every_unit_and_survey_leaf_is_the_mean_of_its_answers() -> None:
    """The one-pass sums agree with a plain groupby, for every unit and leaf of 2024."""
    run = open_run(SAMPLE)
    df = _answers()
    df = df[df["answer"] != ""].assign(
        weight=lambda d: d["answer"].map({"A": 100, "B": 60, "C": 20, "D": 0}))
    checked = 0
    for leaf in run.edition.leaves:
        if leaf.input_kind != "survey":
            continue
        questions = list(leaf.input.survey)  # type: ignore[union-attr]
        mean = df[df["question"].isin(questions)].groupby("unit")["weight"].mean()
        for code, want in mean.items():
            assert run.inputs.x_appr[run.unit_index(str(code)), leaf.index] == \
                pytest.approx(want, abs=1e-9)
            checked += 1
    assert checked == 5 * len(run.units)


def test_criteria_show_fills_in_the_default_answer_weights(tmp_path: Path) -> None:
    import yaml

    edition = {"edition": "t-survey-show", "title": "Điều tra", "level": "xa",
               "valid": {"from": 2021}, "scale": 10, "bands": [{"name": "Tốt", "min": 0}],
               "areas": [{"code": "1", "name": "Điều tra", "survey": True, "criteria": [
                   {"code": "1.1", "name": "Hài lòng", "max": 10, "input": {"survey": ["Q1"]},
                    "score": {"proportional": {"target": 100}}}]}]}
    path = tmp_path / "e.yaml"
    path.write_text(yaml.safe_dump(edition, allow_unicode=True), encoding="utf-8")
    shown = json.loads(runner.invoke(app, ["criteria", "show", str(path), "--format",
                                           "json"]).stdout)
    assert shown["survey_answers"] == {"A": 100, "B": 60, "C": 20, "D": 0}
    assert "min_respondents" not in shown
    plain = json.loads(runner.invoke(app, ["criteria", "show", "xa-2017", "--format",
                                           "json"]).stdout)
    assert "survey_answers" not in plain  # no survey input: nothing to weigh


def test_texts_to_clean_score_as_the_clean_ones(tmp_path: Path) -> None:
    """Spaces, a non-breaking space, decomposed letters and lower case in the survey's cells
    score and are counted exactly as the clean texts (the reader keeps a column that is
    clean already as it was read, and cleans the others)."""
    bundle = tmp_path / "2024"
    shutil.copytree(SAMPLE, bundle)
    df = _answers()
    df["unit"] = " " + df["unit"] + "\u00a0"
    df["respondent"] = df["respondent"] + " "
    df["question"] = df["question"].str.lower()
    df["answer"] = df["answer"].where(df.index % 2 == 0, " " + df["answer"])
    df.to_csv(bundle / "survey.csv", index=False)
    clean, messy = open_run(SAMPLE), open_run(bundle)
    assert messy.scores.survey_points.tolist() == clean.scores.survey_points.tolist()
    want, got = clean.inputs.survey, messy.inputs.survey
    assert want is not None
    assert got is not None
    sources = [leaf.source for leaf in clean.edition.leaves
               if isinstance(leaf.source, SurveySource)]
    assert len(sources) == 5
    for i in range(len(clean.units)):
        for source in sources:
            assert got.counts(source, i) == want.counts(source, i)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=60), st.booleans())
@example([3, 3], False)  # rising but for one repeat
@example([1, 2, 5, 2], False)
def test_repeated_is_pandas_duplicated(keys: list[int], rising: bool) -> None:
    """The survey's repeated answers: whichever way ``repeated`` takes (rising keys, a
    table of every key, pandas for a sparse one), the rows pandas calls duplicated."""
    from parindex.evidence.check_survey import repeated

    if rising:
        keys = sorted(set(keys))
    arr = np.array(keys, dtype=np.int64)
    want = pd.Series(arr, dtype=np.int64).duplicated().to_numpy()
    for size in (41, 10**9):  # a table of every key; too many keys for one
        assert repeated(arr, size).tolist() == want.tolist()
