"""The broken-input corpus, extended to workbooks (issue 3 §3–§5).

Every case is built here from a small valid bundle (two communes, a clean row for every leaf
of xa-2024) with one change, as a CSV folder and as a workbook (``bundle.xlsx``). `parindex
check` must name the file (and sheet), the row (and cell), the column and the value as
written, exit 1 on errors and 0 on warnings alone, and never show a traceback. Then the
real-world cells that must be *read*, not refused: percent formats, thousands separators,
decimal commas, date serials, NFD text, stray spaces, title rows, formulas; and the safety
rules: size limits, a file that is not a workbook, formula-like names in outputs.

Each case is decided by the pipeline (:func:`workbook_helpers.outcome`: the problems `check`
lists and the JSON `score` prints, computed in-process by the functions those commands
call); what only the command line decides — exit codes, the ``— OK`` line, an empty stdout
when refused, the tag of each problem line — is checked end to end once per kind.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string as column_number
from openpyxl.utils import get_column_letter
from workbook_helpers import (
    ERROR_TAG,
    WARNING_TAG,
    Outcome,
    find_row,
    invoke,
    outcome,
    problem_lines,
    score_json,
    score_of,
    set_cells,
    small_bundle,
    small_tables,
    to_xlsx,
)

Tables = dict[str, list[dict[str, str]]]


def _row(tables: Tables, table: str, **match: str) -> int:
    """0-based index of the first row of ``table`` matching ``match``."""
    return next(i for i, r in enumerate(tables[table])
                if all(r[k] == v for k, v in match.items()))


@dataclass(frozen=True)
class Case:
    """One mistake: where it is made, what it is, and what the message must hold."""

    id: str
    table: str
    match: dict[str, str] | None  # the row to change; None = append ``row``
    column: str | None  # the column the message names (None: a whole-row problem)
    value: str | None  # the cell's new text (for a change)
    expect: tuple[str, ...]  # fragments of the message besides file, row, column, value
    row: dict[str, str] = field(default_factory=dict)  # a row to append
    severity: str = "error"
    errors: int = 1
    located: bool = True  # the message names the row
    cell: bool = True  # ... and, in a workbook, the cell ("cell C6")
    shows_value: bool = True

    def apply(self, tables: Tables) -> int:
        """Make the change; returns the spreadsheet row of the changed or added row."""
        rows = tables[self.table]
        if self.match is None:
            rows.append(dict(self.row))
            return len(rows) + 1
        i = _row(tables, self.table, **self.match)
        if self.value is not None and self.column is not None:
            rows[i][self.column] = self.value
        for k, v in self.row.items():
            rows[i][k] = v
        return i + 2


A01_13 = {"unit": "A01", "criterion": "1.3"}
CASES = [
    Case("unknown_unit", "evidence", A01_13, "unit", "AO1",
         ("is not a unit in units", 'did you mean "A01"?')),
    Case("unknown_criterion", "evidence", A01_13, "criterion", "1.13",
         ("is not a criterion of xa-2024", 'did you mean "1.1.3"?')),
    Case("duplicate_row", "evidence", None, "criterion", "1.3",
         ("is given twice", "A01", "first at row 6"),
         row={"unit": "A01", "criterion": "1.3", "value": "80", "appraised": "",
              "source": "", "note": ""}),
    Case("option_not_in_list", "evidence", {"unit": "A01", "criterion": "1.1.1"}, "value",
         "đúng giờ", ("is not one of: dung_han, tre_han, khong",)),
    Case("yes_no_unrecognised", "evidence", {"unit": "A01", "criterion": "1.1.2"}, "value",
         "có lẽ", ("is not yes/no",)),
    Case("percent_above_100", "evidence", A01_13, "value", "120", ("outside 0–100",)),
    Case("percent_below_0", "evidence", A01_13, "value", "-5", ("outside 0–100",)),
    Case("fraction_b_zero", "evidence", A01_13, "value", "3/0", ("b > 0",)),
    Case("fraction_a_above_b", "evidence", A01_13, "value", "8/5", ("a ≤ b",)),
    Case("negative_count_evidence", "evidence", {"unit": "A01", "criterion": "2.1.2"},
         "value", "-1", ("is not a count",)),
    Case("negative_count_one_stop", "one_stop", {"unit": "A02"}, "pending_in_time", "-5",
         ("is not a count",)),  # one mistake, one message: no "does not add up" as well
    Case("fractional_count_one_stop", "one_stop", {"unit": "A02"}, "returned", "1,5",
         ("is not a count",)),  # read as 0, and the row adds up without it
    Case("manual_above_max", "evidence", {"unit": "A01", "criterion": "1.6"}, "value", "3",
         ("points must be within 0…1",)),
    Case("na_forbidden", "evidence", {"unit": "A01", "criterion": "1.1.1"}, "value", "NA",
         ("not applicable is not allowed for 1.1.1",)),
    Case("na_forbidden_appraised", "evidence", {"unit": "A02", "criterion": "1.1.3"},
         "appraised", "n/a", ("not applicable is not allowed for 1.1.3",), errors=1,
         row={"note": "Hội đồng: không phát sinh"}),
    Case("one_stop_not_adding_up", "one_stop", {"unit": "A01"}, None, None,
         ("unit A01", "= 1550", "= 1554", "must add up"), row={"returned": "9"},
         shows_value=False),
    Case("unreadable_date", "reports", {"unit": "A01", "report": "Q1"}, "submitted",
         "31/02/2024", ("is not a date", "dd/mm/yyyy")),
    Case("date_words", "reports", {"unit": "A02", "report": "H1"}, "submitted",
         "cuối tháng 5", ("is not a date",)),
    Case("adjustment_kind", "adjustments", {"unit": "A01"}, "kind", "khen",
         ("is neither bonus nor penalty",)),
    Case("adjustment_points_negative", "adjustments", {"unit": "A01"}, "points", "-1",
         ("is not a number of points",)),
    Case("legacy_tcvn3_name", "units", {"code": "A01"}, "name", "X· An B×nh",
         ("TCVN3", "not Unicode"), cell=False),
    Case("legacy_vni_name", "units", {"code": "A02"}, "name", "Phöôøng Hoøa Laïc",
         ("VNI", "not Unicode"), cell=False),
    Case("legacy_tcvn3_value", "evidence", {"unit": "A01", "criterion": "1.1.1"}, "value",
         "§óng h¹n", ("TCVN3",), cell=False),
    # warnings: reported, and the bundle still scores
    Case("date_far_outside_year", "reports", {"unit": "A01", "report": "Q1"}, "submitted",
         "20/02/2020", ("far from the assessment year 2024",), severity="warning"),
    Case("report_listed_twice", "reports", None, "report", "Q1",
         ("listed twice", "first date counts"), severity="warning",
         row={"unit": "A01", "report": "Q1", "submitted": "25/02/2024"}),
    Case("appraisal_without_note", "evidence", A01_13, "note", None,
         ("appraisal changed 1.3 for A01", 'from "95" to "80"', "without a note"),
         severity="warning", row={"appraised": "80"}, shows_value=False),
    Case("percent_as_plain_fraction", "evidence", A01_13, "value", "0,95",
         ("is read as less than 1%", "write 95"), severity="warning"),
]
UNLOCATED = [
    # per-unit warnings: the message names the unit and what is wrong, not one cell
    Case("bonus_above_cap", "adjustments", None, None, None,
         ("unit A01", "bonus 2.5", "cap 2", "capped"), severity="warning", located=False,
         row={"unit": "A01", "kind": "thưởng", "points": "2", "reason": "Giải thưởng"},
         shows_value=False),
    Case("missing_evidence", "evidence", A01_13, None, None,
         ("unit A01", "no evidence for 1.3", "scores 0"), severity="warning", located=False,
         row={"value": ""}, shows_value=False),
]


def _write(tmp: Path, tables: Tables, kind: str) -> Path:
    folder = small_bundle(tmp / "bundle", tables=tables)
    return folder if kind == "csv" else to_xlsx(folder, tmp / "bundle.xlsx")


def _file(kind: str, table: str) -> str:
    return f"{table}.csv" if kind == "csv" else f"bundle.xlsx [{table}]"


def _letter(tables: Tables, table: str, column: str) -> str:
    return str(get_column_letter(list(tables[table][0]).index(column) + 1))


def _lines(result: Any, severity: str) -> list[str]:
    return problem_lines(result, ERROR_TAG if severity == "error" else WARNING_TAG)


def _refused_lines(got: Outcome) -> list[str]:
    """The error lines `score` prints when it refuses a bundle."""
    return [p.render() for p in got.refused if p.severity == "error"]


def _assert_named(lines: list[str], parts: list[str]) -> None:
    assert any(all(p in line for p in parts) for line in lines), \
        f"no line holds all of {parts}:\n" + "\n".join(lines)


@pytest.fixture(scope="module")
def base_tables() -> Tables:
    return small_tables()


@pytest.fixture(scope="module")
def base_score(tmp_path_factory: pytest.TempPathFactory, base_tables: Tables) -> dict[str, Any]:
    return score_json(small_bundle(tmp_path_factory.mktemp("base") / "b", tables=base_tables))


_BROKEN: dict[tuple[str, str], tuple[Outcome, Tables, int]] = {}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory, base_tables: Tables
           ) -> Iterator[Callable[[Case, str], tuple[Outcome, Tables, int]]]:
    """A case's bundle, written once per kind and read in-process: (outcome, tables, row)."""
    def get(case: Case, kind: str) -> tuple[Outcome, Tables, int]:
        if (case.id, kind) not in _BROKEN:
            tables = copy.deepcopy(base_tables)
            row = case.apply(tables)
            bundle = _write(tmp_path_factory.mktemp(case.id), tables, kind)
            _BROKEN[case.id, kind] = (outcome(bundle), tables, row)
        return _BROKEN[case.id, kind]

    yield get
    _BROKEN.clear()


