"""The units list a template is made for (``parindex template --units units.csv``).

Read and checked here rather than by the command line. The list may be a CSV file (comma or
semicolon, UTF-8 or Windows-1258: what Excel saves, as the bundle readers take it) or an
``.xlsx`` workbook (its ``units`` sheet, else its first sheet; title rows above the headings
are skipped). Headings may be the canonical names ``code, name, type, group`` or the
Vietnamese or English headings of a bundle's units table; types may be written in
Vietnamese (``xã``, ``phường``, ``thị trấn``: case, accents and spaces do not matter) and are
written to the template in the canonical form (``xa``, ``phuong``, ``thi_tran``). Cells are
NFC-normalised and trimmed, as bundle codes are.

The list is checked as ``parindex check`` checks a bundle's units table (the same checker
and messages): an empty or repeated code, an unknown type, an empty group is an error
naming the file, row, column and value. ``unit=`` keeps one unit's row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from parindex.criteria.keys import fold_key
from parindex.errors import EvidenceError, Problem, quote
from parindex.evidence.labels import column_for
from parindex.evidence.read_csv import read_csv_file
from parindex.evidence.tables import UNIT_TYPES, Bundle

UNIT_COLUMNS = ("code", "name", "type", "group")
_HEADER_SCAN = 10


def _cell(value: Any) -> str:
    """A workbook cell as the text typed: whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path) -> tuple[pd.DataFrame | None, list[Problem], dict[str, str]]:
    """The units sheet of a workbook (or its first sheet), with spreadsheet row numbers,
    and the column letter of each column."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        return None, [Problem.of("xlsx.unreadable", path.name, error=str(exc))], {}
    try:
        names = {n.strip().lower(): n for n in wb.sheetnames}
        ws = wb[names.get("units", wb.sheetnames[0])]
        rows = [tuple(_cell(v) for v in row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    head = next((i for i, row in enumerate(rows[:_HEADER_SCAN])
                 if sum(1 for v in row if v and column_for("units", v)) >= 2), None)
    if head is None:
        return None, [Problem.of("units_file.no_heading", path.name, "row 1")], {}
    columns = {j: column_for("units", v) or v.strip().lower()
               for j, v in enumerate(rows[head]) if v.strip()}
    data = [(r, row) for r, row in enumerate(rows[head + 1:], start=head + 2)
            if any(v.strip() for v in row)]
    table = pd.DataFrame({col: [row[j] if j < len(row) else "" for _, row in data]
                          for j, col in columns.items()}, dtype=object)
    table["_row"] = [r for r, _ in data]
    letters = {col: get_column_letter(j + 1) for j, col in columns.items()}
    return table, [], letters


def _canonical_types(types: pd.Series) -> pd.Series:
    """``Xã``, ``phường``, ``Thị trấn`` → ``xa``, ``phuong``, ``thi_tran``; others as typed."""
    folded = types.map(fold_key)
    return types.where(~folded.isin(UNIT_TYPES), folded)


def _check(path: Path, table: pd.DataFrame, letters: dict[str, str],
           problems: list[Problem]) -> list[Problem]:
    """The bundle checker of the units table, on the list (every problem at once); the
    warnings when there is no error."""
    from parindex.evidence.check_units import check_units
    from parindex.evidence.collect import Collector

    bundle = Bundle(path, 0, "", "", {"units": table}, {"units": path.name},
                    tuple(problems), {"units": letters} if letters else {})
    out = Collector(bundle)
    check_units(bundle, out)
    if any(p.severity == "error" for p in out.problems):
        raise EvidenceError(out.problems)
    return out.problems


def read_units_file(path: Path, unit: str | None = None) -> pd.DataFrame:
    """:func:`read_units`, without its warnings."""
    return read_units(path, unit)[0]


def read_units(path: Path, unit: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The units of ``path`` (text cells, NFC, trimmed, canonical types), only ``unit``'s
    row when given, and the warnings of reading it (a Windows-1258 file).

    Raises :class:`~parindex.errors.EvidenceError` for a missing or unreadable file, missing
    columns, a problem ``parindex check`` would find in a units table, or an unknown
    ``unit``."""
    if not path.is_file():
        raise EvidenceError([Problem.of("units_file.none", str(path))])
    letters: dict[str, str] = {}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table, problems, letters = _read_xlsx(path)
    else:
        table, problems = read_csv_file(path, "units")
    if table is None:
        raise EvidenceError(problems)
    lacking = [c for c in UNIT_COLUMNS if c not in table.columns]
    if lacking:
        raise EvidenceError([*problems, Problem.of(
            "units_file.columns", path.name, "row 1", columns=", ".join(lacking))])
    for col in [c for c in table.columns if c != "_row"]:
        table[col] = table[col].fillna("").astype(str).str.normalize("NFC").str.strip()
    table["type"] = _canonical_types(table["type"])
    warnings = _check(path, table, letters, problems)
    table = table.drop(columns="_row")
    if unit is not None:
        chosen = table[table["code"] == unit.strip()]
        if chosen.empty:
            raise EvidenceError([Problem.of("units_file.no_unit", path.name, field="code",
                                            value=unit, quoted=quote(unit))])
        table = chosen
    return table.reset_index(drop=True), warnings


__all__ = ["UNIT_COLUMNS", "read_units", "read_units_file"]
