"""The tables of the Word papers (:mod:`parindex.report.docx_page`), for python-docx: fixed
column widths read by Word and LibreOffice alike (:func:`set_widths`), borderless layout
tables (:func:`borderless`), and bordered tables whose header rows repeat on every printed
page and whose rows never break across pages (:func:`add_table`), with headings over groups
of columns (:class:`Band`) when asked.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Row

#: the tables' text size (points)
TABLE_PT = 12


def borderless(table: Table, widths_mm: Sequence[float]) -> None:
    """A centred table without borders, of fixed widths (a layout, e.g. the heading block)."""
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar",
                                           *_AFTER_CELL_MARGINS)
    set_widths(table, widths_mm)


#: what follows w:tblCellMar in a table's properties (Word wants the schema's order)
_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
#: the space between a cell's border and its text, left and right (mm)
CELL_PAD_MM = 1.0


def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and every cell (Word does),
    and narrow cell padding (:data:`CELL_PAD_MM`) so that 12 pt numbers fit 16 mm."""
    table.autofit = False  # w:tblLayout fixed
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(CELL_PAD_MM / 25.4 * 1440)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.insert_element_before(margins, *_AFTER_CELL_MARGINS)
    for col, mm in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        col.w = Mm(mm)
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(mm)


def _row_flag(row: _Row, name: str) -> None:
    """A row property that is on (``w:tblHeader``, ``w:cantSplit``)."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(f"w:{name}")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


@dataclass(frozen=True)
class Column:
    """A table column: its heading, width (mm) and whether it holds numbers (right-aligned)."""

    heading: str
    width: float
    number: bool = False


@dataclass(frozen=True)
class Band:
    """A heading over several columns (a second heading row): its text, the first column's
    position and how many columns it spans."""

    heading: str
    first: int
    span: int


def add_table(doc: DocumentObject, columns: Sequence[Column], rows: Sequence[Sequence[str]],
              bold_rows: Sequence[bool] = (), bands: Sequence[Band] = ()) -> None:
    """A bordered table: the header row repeated on every page, rows kept whole, 12 pt. With
    ``bands`` the header has two rows: each band over its columns' own headings, and the
    columns outside the bands spanning both rows.

    The header rows are made with python-docx; each body row is a copy of a formatted model
    row with its texts filled in (python-docx's per-cell calls took 75 s for the 3,321
    communes of the national bench bundle)."""
    head = 2 if bands else 1
    table = doc.add_table(rows=head, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, [c.width for c in columns])
    for row in table.rows:
        _row_flag(row, "tblHeader")
        _row_flag(row, "cantSplit")
    if bands:
        _band_headings(table, columns, bands)
    else:
        _fill(table.rows[0], columns, [c.heading for c in columns], bold=True, header=True)
    models = {bold: _model_row(table, columns, bold) for bold in (False, True)}
    tbl = table._tbl
    for r, values in enumerate(rows):
        tr = copy.deepcopy(models[r < len(bold_rows) and bold_rows[r]])
        for text, value in zip(tr.iter(qn("w:t")), values, strict=True):
            text.text = value
        tbl.append(tr)


def _band_headings(table: Table, columns: Sequence[Column], bands: Sequence[Band]) -> None:
    """Two heading rows: the bands above their columns, other columns merged down."""
    top, bottom = table.rows[0].cells, table.rows[1].cells
    banded = {j for b in bands for j in range(b.first, b.first + b.span)}
    cells = [(bottom[j] if j in banded else top[j].merge(bottom[j]), c.heading)
             for j, c in enumerate(columns)]
    cells += [(top[b.first].merge(top[b.first + b.span - 1]), b.heading) for b in bands]
    for cell, text in cells:
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt(TABLE_PT)


def _fill(row: _Row, columns: Sequence[Column], values: Sequence[str], bold: bool,
          header: bool = False) -> None:
    for cell, column, value in zip(row.cells, columns, values, strict=True):
        p = cell.paragraphs[0]
        p.alignment = (WD_ALIGN_PARAGRAPH.CENTER if header else
                       WD_ALIGN_PARAGRAPH.RIGHT if column.number else WD_ALIGN_PARAGRAPH.LEFT)
        run = p.add_run(value)
        run.bold = bold
        run.font.size = Pt(TABLE_PT)


def _model_row(table: Table, columns: Sequence[Column], bold: bool) -> Any:
    """A formatted body row (taken out of the table again), its texts to be replaced."""
    row = table.add_row()  # type: ignore[no-untyped-call]
    _row_flag(row, "cantSplit")
    for cell, column in zip(row.cells, columns, strict=True):
        cell.width = Mm(column.width)
    _fill(row, columns, ["-"] * len(columns), bold)
    tr = row._tr
    for text in tr.iter(qn("w:t")):
        text.set(qn("xml:space"), "preserve")
    table._tbl.remove(tr)
    return tr


__all__ = ["TABLE_PT", "Band", "Column", "add_table", "borderless", "set_widths"]
