"""The openpyxl workbook reader that :mod:`parindex.evidence.read_xlsx` (python-calamine and
a scan of the sheet XML) replaced, kept as the reference the new reader is compared with
(``test_xlsx_parity.py``) and for before/after timings (``bench/bench_xlsx.py --before``).
It is the reader as it was, unchanged but for this paragraph.

Read a bundle from one Excel workbook: sheets named like the CSV files (CONTRACT §2).

Cells are turned into the text a user would have typed, so everything downstream is the
same as for CSV: numbers without a spurious ``.0``; a percent-formatted cell (0.95 shown as
95%) as ``95``; dates as ISO ``yyyy-mm-dd``; formulas by their cached value (never
evaluated). The heading row is found among the first rows (titles and merged group headings
above it are skipped) and may use the canonical column names or the Vietnamese or English
labels of :mod:`parindex.evidence.labels`.

Workbooks are opened read-only; too large a file (compressed or uncompressed) is refused
before parsing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from parindex.errors import Problem, quote
from parindex.evidence.labels import column_for, info_column
from parindex.evidence.tables import TABLES, RawTables
from parindex.evidence.xlsx_damage import damaged_sheet, read_sheet

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
_HEADER_SCAN = 10


def cell_text(value: Any, number_format: str | None = None) -> str:
    """A cell's value as the text a user would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        v = float(value)
        if number_format and "%" in number_format:
            v *= 100
        if v.is_integer():
            return str(int(v))
        return f"{v:.12g}"
    text = unicodedata.normalize("NFC", str(value))
    return text


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


def _find_header(rows: list[tuple[Any, ...]], table: str) -> int | None:
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        hits = sum(1 for v in row if v is not None and column_for(table, v) is not None)
        if hits >= min(2, len(TABLES[table][0]) if table in TABLES else 2):
            return i
    return None


#: a formula cell closed with no saved value: ``<f>…</f></c>``, ``<f …/><v/></c>``, …
_UNSAVED = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")


def _has_unsaved_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula with no saved result (a scan of the sheet XML;
    chunks overlap so a match across a chunk boundary is seen). A workbook saved by a
    spreadsheet keeps every formula's result and is read once."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with zf.open(info) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        if _UNSAVED.search(tail + chunk):
                            return True
                        tail = chunk[-256:]
    return False


def _sheet_table(ws: Any, table: str, file: str, problems: list[Problem],
                 formulas: Any = None) -> pd.DataFrame | None:
    from openpyxl.utils import get_column_letter

    head_rows = [tuple(c.value for c in row)
                 for row in ws.iter_rows(min_row=1, max_row=_HEADER_SCAN)]
    h = _find_header(head_rows, table)
    if h is None:
        problems.append(Problem(file, "", "no heading row with the expected columns",
                                hint="headings: " + ", ".join(TABLES[table][0])))
        return None
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for j, heading in enumerate(head_rows[h]):
        if heading is None or str(heading).strip() == "":
            continue
        col = column_for(table, heading)
        if col is None:
            if info_column(heading) is None:
                problems.append(Problem(file, f"row {h + 1}", f"unknown column {quote(heading)} "
                                        "is ignored", field=get_column_letter(j + 1),
                                        severity="warning"))
            continue
        if col in seen:
            problems.append(Problem(file, f"row {h + 1}", f"column {quote(heading)} repeats "
                                    f"{quote(seen[col])}; the first is used", severity="warning"))
            continue
        seen[col] = str(heading)
        columns[j] = col
    data: dict[str, list[str]] = {c: [] for c in columns.values()}
    rownums: list[int] = []
    letters = {j: get_column_letter(j + 1) for j in columns}
    written = formulas.iter_rows(min_row=h + 2) if formulas is not None else None
    for r, row in enumerate(ws.iter_rows(min_row=h + 2), start=h + 2):
        values = {columns[j]: cell_text(c.value, getattr(c, "number_format", None))
                  for j, c in enumerate(row) if j in columns}
        if written is not None:
            _unsaved_formulas(row, next(written, ()), columns, letters, r, file, problems)
        if not any(values.values()):
            continue
        for c in data:
            data[c].append(values.get(c, ""))
        rownums.append(r)
    df = pd.DataFrame(data, dtype=object)
    if table == "reports" and "submitted" in df.columns:
        df["submitted"] = [_serial_date(v) for v in df["submitted"]]
    df["_row"] = rownums
    df.attrs["letters"] = {c: letters[j] for j, c in columns.items()}
    return df


def _unsaved_formulas(row: Any, written: Any, columns: dict[int, str], letters: dict[int, str],
                      r: int, file: str, problems: list[Problem]) -> None:
    """A formula with no saved result would read as blank: report it instead."""
    for j, (c, w) in enumerate(zip(row, written, strict=False)):
        if j in columns and c.value is None and isinstance(w.value, str) \
                and w.value.startswith("="):
            problems.append(Problem(
                file, f"row {r} (cell {letters[j]}{r})",
                f"{quote(w.value)} is a formula with no saved result (parindex never "
                "evaluates formulas)", field=columns[j], value=w.value,
                hint="open and save the workbook in Excel or LibreOffice, or type the value"))


def _serial_date(text: str) -> str:
    """An Excel date serial typed into a text-formatted date column → ISO date."""
    if text.isdigit() and 20000 <= int(text) <= 80000:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(text))).isoformat()
    return text


def _meta(ws: Any, file: str, problems: list[Problem]) -> dict[str, Any]:
    """The meta sheet as rows of (field, value), or one heading row (``year, edition,
    authority``, perhaps below title rows) and one value row under it."""
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(max_row=20)]
    meta: dict[str, Any] = {}
    h = _find_header(rows, "meta")
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
        problems.append(Problem(file, "", "the meta sheet has no year / edition rows"))
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


def read_xlsx(path: Path) -> RawTables:
    """Read a bundle workbook into text tables (see the module docstring)."""
    problems = _size_problems(path)
    if problems:
        return RawTables(path, {}, path.name, {}, {}, problems)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        # formulas are read (never evaluated) only to name those with no saved result
        fwb = load_workbook(path, read_only=True) if _has_unsaved_formulas(path) else None
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        sheet = damaged_sheet(path)
        where = f"{path.name} [{sheet}]" if sheet else path.name
        return RawTables(path, {}, path.name, {}, {}, [
            Problem(where, "", f"cannot be read as an Excel workbook: {exc}")])
    try:
        sheets = _sheet_names(wb.sheetnames, path.name, problems)
        meta: dict[str, Any] = {}
        meta_file = f"{path.name} [meta]"
        if "meta" in sheets:
            meta = read_sheet(partial(_meta, wb[sheets["meta"]], meta_file, problems),
                               meta_file, problems) or {}
        else:
            problems.append(Problem(path.name, "", "no sheet 'meta' (year, edition, authority)"))
        tables: dict[str, pd.DataFrame] = {}
        files: dict[str, str] = {}
        for name in TABLES:
            if name not in sheets:
                continue
            file = f"{path.name} [{sheets[name]}]"
            files[name] = file
            sheet = sheets[name]
            df = read_sheet(partial(_sheet_table, wb[sheet], name, file, problems,
                                     fwb[sheet] if fwb is not None else None), file, problems)
            if df is not None:
                tables[name] = df
    finally:
        wb.close()
        if fwb is not None:
            fwb.close()
    if meta:
        meta = {k: (int(v) if k == "year" and str(v).isdigit() else v) for k, v in meta.items()}
    return RawTables(path, meta, meta_file, tables, files, problems)
