"""The published league table as an Excel workbook, ready to attach to a decision.

Sheets: an overall sheet (every unit by overall rank), one sheet per ranking group (its
units by rank in the group), and one "Chi tiết" / "Details" sheet with every unit's
criterion-by-criterion scoring. Each sheet has a title, a subtitle (authority, edition), a
bold header row that is frozen and repeated on printed pages, column widths from the
content, two-decimal number formats, landscape printing fitted to the page width.

Every text cell goes through :func:`parindex.io.safe_cell`, so a unit named ``=HYPERLINK(…)``
is written as text and never becomes a formula. :func:`league_workbook` returns the bytes;
the caller writes them atomically.
"""

from __future__ import annotations

import io
import re
from copy import copy
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parindex.io import safe_cell
from parindex.report.published import detail_frame, is_area_row, overall_frame, without_flags
from parindex.report.tables import header, league_frames
from parindex.scoring.run import Run
from parindex.words import t

NUMBER = "#,##0.00"
INTEGER = "0"
HEADER_ROW = 3  # title, subtitle, then the header
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_AREA_FILL = PatternFill("solid", fgColor="F2F2F2")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of ``[]:*?/\\``).

    >>> sheet_name("Huyện A/B: [2024]", set())
    'Huyện A-B- -2024-'
    >>> sheet_name("Tổng hợp", {"Tổng hợp"})
    'Tổng hợp (2)'
    """
    base = _BAD_SHEET_CHARS.sub("-", name).strip("' ") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in {name.lower() for name in taken}:
        suffix = f" ({n})"
        candidate = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def _subtitle(run: Run) -> str:
    authority = run.bundle.authority if run.bundle is not None else ""
    parts = [authority, f"{run.edition.model.title} ({run.edition.id})"]
    return " — ".join(p for p in parts if p)


def _write_titles(ws: Worksheet, title: str, subtitle: str, width: int) -> None:
    ws.cell(row=1, column=1, value=safe_cell(title)).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=safe_cell(subtitle)).font = Font(italic=True)
    for row in (1, 2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))


def _number_format(column: str, lang: str) -> str:
    whole = {header(k, lang) for k in ("stt", "rank", "overall_rank", "group_rank")}
    return INTEGER if column in whole else NUMBER


def _write_table(ws: Worksheet, df: pd.DataFrame, lang: str,
                 bold_rows: Any = None, fills: dict[int, PatternFill] | None = None) -> None:
    """Header at :data:`HEADER_ROW`, rows below; formats, borders, widths, freeze, print."""
    columns = [str(c) for c in df.columns]
    for c, name in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=safe_cell(name))
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = [_number_format(name, lang) for name in columns]
    styles: dict[tuple[Any, ...], Any] = {}
    for r, values in enumerate(df.itertuples(index=False), start=HEADER_ROW + 1):
        bold = bool(bold_rows is not None and bold_rows[r - HEADER_ROW - 1])
        fill = (fills or {}).get(r - HEADER_ROW - 1)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=_cell_value(value))
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            key = (formats[c - 1] if number else None, bold, fill is not None)
            if key in styles:  # setting styles one by one is slow; reuse a styled cell's
                cell._style = copy(styles[key])
                continue
            cell.border = _BORDER
            if number:
                cell.number_format = formats[c - 1]
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            if bold:
                cell.font = Font(bold=True)
            if fill is not None:
                cell.fill = fill
            styles[key] = copy(cell._style)
    _widths(ws, df)
    ws.row_dimensions[HEADER_ROW].height = 60
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    last = get_column_letter(max(len(columns), 1))
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{last}{HEADER_ROW + max(len(df), 1)}"


def _cell_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return safe_cell(value) if isinstance(value, str) else value


def _widths(ws: Worksheet, df: pd.DataFrame) -> None:
    """Text columns as wide as their longest cell (capped); number columns 11; headers wrap."""
    for c, name in enumerate(df.columns, start=1):
        values = df.iloc[:, c - 1]
        texts = [v for v in values if isinstance(v, str)]
        numeric = len(texts) < len(values) / 2
        if numeric:
            width = 12.0 if len(str(name)) > 6 else 7.0
        else:
            longest = max((len(text) for text in texts), default=0)
            width = float(min(max(longest + 2, len(str(name)) / 2 + 2, 8), 45))
        ws.column_dimensions[get_column_letter(c)].width = width


def _league_sheet(ws: Worksheet, df: pd.DataFrame, title: str, subtitle: str,
                  lang: str) -> None:
    _write_titles(ws, title, subtitle, len(df.columns))
    _write_table(ws, df, lang)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(df.columns))}" \
                         f"{HEADER_ROW + len(df)}"


def league_workbook(run: Run, lang: str = "vi", group: str | None = None) -> bytes:
    """The workbook as bytes: overall, one sheet per group, details (only ``group`` if given)."""
    wb = Workbook()
    wb.properties.creator = "parindex"
    wb.properties.title = t("xlsx.title", lang, year=run.year)
    first = wb.active
    assert first is not None
    wb.remove(first)
    taken: set[str] = set()
    title = t("xlsx.title", lang, year=run.year)
    subtitle = _subtitle(run)
    if group is None:
        ws = wb.create_sheet(sheet_name(t("xlsx.sheet_overall", lang), taken))
        _league_sheet(ws, overall_frame(run, lang), title, subtitle, lang)
    groups = league_frames(run, lang, group)
    for g, df in groups:
        ws = wb.create_sheet(sheet_name(g, taken))
        _league_sheet(ws, df, f"{title} — {g.upper()}", subtitle, lang)
    members = None
    if group is not None:
        order = run.order()
        members = order[run.units["group"].to_numpy()[order] == group].tolist()
    detail = detail_frame(run, lang, members)
    ws = wb.create_sheet(sheet_name(t("xlsx.sheet_detail", lang), taken))
    body = without_flags(detail)
    _write_titles(ws, t("xlsx.detail_title", lang, year=run.year), subtitle, len(body.columns))
    area_rows = is_area_row(detail)
    _write_table(ws, body, lang, bold_rows=area_rows,
                 fills={i: _AREA_FILL for i in range(len(body)) if area_rows[i]})
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=5)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(body.columns))}" \
                         f"{HEADER_ROW + len(body)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["league_workbook", "sheet_name"]