class TestValidOriginal:
    """The small bundle every case changes is clean, as CSV and as a workbook."""

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_checks_without_any_problem(self, tmp_path: Path, base_tables: Tables,
                                        kind: str) -> None:
        bundle = _write(tmp_path, copy.deepcopy(base_tables), kind)
        result = invoke("check", bundle, inputs=[bundle])
        assert result.exit_code == 0, result.stderr
        assert "0 lỗi, 0 cảnh báo — đạt" in result.stdout

    def test_workbook_scores_like_the_folder(self, tmp_path: Path, base_tables: Tables,
                                             base_score: dict[str, Any]) -> None:
        assert score_json(_write(tmp_path, copy.deepcopy(base_tables), "xlsx")) == base_score


class TestBrokenCells:
    """Each mistake, in a CSV folder and in a workbook: file (sheet), row, cell, column, value."""

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    @pytest.mark.parametrize("case", CASES + UNLOCATED, ids=lambda c: c.id)
    def test_check_names_the_mistake(self, broken: Callable[[Case, str], Any], case: Case,
                                     kind: str) -> None:
        """`check` exits 1 exactly when there are errors (see the command-line tests below)."""
        got, tables, row = broken(case, kind)
        parts = [_file(kind, case.table), *case.expect]
        if case.located:
            parts.append(f"row {row}")
            if kind == "xlsx" and case.column and case.cell:
                parts.append(f"(cell {_letter(tables, case.table, case.column)}{row})")
        if case.column and case.located:
            parts.append(f'column "{case.column}"')
        if case.shows_value:
            parts.append(f'"{case.value}"')
        _assert_named(got.lines(case.severity), parts)
        errors = got.lines("error")
        if case.severity == "error":
            assert len(errors) == case.errors, "\n".join(errors)
        else:
            assert errors == []

    @pytest.mark.parametrize("case", CASES + UNLOCATED, ids=lambda c: c.id)
    def test_score_refuses_errors_and_scores_warnings(self, broken: Callable[[Case, str], Any],
                                                      case: Case) -> None:
        got = broken(case, "xlsx")[0]
        if case.severity == "error":
            assert got.score is None
            assert _refused_lines(got)
        else:
            assert got.refused == []
            assert got.score is not None

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    @pytest.mark.parametrize("case", ["percent_above_100", "date_far_outside_year"])
    def test_command_line_exit_codes(self, tmp_path: Path, base_tables: Tables, kind: str,
                                     case: str) -> None:
        """End to end, once per severity and kind: `check` exits 1 on errors (no ``— OK``)
        and 0 on warnings alone (``— OK``), each problem on a tagged line; `score` prints
        nothing on stdout when it refuses, the score JSON otherwise."""
        picked = next(c for c in CASES if c.id == case)
        tables = copy.deepcopy(base_tables)
        picked.apply(tables)
        bundle = _write(tmp_path, tables, kind)
        result = invoke("check", bundle, "--lang", "en", inputs=[bundle])
        scored = invoke("score", bundle, "--format", "json", "--lang", "en", inputs=[bundle])
        _assert_named(problem_lines(result, f"{picked.severity}:"),
                      [_file(kind, picked.table), f'"{picked.value}"', *picked.expect])
        if picked.severity == "error":
            assert result.exit_code == 1, result.output
            assert "— OK" not in result.stdout
            assert scored.exit_code == 1
            assert scored.stdout == ""
            assert problem_lines(scored, "error:")
        else:
            assert result.exit_code == 0, result.stderr
            assert problem_lines(result, "error:") == []
            assert "— OK" in result.stdout
            assert scored.exit_code == 0, scored.stderr
            assert json.loads(scored.stdout) == outcome(bundle).score

    def test_check_json_carries_sheet_cell_column_and_value(self, tmp_path: Path,
                                                            base_tables: Tables) -> None:
        tables = copy.deepcopy(base_tables)
        row = CASES[5].apply(tables)  # percent 120
        bundle = _write(tmp_path, tables, "xlsx")
        result = invoke("check", bundle, "--format", "json", inputs=[bundle])
        assert result.exit_code == 1
        data = json.loads(result.stdout)
        errors = [p for p in data["problems"] if p["severity"] == "error"]
        assert len(errors) == 1
        assert {k: errors[0][k] for k in ("file", "location", "field", "value")} == {
            "file": "bundle.xlsx [evidence]", "location": f"row {row} (cell C{row})",
            "field": "value", "value": "120"}
        assert errors[0]["hint"]

    def test_every_mistake_at_once(self, tmp_path: Path, base_tables: Tables) -> None:
        """Several mistakes in one workbook: each reported, none hides another."""
        tables = copy.deepcopy(base_tables)
        ids = ("unknown_criterion", "option_not_in_list", "yes_no_unrecognised",
               "negative_count_evidence", "manual_above_max", "negative_count_one_stop",
               "unreadable_date", "adjustment_kind")
        picked = [c for c in CASES if c.id in ids]
        for case in picked:
            case.apply(tables)
        errors = outcome(_write(tmp_path, tables, "xlsx")).lines("error")
        for case in picked:
            _assert_named(errors, [f'"{case.value}"', *case.expect])

    @pytest.mark.parametrize("legacy", ["legacy_tcvn3_name", "legacy_vni_name"])
    def test_legacy_text_does_not_hide_other_mistakes(self, tmp_path: Path,
                                                      base_tables: Tables,
                                                      legacy: str) -> None:
        """A TCVN3 / VNI unit name is reported together with a bad value elsewhere."""
        tables = copy.deepcopy(base_tables)
        by_id = {c.id: c for c in CASES}
        for case in (by_id[legacy], by_id["percent_above_100"]):
            case.apply(tables)
        errors = outcome(_write(tmp_path, tables, "xlsx")).lines("error")
        _assert_named(errors, ["bundle.xlsx [units]", by_id[legacy].value or ""])
        _assert_named(errors, ["bundle.xlsx [evidence]", '"120"', "outside 0–100"])

    def test_bonus_above_cap_is_capped(self, tmp_path: Path, base_tables: Tables) -> None:
        tables = copy.deepcopy(base_tables)
        UNLOCATED[0].apply(tables)
        unit = next(u for u in score_of(_write(tmp_path, tables, "csv"))["units"]
                    if u["code"] == "A01")
        assert unit["bonus"] == 2.0


