"""The evidence rows of a template: one per unit and leaf, 136,161 for the whole country.

XlsxWriter's cell calls cost some 10 µs each, and the evidence sheet of the country has a
million cells; but every row of one leaf shows the same texts, so its XML is worked out
once per leaf (escaped, styled) and each row costs one string join. The rows go into the
sheet's row file of XlsxWriter's constant-memory mode, between the heading row and the
signature block, exactly as XlsxWriter writes inline-string rows. Should XlsxWriter's
internals ever change, :func:`write_rows` falls back to its public cell calls (same cells,
slower); ``tests/test_template_fast.py`` checks both paths give the same sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parindex.evidence.template_leaves import EVIDENCE_COLUMNS, LINE_HEIGHT, LeafRow

#: characters XML 1.0 forbids, written as Excel's ``_xHHHH_`` escapes (as XlsxWriter does)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SEP = "\x00"  # where a row number goes in a row's prepared XML (never in escaped text)


def _xml(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _text_cell(col: str, style: int, text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return (f'<c r="{col}{_SEP}" s="{style}" t="inlineStr"><is><t{space}>{_xml(text)}</t>'
            "</is></c>")


def _name_lines(name: str) -> int:
    return len(name) // max(int(EVIDENCE_COLUMNS["unit_name"]) - 2, 4) + 1


def _row_cells(lr: LeafRow) -> list[tuple[str, str]]:
    """The structure cells of a leaf's rows after the unit's two: (kind, value)."""
    return [("wrap", lr.area), ("text", lr.code), ("wrap", lr.name), ("num", f"{lr.max:.16G}"),
            ("wrap", lr.rule), ("wrap", lr.enter)]


def fast_path(ws: Any) -> bool:
    """Whether this XlsxWriter worksheet takes prepared rows (constant-memory mode, and
    the internals :func:`_prepared` relies on present)."""
    return bool(getattr(ws, "constant_memory", False)) and all(
        hasattr(ws, name) for name in ("row_data_fh", "_write_single_row", "_check_dimensions",
                                       "previous_row", "table"))


def write_rows(ws: Any, units: Iterator[tuple[str, str]], rows: list[LeafRow], first: int,
               fmt: dict[str, Any]) -> int:
    """The unit × leaf rows from row ``first`` (0-based); returns the row after the last."""
    if fast_path(ws):
        return _prepared(ws, units, rows, first, fmt)
    return _cell_by_cell(ws, units, rows, first, fmt)


def _prepared(ws: Any, units: Iterator[tuple[str, str]], rows: list[LeafRow], first: int,
              fmt: dict[str, Any]) -> int:
    style = {k: fmt[k]._get_xf_index() for k in ("text", "wrap", "num")}
    letters = "CDEFGH"
    pieces = []
    for lr in rows:
        xml = "".join(_text_cell(letters[j], style[kind], value) if kind != "num" else
                      f'<c r="{letters[j]}{_SEP}" s="{style[kind]}"><v>{value}</v></c>'
                      for j, (kind, value) in enumerate(_row_cells(lr)))
        pieces.append((lr.lines, xml.split(_SEP)))
    ws._write_single_row(first)  # out with the heading row; ours start at `first`
    write = ws.row_data_fh.write
    r = first
    for code, name in units:
        head = _text_cell("A", style["text"], code) + _text_cell("B", style["wrap"], name)
        a, b, rest = head.split(_SEP)
        name_lines = _name_lines(name)
        for lines, leaf_xml in pieces:
            n = str(r + 1)
            height = LINE_HEIGHT * max(lines, name_lines) + 3
            write(f'<row r="{n}" ht="{height:g}" customHeight="1">{a}{n}{b}{n}{rest}'
                  f"{n.join(leaf_xml)}</row>")
            r += 1
    if r > first:
        ws._check_dimensions(r - 1, len(EVIDENCE_COLUMNS) - 1)
    ws.previous_row = r
    return r


def _cell_by_cell(ws: Any, units: Iterator[tuple[str, str]], rows: list[LeafRow], first: int,
                  fmt: dict[str, Any]) -> int:
    r = first
    for code, name in units:
        name_lines = _name_lines(name)
        for lr in rows:
            ws.write_string(r, 0, code, fmt["text"])
            ws.write_string(r, 1, name, fmt["wrap"])
            for j, (kind, value) in enumerate(_row_cells(lr), start=2):
                if kind == "num":
                    ws.write_number(r, j, lr.max, fmt["num"])
                else:
                    ws.write_string(r, j, value, fmt[kind])
            ws.set_row(r, LINE_HEIGHT * max(lr.lines, name_lines) + 3)
            r += 1
    return r
