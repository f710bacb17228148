"""Cells of an edition workbook as the reader sees them, and what it found in them: every
problem, placed by sheet and cell, and the cell each value of the edition came from."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from parindex.criteria.paths import Path_
from parindex.criteria.rule_text import parse_number
from parindex.errors import Problem, Severity, quote

Rows = list[tuple[Any, ...]]


def column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


def cell_text(value: object) -> str | None:
    """A cell as text: NFC, trimmed, blank as None; a whole float without its ``.0``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%m-%d")  # a calendar date Excel turned into a date
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


class Found:
    """One workbook's problems and the cell of every value read (by its edition path)."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.cells: dict[Path_, str] = {}

    def problem(self, code: str, where: str, *, value: object = None,
                severity: Severity = "error", **facts: Any) -> None:
        self.problems.append(Problem.of(code, self.file, where, value=value,
                                        severity=severity, **facts))

    def number(self, value: object, where: str, path: Path_) -> float | None:
        """A number cell (a decimal comma or dot in text), else a problem."""
        self.cells[path] = where
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        text = cell_text(value)
        try:
            if text is None or isinstance(value, bool):
                raise ValueError(text)
            return parse_number(text)
        except ValueError:
            self.problem("critbook.number", where, value=text, quoted=quote(text))
            return None


__all__ = ["Found", "Rows", "cell_text", "column_letter"]
