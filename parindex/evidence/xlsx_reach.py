"""How far a sheet's cells reach, as python-calamine will place them: the reader holds the
rectangle from A1 to the furthest cell, so a sheet reaching too far is refused before
calamine reads it (a two-kilobyte workbook can otherwise ask for hundreds of gigabytes).

calamine places a cell at its own ``r`` (``B7``: upper or lower case letters, then digits),
else at the next column of the current row; a row's ``r`` sets the current row, and each
row's end moves to the next. The reach is found in one of two ways:

- **regular sheets** — every cell tag is written ``<c r="…"`` with a reference of one to
  three letters and one to seven digits, no element name has a prefix ``x:``, and no
  comment, CDATA section or processing instruction follows the XML declaration: the
  furthest row and column are read off the references with numpy, window by window. Every
  spreadsheet and library in use writes its sheets so;
- **any other sheet** — it is parsed (the standard library's streaming parser) and each
  cell placed as calamine places it. Where the two parsers could differ (an empty ``<c/>``,
  which calamine skips), the count here only moves further, so the reach is never less
  than calamine's.

A reference calamine cannot read (``A1B``, ``$A$1``) makes the sheet damaged here, as it
would there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast
from xml.etree import ElementTree

import numpy as np

#: bytes after a window's tag start that its reference may use: ``<c r="`` + 3 letters +
#: 7 digits + the closing quote fit in 18
_REF_BYTES = 12
_TAG_BYTES = 6 + _REF_BYTES
_DELIMITERS = np.zeros(256, dtype=bool)
_DELIMITERS[[0x20, 0x09, 0x0A, 0x0D, 0x3E, 0x2F]] = True
_CELL_TAG, _PREFIXED_CELL, _PREFIXED_ROW = (int.from_bytes(b, "little")
                                            for b in (b"<c", b":c", b":r"))
_NAME_BYTES = re.compile(rb"[\w.-]*")
_R_DOUBLE, _R_SINGLE = (int.from_bytes(b, "little") for b in (b' r="', b" r='"))
_UPPER = np.zeros(256, dtype=bool)
_UPPER[0x41:0x5B] = True
_LETTER = np.zeros(256, dtype=bool)
_LETTER[0x41:0x5B] = _LETTER[0x61:0x7B] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[0x30:0x3A] = True
_AT = np.arange(_REF_BYTES)


@dataclass
class Reach:
    """The furthest row and column (from 1) a cell of the sheet reaches; ``regular``: the
    sheet is written as the fast reading needs (see the module docstring)."""

    rows: int = 0
    columns: int = 0
    regular: bool = True

    def add(self, row: int, column: int) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)


def window_reach(window: bytes, limit: int, first: bool, reach: Reach) -> None:
    """Read the references of the cell tags starting before ``limit`` in the window (the
    bytes after it are the next window's, but a tag starting before it is read whole from
    them); ``first``: the window begins the sheet, where the XML declaration ``<?xml`` may
    be. ``reach.regular`` turns false at anything the fast reading does not take."""
    a = np.frombuffer(window, dtype=np.uint8)
    if limit > len(window) - _TAG_BYTES:  # the sheet's last bytes: no room for a whole tag
        if window.find(b"<c", len(window) - _TAG_BYTES) >= 0:
            reach.regular = False
            return
        limit = max(0, len(window) - _TAG_BYTES)
    if _markup(window, a, limit, first) or _prefixed(a, limit):
        reach.regular = False
        return
    cells = _starts(a, limit, _CELL_TAG)
    cells = cells[_DELIMITERS[a[cells + 2]]]
    if not len(cells):
        return
    tags = np.lib.stride_tricks.sliding_window_view(a, _TAG_BYTES - 2)[cells + 2]
    head = tags[:, :4].copy().view("<u4").ravel()  # `` r="`` or `` r='``
    if not bool(((head == _R_DOUBLE) | (head == _R_SINGLE)).all()):
        reach.regular = False
        return
    refs, quote = tags[:, 4:], tags[:, 3]
    found = _references(refs, quote)
    if found is None:
        reach.regular = False
        return
    reach.add(*found)


def _starts(a: np.ndarray, limit: int, pair: int) -> np.ndarray:
    """Where the two bytes ``pair`` (little-endian) start before ``limit``, in no order:
    compared as 16-bit words at even and at odd offsets, which numpy does many times faster
    than two byte comparisons."""
    even = limit + limit % 2
    at_even = np.flatnonzero(a[:even].view("<u2") == pair) * 2
    at_odd = np.flatnonzero(a[1:even + 1].view("<u2") == pair) * 2 + 1
    both = np.concatenate((at_even, at_odd))
    return both[both < limit]


def _markup(window: bytes, a: np.ndarray, limit: int, first: bool) -> bool:
    """Whether a comment, CDATA section, DTD or processing instruction (``<!``, ``<?``)
    starts in the window, other than the XML declaration at the start of the sheet (after
    a byte-order mark or blanks at most)."""
    found = []
    for mark in (b"!", b"?"):
        if window.find(mark, 1, limit + 1) < 0:  # both are rare in a sheet: a quick search
            continue
        at = np.flatnonzero(a[1:limit + 1] == mark[0])
        found.append(at[a[at] == ord("<")])
    if not found:
        return False
    odd = np.sort(np.concatenate(found))
    if first and len(odd) and a[odd[0] + 1] == ord("?") \
            and not bytes(a[:odd[0]]).strip(b"\xef\xbb\xbf \t\r\n"):
        odd = odd[1:]
    return len(odd) > 0


def _prefixed(a: np.ndarray, limit: int) -> bool:
    """Whether a tag named ``prefix:c`` or ``prefix:row`` may start in the window (calamine
    reads a cell by its local name): a colon inside a tag's name, right after its ``<``."""
    c_tag = _starts(a, limit, _PREFIXED_CELL)
    row_tag = _starts(a, limit, _PREFIXED_ROW)
    c_tag = c_tag[_DELIMITERS[a[c_tag + 2]]]
    row_tag = row_tag[(a[row_tag + 2] == ord("o")) & (a[row_tag + 3] == ord("w"))
                      & _DELIMITERS[a[row_tag + 4]]]
    for at in np.concatenate((c_tag, row_tag)).tolist():
        name = bytes(a[max(0, at - 64):at])
        opened = name.rfind(b"<")
        if opened < 0 or _NAME_BYTES.fullmatch(name, opened + 1):
            return True
    return False


