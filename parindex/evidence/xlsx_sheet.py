"""One sheet of a bundle workbook as a table of text: the heading row found, each column's
cells turned into the text a user would have typed (see :mod:`parindex.evidence.read_xlsx`),
fully blank rows skipped, and the problems only a sheet has: unknown or repeated headings,
formulas with no saved result, dates where Excel turned a typed fraction into one."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parindex.errors import Problem, quote
from parindex.evidence.cells import categorical
from parindex.evidence.labels import column_for, info_column
from parindex.evidence.tables import TABLES
from parindex.evidence.xlsx_formats import column_letter
from parindex.evidence.xlsx_marks import SheetMarks

HEADER_SCAN = 10
#: columns where a date can only be a fraction, count or value Excel turned into a date
_NOT_DATES = {"evidence": ("value", "appraised"),
              "one_stop": (*TABLES["one_stop"][0][1:], *TABLES["one_stop"][1], "procedures"),
              "adjustments": ("points",)}


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


def head_value(value: Any) -> Any:
    """A cell of a heading or meta row as openpyxl gave it: blank as None, a whole number as
    an int, a date as a datetime (so a stray heading is quoted as before)."""
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def find_header(rows: list[tuple[Any, ...]], table: str) -> int | None:
    """The index of the heading row among the first rows: the first with two headings of
    ``table``."""
    for i, row in enumerate(rows[:HEADER_SCAN]):
        hits = sum(1 for v in row if v is not None and column_for(table, v) is not None)
        if hits >= min(2, len(TABLES[table][0]) if table in TABLES else 2):
            return i
    return None


@dataclass(frozen=True)
class Sheet:
    """A sheet's cells (rows from row 1, columns from A; blank as ``""``) and its marks."""

    name: str
    file: str
    rows: list[list[Any]]
    marks: SheetMarks


def _columns(heading: tuple[Any, ...], table: str, file: str, row: int,
             problems: list[Problem]) -> dict[int, str]:
    """Column index (from 0) → canonical column, from the heading row."""
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for j, text in enumerate(heading):
        if text is None or str(text).strip() == "":
            continue
        col = column_for(table, text)
        if col is None:
            if info_column(text) is None:
                problems.append(Problem.of("xlsx.column_unknown", file, f"row {row}",
                                           field=column_letter(j + 1), severity="warning",
                                           quoted=quote(text)))
            continue
        if col in seen:
            problems.append(Problem.of("xlsx.column_repeats", file, f"row {row}",
                                       severity="warning", quoted=quote(text),
                                       first=quote(seen[col])))
            continue
        seen[col] = str(text)
        columns[j] = col
    return columns


def _coded(values: np.ndarray, percent_at: set[int]) -> tuple[np.ndarray, list[str], set[type]]:
    """A column's cells as codes and distinct texts (two codes may share a text), and the
    kinds of value it holds: each distinct value converted once, a percent-formatted cell
    on its own; cell by cell when a column holds a true/false (``True == 1 == 1.0`` to a
    hash, so they would share a code)."""
    codes, uniques = pd.factorize(values)
    kinds = set(map(type, uniques))
    if bool in kinds or (len(codes) and codes.min() < 0):
        codes, uniques = pd.factorize(np.asarray(_texts(values, percent_at), dtype=object))
        return codes, list(uniques), kinds
    if kinds <= {str}:
        texts = [unicodedata.normalize("NFC", u) for u in uniques]
    else:
        texts = [cell_text(u) for u in uniques]
    if percent_at:
        codes = codes.copy()
        for i in sorted(i for i in percent_at if i < len(codes)):
            texts.append(cell_text(values[i], "%"))
            codes[i] = len(texts) - 1
    return codes, texts, kinds


def _texts(values: np.ndarray, percent_at: set[int]) -> list[str]:
    """Each cell as text; each distinct text or number converted once."""
    strs: dict[str, str] = {}
    nums: dict[float, str] = {}
    out: list[str] = []
    text: str | None
    for i, v in enumerate(values):
        kind = type(v)
        if i in percent_at:
            text = cell_text(v, "%")
        elif kind is str:
            text = strs.get(v)
            if text is None:
                text = strs[v] = cell_text(v)
        elif kind is float:
            text = nums.get(v)
            if text is None:
                text = nums[v] = cell_text(v)
        else:
            text = cell_text(v)
        out.append(text or "")
    return out


