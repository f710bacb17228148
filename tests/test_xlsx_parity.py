"""The calamine reader hands on exactly the cells the openpyxl reader did (issue #16).

A corpus of workbooks with every odd case the test suite builds — typed numbers, percent
formats built in and custom, dates, times and durations, booleans, error values, formulas
with and without a saved result (plain, shared, array), title rows and merged headings,
numbered heading rows, hidden sheets, unknown and far-right columns, cells without a
reference, the meta sheet both ways, a filled template — is read by both: the tables (every
cell, ``_row``, the column letters), meta, files and problems must be equal (text columns
are object columns of Python strings, as the CSV reader's are).
``tests/openpyxl_reader.py`` is the old reader, kept as this reference. Every test runs
twice: each sheet read whole, and each sheet read in two parts side by side
(:mod:`parindex.evidence.xlsx_parts`, which only the largest sheets are otherwise).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl_reader
import pytest
from openpyxl import load_workbook
from workbook_helpers import (
    SAMPLE_2024,
    fill_template,
    huyen_bundle,
    invoke,
    read_tables,
    small_bundle,
    to_xlsx,
)

from parindex.errors import Problem
from parindex.evidence import xlsx_parts
from parindex.evidence.read_xlsx import read_xlsx
from parindex.evidence.tables import RawTables


@pytest.fixture(autouse=True, params=["whole", "in parts"])
def _reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param == "in parts":
        monkeypatch.setattr(xlsx_parts, "PART_BYTES", 1)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)


def _english(problem: Problem) -> dict[str, object]:
    """A problem as the reference reader gives it: English text, without a reason code."""
    shown = problem.as_dict()
    shown.pop("code")
    return shown


def _same(path: Path) -> RawTables:
    """Both readers' output for ``path``, asserted equal; the new one returned. The one
    problem only the new reader has — a date where a fraction or count is typed
    (``xlsx.date_typed``) — is left out of the comparison."""
    new, old = read_xlsx(path), openpyxl_reader.read_xlsx(path)
    assert new.meta == old.meta
    assert (new.meta_file, new.files) == (old.meta_file, old.files)
    assert [_english(p) for p in new.problems if p.code != "xlsx.date_typed"] \
        == [_english(p) for p in old.problems]
    assert list(new.tables) == list(old.tables)
    for name, df in new.tables.items():
        ref = old.tables[name]
        assert list(df.columns) == list(ref.columns), name
        assert df.to_dict(orient="list") == ref.to_dict(orient="list"), name
        # text columns as the CSV reader's: codes and distinct Python strings
        assert [str(t) for t in df.dtypes] == ["category"] * (len(df.columns) - 1) \
            + ["int64"], name
        assert all(isinstance(v, str) for c in df.columns[:-1] for v in df[c].cat.categories)
        assert df.attrs == ref.attrs, name
    return new


def _edit(path: Path, change: Callable[[Any], None]) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def _sheet_part(path: Path, title: str) -> str:
    wb = load_workbook(path, read_only=True)
    names = wb.sheetnames
    wb.close()
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def _rewrite(path: Path, title: str, change: Callable[[str], str]) -> Path:
    """Change a sheet's XML text (what openpyxl cannot write: cached values, errors)."""
    part = _sheet_part(path, title)
    with zipfile.ZipFile(path) as zf:
        data = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    data[part] = change(data[part].decode()).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, blob in data.items():
            out.writestr(name, blob)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_bundle(tmp_path_factory.mktemp("small") / "b")


def _xlsx(tmp_path: Path, folder: Path, lang: str = "vi") -> Path:
    return to_xlsx(folder, tmp_path / "bundle.xlsx", lang)


def _typed_cells(wb: Any) -> None:
    """Every kind of value a person or a spreadsheet leaves in the value column."""
    ws = wb["evidence"]
    kinds: list[tuple[Any, str | None]] = [
        (95, None), (92.5, "0.0"), (0.95, "0%"), (0.925, "0.0%"), (0.5, "0.00%"),
        (0.95, "General"), (1234.0, "#,##0"), (5, '#,##0 "đ"'), (3, '0" ngày"'),
        (True, None), (False, None), (dt.datetime(2024, 3, 4), "dd/mm/yyyy"),
        (dt.datetime(2024, 3, 4, 14, 30), "dd/mm/yyyy hh:mm"), (dt.time(14, 30), "h:mm"),
        (dt.timedelta(hours=30), "[h]:mm"), (45356, "General"), (-3.5, None), (1e-7, None),
        (12345678901234567, None), ("  92,5 % ", "@"), ("Xã Hòa", None), (0.333333333333333, None),
        (0.1 + 0.2, None), (1234.5, "#,##0.00\\ [$₫-42A]"), ("=1/0", None),
        (unicodedata.normalize("NFD", "Xã Hòa"), None),
    ]
    for r, (value, fmt) in enumerate(kinds, start=2):
        ws.cell(r, 3).value = value
        if fmt:
            ws.cell(r, 3).number_format = fmt
        ws.cell(r, 4).value = value if r % 2 else None  # appraised, every other row


