"""What a workbook's XML says that the cell reader (python-calamine) does not: which cells
carry a percent number format, which formulas have no saved result, which cells hold an
error value (``#N/A``), and how far a sheet's cells reach.

The scan is direct, bounded and safe: each part is read from the zip in chunks, a part that
declares a DTD (the only place an entity can be defined, so the only way to an entity bomb)
is refused before any XML parser sees it, and a sheet is parsed (by the standard library's
streaming parser) only when cheap byte searches show it holds something to find. A workbook
written by parindex, or saved by a spreadsheet with no percent format, is only searched.

Cell positions are counted as openpyxl counts them (a cell's own ``r``, else the next
column of the current row), so the cells found are those the earlier reader saw.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CHUNK = 1 << 20
_OVERLAP = 64
_ELEMENT = re.compile(rb"<[A-Za-z_]")
#: built-in number formats with a percent sign (ECMA-376 §18.8.30): 0% and 0.00%
_BUILTIN_PERCENT = frozenset({9, 10})

Cell = tuple[int, int]  # (row, column), both from 1 as a spreadsheet numbers them


class DtdRefused(ElementTree.ParseError):
    """A part declares a DTD (entities): refused unparsed."""


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


def _chunks(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes in overlapping chunks (a match across a boundary is seen); a DTD
    (it can only come before the first element) is refused."""
    with zf.open(part) as fh:
        tail, prolog = b"", True
        while chunk := fh.read(_CHUNK):
            window = tail + chunk
            if prolog:
                first = _ELEMENT.search(window)
                prolog = first is None
                if b"<!DOCTYPE" in (window if first is None else window[:first.start()]):
                    raise DtdRefused(f"{part} declares a DTD (entities are not read)")
            yield window
            tail = chunk[-_OVERLAP:]


def _read(zf: zipfile.ZipFile, part: str) -> bytes:
    return b"".join(w[_OVERLAP:] if i else w for i, w in enumerate(_chunks(zf, part)))


def _parse(zf: zipfile.ZipFile, part: str) -> ElementTree.Element:
    return ElementTree.fromstring(_read(zf, part))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip (``xl/worksheets/sheet1.xml``), in workbook order."""
    book = _parse(zf, "xl/workbook.xml")
    rels = _parse(zf, "xl/_rels/workbook.xml.rels")
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out: dict[str, str] = {}
    for sheet in book.iter():
        if _local(sheet.tag) == "sheet":
            part = target.get(sheet.get(_REL), "")
            part = part.lstrip("/") if part.startswith("/") else f"xl/{part}"
            out[sheet.get("name", "")] = posixpath.normpath(part)
    return out


def percent_styles(zf: zipfile.ZipFile) -> frozenset[int]:
    """The cell style indexes (``s=`` of a cell) whose number format shows a percent sign,
    as openpyxl decides it: the format's code contains ``%``."""
    try:
        styles = _parse(zf, "xl/styles.xml")
    except KeyError:
        return frozenset()
    codes = {int(f.get("numFmtId", "-1")): f.get("formatCode", "")
             for f in styles.iter(f"{_MAIN}numFmt")}
    xfs = styles.find(f"{_MAIN}cellXfs")
    found = set()
    for i, xf in enumerate(xfs if xfs is not None else ()):
        fmt = int(xf.get("numFmtId", "0"))
        if "%" in codes.get(fmt, "") or (fmt not in codes and fmt in _BUILTIN_PERCENT):
            found.add(i)
    return frozenset(found)


