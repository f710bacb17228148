"""`parindex template` as an official meets it (issue 11 item 3): a units list as Excel saves
it, drop-downs that show labels, text input cells, and a filled template that scores.

The edition here is small and written for the test: an options leaf with labels (two that
read back as their keys, one that does not), a percentage leaf (typed as a fraction) and a
yes/no leaf, so every expected point below can be worked out by hand.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from workbook_helpers import invoke

from parindex.evidence.bundle import load_bundle
from parindex.evidence.template import HEADING_ROW

EDITION = """\
edition: mini-2024
title: Bộ chỉ số thử
level: xa
valid: {from: 2021, until: null}
scale: 10
bands:
  - {name: Tốt, min: 80}
  - {name: Yếu, min: 0}
calendar: {Q1: "03-01"}
areas:
  - code: "1"
    name: Chỉ đạo, điều hành
    criteria:
      - code: "1.1"
        name: Ban hành kế hoạch
        max: 4
        score:
          options:
            dung_han: {points: 4, label: Đúng hạn}
            tre_han: {points: 2, label: Trễ hạn}
            khong: {points: 0, label: Không ban hành}
      - code: "1.2"
        name: Tỷ lệ hoàn thành kế hoạch
        max: 4
        input: percent
        score: {bands: [{min: 75, points: 4}, {min: 50, points: 2}, {min: 0, points: 0}]}
      - {code: "1.3", name: Có kiểm tra, max: 2, score: boolean}
"""
#: units as a Vietnamese Excel saves them: Vietnamese headings and types, ';', Windows-1258
UNITS_CSV = ("Mã đơn vị;Tên đơn vị;Loại đơn vị;Nhóm xếp hạng\n"
             "X1;Xã Một;Xã;Huyện A\nX2;Phường Hai;phường;Huyện A\n"
             "X3;Thị trấn Ba;Thị trấn;Huyện A\n")
#: what each unit's official picks or types: a label from the list, a fraction, có/không
FILLED = {"X1": ("Đúng hạn", "3/4", "có"), "X2": ("Trễ hạn", "1/2", "không"),
          "X3": ("khong", "NA", "có")}
#: worked out by hand: points, applicable max, index
EXPECTED = {"X1": (10.0, 10.0, 100.0), "X2": (4.0, 10.0, 40.0),
            "X3": (2.0, 6.0, 100 * 2 / 6)}


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    path = tmp_path / "mini-2024.yaml"
    path.write_text(EDITION, encoding="utf-8")
    return path


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: letters with their hat, breve or horn whole (â, ư),
    tone marks as combining characters after them."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
                   + tones)
    return "".join(out).encode("cp1258")


def _units_xlsx(path: Path) -> Path:
    """The same units as a workbook, with a title row above the headings."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["DANH SÁCH ĐƠN VỊ CẤP XÃ"])
    for line in UNITS_CSV.splitlines():
        ws.append(line.split(";"))
    wb.save(path)
    return path


def _units(tmp_path: Path, kind: str) -> Path:
    if kind == "xlsx":
        return _units_xlsx(tmp_path / "don-vi.xlsx")
    path = tmp_path / "don-vi.csv"
    path.write_bytes(_cp1258(UNITS_CSV))
    return path


def _template(edition: Path | str, units: Path, out: Path, *extra: str) -> Any:
    result = invoke("template", edition, "--units", units, "--out", out, "--year", "2024",
                    *extra, inputs=[units], out_dir=out.parent)
    assert result.exit_code == 0, result.output
    return result


def _fill(template: Path, out: Path) -> Path:
    """Type the answers into the value cells, as text (what a text cell keeps)."""
    wb = load_workbook(template)
    ws = wb["evidence"]
    codes = ("1.1", "1.2", "1.3")
    for r in range(HEADING_ROW + 1, ws.max_row + 1):
        unit, code = ws.cell(r, 1).value, ws.cell(r, 4).value
        if unit in FILLED and code in codes:
            ws.cell(r, 9).value = FILLED[unit][codes.index(code)]
            ws.cell(r, 9).data_type = "s"
    wb.save(out)
    return out


