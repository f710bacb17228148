"""The published league table as an Excel workbook, ready to attach to a decision.

Sheets: an overall sheet (every unit by overall rank) and one sheet per ranking group (its
units by rank in the group); with ``detail``, also one "Chi tiết" / "Details" sheet with
every unit's criterion-by-criterion scoring (52 rows a unit: at national scale nearly all the
workbook's cells, so ``parindex rank`` adds it only with ``--detail``). Each sheet has a
title, a subtitle (authority, edition), a bold header row that is frozen and repeated on
printed pages, column widths from the content, two-decimal number formats, landscape
printing fitted to the page width.

The workbook is written by XlsxWriter in constant-memory mode: rows go to disk as they are
written, so memory stays flat however many units there are. Every text cell goes through
:func:`parindex.io.safe_cell` and is written as a string (never as a formula), so a unit named
``=HYPERLINK(…)`` stays text. :func:`league_workbook` returns the bytes; the caller writes
them atomically.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from parindex.io import safe_cell
from parindex.report.published import detail_frame, is_area_row, overall_frame, without_flags
from parindex.report.tables import header, league_frames
from parindex.scoring.run import Run
from parindex.words import t

NUMBER = "#,##0.00"
INTEGER = "0"
HEADER_ROW = 3  # title, subtitle, then the header (1-based, as Excel shows it)
_HEAD = HEADER_ROW - 1  # the header's 0-based row
_BORDER = {"border": 1, "border_color": "#808080"}
_HEAD_FILL = "#D9E1F2"
_AREA_FILL = "#F2F2F2"
_A4 = 9
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


class _Styles:
    """The workbook's cell formats, made once: XlsxWriter formats belong to one workbook."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"italic": True})
        self.head = wb.add_format({"bold": True, "bg_color": _HEAD_FILL, "align": "center",
                                   "valign": "vcenter", "text_wrap": True, **_BORDER})
        self._body: dict[tuple[str | None, bool, bool], Format] = {}
        self._wb = wb

    def body(self, number: str | None, bold: bool, fill: bool) -> Format:
        """A body cell's format: a number format, or top-aligned wrapped text."""
        key = (number, bold, fill)
        if key not in self._body:
            props: dict[str, Any] = dict(_BORDER)
            if number is not None:
                props["num_format"] = number
            else:
                props.update(valign="top", text_wrap=True)
            if bold:
                props["bold"] = True
            if fill:
                props.update(pattern=1, bg_color=_AREA_FILL)
            self._body[key] = self._wb.add_format(props)
        return self._body[key]


def _write_titles(ws: Worksheet, st: _Styles, title: str, subtitle: str, width: int) -> None:
    last = max(width, 1) - 1
    for row, text, style in ((0, title, st.title), (1, subtitle, st.subtitle)):
        if last > 0:
            ws.merge_range(row, 0, row, last, "", style)
        ws.write_string(row, 0, str(safe_cell(text)), style)


def _number_format(column: str, lang: str) -> str:
    whole = {header(k, lang) for k in ("stt", "rank", "overall_rank", "group_rank")}
    return INTEGER if column in whole else NUMBER


def _write_table(ws: Worksheet, st: _Styles, df: pd.DataFrame, lang: str,
                 marked: Any = None, freeze_col: int = 2) -> None:
    """Header at :data:`HEADER_ROW`, rows below (``marked`` rows bold on a grey fill);
    formats, borders, widths, freeze, print setup, filter."""
    columns = [str(c) for c in df.columns]
    _widths(ws, df)
    ws.set_row(_HEAD, 60)
    for c, name in enumerate(columns):
        ws.write_string(_HEAD, c, str(safe_cell(name)), st.head)
    formats = [_number_format(name, lang) for name in columns]
    rows = df.to_numpy(dtype=object).tolist()
    for r, values in enumerate(rows):
        mark = bool(marked is not None and marked[r])
        number, text = ([st.body(f, mark, mark) for f in formats], st.body(None, mark, mark))
        row = _HEAD + 1 + r
        for c, value in enumerate(values):
            _write_cell(ws, row, c, value, number[c], text)
    last_row, last_col = _HEAD + max(len(df), 1), max(len(columns), 1) - 1
    ws.freeze_panes(_HEAD + 1, freeze_col)
    ws.repeat_rows(_HEAD)
    ws.set_landscape()
    ws.set_paper(_A4)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, last_row, last_col)
    ws.autofilter(_HEAD, 0, _HEAD + len(df), last_col)


def _write_cell(ws: Worksheet, row: int, col: int, value: Any, number: Format,
                text: Format) -> None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        ws.write_blank(row, col, None, text)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, text)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, number)
    else:
        ws.write_string(row, col, str(safe_cell(value if isinstance(value, str)
                                                 else str(value))), text)


def _widths(ws: Worksheet, df: pd.DataFrame) -> None:
    """Text columns as wide as their longest cell (capped); number columns 11; headers wrap."""
    for c, name in enumerate(df.columns):
        values = df.iloc[:, c]
        texts = [v for v in values if isinstance(v, str)]
        numeric = len(texts) < len(values) / 2
        if numeric:
            width = 12.0 if len(str(name)) > 6 else 7.0
        else:
            longest = max((len(text) for text in texts), default=0)
            width = float(min(max(longest + 2, len(str(name)) / 2 + 2, 8), 45))
        ws.set_column(c, c, width)


def _league_sheet(ws: Worksheet, st: _Styles, df: pd.DataFrame, title: str, subtitle: str,
                  lang: str) -> None:
    _write_titles(ws, st, title, subtitle, len(df.columns))
    _write_table(ws, st, df, lang)


def league_workbook(run: Run, lang: str = "vi", group: str | None = None,
                    detail: bool = True) -> bytes:
    """The workbook as bytes: overall, one sheet per group, and with ``detail`` the details
    (only ``group``'s units if given)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    title = t("xlsx.title", lang, year=run.year)
    wb.set_properties({"creator": "parindex", "title": title})
    st, taken, subtitle = _Styles(wb), set[str](), _subtitle(run)
    if group is None:
        ws = wb.add_worksheet(sheet_name(t("xlsx.sheet_overall", lang), taken))
        _league_sheet(ws, st, overall_frame(run, lang), title, subtitle, lang)
    for g, df in league_frames(run, lang, group):
        ws = wb.add_worksheet(sheet_name(g, taken))
        _league_sheet(ws, st, df, f"{title} — {g.upper()}", subtitle, lang)
    if detail:
        _detail_sheet(wb.add_worksheet(sheet_name(t("xlsx.sheet_detail", lang), taken)), st,
                      run, lang, group, subtitle)
    wb.close()
    return buf.getvalue()


def _detail_sheet(ws: Worksheet, st: _Styles, run: Run, lang: str, group: str | None,
                  subtitle: str) -> None:
    """Every unit's (or ``group``'s units') criterion-by-criterion scoring; area rows bold."""
    members = None
    if group is not None:
        order = run.order()
        members = order[run.units["group"].to_numpy()[order] == group].tolist()
    detail = detail_frame(run, lang, members)
    body = without_flags(detail)
    _write_titles(ws, st, t("xlsx.detail_title", lang, year=run.year), subtitle,
                  len(body.columns))
    _write_table(ws, st, body, lang, marked=is_area_row(detail), freeze_col=4)


__all__ = ["league_workbook", "sheet_name"]
