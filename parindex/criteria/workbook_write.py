"""Write an edition as a workbook the office can edit (``parindex criteria export``).

Every value the edition file states is written, and nothing it leaves to a default is
invented, except each parent's and area's max, written as the sum of its leaves so the sheet
reads like the published decision (the reader accepts it as a stated max, which the checker
compares with the sum). Text cells stay text (a name beginning with ``=`` is never a
formula); the code and calendar columns are formatted as text so Excel keeps ``1.10``.
"""

from __future__ import annotations

import io
from typing import Any

from parindex.criteria.compiled import CompiledEdition
from parindex.criteria.input_text import input_text
from parindex.criteria.model import Area, Edition, Node
from parindex.criteria.rule_text import RuleTextError, rule_text
from parindex.criteria.workbook_layout import (
    COLUMNS,
    META_WIDTHS,
    heading,
    meta_label,
    sheet_name,
)
from parindex.words import t

_TEXT_COLUMNS = {"code"}
#: meta rows whose values are kept as text (report ids, dates, area codes, answer keys)
_TEXT_PAIRS = ("calendar", "previous_area", "band", "survey_answers")
#: the fields a workbook holds, per model; a field set outside these is refused, never lost
WRITTEN: dict[str, frozenset[str]] = {
    "Edition": frozenset({"edition", "title", "level", "valid", "legal_basis", "description",
                          "scale", "not_applicable", "ties", "bands", "bonus_max",
                          "penalty_max", "calendar", "previous", "areas", "survey_answers",
                          "min_respondents"}),
    "Area": frozenset({"code", "name", "description", "owner", "survey", "not_applicable",
                       "max", "criteria"}),
    "Node": frozenset({"code", "name", "description", "owner", "survey", "not_applicable",
                       "max", "evidence", "input", "score", "children"}),
}


def unwritten(model: Edition) -> list[str]:
    """Fields the edition sets that a workbook has no place for (``areas[0].x`` …): an edition
    written with a newer format than this writer knows. Empty for every shipped edition."""
    out = [k for k in sorted(model.model_fields_set - WRITTEN["Edition"])]

    def visit(node: Area | Node, where: str) -> None:
        extra = node.model_fields_set - WRITTEN[type(node).__name__]
        out.extend(f"{where} {node.code}: {k}" for k in sorted(extra))
        for child in (node.criteria if isinstance(node, Area) else node.children or []):
            visit(child, where)

    for area in model.areas:
        visit(area, "code")
    return out