class TestSameCells:
    """Each odd workbook reads the same through both readers."""

    @pytest.mark.parametrize("lang", ["vi", "en"])
    def test_the_sample_district(self, tmp_path: Path, lang: str) -> None:
        got = _same(_xlsx(tmp_path, SAMPLE_2024, lang))
        assert len(got.tables["units"]) == len(read_tables(SAMPLE_2024)["units"])

    def test_a_huyen_bundle(self, tmp_path: Path) -> None:
        _same(_xlsx(tmp_path, huyen_bundle(tmp_path / "h")))

    def test_every_kind_of_cell_value(self, tmp_path: Path, small: Path) -> None:
        x = _edit(_xlsx(tmp_path, small), _typed_cells)
        got = _same(x)
        values = got.tables["evidence"]["value"].tolist()
        assert values[2] == "95"  # 0.95 shown as 95%
        assert values.count("Xã Hòa") == 2  # NFD text read as NFC

    def test_error_values_and_saved_results(self, tmp_path: Path, small: Path) -> None:
        x = _edit(_xlsx(tmp_path, small), _typed_cells)

        def errors(xml: str) -> str:
            xml = re.sub(r'<c r="C26"([^>]*)><f>1/0</f>(?:<v\s*/>|<v>\s*</v>)</c>',
                         r'<c r="C26"\1 t="e"><f>1/0</f><v>#DIV/0!</v></c>', xml)
            return re.sub(r'<c r="C3"([^>]*?)(?: t="n")?><v>([^<]*)</v></c>',
                          r'<c r="C3"\1 t="e"><v>#N/A</v></c>', xml)
        got = _same(_rewrite(x, "evidence", errors))
        assert "#N/A" in got.tables["evidence"]["value"].tolist()
        assert "#DIV/0!" in got.tables["evidence"]["value"].tolist()

    def test_formulas_with_no_saved_result(self, tmp_path: Path, small: Path) -> None:
        def formulas(wb: Any) -> None:
            ws = wb["evidence"]
            ws["C2"], ws["D2"], ws["C3"], ws["F4"] = "=50+50", "=C2*2", '="a"&"b"', "=C2"
            ws["C5"] = "=SUM(C6:C7)"
        got = _same(_edit(_xlsx(tmp_path, small), formulas))
        assert [p.location for p in got.problems] == [
            "row 2 (cell C2)", "row 2 (cell D2)", "row 3 (cell C3)", "row 4 (cell F4)",
            "row 5 (cell C5)"]

    def test_shared_and_array_formulas(self, tmp_path: Path, small: Path) -> None:
        x = _xlsx(tmp_path, small)

        def shared(xml: str) -> str:
            for r in (2, 3, 4):
                f = ('<f t="shared" ref="C2:C4" si="0">D2+1</f>' if r == 2
                     else '<f t="shared" si="0"/>')
                xml = re.sub(rf'<c r="C{r}"[^>]*?(?:/>|>.*?</c>)', f'<c r="C{r}">{f}</c>', xml,
                             count=1)
            return re.sub(r'<c r="D5"[^>]*?(?:/>|>.*?</c>)',
                          '<c r="D5"><f t="array" ref="D5">SUM(C2:C4)</f></c>', xml, count=1)
        got = _same(_rewrite(x, "evidence", shared))
        assert [p.value for p in got.problems] == ["=D2+1", "=D3+1", "=D4+1"]

    def test_titles_merged_and_numbered_headings(self, tmp_path: Path, small: Path) -> None:
        def titles(wb: Any) -> None:
            for name in ("evidence", "one_stop", "units"):
                ws = wb[name]
                ws.insert_rows(1, 2)
                ws["A1"] = "BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024"
                ws.merge_cells("A1:F1")
                ws["B2"] = "Thông tin"
                ws.merge_cells("B2:C2")
                ws.insert_rows(4)
                for j in range(1, 7):  # a row numbering the columns: (1) (2) … as numbers
                    ws.cell(4, j).value = j
            ws = wb["reports"]
            ws.insert_rows(2)
            for col in "ABC":
                ws.merge_cells(f"{col}1:{col}2")
        _same(_edit(_xlsx(tmp_path, small), titles))

    def test_odd_headings_and_sheets(self, tmp_path: Path, small: Path) -> None:
        def odd(wb: Any) -> None:
            ws = wb["evidence"]
            ws["G1"], ws["H1"], ws["I1"] = 2024, dt.datetime(2024, 1, 1), "Giá trị"
            ws["AB1"], ws["AB2"] = "ghi chú thêm", "far right"
            ws["J1"] = "value"  # repeats the value column
            hidden = wb.create_sheet("notes")
            hidden["A1"] = "internal"
            hidden.sheet_state = "hidden"
            wb["units"]["E1"] = "ranked"
        _same(_edit(_xlsx(tmp_path, small), odd))

    def test_meta_as_a_heading_row_under_a_title(self, tmp_path: Path, small: Path) -> None:
        def meta(wb: Any) -> None:
            ws = wb["meta"]
            ws.delete_rows(1, 3)
            ws.append(["THÔNG TIN CHUNG"])
            ws.append(["year", "edition", "authority"])
            ws.append([2024.0, "xa-2024", "UBND huyện Mẫu"])
        got = _same(_edit(_xlsx(tmp_path, small), meta))
        assert got.meta["year"] == 2024

    def test_cells_without_a_reference(self, tmp_path: Path, small: Path) -> None:
        """Some writers leave out ``r=``: cells are placed by counting, as openpyxl does."""
        x = _edit(_xlsx(tmp_path, small), _typed_cells)
        got = _same(_rewrite(x, "units", lambda xml: re.sub(r'<c r="[A-Z]+\d+"', "<c", xml)))
        assert len(got.tables["units"]) == 2

    def test_a_filled_template(self, tmp_path: Path) -> None:
        template = tmp_path / "t.xlsx"
        result = invoke("template", "xa-2024", "--units", SAMPLE_2024 / "units.csv", "--out",
                        template, "--year", "2024", inputs=[SAMPLE_2024 / "units.csv"])
        assert result.exit_code == 0, result.output
        _same(template)  # empty sheets too (no adjustments row)
        twin = read_tables(SAMPLE_2024)
        for typed in (False, True):
            _same(fill_template(template, tmp_path / f"filled-{typed}.xlsx", twin, typed=typed))
