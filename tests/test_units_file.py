"""`template --units`: the units list is read and checked in `evidence`, not by the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.errors import EvidenceError
from parindex.evidence.units_file import read_units_file


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return path


class TestReadUnitsFile:
    """A units list: the four columns, codes trimmed and NFC-normalised, one unit on request."""

    def test_reads_and_normalises(self, tmp_path: Path) -> None:
        path = _write(tmp_path, "code,name,type,group\n XA01 ,Xa\u0303 An,xa,H\nXA02,B,xa,H\n")
        table = read_units_file(path)
        assert table["code"].tolist() == ["XA01", "XA02"]
        assert table["name"].iloc[0] == "Xã An"
        assert "_row" not in table.columns
        assert read_units_file(path, " XA02")["code"].tolist() == ["XA02"]

    def test_no_such_file(self, tmp_path: Path) -> None:
        with pytest.raises(EvidenceError, match="no such units file"):
            read_units_file(tmp_path / "nope.csv")

    def test_missing_columns(self, tmp_path: Path) -> None:
        path = _write(tmp_path, "code,name\nXA01,A\n")
        with pytest.raises(EvidenceError) as info:
            read_units_file(path)
        (p,) = info.value.problems
        assert (p.file, p.location) == ("units.csv", "row 1")
        assert "missing column(s) type, group" in p.render()

    def test_unknown_unit(self, tmp_path: Path) -> None:
        path = _write(tmp_path, "code,name,type,group\nXA01,A,xa,H\n")
        with pytest.raises(EvidenceError, match='no unit with code "XA09"'):
            read_units_file(path, "XA09")

    def test_cli_reports_it(self, tmp_path: Path) -> None:
        path = _write(tmp_path, "code,name\nXA01,A\n")
        result = CliRunner().invoke(app, ["template", "xa-2024", "--units", str(path),
                                          "--out", str(tmp_path / "t.xlsx"), "--lang", "en"])
        assert result.exit_code == 1
        assert "missing column(s) type, group" in result.output


class TestUnitsAsExcelSavesThem:
    """Vietnamese headings and types, a workbook with a title row and numeric codes."""

    def test_vietnamese_headings_and_types(self, tmp_path: Path) -> None:
        path = _write(tmp_path, "Mã đơn vị;Tên đơn vị;Loại đơn vị;Nhóm xếp hạng\n"
                                "X1;Xã Một;Xã;H\nX2;Phường Hai;PHƯỜNG;H\n"
                                "X3;Thị trấn Ba;thị  trấn;H\n")
        table = read_units_file(path)
        assert table["type"].tolist() == ["xa", "phuong", "thi_tran"]
        assert table.columns.tolist() == ["code", "name", "type", "group"]

    def test_workbook_with_a_title_row(self, tmp_path: Path) -> None:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(["DANH SÁCH ĐƠN VỊ"])
        ws.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Nhóm xếp hạng"])
        ws.append([101, "Xã Một", "xã", "H"])
        ws.append([None, None, None, None])
        ws.append([102.0, "Xã Hai", "xa", "H"])
        wb.save(tmp_path / "units.xlsx")
        table = read_units_file(tmp_path / "units.xlsx")
        assert table["code"].tolist() == ["101", "102"]
        assert table["type"].tolist() == ["xa", "xa"]

    def test_every_problem_at_once(self, tmp_path: Path) -> None:
        path = _write(tmp_path, "code,name,type,group\nX1,A,xa,H\nX1,B,lang,\n")
        with pytest.raises(EvidenceError) as info:
            read_units_file(path)
        found = {(p.location, p.field, p.value) for p in info.value.problems}
        assert found == {("row 3", "code", "X1"), ("row 3", "type", "lang"),
                         ("row 3", "group", None)}