def edition_workbook(ed: CompiledEdition, lang: str = "vi") -> bytes:
    """The edition as ``.xlsx`` bytes: a meta sheet and a criteria sheet.

    A report id or a field that cannot be written raises
    :class:`~parindex.criteria.rule_text.RuleTextError`."""
    from openpyxl import Workbook

    lost = unwritten(ed.model)
    if lost:
        raise RuleTextError("critbook.unwritten", fields=", ".join(lost))
    book = Workbook()
    meta = book.active
    meta.title = sheet_name("meta", lang)
    _write_meta(meta, ed.model, lang)
    nodes = book.create_sheet(sheet_name("nodes", lang))
    maxes = {n.code: n.max for n in ed.nodes}
    _write_nodes(nodes, ed.model, maxes, lang)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _put(ws: Any, row: int, col: int, value: object, text: bool = False) -> None:
    """One cell; text stays text (never a formula), wrapped, at the top of the cell."""
    from openpyxl.styles import Alignment

    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if text:
        cell.number_format = "@"
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _heading_row(ws: Any, titles: list[str], widths: list[int] | tuple[int, ...]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        _put(ws, 1, col, title)
        ws.cell(row=1, column=col).font = Font(bold=True)
        ws.cell(row=1, column=col).fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _meta_rows(model: Edition) -> list[tuple[str, list[object]]]:
    """(field, values) in the order of the meta sheet; None values are written blank."""
    rows: list[tuple[str, list[object]]] = [
        ("edition", [model.edition]), ("title", [model.title]), ("level", [model.level]),
        ("valid_from", [model.valid.from_]), ("valid_until", [model.valid.until])]
    rows += [("legal_basis", [text]) for text in model.legal_basis]
    rows += [("description", [model.description]), ("scale", [model.scale]),
             ("not_applicable", [model.not_applicable]), ("ties", [model.ties]),
             ("bonus_max", [model.bonus_max]), ("penalty_max", [model.penalty_max])]
    rows += [("band", [b.name, b.min]) for b in model.bands]
    rows += [("calendar", [rid, date]) for rid, date in model.calendar.items()]
    if model.previous is not None:
        rows.append(("previous_edition", [model.previous.edition]))
        for code, old in model.previous.areas.items():
            written = old if isinstance(old, str) else "[" + ", ".join(old) + "]"
            rows.append(("previous_area", [code, written]))
    rows += [("survey_answers", [key, weight])
             for key, weight in (model.survey_answers or {}).items()]
    if model.min_respondents is not None:
        rows.append(("min_respondents", [model.min_respondents]))
    return rows


def _write_meta(ws: Any, model: Edition, lang: str) -> None:
    _heading_row(ws, [t(f"critbook.meta.{k}", lang) for k in ("field", "value", "value2")],
                 META_WIDTHS)
    for row, (key, values) in enumerate(_meta_rows(model), start=2):
        _put(ws, row, 1, meta_label(key, lang))
        for col, value in enumerate(values, start=2):
            _put(ws, row, col, value, text=key in _TEXT_PAIRS and isinstance(value, str))


def _yes_no(value: bool | None, lang: str) -> str | None:
    if value is None:
        return None
    return t("label.yes", lang) if value else t("critbook.no", lang)


def _node_values(node: Area | Node, depth: int, maxes: dict[str, float],
                 lang: str) -> dict[str, object]:
    values: dict[str, object] = {
        "depth": depth, "code": node.code, "name": node.name, "max": maxes[node.code],
        "survey": _yes_no(node.survey, lang), "not_applicable": node.not_applicable,
        "owner": node.owner, "description": node.description}
    if isinstance(node, Node):
        values["evidence"] = node.evidence
        if node.is_leaf:
            assert node.score is not None
            assert node.input is not None
            values["max"] = node.max
            values["input"] = input_text(node.input, lang) or None
            values["score"] = rule_text(node.score, lang)
    return values


def _write_nodes(ws: Any, model: Edition, maxes: dict[str, float], lang: str) -> None:
    _heading_row(ws, [heading(k, lang) for k, _ in COLUMNS], [w for _, w in COLUMNS])
    row = 2

    def visit(node: Area | Node, depth: int) -> None:
        nonlocal row
        values = _node_values(node, depth, maxes, lang)
        for col, (key, _) in enumerate(COLUMNS, start=1):
            _put(ws, row, col, values.get(key), text=key in _TEXT_COLUMNS)
        row += 1
        kids = node.criteria if isinstance(node, Area) else (node.children or [])
        for child in kids:
            visit(child, depth + 1)

    for area in model.areas:
        visit(area, 1)
    _drop_downs(ws, row - 1 + _SPARE_ROWS, lang)


#: rows below the last node that keep the drop-downs, for criteria the office adds
_SPARE_ROWS = 200


def _drop_downs(ws: Any, last: int, lang: str) -> None:
    """Lists for the survey and not-applicable columns (blank allowed: inherit)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    keys = [k for k, _ in COLUMNS]
    yes_no = f"{t('label.yes', lang)},{t('critbook.no', lang)}"
    for key, choices in (("survey", yes_no), ("not_applicable", "rebase,full,forbidden")):
        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        letter = get_column_letter(keys.index(key) + 1)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)


__all__ = ["edition_workbook"]
