"""A large sheet read by python-calamine in parts, side by side: calamine parses one sheet on
one core, so the sheet's rows are cut in two at a row's end, each part put in a workbook of
its own (in memory, with the workbook's other parts — shared strings, styles — as they are)
and parsed on a core of its own; the parts' cells are then joined into the rows calamine
gives for the whole sheet.

Only a sheet where every cell names its own place (:class:`~parindex.evidence.xlsx_reach.
Reach` ``regular``) is cut, so no cell moves; parts that overlap (rows written out of order)
are read again whole. The national evidence sheet (22 MB) is read in 0.30 s instead of 0.43.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from concurrent.futures import Executor, Future
from itertools import pairwise
from typing import Any

#: a sheet is read in parts from this size unpacked; below it the parts gain too little
PART_BYTES = 4 << 20
#: and up to this size (its bytes are held while the parts are made)
MAX_PART_BYTES = 96 << 20
#: the workbook's other parts larger than this are left out of the parts' workbooks
#: (pictures, embedded files: calamine reads none of them for a sheet's cells)
_COPY_BYTES = 16 << 20
_OPEN, _CLOSE, _ROW_END = b"<sheetData>", b"</sheetData>", b"</row>"

Rows = list[list[Any]]


def in_parts(size: int) -> int:
    """How many parts a sheet of ``size`` bytes unpacked is read in (1: whole)."""
    cores = os.cpu_count() or 1
    return 2 if cores >= 2 and PART_BYTES <= size <= MAX_PART_BYTES else 1


def cut(data: bytes, parts: int) -> list[bytes] | None:
    """The sheet's XML as ``parts`` sheets, each with the sheet's head and tail and a run
    of its rows; None when the rows cannot be cut at a row's end."""
    start, end = data.find(_OPEN), data.rfind(_CLOSE)
    if start < 0 or end < start:
        return None
    start += len(_OPEN)
    cuts = [start]
    for k in range(1, parts):
        at = data.find(_ROW_END, start + (end - start) * k // parts, end)
        if at < 0:
            return None
        cuts.append(at + len(_ROW_END))
    cuts.append(end)
    head, tail, view = data[:start], data[end:], memoryview(data)
    return [b"".join((head, view[a:b], tail)) for a, b in pairwise(cuts)]


def others(zf: zipfile.ZipFile, member: str) -> dict[str, bytes]:
    """The workbook's parts a part's workbook holds besides its sheet: all but the sheets
    and the large files."""
    return {info.filename: zf.read(info) for info in zf.infolist()
            if info.filename.lower() != member.lower()
            and not info.filename.lower().startswith("xl/worksheets/")
            and info.file_size <= _COPY_BYTES}


def workbook(parts: dict[str, bytes], member: str, sheet: bytes) -> bytes:
    """A workbook of ``parts`` and ``sheet`` as the part ``member`` (stored, not
    compressed: it is read once, at once)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
        out.writestr(member, sheet)
    return buf.getvalue()


def read_part(book: bytes, name: str) -> tuple[tuple[int, int] | None, Rows]:
    """One part's cells as calamine gives them, from its first cell (row and column from
    0), without the empty rows and columns before it."""
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_filelike(io.BytesIO(book)) as wb:
        sheet = wb.get_sheet_by_name(name)
        start = sheet.start
        rows: Rows = sheet.to_python(skip_empty_area=True)
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


def read_in_parts(pool: Executor, zf: zipfile.ZipFile, member: str, name: str, data: bytes,
                  whole: Callable[[], Rows]) -> Callable[[], Rows] | None:
    """Start reading the sheet ``name`` (``data``: its XML) in parts on ``pool``; the
    function that waits for them and joins them (``whole()`` when they overlap), or None
    when the sheet cannot be cut."""
    sheets = cut(data, in_parts(len(data)))
    if sheets is None or len(sheets) < 2:
        return None
    rest = others(zf, member)
    books = [workbook(rest, member, sheet) for sheet in sheets]
    del sheets
    futures: list[Future[tuple[tuple[int, int] | None, Rows]]] = [
        pool.submit(read_part, book, name) for book in books]

    def result() -> Rows:
        try:
            return joined([f.result() for f in futures])
        except Overlap:
            return whole()

    return result
