"""Workbooks built to break the reader: two sheets for one table, a damaged sheet's XML, an
XML entity bomb. Each is one located problem (the file and the sheet), exit 1, no
traceback, and the workbook's bytes unchanged (CONTRACT §2, #10 items 5 and 10)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from parindex.cli import app
from parindex.evidence.write import xlsx_bytes

VALID = Path(__file__).parent / "fixtures" / "bad" / "bundles" / "_valid"
EDITION = VALID.parent / "tiny.yaml"


def _tables() -> dict[str, pd.DataFrame]:
    return {f.stem: pd.read_csv(f, dtype=str, keep_default_na=False)
            for f in sorted(VALID.glob("*.csv"))}


def _workbook(tmp_path: Path, edit: dict[str, bytes] | None = None,
              extra_sheet: str | None = None) -> Path:
    """The valid bundle as a workbook; ``extra_sheet`` adds a copy of the evidence sheet
    under that name, ``edit`` replaces parts of the zip (sheet XML) with other bytes."""
    meta = yaml.safe_load((VALID / "bundle.yaml").read_text(encoding="utf-8"))
    meta["edition"] = str(EDITION)
    tables = _tables()
    sheets = dict(tables)
    data = xlsx_bytes(sheets, meta)
    if extra_sheet is not None:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data))
        copy = wb.copy_worksheet(wb["evidence"])
        copy.title = extra_sheet
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    if edit:
        src = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                out.writestr(item, edit.get(item.filename, src.read(item.filename)))
        data = buf.getvalue()
    path = tmp_path / "bundle.xlsx"
    path.write_bytes(data)
    return path


def _sheet_part(path: Path, title: str) -> str:
    """The zip part of the sheet with this title (openpyxl names them sheetN.xml)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    names = wb.sheetnames
    wb.close()
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def _check(path: Path) -> tuple[int, str]:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(
        app, ["check", str(path), "--lang", "en"])  # the messages asserted are English
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return result.exit_code, result.stderr


#: "billion laughs": ten entities, each ten of the one before (10¹⁰ characters if expanded)
_BOMB = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e0 "lol">'
         + b"".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">'.encode() for i in range(1, 10))
         + b"]>")


