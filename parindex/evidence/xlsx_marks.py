"""Which cells of a sheet carry a percent number format, which formulas have no saved
result and which cells hold an error value (``#N/A``): found by parsing the sheet XML with
the standard library's streaming parser (a DTD refused unread), only when the byte search
of :mod:`parindex.evidence.xlsx_formats` shows the sheet holds any.

Cell positions are counted as openpyxl counts them (a cell's own ``r``, else the next
column of the current row), so the cells found are those the earlier reader saw.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, cast
from xml.etree import ElementTree

from parindex.evidence.xlsx_formats import (
    OVERLAP,
    Halfway,
    chunks,
    local_name,
    search_sheet,
)
from parindex.evidence.xlsx_reach import column_number

Cell = tuple[int, int]  # (row, column), both from 1 as a spreadsheet numbers them


@dataclass
class SheetMarks:
    """What the scan of one sheet found (cells as (row, column), from 1)."""

    percent: set[Cell] = field(default_factory=set)
    errors: dict[Cell, str] = field(default_factory=dict)
    #: formula cells with no saved result → the formula as openpyxl gives it (``=50+50``)
    unsaved: dict[Cell, str] = field(default_factory=dict)
    #: the furthest row and column any cell names (to refuse a sheet too large to hold)
    rows: int = 0
    columns: int = 0
    #: every cell names its place; with a ``halfway``, the sheet's bytes it did not take
    regular: bool = True
    data: list[bytes] | None = None


def scan_sheet(zf: zipfile.ZipFile, part: str, percent: frozenset[int],
               halfway: Halfway | None = None) -> SheetMarks:
    """Search one sheet's XML, and parse it when the search finds something to mark
    (``halfway``: see :func:`~parindex.evidence.xlsx_formats.search_sheet`)."""
    ids = b"|".join(str(i).encode() for i in sorted(percent))
    # any attribute ``s="9"`` (a row's style too: then the parse finds no percent cell)
    pattern = re.compile(rb"""s=["'](?:""" + ids + rb""")["']""") if percent else None
    found = search_sheet(zf, part, pattern, halfway)
    marks = SheetMarks(rows=found.rows, columns=found.columns, regular=found.regular,
                       data=found.data)
    if found.parse:
        _parse_cells(zf, part, percent, marks)
    return marks


class _Counter:
    """openpyxl's way of placing cells: a row's ``r`` or the next row; a cell's ``r`` or
    the next column."""

    def __init__(self) -> None:
        self.row = 0
        self.column = 0

    def next_row(self, r: str | None) -> None:
        self.row = int(float(r)) if r else self.row + 1
        self.column = 0

    def place(self, ref: str | None) -> Cell:
        if ref:
            m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
            if m:
                self.column = column_number(m[1].upper())
                return int(m[2]), self.column
        self.column += 1
        return self.row, self.column


def _parse_cells(zf: zipfile.ZipFile, part: str, percent: frozenset[int],
                 marks: SheetMarks) -> None:
    parser: ElementTree.XMLPullParser[Any] = ElementTree.XMLPullParser(events=("start", "end"))
    at = _Counter()
    shared: dict[str, object] = {}
    with closing(chunks(zf, part)) as windows:  # closed at once if parsing stops early
        for i, window in enumerate(windows):
            parser.feed(window[OVERLAP:] if i else window)
            for event, item in cast(Iterator[tuple[str, Any]], parser.read_events()):
                elem = cast(ElementTree.Element, item)
                tag = local_name(elem.tag)
                if event == "start" and tag == "row":
                    at.next_row(elem.get("r"))
                elif event == "end" and tag == "c":
                    _mark(elem, at.place(elem.get("r")), percent, shared, marks)
                    elem.clear()
                elif event == "end" and tag == "row":
                    elem.clear()
        parser.close()


def _mark(cell: ElementTree.Element, where: Cell, percent: frozenset[int],
          shared: dict[str, object], marks: SheetMarks) -> None:
    kind = cell.get("t", "n")
    style = cell.get("s")
    if style and style.isdigit() and int(style) in percent:
        marks.percent.add(where)
    value = None if kind == "inlineStr" else (_child_text(cell, "v") or None)
    if kind == "e" and value is not None:
        marks.errors[where] = value
    formula = _child(cell, "f")
    if formula is None:
        return
    text = _formula(formula, cell.get("r"), shared)
    if value is None and text is not None and (kind != "inlineStr" or _child(cell, "is") is None):
        marks.unsaved[where] = text


def _child(elem: ElementTree.Element, name: str) -> ElementTree.Element | None:
    for child in elem:
        if local_name(child.tag) == name:
            return child
    return None


def _child_text(elem: ElementTree.Element, name: str) -> str | None:
    child = _child(elem, name)
    return None if child is None else (child.text or "")


def _formula(formula: ElementTree.Element, ref: str | None,
             shared: dict[str, object]) -> str | None:
    """The formula as openpyxl reads it; None for an array or data-table formula (openpyxl
    gives those as objects, never as text, so they were never named)."""
    kind = formula.get("t")
    text = "=" + (formula.text or "")
    if kind in ("array", "dataTable"):
        return None
    if kind == "shared":
        from openpyxl.formula.translate import Translator

        idx = formula.get("si", "")
        if idx in shared:
            translated: str = shared[idx].translate_formula(ref)  # type: ignore[attr-defined]
            return translated
        if text != "=":
            shared[idx] = Translator(text, ref)
    return text