def _dates_typed(values: np.ndarray, first: int, sheet: Sheet, column: str, letter: str,
                 problems: list[Problem]) -> None:
    """A date where a fraction, count or value is typed: Excel turned ``3/4`` into a date."""
    for i, v in enumerate(values):
        if isinstance(v, dt.date):
            r = first + i
            day = v.date() if isinstance(v, dt.datetime) else v
            problems.append(Problem.of(
                "xlsx.date_typed", sheet.file, f"row {r} (cell {letter}{r})", field=column,
                value=cell_text(v), row=r, cell=f"{sheet.name}!{letter}{r}",
                date=day.strftime("%d/%m/%Y")))


def _unsaved_formulas(sheet: Sheet, first: int, columns: dict[int, str],
                      problems: list[Problem]) -> None:
    """A formula with no saved result would read as blank: report it instead."""
    for (r, c), formula in sorted(sheet.marks.unsaved.items()):
        if r >= first and c - 1 in columns:
            problems.append(Problem.of(
                "xlsx.formula", sheet.file, f"row {r} (cell {column_letter(c)}{r})",
                field=columns[c - 1], value=formula, quoted=quote(formula)))


def sheet_table(sheet: Sheet, table: str, problems: list[Problem]) -> pd.DataFrame | None:
    """The sheet as the text table ``table``: canonical columns, a ``_row`` column (the row a
    spreadsheet shows) and the column letters in ``attrs["letters"]``; None without a
    heading row."""
    head_rows = [tuple(head_value(v) for v in row) for row in sheet.rows[:HEADER_SCAN]]
    h = find_header(head_rows, table)
    if h is None:
        problems.append(Problem.of("xlsx.no_heading", sheet.file,
                                   headings=", ".join(TABLES[table][0])))
        return None
    columns = _columns(head_rows[h], table, sheet.file, h + 1, problems)
    first = h + 2  # the spreadsheet row of the first row below the headings
    body = sheet.rows[h + 1:]
    letters = {j: column_letter(j + 1) for j in columns}
    coded: dict[str, tuple[np.ndarray, list[str]]] = {}
    grid = np.array(body, dtype=object) if body else np.empty((0, 0), dtype=object)
    blank = np.full(len(body), "", dtype=object)
    for j, col in columns.items():  # calamine's rows are all as wide
        values = grid[:, j] if j < grid.shape[1] else blank
        percent_at = {r - first for r, c in sheet.marks.percent if c == j + 1 and r >= first}
        codes, texts, kinds = _coded(values, percent_at)
        coded[col] = codes, texts
        if col in _NOT_DATES.get(table, ()) and any(issubclass(k, dt.date) for k in kinds):
            _dates_typed(values, first, sheet, col, letters[j], problems)
    if table == "reports" and "submitted" in coded:
        codes, texts = coded["submitted"]
        coded["submitted"] = codes, [_serial_date(v) for v in texts]
    _unsaved_formulas(sheet, first, columns, problems)
    keep = _not_blank(list(coded.values()), len(body))
    rows = np.arange(first, first + len(body), dtype=np.int64)
    index = pd.RangeIndex(len(body) if keep is None else len(rows[keep]))
    # as the CSV reader's columns: codes and distinct texts
    df = pd.DataFrame({c: categorical(codes if keep is None else codes[keep],
                                      np.asarray(texts, dtype=object), index)
                       for c, (codes, texts) in coded.items()}, index=index)
    df["_row"] = rows if keep is None else rows[keep]
    df.attrs["letters"] = {c: letters[j] for j, c in columns.items()}
    return df


def _not_blank(columns: list[tuple[np.ndarray, list[str]]], n: int) -> np.ndarray | None:
    """Which rows have any text (None: all of them); fully blank rows are skipped."""
    blank = np.ones(n, dtype=bool)
    for codes, texts in columns:
        empty = np.array([not t for t in texts], dtype=bool)
        if not empty.any():
            return None
        blank &= empty[codes]
        if not blank.any():
            return None
    keep: np.ndarray = ~blank
    return keep


def _serial_date(text: str) -> str:
    """An Excel date serial typed into a text-formatted date column → ISO date."""
    if text.isdigit() and 20000 <= int(text) <= 80000:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(text))).isoformat()
    return text