class TestWordsThatLookLikeNumbers:
    """``inf``, ``Infinity``, ``1e400`` are not counts or points (Python reads them as ∞)."""

    @pytest.mark.parametrize(("table", "match", "changes", "column"), [
        ("evidence", {"unit": "A01", "criterion": "2.1.2"}, {"value": "inf"}, "value"),
        ("evidence", {"unit": "A02", "criterion": "3.4"}, {"value": "Infinity"}, "value"),
        ("evidence", {"unit": "A02", "criterion": "5.4"}, {"value": "1e400"}, "value"),
        ("adjustments", {"unit": "A01"}, {"points": "inf"}, "points"),
        ("one_stop", {"unit": "A02"}, {"received_online": "inf", "resolved_on_time": "inf"},
         "received_online"),
    ], ids=["count-inf", "count-Infinity", "count-1e400", "bonus-inf", "one-stop-inf"])
    def test_infinity_is_refused(self, tmp_path: Path, base_tables: Tables, table: str,
                                 match: dict[str, str], changes: dict[str, str],
                                 column: str) -> None:
        tables = copy.deepcopy(base_tables)
        i = _row(tables, table, **match)
        tables[table][i].update(changes)
        bundle = _write(tmp_path, tables, "csv")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = outcome(bundle)
        _assert_named(got.lines("error"), [f"{table}.csv", f"row {i + 2}",
                                           f'column "{column}"', f'"{changes[column]}"'])
        assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []


