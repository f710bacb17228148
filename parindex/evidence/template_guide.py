"""The parts of a template that are for people, not for the reader: the instructions sheet
(``Hướng dẫn``), the title block above the evidence headings (the unit, the national motto,
the form's title), the signature block below the rows, and how each sheet prints.

The title rows sit above the heading row (CONTRACT §2: the heading row is found, within the
first rows); the signature block sits in informational columns only (``rule``, ``enter``),
so a reader that maps the bundle's columns sees a blank row there.
"""

from __future__ import annotations

from typing import Any

from parindex.evidence.labels import label
from parindex.evidence.tables import TABLES
from parindex.evidence.template_leaves import EVIDENCE_COLUMNS, LINE_HEIGHT, TemplateSpec
from parindex.words import t

#: rows of the title block; the evidence headings are on the row below (1-based: 6)
TITLE_ROWS = 5
#: the columns each sheet's guide lines explain, in order
_GUIDED: dict[str, tuple[str, ...]] = {
    "meta": ("year", "edition", "authority"),
    "evidence": tuple(EVIDENCE_COLUMNS),
    "one_stop": ("unit", *TABLES["one_stop"][0][1:], *TABLES["one_stop"][1]),
    "reports": ("unit", "report", "submitted", "deadline"),
    "adjustments": ("unit", "kind", "points", "reason"),
}


def print_setup(ws: Any, lang: str, head: int, area: tuple[int, int, int, int]) -> None:
    """A4 landscape, fitted to the page width, the heading row repeated on every page, the
    page number in the footer."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    ws.repeat_rows(head)
    ws.print_area(*area)
    ws.set_footer("&C" + t("tpl.footer", lang))


def _top_left(spec: TemplateSpec) -> tuple[str, str]:
    """Who the form is from: the ranking group (or authority) above, the unit below."""
    groups = sorted(set(spec.units["group"]))
    upper = groups[0] if len(groups) == 1 else spec.authority
    if len(spec.units) == 1:
        return upper.upper(), str(spec.units["name"].iloc[0]).upper()
    return (spec.authority or upper).upper(), t("tpl.units", spec.lang, count=len(spec.units))


def title_block(ws: Any, spec: TemplateSpec, fmt: dict[str, Any], last_col: int) -> int:
    """The form's head: the unit on the left, the national motto on the right, the title
    centred below. Returns the (0-based) row of the headings."""
    upper, unit = _top_left(spec)
    split = 3  # columns A–D on the left, H–L on the right
    right = max(last_col - 4, split + 1)
    # row by row: XlsxWriter's constant-memory mode writes a row out when the next begins
    ws.merge_range(0, 0, 0, split, upper, fmt["center"])
    ws.merge_range(0, right, 0, last_col, t("tpl.motto", spec.lang), fmt["center_bold"])
    ws.merge_range(1, 0, 1, split, unit, fmt["center_bold"])
    ws.merge_range(1, right, 1, last_col, t("tpl.motto2", spec.lang), fmt["motto2"])
    ws.merge_range(3, 0, 3, last_col, t("tpl.title", spec.lang, year=spec.year), fmt["title"])
    ws.merge_range(4, 0, 4, last_col, spec.edition.model.title, fmt["italic"])
    ws.set_row(3, LINE_HEIGHT * 2)
    return TITLE_ROWS


def signature_block(ws: Any, row: int, fmt: dict[str, Any], cols: tuple[int, int],
                    lang: str) -> int:
    """Place and date, ``LÃNH ĐẠO ĐƠN VỊ``, how to sign, and room for the signature, in the
    columns ``cols`` (first, last) from ``row``. Returns the last row used."""
    first, last = cols
    for r, (key, style) in enumerate((("tpl.place_date", "italic"), ("tpl.sign", "center_bold"),
                                      ("tpl.sign_hint", "italic")), start=row):
        ws.merge_range(r, first, r, last, t(key, lang), fmt[style])
        ws.set_row(r, LINE_HEIGHT + 2)
    return row + 7  # four blank rows for the signature


def guide_sheet(ws: Any, spec: TemplateSpec, fmt: dict[str, Any], sheets: list[str]) -> None:
    """The instructions sheet: the steps, then each sheet and column in plain words."""
    lang = spec.lang
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 80)
    ws.merge_range(0, 0, 0, 2, t("guide.title", lang), fmt["title"])
    ws.set_row(0, LINE_HEIGHT * 2)
    heads = {c: label("evidence", c, lang) for c in ("value", "appraised", "source")}
    heads.update(rule=label("evidence", "rule", lang), enter=label("evidence", "enter", lang))
    ws.write_string(2, 0, t("guide.steps", lang), fmt["bold"])
    r = 3
    for step in range(1, 8):
        ws.merge_range(r, 0, r, 2, t(f"guide.step{step}", lang, **heads), fmt["plain"])
        ws.set_row(r, LINE_HEIGHT * 2 + 2)
        r += 1
    r += 1
    for j, key in enumerate(("guide.sheet", "guide.column", "guide.meaning")):
        ws.write_string(r, j, t(key, lang), fmt["head"])
    head = r
    for sheet in sheets:
        r += 1
        ws.write_string(r, 0, sheet, fmt["head"])
        ws.merge_range(r, 1, r, 2, t(f"guide.sheet.{sheet}", lang), fmt["wrap"])
        ws.set_row(r, LINE_HEIGHT * 2 + 2)
        shown = _GUIDED[sheet] if sheet != "units" else \
            [c for c in (*TABLES["units"][0], *TABLES["units"][1]) if c in spec.units.columns]
        for col in shown:
            r += 1
            ws.write_string(r, 0, sheet, fmt["text"])
            ws.write_string(r, 1, label(sheet, col, lang), fmt["wrap"])
            key = "count" if sheet == "one_stop" and col != "unit" else col
            ws.write_string(r, 2, t(f"guide.col.{key}", lang), fmt["wrap"])
    ws.activate()
    print_setup(ws, lang, head, (0, 0, r, 2))