class TestRoundTrip:
    """A units list as Excel saves it → template → values picked and typed → the points."""

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_filled_template_scores_as_worked_out(self, tmp_path: Path, edition: Path,
                                                  kind: str) -> None:
        units = _units(tmp_path, kind)
        template = tmp_path / "mau.xlsx"
        result = _template(edition, units, template)
        if kind == "csv":
            assert "Windows-1258" in result.stderr
        filled = _fill(template, tmp_path / "da-dien.xlsx")
        bundle = load_bundle(filled)
        assert bundle.units["type"].tolist() == ["xa", "phuong", "thi_tran"]
        assert bundle.evidence["value"].tolist()[:3] == ["Đúng hạn", "3/4", "có"]
        scored = invoke("score", filled, "--criteria", edition, "--format", "json",
                        inputs=[filled])
        assert scored.exit_code == 0, scored.output
        got = {u["code"]: (u["total"], u["applicable_max"], u["index"])
               for u in json.loads(scored.stdout)["units"]}
        assert got.keys() == EXPECTED.keys()
        for code, (total, applicable, index) in EXPECTED.items():
            assert got[code] == pytest.approx((total, applicable, index)), code

    def test_drop_down_shows_labels_that_read_back(self, tmp_path: Path,
                                                   edition: Path) -> None:
        template = tmp_path / "mau.xlsx"
        _template(edition, _units(tmp_path, "csv"), template)
        ws = load_workbook(template)["evidence"]
        lists = {dv.formula1: dv.sqref for dv in ws.data_validations.dataValidation}
        # every option by its label, which reads back as its key ("Không ban hành" → khong)
        options = '"Đúng hạn,Trễ hạn,Không ban hành,NA"'
        assert options in lists
        rows = [r for r in range(HEADING_ROW + 1, HEADING_ROW + 10)
                if ws.cell(r, 4).value == "1.1"]
        assert len(rows) == 3
        assert all(f"I{r}" in lists[options] and f"J{r}" in lists[options] for r in rows)
        assert ws.cell(rows[0], 8).value.startswith("Chọn trong danh sách: Đúng hạn, Trễ hạn")

    def test_validations_split_by_units_cover_the_same_cells(
            self, tmp_path: Path, edition: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A national workbook gives each rule one validation per thousand units; split
        every two units here, the three units' cells are the same cells, each once."""
        from openpyxl.worksheet.cell_range import MultiCellRange

        from parindex.evidence import template_sheets

        def cells(path: Path) -> dict[str, list[list[str]]]:
            ws = load_workbook(path)["evidence"]
            out: dict[str, list[list[str]]] = {}
            for dv in ws.data_validations.dataValidation:
                out.setdefault(dv.formula1, []).append(
                    [c for r in MultiCellRange(str(dv.sqref)).ranges for c in r.cells])
            return out

        units = _units(tmp_path, "csv")
        _template(edition, units, whole := tmp_path / "whole.xlsx")
        monkeypatch.setattr(template_sheets, "UNITS_PER_VALIDATION", 2)
        _template(edition, units, split := tmp_path / "split.xlsx")
        before, after = cells(whole), cells(split)
        assert before
        assert before.keys() == after.keys()
        for formula, parts in after.items():
            assert len(before[formula]) == 1, formula
            assert len(parts) == 2, formula
            joined = [c for part in parts for c in part]
            assert sorted(joined) == sorted(before[formula][0]), formula
            assert len(set(joined)) == len(joined), formula

    def test_input_columns_are_text(self, tmp_path: Path, edition: Path) -> None:
        """A text column keeps 3/4 as typed: Excel does not make it 3 April."""
        template = tmp_path / "mau.xlsx"
        _template(edition, _units(tmp_path, "csv"), template)
        ws = load_workbook(template)["evidence"]
        for col in range(9, 13):  # value, appraised, source, note
            dim = next(d for d in ws.column_dimensions.values() if d.min <= col <= d.max)
            assert dim.number_format == "@"
            assert dim.protection.locked is False


class TestUnitsFileProblems:
    """A units list `check` would refuse: exit 1, each problem in Vietnamese naming the file,
    row, column and value, and no template written."""

    @pytest.mark.parametrize(("line", "expected"), [
        ("X1;Xã Bốn;xa;Huyện A", 'don-vi.csv: dòng 5, cột "code": "X1" được ghi hai lần'),
        ("X4;Xã Bốn;làng;Huyện A",
         'don-vi.csv: dòng 5, cột "type": "làng" không phải loại đơn vị'),
        ("X4;Xã Bốn;xa;", 'don-vi.csv: dòng 5, cột "group": nhóm xếp hạng bị trống'),
    ])
    def test_refused_with_the_place(self, tmp_path: Path, edition: Path, line: str,
                                    expected: str) -> None:
        units = tmp_path / "don-vi.csv"
        units.write_bytes(_cp1258(UNITS_CSV + line + "\n"))
        out = tmp_path / "mau.xlsx"
        result = invoke("template", edition, "--units", units, "--out", out,
                        inputs=[units, edition])
        assert result.exit_code == 1
        errors = [ln for ln in result.stderr.splitlines() if ln.startswith("lỗi:")]
        assert len(errors) == 1, result.stderr
        assert expected in errors[0]
        assert not out.exists()

    def test_workbook_problem_names_the_cell(self, tmp_path: Path, edition: Path) -> None:
        units = _units_xlsx(tmp_path / "don-vi.xlsx")
        wb = load_workbook(units)
        wb.active.append(["X2", "Xã Trùng", "xa", "Huyện A"])
        wb.save(units)
        result = invoke("template", edition, "--units", units, "--out", tmp_path / "m.xlsx",
                        "--lang", "en", inputs=[units, edition])
        assert result.exit_code == 1
        assert 'don-vi.xlsx: row 6 (cell A6), column "code": "X2" is listed twice' \
            in result.stderr


class TestInstructions:
    """The instructions sheet comes first and names every sheet and column of the workbook."""

    @pytest.mark.parametrize(("lang", "sheet"), [("vi", "Hướng dẫn"), ("en", "Instructions")])
    def test_every_sheet_and_column_explained(self, tmp_path: Path, lang: str,
                                              sheet: str) -> None:
        from parindex.evidence.labels import label
        from parindex.words import t

        template = tmp_path / "mau.xlsx"
        _template("xa-2024", _units(tmp_path, "csv"), template, "--lang", lang)
        wb = load_workbook(template)
        assert wb.sheetnames[0] == sheet
        lines = [row for row in wb[sheet].iter_rows(values_only=True) if row[0]]
        explained = {(row[0], row[1]) for row in lines if row[1] and row[2]}
        for name in wb.sheetnames[1:]:
            ws = wb[name]
            head = HEADING_ROW if name == "evidence" else 1
            headings = [c.value for c in ws[head] if c.value] if name != "meta" else \
                [c.value for c in ws["A"]]
            assert headings, name
            for heading in headings:
                assert (name, heading) in explained, (name, heading)
        assert any(t("guide.step5", lang) == row[0] for row in lines)
        assert label("evidence", "value", lang) in next(
            row[0] for row in lines if str(row[0]).startswith("2."))

    def test_ranked_column_explained_when_present(self, tmp_path: Path) -> None:
        units = tmp_path / "units.csv"
        units.write_text("code,name,type,group,ranked\nX1,Xã Một,xa,H,không\n", encoding="utf-8")
        template = tmp_path / "mau.xlsx"
        _template("xa-2024", units, template)
        ws = load_workbook(template)["Hướng dẫn"]
        rows = {(r[0], r[1]): r[2] for r in ws.iter_rows(values_only=True) if r[0] and r[1]}
        assert rows[("units", "Được xếp hạng")].startswith("có: đơn vị được xếp hạng")
