"""The units list a template is made for (``parindex template --units units.csv``).

Read and checked here rather than by the command line: the file must exist and carry the
columns ``code, name, type, group``; cells are NFC-normalised and trimmed, as bundle codes
are; ``unit=`` keeps one unit's row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parindex.errors import EvidenceError, Problem
from parindex.evidence.read_csv import read_csv_table

UNIT_COLUMNS = ("code", "name", "type", "group")


def read_units_file(path: Path, unit: str | None = None) -> pd.DataFrame:
    """The units of ``path`` (text cells, NFC, trimmed), only ``unit``'s row when given.

    Raises :class:`~parindex.errors.EvidenceError` for a missing file, missing columns or
    an unknown ``unit``."""
    if not path.is_file():
        raise EvidenceError([Problem(str(path), "", "no such units file")])
    table = read_csv_table(path)
    lacking = [c for c in UNIT_COLUMNS if c not in table.columns]
    if lacking:
        raise EvidenceError([Problem(path.name, "row 1", "missing column(s) "
                                     + ", ".join(lacking), hint="columns: code, name, type, "
                                     "group")])
    table = table.drop(columns="_row")
    for col in table.columns:
        table[col] = table[col].str.normalize("NFC").str.strip()
    if unit is not None:
        chosen = table[table["code"] == unit.strip()]
        if chosen.empty:
            raise EvidenceError([Problem(path.name, "", f"no unit with code {unit!r}",
                                         field="code", value=unit)])
        table = chosen
    return table


__all__ = ["UNIT_COLUMNS", "read_units_file"]