# ------------------------------------------------------------------ cells that must be read


def _variant(tmp: Path, base: Tables, kind: str, change: Callable[[Tables], None]) -> Path:
    tables = copy.deepcopy(base)
    change(tables)
    return _write(tmp, tables, kind)


_MEANT: dict[str, dict[str, Any]] = {}


def _meant_score(tmp: Path, base: Tables, change: Callable[[Tables], None]) -> dict[str, Any]:
    """The score of the CSV bundle written as meant (one read per distinct bundle)."""
    tables = copy.deepcopy(base)
    change(tables)
    key = json.dumps(tables, sort_keys=True)
    if key not in _MEANT:
        _MEANT[key] = score_of(_write(tmp, tables, "csv"))
    return _MEANT[key]


def _set(table: str, column: str, value: str, **match: str) -> Callable[[Tables], None]:
    def change(t: Tables) -> None:
        t[table][_row(t, table, **match)][column] = value
    return change


class TestRealWorldCells:
    """Cells written the ways people write them are read as meant (docs/EVIDENCE.md)."""

    def _same(self, tmp: Path, base: Tables, kind: str, written: Callable[[Tables], None],
              meant: Callable[[Tables], None]) -> dict[str, Any]:
        got = outcome(_variant(tmp / "written", base, kind, written))
        assert got.problems == [], "\n".join(p.render() for p in got.problems)
        assert got.score is not None
        assert got.score == _meant_score(tmp / "meant", base, meant)
        return got.score

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    @pytest.mark.parametrize("text", ["92,5", "92.5", "92,5%", " 92,5 %", "\u00a092,5\u00a0",
                                      "37/40"])
    def test_percent_written_many_ways(self, tmp_path: Path, base_tables: Tables,
                                       base_score: dict[str, Any], kind: str,
                                       text: str) -> None:
        got = self._same(tmp_path, base_tables, kind,
                         _set("evidence", "value", text, unit="A01", criterion="6.1"),
                         _set("evidence", "value", "92.5", unit="A01", criterion="6.1"))
        assert got != base_score  # 6.1 is proportional: 92,5 is not 95

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    @pytest.mark.parametrize("text", ["1.234", "1 234", "1,234", "1234 "])
    def test_thousands_separators_in_one_stop_counts(self, tmp_path: Path,
                                                     base_tables: Tables,
                                                     base_score: dict[str, Any], kind: str,
                                                     text: str) -> None:
        """The base has 1234 received online; 1.234 read as 1,234 would not add up."""
        got = self._same(tmp_path, base_tables, kind,
                         _set("one_stop", "received_online", text, unit="A01"),
                         _set("one_stop", "received_online", "1234", unit="A01"))
        assert got == base_score

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    @pytest.mark.parametrize("text", ["05/03/2024", "5/3/2024", "05-03-2024", "05.03.2024",
                                      "2024-03-05"])
    def test_dates(self, tmp_path: Path, base_tables: Tables, base_score: dict[str, Any],
                   kind: str, text: str) -> None:
        """5 March is after the Q1 deadline (1 March): the report turns late."""
        got = self._same(tmp_path, base_tables, kind,
                         _set("reports", "submitted", text, unit="A01", report="Q1"),
                         _set("reports", "submitted", "2024-03-05", unit="A01", report="Q1"))
        assert got != base_score

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_nfd_codes_and_names(self, tmp_path: Path, base_tables: Tables, kind: str) -> None:
        """A code typed in NFD in one table and NFC in another is the same unit."""
        nfc, name = "ĐỒNG-01", "Xã Đồng Lợi"

        def recode(t: Tables, in_units: str, elsewhere: str, shown: str) -> None:
            t["units"][0].update(code=in_units, name=shown)
            for table in ("evidence", "one_stop", "reports", "adjustments"):
                for r in t[table]:
                    if r["unit"] == "A01":
                        r["unit"] = elsewhere

        nfd = unicodedata.normalize("NFD", nfc)
        got = self._same(tmp_path, base_tables, kind,
                         lambda t: recode(t, nfc, nfd, unicodedata.normalize("NFD", name)),
                         lambda t: recode(t, nfc, nfc, name))
        unit = next(u for u in got["units"] if u["code"] == nfc)
        assert unicodedata.normalize("NFC", unit["name"]) == name

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_stray_and_non_breaking_spaces(self, tmp_path: Path, base_tables: Tables,
                                           base_score: dict[str, Any], kind: str) -> None:
        def spaces(t: Tables) -> None:
            t["units"][0]["code"] = " A01\u00a0"
            for r in t["evidence"]:
                r["unit"] = f"{r['unit']} "
                r["criterion"] = f"\u00a0{r['criterion']}"
            t["evidence"][_row(t, "evidence", unit="A01 ", criterion="\u00a01.1.1")][
                "value"] = " Dung_Han\u00a0"
            t["evidence"][_row(t, "evidence", unit="A01 ", criterion="\u00a01.1.2")][
                "value"] = "\u00a0CÓ "
            t["reports"][0]["submitted"] = f" {t['reports'][0]['submitted']}\u00a0"

        assert self._same(tmp_path, base_tables, kind, spaces, lambda _t: None) == base_score


