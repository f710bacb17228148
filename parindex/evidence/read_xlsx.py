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
(:mod:`parindex.evidence.xlsx_formats`, :mod:`parindex.evidence.xlsx_marks`). Too large a
file (compressed or uncompressed), or a sheet whose cells reach too far to hold, is refused
before its cells are read. A date where a fraction, a count or a value is typed is one
problem saying what Excel did and how to type it.

The sheet-by-sheet work is :mod:`parindex.evidence.xlsx_sheet`; ``cell_text`` is exported
here too.
"""

from __future__ import annotations

import threading
import unicodedata
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from parindex.errors import Problem, quote
from parindex.evidence.labels import column_for
from parindex.evidence.tables import TABLES, RawTables
from parindex.evidence.xlsx_damage import DAMAGED, damaged_part, damaged_sheet, read_sheet
from parindex.evidence.xlsx_formats import column_letter, percent_styles, sheet_parts
from parindex.evidence.xlsx_marks import SheetMarks, scan_sheet
from parindex.evidence.xlsx_parts import Parts, in_parts
from parindex.evidence.xlsx_sheet import Sheet, cell_text, find_header, head_value, sheet_table
from parindex.lang import grouped_facts

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
#: rows × columns a sheet's cells may span (the reader holds the whole rectangle)
MAX_CELLS = 16_000_000
#: what reading the workbook's map of sheets and styles raises on a damaged file
_MAP_ERRORS: tuple[type[Exception], ...] = (*DAMAGED, KeyError, ValueError)


def _size_problems(path: Path) -> list[Problem]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [Problem.of("xlsx.too_large", path.name, size=f"{size / 2**20:.0f}",
                           limit=MAX_FILE_BYTES // 2**20)]
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        return [Problem.of("xlsx.not_xlsx", path.name)]
    if unpacked > MAX_UNPACKED_BYTES:
        return [Problem.of("xlsx.unpacks", path.name, size=f"{unpacked / 2**20:.0f}",
                           limit=MAX_UNPACKED_BYTES // 2**20)]
    return []


@dataclass
class _Pending:
    """A sheet scanned and handed to calamine (which parses it in a worker thread, the GIL
    released, while the next sheet is scanned), not yet turned into text."""

    name: str
    file: str
    problems: list[Problem] = field(default_factory=list)
    marks: SheetMarks | None = None
    #: waits for calamine's cells (read whole, or in parts: :mod:`.xlsx_parts`)
    rows: Callable[[], list[list[Any]]] | None = None


@dataclass
class _Book:
    """The workbook being read: calamine's, the zip, and the threads calamine reads in (one
    sheet at a time from ``wb``, whose reads must not overlap; parts of a large sheet each
    from a workbook of their own)."""

    wb: Any
    zf: zipfile.ZipFile
    pool: ThreadPoolExecutor
    lock: threading.Lock = field(default_factory=threading.Lock)


def _start(book: _Book, parts: dict[str, str], percent: frozenset[int], name: str,
           file: str) -> _Pending:
    """Scan one sheet (refused when its cells reach too far to hold), then let calamine
    read it, a large sheet in parts."""
    pending = _Pending(name, file)
    split = _parts(book, parts.get(name, ""), name)
    pending.marks = read_sheet(partial(_scan, book.zf, parts.get(name, ""), percent, file,
                                       pending.problems, split), file, pending.problems)
    marks = pending.marks
    if marks is None:
        return pending
    whole = partial(_cells, book, name)
    if split is not None and marks.data is not None and marks.regular:
        pending.rows = read_sheet(partial(split.rest, marks.data, whole), file,
                                  pending.problems)
    marks.data = None
    if pending.rows is None and not pending.problems:
        pending.rows = book.pool.submit(whole).result
    return pending


def _parts(book: _Book, part: str, name: str) -> Parts | None:
    """How a large sheet is read in parts (None: a sheet read whole, or without a part in
    the zip, which the scan reports)."""
    try:
        member = _member(book.zf, part)
    except zipfile.BadZipFile:
        return None
    if not in_parts(book.zf.getinfo(member).file_size):
        return None
    return Parts(book.pool, book.zf, member, name, MAX_CELLS)


def _scan(zf: zipfile.ZipFile, part: str, percent: frozenset[int], file: str,
          problems: list[Problem], split: Parts | None) -> SheetMarks | None:
    marks = scan_sheet(zf, _member(zf, part), percent, split.first if split else None)
    if marks.rows * marks.columns > MAX_CELLS:
        problems.append(Problem.of("xlsx.sheet_too_large", file, rows=marks.rows,
                                   column=column_letter(marks.columns),
                                   **grouped_facts(limit=MAX_CELLS)))
        return None
    return marks


def _cells(book: _Book, name: str) -> list[list[Any]]:
    with book.lock:
        rows: list[list[Any]] = book.wb.get_sheet_by_name(name).to_python(
            skip_empty_area=False)
    return rows


def _finish(pending: _Pending) -> Sheet | None:
    """The sheet's cells once calamine has read them, error values put back where calamine
    leaves them blank; None when the sheet was refused or is damaged."""
    if pending.rows is None or pending.marks is None:
        return None
    rows = read_sheet(pending.rows, pending.file, pending.problems)
    if rows is None:
        return None
    for (r, c), text in pending.marks.errors.items():
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        row.extend([""] * (c - len(row)))
        row[c - 1] = text
    if pending.marks.errors:  # rows stay as wide as each other
        width = max(map(len, rows))
        for row in rows:
            row.extend([""] * (width - len(row)))
    return Sheet(pending.name, pending.file, rows, pending.marks)


def _member(zf: zipfile.ZipFile, part: str) -> str:
    """The zip member of a sheet part, matched case-insensitively as spreadsheets do; a sheet
    without one is damaged (never read unscanned)."""
    if part in zf.NameToInfo:
        return part
    for name in zf.NameToInfo:
        if name.lower() == part.lower():
            return name
    raise zipfile.BadZipFile(f"the workbook has no part {part!r} for this sheet")


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
        problems.append(Problem.of("xlsx.no_meta_rows", sheet.file))
    return meta


def _sheet_names(names: list[str], file: str, problems: list[Problem]) -> dict[str, str]:
    """Sheet name as matched (NFC, trimmed, lower case) → as written. Two sheets that match
    one table (``evidence`` and ``Evidence ``) are an error, not a silent choice."""
    sheets: dict[str, str] = {}
    for name in names:
        key = unicodedata.normalize("NFC", name).strip().lower()
        if key in sheets and (key in TABLES or key == "meta"):
            problems.append(Problem.of("xlsx.sheets_twice", file, field="sheet", value=name,
                                       first=quote(sheets[key]), second=quote(name),
                                       table=quote(key)))
            continue
        sheets.setdefault(key, name)
    return sheets


def _refused(path: Path, exc: Exception) -> RawTables:
    """The workbook refused whole: the damaged sheet named, else the damaged part."""
    sheet = damaged_sheet(path)
    where = f"{path.name} [{sheet}]" if sheet else path.name
    error = str(exc)
    part = damaged_part(path) if sheet is None else None
    if part is not None and part not in error:
        error = f"{part}: {error}"
    return RawTables(path, {}, path.name, {}, {}, [
        Problem.of("xlsx.unreadable", where, error=error)])


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
    with wb, zipfile.ZipFile(path) as zf, ThreadPoolExecutor(2) as pool:
        book = _Book(wb, zf, pool)
        try:
            parts, percent = sheet_parts(zf), percent_styles(zf)
        except _MAP_ERRORS as exc:
            return _refused(path, exc)
        sheets = _sheet_names(wb.sheet_names, path.name, problems)
        keys = sorted((key for key in ("meta", *TABLES) if key in sheets),
                      key=partial(_unpacked, zf, parts, sheets))
        pending = {key: _start(book, parts, percent, sheets[key],
                               f"{path.name} [{sheets[key]}]") for key in keys}
        return _read_sheets(path, pending, problems)


def _unpacked(zf: zipfile.ZipFile, parts: dict[str, str], sheets: dict[str, str],
              key: str) -> int:
    """A sheet's size unpacked: the sheets are read smallest first, so that the small ones
    are turned into tables while calamine parses the largest (the evidence)."""
    info = zf.NameToInfo.get(parts.get(sheets[key], ""))
    return info.file_size if info is not None else 0


def _table(name: str, got: _Pending) -> pd.DataFrame | None:
    sheet = _finish(got)
    return sheet_table(sheet, name, got.problems) if sheet is not None else None


def _read_sheets(path: Path, pending: dict[str, _Pending],
                 problems: list[Problem]) -> RawTables:
    """Each sheet turned into text as calamine gives it back (smallest first), the
    problems in the order of the sheets: meta, then the tables."""
    meta: dict[str, Any] = {}
    meta_file = f"{path.name} [meta]"
    if "meta" in pending:
        got = pending["meta"]
        found = _finish(got)
        meta = (read_sheet(partial(_meta, found, got.problems), meta_file, got.problems)
                or {}) if found is not None else {}
        problems += got.problems
    else:
        problems.append(Problem.of("xlsx.no_meta_sheet", path.name))
    done = {name: _table(name, got) for name, got in pending.items() if name != "meta"}
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for name in TABLES:  # the tables and their problems in the order of CONTRACT §2
        if name not in done:
            continue
        files[name] = pending[name].file
        problems += pending[name].problems
        table = done[name]
        if table is not None:
            tables[name] = table
    if meta:
        meta = {k: (int(v) if k == "year" and str(v).isdigit() else v) for k, v in meta.items()}
    return RawTables(path, meta, meta_file, tables, files, problems)


__all__ = ["MAX_CELLS", "MAX_FILE_BYTES", "MAX_UNPACKED_BYTES", "cell_text", "read_xlsx"]
