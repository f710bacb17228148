"""The periodic report's papers as Word documents, on :mod:`parindex.report.docx_page`'s paper.

- :func:`annex_docx` — ``parindex one-stop --format docx``: the one-stop annex (seed 002,
  Phụ lục 2) attached to the periodic CCHC report: issuing body and national motto, "PHỤ LỤC",
  the title with the period and year, "(Kèm theo Báo cáo số …/BC-… ngày … tháng … năm …)",
  then the workbook's two heading rows and its rows — each group (I, II, III) with its subtotal in
  bold, its units numbered 1, 2, …, and the total row in bold; the % of a subtotal or the
  total is the one :mod:`parindex.report.one_stop_annex` computed from its sums — and the
  signature block.
- :func:`followup_docx` — ``parindex reports --format docx``: every unit's periodic reports
  (deadline, date sent, days late, status), then the units to remind as of a date.

Cells are written as the CSV writes them (counts as whole numbers, the % to two decimals with
a decimal comma in Vietnamese, blanks empty), so the paper, the CSV and the JSON agree.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from docx.document import Document as DocumentObject

from parindex.report.docx_page import (
    TEXT_WIDTH_MM,
    Band,
    Column,
    add_table,
    clean,
    document_bytes,
    heading_block,
    new_document,
    paragraph,
    signature_block,
)
from parindex.report.one_stop_annex import (
    BANDS,
    FIGURES,
    annex_frame,
    annex_title,
    kind_of_rows,
    short_heading,
)
from parindex.report.report_followup import followup_frame, remind_frame, shown_date
from parindex.report.tables import fmt
from parindex.words import t

#: the one-stop annex's columns (mm): STT, then each figure; the unit's name takes the rest
_STT_MM, _FIGURE_MM = 12, 16
#: the follow-up's columns (mm) by position; None: the rest of the width
_REPORTS_MM = (12, 20, None, 20, 26, 26, 20, 36)
_REMIND_MM = (12, 20, None, 70)


def _text(value: Any, lang: str) -> str:
    """A cell as the CSV writes it: numbers through :func:`fmt`, blanks empty."""
    if value is None or value == "":
        return ""
    return clean(fmt(value, lang))


def _rows(frame: pd.DataFrame, lang: str) -> list[list[str]]:
    return [[_text(v, lang) for v in values] for values in frame.itertuples(index=False)]


def _columns(frame: pd.DataFrame, widths: tuple[int | None, ...],
             numbers: set[int]) -> list[Column]:
    """The frame's headings as columns of those widths, the ``None`` one taking the rest."""
    rest = TEXT_WIDTH_MM - sum(w for w in widths if w is not None)
    return [Column(str(name), rest if w is None else w, number=j in numbers)
            for j, (name, w) in enumerate(zip(frame.columns, widths, strict=True))]


def _top(doc: DocumentObject, authority: str, lang: str, title: str) -> None:
    heading_block(doc, authority, lang)
    doc.add_paragraph()
    paragraph(doc, t("docx.annex", lang), bold=True)
    paragraph(doc, title, bold=True)
    body = clean(authority).strip()
    attached = t("docx.report_attached_by", lang, authority=body) if body else \
        t("docx.report_attached", lang)
    paragraph(doc, attached, italic=True, after=12)


def annex_docx(data: dict[str, Any], authority: str = "", lang: str = "vi") -> bytes:
    """The one-stop annex (:func:`parindex.report.one_stop_annex.annex`) ready to sign: the
    workbook's two heading rows (received, resolved and pending over their columns)."""
    doc = new_document()
    _top(doc, authority, lang, annex_title(data, lang))
    frame = annex_frame(data, lang)
    rest = TEXT_WIDTH_MM - _STT_MM - _FIGURE_MM * len(FIGURES)
    in_band = {c for cols in BANDS.values() for c in cols}
    columns = [Column(t("annex.col.stt", lang), _STT_MM, number=True),
               Column(t("annex.col.name", lang), rest)]
    columns += [Column(short_heading(c, lang) if c in in_band else t(f"annex.col.{c}", lang),
                       _FIGURE_MM, number=True) for c in FIGURES]
    bands = [Band(t(f"annex.band.{key}", lang), 2 + FIGURES.index(cols[0]), len(cols))
             for key, cols in BANDS.items()]
    bold = [kind != "unit" for kind in kind_of_rows(data)]
    add_table(doc, columns, _rows(frame, lang), bold_rows=bold, bands=bands)
    signature_block(doc, authority, lang)
    return document_bytes(doc)


def followup_docx(data: dict[str, Any], year: int, authority: str = "",
                  lang: str = "vi") -> bytes:
    """The periodic reports followed up (:func:`parindex.report.report_followup.followup`):
    every unit's reports, then the units to remind (or a line saying there are none)."""
    doc = new_document()
    heading_block(doc, authority, lang)
    doc.add_paragraph()
    paragraph(doc, t("followup.title", lang, year=year).upper(), bold=True, after=12)
    reports = followup_frame(data, lang)
    add_table(doc, _columns(reports, _REPORTS_MM, numbers={0, 6}), _rows(reports, lang))
    doc.add_paragraph()
    remind_title = t("followup.remind_title", lang, date=shown_date(data["as_of"], lang))
    remind = remind_frame(data, lang)
    if len(remind):
        paragraph(doc, remind_title, bold=True, center=False, after=4)
        add_table(doc, _columns(remind, _REMIND_MM, numbers={0}), _rows(remind, lang))
    else:
        paragraph(doc, f"{remind_title}: {t('followup.none_to_remind', lang)}", bold=True,
                  center=False)
    signature_block(doc, authority, lang)
    return document_bytes(doc)


__all__ = ["annex_docx", "followup_docx"]