def _xlsx(tmp: Path, base: Tables) -> Path:
    return _write(tmp, copy.deepcopy(base), "xlsx")


class TestWorkbookCells:
    """What only a workbook can hold: number formats, date serials, titles, formulas."""

    @pytest.mark.parametrize(("value", "number_format", "text"), [
        (None, None, ""),
        (True, None, "true"),
        (False, "General", "false"),
        (dt.datetime(2024, 3, 5, 14, 30), "dd/mm/yyyy", "2024-03-05"),
        (dt.date(2024, 3, 5), None, "2024-03-05"),
        (95, None, "95"),
        (1234.0, "General", "1234"),
        (92.5, "0.0", "92.5"),
        (0.95, "0%", "95"),
        (0.925, "0.0%", "92.5"),
        (0.95, "General", "0.95"),
        (unicodedata.normalize("NFD", "Xã Hòa"), None, "Xã Hòa"),
        (" 92,5 %", "@", " 92,5 %"),
    ], ids=["blank", "true", "false", "datetime", "date", "int", "whole-float", "decimal",
            "percent-format", "percent-format-decimal", "plain-fraction", "nfd-text",
            "text-kept-as-typed"])
    def test_cell_text_is_what_a_user_typed(self, value: Any, number_format: str | None,
                                            text: str) -> None:
        """How the workbook reader turns each kind of cell value into text (then read as a
        CSV cell is): booleans as true/false, dates as ISO, no spurious ``.0``, a percent
        format times 100, text in NFC and otherwise untouched."""
        from parindex.evidence.read_xlsx import cell_text

        assert cell_text(value, number_format) == text

    def test_percent_stored_as_fraction_with_percent_format(
            self, tmp_path: Path, base_tables: Tables, base_score: dict[str, Any]) -> None:
        """0.95 shown as 95% is 95 (the base's value), with no warning."""
        x = _xlsx(tmp_path, base_tables)
        row, letters = find_row(x, "evidence", "evidence", unit="A01", criterion="1.3")
        ref = f"{letters['value']}{row}"
        set_cells(x, "evidence", {ref: 0.95}, {ref: "0%"})
        got = outcome(x)
        assert got.problems == [], got.lines("warning")
        assert got.score == base_score

    @pytest.mark.parametrize("fmt", ["General", "0.00"])
    def test_plain_fraction_number_warns(self, tmp_path: Path, base_tables: Tables,
                                         fmt: str) -> None:
        x = _xlsx(tmp_path, base_tables)
        row, letters = find_row(x, "evidence", "evidence", unit="A01", criterion="1.3")
        ref = f"{letters['value']}{row}"
        set_cells(x, "evidence", {ref: 0.95}, {ref: fmt})
        got = outcome(x)
        assert got.lines("error") == []
        _assert_named(got.lines("warning"), ["bundle.xlsx [evidence]", f"(cell {ref})",
                                             '"0.95"', "less than 1%"])

    @pytest.mark.parametrize("fmt", ["dd/mm/yyyy", "General", "@"])
    def test_date_cells_and_serials(self, tmp_path: Path, base_tables: Tables, fmt: str,
                                    base_score: dict[str, Any]) -> None:
        """A real date, a bare serial (45356 = 05/03/2024) and a serial typed as text."""
        x = _xlsx(tmp_path, base_tables)
        row, letters = find_row(x, "reports", "reports", unit="A01", report="Q1")
        ref = f"{letters['submitted']}{row}"
        value: Any = {"dd/mm/yyyy": dt.datetime(2024, 3, 5), "General": 45356,
                      "@": "45356"}[fmt]
        set_cells(x, "reports", {ref: value}, {ref: fmt})
        late = _meant_score(tmp_path / "late", base_tables,
                            _set("reports", "submitted", "05/03/2024", unit="A01", report="Q1"))
        assert score_of(x) == late
        assert late != base_score

    def test_numbers_typed_as_numbers(self, tmp_path: Path, base_tables: Tables,
                                      base_score: dict[str, Any]) -> None:
        """Counts and percentages as numeric cells, not text, read the same."""
        x = _xlsx(tmp_path, base_tables)
        row, letters = find_row(x, "one_stop", "one_stop", unit="A01")
        set_cells(x, "one_stop", {f"{letters['received_online']}{row}": 1234.0,
                                  f"{letters['carried_over']}{row}": 12})
        row, letters = find_row(x, "evidence", "evidence", unit="A01", criterion="1.3")
        set_cells(x, "evidence", {f"{letters['value']}{row}": 95.0})
        assert score_of(x) == base_score

    def test_boolean_cells_are_yes_and_no(self, tmp_path: Path, base_tables: Tables,
                                          base_score: dict[str, Any]) -> None:
        """A yes/no criterion ticked as an Excel TRUE / FALSE reads as có / không."""
        x = _xlsx(tmp_path, base_tables)
        cells = {}
        for unit, value in (("A01", True), ("A02", False)):  # the base: có, không
            row, letters = find_row(x, "evidence", "evidence", unit=unit, criterion="1.1.2")
            cells[f"{letters['value']}{row}"] = value
        set_cells(x, "evidence", cells)
        got = outcome(x)
        assert got.problems == [], got.lines("warning")
        assert got.score == base_score

    def test_title_row_and_merged_headings_above_the_table(
            self, tmp_path: Path, base_tables: Tables, base_score: dict[str, Any]) -> None:
        x = _xlsx(tmp_path, base_tables)
        wb = load_workbook(x)
        for name in ("evidence", "one_stop", "units"):
            ws = wb[name]
            ws.insert_rows(1, 2)
            ws["A1"] = "BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024"
            ws.merge_cells("A1:F1")
            ws["B2"] = "Thông tin"
            ws.merge_cells("B2:C2")
        wb.save(x)
        got = outcome(x)
        assert got.problems == [], got.lines("warning")
        assert got.score == base_score
        # rows are still counted as the spreadsheet shows them
        wb = load_workbook(x)
        row = next(r for r in range(4, wb["evidence"].max_row + 1)
                   if wb["evidence"][f"A{r}"].value == "A01"
                   and wb["evidence"][f"B{r}"].value == "1.3")
        set_cells(x, "evidence", {f"C{row}": "120"})
        _assert_named(outcome(x).lines("error"), ["bundle.xlsx [evidence]", f"row {row}",
                                                  f"(cell C{row})", '"120"'])

    def test_merged_heading_cells(self, tmp_path: Path, base_tables: Tables,
                                  base_score: dict[str, Any]) -> None:
        """A heading merged over two rows (the value below it blank) is still the heading."""
        x = _xlsx(tmp_path, base_tables)
        wb = load_workbook(x)
        ws = wb["evidence"]
        ws.insert_rows(2)
        for col in "ABCDEF":
            ws.merge_cells(f"{col}1:{col}2")
        wb.save(x)
        got = outcome(x)
        assert got.problems == [], got.lines("warning")
        assert got.score == base_score

    def test_formula_uses_the_cached_value(self, tmp_path: Path, base_tables: Tables) -> None:
        """``=50+50`` saved with 92.5 as its last value reads 92.5: never evaluated."""
        x = _xlsx(tmp_path, base_tables)
        row, letters = find_row(x, "evidence", "evidence", unit="A01", criterion="6.1")
        ref = f"{letters['value']}{row}"
        set_cells(x, "evidence", {ref: "=50+50"})
        _cache(x, "evidence", ref, "92.5")
        meant = _meant_score(tmp_path / "meant", base_tables,
                             _set("evidence", "value", "92,5", unit="A01", criterion="6.1"))
        got = outcome(x)
        assert got.problems == [], got.lines("warning")
        assert got.score == meant
        assert _unsaved(x) == {}  # every result saved: no formula to name

    def test_formula_without_a_cached_value_is_named(self, tmp_path: Path,
                                                     base_tables: Tables) -> None:
        """A formula never computed by a spreadsheet has no value: reported, not read blank."""
        x = _xlsx(tmp_path, base_tables)
        row, letters = find_row(x, "evidence", "evidence", unit="A01", criterion="6.1")
        ref = f"{letters['value']}{row}"
        set_cells(x, "evidence", {ref: "=50+50"})
        assert _unsaved(x) == {(row, column_number(letters["value"])): "=50+50"}
        got = outcome(x)
        assert got.score is None
        for errors in (got.lines("error"), _refused_lines(got)):  # check, score
            assert len(errors) == 1, "\n".join(errors)
            _assert_named(errors, ["bundle.xlsx [evidence]", f"row {row}", f"cell {ref}",
                                   '"value"', '"=50+50"', "no saved result"])

    def test_formula_in_a_name_uses_its_cached_text(self, tmp_path: Path,
                                                    base_tables: Tables) -> None:
        x = _xlsx(tmp_path, base_tables)
        set_cells(x, "units", {"B2": '=CONCATENATE("Xã ","An")'})
        _cache(x, "units", "B2", "Xã An", text=True)
        unit = next(u for u in score_of(x)["units"] if u["code"] == "A01")
        assert unit["name"] == "Xã An"