# ---------------------------------------------------------------- the byte search

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_PLAIN_FORMULA = re.compile(rb"<f[\s>/]")  # a literal start: searched ten times faster
_ERROR = re.compile(rb"""t=["']e["']""")
_ROW = re.compile(rb"""row\s[^>]*?\br=["'](\d+)["']""")
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s+ref=["'][A-Z]*\d*:?[A-Z]*(\d+)["']""")
_PREFIXED = re.compile(rb"<\w+:worksheet\b")


def _far(row: int) -> re.Pattern[bytes]:
    """Cell references past column Z (column and row captured), and those in column A–Z
    whose row is above the bound that ``row``'s digits give: more digits, or as many with a
    larger first digit (98 → 99, 136162 → 199999). One regex, one pass."""
    digits = str(row)
    more = rf"\d{{{len(digits) + 1},}}"
    if digits[0] != "9":
        more += rf"|[{int(digits[0]) + 1}-9]\d{{{len(digits) - 1}}}"
    return re.compile(rb"""r=["'](?:([A-Z]{2,3})(\d+)|[A-Z](""" + more.encode()
                      + rb"""))["']""")


@dataclass
class _Search:
    """What the byte search of one sheet found: whether to parse it, and its extent."""

    parse: bool = False
    rows: int = 0
    columns: int = 26
    prefixed: bool = False  # the sheet's tags carry a namespace prefix (``<x:c>``)

    def reach(self, window: bytes, far: re.Pattern[bytes]) -> None:
        for m in far.finditer(window):
            if m[1]:
                self.columns = max(self.columns, column_number(m[1].decode()))
            self.rows = max(self.rows, int(m[2] or m[3]))


def _last_row(window: bytes) -> int:
    at = window.rfind(b"row ")
    while at > 0:
        m = _ROW.match(window, at)
        if m and window[at - 1:at] in (b"<", b":"):
            return int(m[1])
        at = window.rfind(b"row ", 0, at)
    return 0


def _search(zf: zipfile.ZipFile, part: str, percent: re.Pattern[bytes] | None) -> _Search:
    """One pass over the sheet's bytes: anything to parse, and how far its cells reach (the
    last row, unless a cell names a row beyond what the dimension or 9999 allow — only a
    damaged or hostile sheet does — and the furthest column past Z)."""
    found = _Search()
    far: re.Pattern[bytes] | None = None
    for window in _chunks(zf, part):
        if far is None:
            dim = _DIMENSION.search(window)
            far = _far(max(int(dim[1]) if dim else 0, 9999))
            found.prefixed = bool(_PREFIXED.search(window))
        found.parse = found.parse or _to_parse(window, percent, found.prefixed)
        found.reach(window, far)
        found.rows = max(found.rows, _last_row(window))
    if far is not None and _far(max(found.rows, 9999)).pattern != far.pattern:
        # the dimension claimed more rows than there are: look again for cells beyond the
        # last row, which the dimension's bound would have let through
        again = _far(max(found.rows, 9999))
        for window in _chunks(zf, part):
            found.reach(window, again)
    return found


def _to_parse(window: bytes, percent: re.Pattern[bytes] | None, prefixed: bool) -> bool:
    """Whether the window may hold a formula, an error value or a percent-formatted cell
    (a false alarm only costs a parse, which decides cell by cell)."""
    formula = _FORMULA if prefixed else _PLAIN_FORMULA
    return bool(formula.search(window) or _ERROR.search(window)
                or (percent is not None and percent.search(window)))


def column_number(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(n: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# ---------------------------------------------------------------- the parse


def scan_sheet(zf: zipfile.ZipFile, part: str, percent: frozenset[int]) -> SheetMarks:
    """Search one sheet's XML, and parse it when the search finds something to mark."""
    ids = b"|".join(str(i).encode() for i in sorted(percent))
    # any attribute ``s="9"`` (a row's style too: then the parse finds no percent cell)
    pattern = re.compile(rb"""s=["'](?:""" + ids + rb""")["']""") if percent else None
    found = _search(zf, part, pattern)
    marks = SheetMarks(rows=found.rows, columns=found.columns)
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
    for i, window in enumerate(_chunks(zf, part)):
        parser.feed(window[_OVERLAP:] if i else window)
        for event, item in cast(Iterator[tuple[str, Any]], parser.read_events()):
            elem = cast(ElementTree.Element, item)
            tag = _local(elem.tag)
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
        if _local(child.tag) == name:
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
