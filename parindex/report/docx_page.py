"""The official paper a decision's annex is printed on, for python-docx.

What Nghị định 30/2020/NĐ-CP asks of an administrative document, as far as an annex needs
it: A4 landscape (the tables are wide) with margins top and bottom 20 mm, left 30 mm, right
15 mm; Times New Roman, 13 pt text, 12 pt tables; the issuing body top left and the national
motto top right (:func:`heading_block`); a title; tables whose header rows repeat on every
printed page and whose rows never break across pages (:func:`add_table`, with headings over
groups of columns as :class:`Band`; from :mod:`parindex.report.docx_table`, exported here
too); the signature block bottom right (:func:`signature_block`).

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

import io
import re
import unicodedata

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from parindex.report.docx_table import (
    TABLE_PT,
    Band,
    Column,
    add_table,
    borderless,
    set_widths,
)
from parindex.words import t

FONT = "Times New Roman"
TEXT_PT = 13
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


def heading_block(doc: DocumentObject, authority: str, lang: str) -> None:
    """Issuing body top left, the national motto top right (no borders)."""
    parent, body = issuing_body(authority)
    table = doc.add_table(rows=1, cols=2)
    borderless(table, (TEXT_WIDTH_MM * 0.42, TEXT_WIDTH_MM * 0.58))
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
    borderless(table, (TEXT_WIDTH_MM * 0.5, TEXT_WIDTH_MM * 0.5))
    cell = table.rows[0].cells[1]
    for text in (on_behalf, title):
        if text:
            paragraph(cell, text, bold=True, size=TEXT_PT)
    paragraph(cell, t("docx.sign_note", lang), italic=True, size=TABLE_PT, after=60)
    paragraph(cell, "……………………………", size=TEXT_PT)
    _drop_first(cell)


__all__ = ["FONT", "MARGINS_MM", "PAGE_MM", "TABLE_PT", "TEXT_WIDTH_MM", "Band", "Column",
           "add_table", "clean", "document_bytes", "heading_block", "issuing_body",
           "new_document", "paragraph", "set_widths", "signature_block", "signer"]
