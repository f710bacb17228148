"""`merge` keeps the workbook a workbook (issue #11 item 4): OUT.xlsx has the template's
layout filled with the merged values, and values that mean the same are not conflicts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from workbook_helpers import (
    header_map,
    heading_row,
    invoke,
    score_of,
    small_bundle,
    small_tables,
)

from parindex.criteria import load_edition
from parindex.evidence.labels import column_for, info_column, label

ED = load_edition("xa-2024")


def _parts(tmp_path: Path, tables: dict[str, list[dict[str, str]]]) -> list[Path]:
    """The bundle split by unit: one CSV folder per commune (units, evidence, reports);
    the first also carries the one-stop and adjustment rows."""
    parts = []
    for n, code in enumerate(("A01", "A02")):
        own = {name: [r for r in rows if r.get("unit", r.get("code")) == code]
               for name, rows in tables.items() if name in ("units", "evidence", "reports")}
        if n == 0:
            own |= {"one_stop": tables["one_stop"], "adjustments": tables["adjustments"]}
        parts.append(small_bundle(tmp_path / f"part-{code}", tables=own))
    return parts


def _merge(out: Path, parts: list[Path]) -> Any:
    return invoke("merge", out, *parts, inputs=parts, out_dir=out.parent)


def _columns(ws: Any, table: str) -> dict[str, int]:
    """canonical column (the template's informational ones too) → 1-based index."""
    out = {}
    for cell in ws[heading_row(ws, table)]:
        col = column_for(table, cell.value) or info_column(cell.value)
        if col is not None:
            out[col] = cell.column
    return out


def _rows(ws: Any, table: str) -> dict[tuple[str, str], dict[str, Any]]:
    cols = _columns(ws, table)
    out = {}
    for r in range(heading_row(ws, table) + 1, ws.max_row + 1):
        row = {c: ws.cell(r, j).value for c, j in cols.items()}
        if row.get("unit"):
            out[(str(row["unit"]), str(row.get("criterion", "")))] = row
    return out


def test_merged_workbook_has_the_template_layout(tmp_path: Path) -> None:
    tables = small_tables()
    whole = small_bundle(tmp_path / "whole", tables=tables)
    out = tmp_path / "merged.xlsx"
    result = _merge(out, _parts(tmp_path, tables))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    ws = wb["evidence"]
    headings = [c.value for c in ws[heading_row(ws, "evidence")]]
    for col in ("criterion_name", "max", "rule", "enter"):  # the template's columns
        assert label("evidence", col, "vi") in headings
    rows = _rows(ws, "evidence")
    assert len(rows) == 2 * len(ED.leaves)
    cols = header_map(ws, "evidence")
    for leaf in ED.leaves:
        row = rows[("A01", leaf.code)]
        assert row["criterion_name"] == leaf.name
        assert float(row["max"]) == leaf.max
        given = next(e for e in tables["evidence"]
                     if e["unit"] == "A02" and e["criterion"] == leaf.code)
        assert (rows[("A02", leaf.code)]["value"] or "") == given["value"]
    assert ws.protection.sheet  # structure locked, inputs not
    first = heading_row(ws, "evidence") + 1
    value_col = ws.cell(first, cols["value"]).column_letter
    assert not ws[f"{value_col}{first}"].protection.locked
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists, "the drop-downs of the template are kept"
    assert any(f"{value_col}{first}" in dv.sqref for dv in ws.data_validations.dataValidation)
    # reports keep their dates as dates, shown dd/mm/yyyy
    rep = wb["reports"]
    rcols = header_map(rep, "reports")
    submitted = rep.cell(2, rcols["submitted"])
    assert submitted.number_format == "dd/mm/yyyy"
    assert submitted.value is not None
    assert submitted.value.year == 2024
    assert score_of(out) == score_of(whole)


@pytest.mark.parametrize(("code", "first", "second"), [
    ("1.1.2", "có", "Có"),  # yes/no, case
    ("1.1.3", "95,3", "95.3"),  # decimal comma and point
    ("1.1.1", "dung_han", "Đúng hạn"),  # an option, accents and case folded
    ("1.1.3", "87.5", "35/40"),  # a/b of a percentage, compared as the percentage
])
def test_values_that_mean_the_same_are_not_conflicts(tmp_path: Path, code: str, first: str,
                                                    second: str) -> None:
    tables = small_tables()
    for row in tables["evidence"]:
        if row["unit"] == "A01" and row["criterion"] == code:
            row["value"] = first
    other = copy.deepcopy(tables)
    for row in other["evidence"]:
        if row["unit"] == "A01" and row["criterion"] == code:
            row["value"] = second
    a = small_bundle(tmp_path / "a", tables=tables)
    b = small_bundle(tmp_path / "b", tables=other)
    out = tmp_path / "merged.xlsx"
    result = _merge(out, [a, b])
    assert result.exit_code == 0, result.output
    rows = _rows(load_workbook(out)["evidence"], "evidence")
    assert str(rows[("A01", code)]["value"]) == first  # the first part's text is kept


@pytest.mark.parametrize(("code", "first", "second"), [
    ("1.1.2", "có", "không"),
    ("1.1.3", "87.5", "35/41"),
    ("1.1.1", "dung_han", "tre_han"),
])
def test_values_that_differ_are_conflicts(tmp_path: Path, code: str, first: str,
                                          second: str) -> None:
    tables = small_tables()
    other = copy.deepcopy(tables)
    for rows, value in ((tables, first), (other, second)):
        for row in rows["evidence"]:
            if row["unit"] == "A01" and row["criterion"] == code:
                row["value"] = value
    a = small_bundle(tmp_path / "a", tables=tables)
    b = small_bundle(tmp_path / "b", tables=other)
    out = tmp_path / "merged.xlsx"
    result = _merge(out, [a, b])
    assert result.exit_code == 1
    assert f'ở đây là "{second}" nhưng là "{first}" ở ' in result.output
    assert not out.exists()


def test_rows_the_template_has_no_place_for_are_kept_for_check(tmp_path: Path) -> None:
    tables = small_tables()
    tables["evidence"].append({"unit": "A01", "criterion": "9.9", "value": "có",
                               "appraised": "", "source": "", "note": ""})
    part = small_bundle(tmp_path / "part", tables=tables)
    out = tmp_path / "merged.xlsx"
    assert _merge(out, [part]).exit_code == 0
    ws = load_workbook(out)["evidence"]
    rows = _rows(ws, "evidence")
    assert rows[("A01", "9.9")]["value"] == "có"
    last, cell = ws.max_row, ws.cell(ws.max_row, _columns(ws, "evidence")["criterion"])
    assert cell.value == "9.9"  # below the rest
    result = invoke("check", "--lang", "en", out)
    assert result.exit_code == 1
    where = f"row {last} (cell {cell.column_letter}{last})"
    assert f'merged.xlsx [evidence]: {where}, column "criterion": "9.9"' in result.output


def test_a_table_longer_than_a_sheet_is_refused_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The national survey table (1.7 M answers) does not fit a sheet of 1,048,576 rows:
    merge into a workbook says so and writes nothing; a CSV folder takes it."""
    from parindex.evidence import write

    monkeypatch.setattr(write, "SHEET_ROWS", 20)  # the small bundle's evidence: 2 × leaves
    part = small_bundle(tmp_path / "part", tables=small_tables())
    out = tmp_path / "merged.xlsx"
    result = invoke("merge", "--lang", "en", out, part, inputs=[part], out_dir=tmp_path)
    assert result.exit_code == 1
    assert "the table evidence has" in result.output
    assert "more than an Excel sheet holds (20)" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    folder = tmp_path / "merged"
    assert invoke("merge", folder, part, inputs=[part], out_dir=tmp_path).exit_code == 0
    assert (folder / "evidence.csv").is_file()
