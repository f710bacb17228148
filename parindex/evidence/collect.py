"""What every table checker shares: the problem collector, columns as arrays, unit lookup.

Problems are collected, never raised one by one: a user sees every problem of a bundle at
once, each located by file, row, spreadsheet cell (workbooks) and column.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from parindex.errors import Problem, quote
from parindex.evidence.parse import clean, per_unique
from parindex.evidence.tables import Bundle
from parindex.words import t


def close_hint(value: str, known: list[str]) -> dict[str, str]:
    """The ``hint`` (and ``hint_vi``) facts of a code that is not known but close to one
    that is: "did you mean "A02"?"; none when nothing is close."""
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    if not close:
        return {}
    return {"hint": t("near.close", "en", close=quote(close[0])),
            "hint_vi": t("near.close", "vi", close=quote(close[0]))}


class Columns(dict[str, np.ndarray]):
    """A table's columns as arrays, taken on first use: a problem reads a few cells of a
    row, and a pandas ``.iloc`` per cell is slow when thousands of rows have one."""

    def __init__(self, df: pd.DataFrame):
        super().__init__()
        self.df = df

    def __missing__(self, column: str) -> np.ndarray:
        arr = self[column] = self.df[column].to_numpy(dtype=object)
        return arr


class Collector:
    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self.problems: list[Problem] = list(bundle.problems)

    def add(self, table: str, row: object, column: str | None, value: object,
            message: str = "", hint: str | None = None, severity: str = "error", *,
            code: str | None = None, **facts: object) -> None:
        """A problem at a cell: ``message`` as text, or a reason ``code`` (a words key) whose
        texts take ``facts`` and, when the cell has a value, ``{quoted}`` (the value as typed)."""
        if (table, row, column) in self.bundle.legacy_cells:
            return  # a cell in a legacy encoding is reported once, for its encoding
        where = f"row {row}" if row is not None else ""
        letter = self.bundle.letters.get(table, {}).get(column or "")
        if letter and row is not None:
            where += f" (cell {letter}{row})"
        if code is not None:
            if value is not None:
                facts["quoted"] = quote(value)
            line = None if row is None else int(str(row))
            self.problems.append(Problem.of(
                code, self.bundle.file(table), where, field=column, value=value,
                severity=severity, row=line, hint=hint,  # type: ignore[arg-type]
                **facts))  # type: ignore[arg-type]
            return
        msg = f"{quote(value)} {message}" if value is not None else message
        self.problems.append(Problem(self.bundle.file(table), where, msg, field=column,
                                     value=value, hint=hint, severity=severity))  # type: ignore[arg-type]


def unit_index(table: str, col: pd.Series, rows: pd.Series,
                index: dict[str, int], out: Collector) -> np.ndarray:
    u = col.map(index).to_numpy(dtype=float, na_value=np.nan, copy=True)
    known = list(index)
    bad = np.flatnonzero(np.isnan(u))
    row_at, code_at = rows.to_numpy()[bad], col.to_numpy(dtype=object)[bad]
    for row, code in zip(row_at, code_at, strict=True):
        out.add(table, row, "unit", code, code="unit.unknown", **close_hint(code, known))
    return np.where(np.isnan(u), -1, u).astype(np.intp)


def folded(cells: pd.Series) -> np.ndarray:
    """Cells cleaned and lower-cased, to compare."""
    return np.asarray(per_unique(cells, lambda u: clean(u).str.lower().to_numpy(dtype=object)))