def _unsaved(path: Path) -> dict[tuple[int, int], str]:
    """The formulas with no saved result the sheet scan finds, over every sheet."""
    from parindex.evidence.xlsx_formats import sheet_parts
    from parindex.evidence.xlsx_marks import scan_sheet

    with zipfile.ZipFile(path) as zf:
        return {cell: formula for part in sheet_parts(zf).values()
                for cell, formula in scan_sheet(zf, part, frozenset()).unsaved.items()}


def _cache(path: Path, sheet: str, ref: str, cached: str, text: bool = False) -> None:
    """Give a formula cell the cached value Excel would have saved (openpyxl writes none)."""
    wb = load_workbook(path, read_only=True)
    index = wb.sheetnames.index(sheet) + 1
    wb.close()
    member = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as zf:
        data = {n: zf.read(n) for n in zf.namelist()}
    xml = data[member].decode()
    # an empty value: <v/>, or <v></v> when openpyxl writes with lxml (python-docx needs it)
    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*(?:/>|></v>)\s*</c>')
    assert pattern.search(xml), xml[:2000]
    kind = ' t="str"' if text else ""
    xml = pattern.sub(lambda m: f'<c r="{ref}"{kind}><f>{m[2]}</f><v>{cached}</v></c>', xml)
    data[member] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in data.items():
            zf.writestr(name, blob)


