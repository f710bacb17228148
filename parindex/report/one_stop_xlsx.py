"""The one-stop annex as a print-ready workbook, in the layout of seed 002's Phụ lục 2.

Row 1 the authority, row 2 the title (period and year), then two heading rows: STT, unit,
procedures, carried over and returned span both; "received", "resolved" and "pending" head
their columns (online / in person / by post; early / on time / late / on-time %; in time /
overdue). Group rows (I, II, III, with the group's subtotal) and the total row are bold. A4
landscape, fitted to the page width, the heading rows repeated on every printed page. Text
goes through :func:`parindex.io.safe_cell`; counts are numbers, the % has two decimals.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parindex.io import safe_cell
from parindex.report.one_stop_annex import (
    BANDS,
    FIGURES,
    annex_frame,
    annex_title,
    kind_of_rows,
    short_heading,
)
from parindex.words import t

HEAD = 3  # the first heading row; units start two rows below
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")


def _head(ws: Worksheet, row: int, col: int, text: str, span: tuple[int, int] = (1, 1)) -> None:
    cell = ws.cell(row=row, column=col, value=safe_cell(text))
    cell.font = Font(bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rows, cols = span
    for r in range(row, row + rows):
        for c in range(col, col + cols):
            ws.cell(row=r, column=c).border = _BORDER
    if span != (1, 1):
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1,
                       end_column=col + cols - 1)


def _headings(ws: Worksheet, lang: str) -> None:
    _head(ws, HEAD, 1, t("annex.col.stt", lang), (2, 1))
    _head(ws, HEAD, 2, t("annex.col.name", lang), (2, 1))
    in_band = {c: band for band, cols in BANDS.items() for c in cols}
    for j, col in enumerate(FIGURES, start=3):
        band = in_band.get(col)
        if band is None:
            _head(ws, HEAD, j, t(f"annex.col.{col}", lang), (2, 1))
            continue
        if BANDS[band][0] == col:
            _head(ws, HEAD, j, t(f"annex.band.{band}", lang), (1, len(BANDS[band])))
        _head(ws, HEAD + 1, j, short_heading(col, lang))


def _body(ws: Worksheet, data: dict[str, Any], lang: str) -> int:
    """The rows below the headings; returns the last row's number."""
    frame = annex_frame(data, lang)
    kinds = kind_of_rows(data)
    rate_col = 3 + FIGURES.index("on_time_rate")
    r = HEAD + 1
    for r, (values, kind) in enumerate(zip(frame.itertuples(index=False), kinds, strict=True),
                                       start=HEAD + 2):
        for c, value in enumerate(values, start=1):
            blank = value is None or value == ""
            cell = ws.cell(row=r, column=c, value=None if blank else safe_cell(value))
            cell.border = _BORDER
            if c > 2:
                cell.number_format = "0.00" if c == rate_col else "#,##0"
            elif c == 1:
                cell.alignment = Alignment(horizontal="center")
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if kind != "unit":
                cell.font = Font(bold=True)
            if kind == "group":
                cell.fill = _GROUP_FILL
    return r


def annex_workbook(data: dict[str, Any], authority: str = "", lang: str = "vi") -> bytes:
    """The annex (:func:`parindex.report.one_stop_annex.annex`) as workbook bytes."""
    wb = Workbook()
    wb.properties.creator = "parindex"
    ws = wb.active
    assert ws is not None
    ws.title = t("annex.sheet", lang)
    width = 2 + len(FIGURES)
    title = annex_title(data, lang)
    wb.properties.title = title
    ws.cell(row=1, column=1, value=safe_cell(authority)).font = Font(bold=True)
    cell = ws.cell(row=2, column=1, value=safe_cell(title))
    cell.font = Font(bold=True, size=13)
    cell.alignment = Alignment(horizontal="center", wrap_text=True)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.row_dimensions[2].height = 36
    _headings(ws, lang)
    last = _body(ws, data, lang)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 34
    for j in range(3, width + 1):
        ws.column_dimensions[get_column_letter(j)].width = 11
    ws.row_dimensions[HEAD + 1].height = 45
    ws.freeze_panes = ws.cell(row=HEAD + 2, column=3)
    ws.print_title_rows = f"{HEAD}:{HEAD + 1}"
    ws.print_area = f"A1:{get_column_letter(width)}{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["HEAD", "annex_workbook"]
