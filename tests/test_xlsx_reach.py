"""How far a sheet's cells reach, against python-calamine itself (the reader that holds the
rectangle), and a large sheet read in parts against the same sheet read whole.

Sheets are built as XML with every way a cell can be placed: its own reference (upper or
lower case, one to three letters), none (the next column of the current row), rows with
and without ``r``, empty ``<c/>`` tags, a namespace prefix on the tags, a comment. The scan
is run in windows of a few dozen bytes, so tags cross every window boundary.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineError, CalamineWorkbook

from parindex.evidence import read_xlsx as read_xlsx_module
from parindex.evidence import xlsx_formats, xlsx_parts
from parindex.evidence.read_xlsx import read_xlsx
from parindex.evidence.xlsx_formats import column_letter, search_sheet

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        'name="evidence" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'),
}
_PART = "xl/worksheets/sheet1.xml"


def _book(rows: str, prefix: str = "") -> bytes:
    """A workbook of one sheet ``evidence`` whose sheetData holds ``rows``."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}="{_MAIN}">'
             f"<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, text in {**_FILES, _PART: sheet}.items():
            out.writestr(name, text)
    return buf.getvalue()


def _calamine(book: bytes) -> tuple[int, int]:
    """How far calamine's rectangle reaches: (rows, columns) from A1."""
    with CalamineWorkbook.from_filelike(io.BytesIO(book)) as wb:
        sheet = wb.get_sheet_by_name("evidence")
        end = sheet.end
    return (0, 0) if end is None else (end[0] + 1, end[1] + 1)


def _reach(book: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, bool]:
    monkeypatch.setattr(xlsx_formats, "_CHUNK", 97)  # tags cross window boundaries
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        found = search_sheet(zf, _PART, None)
    return found.rows, found.columns, found.regular


_letters = st.integers(1, 800).map(column_letter)
_cell = st.tuples(
    st.one_of(st.none(), st.tuples(_letters, st.integers(1, 3000),
                                   st.sampled_from(["upper", "lower"]), st.sampled_from("\"'"))),
    st.sampled_from(["value", "value", "value", "empty tag"]))
_row = st.tuples(st.one_of(st.none(), st.integers(1, 3000)), st.lists(_cell, max_size=5))


def _xml(rows: list[tuple[int | None, list[Any]]], p: str = "") -> str:
    out = []
    for r, cells in rows:
        texts = []
        for ref, kind in cells:
            attr = ""
            if ref is not None:
                letters, row, case, q = ref
                letters = letters.lower() if case == "lower" else letters
                attr = f" r={q}{letters}{row}{q}"
            texts.append(f"<{p}c{attr}/>" if kind == "empty tag"
                         else f"<{p}c{attr}><{p}v>1</{p}v></{p}c>")
        out.append(f"<{p}row{'' if r is None else f' r={chr(34)}{r}{chr(34)}'}>"
                   f"{''.join(texts)}</{p}row>")
    return "".join(out)


