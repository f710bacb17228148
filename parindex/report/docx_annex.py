"""Papers to sign, as Word documents: the annex of the decision and one unit's scoring sheet.

- :func:`annex_docx` — ``parindex rank --format docx``: the annex (Phụ lục) a council attaches
  to its decision announcing the index: issuing body and national motto, "PHỤ LỤC / KẾT QUẢ
  XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM …", the line "(Kèm theo Quyết định số …/QĐ-… ngày …
  tháng … năm …)" with blanks filled by hand, then per ranking group (I, II, …) the league
  table — STT, unit, self-assessed, appraised and survey points, bonus, penalty, total,
  applicable maximum, index %, band, rank in the group (and overall rank with several
  groups) — and the signature block. Area points are left out: the annex must fit a page's
  width at 12 pt; the workbook and the CSV carry them.
- :func:`unit_sheet_docx` — ``parindex explain --format docx``: one unit's results and every
  criterion (area rows in bold above their leaves): max, self-assessed and appraised points,
  points lost, status, evidence, note; with ``--owner`` only the areas that department owns
  and its points, max and index on them.

The paper (A4 landscape, margins, Times New Roman, header rows repeated on every page) is
:mod:`parindex.report.docx_page`'s. Numbers to two decimals, with a decimal comma in
Vietnamese.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocumentObject

from parindex.report.docx_page import (
    TEXT_WIDTH_MM,
    Column,
    add_table,
    clean,
    document_bytes,
    heading_block,
    new_document,
    paragraph,
    signature_block,
)
from parindex.report.owner import owned_areas, owned_leaves, owner_unit
from parindex.report.published import detail_frame, is_area_row, roman
from parindex.report.tables import fmt, header, league_frames, rank_words
from parindex.scoring.run import Run
from parindex.words import t

#: the annex's figures: league-table heading key → (annex heading key, width in mm)
_FIGURES = {"self_points": ("docx.head.self", 17), "appraised_points": ("docx.head.appraised", 17),
            "survey_points": ("docx.head.survey", 17), "bonus": ("docx.head.bonus", 17),
            "penalty": ("docx.head.penalty", 16), "total": ("head.total", 17),
            "applicable_max": ("head.applicable_max", 17), "index": ("head.index", 17)}
_STT_MM, _BAND_MM, _RANK_MM = 12, 22, 15


def _authority(run: Run) -> str:
    return run.bundle.authority if run.bundle is not None else ""


def _cell(value: Any, lang: str) -> str:
    return clean(fmt(value, lang)) if value is not None else ""


def _top(doc: DocumentObject, run: Run, lang: str, title: str) -> None:
    heading_block(doc, _authority(run), lang)
    doc.add_paragraph()
    paragraph(doc, t("docx.annex", lang), bold=True)
    paragraph(doc, title, bold=True)
    authority = clean(_authority(run)).strip()
    attached = t("docx.attached_by", lang, authority=authority) if authority else \
        t("docx.attached", lang)
    paragraph(doc, attached, italic=True, after=12)


def annex_columns(lang: str, several: bool) -> list[tuple[str, Column]]:
    """The annex's columns: (league-table heading, annex column), the unit's name taking the
    width the others leave."""
    fixed = [("stt", Column(header("stt", lang), _STT_MM, number=True))]
    for key, (word, mm) in _FIGURES.items():
        fixed.append((key, Column(t(word, lang), mm, number=True)))
    fixed.append(("band", Column(header("band", lang), _BAND_MM)))
    fixed.append(("rank", Column(header("rank", lang), _RANK_MM, number=True)))
    if several:
        fixed.append(("overall_rank", Column(header("overall_rank", lang), _RANK_MM + 2,
                                             number=True)))
    used = sum(c.width for _, c in fixed)
    unit = ("unit", Column(header("unit", lang), TEXT_WIDTH_MM - used))
    return [fixed[0], unit, *fixed[1:]]


def annex_docx(run: Run, lang: str = "vi", group: str | None = None) -> bytes:
    """The annex of the decision: the league table per group, ready to sign (module doc)."""
    doc = new_document()
    _top(doc, run, lang, t("docx.annex_title", lang, year=run.year))
    several = len(set(run.units["group"])) > 1
    columns = annex_columns(lang, several)
    for n, (name, df) in enumerate(league_frames(run, lang, group), start=1):
        paragraph(doc, f"{roman(n)}. {clean(name)}", bold=True, center=False, after=4)
        picked = [header(key, lang) for key, _ in columns]
        rows = [[_cell(v, lang) for v in values]
                for values in df[picked].itertuples(index=False)]
        add_table(doc, [c for _, c in columns], rows)
        doc.add_paragraph()
    signature_block(doc, _authority(run), lang)
    return document_bytes(doc)


#: the sheet's columns: detail-frame heading key → width in mm (None: the rest)
_SHEET = {"code": 15, "criterion": None, "max": 16, "self": 18, "appraised": 18, "lost": 16,
          "status": 24, "source": 40, "note": 30}


def unit_sheet_docx(run: Run, unit: int, lang: str = "vi", owner: str | None = None) -> bytes:
    """One unit's criterion-by-criterion scoring sheet, ready to sign (module docstring);
    with ``owner`` only the areas that department owns, and its figures on them."""
    doc = new_document()
    _top(doc, run, lang, t("docx.sheet_title", lang, year=run.year))
    r = run.unit_result(unit)
    paragraph(doc, t("docx.sheet_unit", lang, name=clean(r["name"]), code=clean(r["code"]),
                     group=clean(r["group"])), bold=True, center=False)
    index = "" if r["index"] is None else fmt(r["index"], lang)
    paragraph(doc, t("docx.sheet_summary", lang, total=fmt(r["total"], lang),
                     max=fmt(r["applicable_max"], lang), index=index,
                     band=clean(r["band"] or ""), rank=rank_words(r["group_rank"], lang)),
              center=False, after=0 if owner else 6)
    df = detail_frame(run, lang, units=[unit])
    if owner is not None:
        own = owner_unit(run, owner, unit)
        paragraph(doc, t("docx.sheet_owner", lang, owner=clean(owner),
                         areas=", ".join(own["areas"]), points=fmt(own["points"], lang),
                         max=fmt(own["max"], lang),
                         index="" if own["index"] is None else fmt(own["index"], lang)),
                  center=False, after=6)
        areas = owned_areas(run, owner)
        codes = {run.edition.areas[k].code for k in areas} | {
            lf.code for lf, keep in zip(run.edition.leaves, owned_leaves(run, areas),
                                        strict=True) if keep}
        df = df[df[header("code", lang)].isin(codes)].reset_index(drop=True)
    rest = TEXT_WIDTH_MM - sum(mm for mm in _SHEET.values() if mm is not None)
    numbers = {"max", "self", "appraised", "lost"}
    columns = [Column(header(k, lang), rest if mm is None else mm, number=k in numbers)
               for k, mm in _SHEET.items()]
    picked = [c.heading for c in columns]
    rows = [[_cell(v, lang) for v in values] for values in df[picked].itertuples(index=False)]
    add_table(doc, columns, rows, bold_rows=[bool(b) for b in is_area_row(df)])
    signature_block(doc, _authority(run), lang)
    return document_bytes(doc)


__all__ = ["annex_columns", "annex_docx", "unit_sheet_docx"]