def _references(refs: np.ndarray, quote: np.ndarray) -> tuple[int, int] | None:
    """The furthest row and column of references such as ``AB123"`` (one row of bytes
    each); None when one is not letters, digits and the closing quote."""
    if bool(_UPPER[refs[:, 0]].all()) and not bool(_LETTER[refs[:, 1]].any()):
        return _in_a_to_z(refs, quote)
    letters = np.argmin(_LETTER[refs], axis=1)
    closing = refs == quote[:, None]
    end = np.argmax(closing, axis=1)
    digits = end - letters
    body = (letters[:, None] <= _AT) & (end[:, None] > _AT)
    if not (bool(closing.any(axis=1).all()) and bool(((letters >= 1) & (letters <= 3)).all())
            and bool(((digits >= 1) & (digits <= 7)).all())
            and not bool((body & ~_DIGIT[refs]).any())):
        return None
    return (_furthest(refs, letters, digits, decimal=True),
            _furthest(refs, 0 * letters, letters, decimal=False))


def _in_a_to_z(refs: np.ndarray, quote: np.ndarray) -> tuple[int, int] | None:
    """:func:`_references` where every column is one upper case letter (a sheet as wide as
    the alphabet or less), the quick way: the furthest row has the most digits, and among
    those the largest bytes, read as one big-endian number."""
    digits = refs[:, 1:9]
    count = np.argmin(_DIGIT[digits], axis=1)
    if not (bool((digits[np.arange(len(refs)), count] == quote).all())
            and bool(((count >= 1) & (count <= 7)).all())):
        return None
    most = int(count.max())
    packed = np.ascontiguousarray(digits[count == most]).view(">u8").ravel() >> (8 * (8 - most))
    row = int(packed.max()).to_bytes(8, "big")[8 - most:]
    return int(row), int(refs[:, 0].max()) - 0x40


def _furthest(refs: np.ndarray, first: np.ndarray, length: np.ndarray, decimal: bool) -> int:
    """The largest number written from byte ``first`` for ``length`` bytes of each row —
    decimal digits, or letters as a column is written (``A`` = 1, ``Z`` = 26, ``AA`` = 27,
    lower case as upper): only the longest can be the largest."""
    longest = int(length.max())
    pick = np.flatnonzero(length == longest)
    if decimal:
        at = int(first[pick[0]]) if bool((first[pick] == first[pick[0]]).all()) else -1
        if at < 0:  # digits after references of different lengths of letters
            return max(_furthest(refs[pick[first[pick] == k]], first[pick[first[pick] == k]],
                                 length[pick[first[pick] == k]], decimal)
                       for k in np.unique(first[pick]).tolist())
        values = refs[pick, at:at + longest].astype(np.int64) - 0x30
        return int((values @ (10 ** np.arange(longest - 1, -1, -1, dtype=np.int64))).max())
    values = (refs[pick, :longest] & 0xDF).astype(np.int64) - 0x40  # a → A; A → 1
    return int((values @ (26 ** np.arange(longest - 1, -1, -1, dtype=np.int64))).max())


# ---------------------------------------------------------------- any other sheet

_REF = re.compile(r"([A-Za-z]*)([0-9]*)")


class BadReference(ElementTree.ParseError):
    """A cell or row reference calamine cannot read: the sheet is damaged."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"a cell reference calamine cannot read: {ref!r}")
        self.ref = ref


def reference(ref: str, cell: bool) -> tuple[int, int]:
    """A reference as calamine reads it: (row, column) from 1 (column 0 for a row's ``r``);
    raises :class:`BadReference` (a damaged sheet) where calamine fails."""
    m = _REF.fullmatch(ref)
    if m is None or not m[2] or (cell and not m[1]):
        raise BadReference(ref)
    return int(m[2]), column_number(m[1].upper())


def column_number(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def parsed_reach(windows: Iterator[bytes], overlap: int) -> Reach:
    """The reach of a sheet, each cell placed as calamine places it (``windows``: the
    sheet's bytes, a window overlapping the one before by ``overlap`` bytes)."""
    parser: ElementTree.XMLPullParser[Any] = ElementTree.XMLPullParser(events=("start", "end"))
    reach = Reach(regular=False)
    row, column = 1, 1
    for i, window in enumerate(windows):
        parser.feed(window[overlap:] if i else window)
        for event, item in cast(Iterator[tuple[str, Any]], parser.read_events()):
            elem = cast(ElementTree.Element, item)
            tag = elem.tag.rsplit("}", 1)[-1]  # the local name, as calamine reads it
            if tag == "row" and event == "start" and elem.get("r") is not None:
                row = reference(elem.get("r", ""), cell=False)[0]
            elif tag == "row" and event == "end":
                row, column = row + 1, 1
                elem.clear()
            elif tag == "c" and event == "start":
                at = reference(elem.get("r", ""), cell=True) if elem.get("r") is not None \
                    else (row, column)
                reach.add(*at)
                column = at[1] + 1
            elif tag == "c":
                elem.clear()
    parser.close()
    return reach
