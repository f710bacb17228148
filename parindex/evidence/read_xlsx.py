"""Read a bundle from one Excel workbook: sheets named like the CSV files (CONTRACT §2).

Cells are turned into the text a user would have typed, so everything downstream is the
same as for CSV: numbers without a spurious ``.0``; a percent-formatted cell (0.95 shown as
95%) as ``95``; dates as ISO ``yyyy-mm-dd``; formulas by their cached value (never
evaluated). The heading row is found among the first rows (titles and merged group headings
above it are skipped) and may use the canonical column names or the Vietnamese or English
labels of :mod:`parindex.evidence.labels`.

Cell values come from python-calamine (a compiled reader, ten times openpyxl's speed); what
it does not report — percent formats, formulas with no saved result, error values, how far
a sheet's cells reach — comes from a direct scan of the sheet XML
(:mod:`parindex.evidence.xlsx_formats`). Too large a file (compressed or uncompressed), or a
sheet whose cells reach too far to hold, is refused before its cells are read. A date where
a fraction, a count or a value is typed is one problem saying what Excel did and how to type
it.

The sheet-by-sheet work is :mod:`parindex.evidence.xlsx_sheet`; ``cell_text`` is exported
here too.
"""

from __future__ import annotations

import unicodedata
import zipfile
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from parindex.errors import Problem, quote
from parindex.evidence.labels import column_for
from parindex.evidence.tables import TABLES, RawTables
from parindex.evidence.xlsx_damage import DAMAGED, damaged_sheet, read_sheet
from parindex.evidence.xlsx_formats import (
    SheetMarks,
    column_letter,
    percent_styles,
    scan_sheet,
    sheet_parts,
)
from parindex.evidence.xlsx_sheet import Sheet, cell_text, find_header, head_value, sheet_table

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
#: rows × columns a sheet's cells may span (the reader holds the whole rectangle)
MAX_CELLS = 16_000_000
#: what reading the workbook's map of sheets and styles raises on a damaged file
_MAP_ERRORS: tuple[type[Exception], ...] = (*DAMAGED, KeyError, ValueError)
def _size_problems(path: Path) -> list[Problem]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [Problem(path.name, "", f"the workbook is {size / 2**20:.0f} MB, above the "
                        f"{MAX_FILE_BYTES // 2**20} MB limit", hint="split it into parts and "
                        "use 'parindex merge'")]
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        return [Problem(path.name, "", "is not an Excel .xlsx workbook",
                        hint="save it as Excel Workbook (.xlsx)")]
    if unpacked > MAX_UNPACKED_BYTES:
        return [Problem(path.name, "", f"the workbook unpacks to {unpacked / 2**20:.0f} MB, "
                        f"above the {MAX_UNPACKED_BYTES // 2**20} MB limit")]
    return []


def _load_sheet(wb: Any, zf: zipfile.ZipFile, parts: dict[str, str], percent: frozenset[int],
                name: str, file: str, problems: list[Problem]) -> Sheet | None:
    part = parts.get(name)
    marks = scan_sheet(zf, part, percent) if part in zf.NameToInfo else SheetMarks()
    if marks.rows * marks.columns > MAX_CELLS:
        problems.append(Problem.of("xlsx.sheet_too_large", file, rows=marks.rows,
                                   column=column_letter(marks.columns), limit=f"{MAX_CELLS:,}"))
        return None
    rows: list[list[Any]] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    for (r, c), text in marks.errors.items():  # calamine reads an error value as blank
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        row.extend([""] * (c - len(row)))
        row[c - 1] = text
    if marks.errors:  # rows stay as wide as each other
        width = max(map(len, rows))
        for row in rows:
            row.extend([""] * (width - len(row)))
    return Sheet(name, file, rows, marks)


def _meta(sheet: Sheet, problems: list[Problem]) -> dict[str, Any]:
    """The meta sheet as rows of (field, value), or one heading row (``year, edition,
    authority``, perhaps below title rows) and one value row under it."""
    rows = [tuple(head_value(v) for v in row) for row in sheet.rows[:20]]
    meta: dict[str, Any] = {}
    h = find_header(rows, "meta")
    if h is not None:  # two or more fields side by side: the heading layout
        values = rows[h + 1] if h + 1 < len(rows) else ()
        for heading, value in zip(rows[h], values, strict=False):
            col = column_for("meta", heading) if heading is not None else None
            if col:
                meta[col] = cell_text(value)
        return meta
    for row in rows:
        if len(row) >= 2 and row[0] is not None and column_for("meta", row[0]):
            meta[column_for("meta", row[0]) or ""] = cell_text(row[1])
    if not meta:
        problems.append(Problem(sheet.file, "", "the meta sheet has no year / edition rows"))
    return meta


def _sheet_names(names: list[str], file: str, problems: list[Problem]) -> dict[str, str]:
    """Sheet name as matched (NFC, trimmed, lower case) → as written. Two sheets that match
    one table (``evidence`` and ``Evidence ``) are an error, not a silent choice."""
    sheets: dict[str, str] = {}
    for name in names:
        key = unicodedata.normalize("NFC", name).strip().lower()
        if key in sheets and (key in TABLES or key == "meta"):
            problems.append(Problem(file, "", f"the sheets {quote(sheets[key])} and "
                                    f"{quote(name)} are both the table {quote(key)}",
                                    field="sheet", value=name,
                                    hint="keep one of them, or rename the other"))
            continue
        sheets.setdefault(key, name)
    return sheets


def _refused(path: Path, exc: Exception) -> RawTables:
    sheet = damaged_sheet(path)
    where = f"{path.name} [{sheet}]" if sheet else path.name
    return RawTables(path, {}, path.name, {}, {}, [
        Problem(where, "", f"cannot be read as an Excel workbook: {exc}")])


def read_xlsx(path: Path) -> RawTables:
    """Read a bundle workbook into text tables (see the module docstring)."""
    problems = _size_problems(path)
    if problems:
        return RawTables(path, {}, path.name, {}, {}, problems)
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own kinds on damaged files
        return _refused(path, exc)
    with wb, zipfile.ZipFile(path) as zf:
        try:
            parts, percent = sheet_parts(zf), percent_styles(zf)
        except _MAP_ERRORS as exc:
            return _refused(path, exc)
        load = partial(_load_sheet, wb, zf, parts, percent)
        return _read_sheets(path, wb.sheet_names, load, problems)


def _read_sheets(path: Path, names: list[str], load: Any,
                 problems: list[Problem]) -> RawTables:
    sheets = _sheet_names(names, path.name, problems)
    meta: dict[str, Any] = {}
    meta_file = f"{path.name} [meta]"
    if "meta" in sheets:
        found = read_sheet(partial(load, sheets["meta"], meta_file, problems), meta_file,
                           problems)
        meta = (read_sheet(partial(_meta, found, problems), meta_file, problems) or {}) \
            if found is not None else {}
    else:
        problems.append(Problem(path.name, "", "no sheet 'meta' (year, edition, authority)"))
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for name in TABLES:
        if name not in sheets:
            continue
        file = files[name] = f"{path.name} [{sheets[name]}]"
        sheet = read_sheet(partial(load, sheets[name], file, problems), file, problems)
        df = sheet_table(sheet, name, problems) if sheet is not None else None
        if df is not None:
            tables[name] = df
    if meta:
        meta = {k: (int(v) if k == "year" and str(v).isdigit() else v) for k, v in meta.items()}
    return RawTables(path, meta, meta_file, tables, files, problems)


__all__ = ["MAX_CELLS", "MAX_FILE_BYTES", "MAX_UNPACKED_BYTES", "cell_text", "read_xlsx"]