class TestTheReachAgainstCalamine:
    """The reach is never less than calamine's rectangle, and is it exactly where every
    cell names its place and holds a value."""

    @settings(max_examples=150, deadline=None)
    @given(rows=st.lists(_row, max_size=8), prefix=st.sampled_from(["", "", "x"]))
    def test_any_sheet(self, rows: list[tuple[int | None, list[Any]]], prefix: str) -> None:
        with pytest.MonkeyPatch.context() as mp:
            book = _book(_xml(rows, f"{prefix}:" if prefix else ""), prefix)
            try:
                rows_at, columns_at = _calamine(book)
            except CalamineError:  # calamine refuses it: nothing to hold
                return
            reach_rows, reach_columns, regular = _reach(book, mp)
        assert reach_rows >= rows_at
        assert reach_columns >= columns_at
        every = [c for _, cells in rows for c in cells]
        if every and all(ref is not None and kind == "value"
                         and len(ref[0]) <= 3 for ref, kind in every) and not prefix:
            assert regular
            assert (reach_rows, reach_columns) == (rows_at, columns_at)

    @settings(max_examples=100, deadline=None)
    @given(rows=st.lists(st.tuples(st.integers(1, 3000), st.lists(st.tuples(
        _letters, st.integers(1, 3000), st.sampled_from(["upper", "lower"]),
        st.sampled_from("\"'")), min_size=1, max_size=5)), min_size=1, max_size=8))
    def test_a_regular_sheet_is_read_quickly_and_exactly(
            self, rows: list[tuple[int, list[Any]]]) -> None:
        with pytest.MonkeyPatch.context() as mp:
            book = _book(_xml([(r, [(ref, "value") for ref in cells]) for r, cells in rows]))
            assert _reach(book, mp) == (*_calamine(book), True)

    @pytest.mark.parametrize(("rows", "expected"), [
        # cells without a reference run on along their row: 3,000 columns
        ('<row r="1">' + "<c><v>1</v></c>" * 3000 + '</row><row r="40"><c r="A40"><v>1</v>'
         "</c></row>", (40, 3000)),
        ('<row r="2"><c r="AAAA7"><v>1</v></c></row>', (7, 18279)),  # four letters
        ('<row r="2"><c s="0" r="XFD9"><v>1</v></c></row>', (9, 16384)),  # r not first
        ('<!-- a note --><row r="2"><c r="B77"><v>1</v></c></row>', (77, 2)),
        ('<row><c><v>1</v></c></row><row><c><v>1</v></c><c><v>1</v></c></row>', (2, 2)),
    ])
    def test_sheets_the_quick_reading_leaves_to_the_parser(
            self, rows: str, expected: tuple[int, int], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        book = _book(rows)
        assert _calamine(book) == expected
        assert _reach(book, monkeypatch) == (*expected, False)

    def test_lower_case_references_are_read_quickly(self, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
        book = _book('<row r="2"><c r="xfd900"><v>1</v></c><c r="b3"><v>1</v></c></row>')
        assert _calamine(book) == (900, 16384)
        assert _reach(book, monkeypatch) == (900, 16384, True)

    def test_a_prefixed_cell_tag_in_a_plain_sheet(self, monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
        book = _book(f'<row r="1"><x:c xmlns:x="{_MAIN}" r="XFD5"><x:v>1</x:v></x:c></row>')
        assert _calamine(book) == (5, 16384)
        assert _reach(book, monkeypatch) == (5, 16384, False)

    def test_a_reference_calamine_cannot_read_is_a_damaged_sheet(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        from xml.etree import ElementTree

        book = _book('<row r="1"><c r="A$1"><v>1</v></c></row>')
        with pytest.raises(CalamineError):
            _calamine(book)
        with pytest.raises(ElementTree.ParseError):
            _reach(book, monkeypatch)


def _whole_and_parts(book: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                     ) -> tuple[list[list[Any]], list[list[Any]]]:
    """The sheet's cells as read whole and as read in two parts (the scan in windows of 150
    bytes, so that the first part is started halfway through it)."""
    monkeypatch.setattr(xlsx_formats, "_CHUNK", 150)
    path = tmp_path / "b.xlsx"
    path.write_bytes(book)
    got = []
    calls: list[int] = []
    read_part = xlsx_parts.read_part
    monkeypatch.setattr(xlsx_parts, "read_part",
                        lambda *a: calls.append(1) or read_part(*a))  # type: ignore[func-returns-value]
    for part_bytes in (1 << 40, 1):
        monkeypatch.setattr(xlsx_parts, "PART_BYTES", part_bytes)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        seen: list[list[list[Any]]] = []
        finish = read_xlsx_module._finish

        def keep(pending: Any, seen: list[list[list[Any]]] = seen, finish: Any = finish
                 ) -> Any:
            sheet = finish(pending)
            seen.append(sheet.rows if sheet is not None else [])
            return sheet

        monkeypatch.setattr(read_xlsx_module, "_finish", keep)
        read_xlsx(path)
        got.append(seen[-1])
        assert len(calls) == (0 if part_bytes > 1 else 2)  # read in two parts, or whole
    return got[0], got[1]


class TestReadInParts:
    """A sheet read in two parts gives calamine's cells for the whole sheet."""

    @pytest.mark.parametrize("rows", [
        # blank rows where the sheet is cut, a column only the second part has
        "".join(f'<row r="{r}"><c r="B{r}"><v>{r}</v></c></row>' for r in range(1, 40))
        + "".join(f'<row r="{r}"><c r="D{r}"><v>{r}</v></c></row>' for r in range(60, 99)),
        # the first column only in the first part; the second starts in column B
        "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="C{r}"><v>2</v></c></row>'
                for r in range(1, 30))
        + "".join(f'<row r="{r}"><c r="B{r}"><v>{r}</v></c></row>' for r in range(30, 70)),
        # rows out of order: the parts overlap and the sheet is read again whole
        "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(50, 90))
        + "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 40)),
    ])
    def test_the_same_cells(self, rows: str, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
        whole, parts = _whole_and_parts(_book(rows), tmp_path, monkeypatch)
        assert whole
        assert parts == whole
        assert len({len(r) for r in parts}) == 1  # every row as wide

    def test_the_parts_are_cut_at_a_row_end(self) -> None:
        data = (b'<?xml version="1.0"?><worksheet><sheetData>'
                + b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r)
                           for r in range(1, 11)) + b"</sheetData><mergeCells/></worksheet>")
        parts = xlsx_parts.cut(data)
        assert parts is not None
        assert len(parts) == 2
        for part in parts:
            assert part.startswith(b'<?xml version="1.0"?><worksheet><sheetData><row ')
            assert part.endswith(b"</row></sheetData><mergeCells/></worksheet>")
        assert b"".join(p.split(b"<sheetData>")[1].split(b"</sheetData>")[0]
                        for p in parts) == data.split(b"<sheetData>")[1].split(b"</sheetData>")[0]

    def test_a_parts_workbook_holds_all_calamine_reads(self) -> None:
        """Every part of the source but its sheets and the folders calamine never reads
        for cells — the shared strings whatever their size, without which cells would be
        blank."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            for name, text in _FILES.items():
                out.writestr(name, text)
            out.writestr("xl/sharedStrings.xml", "x" * (20 << 20))
            out.writestr("xl/styles.xml", "<styleSheet/>")
            out.writestr(_PART, "<worksheet/>")
            out.writestr("xl/worksheets/sheet2.xml", "<worksheet/>")
            out.writestr("xl/media/image1.png", b"\x89PNG")
            out.writestr("xl/drawings/drawing1.xml", "<wsDr/>")
        with zipfile.ZipFile(buf) as zf:
            kept = xlsx_parts.others(zf, _PART)
        assert sorted(kept) == sorted([*_FILES, "xl/sharedStrings.xml", "xl/styles.xml"])
        assert len(kept["xl/sharedStrings.xml"]) == 20 << 20
