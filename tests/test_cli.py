"""The command line (CONTRACT §4): every command and every `--format`, exit codes, stdout
for results and stderr for messages, the JSON shape, and the numbers in it.

Commands run in-process through typer's CliRunner; one test runs the installed entry point.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from parindex.cli import app
from parindex.cli.demo_cmd import PAPERS
from parindex.criteria import load_edition, shipped_ids
from parindex.samples.sample import sample_bundles

SAMPLES = {p.name: p for p in sample_bundles()}
S2024 = str(SAMPLES["2024"])
S2019 = str(SAMPLES["2019"])
BAD = Path(__file__).parent / "fixtures" / "bad"

UNIT_KEYS = {"code", "name", "group", "self_points", "appraised_points", "survey_points",
             "bonus", "penalty", "total", "applicable_max", "index", "band", "rank",
             "group_rank", "areas", "missing", "not_applicable"}
OPTIONAL_UNIT_KEYS = {"type"}
AREA_KEYS = {"code", "name", "points", "max", "index"}
EPS = 1e-9


def invoke(*args: str) -> Any:
    runner = CliRunner(env={"NO_COLOR": "1", "FORCE_COLOR": None, "COLUMNS": "200"})
    return runner.invoke(app, list(args))


def ok(*args: str) -> Any:
    """Invoke and require exit 0 without an exception.

    Commands that only read are run once per argument list and their result reused: the
    sample is scored by many tests, and the whole suite should stay fast."""
    if "--out" in args or "demo" in args:
        return _ok(*args)
    return _ok_cached(*args)


def _ok(*args: str) -> Any:
    result = invoke(*args)
    assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


_ok_cached = functools.cache(_ok)


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def league_csv(text: str) -> list[tuple[str, dict[str, str]]]:
    """The published CSV league table as (group, row) per unit.

    A group is either a column ("Nhóm" / "Group") or a heading row above its units (a row
    whose first cell is not a number, with the group's name in the second cell)."""
    rows = parse_csv(text)
    first, second = list(rows[0])[:2]
    group_col = next((c for c in ("Nhóm", "Group") if c in rows[0]), None)
    out: list[tuple[str, dict[str, str]]] = []
    heading = ""
    for row in rows:
        if not row[first].strip().isdigit():
            heading = row[second]
            continue
        out.append((row[group_col] if group_col else heading, row))
    return out


def vi_number(text: str) -> float:
    """`1.234,56` → 1234.56 (Vietnamese: `.` groups thousands, `,` is the decimal mark)."""
    return float(text.replace(".", "").replace(",", "."))


@pytest.fixture(scope="module")
def score_2024() -> dict[str, Any]:
    score: dict[str, Any] = json.loads(ok("score", S2024, "--format", "json").stdout)
    return score


@pytest.fixture(scope="module")
def edition_2024() -> Any:
    return load_edition("xa-2024")


# --------------------------------------------------------------------------- editions


class TestEditions:
    """`parindex editions` lists every shipped edition in each format."""

    def test_table_names_every_edition(self) -> None:
        result = ok("editions")
        for ed_id in shipped_ids():
            assert ed_id in result.stdout
        assert result.stderr == ""

    def test_json_lists_id_title_level_valid_areas_max(self) -> None:
        rows = json.loads(ok("editions", "--format", "json").stdout)
        assert [r["id"] for r in rows] == shipped_ids()
        for row in rows:
            assert {"id", "title", "level", "valid", "areas", "max"} <= set(row)
            ed = load_edition(row["id"])
            assert row["title"] == ed.model.title
            assert row["level"] == ed.model.level
            assert row["areas"] == len(ed.areas)
            assert row["max"] == ed.scale == 100
            assert str(ed.model.valid.from_) in row["valid"]

    def test_csv_has_one_row_per_edition(self) -> None:
        rows = parse_csv(ok("editions", "--format", "csv").stdout)
        assert [r["id"] for r in rows] == shipped_ids()
        assert {r["level"] for r in rows} == {"xa", "huyen"}


# --------------------------------------------------------------------------- criteria


class TestCriteriaShow:
    """`parindex criteria show` prints the tree, a table, or the edition as JSON."""

    @pytest.mark.parametrize("ed_id", shipped_ids())
    def test_tree_shows_every_node(self, ed_id: str) -> None:
        out = ok("criteria", "show", ed_id).stdout
        ed = load_edition(ed_id)
        assert ed_id in out
        for node in ed.nodes:
            assert f"{node.code} {node.name}" in out, node.code

    def test_table_shows_every_node_with_max(self, edition_2024: Any) -> None:
        out = ok("criteria", "show", "xa-2024", "--format", "table").stdout
        for node in edition_2024.nodes:
            assert node.code in out
        assert "không cho phép" in out  # the not-applicable policy column, in words
        assert "forbidden" not in out
        english = ok("criteria", "show", "xa-2024", "--format", "table", "--lang", "en").stdout
        assert "forbidden" in english

    def test_show_accepts_a_file(self) -> None:
        out = ok("criteria", "show", str(BAD / "criteria" / "_valid.yaml")).stdout
        assert "tiny" in out
        assert "2.1.2 Task level" in out

    @pytest.mark.parametrize("ed_id", shipped_ids())
    def test_json_round_trips_through_yaml(self, ed_id: str, tmp_path: Path) -> None:
        data = json.loads(ok("criteria", "show", ed_id, "--format", "json").stdout)
        path = tmp_path / f"{ed_id}-copy.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        result = ok("criteria", "check", str(path))
        assert f"{path}: đạt" in result.stdout
        original, copy = load_edition(ed_id), load_edition(path)
        assert [(lf.code, lf.max, lf.kind.name, lf.survey, lf.na, lf.describe_input(),
                 lf.describe_rule()) for lf in copy.leaves] == \
            [(lf.code, lf.max, lf.kind.name, lf.survey, lf.na, lf.describe_input(),
              lf.describe_rule()) for lf in original.leaves]
        assert copy.model.calendar == original.model.calendar
        assert copy.band_names() == original.band_names()

    def test_json_has_contract_shape_with_defaults(self, edition_2024: Any) -> None:
        data = json.loads(ok("criteria", "show", "xa-2024", "--format", "json").stdout)
        for key in ("edition", "title", "level", "valid", "scale", "not_applicable", "ties",
                    "bands", "bonus_max", "penalty_max", "calendar", "areas"):
            assert key in data, key
        assert data["valid"]["from"] == 2021

        leaves = []

        def walk(nodes: list[dict[str, Any]]) -> None:
            for node in nodes:
                if "children" in node:
                    assert "score" not in node
                    assert "input" not in node
                    walk(node["children"])
                else:
                    leaves.append(node)

        for area in data["areas"]:
            walk(area["criteria"])
        assert [n["code"] for n in leaves] == [lf.code for lf in edition_2024.leaves]
        for leaf in leaves:
            assert {"max", "input", "score", "survey", "not_applicable"} <= set(leaf), \
                leaf["code"]
        by_code = {n.code: n for n in edition_2024.nodes}
        for area in data["areas"]:  # defaults filled in: every node's max, as compiled
            assert area["max"] == by_code[area["code"]].max
            for node in area["criteria"]:
                assert node["max"] == by_code[node["code"]].max
        assert sum(a["max"] for a in data["areas"]) == data["scale"]

    def test_unknown_edition_is_an_input_error(self) -> None:
        result = invoke("criteria", "show", "xa-1999")
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "xa-1999" in result.stderr
        assert "xa-2024" in result.stderr
        assert result.stdout == ""


class TestCriteriaCheck:
    """`parindex criteria check` passes the shipped editions and names each file."""

    def test_shipped_editions_check_ok(self) -> None:
        files = [str(p) for p in sorted((Path(load_edition("xa-2024").source).parent)
                                        .glob("*.yaml"))]
        result = ok("criteria", "check", *files)
        assert result.stdout.count(": đạt") == len(files) == len(shipped_ids())
        assert "xa-2024, 7 lĩnh vực" in result.stdout
        english = ok("criteria", "check", *files, "--lang", "en").stdout
        assert english.count(": OK") == len(files)
        assert "xa-2024, 7 areas" in english

    def test_bad_file_exits_1_on_stderr(self) -> None:
        result = invoke("criteria", "check", str(BAD / "criteria" / "duplicate_key.yaml"),
                        "--lang", "en")
        assert result.exit_code == 1
        assert "duplicate key" in result.stderr
        assert "duplicate key" not in result.stdout


# --------------------------------------------------------------------------- check


class TestCheck:
    """`parindex check` validates a bundle: every problem, exit 0 when only warnings."""

    def test_long_lists_end_with_where_the_problems_are(self) -> None:
        """More than 20 problems: a count per file and column, most first."""
        from collections import Counter

        s2024 = str(SAMPLES["2024"])
        problems = json.loads(ok("check", s2024, "--format", "json").stdout)["problems"]
        assert len(problems) > 20
        counts = Counter((p["file"], p["field"] or "") for p in problems)
        result = ok("check", s2024, "--lang", "en")
        lines = result.stderr.splitlines()  # a message, with the problems it counts
        start = lines.index("by file and column:")
        want = [f'  {f}, column "{c}": {n} warning(s)' if c else f"  {f}: {n} warning(s)"
                for (f, c), n in counts.most_common()]
        assert lines[start + 1:start + 1 + len(want)] == want
        assert result.stdout.splitlines()[-1].endswith(
            f"0 error(s), {len(problems)} warning(s) — OK")
        vi = ok("check", s2024)  # Vietnamese by default
        lines = vi.stderr.splitlines()
        start = lines.index("theo tệp và cột:")
        assert lines[start + 1:start + 1 + len(want)] == [
            f'  {f}, cột "{c}": {n} cảnh báo' if c else f"  {f}: {n} cảnh báo"
            for (f, c), n in counts.most_common()]
        assert vi.stdout.splitlines()[-1].endswith(f"0 lỗi, {len(problems)} cảnh báo — đạt")

    def test_short_lists_have_no_summary(self) -> None:
        assert "theo tệp và cột" not in ok("check", str(SAMPLES["2019"])).stderr

    @pytest.mark.parametrize("year", sorted(SAMPLES))
    def test_sample_checks_ok(self, year: str) -> None:
        result = ok("check", str(SAMPLES[year]))
        assert "0 lỗi" in result.stdout
        assert "— đạt" in result.stdout
        assert "lỗi:" not in result.stderr

    def test_json_counts_and_lists_problems(self) -> None:
        data = json.loads(ok("check", S2024, "--format", "json").stdout)
        assert data["errors"] == 0
        assert data["warnings"] == len(data["problems"]) > 0
        for p in data["problems"]:
            assert set(p) == {"severity", "file", "location", "field", "value", "message",
                              "hint", "code"}  # code: the reason, added with the words table
            assert p["severity"] == "warning"

    def test_csv_has_problem_columns(self) -> None:
        rows = parse_csv(ok("check", S2024, "--format", "csv").stdout)
        assert rows
        assert set(rows[0]) == {"severity", "file", "location", "field", "value",
                                         "message", "hint"}

    def test_other_edition_does_not_fit(self) -> None:
        """`--criteria` overrides the bundle's edition: 2024 evidence is not xa-2017's."""
        result = invoke("check", S2024, "--criteria", "xa-2017")
        assert result.exit_code == 1
        assert "không phải tiêu chí của xa-2017" in result.stderr
        assert "Traceback" not in result.output

    def test_missing_bundle_is_an_input_error(self, tmp_path: Path) -> None:
        result = invoke("check", str(tmp_path / "nowhere"), "--lang", "en")
        assert result.exit_code == 1
        assert "no such bundle" in result.stderr
        assert "Traceback" not in result.output


# --------------------------------------------------------------------------- score


class TestScoreJson:
    """`parindex score --format json` is CONTRACT §4: keys, order, and consistent numbers."""

    def test_top_level(self, score_2024: dict[str, Any]) -> None:
        assert set(score_2024) == {"edition", "year", "scale", "units"}
        assert score_2024["edition"] == "xa-2024"
        assert score_2024["year"] == 2024
        assert score_2024["scale"] == 100

    def test_unit_keys_are_exactly_the_contract(self, score_2024: dict[str, Any]) -> None:
        for unit in score_2024["units"]:
            assert UNIT_KEYS <= set(unit) <= UNIT_KEYS | OPTIONAL_UNIT_KEYS, unit["code"]
            for area in unit["areas"]:
                assert set(area) == AREA_KEYS
            for key in UNIT_KEYS - {"code", "name", "group", "band", "areas", "missing",
                                    "not_applicable", "rank", "group_rank"}:
                assert isinstance(unit[key], (int, float))
                assert not isinstance(unit[key], bool)
            assert isinstance(unit["rank"], int)
            assert isinstance(unit["group_rank"], int)

    def test_every_unit_once(self, score_2024: dict[str, Any]) -> None:
        codes = [u["code"] for u in score_2024["units"]]
        units = parse_csv((SAMPLES["2024"] / "units.csv").read_text(encoding="utf-8"))
        assert sorted(codes) == sorted(r["code"] for r in units)

    def test_index_is_total_over_applicable_max(self, score_2024: dict[str, Any]) -> None:
        for u in score_2024["units"]:
            assert u["index"] == pytest.approx(u["total"] / u["applicable_max"] * 100,
                                               abs=EPS)

    def test_total_is_capped_sum_of_blocks(self, score_2024: dict[str, Any]) -> None:
        for u in score_2024["units"]:
            raw = u["appraised_points"] + u["survey_points"] + u["bonus"] - u["penalty"]
            assert u["total"] == pytest.approx(min(max(raw, 0), u["applicable_max"]), abs=EPS)
            assert 0 <= u["bonus"] <= 2
            assert 0 <= u["penalty"] <= 3

    def test_areas_add_up_to_the_unit(self, score_2024: dict[str, Any],
                                      edition_2024: Any) -> None:
        for u in score_2024["units"]:
            assert [a["code"] for a in u["areas"]] == [a.code for a in edition_2024.areas]
            points = sum(a["points"] for a in u["areas"])
            assert points == pytest.approx(u["appraised_points"] + u["survey_points"], abs=1e-6)
            assert sum(a["max"] for a in u["areas"]) == pytest.approx(u["applicable_max"])
            for a in u["areas"]:
                if a["max"] == 0:
                    assert a["index"] is None
                else:
                    assert a["index"] == pytest.approx(a["points"] / a["max"] * 100, abs=EPS)

    def test_applicable_max_drops_rebased_leaves(self, score_2024: dict[str, Any],
                                                 edition_2024: Any) -> None:
        by_code = {lf.code: lf for lf in edition_2024.leaves}
        for u in score_2024["units"]:
            rebased = sum(by_code[c].max for c in u["not_applicable"] if by_code[c].na == "rebase")
            assert u["applicable_max"] == pytest.approx(100 - rebased)
            assert set(u["missing"]).isdisjoint(u["not_applicable"])
            assert set(u["missing"]) | set(u["not_applicable"]) <= set(by_code)

    def test_units_sorted_by_rank_then_code(self, score_2024: dict[str, Any]) -> None:
        keys = [(u["rank"], u["code"]) for u in score_2024["units"]]
        assert keys == sorted(keys)

    def test_ranks_follow_index_with_min_ties(self, score_2024: dict[str, Any]) -> None:
        units = score_2024["units"]
        idx = {u["code"]: round(u["index"], 6) for u in units}
        for u in units:
            better = sum(1 for v in idx.values() if v > idx[u["code"]])
            assert u["rank"] == better + 1
            same_group = [round(v["index"], 6) for v in units if v["group"] == u["group"]]
            assert u["group_rank"] == 1 + sum(1 for v in same_group if v > idx[u["code"]])
        assert min(u["rank"] for u in units) == 1
        assert max(u["rank"] for u in units) <= len(units)

    def test_band_is_first_band_reached(self, score_2024: dict[str, Any],
                                        edition_2024: Any) -> None:
        bands = edition_2024.model.bands
        for u in score_2024["units"]:
            want = next(b.name for b in bands if round(u["index"], 6) >= b.min)
            assert u["band"] == want, u["code"]

    def test_numbers_are_not_rounded(self, score_2024: dict[str, Any]) -> None:
        assert any(round(u["index"], 2) != u["index"] for u in score_2024["units"])

    def test_results_on_stdout_only(self) -> None:
        result = ok("score", S2024, "--format", "json")
        json.loads(result.stdout)
        assert result.stderr == ""

    def test_criteria_option_same_edition_same_result(self, score_2024: dict[str, Any]
                                                      ) -> None:
        by_id = json.loads(ok("score", S2024, "--format", "json", "--criteria", "xa-2024")
                           .stdout)
        by_file = json.loads(ok("score", S2024, "--format", "json", "--criteria",
                                load_edition("xa-2024").source).stdout)
        assert by_id == score_2024 == by_file

    def test_no_survey_year_rebases_survey(self) -> None:
        data = json.loads(ok("score", S2019, "--format", "json").stdout)
        ed = load_edition(data["edition"])
        survey = {lf.code for lf in ed.leaves if lf.survey}
        survey_max = sum(lf.max for lf in ed.leaves if lf.survey)
        assert survey
        for u in data["units"]:
            assert u["survey_points"] == 0
            assert survey <= set(u["not_applicable"])
            assert not survey & set(u["missing"])
            assert u["applicable_max"] <= 100 - survey_max + EPS


class TestScoreTablesAndLanguages:
    """Table and CSV round to two decimals: a decimal comma in Vietnamese, a point in English."""

    def test_csv_vi_has_decimal_comma(self, score_2024: dict[str, Any]) -> None:
        rows = parse_csv(ok("score", S2024, "--format", "csv").stdout)
        assert len(rows) == len(score_2024["units"])
        for row, unit in zip(rows, score_2024["units"], strict=True):
            assert row["Mã"] == unit["code"]
            for header, key in (("Tổng điểm", "total"), ("Chỉ số (%)", "index"),
                                ("Thẩm định", "appraised_points"),
                                ("Điểm tối đa", "applicable_max")):
                cell = row[header]
                assert "," in cell, cell
                assert "." not in cell, cell
                assert cell.split(",")[1].isdigit()
                assert len(cell.split(",")[1]) == 2
                assert vi_number(cell) == pytest.approx(unit[key], abs=0.005 + EPS)
            assert row["Hạng"] == str(unit["rank"])
            assert row["Xếp loại"] == unit["band"]

    def test_csv_en_has_decimal_point(self, score_2024: dict[str, Any]) -> None:
        rows = parse_csv(ok("score", S2024, "--format", "csv", "--lang", "en").stdout)
        assert [r["Code"] for r in rows] == [u["code"] for u in score_2024["units"]]
        for row, unit in zip(rows, score_2024["units"], strict=True):
            assert "," not in row["Total"]
            assert float(row["Total"]) == pytest.approx(unit["total"], abs=0.005 + EPS)
            assert float(row["Index (%)"]) == pytest.approx(unit["index"], abs=0.005 + EPS)
            assert row["Rank"] == str(unit["rank"])

    def test_table_vi_and_en(self, score_2024: dict[str, Any]) -> None:
        vi = ok("score", S2024).stdout
        en = ok("score", S2024, "--lang", "en").stdout
        assert "Tổng điểm" in vi
        assert "Chỉ số (%)" in vi
        assert "Total" in en
        assert "Index (%)" in en
        for unit in score_2024["units"]:
            assert unit["name"] in vi
            assert unit["name"] in en
        top = score_2024["units"][0]
        # two decimals, as the CSV prints them
        en_total = parse_csv(ok("score", S2024, "--format", "csv", "--lang", "en").stdout)[0][
            "Total"]
        assert en_total in en
        assert en_total.replace(".", ",") in vi
        assert top["band"] in vi

    @pytest.mark.parametrize("fmt", ["json", "csv", "table"])
    def test_out_writes_file_and_leaves_stdout_empty(self, fmt: str, tmp_path: Path) -> None:
        target = tmp_path / "sub" / f"score.{fmt}"
        result = ok("score", S2024, "--format", fmt, "--out", str(target))
        assert result.stdout == ""
        assert target.is_file()
        assert str(target) in result.stderr
        printed = ok("score", S2024, "--format", fmt).stdout
        written = target.read_text(encoding="utf-8")
        if fmt == "json":
            assert json.loads(written) == json.loads(printed)
        else:
            assert written.strip() == printed.strip()
        assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- explain


class TestExplain:
    """`parindex explain` lists every leaf for one unit, adding up to the unit's points."""

    @pytest.mark.parametrize("code", ["SM01", "NN05", "SM09"])
    def test_json_every_leaf_adds_up(self, code: str, score_2024: dict[str, Any],
                                     edition_2024: Any) -> None:
        data = json.loads(ok("explain", S2024, code, "--format", "json", "--lang", "en").stdout)
        unit = next(u for u in score_2024["units"] if u["code"] == code)
        assert data["unit"] == unit
        leaves = data["leaves"]
        assert [r["code"] for r in leaves] == [lf.code for lf in edition_2024.leaves]
        assert [r["max"] for r in leaves] == [lf.max for lf in edition_2024.leaves]
        appraised = sum(r["appraised_points"] for r in leaves)
        assert appraised == pytest.approx(unit["appraised_points"] + unit["survey_points"],
                                          abs=1e-6)
        survey = {lf.code for lf in edition_2024.leaves if lf.survey}
        own = sum(r["self_points"] for r in leaves if r["code"] not in survey)
        assert own == pytest.approx(unit["self_points"], abs=1e-6)
        for r in leaves:
            assert 0 <= r["appraised_points"] <= r["max"] + EPS
            assert r["points_lost"] >= -EPS

    def test_status_marks_missing_and_not_applicable(self, score_2024: dict[str, Any]) -> None:
        unit = next(u for u in score_2024["units"] if u["missing"] and u["not_applicable"])
        rows = json.loads(ok("explain", S2024, unit["code"], "--format", "json",
                             "--lang", "en").stdout)["leaves"]
        status = {r["code"]: r["status"] for r in rows}
        for code in unit["missing"]:
            assert status[code] == "missing"
        for code in unit["not_applicable"]:
            assert status[code] == "not_applicable"
        assert all(s == "" for c, s in status.items()
                   if c not in unit["missing"] + unit["not_applicable"])

    def test_json_keys_do_not_depend_on_language(self, edition_2024: Any) -> None:
        vi = json.loads(ok("explain", S2024, "SM01", "--format", "json").stdout)["leaves"]
        en = json.loads(ok("explain", S2024, "SM01", "--format", "json", "--lang",
                           "en").stdout)["leaves"]
        assert vi == en
        assert len(vi) == len(edition_2024.leaves)
        assert list(vi[0]) == ["code", "criterion", "max", "input_self", "input_appraised",
                               "rule", "self_points", "appraised_points", "points_lost",
                               "status", "source", "note"]

    def test_table(self, edition_2024: Any) -> None:
        out = ok("explain", S2024, "SM01").stdout
        assert "Thị trấn Sông Mây (SM01)" in out
        for lf in edition_2024.leaves:
            assert lf.code in out

    def test_csv(self, edition_2024: Any) -> None:
        vi = parse_csv(ok("explain", S2024, "SM01", "--format", "csv").stdout)
        en = parse_csv(ok("explain", S2024, "SM01", "--format", "csv", "--lang", "en").stdout)
        assert [r["Mã"] for r in vi] == [r["Code"] for r in en] == \
            [lf.code for lf in edition_2024.leaves]
        assert all("," in r["Điểm tối đa"] for r in vi)
        assert all("." in r["Max"] and "," not in r["Max"] for r in en)

    def test_unit_code_is_trimmed(self) -> None:
        data = json.loads(ok("explain", S2024, " SM01 ", "--format", "json").stdout)
        assert data["unit"]["code"] == "SM01"

    def test_unknown_unit_exits_1_with_suggestion(self) -> None:
        result = invoke("explain", S2024, "SM1", "--lang", "en")
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert '"SM1" is not a unit' in result.stderr
        assert "did you mean" in result.stderr
        assert result.stdout == ""
        vi = invoke("explain", S2024, "SM1")
        assert '"SM1" không phải đơn vị của bộ số liệu (có phải "SM01"' in vi.stderr


# --------------------------------------------------------------------------- rank


class TestRank:
    """`parindex rank` prints the league table per group; `--group` picks one."""

    def test_json_groups_follow_score(self, score_2024: dict[str, Any]) -> None:
        data = json.loads(ok("rank", S2024, "--format", "json", "--lang", "en").stdout)
        groups = {u["group"] for u in score_2024["units"]}
        assert {g["group"] for g in data} == groups == {"Huyện Sông Mây", "Huyện Núi Ngọc"}
        by_name = {u["name"]: u for u in score_2024["units"]}
        for g in data:
            rows = g["units"]
            assert [r["No."] for r in rows] == list(range(1, len(rows) + 1))
            members = [u for u in score_2024["units"] if u["group"] == g["group"]]
            assert len(rows) == len(members)
            for r in rows:
                unit = by_name[r["Unit"]]
                assert unit["group"] == g["group"]
                assert r["Rank"] == unit["group_rank"]
                assert r["Total"] == pytest.approx(unit["total"])
                assert r["Index (%)"] == pytest.approx(unit["index"])
                assert r["Band"] == unit["band"]
            assert [r["Rank"] for r in rows] == sorted(r["Rank"] for r in rows)

    def test_table_has_both_groups_and_legend(self, edition_2024: Any) -> None:
        out = ok("rank", S2024).stdout
        assert "Huyện Sông Mây — 2024" in out
        assert "Huyện Núi Ngọc — 2024" in out
        for area in edition_2024.areas:
            assert f"{area.code} = {area.name}" in out

    def test_group_filters(self, score_2024: dict[str, Any]) -> None:
        group = "Huyện Núi Ngọc"
        members = {u["name"] for u in score_2024["units"] if u["group"] == group}
        others = {u["name"] for u in score_2024["units"]} - members
        out = ok("rank", S2024, "--group", group).stdout
        assert f"{group} — 2024" in out
        assert "Huyện Sông Mây — 2024" not in out
        assert all(n in out for n in members)
        assert not any(n in out for n in others)
        data = json.loads(ok("rank", S2024, "--group", group, "--format", "json").stdout)
        assert [g["group"] for g in data] == [group]
        rows = league_csv(ok("rank", S2024, "--group", group, "--format", "csv").stdout)
        assert {g for g, _ in rows} == {group}
        assert {r["Đơn vị"] for _, r in rows} == members

    def test_unknown_group_exits_1(self) -> None:
        result = invoke("rank", S2024, "--group", "Huyện Không Có")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert "Traceback" not in result.output
        assert "Huyện Không Có" in result.stderr
        assert "Huyện Sông Mây" in result.stderr  # the hint lists the groups

    def test_csv_vi_and_en(self, score_2024: dict[str, Any]) -> None:
        vi = league_csv(ok("rank", S2024, "--format", "csv").stdout)
        en = league_csv(ok("rank", S2024, "--format", "csv", "--lang", "en").stdout)
        assert len(vi) == len(en) == len(score_2024["units"])
        by_name = {u["name"]: u for u in score_2024["units"]}
        for group, r in vi:
            unit = by_name[r["Đơn vị"]]
            assert group == unit["group"]
            assert vi_number(r["Tổng điểm"]) == pytest.approx(unit["total"], abs=0.005)
            assert r["Hạng"] == str(unit["group_rank"])
        for group, r in en:
            unit = by_name[r["Unit"]]
            assert group == unit["group"]
            assert float(r["Total"]) == pytest.approx(unit["total"], abs=0.005)
            assert r["Rank"] == str(unit["group_rank"])

    def test_out_writes_file(self, tmp_path: Path) -> None:
        target = tmp_path / "rank.csv"
        result = ok("rank", S2024, "--format", "csv", "--out", str(target))
        assert result.stdout == ""
        assert target.read_text(encoding="utf-8").strip() == \
            ok("rank", S2024, "--format", "csv").stdout.strip()


# --------------------------------------------------------------------------- demo


@pytest.mark.slow
class TestDemo:
    """`parindex demo` runs every sample year and prints the latest league table."""

    def test_demo_writes_each_year(self, tmp_path: Path, score_2024: dict[str, Any]) -> None:
        result = ok("demo", "--out", str(tmp_path), "--lang", "en")
        for year in sorted(SAMPLES):
            assert (tmp_path / year / "score.json").is_file()
            assert (tmp_path / year / "score.csv").is_file()
            assert f"{year}:" in result.stderr
        assert json.loads((tmp_path / "2024" / "score.json").read_text(encoding="utf-8")) \
            == score_2024
        for paper in PAPERS:  # the latest year's papers (issue #15)
            assert (tmp_path / "2024" / paper).read_bytes()[:2] == b"PK", paper
        assert "Huyện Sông Mây — 2024" in result.stdout
        assert "Total" in result.stdout
        assert "Tổng điểm" not in result.stdout
        assert "2019:" not in result.stdout  # progress goes to stderr
        rows = parse_csv((tmp_path / "2024" / "score.csv").read_text(encoding="utf-8"))
        assert [r["Code"] for r in rows] == [u["code"] for u in score_2024["units"]]
        assert float(rows[0]["Total"]) == pytest.approx(score_2024["units"][0]["total"],
                                                        abs=0.005)

    @pytest.mark.parametrize("lang", ["vi", "en"])
    def test_year_lines_in_the_language(self, lang: str, score_2024: dict[str, Any]) -> None:
        result = ok("demo", "--lang", lang)
        line = next(x for x in result.stderr.splitlines() if x.startswith("2024:"))
        index = [u["index"] for u in score_2024["units"]]
        mean, best, worst = (f"{v:.2f}" for v in (sum(index) / len(index), max(index),
                                                  min(index)))
        if lang == "vi":
            mean, best, worst = (v.replace(".", ",") for v in (mean, best, worst))
            assert line == (f"2024: xa-2024, {len(index)} đơn vị, chỉ số trung bình {mean}%, "
                            f"cao nhất {best}%, thấp nhất {worst}%")
        else:
            assert line == (f"2024: xa-2024, {len(index)} units, mean index {mean}%, "
                            f"best {best}%, worst {worst}%")


# --------------------------------------------------------------------------- usage


@pytest.mark.parametrize("args", [
    ["score"],
    ["score", S2024, "--format", "xml"],
    ["score", S2024, "--lang", "fr"],
    ["explain", S2024],
    ["rank", S2024, "--bogus"],
    ["criteria", "show", "xa-2024", "--format", "csv"],
    ["criteria", "check"],
    ["editions", "--format", "yaml"],
    ["no-such-command"],
], ids=lambda a: " ".join(Path(x).name if "/" in x else x for x in a) or "none")
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_help_lists_commands() -> None:
    out = ok("--help").stdout
    for command in ("editions", "criteria", "check", "score", "explain", "rank", "demo"):
        assert command in out


# --------------------------------------------------------------------------- entry point


def _entry_point() -> str:
    beside = Path(sys.executable).parent / "parindex"
    if beside.is_file():
        return str(beside)
    found = shutil.which("parindex")
    if found is None:
        pytest.skip("the parindex entry point is not installed")
    return found


def test_installed_entry_point_matches_in_process(score_2024: dict[str, Any]) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([_entry_point(), "score", S2024, "--format", "json"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == score_2024
    assert "Traceback" not in proc.stderr
    assert not math.isnan(json.loads(proc.stdout)["units"][0]["index"])


# A command ends without Python's teardown (parindex.cli.leave): what it wrote, its exit code
# and the exit handlers are kept, and a thread still running is waited for.
_LEAVE = """
import atexit, gc, sys, threading, time
atexit.register(lambda: print("exit handler ran", gc.get_threshold()))
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (time.sleep(1.5), print("thread done"))).start()
sys.argv = ["parindex", *sys.argv[2:]]
from parindex.cli import main
main()
"""


@pytest.mark.parametrize(("args", "code", "said"), [
    (["editions"], 0, "xa-2024"),
    (["score", S2024, "--format", "json"], 0, '"units"'),
    (["score", "no/such/folder"], 1, ""),
    (["scoer"], 2, ""),
])
def test_a_command_ends_with_its_output_code_and_exit_handlers(args: list[str], code: int,
                                                              said: str) -> None:
    proc = subprocess.run([sys.executable, "-c", _LEAVE, "main", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)
    assert proc.returncode == code, proc.stderr
    assert said in proc.stdout
    # while a command runs, the cycle collector runs every 200,000 new objects
    assert proc.stdout.endswith("exit handler ran (200000, 30, 30)\n")
    assert "Traceback" not in proc.stderr
    if code:
        assert proc.stderr.strip()


def test_a_thread_still_running_is_waited_for() -> None:
    proc = subprocess.run([sys.executable, "-c", _LEAVE, "thread", "editions"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "thread done" in proc.stdout
    assert "exit handler ran" in proc.stdout


def test_the_whole_json_reaches_a_pipe() -> None:
    proc = subprocess.run([_entry_point(), "score", S2024, "--format", "json"],
                          capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["units"]


def test_serve_puts_pythons_collector_thresholds_back(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    """A command raises the cycle collector's thresholds; the server, which runs for days,
    gets Python's own back before it starts."""
    import gc

    from parindex.cli import workspace_cmd
    from parindex.cli.process import GC
    from parindex.web import server

    seen: list[tuple[int, ...]] = []

    def started(*_: object, **__: object) -> None:
        seen.append(gc.get_threshold())

    monkeypatch.setattr(workspace_cmd, "_start", lambda *_: None)
    monkeypatch.setattr(server, "serve", started)
    monkeypatch.setitem(GC, "python", (701, 11, 12))
    before = gc.get_threshold()
    gc.set_threshold(200_000, 30, 30)
    try:
        result = invoke("serve", "--data", str(tmp_path))
    finally:
        gc.set_threshold(*before)
    assert result.exit_code == 0, result.output
    assert seen == [(701, 11, 12)]


@pytest.mark.parametrize(("platform", "calls"), [
    ("linux", [(-3, 32 * 2**20), (-1, 2**30), (-3, 128 * 2**10), (-1, 128 * 2**10)]),
    ("win32", []), ("darwin", [])])
def test_the_allocator_keeps_freed_memory_for_a_command_not_a_server(
        monkeypatch: pytest.MonkeyPatch, platform: str, calls: list[tuple[int, int]]) -> None:
    """On Linux a command asks glibc (mallopt) to take arrays of up to 32 MB from the heap
    and keep freed memory; a server asks for glibc's own settings back; elsewhere nothing
    is asked."""
    import ctypes
    import gc

    from parindex.cli import process

    seen: list[tuple[int, int]] = []

    class Libc:
        def mallopt(self, param: int, value: int) -> int:
            seen.append((param, value))
            return 1

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(ctypes, "CDLL", lambda _: Libc())
    monkeypatch.setattr(process, "GC", {})
    before = gc.get_threshold()
    try:
        process.start()
        assert gc.get_threshold() == process.COMMAND_GC
        process.for_a_server()
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
    assert seen == calls