class TestRefusedFiles:
    """A workbook too large, or not a workbook at all: one clear message, exit 1."""

    @pytest.mark.parametrize("limit", ["MAX_FILE_BYTES", "MAX_UNPACKED_BYTES"])
    @pytest.mark.parametrize("command", ["check", "score"])
    def test_over_the_size_limit(self, tmp_path: Path, base_tables: Tables, limit: str,
                                 command: str, monkeypatch: pytest.MonkeyPatch) -> None:
        import parindex.evidence.read_xlsx as xlsx

        x = _xlsx(tmp_path, base_tables)
        monkeypatch.setattr(xlsx, limit, 2000)
        got = outcome(x)
        assert got.score is None
        errors = got.lines("error") if command == "check" else _refused_lines(got)
        _assert_named(errors, ["bundle.xlsx", "limit"])
        assert len(errors) == 1, "one refused workbook, one message:\n" + "\n".join(errors)

    @pytest.mark.parametrize("content", [b"unit,criterion,value\nA01,1.1,x\n", b"",
                                         b"PK\x03\x04 broken"])
    def test_not_a_workbook(self, tmp_path: Path, content: bytes) -> None:
        fake = tmp_path / "bundle.xlsx"
        fake.write_bytes(content)
        got = outcome(fake)
        assert got.score is None
        for errors in (got.lines("error"), _refused_lines(got)):  # check, score
            _assert_named(errors, ["bundle.xlsx", "not an Excel .xlsx workbook"])
            assert len(errors) == 1, "\n".join(errors)

    def test_a_workbook_without_the_evidence_sheet(self, tmp_path: Path,
                                                   base_tables: Tables) -> None:
        x = _xlsx(tmp_path, base_tables)
        wb = load_workbook(x)
        del wb["evidence"]
        wb.save(x)
        _assert_named(outcome(x).lines("error"), ["bundle.xlsx", "evidence", "missing"])

    def test_unknown_headings_are_named(self, tmp_path: Path, base_tables: Tables) -> None:
        x = _xlsx(tmp_path, base_tables)
        set_cells(x, "evidence", {"C1": "Giá trị"})
        _assert_named(outcome(x).lines("error"), ["bundle.xlsx [evidence]", "row 1", "value"])


