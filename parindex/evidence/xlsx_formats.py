"""Reading a workbook's XML directly, for what the cell reader (python-calamine) does not
say: the map of sheets, which cell styles show a percent, and a byte search of each sheet
for how far its cells reach and whether it holds anything to mark
(:mod:`parindex.evidence.xlsx_marks` parses those).

The scan is direct, bounded and safe: each part is read from the zip in chunks, a part that
declares a DTD (the only place an entity can be defined, so the only way to an entity bomb)
is refused before any XML parser sees it, and a sheet is parsed (by the standard library's
streaming parser) only when cheap byte searches show it holds something to find. A workbook
written by parindex, or saved by a spreadsheet with no percent format, is only searched.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from xml.etree import ElementTree

from parindex.evidence.xlsx_reach import Reach, parsed_reach, window_reach

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CHUNK = 1 << 20
OVERLAP = 64
_ELEMENT = re.compile(rb"<[A-Za-z_]")
#: built-in number formats with a percent sign (ECMA-376 §18.8.30): 0% and 0.00%
_BUILTIN_PERCENT = frozenset({9, 10})



class DtdRefused(ElementTree.ParseError):
    """A part declares a DTD (entities): refused unparsed."""


def chunks(zf: zipfile.ZipFile, part: str) -> Generator[bytes, None, None]:
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
            tail = chunk[-OVERLAP:]


def _read(zf: zipfile.ZipFile, part: str) -> bytes:
    return b"".join(w[OVERLAP:] if i else w for i, w in enumerate(chunks(zf, part)))


def _parse(zf: zipfile.ZipFile, part: str) -> ElementTree.Element:
    return ElementTree.fromstring(_read(zf, part))


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip (``xl/worksheets/sheet1.xml``), in workbook order."""
    book = _parse(zf, "xl/workbook.xml")
    rels = _parse(zf, "xl/_rels/workbook.xml.rels")
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out: dict[str, str] = {}
    for sheet in book.iter():
        if local_name(sheet.tag) == "sheet":
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
_PREFIXED = re.compile(rb"<\w+:worksheet\b")


@dataclass
class Search:
    """What the byte search of one sheet found: whether to parse it, and how far its cells
    reach (:mod:`parindex.evidence.xlsx_reach`)."""

    parse: bool = False
    rows: int = 0
    columns: int = 0
    prefixed: bool = False  # the sheet's tags carry a namespace prefix (``<x:c>``)
    regular: bool = True  # every cell names its place (:class:`Reach`)
    #: the sheet's bytes from ``cut`` on, when a ``halfway`` was given (see search_sheet)
    data: list[bytes] | None = None
    cut: int = 0


#: the sheet's bytes in runs, as read (joined only where a whole is needed)
Runs = list[bytes | memoryview]
#: told the sheet's bytes up to a place to cut them (after a row's end), and the reach of
#: every cell before it; returns whether it took them
Halfway = Callable[[Runs, int, Reach], bool]


def search_sheet(zf: zipfile.ZipFile, part: str, percent: re.Pattern[bytes] | None,
                 halfway: Halfway | None = None) -> Search:
    """One pass over the sheet's bytes: anything to parse, and how far its cells reach
    (read off the cell references; a sheet not written as that needs is parsed).

    With ``halfway``, the bytes are kept, and once half of them are searched it is offered
    them, to start reading them while the rest is searched; the bytes it takes are not kept
    any longer (``data`` holds those from ``cut`` on)."""
    found = Search()
    reach = Reach()
    size = zf.getinfo(part).file_size
    half = size // 2 if halfway is not None else None
    last: bytes | None = None
    kept: list[bytes] = []
    held = 0  # where the kept bytes end in the sheet
    i = 0
    # closed at once when reading stops early (a damaged sheet), not when collected
    with closing(chunks(zf, part)) as windows:
        for i, window in enumerate(windows):
            if i == 0:
                found.prefixed = bool(_PREFIXED.search(window))
            found.parse = found.parse or _to_parse(window, percent, found.prefixed)
            if last is not None and reach.regular:
                window_reach(last, len(last) - OVERLAP, i == 1, reach)
                if half is not None and halfway is not None and held - OVERLAP >= half:
                    kept, found.cut = _offer(kept, held - OVERLAP, reach, halfway)
                    half = None
            if halfway is not None:
                kept.append(window[OVERLAP:] if i else window)
                held += len(kept[-1])
            last = window
    if last is not None and reach.regular:
        window_reach(last, len(last), i == 0, reach)
    if not reach.regular:
        with closing(chunks(zf, part)) as windows:
            reach = parsed_reach(windows, OVERLAP)
    found.rows, found.columns, found.regular = reach.rows, reach.columns, reach.regular
    found.data = kept if halfway is not None else None
    return found


def _offer(kept: list[bytes], searched: int, reach: Reach, halfway: Halfway
           ) -> tuple[list[bytes], int]:
    """Offer the bytes kept so far, cut after the last row's end whose cells are all
    searched (``searched`` bytes into the runs); the runs still to keep, and how many bytes
    were taken."""
    end = sum(len(run) for run in kept)
    for k in range(len(kept) - 1, -1, -1):
        start = end - len(kept[k])
        end = start
        if start >= searched:
            continue
        at = kept[k].rfind(b"</row>", 0, searched - start)
        if at < 0:
            continue
        at += len(b"</row>")
        if not halfway([*kept[:k], memoryview(kept[k])[:at]], start + at, reach):
            return kept, 0
        return [kept[k][at:], *kept[k + 1:]], start + at
    return kept, 0


def _to_parse(window: bytes, percent: re.Pattern[bytes] | None, prefixed: bool) -> bool:
    """Whether the window may hold a formula, an error value or a percent-formatted cell
    (a false alarm only costs a parse, which decides cell by cell)."""
    formula = _FORMULA if prefixed else _PLAIN_FORMULA
    return bool(formula.search(window) or _ERROR.search(window)
                or (percent is not None and percent.search(window)))


def column_letter(n: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out