class TestHostileWorkbooks:
    """Each broken workbook is refused with the sheet named."""

    def test_the_valid_workbook_passes(self, tmp_path: Path) -> None:
        code, err = _check(_workbook(tmp_path))
        assert code == 0, err

    def test_two_sheets_for_one_table(self, tmp_path: Path) -> None:
        code, err = _check(_workbook(tmp_path, extra_sheet="Evidence "))
        assert code == 1
        assert 'the sheets "evidence" and "Evidence " are both the table "evidence"' in err

    @pytest.mark.parametrize(("damage", "what"), [
        (b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>0", "truncated"),
        (_BOMB + b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is>'
         b"</c></row></sheetData></worksheet>", "entities"),
    ])
    def test_a_damaged_sheet_is_named(self, tmp_path: Path, damage: bytes, what: str) -> None:
        good = _workbook(tmp_path)
        part = _sheet_part(good, "evidence")
        bad = _workbook(tmp_path, edit={part: damage})
        code, err = _check(bad)
        assert code == 1, (what, err)
        assert "bundle.xlsx [evidence]" in err  # the sheet is named, read lazily or not
        assert "cannot be read" in err


def _sheet_xml(path: Path, title: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(_sheet_part(path, title))


class TestSheetsTooLargeToHold:
    """A sheet whose cells reach too far for the reader to hold (it holds the rectangle from
    A1 to the furthest cell) is refused before its cells are read, naming the sheet."""

    @pytest.mark.parametrize(("row", "cell", "refused"), [
        ("1048576", "XFD1048576", True),  # the last cell of a sheet
        ("3", "Z999999", True),  # a cell naming a row far beyond its own row element
        ("3", "F999999", False),  # as far down, but 6 columns: 6 million cells are held
        ("5000", "ZZ5000", False),  # a far column on an ordinary row: 702 × 5000 is fine
        ("4", "Z888888", True),  # hidden behind a dimension that claims a million rows
    ])
    def test_a_far_cell(self, tmp_path: Path, row: str, cell: str, refused: bool) -> None:
        good = _workbook(tmp_path)
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:F1048576"',
                     _sheet_xml(good, "evidence")) if cell == "Z888888" \
            else _sheet_xml(good, "evidence")
        xml = xml.replace(
            b"</sheetData>", f'<row r="{row}"><c r="{cell}"><v>1</v></c></row></sheetData>'
            .encode())
        bad = _workbook(tmp_path, edit={_sheet_part(good, "evidence"): xml})
        code, err = _check(bad)
        if not refused:
            assert "more than 16,000,000 cells" not in err, err
            return
        assert code == 1, err
        assert "bundle.xlsx [evidence]" in err
        assert "more than 16,000,000 cells" in err
        assert f"reach row {int(cell.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ'))}" in err

    @pytest.mark.parametrize(("cells", "reach"), [
        # cells without a reference run on along their row (calamine: 16,383 columns)
        ('<row r="5000">' + "<c><v>1</v></c>" * 16383 + "</row>", "row 5000 and column XFC"),
        ('<row r="9"><c r="xfd100000"><v>1</v></c></row>', "row 100000 and column XFD"),
        ('<row r="9"><c r="AAAA200000"><v>1</v></c></row>', "row 200000 and column AAAA"),
        ('<row r="9"><c s="0" r="XFD1048576"><v>1</v></c></row>', "row 1048576 and column XFD"),
        ('<row r="9"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
         ' r="XFD1048576"><x:v>1</x:v></x:c></row>', "row 1048576 and column XFD"),
    ])
    def test_cells_placed_as_calamine_places_them(self, tmp_path: Path, cells: str,
                                                  reach: str) -> None:
        """A two-kilobyte workbook once made the reader ask for hundreds of gigabytes: the
        reach is found as calamine places cells, not only from upper-case references."""
        good = _workbook(tmp_path)
        xml = _sheet_xml(good, "evidence").replace(b"</sheetData>",
                                                   cells.encode() + b"</sheetData>")
        code, err = _check(_workbook(tmp_path, edit={_sheet_part(good, "evidence"): xml}))
        assert code == 1, err
        assert "bundle.xlsx [evidence]" in err
        assert f"reach {reach}, more than 16,000,000 cells" in err

    def test_a_sheet_without_its_part_is_one_problem(self, tmp_path: Path) -> None:
        good = _workbook(tmp_path)
        part = _sheet_part(good, "evidence")
        src = zipfile.ZipFile(io.BytesIO(good.read_bytes()))
        bad = tmp_path / "missing.xlsx"
        with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                if item.filename != part:
                    out.writestr(item, src.read(item.filename))
        code, err = _check(bad)
        assert code == 1, err
        assert err.count("missing.xlsx [evidence]") == 1, err

    def test_a_dtd_in_the_styles_is_refused(self, tmp_path: Path) -> None:
        good = _workbook(tmp_path)
        with zipfile.ZipFile(good) as zf:
            styles = zf.read("xl/styles.xml")
        body = styles.split(b"?>", 1)[1] if styles.startswith(b"<?xml") else styles
        bad = _workbook(tmp_path, edit={"xl/styles.xml": _BOMB + body})
        code, err = _check(bad)
        assert code == 1, err
        assert "cannot be read" in err
        assert "DTD" in err


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml"])
def test_a_damaged_part_that_is_no_sheet_is_named(tmp_path: Path, part: str) -> None:
    """The workbook refused whole, and no sheet to blame: the part that does not parse is
    named, with what to do, in Vietnamese by default."""
    good = _workbook(tmp_path)
    with zipfile.ZipFile(good) as zf:
        xml = zf.read(part)
    bad = _workbook(tmp_path, edit={part: xml[:len(xml) // 2]})
    code, err = _check(bad)
    assert code == 1, err
    assert f"bundle.xlsx: cannot be read as an Excel workbook: {part}: " in err
    assert "accept the repair if one is offered, and save it again" in err
    vi = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(app, ["check", str(bad)])
    assert f"bundle.xlsx: không đọc được như sổ tính Excel: {part}: " in vi.stderr
    assert "đồng ý sửa nếu được hỏi, rồi lưu lại" in vi.stderr


def test_a_reference_no_reader_takes_is_named_in_vietnamese(tmp_path: Path) -> None:
    """A cell whose ``r`` is no cell reference (``A$9``): the sheet is damaged, and the
    message quotes the reference a person can search for, in Vietnamese by default."""
    good = _workbook(tmp_path)
    xml = _sheet_xml(good, "evidence").replace(
        b"</sheetData>", b'<row r="9"><c r="A$9"><v>1</v></c></row></sheetData>')
    bad = _workbook(tmp_path, edit={_sheet_part(good, "evidence"): xml})
    code, err = _check(bad)
    assert code == 1, err
    assert 'bundle.xlsx [evidence]: the sheet is damaged: a cell gives its place as "A$9"' \
        in err
    vi = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(app, ["check", str(bad)])
    assert 'sheet bị hỏng: một ô có địa chỉ "A$9"' in vi.stderr


def test_a_sheet_too_large_says_its_limit_as_vietnamese_writes_numbers(tmp_path: Path) -> None:
    good = _workbook(tmp_path)
    xml = _sheet_xml(good, "evidence").replace(
        b"</sheetData>", b'<row r="9"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    bad = _workbook(tmp_path, edit={_sheet_part(good, "evidence"): xml})
    vi = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(app, ["check", str(bad)])
    assert vi.exit_code == 1
    assert "trải tới dòng 1048576 và cột XFD, quá 16.000.000 ô" in vi.stderr