class TestMeta:
    """The year and edition a bundle names: a bad one is reported, never a crash."""

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    @pytest.mark.parametrize("edition", ["xa-2042", "x" * 1000, "Bộ chỉ số " * 40, ".", "/"],
                             ids=["unknown", "long", "long-vietnamese", "dot", "slash"])
    def test_unusable_edition(self, tmp_path: Path, base_tables: Tables, kind: str,
                              edition: str) -> None:
        folder = small_bundle(tmp_path / "b", tables=copy.deepcopy(base_tables))
        meta = yaml.safe_load((folder / "bundle.yaml").read_text(encoding="utf-8"))
        meta["edition"] = edition
        (folder / "bundle.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True),
                                            encoding="utf-8")
        bundle = folder if kind == "csv" else to_xlsx(folder, tmp_path / "bundle.xlsx")
        got = outcome(bundle)
        assert got.score is None
        for errors in (got.lines("error"), _refused_lines(got)):  # check, score
            assert errors
            assert any(edition[:40] in line for line in errors), errors

    def test_unusable_criteria_option(self, tmp_path: Path, base_tables: Tables) -> None:
        folder = small_bundle(tmp_path / "b", tables=copy.deepcopy(base_tables))
        result = invoke("score", folder, "--criteria", "y" * 1000, inputs=[folder])
        assert result.exit_code == 1, result.output
        assert _lines(result, "error")

    @pytest.mark.parametrize("year", ["hai nghìn", "1899", "20241", ""])
    def test_bad_year_in_the_meta_sheet(self, tmp_path: Path, base_tables: Tables,
                                        year: str) -> None:
        x = _xlsx(tmp_path, base_tables)
        set_cells(x, "meta", {"B1": year or None})
        _assert_named(outcome(x).lines("error"), ["bundle.xlsx [meta]", "year"])


# ------------------------------------------------------------------ formula-safe outputs

DANGEROUS = {"A01": '=HYPERLINK("x")', "A02": "@SUM(A1)"}


@pytest.fixture(scope="module")
def risky(tmp_path_factory: pytest.TempPathFactory, base_tables: Tables) -> Path:
    tables = copy.deepcopy(base_tables)
    for u in tables["units"]:
        u["name"] = DANGEROUS[u["code"]]
    tables["units"].append({"code": "A03", "name": "-1", "type": "xa", "group": "Huyện Mẫu"})
    tables["units"].append({"code": "A04", "name": "-1+2", "type": "xa", "group": "+G"})
    for code in ("A03", "A04"):
        tables["evidence"] += [dict(r, unit=code) for r in tables["evidence"]
                               if r["unit"] == "A01"]
    return small_bundle(tmp_path_factory.mktemp("risky") / "b", tables=tables)


def _csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


class TestFormulaSafeOutputs:
    """A unit name never becomes a formula in a CSV or a workbook parindex writes."""

    @pytest.mark.parametrize("command", ["score", "rank"])
    def test_csv_output_neutralises_formula_like_names(self, risky: Path,
                                                       command: str) -> None:
        result = invoke(command, risky, "--format", "csv", inputs=[risky])
        assert result.exit_code == 0, result.stderr
        cells = {c for row in _csv_cells(result.stdout) for c in row}
        assert "'=HYPERLINK(\"x\")" in cells
        assert "'@SUM(A1)" in cells
        assert "'-1+2" in cells
        assert not [c for c in cells if c[:1] in ("=", "@", "+")], cells
        assert "-1" in cells  # a plain negative number cannot run as a formula: left as is
        dashed = [c for c in cells if c.startswith("-")]
        assert all(re.fullmatch(r"-\d+([.,]\d+)?", c) for c in dashed), dashed

    def test_csv_output_to_a_file_is_neutralised_too(self, risky: Path,
                                                     tmp_path: Path) -> None:
        out = tmp_path / "score.csv"
        result = invoke("score", risky, "--format", "csv", "--out", out, inputs=[risky],
                        out_dir=tmp_path)
        assert result.exit_code == 0
        assert "'=HYPERLINK" in out.read_text(encoding="utf-8")

    def test_json_keeps_names_as_written(self, risky: Path) -> None:
        names = {u["code"]: u["name"] for u in score_of(risky)["units"]}
        assert names == {**DANGEROUS, "A03": "-1", "A04": "-1+2"}

    def test_written_workbook_keeps_names_as_text(self, risky: Path, tmp_path: Path) -> None:
        x = to_xlsx(risky, tmp_path / "risky.xlsx")
        ws = load_workbook(x)["units"]
        names = {ws[f"A{r}"].value: ws[f"B{r}"] for r in range(2, ws.max_row + 1)}
        for code, want in {**DANGEROUS, "A03": "-1", "A04": "-1+2"}.items():
            assert names[code].data_type == "s", code
            assert names[code].value == want, code
        assert ws["D5"].data_type == "s"
        assert ws["D5"].value == "+G"
        # and it reads back as written
        assert score_of(x) == score_of(risky)

    def test_merged_csv_folder_neutralises_and_reads_back(self, risky: Path,
                                                          tmp_path: Path) -> None:
        x = to_xlsx(risky, tmp_path / "part.xlsx")
        out = tmp_path / "merged"
        result = invoke("merge", out, x, inputs=[x], out_dir=tmp_path)
        assert result.exit_code == 0, result.stderr
        text = (out / "units.csv").read_text(encoding="utf-8")
        assert "'=HYPERLINK" in text
        assert "'@SUM(A1)" in text
        assert score_of(out) == score_of(risky)


def test_corpus_ids_are_unique() -> None:
    ids = [c.id for c in CASES + UNLOCATED]
    assert len(ids) == len(set(ids))
