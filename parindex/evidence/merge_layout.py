"""A merged bundle as a workbook in the template's layout, so the council appraises in a
proper workbook (``parindex merge OUT.xlsx PARTS...``).

The layout is the template's own (:func:`parindex.evidence.template.template_bytes` for the
merged units: criterion names, max, rules in words, drop-downs, formats, protection); this
module only puts the merged cells into it. Evidence cells go to the row of their unit and
criterion; rows the template has no place for (an unknown unit or criterion, kept so that
``check`` reports them) are added below, unlocked. The other tables replace the template's
blank rows; a table the template lacks gets a sheet of its own with labelled headings.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pandas as pd

from parindex.criteria.compiled import CompiledEdition
from parindex.evidence.labels import column_for, label
from parindex.evidence.tables import TABLES
from parindex.evidence.template import template_bytes
from parindex.evidence.write import set_text
from parindex.evidence.xlsx_sheet import HEADER_SCAN, find_header

_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
                   r"|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})")


def _heading_row(ws: Any, table: str) -> int:
    """The sheet's heading row (1-based): the template puts a title block above it in some
    sheets; a sheet of our own has it in row 1."""
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(max_row=HEADER_SCAN)]
    found = find_header(rows, table)
    return 1 if found is None else found + 1


def _headings(ws: Any, table: str, head: int) -> dict[str, int]:
    """canonical column → 1-based column index, from the sheet's heading row ``head``."""
    out: dict[str, int] = {}
    for j in range(1, ws.max_column + 1):
        col = column_for(table, ws.cell(head, j).value)
        if col is not None and col not in out:
            out[col] = j
    return out


def _date(text: str) -> dt.date | None:
    """An ISO or a dd/mm/yyyy date, else None."""
    found = _DATE.fullmatch(text)
    if found is None:
        return None
    year, month, day = (found["y"] or found["y2"], found["m"] or found["m2"],
                        found["d"] or found["d2"])
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _put(cell: Any, value: object, col: str = "") -> None:
    """A merged cell as text (never a formula); a report's date as a date."""
    text = "" if value is None else str(value)
    day = _date(text) if col == "submitted" else None
    if day is not None:
        cell.value = day
        cell.number_format = "dd/mm/yyyy"
        return
    set_text(cell, text or None)


def _columns(ws: Any, table: str, df: pd.DataFrame, lang: str,
             head: int) -> dict[str, int]:
    """The sheet's columns for the table's, a heading added (in row ``head``) for each one
    it lacks."""
    from openpyxl.styles import Font

    cols = _headings(ws, table, head)
    for col in df.columns:
        if col.startswith("_") or col in cols:
            continue
        j = max([0, *cols.values(), *(k for k in range(1, ws.max_column + 1)
                                        if ws.cell(head, k).value is not None)]) + 1
        known = col in TABLES[table][0] + TABLES[table][1]
        set_text(ws.cell(head, j), label(table, col, lang) if known else col)
        ws.cell(head, j).font = Font(bold=True)
        cols[col] = j
    return cols


def _fill_evidence(ws: Any, df: pd.DataFrame, lang: str) -> None:
    from openpyxl.styles import Protection

    head = _heading_row(ws, "evidence")
    cols = _columns(ws, "evidence", df, lang, head)
    at = {(str(ws.cell(r, cols["unit"]).value or ""), str(ws.cell(r, cols["criterion"]).value
                                                          or "")): r
          for r in range(head + 1, ws.max_row + 1)}
    inputs = [c for c in df.columns if c not in ("unit", "criterion") and c in cols]
    extra = ws.max_row
    for row in df.to_dict(orient="records"):
        r = at.get((str(row["unit"]), str(row["criterion"])))
        if r is None:  # no place in the template: a new row, every cell given
            extra += 1
            r = extra
            for col in ("unit", "criterion"):
                _put(ws.cell(r, cols[col]), row[col])
                ws.cell(r, cols[col]).protection = Protection(locked=False)
        for col in inputs:
            if row[col] != "":
                _put(ws.cell(r, cols[col]), row[col])
                ws.cell(r, cols[col]).protection = Protection(locked=False)
    if extra > len(at) + head and ws.auto_filter.ref:
        ws.auto_filter.ref = re.sub(r"\d+$", str(extra), ws.auto_filter.ref)


def _fill_table(ws: Any, name: str, df: pd.DataFrame, lang: str) -> None:
    """The merged rows below the heading row; the template's blank rows below them cleared."""
    head = _heading_row(ws, name)
    cols = _columns(ws, name, df, lang, head)
    rows = df.to_dict(orient="records")
    for i, row in enumerate(rows, start=head + 1):
        for col, j in cols.items():
            _put(ws.cell(i, j), row.get(col, ""), col)
    for i in range(len(rows) + head + 1, ws.max_row + 1):
        for j in cols.values():
            ws.cell(i, j).value = None


def _meta_edition(wb: Any, ref: str, lang: str) -> None:
    """The parts' edition as they name it (a file path stays a path)."""
    if "meta" not in wb.sheetnames:
        return
    ws = wb["meta"]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == label("meta", "edition", lang):
            set_text(ws.cell(r, 2), ref)


def merged_workbook_bytes(edition: CompiledEdition, tables: dict[str, pd.DataFrame],
                          meta: dict[str, Any], lang: str = "vi") -> bytes:
    """The template for the merged units, filled with the merged cells."""
    from openpyxl import load_workbook

    units = tables["units"]
    year = int(meta.get("year") or dt.date.today().year)
    data = template_bytes(edition, units, year, lang, None, str(meta.get("authority") or ""))
    wb = load_workbook(io.BytesIO(data))
    _meta_edition(wb, str(meta.get("edition") or edition.id), lang)
    for name, df in tables.items():
        if name == "units":
            continue
        ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
        if name == "evidence":
            _fill_evidence(ws, df, lang)
        else:
            _fill_table(ws, name, df, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
