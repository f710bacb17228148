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
from parindex.io import safe_cell, write_atomic

META_KEYS = ("year", "edition", "authority")


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
    """A bundle workbook with labelled headings; columns not in CONTRACT §2 are kept as is."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "meta"
    for r, key in enumerate(META_KEYS, start=1):
        set_text(ws.cell(r, 1), label("meta", key, lang))
        set_text(ws.cell(r, 2), meta.get(key, ""))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40
    for name, df in sheets.items():
        sheet = wb.create_sheet(name)
        cols = [c for c in df.columns if not c.startswith("_")]
        for j, col in enumerate(cols, start=1):
            heading = label(name, col, lang) if col in TABLES[name][0] + TABLES[name][1] else col
            set_text(sheet.cell(1, j), heading)
            sheet.cell(1, j).font = Font(bold=True)
            sheet.column_dimensions[sheet.cell(1, j).column_letter].width = max(
                12, min(40, len(heading) + 2))
        for i, row in enumerate(df[cols].itertuples(index=False), start=2):
            for j, value in enumerate(row, start=1):
                set_text(sheet.cell(i, j), value if value != "" else None)
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
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
