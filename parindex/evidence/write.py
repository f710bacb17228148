"""Write bundles: a folder of CSV files, or one Excel workbook with a sheet per table.

Both are written atomically (each file via a temporary file and a rename) and neutralise
text that a spreadsheet would run as a formula (:func:`parindex.io.safe_cell`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from parindex.errors import OutputError, Problem
from parindex.evidence.labels import label
from parindex.evidence.tables import TABLES
from parindex.evidence.xlsx_formats import column_letter
from parindex.io import safe_cell, write_atomic

META_KEYS = ("year", "edition", "authority")
#: the characters one Excel cell holds
CELL_CHARACTERS = 32_767


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out


def write_csv_bundle(out: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any]) -> Path:
    """A bundle folder: ``bundle.yaml`` and one CSV per table (``_row`` columns dropped)."""
    import yaml

    out.mkdir(parents=True, exist_ok=True)
    clean = {k: meta.get(k, "") for k in META_KEYS}
    write_atomic(out / "bundle.yaml", yaml.safe_dump(clean, allow_unicode=True, sort_keys=False))
    for name, df in tables.items():
        frame = _safe_frame(df.drop(columns=[c for c in df.columns if c.startswith("_")]))
        write_atomic(out / f"{name}.csv", frame.to_csv(index=False, lineterminator="\n"))
    return out


def set_text(cell: Any, value: object) -> None:
    """Put a value in a cell so that text always stays text (never a formula)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
        cell.quotePrefix = True


def xlsx_bytes(sheets: dict[str, pd.DataFrame], meta: dict[str, Any], lang: str = "vi") -> bytes:
    """A bundle workbook with labelled headings; columns not in CONTRACT §2 are kept as is.

    Written by XlsxWriter with a shared-string table, as Excel saves a workbook: a text
    repeated down a column (a unit's code, a criterion) is stored once, so the file is
    half the size of one with every text inline and is read back faster. Text stays text
    (never a formula; one starting with ``=`` carries Excel's quote prefix)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    bold, quoted = wb.add_format({"bold": True}), wb.add_format({"quote_prefix": True})
    bold_quoted = wb.add_format({"bold": True, "quote_prefix": True})

    def put(ws: Any, r: int, c: int, value: object, head: bool = False) -> None:
        if value is None or value == "":
            return
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
            ws.write_number(r, c, value, bold if head else None)
            return
        text = str(value)
        if len(text) > CELL_CHARACTERS:  # XlsxWriter would cut it short: refused, not lost
            raise OutputError([Problem.of(
                "out.cell_long", ws.name, f"row {r + 1}", field=column_letter(c + 1),
                length=len(text), limit=CELL_CHARACTERS)])
        fmt = (bold_quoted if head else quoted) if text.startswith("=") else \
            (bold if head else None)
        ws.write_string(r, c, text, fmt)

    ws = wb.add_worksheet("meta")
    for r, key in enumerate(META_KEYS):
        put(ws, r, 0, label("meta", key, lang))
        put(ws, r, 1, meta.get(key, ""))
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 40)
    for name, df in sheets.items():
        sheet = wb.add_worksheet(name)
        cols = [c for c in df.columns if not c.startswith("_")]
        for j, col in enumerate(cols):
            heading = label(name, col, lang) if col in TABLES[name][0] + TABLES[name][1] else col
            put(sheet, 0, j, heading, head=True)
            sheet.set_column(j, j, max(12, min(40, len(heading) + 2)))
            for i, value in enumerate(df[col].tolist(), start=1):
                put(sheet, i, j, value)
        sheet.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def write_xlsx_bundle(out: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any],
                      lang: str = "vi") -> Path:
    return write_atomic(out, xlsx_bytes(tables, meta, lang))


def write_bundle_any(out: Path, tables: dict[str, pd.DataFrame], meta: dict[str, Any],
                     lang: str = "vi") -> Path:
    """An ``.xlsx`` path gets a workbook, anything else a CSV folder."""
    if out.suffix.lower() == ".xlsx":
        return write_xlsx_bundle(out, tables, meta, lang)
    return write_csv_bundle(out, tables, meta)


#: the rows one Excel sheet holds (1,048,576), less the template's title block and headings
SHEET_ROWS = 1_048_576 - 10


def refuse_oversized(tables: dict[str, pd.DataFrame], out: Path) -> None:
    """A table longer than an Excel sheet can hold cannot go to a workbook: refused before
    anything is written (a CSV folder holds it)."""
    too = [(name, len(df)) for name, df in tables.items() if len(df) > SHEET_ROWS]
    if too:
        raise OutputError([Problem.of("out.sheet_rows", str(out), field=name, table=name,
                                      rows=rows, limit=SHEET_ROWS) for name, rows in too])
