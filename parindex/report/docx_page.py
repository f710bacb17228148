"""The official paper a decision's annex is printed on, for python-docx.

What Nghị định 30/2020/NĐ-CP asks of an administrative document, as far as an annex needs
it: A4 landscape (the tables are wide) with margins top and bottom 20 mm, left 30 mm, right
15 mm; Times New Roman, 13 pt text, 12 pt tables; the issuing body top left and the national
motto top right (:func:`heading_block`); a title; tables whose header row repeats on every
printed page and whose rows never break across pages (:func:`add_table`); the signature
block bottom right (:func:`signature_block`).

**The issuing body** is worded from the bundle's ``authority`` (:func:`issuing_body`): a
department of a people's committee written "Sở Nội vụ tỉnh Sơn Ngọc" or "Phòng Nội vụ huyện
Sông Mây" becomes two lines, the governing committee above ("UBND TỈNH SƠN NGỌC") and the
department in bold ("SỞ NỘI VỤ"), as decisions print them; anything else (a committee itself,
"UBND huyện Sông Mây") is one bold line. Both are in capitals. A blank authority leaves a
dotted line to fill by hand. The signature block's title follows the same reading: a
committee signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", a Sở "GIÁM ĐỐC", a Phòng "TRƯỞNG PHÒNG",
anyone else "THỦ TRƯỞNG CƠ QUAN".

User texts (unit, group and criterion names, evidence) pass through :func:`clean`: NFC, and
without the control characters an XML document cannot hold, so the file always opens.
"""

from __future__ import annotations

import copy
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell, _Row

from parindex.words import t

FONT = "Times New Roman"
TEXT_PT, TABLE_PT = 13, 12
#: A4 landscape and the margins of Nghị định 30/2020 (mm)
PAGE_MM = (297, 210)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
#: the width a table may take (mm)
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_DEPARTMENT = re.compile(r"^(?P<dept>(?:sở|phòng|ban)\s.+?)\s+(?P<level>tỉnh|thành phố|huyện|"
                         r"quận|thị xã)\s+(?P<place>.+)$", re.IGNORECASE)
_COMMITTEE = re.compile(r"^(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\b", re.IGNORECASE)


def clean(text: object) -> str:
    """User text fit for the document: NFC, control characters removed, tabs and line breaks
    as spaces.

    >>> clean("Xã\\x07 An\\tBình\\x00")
    'Xã An Bình'
    """
    value = "" if text is None else str(text)
    value = unicodedata.normalize("NFC", _CONTROL.sub("", value))
    return re.sub(r"[\t\r\n]+", " ", value)


def issuing_body(authority: str) -> tuple[str, str]:
    """(governing body, issuing body) in capitals; the first is "" when there is none.

    >>> issuing_body("Sở Nội vụ tỉnh Sơn Ngọc")
    ('UBND TỈNH SƠN NGỌC', 'SỞ NỘI VỤ')
    >>> issuing_body("Ủy ban nhân dân huyện Sông Mây")
    ('', 'ỦY BAN NHÂN DÂN HUYỆN SÔNG MÂY')
    """
    text = clean(authority).strip()
    found = _DEPARTMENT.match(text)
    if found is None:
        return "", text.upper()
    parent = f"UBND {found['level']} {found['place']}"
    return parent.upper(), found["dept"].upper()


def signer(authority: str, lang: str) -> tuple[str, str]:
    """(the "for" line, the signer's title) for the signature block (module docstring)."""
    body = issuing_body(authority)[1]
    if _COMMITTEE.match(body):
        return t("docx.sign_for_committee", lang), t("docx.sign_chair", lang)
    kinds = (("SỞ ", "docx.sign_director"), ("PHÒNG ", "docx.sign_head_office"))
    key = next((k for prefix, k in kinds if body.startswith(prefix)), "docx.sign_head")
    return "", t(key, lang)


def new_document() -> DocumentObject:
    """An empty A4 landscape document: margins, Times New Roman 13 pt."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(TEXT_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    return doc


def document_bytes(doc: DocumentObject) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def paragraph(target: DocumentObject | _Cell, text: str, *, bold: bool = False,
              italic: bool = False, size: float | None = None, center: bool = True,
              after: float = 0) -> None:
    """One paragraph of one run, centred unless told."""
    p = target.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.space_after = Pt(after)
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = Pt(size)


def _borderless(table: Table, widths_mm: Sequence[float]) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar",
                                           *_AFTER_CELL_MARGINS)
    set_widths(table, widths_mm)


def heading_block(doc: DocumentObject, authority: str, lang: str) -> None:
    """Issuing body top left, the national motto top right (no borders)."""
    parent, body = issuing_body(authority)
    table = doc.add_table(rows=1, cols=2)
    _borderless(table, (TEXT_WIDTH_MM * 0.42, TEXT_WIDTH_MM * 0.58))
    left, right = table.rows[0].cells
    if parent:
        paragraph(left, parent, size=TABLE_PT)
    paragraph(left, body or t("docx.blank_body", lang), bold=True, size=TABLE_PT)
    paragraph(left, "———", size=TABLE_PT)
    paragraph(right, t("docx.motto_state", lang), bold=True, size=TABLE_PT)
    paragraph(right, t("docx.motto", lang), bold=True, size=TEXT_PT)
    paragraph(right, "———————", size=TABLE_PT)
    _drop_first(left)
    _drop_first(right)


def _drop_first(cell: _Cell) -> None:
    """A new cell's empty first paragraph goes (the text was added after it)."""
    first = cell.paragraphs[0]._element
    first.getparent().remove(first)


def signature_block(doc: DocumentObject, authority: str, lang: str) -> None:
    """Bottom right: who signs for the body, the signer's title, room for the signature."""
    on_behalf, title = signer(authority, lang)
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _borderless(table, (TEXT_WIDTH_MM * 0.5, TEXT_WIDTH_MM * 0.5))
    cell = table.rows[0].cells[1]
    for text in (on_behalf, title):
        if text:
            paragraph(cell, text, bold=True, size=TEXT_PT)
    paragraph(cell, t("docx.sign_note", lang), italic=True, size=TABLE_PT, after=60)
    paragraph(cell, "……………………………", size=TEXT_PT)
    _drop_first(cell)


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


def add_table(doc: DocumentObject, columns: Sequence[Column], rows: Sequence[Sequence[str]],
              bold_rows: Sequence[bool] = ()) -> None:
    """A bordered table: the header row repeated on every page, rows kept whole, 12 pt.

    The header row is made with python-docx; each body row is a copy of a formatted model
    row with its texts filled in (python-docx's per-cell calls took 75 s for the 3,321
    communes of the national bench bundle)."""
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, [c.width for c in columns])
    _row_flag(table.rows[0], "tblHeader")
    _row_flag(table.rows[0], "cantSplit")
    _fill(table.rows[0], columns, [c.heading for c in columns], bold=True, header=True)
    models = {bold: _model_row(table, columns, bold) for bold in (False, True)}
    tbl = table._tbl
    for r, values in enumerate(rows):
        tr = copy.deepcopy(models[r < len(bold_rows) and bold_rows[r]])
        for text, value in zip(tr.iter(qn("w:t")), values, strict=True):
            text.text = value
        tbl.append(tr)


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


__all__ = ["FONT", "MARGINS_MM", "PAGE_MM", "TEXT_WIDTH_MM", "Column", "add_table", "clean",
           "document_bytes", "heading_block", "issuing_body", "new_document", "paragraph",
           "set_widths", "signature_block", "signer"]
