"""A large sheet read by python-calamine in parts, side by side: calamine parses one sheet on
one core, so the sheet's rows are cut in two at a row's end, each part put in a workbook of
its own (in memory, with the workbook's other parts — shared strings, styles — as they are)
and parsed on a core of its own; the parts' cells are then joined into the rows calamine
gives for the whole sheet.

The first part is handed to calamine as soon as the scan that must come before calamine
(:mod:`parindex.evidence.xlsx_reach`) has searched half the sheet, so that it is parsed
while the scan searches the rest. Only a sheet where every cell names its own place is cut,
so no cell moves; parts that overlap (rows written out of order) are read again whole.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

from parindex.evidence.xlsx_formats import Runs
from parindex.evidence.xlsx_reach import Reach

#: a sheet is read in parts from this size unpacked; below it the parts gain too little
PART_BYTES = 4 << 20
#: and up to this size (its bytes are held while the parts are made)
MAX_PART_BYTES = 96 << 20
#: folders of a workbook that calamine reads nothing from for a sheet's cells (pictures,
#: embedded files, charts): left out of the parts' workbooks. Everything else is copied
#: whatever its size — the shared strings above all, without which cells would be blank
_NOT_COPIED = ("xl/worksheets/", "xl/media/", "xl/embeddings/", "xl/drawings/",
               "xl/charts/", "xl/printersettings/", "xl/pivotcache/", "docprops/")
_OPEN, _CLOSE, _ROW_END = b"<sheetData>", b"</sheetData>", b"</row>"
_ROOT = re.compile(rb"<((?:[\w.-]+:)?worksheet)[\s>]")

Rows = list[list[Any]]


def in_parts(size: int) -> bool:
    """Whether a sheet of ``size`` bytes unpacked is read in two parts."""
    return (os.cpu_count() or 1) >= 2 and PART_BYTES <= size <= MAX_PART_BYTES


def cut(data: bytes) -> list[bytes] | None:
    """The sheet's XML as two sheets, each with the sheet's head and tail and half of its
    rows; None when the rows cannot be cut at a row's end."""
    start, end = data.find(_OPEN), data.rfind(_CLOSE)
    if start < 0 or end < start:
        return None
    start += len(_OPEN)
    at = data.find(_ROW_END, (start + end) // 2, end)
    if at < 0:
        return None
    at += len(_ROW_END)
    head, tail, view = data[:start], data[end:], memoryview(data)
    return [b"".join((head, view[start:at], tail)), b"".join((head, view[at:end], tail))]


def others(zf: zipfile.ZipFile, member: str) -> dict[str, bytes]:
    """The workbook's parts a part's workbook holds besides its sheet: all but the sheets
    and the folders calamine does not read for cells."""
    return {info.filename: zf.read(info) for info in zf.infolist()
            if info.filename.lower() != member.lower()
            and not info.filename.lower().startswith(_NOT_COPIED)}


def workbook(parts: dict[str, bytes], member: str, sheet: Runs) -> bytes:
    """A workbook of ``parts`` and ``sheet`` (its bytes in runs) as the part ``member``
    (stored, not compressed: it is read once, at once)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
        with out.open(member, "w") as fh:
            for run in sheet:
                fh.write(run)
    return buf.getvalue()


def read_part(parts: dict[str, bytes], member: str, sheet: Runs, name: str
              ) -> tuple[tuple[int, int] | None, Rows]:
    """One part's cells as calamine gives them, from its first cell (row and column from
    0), without the empty rows and columns before it (the part's workbook is made here, in
    the thread that reads it)."""
    from python_calamine import CalamineWorkbook

    book = workbook(parts, member, sheet)
    with CalamineWorkbook.from_filelike(io.BytesIO(book)) as wb:
        read = wb.get_sheet_by_name(name)
        start = read.start
        rows: Rows = read.to_python(skip_empty_area=True)
    return (None if start is None else (int(start[0]), int(start[1]))), rows


class Overlap(Exception):
    """The parts' rows overlap (a sheet's rows written out of order)."""


def joined(parts: list[tuple[tuple[int, int] | None, Rows]]) -> Rows:
    """The parts' cells as calamine gives the whole sheet's (``skip_empty_area=False``):
    rows from row 1 and columns from A, each row as wide as the widest, ``""`` where blank."""
    width = max((c + len(rows[0]) for at, rows in parts if at is not None and rows
                 for c in (at[1],)), default=0)
    out: Rows = []
    for at, rows in parts:
        if at is None or not rows:
            continue
        first, column = at
        if first < len(out):
            raise Overlap
        out.extend([""] * width for _ in range(first - len(out)))
        if column == 0 and len(rows[0]) == width:
            out.extend(rows)
        else:
            out.extend([*[""] * column, *row, *[""] * (width - column - len(row))]
                       for row in rows)
    return out


class Parts:
    """A large sheet read in two parts: the first is handed to calamine as soon as the scan
    has searched half the sheet (:data:`~parindex.evidence.xlsx_formats.Halfway`), so that
    it is parsed while the scan searches the rest; the second once the scan is done."""

    def __init__(self, pool: Executor, zf: zipfile.ZipFile, member: str, name: str,
                 limit: int) -> None:
        self.pool, self.zf, self.member, self.name, self.limit = pool, zf, member, name, limit
        self.head = b""
        self.futures: list[Future[tuple[tuple[int, int] | None, Rows]]] = []
        self._others: dict[str, bytes] | None = None

    def _submit(self, sheet: Runs) -> None:
        if self._others is None:
            self._others = others(self.zf, self.member)
        self.futures.append(self.pool.submit(read_part, self._others, self.member, sheet,
                                             self.name))

    def first(self, runs: Runs, cut: int, reach: Reach) -> bool:
        """Start reading the sheet's first ``cut`` bytes (``runs``; the cells of ``reach``,
        which must be few enough to hold) as a sheet of its own; whether it was."""
        start = bytes(runs[0][:1 << 16])  # the head: before the first row
        opened = start.find(_OPEN)
        root = _ROOT.search(start, 0, max(opened, 0))
        if reach.rows * reach.columns > self.limit or opened < 0 \
                or opened + len(_OPEN) > cut or root is None:
            return False
        self.head = start[:opened + len(_OPEN)]
        self._submit([*runs, _CLOSE, b"</", root[1], b">"])
        return True

    def rest(self, runs: list[bytes], whole: Callable[[], Rows]
             ) -> Callable[[], Rows] | None:
        """Start reading the rest (``runs``: the bytes after the first part's, or the whole
        sheet when no first part was started); the function that waits for the parts and
        joins them (``whole()`` when they overlap), or None when the sheet is not cut."""
        if self.futures:
            self._submit([self.head, *runs])
        else:
            sheets = cut(b"".join(runs))
            if sheets is None:
                return None
            for sheet in sheets:
                self._submit([sheet])
        futures = self.futures

        def result() -> Rows:
            try:
                return joined([f.result() for f in futures])
            except Overlap:
                return whole()

        return result
